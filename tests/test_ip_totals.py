"""IP register totals in SQL (R-IP-3, R-IP-1, R-ACC-5): revenue per organisation, centre and year,
assets per centre by kind and legal status, transfer revenue per year — exact to the fen, within
the caller's scope, in a number of statements that does not grow with the rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.statements import StatementCounter
from models.accounts import RoleName, User
from models.audit import AuditEntry, Outcome
from models.centres import Centre
from models.ip_register import (
    IpAsset,
    IpKind,
    IpRevenueShare,
    IpShare,
    IpShareSet,
    IpTransfer,
    LegalStatus,
    TransferKind,
    patent_check_digit,
    split_revenue_fen,
)
from models.money import to_cny
from models.reference import Organisation
from models.reviews import Review, ReviewAssignment
from services.actor import Actor
from services.errors import BadInput, NotAllowed
from services.ip_totals import (
    IpTotalsFilter,
    RevenueBy,
    ip_asset_counts,
    ip_revenue,
    ip_transfer_revenue,
)
from tests.helpers import Api, World, error_codes, gid

NANNING, LIUZHOU = "450100", "450200"
ALL = (RevenueBy.ORGANISATION, RevenueBy.CENTRE, RevenueBy.YEAR)

REVENUE = """query($by: [IpRevenueBy!], $f: IpTotalsFilter) {
  ipRevenue(groupBy: $by, filter: $f) { organisation { name } centre { name } year amount } }"""
COUNTS = """query($f: IpTotalsFilter) {
  ipAssetCounts(filter: $f) { centre { name } kind legalStatus count } }"""
TRANSFERS = """query($f: IpTotalsFilter) {
  ipTransferRevenue(filter: $f) { year amount transfers } }"""


# --- building the register directly ------------------------------------------------------------

_serial = iter(range(1, 10**6))


def invention_number(year: int) -> str:
    """A valid invention patent application number of ``year`` (a new serial each call)."""
    digits = f"{year}1{next(_serial):07d}"
    return f"{digits}.{patent_check_digit(digits)}"


async def asset(
    centre: Centre,
    recorder: User,
    kind: IpKind = IpKind.INVENTION_PATENT,
    status: LegalStatus = LegalStatus.GRANTED,
    filed_on: date | None = date(2025, 3, 1),
) -> IpAsset:
    number = None
    if kind is IpKind.INVENTION_PATENT:
        number = invention_number(2025)
    elif kind is not IpKind.TECHNICAL_SECRET:
        number = f"{kind.value}-{next(_serial)}"
    return await IpAsset.create(
        centre_id=centre.id,
        kind=kind,
        title=f"{kind.value} 测试成果",
        number=number,
        filed_on=filed_on,
        granted_on=date(2026, 1, 10) if status is LegalStatus.GRANTED else None,
        legal_status=status,
        recorded_by_id=recorder.id,
    )


async def share_set(
    of: IpAsset, number: int, effective_on: date, shares: dict[Organisation, str], by: User
) -> IpShareSet:
    row = await IpShareSet.create(
        asset_id=of.id, number=number, effective_on=effective_on, recorded_by_id=by.id
    )
    for org, share in shares.items():
        await IpShare.create(share_set_id=row.id, organisation_id=org.id, share=Decimal(share))
    return row


async def transfer(
    held: IpShareSet, amount_fen: int, day: date, by: User, kind: TransferKind
) -> IpTransfer:
    """A transfer and its revenue parts, split exactly as the operation splits them."""
    of = await IpAsset.get(id=held.asset_id)
    row = await IpTransfer.create(
        asset_id=of.id,
        centre_id=of.centre_id,
        kind=kind,
        counterparty="某受让企业有限公司",
        amount_fen=amount_fen,
        transferred_on=day,
        year=day.year,
        contract_reference=f"HT-{next(_serial)}",
        share_set_id=held.id,
        recorded_by_id=by.id,
    )
    shares = {s.organisation_id: s.share for s in await IpShare.filter(share_set_id=held.id)}
    for org, part in split_revenue_fen(amount_fen, shares).items():
        await IpRevenueShare.create(
            transfer_id=row.id,
            centre_id=of.centre_id,
            organisation_id=org,
            year=day.year,
            amount_fen=part,
        )
    return row


@dataclass
class Register:
    """Centres A and B in Nanning, C in Liuzhou; A has a member who left (F)."""

    actors: dict[str, Actor]
    tokens: dict[str, str]
    centres: dict[str, Centre]
    orgs: dict[str, Organisation]


def actor_of(user: User) -> Actor:
    return Actor(user_id=user.id, token_version=user.token_version, request_id="test")


@pytest.fixture
async def register(world: World) -> Register:
    orgs = {
        "a": await world.organisation(NANNING, name="A-lead"),
        "m": await world.organisation(NANNING, name="A-member"),
        "f": await world.organisation(NANNING, name="A-former"),
        "b": await world.organisation(NANNING, name="B-lead"),
        "c": await world.organisation(LIUZHOU, name="C-lead"),
        "cm": await world.organisation(LIUZHOU, name="C-member"),
    }
    o = orgs
    # F joined A on 2025-01-01 and left on 2026-03-01 (tests/helpers.py former_members)
    a = await world.centre(o["a"], members=[o["m"]], former_members=[o["f"]], name="A 中心")
    b = await world.centre(o["b"], members=[o["m"]], name="B 中心")
    c = await world.centre(o["c"], members=[o["cm"]], name="C 中心")
    staff = await world.user(RoleName.PROVINCIAL_STAFF)
    lic, excl = TransferKind.NON_EXCLUSIVE_LICENCE, TransferKind.EXCLUSIVE_LICENCE
    # A1, an invention patent held three ways: 1,000,000.01 in 2026; 10,000.00 in 2027, after F left
    a1 = await asset(a, staff)
    three = await share_set(
        a1, 1, date(2026, 2, 15), {o["a"]: "33.3334", o["m"]: "33.3333", o["f"]: "33.3333"}, staff
    )
    await transfer(three, 100_000_001, date(2026, 3, 10), staff, excl)
    await transfer(three, 1_000_000, date(2027, 1, 5), staff, lic)
    # A2, a utility model held 60/40 (333.33 licensed), then 50/50 (1,000.00 assigned)
    a2 = await asset(a, staff, IpKind.UTILITY_MODEL, LegalStatus.TRANSFERRED)
    first = await share_set(a2, 1, date(2026, 2, 20), {o["a"]: "60", o["m"]: "40"}, staff)
    await transfer(first, 33_333, date(2026, 4, 1), staff, lic)
    second = await share_set(a2, 2, date(2026, 6, 1), {o["a"]: "50", o["m"]: "50"}, staff)
    await transfer(second, 100_000, date(2026, 7, 1), staff, TransferKind.ASSIGNMENT)
    # A3, a technical secret (no number, no filing day), never transferred
    a3 = await asset(a, staff, IpKind.TECHNICAL_SECRET, LegalStatus.PENDING, filed_on=None)
    await share_set(a3, 1, date(2026, 3, 1), {o["a"]: "100"}, staff)
    # B1, a software copyright held 70/30: 12,345.67 as an equity investment in 2026
    b1 = await asset(b, staff, IpKind.SOFTWARE_COPYRIGHT)
    held = await share_set(b1, 1, date(2026, 3, 1), {o["b"]: "70", o["m"]: "30"}, staff)
    await transfer(held, 1_234_567, date(2026, 5, 1), staff, TransferKind.EQUITY_INVESTMENT)
    # C1, a design patent of C's lead: 8,888.88 in 2026; C2, a pending standard held 50/50
    c1 = await asset(c, staff, IpKind.DESIGN_PATENT)
    sole = await share_set(c1, 1, date(2026, 3, 1), {o["c"]: "100"}, staff)
    await transfer(sole, 888_888, date(2026, 8, 8), staff, lic)
    c2 = await asset(c, staff, IpKind.STANDARD, LegalStatus.PENDING, filed_on=date(2026, 4, 1))
    await share_set(c2, 1, date(2026, 4, 1), {o["c"]: "50", o["cm"]: "50"}, staff)
    # an expert assigned to C's review, and one assigned to nothing
    assigned = await world.user(RoleName.EXPERT)
    review = await Review.create(centre_id=c.id)
    await ReviewAssignment.create(review_id=review.id, centre_id=c.id, expert_id=assigned.id)
    users = {
        "staff": staff,
        "bureau": await world.user(RoleName.MUNICIPAL_BUREAU, city_code=NANNING),
        "bureau-liuzhou": await world.user(RoleName.MUNICIPAL_BUREAU, city_code=LIUZHOU),
        "member-m": await world.user(RoleName.ENTERPRISE, organisation=o["m"]),
        "member-cm": await world.user(RoleName.ENTERPRISE, organisation=o["cm"]),
        "expert-c": assigned,
        "expert": await world.user(RoleName.EXPERT),
        "no-role": await world.user(None),
    }
    return Register(
        actors={name: actor_of(user) for name, user in users.items()},
        tokens={name: world.token(user) for name, user in users.items()},
        centres={"A": a, "B": b, "C": c},
        orgs=orgs,
    )


def names(reg: Register) -> dict[object, str]:
    found: dict[object, str] = {None: "-"}
    found.update({org.id: org.name for org in reg.orgs.values()})
    found.update({centre.id: centre.name for centre in reg.centres.values()})
    return found


async def revenue(
    reg: Register, who: str, by: tuple[RevenueBy, ...] = ALL, **flt: Any
) -> list[tuple[str, str, int | None, str]]:
    rows = await ip_revenue(reg.actors[who], by, IpTotalsFilter(**flt))
    label = names(reg)
    return [(label[r.organisation_id], label[r.centre_id], r.year, f"{r.amount}") for r in rows]


# --- exact sums --------------------------------------------------------------------------------


async def test_r_ip_3_revenue_per_organisation_centre_and_year_is_exact(
    register: Register,
) -> None:
    # given transfers of 1,000,000.01 three ways, 333.33 at 60/40, odd fen everywhere
    # when staff read the revenue per organisation, centre and year
    rows = await revenue(register, "staff")
    # then each owner's parts add up exactly, ordered by year, centre, organisation; the former
    # member F keeps its share and is paid in 2027, after it left
    assert rows == [
        ("A-former", "A 中心", 2026, "333333.00"),
        ("A-lead", "A 中心", 2026, "334034.01"),
        ("A-member", "A 中心", 2026, "333966.33"),
        ("A-member", "B 中心", 2026, "3703.70"),
        ("B-lead", "B 中心", 2026, "8641.97"),
        ("C-lead", "C 中心", 2026, "8888.88"),
        ("A-former", "A 中心", 2027, "3333.33"),
        ("A-lead", "A 中心", 2027, "3333.34"),
        ("A-member", "A 中心", 2027, "3333.33"),
    ]


async def test_r_ip_3_revenue_grouped_coarser_adds_up_the_same_parts(register: Register) -> None:
    # when staff group by organisation only, by centre and year, and not at all
    by_org = await revenue(register, "staff", (RevenueBy.ORGANISATION,))
    by_centre_year = await revenue(register, "staff", (RevenueBy.CENTRE, RevenueBy.YEAR))
    overall = await revenue(register, "staff", ())
    # then the member of A and B gets both centres' parts, and everything adds up to the
    # transfers' amounts (1,032,567.89)
    assert by_org == [
        ("A-former", "-", None, "336666.33"),
        ("A-lead", "-", None, "337367.35"),
        ("A-member", "-", None, "341003.36"),
        ("B-lead", "-", None, "8641.97"),
        ("C-lead", "-", None, "8888.88"),
    ]
    assert by_centre_year == [
        ("-", "A 中心", 2026, "1001333.34"),
        ("-", "B 中心", 2026, "12345.67"),
        ("-", "C 中心", 2026, "8888.88"),
        ("-", "A 中心", 2027, "10000.00"),
    ]
    assert overall == [("-", "-", None, "1032567.89")]


async def test_r_ip_3_transfer_revenue_per_year_matches_the_revenue_parts(
    register: Register,
) -> None:
    # when staff read the transfers per year
    rows = await ip_transfer_revenue(register.actors["staff"], IpTotalsFilter())
    # then 2026 holds five transfers and 2027 one, amounts exact
    assert [(r.year, f"{r.amount}", r.transfers) for r in rows] == [
        (2026, "1022567.89", 5),
        (2027, "10000.00", 1),
    ]
    # and each year's revenue parts add up to its transfers, to the fen
    per_year = await ip_revenue(register.actors["staff"], (RevenueBy.YEAR,), IpTotalsFilter())
    assert [(r.year, r.amount_fen) for r in per_year] == [(r.year, r.amount_fen) for r in rows]


async def test_r_ip_1_assets_per_centre_by_kind_and_legal_status(register: Register) -> None:
    # when staff count the assets
    rows = await ip_asset_counts(register.actors["staff"], IpTotalsFilter())
    label = names(register)
    # then each centre's assets are counted by kind and legal status, in the kinds' order
    assert [(label[r.centre_id], r.kind, r.legal_status, r.count) for r in rows] == [
        ("A 中心", IpKind.INVENTION_PATENT, LegalStatus.GRANTED, 1),
        ("A 中心", IpKind.UTILITY_MODEL, LegalStatus.TRANSFERRED, 1),
        ("A 中心", IpKind.TECHNICAL_SECRET, LegalStatus.PENDING, 1),
        ("B 中心", IpKind.SOFTWARE_COPYRIGHT, LegalStatus.GRANTED, 1),
        ("C 中心", IpKind.DESIGN_PATENT, LegalStatus.GRANTED, 1),
        ("C 中心", IpKind.STANDARD, LegalStatus.PENDING, 1),
    ]


# --- filters -----------------------------------------------------------------------------------


async def test_r_ip_3_filters_narrow_revenue_by_centre_year_organisation_and_kind(
    register: Register,
) -> None:
    reg = register
    # when staff narrow the revenue by centre, year, organisation and asset kind
    of_b = await revenue(reg, "staff", centre_id=reg.centres["B"].id)
    in_2027 = await revenue(reg, "staff", year=2027)
    of_m = await revenue(reg, "staff", (RevenueBy.CENTRE,), organisation_id=reg.orgs["m"].id)
    inventions = await revenue(reg, "staff", (), kind=IpKind.INVENTION_PATENT)
    # then each answer holds only the parts asked for
    assert of_b == [("A-member", "B 中心", 2026, "3703.70"), ("B-lead", "B 中心", 2026, "8641.97")]
    assert [r[0] for r in in_2027] == ["A-former", "A-lead", "A-member"]
    assert of_m == [("-", "A 中心", None, "337299.66"), ("-", "B 中心", None, "3703.70")]
    assert inventions == [("-", "-", None, "1010000.01")]


async def test_r_ip_1_filters_narrow_asset_counts_and_transfers(register: Register) -> None:
    reg, staff = register, register.actors["staff"]
    # when staff count C's assets, those filed in 2026, and those C's member holds a share of
    of_c = await ip_asset_counts(staff, IpTotalsFilter(centre_id=reg.centres["C"].id))
    filed_2026 = await ip_asset_counts(staff, IpTotalsFilter(year=2026))
    held_by_cm = await ip_asset_counts(staff, IpTotalsFilter(organisation_id=reg.orgs["cm"].id))
    # and read the transfers of A's member and of design patents
    of_m = await ip_transfer_revenue(staff, IpTotalsFilter(organisation_id=reg.orgs["m"].id))
    designs = await ip_transfer_revenue(staff, IpTotalsFilter(kind=IpKind.DESIGN_PATENT))
    # then each answer holds only what was asked for
    assert [(r.kind, r.count) for r in of_c] == [(IpKind.DESIGN_PATENT, 1), (IpKind.STANDARD, 1)]
    assert [(r.kind, r.legal_status) for r in filed_2026] == [
        (IpKind.STANDARD, LegalStatus.PENDING)
    ]
    assert [(r.kind, r.count) for r in held_by_cm] == [(IpKind.STANDARD, 1)]
    assert [(r.year, f"{r.amount}", r.transfers) for r in of_m] == [
        (2026, "1013679.01", 4),
        (2027, "10000.00", 1),
    ]
    assert [(r.year, f"{r.amount}", r.transfers) for r in designs] == [(2026, "8888.88", 1)]


@pytest.mark.parametrize("year", [1999, 2101, -2026])
async def test_r_ip_3_a_year_outside_the_programme_is_refused(
    register: Register, year: int
) -> None:
    # when a year outside 2000..2100 is asked for, in each of the totals
    staff, flt = register.actors["staff"], IpTotalsFilter(year=year)
    for call in (
        lambda: ip_revenue(staff, ALL, flt),
        lambda: ip_asset_counts(staff, flt),
        lambda: ip_transfer_revenue(staff, flt),
    ):
        # then it is refused, naming the field
        with pytest.raises(BadInput) as refused:
            await call()
        assert refused.value.details["field"] == "year"


# --- scope -------------------------------------------------------------------------------------


async def test_r_acc_5_a_bureau_totals_only_its_city(register: Register) -> None:
    # when Nanning's bureau and Liuzhou's read the revenue per centre and count the assets
    nanning = await revenue(register, "bureau", (RevenueBy.CENTRE,))
    liuzhou = await revenue(register, "bureau-liuzhou", (RevenueBy.CENTRE,))
    counts = await ip_asset_counts(register.actors["bureau-liuzhou"], IpTotalsFilter())
    transfers = await ip_transfer_revenue(register.actors["bureau-liuzhou"], IpTotalsFilter())
    # then each sees its own city's centres only
    assert nanning == [("-", "A 中心", None, "1011333.34"), ("-", "B 中心", None, "12345.67")]
    assert liuzhou == [("-", "C 中心", None, "8888.88")]
    assert {r.centre_id for r in counts} == {register.centres["C"].id}
    assert [(r.year, f"{r.amount}") for r in transfers] == [(2026, "8888.88")]
    # and naming another city's centre in the filter gives nothing, as a missing one would
    other = await revenue(register, "bureau-liuzhou", (), centre_id=register.centres["A"].id)
    assert other == [("-", "-", None, "0.00")]


async def test_r_acc_5_an_enterprise_totals_only_its_alliances(register: Register) -> None:
    # when the member of A and B, and the member of C, read the revenue per centre
    of_m = await revenue(register, "member-m", (RevenueBy.CENTRE,))
    of_cm = await revenue(register, "member-cm", (RevenueBy.CENTRE, RevenueBy.ORGANISATION))
    counts = await ip_asset_counts(register.actors["member-cm"], IpTotalsFilter())
    # then each sees the centres whose alliance it belongs to, every owner's part included
    assert of_m == [("-", "A 中心", None, "1011333.34"), ("-", "B 中心", None, "12345.67")]
    assert of_cm == [("C-lead", "C 中心", None, "8888.88")]
    assert [(r.kind, r.count) for r in counts] == [(IpKind.DESIGN_PATENT, 1), (IpKind.STANDARD, 1)]


async def test_r_acc_5_an_expert_totals_only_the_register_assigned(register: Register) -> None:
    # when the expert assigned to C's review, and one assigned to nothing, read the totals
    assigned = await revenue(register, "expert-c", (RevenueBy.CENTRE,))
    unassigned = register.actors["expert"]
    nothing = await revenue(register, "expert", (RevenueBy.CENTRE,))
    overall = await revenue(register, "expert", ())
    # then the assigned expert sees C's register only, the other nothing at all
    assert assigned == [("-", "C 中心", None, "8888.88")]
    assert nothing == []
    assert overall == [("-", "-", None, "0.00")]
    assert await ip_asset_counts(unassigned, IpTotalsFilter()) == []
    assert await ip_transfer_revenue(unassigned, IpTotalsFilter()) == []


async def test_r_acc_5_a_role_without_an_ip_read_line_is_refused(
    api: Api, register: Register
) -> None:
    # when a signed-in user with no role asks for each of the totals
    nobody, flt = register.actors["no-role"], IpTotalsFilter()
    for call in (
        lambda: ip_revenue(nobody, ALL, flt),
        lambda: ip_asset_counts(nobody, flt),
        lambda: ip_transfer_revenue(nobody, flt),
    ):
        # then it is refused (and audited), with no number
        with pytest.raises(NotAllowed):
            await call()
    denied = AuditEntry.filter(action="ip_asset.read", outcome=Outcome.DENIED)
    assert await denied.count() == 3
    for query in (REVENUE, COUNTS, TRANSFERS):
        body = await api.gql(query, {}, token=register.tokens["no-role"])
        assert error_codes(body) == ["FORBIDDEN"]
        assert body["data"] is None


# --- GraphQL -----------------------------------------------------------------------------------


async def test_r_ip_3_graphql_totals_in_cny_with_centres_and_organisations(
    api: Api, register: Register
) -> None:
    token = register.tokens["bureau"]
    # when Nanning's bureau reads the three totals, revenue narrowed to B and grouped fully
    by_b = {"by": ["ORGANISATION", "CENTRE", "YEAR"], "f": {"centreId": gid(register.centres["B"])}}
    revenue_rows = (await api.ok(REVENUE, by_b, token=token))["ipRevenue"]
    counts = (await api.ok(COUNTS, {"f": {"kind": "UTILITY_MODEL"}}, token=token))["ipAssetCounts"]
    transfers = (await api.ok(TRANSFERS, {}, token=token))["ipTransferRevenue"]
    # then amounts are CNY with two places, and rows name their organisation and centre
    assert revenue_rows == [
        {"organisation": {"name": "A-member"}, "centre": {"name": "B 中心"}, "year": 2026,
         "amount": "3703.70"},
        {"organisation": {"name": "B-lead"}, "centre": {"name": "B 中心"}, "year": 2026,
         "amount": "8641.97"},
    ]  # fmt: skip
    assert counts == [
        {"centre": {"name": "A 中心"}, "kind": "UTILITY_MODEL", "legalStatus": "TRANSFERRED",
         "count": 1},
    ]  # fmt: skip
    assert transfers == [
        {"year": 2026, "amount": "1013679.01", "transfers": 4},
        {"year": 2027, "amount": "10000.00", "transfers": 1},
    ]
    # and the keys not grouped by are null; without groupBy, all three are used
    overall = await api.ok(REVENUE, {"by": []}, token=token)
    assert overall["ipRevenue"] == [
        {"organisation": None, "centre": None, "year": None, "amount": "1023679.01"}
    ]
    default = await api.ok(REVENUE, {}, token=token)
    assert len(default["ipRevenue"]) == 8


async def test_r_ip_3_graphql_refuses_a_bad_year_and_a_foreign_id(
    api: Api, register: Register
) -> None:
    token = register.tokens["staff"]
    # when the filter names a year out of range, an organisation id given as a centre's, a
    # malformed centre id
    bad_year = await api.gql(REVENUE, {"f": {"year": 1900}}, token=token)
    wrong_kind = await api.gql(COUNTS, {"f": {"centreId": gid(register.orgs["a"])}}, token=token)
    malformed = await api.gql(TRANSFERS, {"f": {"centreId": "nonsense"}}, token=token)
    # then the year is BAD_USER_INPUT and an id that names no centre NOT_FOUND
    assert error_codes(bad_year) == ["BAD_USER_INPUT"]
    assert error_codes(wrong_kind) == ["NOT_FOUND"]
    assert error_codes(malformed) == ["NOT_FOUND"]


# --- statements --------------------------------------------------------------------------------


async def _centres_with_revenue(world: World, staff: User, count: int) -> None:
    for i in range(count):
        lead = await world.organisation((NANNING, LIUZHOU)[i % 2])
        member = await world.organisation(NANNING)
        centre = await world.centre(lead, members=[member])
        for kind in (IpKind.INVENTION_PATENT, IpKind.STANDARD):
            held = await share_set(
                await asset(centre, staff, kind),
                1,
                date(2026, 2, 15),
                {lead: "66.6667", member: "33.3333"},
                staff,
            )
            await transfer(
                held, 100_001 + i, date(2026 + i % 2, 5, 1), staff, TransferKind.ASSIGNMENT
            )


@pytest.mark.parametrize(("query", "expected"), [(REVENUE, 5), (COUNTS, 4), (TRANSFERS, 3)])
async def test_r_ip_3_totals_take_the_same_statements_for_2_and_10_centres(
    api: Api, world: World, sql_counter: StatementCounter, query: str, expected: int
) -> None:
    # given staff and 2 centres with assets, shares and transfers
    staff = await world.user(RoleName.PROVINCIAL_STAFF)
    token = world.token(staff)
    await _centres_with_revenue(world, staff, 2)
    sql_counter.statements.clear()
    few = await api.ok(query, {}, token=token)
    few_statements = len(sql_counter.statements)
    # when 8 more centres are added and the totals read again
    await _centres_with_revenue(world, staff, 8)
    sql_counter.statements.clear()
    many = await api.ok(query, {}, token=token)
    # then more rows come back in as many statements: user, bindings, the aggregate, and one
    # batch of centres and one of organisations where the rows name them
    (field,) = many
    assert len(many[field]) > len(few[field]) or query is TRANSFERS
    assert len(sql_counter.statements) == few_statements == expected, sql_counter.statements


# --- the property ------------------------------------------------------------------------------

_SHARES = st.sampled_from(
    [
        ("100",),
        ("50", "50"),
        ("99.9999", "0.0001"),
        ("33.3334", "33.3333", "33.3333"),
        ("33.33", "33.33", "33.34"),
        ("12.5", "37.5", "50"),
    ]
)
_TRANSFERS = st.lists(
    st.tuples(
        _SHARES,
        st.integers(min_value=1, max_value=10**13),
        st.integers(min_value=2020, max_value=2030),
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(transfers=_TRANSFERS)
async def test_r_ip_3_sql_sums_equal_the_python_sums_of_the_same_transfers(
    world: World, transfers: list[tuple[tuple[str, ...], int, int]]
) -> None:
    # given a fresh centre of three organisations (each example its own) and random transfers
    # of its assets, each under its own share set
    staff = await world.user(RoleName.PROVINCIAL_STAFF)
    orgs = [await world.organisation(NANNING) for _ in range(3)]
    centre = await world.centre(orgs[0], members=orgs[1:])
    parts: dict[tuple[object, int], int] = defaultdict(int)
    amounts: dict[int, int] = defaultdict(int)
    for shares, amount, year in transfers:
        owners = orgs[: len(shares)]
        held = await share_set(
            await asset(centre, staff),
            1,
            date(year, 1, 1),
            dict(zip(owners, shares, strict=True)),
            staff,
        )
        await transfer(held, amount, date(year, 6, 30), staff, TransferKind.ASSIGNMENT)
        amounts[year] += amount
        split = split_revenue_fen(
            amount, {o.id: Decimal(s) for o, s in zip(owners, shares, strict=True)}
        )
        for org, part in split.items():
            parts[org, year] += part
    actor = actor_of(staff)
    flt = IpTotalsFilter(centre_id=centre.id)
    # when the totals are computed in SQL
    per_org_year = await ip_revenue(actor, (RevenueBy.ORGANISATION, RevenueBy.YEAR), flt)
    per_year = await ip_transfer_revenue(actor, flt)
    # then they equal the sums computed here, in Python, and add up to the amounts exactly
    assert {(r.organisation_id, r.year): r.amount_fen for r in per_org_year} == dict(parts)
    assert {r.year: r.amount_fen for r in per_year} == dict(amounts)
    assert sum(parts.values()) == sum(amounts.values())
    assert {r.year: r.amount for r in per_year} == {y: to_cny(a) for y, a in amounts.items()}
