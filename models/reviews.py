"""Expert panels (专家评审): assignments, blind scores on weighted criteria, finalising.

A panel (``Review``) is one mechanism over a *subject* and a *criteria set*: the selection review
of a centre's application (三(二)3) with the six selection conditions, and the periodic assessment
and the re-assessment after rectification (R-ASM-4/5, subject: the assessment) with the three
assessment areas. Every panel belongs to a centre (``centre``), through which scopes go; an
expert reads only the panels they sit on.

R-REV-2: criteria scored 0-100, weights of a set summing to exactly 1 (the selection set: the six
conditions 三(一)1-6). R-REV-4: an expert's total is the weighted sum; the result is the mean of
the totals, trimmed of the highest and lowest with five or more experts. All arithmetic is
Decimal, rounded half-up to two places at the end.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from tortoise import fields
from tortoise.queryset import QuerySet

from models.accounts import User
from models.base import Entity
from models.centres import Centre

CENT = Decimal("0.01")
MIN_EXPERTS = 3  # design choice: at least three experts before expert review starts
TRIM_FROM = 5  # with this many experts or more, drop the highest and lowest totals
CRITERION_CODE_MAX = 32  # the length of Score.criterion's column


class PanelSubject(StrEnum):
    """What a panel reviews; with ``Review.subject_id`` it names the panel's one subject."""

    SELECTION = "selection"  # a centre's application (三(二)3); the subject id is the centre's id
    # The periodic assessment (R-ASM-4) and the re-assessment after rectification (R-ASM-5):
    # the subject id is the assessment's (models/assessments.py).
    ASSESSMENT = "assessment"
    REASSESSMENT = "reassessment"


@dataclass(frozen=True, slots=True)
class Criterion:
    """One scoring criterion: a code (stored with each score), its names, its weight (0-1)."""

    code: str
    name_zh: str
    name_en: str
    weight: Decimal


class InvalidCriteria(ValueError):
    """A criteria set that cannot be scored: empty, codes repeated or too long, weights not
    positive or not summing to exactly 1 (R-REV-2)."""


def check_criteria(criteria: Sequence[Criterion]) -> tuple[Criterion, ...]:
    """The criteria as a set panels can score on (R-REV-2), or InvalidCriteria.

    Codes are distinct and fit ``Score.criterion`` (32 characters); every weight is a positive
    Decimal; the weights add up to exactly 1."""
    found = tuple(criteria)
    codes = [c.code for c in found]
    if not found:
        raise InvalidCriteria("a criteria set needs at least one criterion")
    if len(set(codes)) != len(codes) or not all(0 < len(c) <= CRITERION_CODE_MAX for c in codes):
        raise InvalidCriteria(f"criterion codes must be distinct, 1-32 characters: {codes}")
    if not all(isinstance(c.weight, Decimal) and c.weight > 0 for c in found):
        raise InvalidCriteria("every weight is a positive Decimal")
    if sum((c.weight for c in found), Decimal(0)) != Decimal(1):
        raise InvalidCriteria("the weights of a criteria set add up to exactly 1")
    return found


CRITERIA: tuple[Criterion, ...] = (
    Criterion("innovation_resources", "创新资源基础", "Innovation resource base", Decimal("0.20")),
    Criterion("core_function", "核心功能", "Core function", Decimal("0.20")),
    Criterion("collaboration", "协同机制", "Collaboration mechanism", Decimal("0.15")),
    Criterion("market_operation", "市场化运行模式", "Market operation model", Decimal("0.15")),
    Criterion(
        "transfer_channels",
        "成果转移扩散渠道",
        "Transfer and application channels",
        Decimal("0.15"),
    ),
    Criterion("industry_driving", "产业带动作用", "Industry driving effect", Decimal("0.15")),
)
SELECTION_CRITERIA = "selection"  # the code of the selection conditions' set (三(一)1-6)

