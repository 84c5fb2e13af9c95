"""Statistics after establishment (R-ASM-2, R-ASM-3, R-ASM-4, R-CTR-6, R-ACC-5): annual reports
of a year, assessment grades per cycle, revenue by source per year, and the reports-per-year
series — each one aggregate statement within the caller's scope (``services/statistics.py`` says
who may ask and why each figure equals what the caller can list).

Design choices:

- **required to report** on a year = the centres (in the caller's annual-report scope) that are
  established or rectifying and were established by 31 May of that year — the SQL form of
  ``models.assessment_calendar.annual_report_required`` (a full year run by the report's due
  day, 31 May of the next year), the condition ``draft_annual_report`` checks.
- **submitted** = every report past its draft (submitted, returned, forwarded, received); its
  ``late`` flag is its first submission's (R-ASM-2).
- **revenue** counts verified reports only (forwarded by the bureau or received by the province):
  a draft or a report under verification may still change. Amounts are summed exactly in whole
  fen (``services/sql_functions.py`` ``FenSum``) and given in CNY with two places.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tortoise.functions import Count

from models.annual_reports import ReportStatus, RevenueSource
from models.assessment_calendar import latest_establishment_reporting_on
from models.assessments import AssessmentKind, Grade
from models.money import summed_fen, to_cny
from models.programme_target import DESIGNATED
from policies import scopes
from policies.vocabulary import Action, Resource
from services.actor import Actor
from services.errors import BadInput
from services.sql_functions import FenSum
from services.statistics import reader
from services.values import EARLIEST, LATEST

FIRST_YEAR, LAST_YEAR = EARLIEST.year, LATEST.year
VERIFIED = (ReportStatus.FORWARDED, ReportStatus.RECEIVED)


@dataclass(frozen=True, slots=True)
class StatusCount:
    """Reports of one status: on time and late (by their first submission)."""

    status: ReportStatus
    on_time: int
    late: int

    @property
    def count(self) -> int:
        return self.on_time + self.late


@dataclass(frozen=True, slots=True)
class ReportFigures:
    """The annual reports on one year (R-ASM-2) in the caller's scope."""

    year: int
    required: int
    by_status: tuple[StatusCount, ...]

    def _of(self, *statuses: ReportStatus) -> int:
        return sum(s.count for s in self.by_status if s.status in statuses)

    @property
    def drafted(self) -> int:
        return self._of(*ReportStatus)

    @property
    def submitted(self) -> int:
        return self._of(*(s for s in ReportStatus if s is not ReportStatus.DRAFT))

    @property
    def late(self) -> int:
        return sum(s.late for s in self.by_status)

    @property
    def returned(self) -> int:
        return self._of(ReportStatus.RETURNED)

    @property
    def forwarded(self) -> int:
        return self._of(ReportStatus.FORWARDED)

    @property
    def received(self) -> int:
        return self._of(ReportStatus.RECEIVED)


@dataclass(frozen=True, slots=True)
class GradeCount:
    """Assessments of one cycle and kind with one grade (None: not graded yet)."""

    cycle: int
    kind: AssessmentKind
    grade: Grade | None
    count: int


@dataclass(frozen=True, slots=True)
class RevenueYear:
    """Revenue by source (R-ASM-3) of one year's verified reports, whole fen per source."""

    year: int
    reports: int
    fen_by_source: dict[RevenueSource, int]

    def amount(self, source: RevenueSource) -> Decimal:
        return to_cny(self.fen_by_source.get(source, 0))


@dataclass(frozen=True, slots=True)
class TimelinessYear:
    """Submitted reports on one year: on time and late (R-ASM-2)."""

    year: int
    on_time: int
    late: int


def _check(year: int | None) -> None:
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadInput(f"a year from {FIRST_YEAR} to {LAST_YEAR}", field="year")


