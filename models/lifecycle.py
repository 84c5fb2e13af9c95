"""The centre lifecycle (三(二) 遴选程序) as a table, and the one function that applies it.

Who may make a move is the policy's business (policy.csv); this table says from where a move
starts, where it ends, whether a comment is required, and which authority it belongs to.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from models.assessment_calendar import years_later
from models.centres import CentreStatus as S
from models.vocabulary import term


class Move(StrEnum):
    SUBMIT = "submit"
    RECOMMEND = "recommend"
    RETURN = "return"
    PASS_FORMAL_REVIEW = "pass_formal_review"  # noqa: S105 - a move, not a password
    REJECT_FORMAL_REVIEW = "reject_formal_review"
    START_EXPERT_REVIEW = "start_expert_review"
    LIST_FOR_CULTIVATION = "list_for_cultivation"
    REJECT_AFTER_REVIEW = "reject_after_review"
    ESTABLISH = "establish"
    FAIL_CULTIVATION = "fail_cultivation"
    START_RECTIFICATION = "start_rectification"
    PASS_REASSESSMENT = "pass_reassessment"  # noqa: S105 - a move, not a password
    REVOKE = "revoke"


class Authority(StrEnum):
    """Whose step a move is; policy.csv maps each to the roles and scopes that hold it."""

    LEAD_ENTERPRISE = "submit"  # the lead unit of the centre
    CITY_BUREAU = "recommend"  # the bureau of the centre's city
    PROVINCE = "decide"  # provincial staff


@dataclass(frozen=True, slots=True)
class Step:
    sources: frozenset[S]
    target: S
    authority: Authority
    comment_required: bool = False


TABLE: dict[Move, Step] = {
    Move.SUBMIT: Step(frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, Authority.LEAD_ENTERPRISE),
    Move.RECOMMEND: Step(frozenset({S.SUBMITTED}), S.RECOMMENDED, Authority.CITY_BUREAU),
    Move.RETURN: Step(frozenset({S.SUBMITTED}), S.RETURNED, Authority.CITY_BUREAU, True),
    Move.PASS_FORMAL_REVIEW: Step(
        frozenset({S.RECOMMENDED}), S.FORMAL_REVIEW_PASSED, Authority.PROVINCE
    ),
    # Design choice: a rejection always says why.
    Move.REJECT_FORMAL_REVIEW: Step(
        frozenset({S.RECOMMENDED}), S.REJECTED, Authority.PROVINCE, True
    ),
    Move.START_EXPERT_REVIEW: Step(
        frozenset({S.FORMAL_REVIEW_PASSED}), S.EXPERT_REVIEW, Authority.PROVINCE
    ),
    Move.LIST_FOR_CULTIVATION: Step(
        frozenset({S.EXPERT_REVIEW}), S.CULTIVATING, Authority.PROVINCE
    ),
    Move.REJECT_AFTER_REVIEW: Step(
        frozenset({S.EXPERT_REVIEW}), S.REJECTED, Authority.PROVINCE, True
    ),
    Move.ESTABLISH: Step(frozenset({S.CULTIVATING}), S.ESTABLISHED, Authority.PROVINCE),
    Move.FAIL_CULTIVATION: Step(
        frozenset({S.CULTIVATING}), S.CULTIVATION_FAILED, Authority.PROVINCE, True
    ),
    Move.START_RECTIFICATION: Step(
        frozenset({S.ESTABLISHED}), S.RECTIFYING, Authority.PROVINCE, True
    ),
    Move.PASS_REASSESSMENT: Step(frozenset({S.RECTIFYING}), S.ESTABLISHED, Authority.PROVINCE),
    Move.REVOKE: Step(frozenset({S.RECTIFYING}), S.REVOKED, Authority.PROVINCE, True),
}

EDITABLE = frozenset({S.DRAFT, S.RETURNED})  # the lead edits its application only here
LIVE = frozenset({S.CULTIVATING, S.ESTABLISHED, S.RECTIFYING})  # R-CTR-4 compares with these
CULTIVATION_YEARS = 3


class InvalidTransition(ValueError):
    def __init__(self, current: S, move: Move) -> None:
        allowed = sorted(term(m) for m, step in TABLE.items() if current in step.sources)
        super().__init__(
            f"cannot {term(move)} a centre that is {term(current)}"
            + (
                f"; from {term(current)} the possible moves are: {', '.join(allowed)}"
                if allowed
                else ""
            )
        )
        self.current, self.move = current, move


class CommentRequired(ValueError):
    def __init__(self, move: Move) -> None:
        super().__init__(f"a comment is required to {move.value.replace('_', ' ')}")


def apply(current: S, move: Move, comment: str) -> S:
    """The status after ``move``; refuses a move from the wrong state or without its comment."""
    step = TABLE[move]
    if current not in step.sources:
        raise InvalidTransition(current, move)
    if step.comment_required and not comment.strip():
        raise CommentRequired(move)
    return step.target


def cultivation_deadline(listed_on: date) -> date:
    """Three years from listing (R-CUL-2); 29 February falls back to 28 February."""
    return years_later(listed_on, CULTIVATION_YEARS)


def last_listing_due_by(horizon: date) -> date:
    """R-CUL-2: the latest listing date whose cultivation deadline falls on or before
    ``horizon`` (listed on or before it ⇔ deadline ≤ horizon), so the list is one SQL filter.

    A 29 February listing ends on 28 February: a horizon of 28 February three years after a
    leap year reaches back to 29 February; a horizon of 29 February reaches 28 February."""
    year = horizon.year - CULTIVATION_YEARS
    if horizon.month == 2 and horizon.day >= 28:
        return date(year, 2, 29 if calendar.isleap(year) else 28)
    return horizon.replace(year=year)


def cultivation_over(listed_on: date | None, today: date) -> bool:
    """R-CUL-2: from the day after the third year ends, a centre can no longer be established."""
    return listed_on is not None and today > cultivation_deadline(listed_on)


def normalise_direction(direction: str) -> str:
    """R-CTR-4 compares directions without spacing, punctuation or case differences."""
    return "".join(ch for ch in direction.casefold() if ch.isalnum())


class Directed(Protocol):
    """What R-CTR-4 compares of a centre."""

    @property
    def id(self) -> UUID: ...

    industry_id: UUID
    direction: str
    status: S


def duplicates_direction(centre: Directed, other: Directed) -> bool:
    """R-CTR-4: ``other`` is a live centre (cultivating, established, rectifying) of the same
    industry whose direction reads the same as ``centre``'s (``normalise_direction``)."""
    key = normalise_direction(centre.direction)
    return bool(
        key
        and other.id != centre.id
        and other.status in LIVE
        and other.industry_id == centre.industry_id
        and normalise_direction(other.direction) == key
    )


def duplicates_of(centre: Directed, others: Iterable[Directed]) -> list[Directed]:
    """R-CTR-4: those of ``others`` that duplicate ``centre``'s direction."""
    return [other for other in others if duplicates_direction(centre, other)]


def application_editable(status: S) -> bool:
    """Who may edit by state (R-ACC-3 with the lifecycle): the lead edits its application (plan,
    governance, investments) only while it is a draft or returned for changes."""
    return status in EDITABLE


def frozen_under_review(status: S) -> bool:
    """Freeze under review (R-REV-1): from submission until listing (and after a rejection or a
    failed cultivation) the alliance and the materials stay those submitted, so that reviewers
    and the experts' conflict check judge what was submitted. The lead changes them while the
    application is a draft or returned, and again once the centre is listed; provincial staff
    attach evidence at any stage."""
    return status not in EDITABLE | LIVE
