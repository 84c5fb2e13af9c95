"""The conditions beside the state table: duplicates, experts, review, agreement, deadline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet

from models.centres import Centre
from models.cultivation import Indicator, Inspection, InspectionKind, TaskAgreement
from models.lifecycle import LIVE, Move, cultivation_deadline, normalise_direction
from models.reviews import MIN_EXPERTS, Review, ReviewStatus, live_assignments
from schema.applications.inputs import money
from schema.applications.types import TaskAgreementInput
from schema.errors import BadInput, InvalidMove


async def duplicates_among(candidates: QuerySet[Centre], centre: Centre) -> list[Centre]:
    """Live centres among ``candidates`` with the centre's industry and direction (R-CTR-4)."""
    key = normalise_direction(centre.direction)
    if not key:
        return []
    rows = await candidates.filter(industry_id=centre.industry_id, status__in=list(LIVE)).exclude(
        id=centre.id
    )
    return [row for row in rows if normalise_direction(row.direction) == key]


async def _evaluation_verdict(centre: Centre) -> bool | None:
    latest = (
        await Inspection.filter(centre_id=centre.id, kind=InspectionKind.END_OF_PERIOD_EVALUATION)
        .order_by("-held_on", "-created_at")
        .first()
    )
    return None if latest is None else latest.passed


async def check_move_conditions(
    centre: Centre,
    move: Move,
    override_reason: str | None,
    today: date,
    comparable: QuerySet[Centre],
) -> None:
    """``comparable``: the centres the caller's scope lets a duplicate be found among."""
    if move is Move.PASS_FORMAL_REVIEW:
        duplicates = await duplicates_among(comparable, centre)
        if duplicates and not (override_reason or "").strip():
            names = "; ".join(c.name for c in duplicates)
            raise BadInput(
                f"the direction duplicates live centres ({names}): give overrideReason to proceed",
                field="overrideReason",
            )
        if duplicates:
            centre.duplicate_override_reason = (override_reason or "").strip()
    elif move is Move.START_EXPERT_REVIEW:
        assigned = await live_assignments().filter(centre_id=centre.id).count()
        if assigned < MIN_EXPERTS:
            raise BadInput(f"assign at least {MIN_EXPERTS} experts first ({assigned} assigned)")
    elif move is Move.REJECT_AFTER_REVIEW:
        review = await Review.get_or_none(centre_id=centre.id)
        if review is None or review.status is not ReviewStatus.FINALISED:
            raise BadInput("finalise the expert review first")
    elif move is Move.ESTABLISH:
        deadline = cultivation_deadline(centre.listed_on or today)
        if today > deadline:
            raise InvalidMove(
                f"the cultivation period ended on {deadline}: a centre can no longer be "
                "established (R-CUL-2)",
                currentStatus=str(centre.status),
            )
        if await _evaluation_verdict(centre) is not True:
            raise BadInput("record a passed end-of-period evaluation first (R-CUL-2)")
    elif move is Move.FAIL_CULTIVATION:
        deadline = cultivation_deadline(centre.listed_on or today)
        if today <= deadline and await _evaluation_verdict(centre) is not False:
            raise BadInput(
                f"cultivation runs until {deadline}: fail it only after that date or after a "
                "failed end-of-period evaluation"
            )


async def list_for_cultivation(
    centre: Centre, agreement: TaskAgreementInput, today: date, conn: BaseDBAsyncClient
) -> TaskAgreement:
    """R-CUL-1: the finalised review with its on-site check, then the signed task agreement."""
    review = await Review.get_or_none(centre_id=centre.id)
    if review is None or review.status is not ReviewStatus.FINALISED:
        raise BadInput("finalise the expert review first")
    if not review.onsite_check.strip():
        raise BadInput("the review has no on-site check recorded")
    if agreement.signed_on > today:
        raise BadInput("the task agreement cannot be signed in the future", field="signedOn")
    tasks = [t.strip() for t in agreement.tasks if t.strip()]
    if not tasks:
        raise BadInput("the task agreement needs at least one task", field="tasks")
    if not agreement.indicators:
        raise BadInput("the task agreement needs at least one key indicator", field="indicators")
    row = await TaskAgreement.create(
        centre_id=centre.id,
        signed_on=agreement.signed_on,
        tasks=tasks,
        support_measures=agreement.support_measures.strip(),
        using_db=conn,
    )
    for indicator in agreement.indicators:
        name = indicator.name.strip()
        if not name:
            raise BadInput("every indicator needs a name", field="indicators")
        target: Decimal = money(indicator.target, "indicators.target")
        await Indicator.create(
            agreement_id=row.id,
            name=name,
            unit=indicator.unit.strip(),
            target=target,
            using_db=conn,
        )
    centre.listed_on = today
    return row
