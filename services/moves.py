"""The one centre move: lock → lifecycle table → conditions → version → save → status event →
audit, in one transaction. The GraphQL moves, the listing, the deadline sweep and the grading of
an assessment (R-ASM-5) all call ``move_centre``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from tortoise.backends.base.client import BaseDBAsyncClient

from models.assessments import ASSESSMENT_MOVES
from models.base import programme_today, utcnow
from models.centres import Centre, CentreStatus, CentreStatusEvent
from models.cultivation import Indicator, TaskAgreement
from models.lifecycle import TABLE, CommentRequired, InvalidTransition, Move, apply
from models.vocabulary import term
from policies import scopes
from policies.vocabulary import Action, Resource
from services import funding
from services.access import centre_for
from services.actor import Actor
from services.changes import changing
from services.conditions import check_move_conditions, require_materials
from services.errors import BadInput, InvalidMove
from services.values import comment, count, money, programme_day, text

MAX_ITEMS = 100  # tasks or indicators in one task agreement


class IndicatorTerms(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def unit(self) -> str: ...

    @property
    def target(self) -> Decimal: ...


class AgreementTerms(Protocol):
    """The signed task agreement (R-CUL-1): date (UTC+8 calendar), tasks, key indicators."""

    @property
    def signed_on(self) -> date: ...

    @property
    def tasks(self) -> Sequence[str]: ...

    @property
    def support_measures(self) -> str: ...

    @property
    def indicators(self) -> Sequence[IndicatorTerms]: ...


@dataclass(frozen=True, slots=True)
class MoveRequest:
    """A move and what it carries: the comment, the R-CTR-4 override, the R-CUL-1 agreement,
    and for the rectification moves the graded assessment whose outcome it is (R-ASM-5)."""

    move: Move
    comment: str = ""
    override_reason: str | None = None
    agreement: AgreementTerms | None = None
    outcome_of: UUID | None = None


def authority(move: Move) -> Action:
    """The policy action a move needs (lifecycle table → policy.csv)."""
    return Action(TABLE[move].authority.value)


async def record_event(
    actor: Actor,
    conn: BaseDBAsyncClient,
    *,
    centre: Centre,
    from_status: CentreStatus | None,
    action: Action,
    comment: str,
) -> None:
    """The status event of a move: who (none for the system), in which role, from, to, why."""
    await CentreStatusEvent.create(
        centre_id=centre.id,
        from_status=from_status,
        to_status=centre.status,
        actor_id=actor.acting_user_id,
        role=actor.role_for(Resource.CENTRE, action),
        comment=comment.strip(),
        using_db=conn,
    )


async def move_centre(
    actor: Actor, centre_id: UUID, request: MoveRequest, *, today: date | None = None
) -> Centre:
    """Make one lifecycle move (RULES.md Lifecycle, R-LIFE-1) and return the centre after it.

    A signed-in caller needs the move's authority over the centre (policy.csv); the system actor
    (the R-CUL-2 deadline) acts province-wide. ``START_RECTIFICATION``, ``PASS_REASSESSMENT``
    and ``REVOKE`` are made only with ``request.outcome_of``, the graded assessment whose
    outcome they are (R-ASM-5: ``services/assessments.py`` ``grade_assessment``); bare, they are
    refused. Called inside a surrounding transaction (the grading's), the move joins it: both
    commit or neither does. Raises NotFound / NotAllowed (scope), InvalidMove (wrong state,
    ``currentStatus`` in details), BadInput (comment or condition missing, a bare assessment
    move)."""
    move, today = request.move, today or programme_today()
    action = authority(move)
    note = comment(request.comment)
    reason = comment(request.override_reason, "overrideReason") or None
    if move is Move.LIST_FOR_CULTIVATION and request.agreement is None:
        raise BadInput("listing needs the task agreement: use listForCultivation")
    if move in ASSESSMENT_MOVES and request.outcome_of is None:
        raise BadInput(
            f"{term(move)} happens only as the outcome of an assessment (R-ASM-5): open an "
            "assessment with openAssessment and record its grade with gradeAssessment",
            field="move",
        )
    authz = (
        None
        if actor.is_system
        else (await centre_for(actor, centre_id, Resource.CENTRE, action))[0]
    )
    scope = Centre.all() if authz is None else scopes.centres_for(authz, Resource.CENTRE, action)
    async with changing(
        actor,
        scope,
        centre_id,
        what="centre",
        resource=Resource.CENTRE,
        action=action,
        name=f"centre.{move}",
    ) as change:
        centre, current = change.row, change.row.status
        try:
            target = apply(current, move, note)
        except InvalidTransition as exc:
            raise InvalidMove(str(exc), currentStatus=term(current)) from None
        except CommentRequired as exc:
            raise BadInput(str(exc), field="comment") from None
        # Built inside the transaction: a queryset binds its connection when it is made.
        comparable = Centre.all() if authz is None else scopes.visible_centres(authz)
        await check_move_conditions(
            centre,
            move,
            reason,
            today,
            comparable,
            by_deadline=actor.is_system,
            outcome_of=request.outcome_of,
        )
        if move is Move.SUBMIT:
            await require_materials(centre)
            centre.submitted_at = utcnow()
        elif move is Move.ESTABLISH:
            centre.established_on = today
        elif move is Move.LIST_FOR_CULTIVATION and request.agreement is not None:
            await _sign_agreement(centre, request.agreement, today, change.conn)
        centre.status = target
        centre.version += 1
        await centre.save(using_db=change.conn)
        await record_event(
            actor,
            change.conn,
            centre=centre,
            from_status=current,
            action=action,
            comment=note,
        )
        # R-FUND-2: failure or revocation cancels what is unpaid of the subsidy, in this move.
        await funding.cancel_unpaid(
            centre, note or f"centre.{move}", actor, change.conn, today=today
        )
        change.note(comment=note)
    return centre


async def _sign_agreement(
    centre: Centre, agreement: AgreementTerms, today: date, conn: BaseDBAsyncClient
) -> TaskAgreement:
    """R-CUL-1: the task agreement with its tasks and key indicators; the centre is listed today."""
    if agreement.signed_on > today:
        raise BadInput("the task agreement cannot be signed in the future", field="signedOn")
    programme_day(agreement.signed_on, "signedOn")
    count(agreement.tasks, "tasks", most=MAX_ITEMS)
    tasks = [t for t in (text(t, "tasks", 500, required=False) for t in agreement.tasks) if t]
    if not tasks:
        raise BadInput("the task agreement needs at least one task", field="tasks")
    if not agreement.indicators:
        raise BadInput("the task agreement needs at least one key indicator", field="indicators")
    count(agreement.indicators, "indicators", most=MAX_ITEMS)
    row = await TaskAgreement.create(
        centre_id=centre.id,
        signed_on=agreement.signed_on,
        tasks=tasks,
        support_measures=text(agreement.support_measures, "supportMeasures", 20000, required=False),
        using_db=conn,
    )
    for indicator in agreement.indicators:
        name = text(indicator.name, "indicators.name", 200, required=False)
        if not name:
            raise BadInput("every indicator needs a name", field="indicators")
        await Indicator.create(
            agreement_id=row.id,
            name=name,
            unit=text(indicator.unit, "indicators.unit", 32, required=False),
            target=money(indicator.target, "indicators.target"),
            using_db=conn,
        )
    centre.listed_on = today
    return row
