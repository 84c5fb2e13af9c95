"""The regulatory calendar (R-ASM-6): what is due for a centre and when, from plain values.

Pure computation, one predicate per kind of item, in the province's calendar (UTC+8 days): the
service loads the facts (centres, their reports, their assessments) and these functions say
which items exist, on which day each falls due, and how many days are left from ``today``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from uuid import UUID

from models.annual_reports import ReportStatus
from models.assessment_calendar import (
    annual_report_due,
    annual_report_required,
    periodic_assessment_due,
    province_date,
)
from models.assessments import AssessmentKind, AssessmentStatus, Grade
from models.centres import CentreStatus
from models.lifecycle import cultivation_deadline

# Design choice (the plan sets no term for the bureau's check, 四(一)): a submitted report is
# due for verification 30 calendar days after the day (UTC+8) of its latest submission.
VERIFICATION_DAYS = 30


class CalendarKind(StrEnum):
    """What falls due (R-ASM-6). The order of the members is the order of items on one day."""

    ANNUAL_REPORT_DUE = "annual_report_due"  # 年度报告截止 (R-ASM-2)
    REPORT_VERIFICATION_PENDING = "report_verification_pending"  # 年度报告待审核 (R-ASM-2)
    PERIODIC_ASSESSMENT_DUE = "periodic_assessment_due"  # 定期考核到期 (R-ASM-4)
    CULTIVATION_ENDS = "cultivation_ends"  # 培育期届满 (R-CUL-2)
    RECTIFICATION_ENDS = "rectification_ends"  # 整改期届满 (R-ASM-5)


_PERIODIC = AssessmentKind.PERIODIC
KIND_RANK: dict[CalendarKind, int] = {kind: rank for rank, kind in enumerate(CalendarKind)}

# A report in one of these states no longer needs its lead to act (R-ASM-2).
SENT_REPORT = frozenset({ReportStatus.SUBMITTED, ReportStatus.FORWARDED, ReportStatus.RECEIVED})
# Centres whose calendar can hold anything but a pending verification.
CALENDAR_STATUSES = frozenset(
    {CentreStatus.CULTIVATING, CentreStatus.ESTABLISHED, CentreStatus.RECTIFYING}
)


@dataclass(frozen=True, slots=True)
class CentreFacts:
    """What the calendar needs of a centre."""

    id: UUID
    status: CentreStatus
    listed_on: date | None
    established_on: date | None


@dataclass(frozen=True, slots=True)
class ReportFacts:
    """What the calendar needs of an annual report."""

    id: UUID
    centre_id: UUID
    year: int
    status: ReportStatus
    submitted_at: datetime | None  # the latest submission (aware, UTC)


@dataclass(frozen=True, slots=True)
class AssessmentFacts:
    """What the calendar needs of an assessment."""

    id: UUID
    centre_id: UUID
    kind: AssessmentKind
    cycle: int
    status: AssessmentStatus
    grade: Grade | None
    rectification_due: date | None


@dataclass(frozen=True, slots=True)
class CalendarItem:
    """One thing due for one centre on one day (UTC+8). ``year`` is the report's year (report
    kinds only); ``report_id`` / ``assessment_id`` name the record the item is about, if any."""

    kind: CalendarKind
    centre_id: UUID
    due_on: date
    year: int | None = None
    report_id: UUID | None = None
    assessment_id: UUID | None = None

    def days_left(self, today: date) -> int:
        """Whole days from ``today`` to the due day: 0 on the day, negative once overdue."""
        return (self.due_on - today).days

    def overdue(self, today: date) -> bool:
        """Past its due day (the due day itself is still on time)."""
        return self.due_on < today


def annual_reports_due(
    centre: CentreFacts, reports: Iterable[ReportFacts], today: date
) -> list[CalendarItem]:
    """R-ASM-2, R-ASM-6: for an established or rectifying centre, one item per year it must
    report on (``annual_report_required``), from its first such year up to ``today.year - 1``
    (the report due on 31 May of this year), while that year's report is missing, a draft or
    returned. Due ``annual_report_due(year)``; the report's id when one exists."""
    if centre.status not in {CentreStatus.ESTABLISHED, CentreStatus.RECTIFYING}:
        return []
    if centre.established_on is None:
        return []
    by_year = {r.year: r for r in reports if r.centre_id == centre.id}
    items = []
    for year in range(centre.established_on.year, today.year):
        if not annual_report_required(centre.established_on, year):
            continue
        report = by_year.get(year)
        if report is not None and report.status in SENT_REPORT:
            continue
        items.append(
            CalendarItem(
                CalendarKind.ANNUAL_REPORT_DUE,
                centre.id,
                annual_report_due(year),
                year=year,
                report_id=None if report is None else report.id,
            )
        )
    return items


