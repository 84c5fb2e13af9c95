"""Who reads the funding ledger (R-FUND-1…3, R-ACC-5), what the statement counts are, and
cancellation when the assessment revokes a centre (R-FUND-2)."""

from __future__ import annotations

import pytest

from api.statements import StatementCounter
from models.base import programme_today
from models.funding import EntryKind, FundingProgramme, LedgerEntry, SubsidyDecision
from services import subsidy
from services.actor import Actor
from services.errors import BadInput
from tests.helpers import Api, World, error_codes, gid
from tests.test_funding import Funding, build_funding

LEDGER = """query($f: LedgerFilter) { ledger(first: 50, filter: $f) { totalCount edges { node {
  id programme kind instalment purpose amount valueDate year paymentReference reason reverses
  recordedBySystem createdAt centre { name } } } } }"""
DECISION = """query($c: ID!) { subsidyDecision(centreId: $c) { id approved } }"""
NODE = """query($id: ID!) { node(id: $id) { id } }"""
CENTRE = """query($id: ID!) { centre(id: $id) { approvedSubsidy subsidyDecision { approved } } }"""
CENTRES = """{ centres(first: 50) { totalCount edges { node { id name approvedSubsidy
  subsidyDecision { approved firstInstalment { state paid } secondInstalment { state } } } } } }"""


@pytest.fixture
async def paid(api: Api, world: World) -> Funding:
    """A centre of city 450200 with its subsidy decided and the first instalment paid."""
    funding = await build_funding(api, world)
    await funding.decide()
    body = await funding.pay(1)
    assert not body.get("errors"), body
    return funding


async def _ids(funding: Funding) -> tuple[str, str]:
    entry = await LedgerEntry.get()
    decision = await SubsidyDecision.get()
    return gid(entry), gid(decision)


async def test_r_fund_2_the_lead_and_the_city_bureau_read_the_ledger(paid: Funding) -> None:
    entry, decision = await _ids(paid)
    for who in ("staff", "lead", "bureau"):
        # when each reads the ledger, the decision and the entry by id
        ledger = (await paid.ok(who, LEDGER, f=None))["ledger"]
        # then they see the one payment, exactly as recorded
        assert ledger["totalCount"] == 1, who
        node = ledger["edges"][0]["node"]
        assert (node["kind"], node["instalment"], node["amount"]) == (
            "DISBURSEMENT",
            1,
            "1000000.00",
        )
        assert node["paymentReference"] == "GXCZ-1"
        assert (await paid.ok(who, DECISION, c=gid(paid.centre)))["subsidyDecision"]["id"] == (
            decision
        )
        assert (await paid.ok(who, NODE, id=entry))["node"]["id"] == entry


@pytest.mark.parametrize("who", ["other_bureau", "expert", "member"])
async def test_r_fund_2_others_cannot_read_a_ledger_not_even_its_existence(
    paid: Funding, who: str
) -> None:
    entry, decision = await _ids(paid)
    # when someone outside the ledger's readers lists it, filtered to the centre or not
    for flt in (None, {"centreId": gid(paid.centre)}, {"programme": "SUBSIDY"}):
        ledger = (await paid.ok(who, LEDGER, f=flt))["ledger"]
        # then it is empty, the count zero
        assert (ledger["totalCount"], ledger["edges"]) == (0, []), flt
    # and the decision and the entry read as missing, by look-up and by node id
    assert error_codes(await paid.run(who, DECISION, c=gid(paid.centre))) == ["NOT_FOUND"]
    for node_id in (entry, decision):
        assert error_codes(await paid.run(who, NODE, id=node_id)) == ["NOT_FOUND"]


async def test_r_fund_1_a_member_sees_only_the_approved_subsidy(paid: Funding) -> None:
    # when a (non-lead) alliance member and the lead read the centre
    member = (await paid.ok("member", CENTRE, id=gid(paid.centre)))["centre"]
    lead = (await paid.ok("lead", CENTRE, id=gid(paid.centre)))["centre"]
    # then the member sees the approved total alone; the lead the decision too
    assert member == {"approvedSubsidy": "2000000.00", "subsidyDecision": None}
    assert lead == {"approvedSubsidy": "2000000.00", "subsidyDecision": {"approved": "2000000.00"}}
    # and an expert, not seeing the centre, sees nothing
    assert error_codes(await paid.run("expert", CENTRE, id=gid(paid.centre))) == ["NOT_FOUND"]