# R-ASM-4: the three areas of the periodic assessment and the re-assessment (plan 四(二)).
# Design choice: breakthroughs weigh most, as the plan's core function; the weights are data.
ASSESSMENT_AREAS: tuple[Criterion, ...] = (
    Criterion("resource_input", "创新资源投入", "Innovation resource input", Decimal("0.30")),
    Criterion(
        "key_technology",
        "关键共性技术突破",
        "Key common technology breakthroughs",
        Decimal("0.40"),
    ),
    Criterion("market_operation", "市场化运营", "Market-oriented operation", Decimal("0.30")),
)
ASSESSMENT_CRITERIA = "assessment"  # the code of the assessment areas' set (四(二))

# The criteria sets panels score on, by code (``Review.criteria_set``). Checked at import.
CRITERIA_SETS: dict[str, tuple[Criterion, ...]] = {
    SELECTION_CRITERIA: check_criteria(CRITERIA),
    ASSESSMENT_CRITERIA: check_criteria(ASSESSMENT_AREAS),
}


def criteria_of(code: str) -> tuple[Criterion, ...]:
    """The criteria of the set ``code`` (a key of ``CRITERIA_SETS``); KeyError when unknown."""
    return CRITERIA_SETS[code]


class ReviewStatus(StrEnum):
    OPEN = "open"
    FINALISED = "finalised"


class Review(Entity):
    # An expert panel on one subject (subject_type, subject_id), scored on one criteria set, and
    # belonging to the centre the subject is about: one selection panel per centre, later its
    # assessment panels too. A selection panel's subject is the centre's application, whose id
    # is the centre's own: the default subject when none is given.

    subject_type = fields.CharEnumField(PanelSubject, max_length=32, default=PanelSubject.SELECTION)
    subject_id = fields.UUIDField()
    criteria_set = fields.CharField(max_length=32, default=SELECTION_CRITERIA)
    centre: fields.ForeignKeyRelation[Centre] = fields.ForeignKeyField(
        "models.Centre", related_name="reviews", on_delete=fields.RESTRICT, db_index=True
    )
    centre_id: UUID
    status = fields.CharEnumField(ReviewStatus, max_length=16, default=ReviewStatus.OPEN)
    onsite_check = fields.TextField(default="")  # 现场核查
    opinion = fields.TextField(default="")  # 评审意见
    result = fields.DecimalField(max_digits=6, decimal_places=2, null=True)
    expert_count = fields.IntField(default=0)
    finalised_at = fields.DatetimeField(null=True)
    finalised_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="finalised_reviews", null=True, on_delete=fields.RESTRICT
    )
    finalised_by_id: UUID | None

    class Meta:
        table = "review"
        unique_together = (("subject_type", "subject_id"),)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.subject_id is None and self.subject_type == PanelSubject.SELECTION:
            self.subject_id = self.centre_id  # the application is the centre's own record

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """The criteria this panel scores on (R-REV-2)."""
        return criteria_of(self.criteria_set)


class ReviewAssignment(Entity):
    review: fields.ForeignKeyRelation[Review] = fields.ForeignKeyField(
        "models.Review", related_name="assignments", on_delete=fields.RESTRICT
    )
    review_id: UUID
    # Denormalised so that the expert's scope is one indexed look-up.
    centre: fields.ForeignKeyRelation[Centre] = fields.ForeignKeyField(
        "models.Centre", related_name="assignments", on_delete=fields.RESTRICT
    )
    centre_id: UUID
    expert: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="assignments", on_delete=fields.RESTRICT
    )
    expert_id: UUID
    weighted_total = fields.DecimalField(max_digits=6, decimal_places=2, null=True)
    # Withdrawn by staff while the review was open: kept with its scores (nothing with history is
    # deleted), but no longer the expert's to read or score, and not counted at finalising.
    withdrawn_at = fields.DatetimeField(null=True)

    class Meta:
        table = "review_assignment"
        indexes = (("centre_id",), ("expert_id",))
        unique_together = (("review_id", "expert_id"),)


def live_assignments() -> QuerySet[ReviewAssignment]:
    """Assignments not withdrawn: the only ones that read, score or count (one definition)."""
    return ReviewAssignment.filter(withdrawn_at=None)