def verification_due(submitted_at: datetime) -> date:
    """The bureau's check of a report is due ``VERIFICATION_DAYS`` (30) calendar days after the
    day (UTC+8) of the latest submission (design choice)."""
    return province_date(submitted_at) + timedelta(days=VERIFICATION_DAYS)


def verification_pending(report: ReportFacts) -> CalendarItem | None:
    """R-ASM-2, R-ASM-6: a submitted report awaits its city bureau (``verification_due``)."""
    if report.status is not ReportStatus.SUBMITTED or report.submitted_at is None:
        return None
    return CalendarItem(
        CalendarKind.REPORT_VERIFICATION_PENDING,
        report.centre_id,
        verification_due(report.submitted_at),
        year=report.year,
        report_id=report.id,
    )


def periodic_assessment(
    centre: CentreFacts, assessments: Iterable[AssessmentFacts]
) -> CalendarItem | None:
    """R-ASM-4, R-ASM-6: an established centre's next periodic assessment. Its cycle is the
    number of graded periodic assessments + 1, due ``periodic_assessment_due(established_on,
    cycle)``, while no assessment of that cycle is graded; the open one's id if opened."""
    if centre.status is not CentreStatus.ESTABLISHED or centre.established_on is None:
        return None
    periodic = [a for a in assessments if a.centre_id == centre.id and a.kind is _PERIODIC]
    graded = [a for a in periodic if a.status is AssessmentStatus.GRADED]
    cycle = len(graded) + 1
    if any(a.cycle == cycle for a in graded):
        return None
    opened = next((a for a in periodic if a.cycle == cycle), None)
    return CalendarItem(
        CalendarKind.PERIODIC_ASSESSMENT_DUE,
        centre.id,
        periodic_assessment_due(centre.established_on, cycle),
        assessment_id=None if opened is None else opened.id,
    )


def cultivation_ends(centre: CentreFacts) -> CalendarItem | None:
    """R-CUL-2, R-ASM-6: a cultivating centre's three years end on ``cultivation_deadline``."""
    if centre.status is not CentreStatus.CULTIVATING or centre.listed_on is None:
        return None
    return CalendarItem(
        CalendarKind.CULTIVATION_ENDS, centre.id, cultivation_deadline(centre.listed_on)
    )


def rectification_ends(
    centre: CentreFacts, assessments: Iterable[AssessmentFacts]
) -> CalendarItem | None:
    """R-ASM-5, R-ASM-6: a rectifying centre's period ends on the ``rectification_due`` of its
    latest failed periodic assessment; the re-assessment is due then (that assessment's id)."""
    if centre.status is not CentreStatus.RECTIFYING:
        return None
    failed = [
        a
        for a in assessments
        if a.centre_id == centre.id
        and a.kind is _PERIODIC
        and a.grade is Grade.FAIL
        and a.rectification_due is not None
    ]
    if not failed:
        return None
    latest = max(failed, key=lambda a: a.cycle)
    assert latest.rectification_due is not None
    return CalendarItem(
        CalendarKind.RECTIFICATION_ENDS,
        centre.id,
        latest.rectification_due,
        assessment_id=latest.id,
    )


def centre_items(
    centre: CentreFacts,
    reports: Sequence[ReportFacts],
    assessments: Sequence[AssessmentFacts],
    today: date,
) -> list[CalendarItem]:
    """Every item of one centre (the reports and assessments may include other centres')."""
    items = annual_reports_due(centre, reports, today)
    items += [
        item
        for report in reports
        if report.centre_id == centre.id
        for item in [verification_pending(report)]
        if item is not None
    ]
    for single in (
        periodic_assessment(centre, assessments),
        cultivation_ends(centre),
        rectification_ends(centre, assessments),
    ):
        if single is not None:
            items.append(single)
    return items