async def test_r_fund_1_only_staff_record_funding(paid: Funding) -> None:
    entry, _ = await _ids(paid)
    reverse = """mutation($e: ID!) { reverseLedgerEntry(entryId: $e, reason: "错") { id } }"""
    for who in ("lead", "bureau", "member", "expert"):
        # when anyone but staff reverses an entry
        body = await paid.run(who, reverse, e=entry)
        # then their roles do not allow it, and the ledger is unchanged
        assert error_codes(body) == ["FORBIDDEN"], who
    assert await LedgerEntry.all().count() == 1


@pytest.mark.parametrize("reference", ["GXCZ\x00-1", "GXCZ\x1b[0m", "\x07"])
async def test_r_fund_2_a_reference_with_control_characters_is_refused(
    paid: Funding, reference: str
) -> None:
    # given a staff caller behind the GraphQL layer (which refuses such variables itself)
    staff = paid.users["staff"]
    actor = Actor(user_id=staff.id, token_version=staff.token_version, request_id="test")
    # when the operation is called with a control character in the reference
    with pytest.raises(BadInput) as refused:
        await subsidy.pay_instalment(actor, gid(paid.centre), 2, programme_today(), reference)
    # then it is refused naming the field
    assert refused.value.details["field"] == "paymentReference"


# --- statement counts -----------------------------------------------------------------------


async def _ledgers(funding: Funding, centres: int) -> None:
    """``centres`` centres, each with a decision and one payment, written directly."""
    today = programme_today()
    for _ in range(centres):
        centre = await funding.listed()
        await SubsidyDecision.create(
            centre_id=centre.id,
            fixed_asset_investment_fen=300_000_000,
            software_investment_fen=100_000_000,
            cap_fen=200_000_000,
            approved_fen=200_000_000,
            first_instalment_fen=100_000_000,
            second_instalment_fen=100_000_000,
            decided_on=today,
            decided_by_id=funding.users["staff"].id,
        )
        await LedgerEntry.create(
            centre_id=centre.id,
            programme=FundingProgramme.SUBSIDY,
            kind=EntryKind.DISBURSEMENT,
            instalment=1,
            amount_fen=100_000_000,
            value_date=today,
            year=today.year,
            payment_reference="GXCZ",
            recorded_by_id=funding.users["staff"].id,
        )


async def _statements(
    funding: Funding, counter: StatementCounter, who: str, query: str, field: str, rows: int
) -> int:
    counter.statements.clear()
    data = await funding.ok(who, query, **({"f": None} if "$f" in query else {}))
    assert data[field]["totalCount"] == rows
    return len(counter.statements)


@pytest.mark.parametrize("who", ["staff", "bureau"])
async def test_r_fund_2_the_ledger_costs_the_same_for_2_and_10_rows(
    api: Api, world: World, sql_counter: StatementCounter, who: str
) -> None:
    funding = await build_funding(api, world)
    # given 2 ledger rows, then 10
    await _ledgers(funding, 2)
    two = await _statements(funding, sql_counter, who, LEDGER, "ledger", 2)
    await _ledgers(funding, 8)
    ten = await _statements(funding, sql_counter, who, LEDGER, "ledger", 10)
    # then reading them costs the same number of statements
    assert two == ten


async def test_r_fund_1_approved_subsidies_of_a_list_cost_the_same_for_2_and_10(
    api: Api, world: World, sql_counter: StatementCounter
) -> None:
    funding = await build_funding(api, world)
    # given 2 centres with decisions, then 10 (the fixture's own centre has none: 3 and 11 in
    # all), read by a member of every alliance and by staff
    await _ledgers(funding, 2)
    two = [
        await _statements(funding, sql_counter, who, CENTRES, "centres", 3)
        for who in ("member", "staff")
    ]
    await _ledgers(funding, 8)
    ten = [
        await _statements(funding, sql_counter, who, CENTRES, "centres", 11)
        for who in ("member", "staff")
    ]
    # then the statements are the same for each, and the member sees the approved totals only
    assert two == ten
    data = await funding.ok("member", CENTRES)
    nodes = [edge["node"] for edge in data["centres"]["edges"]]
    assert (
        sorted((n["approvedSubsidy"] or "", n["subsidyDecision"] is None) for n in nodes)
        == [("", True)] + [("2000000.00", True)] * 10
    )
