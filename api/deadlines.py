"""The programme's own deadline: cultivation ends after 3 years (R-CUL-2, the lifecycle table).

A centre still cultivating the day after its deadline can no longer be established; the deadline
moves it to ``cultivation_failed`` itself, with a status event that has no actor or role and an
audit entry by the system. Run by `mic cultivation expire` and periodically by the service; every
run is idempotent, and each centre moves in its own transaction under a row lock, so workers
running it at once move each centre once.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta
from uuid import UUID

from tortoise.transactions import in_transaction

from models.audit import AuditEvent, Outcome, append
from models.base import programme_today
from models.centres import Centre, CentreStatus, CentreStatusEvent
from models.lifecycle import (
    CULTIVATION_YEARS,
    Move,
    apply,
    cultivation_deadline,
    cultivation_over,
)
from schema.applications.moves import centre_snapshot

log = logging.getLogger("mic.deadlines")

SYSTEM_ACTOR = "deadline"  # the audit log's actor for moves nobody made by hand


async def expire_cultivation(today: date | None = None) -> list[UUID]:
    """Move every cultivating centre past its deadline to cultivation_failed; the ids moved."""
    today = today or programme_today()
    # Listed before 1 January two years ago is a superset of the overdue; each is checked exactly.
    candidates = await Centre.filter(
        status=CentreStatus.CULTIVATING,
        listed_on__lt=date(today.year - CULTIVATION_YEARS + 1, 1, 1),
    ).values_list("id", "listed_on")
    moved: list[UUID] = []
    for centre_id, listed_on in candidates:
        if cultivation_over(listed_on, today) and await _expire_one(centre_id, today):
            moved.append(centre_id)
    return moved


async def _expire_one(centre_id: UUID, today: date) -> bool:
    async with in_transaction() as conn:
        centre = await Centre.filter(id=centre_id).using_db(conn).select_for_update().first()
        # Re-checked under the lock: staff or another worker may have moved it meanwhile.
        if (
            centre is None
            or centre.status is not CentreStatus.CULTIVATING
            or centre.listed_on is None
            or not cultivation_over(centre.listed_on, today)
        ):
            return False
        deadline = cultivation_deadline(centre.listed_on)
        comment = f"培育期于{deadline}届满未获批复成立 / the cultivation period ended on {deadline}"
        before, current = centre_snapshot(centre), centre.status
        centre.status = apply(current, Move.FAIL_CULTIVATION, comment)
        centre.version += 1
        await centre.save(using_db=conn)
        await CentreStatusEvent.create(
            centre_id=centre.id,
            from_status=current,
            to_status=centre.status,
            actor_id=None,
            role="",
            comment=comment,
            using_db=conn,
        )
        await append(
            AuditEvent(
                action=f"centre.{Move.FAIL_CULTIVATION}",
                outcome=Outcome.SUCCESS,
                actor=SYSTEM_ACTOR,
                role="system",
                object_type="centre",
                object_id=str(centre.id),
                before=before,
                after={**centre_snapshot(centre), "comment": comment},
            ),
            conn,
        )
    log.info("centre %s: cultivation ended on %s, moved to cultivation_failed", centre_id, deadline)
    return True


async def run_periodically(every: timedelta) -> None:
    """The service's own sweep; a failed run is logged and retried at the next period."""
    while True:
        try:
            moved = await expire_cultivation()
            if moved:
                log.warning("cultivation deadline passed for %d centre(s)", len(moved))
        except Exception:
            log.exception("cultivation deadline sweep failed; retrying in %s", every)
        await asyncio.sleep(every.total_seconds())