async def report_figures(actor: Actor, year: int) -> ReportFigures:
    """The reports on ``year``: how many centres must report (see the module), and the reports
    per status, on time and late. Two aggregate statements. Raises NotAllowed (audited) without
    a statistics line, BadInput(year) outside 2000..2100."""
    _check(year)
    authz = await reader(actor)
    required = (
        await scopes.centres_for(authz, Resource.ANNUAL_REPORT, Action.READ)
        .filter(
            status__in=list(DESIGNATED), established_on__lte=latest_establishment_reporting_on(year)
        )
        .count()
    )
    rows = (
        await scopes.visible_annual_reports(authz)
        .filter(year=year)
        .annotate(reports=Count("id"))
        .group_by("status", "late")
        .values("status", "late", "reports")
    )
    counts: dict[tuple[ReportStatus, bool], int] = {
        (ReportStatus(row["status"]), bool(row["late"])): int(row["reports"]) for row in rows
    }
    by_status = tuple(
        StatusCount(s, counts.get((s, False), 0), counts.get((s, True), 0)) for s in ReportStatus
    )
    return ReportFigures(year=year, required=required, by_status=by_status)


async def grade_counts(actor: Actor, cycle: int | None = None) -> list[GradeCount]:
    """Assessments (R-ASM-4, R-ASM-5) per cycle, kind and grade (None: open), ordered by cycle,
    kind, grade (best first, open last); one cycle if given. One aggregate statement."""
    authz = await reader(actor)
    qs = scopes.visible_assessments(authz)
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    rows = (
        await qs.annotate(assessments=Count("id"))
        .group_by("cycle", "kind", "grade")
        .values("cycle", "kind", "grade", "assessments")
    )
    kinds, grades = list(AssessmentKind), list(Grade)
    found = [
        GradeCount(
            cycle=int(row["cycle"]),
            kind=AssessmentKind(row["kind"]),
            grade=None if row["grade"] is None else Grade(row["grade"]),
            count=int(row["assessments"]),
        )
        for row in rows
    ]
    return sorted(
        found,
        key=lambda g: (
            g.cycle,
            kinds.index(g.kind),
            len(grades) if g.grade is None else grades.index(g.grade),
        ),
    )


async def revenue_by_year(actor: Actor, year: int | None = None) -> list[RevenueYear]:
    """Revenue by source per report year (R-ASM-3), summed exactly in SQL over the verified
    reports in the caller's scope; one year if given. Only years with a verified report; ordered
    by year. One aggregate statement. Errors as ``report_figures``."""
    _check(year)
    authz = await reader(actor)
    qs = scopes.visible_annual_reports(authz).filter(status__in=list(VERIFIED))
    if year is not None:
        qs = qs.filter(year=year)
    sums: dict[str, Any] = {f"fen_{s.value}": FenSum(f"revenue_{s.value}") for s in RevenueSource}
    rows = (
        await qs.annotate(reports=Count("id"), **sums)
        .group_by("year")
        .values("year", "reports", *sums)
    )
    return sorted(
        (
            RevenueYear(
                year=int(row["year"]),
                reports=int(row["reports"]),
                fen_by_source={s: summed_fen(row[f"fen_{s.value}"]) for s in RevenueSource},
            )
            for row in rows
        ),
        key=lambda r: r.year,
    )


async def reports_timeliness(actor: Actor) -> list[TimelinessYear]:
    """A chart's series: submitted reports (past their draft) per report year, on time and late
    (R-ASM-2). Only years with a submitted report; ordered by year. One aggregate statement."""
    authz = await reader(actor)
    rows = (
        await scopes.visible_annual_reports(authz)
        .exclude(status=ReportStatus.DRAFT)
        .annotate(reports=Count("id"))
        .group_by("year", "late")
        .values("year", "late", "reports")
    )
    years: dict[int, list[int]] = {}
    for row in rows:
        years.setdefault(int(row["year"]), [0, 0])[1 if row["late"] else 0] += int(row["reports"])
    return [TimelinessYear(y, on_time, late) for y, (on_time, late) in sorted(years.items())]
