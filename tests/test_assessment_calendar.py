"""The dates after establishment (R-ASM-1, R-ASM-2, R-ASM-4, R-ASM-5), in the province's calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.assessment_calendar import (
    annual_report_due,
    annual_report_late,
    annual_report_required,
    assessment_allowed,
    latest_establishment_reporting_on,
    periodic_assessment_due,
    province_date,
    rectification_deadline,
    years_later,
)
from models.lifecycle import cultivation_deadline

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


@pytest.mark.parametrize(
    ("submitted_utc", "late"),
    [
        (datetime(2026, 5, 31, 15, 59, tzinfo=UTC), False),  # 23:59 on 31 May in UTC+8
        (datetime(2026, 5, 31, 16, 0, tzinfo=UTC), True),  # 00:00 on 1 June in UTC+8
        (datetime(2026, 1, 2, 0, 0, tzinfo=UTC), False),
        (datetime(2027, 3, 1, 0, 0, tzinfo=UTC), True),  # a year late
    ],
)
def test_r_asm_2_a_report_after_31_may_in_the_province_is_late(
    submitted_utc: datetime, late: bool
) -> None:
    # given the report on 2025 (due 31 May 2026), when it is submitted at this UTC moment
    # then it is late exactly when the province's calendar has passed 31 May
    assert annual_report_late(submitted_utc, 2025) is late


def test_r_asm_2_a_moment_without_its_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        province_date(datetime(2026, 5, 31, 23, 0))


@given(day=DAYS)
def test_r_asm_2_the_report_on_a_year_is_due_on_31_may_of_the_next(day: date) -> None:
    due = annual_report_due(day.year)
    assert (due.year, due.month, due.day) == (day.year + 1, 5, 31)


@pytest.mark.parametrize(
    ("established_on", "year", "required"),
    [
        (date(2025, 3, 1), 2025, True),  # a full year by 1 March 2026, before 31 May 2026
        (date(2025, 5, 31), 2025, True),  # a full year exactly on the due date
        (date(2025, 6, 1), 2025, False),  # first reports on 2026
        (date(2025, 6, 1), 2026, True),
        (None, 2025, False),  # not established
    ],
)
def test_r_asm_1_a_centre_reports_once_it_has_run_a_full_year_by_the_due_date(
    established_on: date | None, year: int, required: bool
) -> None:
    assert annual_report_required(established_on, year) is required


@pytest.mark.parametrize(
    ("established_on", "on", "allowed"),
    [
        (date(2025, 11, 29), date(2026, 11, 28), False),  # a day short of a year
        (date(2025, 11, 29), date(2026, 11, 29), True),
        (date(2024, 2, 29), date(2025, 2, 28), True),  # a leap-day establishment
        (None, date(2026, 1, 1), False),
    ],
)
def test_r_asm_1_an_assessment_waits_for_a_full_year_after_establishment(
    established_on: date | None, on: date, allowed: bool
) -> None:
    assert assessment_allowed(established_on, on) is allowed


@given(established_on=DAYS, cycle=st.integers(min_value=1, max_value=3))
def test_r_asm_4_assessments_fall_due_every_three_years(established_on: date, cycle: int) -> None:
    due = periodic_assessment_due(established_on, cycle)
    # the same day 3, 6, 9 years on (29 February → 28 February), as the cultivation deadline
    assert due == years_later(established_on, 3 * cycle)
    assert periodic_assessment_due(established_on, 1) == cultivation_deadline(established_on)
    assert (due.month, due.day) == (established_on.month, established_on.day) or (
        (established_on.month, established_on.day, due.day) == (2, 29, 28)
    )


def test_r_asm_4_cycles_count_from_one() -> None:
    with pytest.raises(ValueError, match="from 1"):
        periodic_assessment_due(date(2025, 1, 1), 0)


@pytest.mark.parametrize(
    ("started_on", "deadline"),
    [
        (date(2026, 3, 15), date(2027, 3, 15)),
        (date(2028, 2, 29), date(2029, 2, 28)),  # a leap day falls back to 28 February
        (date(2027, 12, 31), date(2028, 12, 31)),  # across a year end
    ],
)
def test_r_asm_5_rectification_lasts_one_year(started_on: date, deadline: date) -> None:
    assert rectification_deadline(started_on) == deadline


@given(day=DAYS, years=st.integers(min_value=0, max_value=10))
def test_r_asm_5_years_later_never_moves_backwards_and_keeps_the_day(day: date, years: int) -> None:
    later = years_later(day, years)
    assert later >= day and later.year == day.year + years
    assert later - day <= timedelta(days=366 * years)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), st.integers(2000, 2099))
def test_r_asm_1_the_sql_filter_of_who_reports_is_the_rule_itself(
    established_on: date, year: int
) -> None:
    # the one-filter form the statistics use selects exactly the centres the rule requires
    assert (established_on <= latest_establishment_reporting_on(year)) is (
        annual_report_required(established_on, year)
    )
