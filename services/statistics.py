"""Programme statistics (R-CTR-6, R-ACC-5): centres per state, industry, city and year, progress
to the 2030 target and industry coverage — counted in SQL within the caller's scope.

Who: provincial staff and administrators the province, a bureau its city, an enterprise the
centres whose alliance it belongs to now (the ``statistics`` policy lines); an expert has no line
and gets NotAllowed (audited). Each figure then starts from the scope of what it counts
(``policies/scopes/``: ``visible_centres``, ``visible_annual_reports`` …), so it equals what the
caller can list (R-ACC-5) and never counts a row the caller cannot read.

Statements: after the caller's own two (user, bindings), one aggregate statement per figure
(industry coverage: two, the reference list and the counts), whatever the number of rows.
Reports, assessments and revenue are in ``services/statistics_reports.py``; the target's
arithmetic in ``models/programme_target.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from tortoise.functions import Count
from tortoise.queryset import QuerySet

from models.base import programme_today
from models.centres import Centre, CentreStatus
from models.programme_target import (
    DESIGNATED,
    IN_CULTIVATION,
    Coverage,
    TargetProgress,
    coverage,
)
from models.reference import Industry
from policies import scopes
from policies.enforcer import Authorizer
from policies.vocabulary import Action, Resource
from services.actor import Actor
from services.sql_functions import YearOf


class CentreGroup(StrEnum):
    """What centre counts are grouped by (any combination; none = one total)."""

    STATUS = "status"
    INDUSTRY = "industry"
    CITY = "city"
    LISTED_YEAR = "listed_year"  # the year of ``listed_on`` (纳入培育名单), UTC+8 calendar day
    ESTABLISHED_YEAR = "established_year"  # the year of ``established_on`` (认定)


# The columns each group reads (the first is its key) and, for years, the date they come from.
_COLUMNS: dict[CentreGroup, tuple[str, ...]] = {
    CentreGroup.STATUS: ("status",),
    CentreGroup.INDUSTRY: (
        "industry__code",
        "industry__name_zh",
        "industry__name_en",
        "industry__position",
    ),
    CentreGroup.CITY: ("city__code", "city__name_zh", "city__name_en"),
    CentreGroup.LISTED_YEAR: ("listed_year",),
    CentreGroup.ESTABLISHED_YEAR: ("established_year",),
}
_YEARS = {CentreGroup.LISTED_YEAR: "listed_on", CentreGroup.ESTABLISHED_YEAR: "established_on"}


@dataclass(frozen=True, slots=True)
class Named:
    """A city or industry as a group shows it: code and names."""

    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True, slots=True)
class CentreCount:
    """The number of centres in one group; the parts not grouped by are None (a year is also
    None for centres without that date)."""

    status: CentreStatus | None
    industry: Named | None
    city: Named | None
    listed_year: int | None
    established_year: int | None
    count: int


@dataclass(frozen=True, slots=True)
class IndustryCoverage:
    """One of the ten industries and how far the caller's centres cover it (R-CTR-6)."""

    industry: Named
    coverage: Coverage
    designated: int  # established or rectifying centres
    cultivating: int


@dataclass(frozen=True, slots=True)
class YearCount:
    """A number for one year (a chart's point)."""

    year: int
    count: int


async def reader(actor: Actor) -> Authorizer:
    """The caller's authorizer once it may read statistics; NotAllowed (audited) otherwise."""
    return await actor.require(Resource.STATISTICS, Action.READ)


def _centres(authz: Authorizer) -> QuerySet[Centre]:
    return scopes.visible_centres(authz, Action.READ)


def _named(row: dict[str, Any], prefix: str) -> Named:
    return Named(row[f"{prefix}__code"], row[f"{prefix}__name_zh"], row[f"{prefix}__name_en"])


