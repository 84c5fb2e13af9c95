"""The subsidy (R-FUND-1, R-FUND-2, R-FUND-4): the cap, two exact instalments paid once each, the
second only after establishment, reversals, and cancellation when cultivation fails."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from models.accounts import RoleName, User
from models.audit import AuditEntry
from models.base import programme_today
from models.centres import Centre, CentreStatus
from models.cultivation import TaskAgreement
from models.funding import EntryKind, LedgerEntry, SubsidyDecision
from models.reference import Organisation
from tests.helpers import Api, World, error_codes, gid

DECIDE = """mutation($c: ID!, $a: Decimal!, $b: BasisCorrectionInput) {
  decideSubsidy(centreId: $c, approved: $a, basisCorrection: $b) {
    id fixedAssetInvestment softwareInvestment totalInvestment basisCorrectionReason cap
    approved decidedOn
    firstInstalment { number amount state paid }
    secondInstalment { number amount state paid } } }"""
PAY = """mutation($c: ID!, $n: Int!, $d: Date!, $r: String!) {
  payInstalment(centreId: $c, instalment: $n, valueDate: $d, paymentReference: $r) {
    id programme kind instalment amount valueDate year paymentReference recordedBySystem } }"""
REVERSE = """mutation($e: ID!, $r: String!) { reverseLedgerEntry(entryId: $e, reason: $r) {
  id kind amount reverses reason instalment } }"""
DECISION = """query($c: ID!) { subsidyDecision(centreId: $c) { approved cap
  firstInstalment { state amount paid cancellationReason }
  secondInstalment { state amount paid cancellationReason } } }"""


@dataclass
class Funding:
    """A province with one cultivating centre of city 450200 and everyone around it."""

    api: Api
    world: World
    lead: Organisation
    member: Organisation
    centre: Centre
    users: dict[str, User]

    async def run(self, who: str, query: str, **variables: Any) -> dict[str, Any]:
        return await self.api.gql(query, variables, token=self.world.token(self.users[who]))

    async def ok(self, who: str, query: str, **variables: Any) -> dict[str, Any]:
        body = await self.run(who, query, **variables)
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def listed(
        self,
        fixed: str = "3000000.00",
        software: str = "1000000.00",
        status: CentreStatus = CentreStatus.CULTIVATING,
    ) -> Centre:
        """Another centre of the same lead, listed 100 days ago with its task agreement."""
        centre = await self.world.centre(self.lead, members=[self.member], status=status)
        await prepare(centre, fixed, software)
        return await Centre.get(id=centre.id)

    async def decide(self, centre: Centre | None = None, approved: str = "2000000.00") -> str:
        data = await self.ok("staff", DECIDE, c=gid(centre or self.centre), a=approved, b=None)
        return str(data["decideSubsidy"]["id"])

    async def pay(self, number: int, centre: Centre | None = None) -> dict[str, Any]:
        today = programme_today().isoformat()
        target = gid(centre or self.centre)
        return await self.run("staff", PAY, c=target, n=number, d=today, r=f"GXCZ-{number}")


async def prepare(centre: Centre, fixed: str, software: str) -> None:
    listed = programme_today() - timedelta(days=100)
    await Centre.filter(id=centre.id).update(
        fixed_asset_investment=Decimal(fixed),
        software_investment=Decimal(software),
        listed_on=listed,
    )
    await TaskAgreement.create(centre_id=centre.id, signed_on=listed, tasks=["建设中试平台"])


async def establish(centre: Centre, on: date | None = None) -> None:
    await Centre.filter(id=centre.id).update(
        status=CentreStatus.ESTABLISHED, established_on=on or programme_today()
    )


async def build_funding(api: Api, world: World) -> Funding:
    lead = await world.organisation("450200")
    member = await world.organisation("450200")
    centre = await world.centre(lead, members=[member], status=CentreStatus.CULTIVATING)
    await prepare(centre, "3000000.00", "1000000.00")
    expert_home = await world.organisation("450300")
    users = {
        "staff": await world.user(RoleName.PROVINCIAL_STAFF),
        "bureau": await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450200"),
        "other_bureau": await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450100"),
        "lead": await world.user(RoleName.ENTERPRISE, organisation=lead),
        "member": await world.user(RoleName.ENTERPRISE, organisation=member),
        "expert": await world.user(RoleName.EXPERT, organisation=expert_home),
    }
    return Funding(api, world, lead, member, await Centre.get(id=centre.id), users)


@pytest.fixture
async def funding(api: Api, world: World) -> Funding:
    return await build_funding(api, world)


def _refusal(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("errors"), body
    extensions: dict[str, Any] = body["errors"][0]["extensions"]
    return {**extensions, "message": body["errors"][0]["message"]}


# --- R-FUND-1: the cap ---------------------------------------------------------------------


async def test_r_fund_1_the_cap_is_exactly_half_the_total_investment(funding: Funding) -> None:
    # given a centre whose application gives 2,000,000.00 + 1,000,000.02 CNY
    centre = await funding.listed("2000000.00", "1000000.02")
    # when staff approve one fen over half of it, then exactly half
    over = await funding.run("staff", DECIDE, c=gid(centre), a="1500000.02", b=None)
    decided = await funding.ok("staff", DECIDE, c=gid(centre), a="1500000.01", b=None)
    # then the fen over is refused naming the cap and the basis, and the cap itself is accepted
    refused = _refusal(over)
    assert (refused["code"], refused["field"]) == ("BAD_USER_INPUT", "approved")
    assert "1,500,000.01 CNY" in refused["message"]
    assert "3,000,000.02 CNY" in refused["message"]
    decision = decided["decideSubsidy"]
    assert (decision["cap"], decision["approved"]) == ("1500000.01", "1500000.01")
    assert (decision["fixedAssetInvestment"], decision["softwareInvestment"]) == (
        "2000000.00",
        "1000000.02",
    )
    assert decision["totalInvestment"] == "3000000.02"
    assert decision["basisCorrectionReason"] is None


async def test_r_fund_1_the_cap_is_at_most_ten_million(funding: Funding) -> None:
    # given a centre investing 30,000,000.00 CNY (half would be 15,000,000.00)
    centre = await funding.listed("25000000.00", "5000000.00")
    # when staff approve 10,000,000.01 and then 10,000,000.00
    over = await funding.run("staff", DECIDE, c=gid(centre), a="10000000.01", b=None)
    decided = await funding.ok("staff", DECIDE, c=gid(centre), a="10000000.00", b=None)
    # then the cap is 10,000,000.00 exactly
    assert _refusal(over)["field"] == "approved"
    assert "10,000,000.00 CNY" in _refusal(over)["message"]
    assert decided["decideSubsidy"]["cap"] == "10000000.00"
    assert decided["decideSubsidy"]["approved"] == "10000000.00"


async def test_r_fund_1_staff_correct_the_basis_with_a_reason(funding: Funding) -> None:
    # given a centre that applied with 4,000,000.00 CNY
    correction = {
        "fixedAssetInvestment": "1000000.00",
        "softwareInvestment": "200000.00",
        "reason": "审计核减固定资产投资",
    }
    # when staff correct the basis to 1,200,000.00 and approve the corrected cap
    decided = await funding.ok("staff", DECIDE, c=gid(funding.centre), a="600000.00", b=correction)
    # then the decision keeps the corrected basis and its reason; the application is unchanged
    decision = decided["decideSubsidy"]
    assert (decision["totalInvestment"], decision["cap"]) == ("1200000.00", "600000.00")
    assert decision["basisCorrectionReason"] == "审计核减固定资产投资"
    centre = await Centre.get(id=funding.centre.id)
    assert centre.fixed_asset_investment == Decimal("3000000.00")


@pytest.mark.parametrize("reason", ["", "   ", "\u200b"])
async def test_r_fund_1_a_correction_without_a_reason_is_refused(
    funding: Funding, reason: str
) -> None:
    # given a correction whose reason says nothing
    correction = {"fixedAssetInvestment": "1.00", "softwareInvestment": "1.00", "reason": reason}
    # when staff decide with it
    body = await funding.run("staff", DECIDE, c=gid(funding.centre), a="1.00", b=correction)
    # then it is refused naming the reason, and nothing is recorded
    assert _refusal(body)["field"] == "basisCorrection.reason"
    assert not await SubsidyDecision.exists()


async def test_r_fund_1_one_decision_per_centre_and_only_for_a_listed_one(
    funding: Funding,
) -> None:
    # given a decided centre and centres not (or no longer) on the list
    await funding.decide()
    again = await funding.run("staff", DECIDE, c=gid(funding.centre), a="1.00", b=None)
    assert error_codes(again) == ["CONFLICT"]
    for status in (CentreStatus.SUBMITTED, CentreStatus.CULTIVATION_FAILED, CentreStatus.REVOKED):
        other = await funding.listed(status=status)
        # when staff decide a subsidy for it
        body = await funding.run("staff", DECIDE, c=gid(other), a="1.00", b=None)
        # then it is refused naming its status
        refused = _refusal(body)
        assert refused["code"] == "INVALID_TRANSITION"
        assert status.name in refused["message"]
    # and nobody but staff decides
    for who in ("bureau", "lead"):
        assert error_codes(await funding.run(who, DECIDE, c=gid(funding.centre), a="1.00")) == [
            "FORBIDDEN"
        ]
    assert await SubsidyDecision.all().count() == 1


HOSTILE = [
    # not a number
    "NaN",
    "sNaN",
    "Infinity",
    # beyond any amount
    "1e400",
    "1E+999999999",
    "99999999999999999999",
    # negative
    "-0.01",
    "-1",
    "-10000000.00",
    # a third decimal place
    "0.001",
    "1.005",
    "0.0000001",
    # below a fen however written: nothing may round it to 0.00
    "1E-999999999",
    "1E-30",
    "2.5E-3",
    # huge yet finite
    "10000000000000.01",
    "1000000000000000",
    "123456789012345678.90",
]


@pytest.mark.parametrize("value", HOSTILE)
async def test_r_fund_4_hostile_amounts_are_refused_naming_the_field(
    funding: Funding, value: str
) -> None:
    # when staff approve a hostile amount
    body = await funding.run("staff", DECIDE, c=gid(funding.centre), a=value, b=None)
    # then it is refused as bad input naming ``approved``, and nothing is recorded
    refused = _refusal(body)
    assert (refused["code"], refused["field"]) == ("BAD_USER_INPUT", "approved")
    assert not await SubsidyDecision.exists()


# --- R-FUND-2 / R-FUND-4: two exact instalments -------------------------------------------


async def test_r_fund_4_an_odd_fen_is_split_exactly_and_paid_exactly(funding: Funding) -> None:
    # given an approved subsidy of 1,000,000.01 CNY
    data = await funding.ok("staff", DECIDE, c=gid(funding.centre), a="1000000.01", b=None)
    decision = data["decideSubsidy"]
    # then the first instalment is 500,000.00 and the second carries the odd fen
    assert decision["firstInstalment"] == {
        "number": 1,
        "amount": "500000.00",
        "state": "PENDING",
        "paid": "0.00",
    }
    assert decision["secondInstalment"]["amount"] == "500000.01"
    # when both are paid (the second after establishment)
    first = await funding.pay(1)
    await establish(funding.centre)
    second = await funding.pay(2)
    # then each entry carries exactly its instalment, and together exactly the approved amount
    assert first["data"]["payInstalment"]["amount"] == "500000.00"
    assert second["data"]["payInstalment"]["amount"] == "500000.01"
    assert first["data"]["payInstalment"]["recordedBySystem"] is False
    paid = await funding.ok("lead", DECISION, c=gid(funding.centre))
    assert paid["subsidyDecision"]["secondInstalment"]["state"] == "PAID"
    assert sum(e.amount_fen for e in await LedgerEntry.all()) == 100_000_001
    # and every write is audited
    for action, times in (("funding.decide_subsidy", 1), ("funding.pay_instalment", 2)):
        assert await AuditEntry.filter(action=action, outcome="success").count() == times


async def test_r_fund_2_the_second_instalment_is_refused_before_establishment(
    funding: Funding,
) -> None:
    # given a decided subsidy of a cultivating centre
    await funding.decide()
    # when staff pay the second instalment
    body = await funding.pay(2)
    # then it is refused naming R-FUND-2, and nothing is paid
    refused = _refusal(body)
    assert refused["code"] == "INVALID_TRANSITION"
    assert "R-FUND-2" in refused["message"]
    assert not await LedgerEntry.exists()


async def test_r_fund_2_no_payment_without_a_decision(funding: Funding) -> None:
    body = await funding.pay(1)
    assert error_codes(body) == ["INVALID_TRANSITION"]
    assert not await LedgerEntry.exists()


async def test_r_fund_2_an_instalment_is_paid_once(funding: Funding) -> None:
    # given the first instalment paid
    await funding.decide()
    assert not (await funding.pay(1)).get("errors")
    # when it is paid again
    again = await funding.pay(1)
    # then it is a conflict and the ledger holds one payment
    assert error_codes(again) == ["CONFLICT"]
    assert await LedgerEntry.all().count() == 1


async def test_r_fund_2_racing_payments_pay_the_instalment_once(funding: Funding) -> None:
    # given a decided subsidy
    await funding.decide()
    # when three requests pay the first instalment at the same time
    bodies = await asyncio.gather(*(funding.pay(1) for _ in range(3)))
    # then exactly one succeeds, the others are conflicts
    succeeded = [b for b in bodies if not b.get("errors")]
    assert len(succeeded) == 1
    assert sorted(code for b in bodies for code in error_codes(b)) == ["CONFLICT", "CONFLICT"]
    assert await LedgerEntry.filter(kind=EntryKind.DISBURSEMENT).count() == 1


async def test_r_fund_2_a_reversal_then_the_instalment_is_paid_again(funding: Funding) -> None:
    # given the first instalment paid
    await funding.decide()
    paid = (await funding.pay(1))["data"]["payInstalment"]
    # when staff reverse it with a reason
    data = await funding.ok("staff", REVERSE, e=paid["id"], r="凭证号录入错误")
    reversal = data["reverseLedgerEntry"]
    # then a negative entry names it, and the instalment is pending again
    assert (reversal["kind"], reversal["amount"], reversal["reverses"]) == (
        "REVERSAL",
        "-1000000.00",
        paid["id"],
    )
    state = await funding.ok("staff", DECISION, c=gid(funding.centre))
    assert state["subsidyDecision"]["firstInstalment"]["state"] == "PENDING"
    assert state["subsidyDecision"]["firstInstalment"]["paid"] == "0.00"
    # and neither the disbursement again nor the reversal can be reversed
    twice = await funding.run("staff", REVERSE, e=paid["id"], r="再次冲正")
    assert error_codes(twice) == ["CONFLICT"]
    of_reversal = await funding.run("staff", REVERSE, e=reversal["id"], r="冲正的冲正")
    assert error_codes(of_reversal) == ["INVALID_TRANSITION"]
    # when it is paid again
    repaid = await funding.pay(1)
    # then it is paid once, net
    assert not repaid.get("errors"), repaid
    state = await funding.ok("staff", DECISION, c=gid(funding.centre))
    assert state["subsidyDecision"]["firstInstalment"]["paid"] == "1000000.00"
    assert await LedgerEntry.all().count() == 3


@pytest.mark.parametrize("reason", ["", "  ", "\u200b\u200b"])
async def test_r_fund_2_a_reversal_needs_a_reason(funding: Funding, reason: str) -> None:
    await funding.decide()
    paid = (await funding.pay(1))["data"]["payInstalment"]
    body = await funding.run("staff", REVERSE, e=paid["id"], r=reason)
    assert _refusal(body)["field"] == "reason"
    assert await LedgerEntry.all().count() == 1


@pytest.mark.parametrize(
    ("day", "reference", "field"),
    [
        (timedelta(days=1), "GXCZ-1", "valueDate"),
        (timedelta(days=400), "GXCZ-1", "valueDate"),
        (timedelta(days=-1), "GXCZ-1", "valueDate"),  # before the decision
        (timedelta(0), "", "paymentReference"),
        (timedelta(0), "x" * 65, "paymentReference"),
        (timedelta(0), "\u200b ", "paymentReference"),
        (timedelta(0), "GXCZ-1", None),
    ],
)
async def test_r_fund_2_value_date_and_reference_are_checked(
    funding: Funding, day: timedelta, reference: str, field: str | None
) -> None:
    # given a subsidy decided today
    await funding.decide()
    # when staff pay with the value date and reference given
    value_date = (programme_today() + day).isoformat()
    body = await funding.run("staff", PAY, c=gid(funding.centre), n=1, d=value_date, r=reference)
    # then bad ones are refused naming the field
    if field is None:
        assert not body.get("errors"), body
        return
    refused = _refusal(body)
    assert (refused["code"], refused.get("field")) == ("BAD_USER_INPUT", field)
    assert not await LedgerEntry.exists()


@pytest.mark.parametrize("number", [0, 3, -1])
async def test_r_fund_2_there_are_two_instalments(funding: Funding, number: int) -> None:
    await funding.decide()
    today = programme_today().isoformat()
    body = await funding.run("staff", PAY, c=gid(funding.centre), n=number, d=today, r="R")
    assert _refusal(body)["field"] == "instalment"
