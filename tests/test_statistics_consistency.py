"""R-ACC-5 for the statistics: for every demo account, each figure equals what that caller can
list through the public API — counted both ways (the list's ``totalCount`` under the same filter,
and the listed rows counted here) — so no total reveals a row the caller cannot read."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

import pytest

from demo import seed_demo
from models.accounts import RoleBinding, RoleName, User
from models.annual_reports import AnnualReport
from tests.helpers import Api, World, error_codes

STATS = """query($year: Int!) { statistics {
  byStatus: centres(groupBy: [STATUS]) { status count }
  byAll: centres(groupBy: [INDUSTRY, CITY, ESTABLISHED_YEAR]) {
    industry { code } city { code } establishedYear count }
  target { running rectifying }
  industryCoverage { industry { code } designated cultivating }
  annualReports(year: $year) { drafted submitted late byStatus { status count onTime late } }
  assessmentGrades { grade count }
  revenuePerYear { year reports revenue { total } }
  centresEstablishedPerYear { year count }
  reportsTimelinessPerYear { year onTime late }
  funding { paid }
  ipAssetsByKind { kind count }
} }"""

CENTRES = """query($after: String) { centres(first: 100, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { status establishedOn industry { code } city { code } } } } }"""
REPORTS = """query($after: String) { annualReports(first: 100, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { year status late content { revenue { total } } } } } }"""
ASSESSMENTS = """query($after: String) { assessments(first: 100, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { grade } } } }"""
LEDGER = """query($after: String) { ledger(first: 100, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { kind amount } } } }"""
IP = """query($after: String) { ipAssets(first: 100, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { kind } } } }"""

COUNTS = {
    "centres": "query($f: CentreFilter) { centres(filter: $f) { totalCount } }",
    "annualReports": "query($f: AnnualReportFilter) { annualReports(filter: $f) { totalCount } }",
    "assessments": "query($f: AssessmentFilter) { assessments(filter: $f) { totalCount } }",
    "ipAssets": "query($f: IpAssetFilter) { ipAssets(filter: $f) { totalCount } }",
}


async def _all(api: Api, query: str, token: str) -> list[dict[str, Any]]:
    """Every node of a connection, page by page; checks the pages add up to totalCount."""
    nodes: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        data = await api.ok(query, {"after": after}, token=token)
        (conn,) = data.values()
        nodes += [edge["node"] for edge in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            assert len(nodes) == conn["totalCount"]
            return nodes
        after = conn["pageInfo"]["endCursor"]


async def _total(api: Api, what: str, flt: dict[str, Any], token: str) -> int:
    data = await api.ok(COUNTS[what], {"f": flt}, token=token)
    return int(data[what]["totalCount"])


@pytest.fixture
async def accounts(world: World) -> dict[str, tuple[str, set[RoleName]]]:
    await seed_demo("Demo-Password-2026!")
    roles: dict[Any, set[RoleName]] = {}
    for binding in await RoleBinding.filter(revoked_at=None):
        roles.setdefault(binding.user_id, set()).add(RoleName(binding.role))
    return {
        u.username: (world.token(u), roles.get(u.id, set()))
        for u in await User.all().order_by("username")
    }


async def _check_account(api: Api, token: str, year: int) -> None:
    s = (await api.ok(STATS, {"year": year}, token=token))["statistics"]
    centres = await _all(api, CENTRES, token)
    reports = await _all(api, REPORTS, token)
    assessments = await _all(api, ASSESSMENTS, token)
    ledger = await _all(api, LEDGER, token)
    assets = await _all(api, IP, token)
    # centres per status: the list's totalCount under the filter, and the listed rows counted
    listed = Counter(c["status"] for c in centres)
    assert {r["status"]: r["count"] for r in s["byStatus"]} == dict(listed)
    for status, count in listed.items():
        assert await _total(api, "centres", {"status": status}, token) == count
    # industry × city × year of establishment, counted from the list
    by_all = Counter(
        (
            c["industry"]["code"],
            c["city"]["code"],
            int(c["establishedOn"][:4]) if c["establishedOn"] else None,
        )
        for c in centres
    )
    got = {
        (r["industry"]["code"], r["city"]["code"], r["establishedYear"]): r["count"]
        for r in s["byAll"]
    }
    assert got == dict(by_all)
    for (industry, city, _), _count in by_all.items():
        flt = {"industry": industry, "cityCode": city}
        expected = sum(n for (i, c, _y), n in by_all.items() if (i, c) == (industry, city))
        assert await _total(api, "centres", flt, token) == expected
    assert s["target"]["running"] == listed.get("ESTABLISHED", 0)
    assert s["target"]["rectifying"] == listed.get("RECTIFYING", 0)
    for row in s["industryCoverage"]:
        mine = [c["status"] for c in centres if c["industry"]["code"] == row["industry"]["code"]]
        assert row["designated"] == sum(st in ("ESTABLISHED", "RECTIFYING") for st in mine)
        assert row["cultivating"] == mine.count("CULTIVATING")
    established = Counter(int(c["establishedOn"][:4]) for c in centres if c["establishedOn"])
    assert {r["year"]: r["count"] for r in s["centresEstablishedPerYear"]} == dict(established)
    # annual reports of the year: per status and late, both ways
    of_year = [r for r in reports if r["year"] == year]
    figures = s["annualReports"]
    assert figures["drafted"] == len(of_year)
    assert figures["drafted"] == await _total(api, "annualReports", {"year": year}, token)
    assert figures["late"] == await _total(
        api, "annualReports", {"year": year, "late": True}, token
    )
    for row in figures["byStatus"]:
        mine = [r for r in of_year if r["status"] == row["status"]]
        assert row["count"] == len(mine)
        assert row["late"] == sum(r["late"] for r in mine)
        assert row["count"] == await _total(
            api, "annualReports", {"year": year, "status": row["status"]}, token
        )
    timeliness = Counter((r["year"], r["late"]) for r in reports if r["status"] != "DRAFT")
    assert {
        (r["year"], late): r["late" if late else "onTime"]
        for r in s["reportsTimelinessPerYear"]
        for late in (False, True)
        if r["late" if late else "onTime"]
    } == dict(timeliness)
    verified = [r for r in reports if r["status"] in ("FORWARDED", "RECEIVED")]
    revenue: dict[int, Decimal] = {}
    for r in verified:
        revenue[r["year"]] = revenue.get(r["year"], Decimal(0)) + Decimal(
            r["content"]["revenue"]["total"]
        )
    assert {r["year"]: Decimal(r["revenue"]["total"]) for r in s["revenuePerYear"]} == revenue
    assert sum(r["reports"] for r in s["revenuePerYear"]) == len(verified)
    # assessments per grade
    grades = Counter(a["grade"] for a in assessments)
    got_grades: Counter[Any] = Counter()
    for row in s["assessmentGrades"]:
        got_grades[row["grade"]] += row["count"]
    assert got_grades == grades
    for grade, count in grades.items():
        if grade is not None:
            assert await _total(api, "assessments", {"grade": grade}, token) == count
    # the funding paid equals the listed disbursements and reversals
    paid = sum(
        (Decimal(e["amount"]) for e in ledger if e["kind"] in ("DISBURSEMENT", "REVERSAL")),
        Decimal(0),
    )
    assert Decimal(s["funding"]["paid"]) == paid
    # IP assets per kind
    kinds = Counter(a["kind"] for a in assets)
    assert {r["kind"]: r["count"] for r in s["ipAssetsByKind"]} == dict(kinds)
    for kind, count in kinds.items():
        assert await _total(api, "ipAssets", {"kind": kind}, token) == count


async def test_r_acc_5_every_demo_figure_equals_what_the_account_can_list(
    api: Api, accounts: dict[str, tuple[str, set[RoleName]]]
) -> None:
    # given the demo and every account it creates
    assert len(accounts) >= 5
    years = set(await AnnualReport.all().values_list("year", flat=True))
    assert years, "the demo writes annual reports"
    staff_token = accounts["staff"][0]
    glance = (await api.ok(STATS, {"year": max(years)}, token=staff_token))["statistics"]
    # the figures checked are not empty: the province sees verified revenue, grades and IP
    assert glance["revenuePerYear"] and glance["ipAssetsByKind"] and glance["assessmentGrades"]
    seen_roles: set[RoleName] = set()
    for username, (token, roles) in accounts.items():
        seen_roles |= roles
        if not roles or roles == {RoleName.EXPERT}:
            # then an expert (or an account without a role) gets no figure at all
            body = await api.gql(STATS, {"year": 2025}, token=token)
            assert error_codes(body) == ["FORBIDDEN"], (username, body)
            assert body["data"] is None
            continue
        # then every figure of every other account equals its lists, counted both ways
        for year in sorted(years):
            await _check_account(api, token, year)
    assert {RoleName.PROVINCIAL_STAFF, RoleName.MUNICIPAL_BUREAU, RoleName.ENTERPRISE} <= seen_roles
    assert RoleName.EXPERT in seen_roles
