"""The workflow's rows and actors, and a centre's status history."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient

from demo.moves import AUTHORITY_ROLE
from demo.specs import CentreSpec
from demo.timeline import Timeline
from models.accounts import RoleName, User
from models.centres import Centre, CentreStatus, CentreStatusEvent
from models.cultivation import Indicator, IndicatorProgress, Inspection, TaskAgreement
from models.lifecycle import TABLE, Move
from models.reviews import Review, ReviewAssignment, Score


@dataclass(slots=True)
class Workflow:
    """The rows the workflow step creates, in the order they must be inserted."""

    events: list[CentreStatusEvent]
    reviews: list[Review]
    assignments: list[ReviewAssignment]
    scores: list[Score]
    agreements: list[TaskAgreement]
    indicators: list[Indicator]
    progress: list[IndicatorProgress]
    inspections: list[Inspection]

    async def save(self, conn: BaseDBAsyncClient) -> dict[str, int]:
        await CentreStatusEvent.bulk_create(self.events, using_db=conn)
        await Review.bulk_create(self.reviews, using_db=conn)
        await ReviewAssignment.bulk_create(self.assignments, using_db=conn)
        await Score.bulk_create(self.scores, using_db=conn)
        await TaskAgreement.bulk_create(self.agreements, using_db=conn)
        await Indicator.bulk_create(self.indicators, using_db=conn)
        await IndicatorProgress.bulk_create(self.progress, using_db=conn)
        await Inspection.bulk_create(self.inspections, using_db=conn)
        return {
            "status_events": len(self.events),
            "reviews": len(self.reviews),
            "review_assignments": len(self.assignments),
            "scores": len(self.scores),
            "task_agreements": len(self.agreements),
            "indicators": len(self.indicators),
            "indicator_progress": len(self.progress),
            "inspections": len(self.inspections),
        }


@dataclass(frozen=True, slots=True)
class Actors:
    staff: User
    experts: list[User]  # expert-1, expert-2, ...
    users: dict[str, User]  # by username

    def for_move(self, spec: CentreSpec, city: str, move: Move | None) -> tuple[User, RoleName]:
        role = RoleName.ENTERPRISE if move is None else AUTHORITY_ROLE[TABLE[move].authority]
        if role is RoleName.ENTERPRISE:
            return self.users[f"ent-{spec.lead}"], role
        if role is RoleName.MUNICIPAL_BUREAU:
            return self.users[f"bureau-{city}"], role
        return self.staff, role


def status_events(
    centre: Centre, spec: CentreSpec, city: str, timeline: Timeline, actors: Actors
) -> list[CentreStatusEvent]:
    rows: list[CentreStatusEvent] = []
    previous: CentreStatus | None = None
    for step in timeline.steps:
        actor, role = actors.for_move(spec, city, step.move)
        rows.append(
            CentreStatusEvent(
                centre_id=centre.id,
                from_status=previous,
                to_status=step.status,
                actor_id=actor.id,
                role=role.value,
                comment=step.comment,
                created_at=step.at,  # auto_now_add keeps a time that is given
            )
        )
        previous = step.status
    return rows
