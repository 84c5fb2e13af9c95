"""National-level support (R-FUND-3): a five-year plan of at least 50,000,000.00 CNY with at most
10,000,000.00 for talent, and disbursements that never pass either."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from models.base import programme_today
from models.centres import Centre, CentreStatus
from models.funding import LedgerEntry, NationalSupportPlan
from tests.helpers import Api, World, error_codes, gid
from tests.test_funding import Funding, build_funding

PLAN = """mutation($c: ID!, $y: Int!, $t: Decimal!, $s: Decimal!) {
  recordNationalSupportPlan(centreId: $c, firstYear: $y, total: $t, talent: $s) {
    id firstYear lastYear years total talent paid talentPaid remaining talentRemaining } }"""
PAY = """mutation($c: ID!, $a: Decimal!, $p: SupportPurpose!, $d: Date!) {
  payNationalSupport(centreId: $c, amount: $a, purpose: $p, valueDate: $d,
    paymentReference: "GJZC-1") { id programme kind purpose amount } }"""
READ = """query($c: ID!) { nationalSupportPlan(centreId: $c) { total talent paid talentPaid
  remaining talentRemaining } }"""
REVERSE = """mutation($e: ID!) { reverseLedgerEntry(entryId: $e, reason: "重复录入") { amount } }"""


@pytest.fixture
async def national(api: Api, world: World) -> Funding:
    """The funding world with its centre established and national-level."""
    funding = await build_funding(api, world)
    await Centre.filter(id=funding.centre.id).update(
        status=CentreStatus.ESTABLISHED, established_on=programme_today(), is_national=True
    )
    return funding


def _field(body: dict[str, Any]) -> tuple[str, str]:
    assert body.get("errors"), body
    extensions = body["errors"][0]["extensions"]
    return extensions["code"], extensions.get("field", "")


async def _plan(funding: Funding, total: str = "50000000.00", talent: str = "10000000.00") -> None:
    year = programme_today().year
    await funding.ok("staff", PLAN, c=gid(funding.centre), y=year, t=total, s=talent)


async def _pay(funding: Funding, amount: str, purpose: str, day: date | None = None) -> Any:
    value_date = (day or programme_today()).isoformat()
    return await funding.run("staff", PAY, c=gid(funding.centre), a=amount, p=purpose, d=value_date)


@pytest.mark.parametrize(
    ("total", "talent", "field"),
    [
        ("49999999.99", "0.00", "total"),
        ("10000000.00", "1000000.00", "total"),
        ("0.01", "0.00", "total"),
        ("50000000.00", "10000000.01", "talent"),
        ("80000000.00", "20000000.00", "talent"),
        ("60000000.00", "-1.00", "talent"),
    ],
)
async def test_r_fund_3_a_plan_breaking_either_bound_is_refused(
    national: Funding, total: str, talent: str, field: str
) -> None:
    # when staff record a plan below the minimum or over the talent maximum
    year = programme_today().year
    body = await national.run("staff", PLAN, c=gid(national.centre), y=year, t=total, s=talent)
    # then it is refused naming the input at fault, and no plan exists
    assert _field(body) == ("BAD_USER_INPUT", field)
    assert not await NationalSupportPlan.exists()


async def test_r_fund_3_the_plan_at_its_bounds_is_recorded_once(national: Funding) -> None:
    # when staff record exactly 50,000,000.00 with exactly 10,000,000.00 for talent
    year = programme_today().year
    data = await national.ok(
        "staff", PLAN, c=gid(national.centre), y=year, t="50000000.00", s="10000000.00"
    )
    # then the plan runs five years, nothing paid yet
    plan = data["recordNationalSupportPlan"]
    assert plan["years"] == list(range(year, year + 5))
    assert (plan["total"], plan["talent"], plan["paid"], plan["remaining"]) == (
        "50000000.00",
        "10000000.00",
        "0.00",
        "50000000.00",
    )
    # and a second plan is a conflict
    again = await national.run(
        "staff", PLAN, c=gid(national.centre), y=year, t="60000000.00", s="0.00"
    )
    assert error_codes(again) == ["CONFLICT"]


@pytest.mark.parametrize("change", [{"is_national": False}, {"status": CentreStatus.REVOKED}])
async def test_r_fund_3_only_a_live_national_level_centre_has_a_plan(
    national: Funding, change: dict[str, Any]
) -> None:
    await Centre.filter(id=national.centre.id).update(**change)
    year = programme_today().year
    body = await national.run(
        "staff", PLAN, c=gid(national.centre), y=year, t="50000000.00", s="0.00"
    )
    assert error_codes(body) == ["INVALID_TRANSITION"]


async def test_r_fund_3_talent_payments_never_pass_the_talent_share(national: Funding) -> None:
    # given a plan with 10,000,000.00 for talent, 6,000,000.00 of it paid
    await _plan(national)
    assert not (await _pay(national, "6000000.00", "TALENT")).get("errors")
    # when 4,000,000.01 more is paid for talent, then 4,000,000.00
    over = await _pay(national, "4000000.01", "TALENT")
    exact = await _pay(national, "4000000.00", "TALENT")
    # then the fen over is refused, the exact rest accepted, and then not a fen more
    assert _field(over) == ("BAD_USER_INPUT", "amount")
    assert "4,000,000.00 CNY" in over["errors"][0]["message"]
    assert not exact.get("errors"), exact
    assert _field(await _pay(national, "0.01", "TALENT")) == ("BAD_USER_INPUT", "amount")
    # while general construction is still paid
    assert not (await _pay(national, "1000000.00", "GENERAL")).get("errors")
    plan = (await national.ok("lead", READ, c=gid(national.centre)))["nationalSupportPlan"]
    assert (plan["paid"], plan["talentPaid"], plan["talentRemaining"], plan["remaining"]) == (
        "11000000.00",
        "10000000.00",
        "0.00",
        "39000000.00",
    )


async def test_r_fund_3_payments_never_pass_the_plan_and_a_reversal_frees_them(
    national: Funding,
) -> None:
    # given a plan of 50,000,000.00 entirely paid
    await _plan(national)
    paid = await _pay(national, "50000000.00", "GENERAL")
    assert not paid.get("errors"), paid
    # when one fen more is paid
    over = await _pay(national, "0.01", "GENERAL")
    # then it is refused
    assert _field(over) == ("BAD_USER_INPUT", "amount")
    # when the payment is reversed, the amount may be paid again
    reversed_ = await national.ok("staff", REVERSE, e=paid["data"]["payNationalSupport"]["id"])
    assert reversed_["reverseLedgerEntry"]["amount"] == "-50000000.00"
    assert not (await _pay(national, "50000000.00", "GENERAL")).get("errors")
    assert await LedgerEntry.all().count() == 3


async def test_r_fund_3_the_value_date_is_within_the_plan_and_not_ahead(national: Funding) -> None:
    await _plan(national)
    today = programme_today()
    for day in (date(today.year - 1, 12, 31), today + timedelta(days=1), date(2000, 1, 1)):
        assert _field(await _pay(national, "1.00", "GENERAL", day)) == (
            "BAD_USER_INPUT",
            "valueDate",
        ), day
    assert not await LedgerEntry.exists()


async def test_r_fund_3_no_payment_dated_before_the_plan_was_decided(national: Funding) -> None:
    # given a plan decided today whose five years began two years ago
    year = programme_today().year - 2
    await national.ok("staff", PLAN, c=gid(national.centre), y=year, t="50000000.00", s="0")
    # when a payment is dated in those years but before the decision, then it is refused
    for day in (date(year, 1, 1), date(year + 1, 6, 30), programme_today() - timedelta(days=1)):
        body = await _pay(national, "1.00", "GENERAL", day)
        assert _field(body) == ("BAD_USER_INPUT", "valueDate"), day
        assert "the plan's decision" in body["errors"][0]["message"]
    assert not await LedgerEntry.exists()


async def test_r_fund_3_no_payment_without_a_plan_or_to_a_revoked_centre(
    national: Funding,
) -> None:
    assert error_codes(await _pay(national, "1.00", "GENERAL")) == ["INVALID_TRANSITION"]
    await _plan(national)
    await Centre.filter(id=national.centre.id).update(status=CentreStatus.REVOKED)
    assert error_codes(await _pay(national, "1.00", "GENERAL")) == ["INVALID_TRANSITION"]
    assert not await LedgerEntry.exists()


@pytest.mark.parametrize(
    "amount", ["NaN", "1e400", "-0.01", "0.001", "0", "-0", "1E-999999999", "1E+999999999"]
)
async def test_r_fund_4_hostile_support_amounts_are_refused(national: Funding, amount: str) -> None:
    await _plan(national)
    assert _field(await _pay(national, amount, "GENERAL")) == ("BAD_USER_INPUT", "amount")


@pytest.mark.parametrize("total", ["NaN", "Infinity", "1e400"])
async def test_r_fund_4_hostile_plan_totals_are_refused(national: Funding, total: str) -> None:
    year = programme_today().year
    body = await national.run("staff", PLAN, c=gid(national.centre), y=year, t=total, s="0")
    assert _field(body) == ("BAD_USER_INPUT", "total")
