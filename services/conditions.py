"""The conditions beside the lifecycle table (RULES.md Lifecycle): what must hold, besides the
source state, for a move to be made. Each raises a domain error naming its rule."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from tortoise.queryset import QuerySet

from models.assessments import ASSESSMENT_MOVES, Assessment, AssessmentStatus, outcome_move
from models.base import utcnow
from models.calls import Call
from models.centres import Centre
from models.cultivation import Inspection, InspectionKind
from models.documents import DocumentKind, OwnerType, missing_for
from models.lifecycle import (
    LIVE,
    Move,
    cultivation_deadline,
    cultivation_over,
    duplicates_direction,
)
from models.reviews import MIN_EXPERTS, PanelSubject, Review, ReviewStatus, live_assignments
from models.vocabulary import term
from services.errors import BadInput, InvalidMove


async def duplicates_among(candidates: QuerySet[Centre], centre: Centre) -> list[Centre]:
    """Live centres among ``candidates`` whose direction duplicates the centre's (R-CTR-4).

    ``candidates`` is the caller's scope: a duplicate outside it is never named."""
    rows = await candidates.filter(industry_id=centre.industry_id, status__in=list(LIVE))
    return [row for row in rows if duplicates_direction(centre, row)]


async def evaluation_verdict(centre: Centre) -> bool | None:
    """The latest end-of-period evaluation's verdict (R-CUL-2), or None if none was held."""
    latest = (
        await Inspection.filter(centre_id=centre.id, kind=InspectionKind.END_OF_PERIOD_EVALUATION)
        .order_by("-held_on", "-created_at")
        .first()
    )
    return None if latest is None else latest.passed


async def require_materials(centre: Centre) -> None:
    """Submission (lifecycle table): before the call closes, with every required material."""
    if centre.call_id is None:
        return
    call = await Call.get(id=centre.call_id)
    if not call.is_open(utcnow()):
        raise BadInput("the call is closed: applications can no longer be submitted")
    missing = await missing_for(
        OwnerType.CENTRE, centre.id, [DocumentKind(k) for k in call.required_documents]
    )
    if missing:
        raise BadInput(
            "required materials are missing: " + ", ".join(term(k) for k in missing),
            missing=[term(k) for k in missing],
        )


async def _no_duplicate_unless_overridden(
    centre: Centre, override_reason: str | None, comparable: QuerySet[Centre]
) -> None:
    # R-CTR-4: a duplicate direction is named, and proceeding needs a recorded reason.
    duplicates = await duplicates_among(comparable, centre)
    reason = (override_reason or "").strip()
    if duplicates and not reason:
        names = "; ".join(c.name for c in duplicates)
        raise BadInput(
            f"the direction duplicates live centres ({names}): give overrideReason to proceed",
            field="overrideReason",
        )
    if duplicates:
        centre.duplicate_override_reason = reason


def _selection_review(centre: Centre) -> QuerySet[Review]:
    # The application's own panel: a centre also has assessment panels (R-ASM-4/5).
    return Review.filter(subject_type=PanelSubject.SELECTION, subject_id=centre.id)


async def _enough_experts(centre: Centre) -> None:
    review = await _selection_review(centre).first()
    assigned = 0 if review is None else await live_assignments().filter(review_id=review.id).count()
    if assigned < MIN_EXPERTS:
        raise BadInput(f"assign at least {MIN_EXPERTS} experts first ({assigned} assigned)")


async def _review_finalised(centre: Centre, *, onsite_check: bool) -> None:
    review = await _selection_review(centre).first()
    if review is None or review.status is not ReviewStatus.FINALISED:
        raise BadInput("finalise the expert review first")
    if onsite_check and not review.onsite_check.strip():
        raise BadInput("the review has no on-site check recorded")


async def _may_establish(centre: Centre, today: date) -> None:
    if cultivation_over(centre.listed_on, today):
        deadline = cultivation_deadline(centre.listed_on or today)
        raise InvalidMove(
            f"the cultivation period ended on {deadline}: a centre can no longer be "
            "established (R-CUL-2)",
            currentStatus=term(centre.status),
        )
    if await evaluation_verdict(centre) is not True:
        raise BadInput("record a passed end-of-period evaluation first (R-CUL-2)")


async def _may_fail(centre: Centre, today: date, *, by_deadline: bool) -> None:
    over = cultivation_over(centre.listed_on, today)
    if by_deadline and not over:
        raise InvalidMove(
            "the cultivation period has not ended (R-CUL-2)", currentStatus=term(centre.status)
        )
    if not over and await evaluation_verdict(centre) is not False:
        deadline = cultivation_deadline(centre.listed_on or today)
        raise BadInput(
            f"cultivation runs until {deadline}: fail it only after that date or after a "
            "failed end-of-period evaluation"
        )


async def _assessment_outcome(centre: Centre, move: Move, outcome_of: UUID | None) -> None:
    # R-ASM-5: the move is the outcome of this centre's graded assessment, read in the
    # transaction that graded it.
    graded = (
        None
        if outcome_of is None
        else await Assessment.filter(
            id=outcome_of, centre_id=centre.id, status=AssessmentStatus.GRADED
        ).first()
    )
    if graded is None or graded.grade is None or outcome_move(graded.kind, graded.grade) != move:
        raise BadInput(
            f"{term(move)} happens only as the outcome of this centre's graded assessment "
            "(R-ASM-5): use gradeAssessment",
            field="move",
        )


async def check_move_conditions(
    centre: Centre,
    move: Move,
    override_reason: str | None,
    today: date,
    comparable: QuerySet[Centre],
    *,
    by_deadline: bool = False,
    outcome_of: UUID | None = None,
) -> None:
    """Refuse ``move`` unless its conditions hold. ``comparable``: the centres the caller's
    scope lets a duplicate be found among; ``by_deadline``: the system's own move (R-CUL-2);
    ``outcome_of``: the graded assessment a rectification move is the outcome of (R-ASM-5).

    Raises BadInput (a condition unmet) or InvalidMove (too late for the step)."""
    if move in ASSESSMENT_MOVES:
        await _assessment_outcome(centre, move, outcome_of)
    elif move is Move.PASS_FORMAL_REVIEW:
        await _no_duplicate_unless_overridden(centre, override_reason, comparable)
    elif move is Move.START_EXPERT_REVIEW:
        await _enough_experts(centre)
    elif move in (Move.REJECT_AFTER_REVIEW, Move.LIST_FOR_CULTIVATION):
        await _review_finalised(centre, onsite_check=move is Move.LIST_FOR_CULTIVATION)
    elif move is Move.ESTABLISH:
        await _may_establish(centre, today)
    elif move is Move.FAIL_CULTIVATION:
        await _may_fail(centre, today, by_deadline=by_deadline)
