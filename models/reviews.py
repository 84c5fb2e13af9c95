"""Expert review (三(二)3): assignments, blind scores on six weighted criteria, finalising.

R-REV-2: six criteria from the selection conditions 三(一)1-6, each 0-100, weights summing to 1.
R-REV-4: an expert's total is the weighted sum; the result is the mean of the totals, trimmed of
the highest and lowest with five or more experts. All arithmetic is Decimal, rounded half-up to
two places at the end.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from uuid import UUID

from tortoise import fields
from tortoise.queryset import QuerySet

from models.accounts import User
from models.base import Entity
from models.centres import Centre

CENT = Decimal("0.01")
MIN_EXPERTS = 3  # design choice: at least three experts before expert review starts
TRIM_FROM = 5  # with this many experts or more, drop the highest and lowest totals


@dataclass(frozen=True, slots=True)
class Criterion:
    code: str
    name_zh: str
    name_en: str
    weight: Decimal


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
BY_CODE = {c.code: c for c in CRITERIA}
assert sum(c.weight for c in CRITERIA) == Decimal("1.00")


class ReviewStatus(StrEnum):
    OPEN = "open"
    FINALISED = "finalised"


class Review(Entity):
    centre: fields.OneToOneRelation[Centre] = fields.OneToOneField(
        "models.Centre", related_name="review", on_delete=fields.RESTRICT
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


def check_score(criterion: str, score: Decimal) -> None:
    if criterion not in BY_CODE:
        raise InvalidScore(f"unknown criterion {criterion!r}; use one of {', '.join(BY_CODE)}")
    # is_finite first: comparing NaN raises InvalidOperation instead of answering False
    if not score.is_finite() or not Decimal(0) <= score <= Decimal(100):
        raise InvalidScore(f"{criterion}: a score is between 0 and 100")
    if score != score.quantize(CENT):
        raise InvalidScore(f"{criterion}: a score has at most two decimal places")


def weighted_total(scores: Mapping[str, Decimal]) -> Decimal:
    """An expert's total; every criterion must be scored."""
    missing = [c.code for c in CRITERIA if c.code not in scores]
    if missing:
        raise InvalidScore(f"not every criterion is scored: {', '.join(missing)}")
    total = sum((scores[c.code] * c.weight for c in CRITERIA), Decimal(0))
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def aggregate(totals: Iterable[Decimal]) -> Decimal:
    """The review's result: mean of totals, trimmed of the extremes with 5 or more experts."""
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