class Score(Entity):
    assignment: fields.ForeignKeyRelation[ReviewAssignment] = fields.ForeignKeyField(
        "models.ReviewAssignment", related_name="scores", on_delete=fields.RESTRICT
    )
    assignment_id: UUID
    criterion = fields.CharField(max_length=32)
    score = fields.DecimalField(max_digits=5, decimal_places=2)
    comment = fields.TextField(default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "score"
        unique_together = (("assignment_id", "criterion"),)


class InvalidScore(ValueError):
    pass


def check_score(criterion: str, score: Decimal, criteria: Sequence[Criterion] = CRITERIA) -> None:
    """Refuse a score that is not one of ``criteria`` (default: the selection set), not finite,
    outside 0-100 or with more than two decimal places (R-REV-2). Raises InvalidScore."""
    codes = [c.code for c in criteria]
    if criterion not in codes:
        raise InvalidScore(f"unknown criterion {criterion!r}; use one of {', '.join(codes)}")
    # is_finite first: comparing NaN raises InvalidOperation instead of answering False
    if not score.is_finite() or not Decimal(0) <= score <= Decimal(100):
        raise InvalidScore(f"{criterion}: a score is between 0 and 100")
    if score != score.quantize(CENT):
        raise InvalidScore(f"{criterion}: a score has at most two decimal places")


def canonical_score(score: Decimal) -> Decimal:
    """A checked score in its one stored form: two places, and never ``-0.00``."""
    return score.quantize(CENT) + Decimal("0.00")


def weighted_total(
    scores: Mapping[str, Decimal], criteria: Sequence[Criterion] = CRITERIA
) -> Decimal:
    """An expert's total (R-REV-4): the weighted sum of their scores (criterion code -> Decimal
    0-100) over ``criteria`` (default: the selection set), rounded half-up to two places once,
    at the end. Raises InvalidScore when a criterion is unscored; TypeError for a float."""
    missing = [c.code for c in criteria if c.code not in scores]
    if missing:
        raise InvalidScore(f"not every criterion is scored: {', '.join(missing)}")
    total = sum((scores[c.code] * c.weight for c in criteria), Decimal(0))
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def aggregate(totals: Iterable[Decimal]) -> Decimal:
    """The panel's result (R-REV-4): the mean of the experts' totals, trimmed of one highest and
    one lowest with 5 or more experts; Decimal, rounded half-up to two places. Raises
    InvalidScore with fewer than 3 totals."""
    ordered = sorted(totals)
    if len(ordered) < MIN_EXPERTS:
        raise InvalidScore(f"a review needs at least {MIN_EXPERTS} experts' totals")
    kept = ordered[1:-1] if len(ordered) >= TRIM_FROM else ordered
    return (sum(kept, Decimal(0)) / len(kept)).quantize(CENT, rounding=ROUND_HALF_UP)


def scores_digest(assignment_id: UUID, scores: Mapping[str, tuple[Decimal, str]]) -> str:
    """SHA-256 of one expert's scores (criterion -> (score, comment)) in canonical form.

    The audit log records this digest instead of the values (R-REV-3): whoever holds the scores
    can recompute it and so prove what was written, while the log alone reveals nothing. The
    assignment's random id is part of the hashed text, so the few possible values of a score
    cannot be tried one by one against the digest by someone who reads only the log.
    """
    canonical = json.dumps(
        {
            "assignment": str(assignment_id),
            "scores": [
                [criterion, str(score.quantize(CENT)), comment]
                for criterion, (score, comment) in sorted(scores.items())
            ],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def declared_organisations(declared: Iterable[str]) -> list[UUID]:
    """The organisations an expert declared a conflict with, for display.

    Anything not an id (declareConflicts never writes one) is skipped here, while
    ``conflict_of_interest`` refuses it."""
    found: list[UUID] = []
    for value in declared:
        try:
            found.append(UUID(str(value)))
        except ValueError:
            continue
    return found


def conflict_of_interest(
    expert_organisation: UUID | None, declared: Iterable[str], alliance: Iterable[UUID]
) -> str | None:
    """Why an expert may not review a centre (R-REV-1), or None."""
    members = set(alliance)
    if expert_organisation is not None and expert_organisation in members:
        return "the expert's organisation is the lead or a member of the centre's alliance"
    if members & {UUID(d) for d in declared}:
        return "the expert declared a conflict with an organisation of the centre's alliance"
    return None
