"""The dates of a centre's life after establishment (R-ASM-1, R-ASM-2, R-ASM-4, R-ASM-5).

Pure predicates, one per rule, in the province's calendar (UTC+8): the annual report's due date
and lateness, who reports and who may be assessed, the periodic assessment cycle and the end of
rectification. A period of whole years that starts on 29 February ends on 28 February, as the
cultivation deadline does (R-CUL-2, ``models.lifecycle.cultivation_deadline``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

PROVINCE_TZ = timezone(timedelta(hours=8), "UTC+8")
REPORT_DUE_MONTH, REPORT_DUE_DAY = 5, 31  # 31 May of the following year (R-ASM-2)
ASSESSMENT_CYCLE_YEARS = 3  # R-ASM-4
RECTIFICATION_YEARS = 1  # R-ASM-5
RUNNING_YEARS_BEFORE_ASSESSMENT = 1  # R-ASM-1


def years_later(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def province_date(moment: datetime) -> date:
    """The calendar day in the province (UTC+8) of an aware UTC moment."""
    if moment.tzinfo is None:
        raise ValueError("a moment must carry its time zone")
    return moment.astimezone(PROVINCE_TZ).date()


def annual_report_due(year: int) -> date:
    """R-ASM-2: the report on calendar year ``year`` is due on 31 May of the next year."""
    return date(year + 1, REPORT_DUE_MONTH, REPORT_DUE_DAY)


def annual_report_late(submitted_at: datetime, year: int) -> bool:
    """R-ASM-2: a report submitted after 31 May (province's calendar) is late — marked, never
    refused. 23:59 on 31 May in UTC+8 (15:59 UTC) is on time; one minute later is late."""
    return province_date(submitted_at) > annual_report_due(year)


def annual_report_required(established_on: date | None, year: int) -> bool:
    """R-ASM-1, R-ASM-2: an established centre reports on ``year`` once it has run for a full
    year by that report's due date (established on 1 March 2025: reports on 2025, due 31 May
    2026, since it has run a year by 1 March 2026)."""
    if established_on is None:
        return False
    running = years_later(established_on, RUNNING_YEARS_BEFORE_ASSESSMENT)
    return running <= annual_report_due(year)


def latest_establishment_reporting_on(year: int) -> date:
    """R-ASM-1, R-ASM-2 as one SQL filter: a centre established on or before this day (31 May of
    ``year``) reports on ``year`` — ``annual_report_required`` exactly (a full year by 31 May of
    the next year), 29 February included."""
    return date(year, REPORT_DUE_MONTH, REPORT_DUE_DAY)


def assessment_allowed(established_on: date | None, on: date) -> bool:
    """R-ASM-1: a centre may be assessed once it has been established for a full year."""
    if established_on is None:
        return False
    return years_later(established_on, RUNNING_YEARS_BEFORE_ASSESSMENT) <= on


def periodic_assessment_due(established_on: date, cycle: int) -> date:
    """R-ASM-4: the ``cycle``-th periodic assessment (1, 2, …) falls due every 3 years from
    establishment."""
    if cycle < 1:
        raise ValueError("cycles count from 1")
    return years_later(established_on, ASSESSMENT_CYCLE_YEARS * cycle)


def rectification_deadline(started_on: date) -> date:
    """R-ASM-5: a failed centre's rectification period ends one year after it starts; the
    re-assessment is due then."""
    return years_later(started_on, RECTIFICATION_YEARS)
