"""Funding totals in SQL (R-FUND-2, R-FUND-3, R-FUND-4, R-ACC-5): committed, paid, cancelled and
outstanding per centre, city and year, exact to the fen, within the caller's scope, in a number of
statements that does not grow with the rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.statements import StatementCounter
from models.accounts import RoleName, User
from models.centres import Centre
from models.funding import (
    EntryKind,
    FundingProgramme,
    LedgerEntry,
    NationalSupportPlan,
    SubsidyDecision,
    SupportPurpose,
    split_instalments_fen,
    subsidy_cap_fen,
)
from models.money import to_cny
from services.actor import Actor
from services.funding_totals import TotalsBy, TotalsFilter, funding_totals
from tests.helpers import Api, World, error_codes, gid

NANNING, LIUZHOU = "450100", "450200"

TOTALS = """query($by: FundingTotalsBy!, $f: FundingTotalsFilter) {
  fundingTotals(groupBy: $by, filter: $f) {
    centre { name city { code } } city { code } year committed paid cancelled outstanding } }"""
GRAND = """query($f: FundingTotalsFilter) {
  fundingGrandTotal(filter: $f) { centre { name } city { code } year
    committed paid cancelled outstanding } }"""


# --- building the ledger directly --------------------------------------------------------------


async def decide(centre: Centre, staff: User, approved_fen: int, decided_on: date) -> None:
    """A subsidy decision whose basis gives a cap of 10,000,000.00 (R-FUND-1)."""
    first, second = split_instalments_fen(approved_fen)
    await SubsidyDecision.create(
        centre_id=centre.id,
        fixed_asset_investment_fen=3_000_000_000,
        software_investment_fen=500_000_000,
        cap_fen=subsidy_cap_fen(3_500_000_000),
        approved_fen=approved_fen,
        first_instalment_fen=first,
        second_instalment_fen=second,
        decided_on=decided_on,
        decided_by_id=staff.id,
    )


async def plan(centre: Centre, staff: User, total_fen: int, decided_on: date) -> None:
    await NationalSupportPlan.create(
        centre_id=centre.id,
        first_year=decided_on.year,
        total_fen=total_fen,
        talent_fen=1_000_000_000,
        decided_on=decided_on,
        decided_by_id=staff.id,
    )


async def entry(
    centre: Centre,
    kind: EntryKind,
    amount_fen: int,
    value_date: date,
    *,
    programme: FundingProgramme = FundingProgramme.SUBSIDY,
    instalment: int | None = 1,
    reverses: LedgerEntry | None = None,
) -> LedgerEntry:
    national = programme is FundingProgramme.NATIONAL_SUPPORT
    return await LedgerEntry.create(
        centre_id=centre.id,
        programme=programme,
        kind=kind,
        instalment=None if national else instalment,
        purpose=SupportPurpose.GENERAL if national else None,
        amount_fen=amount_fen,
        value_date=value_date,
        year=value_date.year,
        payment_reference=f"PAY-{value_date.isoformat()}-{amount_fen}",
        reason="冲正或取消原因" if kind is not EntryKind.DISBURSEMENT else "",
        reverses_id=None if reverses is None else reverses.id,
    )


@dataclass
class Ledger:
    """Three centres: A and B in Nanning, C (national-level) in Liuzhou; tokens per role."""

    tokens: dict[str, str]
    centres: dict[str, Centre]


@pytest.fixture
async def ledger(world: World) -> Ledger:
    staff = await world.user(RoleName.PROVINCIAL_STAFF)
    org_a, org_b = await world.organisation(NANNING), await world.organisation(NANNING)
    org_c, member = await world.organisation(LIUZHOU), await world.organisation(LIUZHOU)
    a = await world.centre(org_a, name="A 中心")
    b = await world.centre(org_b, name="B 中心")
    c = await world.centre(org_c, members=[member], name="C 中心")
    await Centre.filter(id=c.id).update(is_national=True)
    # A: 7,000,000.01 approved in 2024 (the odd fen on instalment 2), both paid; instalment 2
    # paid in 2025, reversed (wrong account) and paid again
    await decide(a, staff, 700_000_001, date(2024, 3, 1))
    await entry(a, EntryKind.DISBURSEMENT, 350_000_000, date(2024, 4, 10))
    wrong = await entry(a, EntryKind.DISBURSEMENT, 350_000_001, date(2025, 5, 1), instalment=2)
    await entry(a, EntryKind.REVERSAL, -350_000_001, date(2025, 5, 3), instalment=2, reverses=wrong)
    await entry(a, EntryKind.DISBURSEMENT, 350_000_001, date(2025, 5, 10), instalment=2)
    # B: 1,234,567.89 approved in 2025, instalment 1 paid, instalment 2 cancelled in 2026
    await decide(b, staff, 123_456_789, date(2025, 2, 1))
    await entry(b, EntryKind.DISBURSEMENT, 61_728_394, date(2025, 3, 1))
    await entry(b, EntryKind.CANCELLATION, 61_728_395, date(2026, 1, 15), instalment=2)
    # C: 10,000,000.00 approved in 2023 and paid; a 50,000,000.01 national plan in 2025 with
    # 1,000,000.03 paid in 2025 and 200,000.00 in 2026
    await decide(c, staff, 1_000_000_000, date(2023, 6, 1))
    await entry(c, EntryKind.DISBURSEMENT, 500_000_000, date(2023, 7, 1))
    await entry(c, EntryKind.DISBURSEMENT, 500_000_000, date(2024, 1, 10), instalment=2)
    await plan(c, staff, 5_000_000_001, date(2025, 6, 30))
    national = FundingProgramme.NATIONAL_SUPPORT
    await entry(c, EntryKind.DISBURSEMENT, 100_000_003, date(2025, 8, 1), programme=national)
    await entry(c, EntryKind.DISBURSEMENT, 20_000_000, date(2026, 2, 1), programme=national)
    users = {
        "staff": staff,
        "bureau": await world.user(RoleName.MUNICIPAL_BUREAU, city_code=NANNING),
        "bureau-liuzhou": await world.user(RoleName.MUNICIPAL_BUREAU, city_code=LIUZHOU),
        "lead-a": await world.user(RoleName.ENTERPRISE, organisation=org_a),
        "member-c": await world.user(RoleName.ENTERPRISE, organisation=member),
        "expert": await world.user(RoleName.EXPERT),
    }
    return Ledger(
        tokens={name: world.token(user) for name, user in users.items()},
        centres={"A": a, "B": b, "C": c},
    )


def amounts(row: dict[str, Any]) -> tuple[str, str, str, str]:
    return row["committed"], row["paid"], row["cancelled"], row["outstanding"]


async def totals(
    api: Api, ledger: Ledger, who: str, by: str, **flt: object
) -> list[dict[str, Any]]:
    data = await api.ok(TOTALS, {"by": by, "f": flt or None}, token=ledger.tokens[who])
    rows: list[dict[str, Any]] = data["fundingTotals"]
    return rows


async def grand(api: Api, ledger: Ledger, who: str, **flt: object) -> tuple[str, ...]:
    data = await api.ok(GRAND, {"f": flt or None}, token=ledger.tokens[who])
    row = data["fundingGrandTotal"]
    assert (row["centre"], row["city"], row["year"]) == (None, None, None)
    return amounts(row)


# --- exact sums ------------------------------------------------------------------------------


async def test_r_fund_2_totals_per_centre_are_exact_to_the_fen(api: Api, ledger: Ledger) -> None:
    # given decisions, a plan, disbursements, a reversal and a cancellation
    # when staff read the totals per centre
    rows = await totals(api, ledger, "staff", "CENTRE")
    # then each centre's sums are exact, odd fen included, ordered by name
    assert [(r["centre"]["name"], amounts(r)) for r in rows] == [
        ("A 中心", ("7000000.01", "7000000.01", "0.00", "0.00")),
        ("B 中心", ("617283.94", "617283.94", "617283.95", "0.00")),
        ("C 中心", ("60000000.01", "11200000.03", "0.00", "48799999.98")),
    ]
    # and only the centre key is set
    assert {(r["city"], r["year"]) for r in rows} == {(None, None)}


async def test_r_fund_2_totals_per_city_add_up_their_centres(api: Api, ledger: Ledger) -> None:
    # when staff read the totals per city
    rows = await totals(api, ledger, "staff", "CITY")
    # then Nanning holds A + B and Liuzhou holds C, ordered by city code
    assert [(r["city"]["code"], amounts(r)) for r in rows] == [
        (NANNING, ("7617283.95", "7617283.95", "617283.95", "0.00")),
        (LIUZHOU, ("60000000.01", "11200000.03", "0.00", "48799999.98")),
    ]
    assert {(r["centre"] is None, r["year"]) for r in rows} == {(True, None)}


async def test_r_fund_2_totals_per_year_are_the_flows_of_each_year(
    api: Api, ledger: Ledger
) -> None:
    # when staff read the totals per year
    rows = await totals(api, ledger, "staff", "YEAR")
    # then decisions and plans count in the year decided, entries in their value date's year:
    # the reversal cancels its disbursement within 2025, the cancellation lowers 2026's commitment
    assert [(r["year"], amounts(r)) for r in rows] == [
        (2023, ("10000000.00", "5000000.00", "0.00", "5000000.00")),
        (2024, ("7000000.01", "8500000.00", "0.00", "-1499999.99")),
        (2025, ("51234567.90", "5117283.98", "0.00", "46117283.92")),
        (2026, ("-617283.95", "200000.00", "617283.95", "-817283.95")),
    ]
    # and the years add up to the grand total
    assert await grand(api, ledger, "staff") == (
        "67617283.96",
        "18817283.98",
        "617283.95",
        "48799999.98",
    )


async def test_r_fund_3_the_programme_filter_counts_one_programme(api: Api, ledger: Ledger) -> None:
    # when staff read national support alone, then the subsidy alone
    national = await totals(api, ledger, "staff", "CENTRE", programme="NATIONAL_SUPPORT")
    subsidy = await grand(api, ledger, "staff", programme="SUBSIDY")
    # then national support is C's plan and payments only
    assert [(r["centre"]["name"], amounts(r)) for r in national] == [
        ("C 中心", ("50000000.01", "1200000.03", "0.00", "48799999.98")),
    ]
    # and the subsidy is everything else
    assert subsidy == ("17617283.95", "17617283.95", "617283.95", "0.00")


async def test_r_fund_2_the_year_and_city_filters_narrow_the_same_sums(
    api: Api, world: World, ledger: Ledger
) -> None:
    # when staff read 2025 per centre
    rows = await totals(api, ledger, "staff", "CENTRE", year=2025)
    # then A's 2024 decision is outside the year, its 2025 payments inside
    assert [(r["centre"]["name"], amounts(r)) for r in rows] == [
        ("A 中心", ("0.00", "3500000.01", "0.00", "-3500000.01")),
        ("B 中心", ("1234567.89", "617283.94", "0.00", "617283.95")),
        ("C 中心", ("50000000.01", "1000000.03", "0.00", "48999999.98")),
    ]
    # and Liuzhou alone is C alone
    liuzhou = gid(await world.city(LIUZHOU), "City")
    rows = await totals(api, ledger, "staff", "CENTRE", cityId=liuzhou)
    assert [r["centre"]["name"] for r in rows] == ["C 中心"]


@pytest.mark.parametrize("year", [1989, 3000, -2026])
async def test_r_fund_4_a_year_outside_the_programme_is_refused(
    api: Api, ledger: Ledger, year: int
) -> None:
    # when a year far outside the programme is asked for, then it is a bad input
    body = await api.gql(TOTALS, {"by": "YEAR", "f": {"year": year}}, token=ledger.tokens["staff"])
    assert error_codes(body) == ["BAD_USER_INPUT"]


# --- scope ------------------------------------------------------------------------------------


async def test_r_acc_5_a_bureau_totals_exactly_its_city(
    api: Api, world: World, ledger: Ledger
) -> None:
    # when Nanning's bureau reads the totals per centre, per city, per year and overall
    centres = await totals(api, ledger, "bureau", "CENTRE")
    cities = await totals(api, ledger, "bureau", "CITY")
    years = await totals(api, ledger, "bureau", "YEAR")
    # then it sees A and B only, and Liuzhou is absent rather than a zero row
    assert [r["centre"]["name"] for r in centres] == ["A 中心", "B 中心"]
    assert [(r["city"]["code"], amounts(r)) for r in cities] == [
        (NANNING, ("7617283.95", "7617283.95", "617283.95", "0.00")),
    ]
    assert [r["year"] for r in years] == [2024, 2025, 2026]
    assert await grand(api, ledger, "bureau") == (
        "7617283.95",
        "7617283.95",
        "617283.95",
        "0.00",
    )
    # and asking for Liuzhou gives nothing at all
    liuzhou = gid(await world.city(LIUZHOU), "City")
    assert await totals(api, ledger, "bureau", "CITY", cityId=liuzhou) == []
    assert await grand(api, ledger, "bureau", cityId=liuzhou) == ("0.00",) * 4


async def test_r_acc_5_the_lead_enterprise_totals_exactly_its_centres(
    api: Api, ledger: Ledger
) -> None:
    # when A's lead reads per centre and per city
    centres = await totals(api, ledger, "lead-a", "CENTRE")
    cities = await totals(api, ledger, "lead-a", "CITY")
    # then only A is counted
    assert [(r["centre"]["name"], amounts(r)) for r in centres] == [
        ("A 中心", ("7000000.01", "7000000.01", "0.00", "0.00")),
    ]
    assert [(r["city"]["code"], amounts(r)) for r in cities] == [
        (NANNING, ("7000000.01", "7000000.01", "0.00", "0.00")),
    ]
    # and a mere member of C's alliance reads no ledger totals at all (the approved total only,
    # elsewhere)
    assert await totals(api, ledger, "member-c", "CENTRE") == []
    assert await grand(api, ledger, "member-c") == ("0.00",) * 4


@pytest.mark.parametrize("by", ["CENTRE", "CITY", "YEAR"])
async def test_r_acc_5_an_expert_is_refused_totals(api: Api, ledger: Ledger, by: str) -> None:
    # when an expert asks for totals, grouped any way, or the grand total
    body = await api.gql(TOTALS, {"by": by}, token=ledger.tokens["expert"])
    overall = await api.gql(GRAND, {}, token=ledger.tokens["expert"])
    # then both are refused without a number
    assert error_codes(body) == ["FORBIDDEN"]
    assert error_codes(overall) == ["FORBIDDEN"]
    assert body["data"] is None and overall["data"] is None


# --- statements -------------------------------------------------------------------------------


async def _funded(world: World, staff: User, count: int) -> None:
    for i in range(count):
        lead = await world.organisation((NANNING, LIUZHOU)[i % 2])
        centre = await world.centre(lead)
        await decide(centre, staff, 200_000_001 + i, date(2024 + i % 2, 5, 1))
        await entry(centre, EntryKind.DISBURSEMENT, 100_000_000, date(2024, 6, 1))
        await entry(centre, EntryKind.DISBURSEMENT, 100_000_001 + i, date(2025, 6, 1), instalment=2)
        if i % 3 == 0:
            await plan(centre, staff, 5_000_000_000 + i, date(2025, 1, 2))


@pytest.mark.parametrize("by", ["CENTRE", "CITY", "YEAR"])
async def test_r_fund_4_totals_take_the_same_statements_for_2_and_10_centres(
    api: Api, world: World, sql_counter: StatementCounter, by: str
) -> None:
    # given staff and 2 funded centres
    staff = await world.user(RoleName.PROVINCIAL_STAFF)
    token = world.token(staff)
    await _funded(world, staff, 2)
    sql_counter.statements.clear()
    few = await api.ok(TOTALS, {"by": by}, token=token)
    few_statements = len(sql_counter.statements)
    # when 8 more are funded and the totals read again
    await _funded(world, staff, 8)
    sql_counter.statements.clear()
    many = await api.ok(TOTALS, {"by": by}, token=token)
    # then the number of statements is the same: user, bindings, decisions, plans, ledger, and
    # per centre one batch of centres and one of cities
    assert len(many["fundingTotals"]) > len(few["fundingTotals"]) or by != "CENTRE"
    assert len(sql_counter.statements) == few_statements
    assert few_statements == {"CENTRE": 7, "CITY": 6, "YEAR": 5}[by], sql_counter.statements


# --- the property -----------------------------------------------------------------------------

_ENTRIES = st.lists(
    st.tuples(
        st.sampled_from(list(EntryKind)),
        st.sampled_from(list(FundingProgramme)),
        st.integers(min_value=1, max_value=10**12),
        st.integers(min_value=2020, max_value=2030),
    ),
    max_size=8,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    approved=st.integers(min_value=1, max_value=1_000_000_000),
    planned=st.none() | st.integers(min_value=5_000_000_000, max_value=10**12),
    entries=_ENTRIES,
    year=st.integers(min_value=2020, max_value=2030),
)
async def test_r_fund_4_sql_totals_equal_the_sum_of_the_entries(
    world: World,
    approved: int,
    planned: int | None,
    entries: list[tuple[EntryKind, FundingProgramme, int, int]],
    year: int,
) -> None:
    # given a fresh centre (each example its own) with a decision, maybe a plan, random entries
    staff = await world.user(RoleName.PROVINCIAL_STAFF)
    centre = await world.centre(await world.organisation(NANNING))
    await decide(centre, staff, approved, date(year, 1, 1))
    if planned is not None:
        await plan(centre, staff, planned, date(year, 12, 31))
    by_year: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # paid, cancelled
    for kind, programme, amount, entry_year in entries:
        signed = -amount if kind is EntryKind.REVERSAL else amount
        await entry(centre, kind, signed, date(entry_year, 6, 30), programme=programme)
        by_year[entry_year][kind is EntryKind.CANCELLATION] += signed
    actor = Actor(user_id=staff.id, token_version=staff.token_version, request_id="test")
    # when the totals are computed in SQL, overall and for one year
    overall = await funding_totals(actor, TotalsBy.CENTRE, TotalsFilter())
    in_year = await funding_totals(actor, TotalsBy.CENTRE, TotalsFilter(year=year))
    # then they equal the sums computed here, in Python
    committed = approved + (planned or 0)
    paid = sum(p for p, _ in by_year.values())
    cancelled = sum(c for _, c in by_year.values())
    (mine,) = [t for t in overall if t.key == centre.id]
    assert (mine.committed_fen, mine.paid_fen, mine.cancelled_fen) == (
        committed - cancelled,
        paid,
        cancelled,
    )
    assert mine.outstanding == to_cny(committed - cancelled - paid)
    year_paid, year_cancelled = by_year.get(year, [0, 0])
    (of_year,) = [t for t in in_year if t.key == centre.id]
    assert (of_year.committed_fen, of_year.paid_fen, of_year.cancelled_fen) == (
        committed - year_cancelled,
        year_paid,
        year_cancelled,
    )
