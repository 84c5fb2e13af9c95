"""One predicate per rule (models/lifecycle.py), called directly: no database, no request."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.centres import CentreStatus as S
from models.lifecycle import (
    application_editable,
    cultivation_deadline,
    cultivation_over,
    duplicates_direction,
    duplicates_of,
    frozen_under_review,
    last_listing_due_by,
)

UNDER_REVIEW = [S.SUBMITTED, S.RECOMMENDED, S.FORMAL_REVIEW_PASSED, S.EXPERT_REVIEW]
INDUSTRY = uuid4()


@dataclass
class _Centre:
    direction: str
    status: S = S.CULTIVATING
    industry_id: UUID = INDUSTRY
    id: UUID = field(default_factory=uuid4)


@pytest.mark.parametrize("status", list(S))
def test_r_rev_1_frozen_under_review_from_submission_until_listing(status: S) -> None:
    # given any state, when asked whether the alliance and materials are frozen
    frozen = frozen_under_review(status)
    # then only draft, returned and the listed states (cultivating, established, rectifying)
    # leave them open to the lead
    assert frozen is (
        status not in {S.DRAFT, S.RETURNED, S.CULTIVATING, S.ESTABLISHED, S.RECTIFYING}
    )
    if status in UNDER_REVIEW:
        assert frozen


@pytest.mark.parametrize("status", list(S))
def test_r_acc_3_the_lead_edits_its_application_only_while_draft_or_returned(status: S) -> None:
    assert application_editable(status) is (status in {S.DRAFT, S.RETURNED})


@pytest.mark.parametrize(
    ("mine", "theirs", "duplicate"),
    [
        ("智能 工程机械、电液控制", "智能工程机械电液控制", True),  # spacing and punctuation
        ("Smart Mining", "smart-mining", True),  # case and hyphen
        ("智能工程机械", "智能农机", False),  # a different direction
        ("", "", False),  # no direction given: nothing to compare
    ],
)
def test_r_ctr_4_duplicates_direction_compares_normalised_directions(
    mine: str, theirs: str, duplicate: bool
) -> None:
    assert duplicates_direction(_Centre(mine, S.DRAFT), _Centre(theirs)) is duplicate


def test_r_ctr_4_only_live_centres_of_the_same_industry_and_not_itself_are_duplicates() -> None:
    # given an application and others with the same direction in several situations
    centre = _Centre("新能源电池", S.RECOMMENDED)
    live = _Centre("新能源电池", S.ESTABLISHED)
    rejected = _Centre("新能源电池", S.REJECTED)
    other_industry = _Centre("新能源电池", S.CULTIVATING, industry_id=uuid4())
    # when compared, then only the live centre of the same industry counts, never itself
    found = duplicates_of(centre, [centre, live, rejected, other_industry])
    assert found == [live]


@pytest.mark.parametrize(
    ("listed_on", "today", "over"),
    [
        (date(2023, 5, 20), date(2026, 5, 20), False),  # the last day of the third year
        (date(2023, 5, 20), date(2026, 5, 21), True),  # the day after
        (date(2024, 2, 29), date(2027, 2, 28), False),  # a leap-day listing ends on 28 February
        (date(2024, 2, 29), date(2027, 3, 1), True),
        (None, date(2099, 1, 1), False),  # never listed: never over
    ],
)
def test_r_cul_2_cultivation_is_over_from_the_day_after_the_third_year(
    listed_on: date | None, today: date, over: bool
) -> None:
    assert cultivation_over(listed_on, today) is over


@given(
    horizon=st.dates(min_value=date(2003, 1, 1), max_value=date(2099, 12, 31)),
    listed_on=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
)
def test_r_cul_2_last_listing_due_by_is_exactly_the_deadline_filter(
    horizon: date, listed_on: date
) -> None:
    # given any listing date and any horizon, then "listed on or before the last listing due by
    # the horizon" holds exactly when the cultivation deadline falls on or before the horizon
    assert (listed_on <= last_listing_due_by(horizon)) == (
        cultivation_deadline(listed_on) <= horizon
    )


@pytest.mark.parametrize(
    ("horizon", "last"),
    [
        (date(2027, 2, 28), date(2024, 2, 29)),  # a leap-day listing ends on 28 February
        (date(2028, 2, 29), date(2025, 2, 28)),
        (date(2026, 3, 1), date(2023, 3, 1)),
    ],
)
def test_r_cul_2_last_listing_due_by_around_leap_days(horizon: date, last: date) -> None:
    assert last_listing_due_by(horizon) == last