async def centre_counts(actor: Actor, by: Iterable[CentreGroup]) -> list[CentreCount]:
    """Centres in the caller's scope, counted per group of ``by`` (none: one row, the total,
    0 when there is none). Ordered by status (lifecycle order), industry (reference order), city
    code, years (nulls last). One aggregate statement."""
    authz = await reader(actor)
    wanted = [g for g in CentreGroup if g in set(by)]
    qs: QuerySet[Any] = _centres(authz)
    for group in wanted:
        if group in _YEARS:
            qs = qs.annotate(**{group.value: YearOf(_YEARS[group])})
    qs = qs.annotate(centres=Count("id"))
    columns = [c for g in wanted for c in _COLUMNS[g]]
    if columns:
        rows = await qs.group_by(*columns).values(*columns, "centres")
    else:
        rows = await qs.values("centres")
    statuses = list(CentreStatus)

    def order(row: dict[str, Any]) -> tuple[Any, ...]:
        key: list[Any] = []
        for g in wanted:
            if g is CentreGroup.STATUS:
                key.append(statuses.index(CentreStatus(row["status"])))
            elif g is CentreGroup.INDUSTRY:
                key.append((row["industry__position"], row["industry__code"]))
            elif g is CentreGroup.CITY:
                key.append(row["city__code"])
            else:
                year = row[g.value]
                key.append((year is None, year or 0))
        return tuple(key)

    def year(row: dict[str, Any], group: CentreGroup) -> int | None:
        value = row.get(group.value) if group in wanted else None
        return None if value is None else int(value)

    return [
        CentreCount(
            status=CentreStatus(row["status"]) if CentreGroup.STATUS in wanted else None,
            industry=_named(row, "industry") if CentreGroup.INDUSTRY in wanted else None,
            city=_named(row, "city") if CentreGroup.CITY in wanted else None,
            listed_year=year(row, CentreGroup.LISTED_YEAR),
            established_year=year(row, CentreGroup.ESTABLISHED_YEAR),
            count=int(row["centres"] or 0),
        )
        for row in sorted(rows, key=order)
    ]


async def target_progress(actor: Actor, today: date | None = None) -> TargetProgress:
    """Progress to 20 centres established and running by 2030 (R-CTR-6): the caller's running
    (``established``) and rectifying centres, and the year of ``today`` (default: the
    programme's today, UTC+8) for years left and pace. One aggregate statement."""
    authz = await reader(actor)
    rows = (
        await _centres(authz)
        .filter(status__in=list(DESIGNATED))
        .annotate(centres=Count("id"))
        .group_by("status")
        .values("status", "centres")
    )
    counts = {CentreStatus(row["status"]): int(row["centres"]) for row in rows}
    return TargetProgress(
        running=counts.get(CentreStatus.ESTABLISHED, 0),
        rectifying=counts.get(CentreStatus.RECTIFYING, 0),
        year=(today or programme_today()).year,
    )


async def industry_coverage(actor: Actor) -> list[IndustryCoverage]:
    """Each of the ten industries (reference order) with the caller's designated (established or
    rectifying) and cultivating centres in it, and its coverage (R-CTR-6, 二(一)): ESTABLISHED
    with a designated centre, CULTIVATING with centres in cultivation only, NONE otherwise. Two
    statements: the industries and the grouped counts."""
    authz = await reader(actor)
    industries = await Industry.all().order_by("position", "code")
    rows = (
        await _centres(authz)
        .filter(status__in=list(DESIGNATED | IN_CULTIVATION))
        .annotate(centres=Count("id"))
        .group_by("industry_id", "status")
        .values("industry_id", "status", "centres")
    )
    found: dict[Any, dict[CentreStatus, int]] = {}
    for row in rows:
        found.setdefault(row["industry_id"], {})[CentreStatus(row["status"])] = int(row["centres"])
    result = []
    for industry in industries:
        counts = found.get(industry.id, {})
        result.append(
            IndustryCoverage(
                industry=Named(industry.code, industry.name_zh, industry.name_en),
                coverage=coverage(set(counts)),
                designated=sum(n for s, n in counts.items() if s in DESIGNATED),
                cultivating=sum(n for s, n in counts.items() if s in IN_CULTIVATION),
            )
        )
    return result


async def centres_established_per_year(actor: Actor) -> list[YearCount]:
    """A chart's series: the caller's centres by the year they were established (UTC+8 day of
    ``established_on``), whatever their status now (a centre revoked since still counts in its
    year). Only years with a centre; ordered by year. One aggregate statement."""
    authz = await reader(actor)
    rows = (
        await _centres(authz)
        .filter(established_on__not_isnull=True)
        .annotate(year=YearOf("established_on"), centres=Count("id"))
        .group_by("year")
        .values("year", "centres")
    )
    return sorted(
        (YearCount(int(row["year"]), int(row["centres"])) for row in rows), key=lambda r: r.year
    )
