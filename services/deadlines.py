"""The programme's own deadline: cultivation ends after 3 years (R-CUL-2, the lifecycle table).

A centre still cultivating the day after its deadline can no longer be established; the deadline
moves it to ``cultivation_failed`` itself through the one centre move (``move_centre``) made by
the system actor: a status event with no actor or role and an audit entry by the system. Run by
`mic cultivation expire` and periodically by the service; every run is idempotent, and each
centre moves in its own transaction under a row lock, so workers running it at once move each
centre once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date, timedelta
from uuid import UUID

from models.base import programme_today
from models.centres import Centre, CentreStatus
from models.lifecycle import CULTIVATION_YEARS, Move, cultivation_deadline, cultivation_over
from services.actor import Actor
from services.errors import InvalidMove
from services.moves import MoveRequest, move_centre

log = logging.getLogger("mic.deadlines")

SYSTEM_ACTOR = "deadline"  # the audit log's actor for moves nobody made by hand


async def expire_cultivation(today: date | None = None) -> list[UUID]:
    """Move every cultivating centre past its deadline (UTC+8 calendar) to cultivation_failed;
    returns the ids moved (none twice, whoever else runs at the same time)."""
    today = today or programme_today()
    # Listed before 1 January two years ago is a superset of the overdue; each is checked exactly.
    candidates = await Centre.filter(
        status=CentreStatus.CULTIVATING,
        listed_on__lt=date(today.year - CULTIVATION_YEARS + 1, 1, 1),
    ).values_list("id", "listed_on")
    moved: list[UUID] = []
    for centre_id, listed_on in candidates:
        if cultivation_over(listed_on, today) and await _expire_one(centre_id, listed_on, today):
            moved.append(centre_id)
    return moved


async def _expire_one(centre_id: UUID, listed_on: date, today: date) -> bool:
    deadline = cultivation_deadline(listed_on)
    comment = f"培育期于{deadline}届满未获批复成立 / the cultivation period ended on {deadline}"
    try:
        # Re-checked under the lock: staff or another worker may have moved it meanwhile.
        await move_centre(
            Actor.system_actor(SYSTEM_ACTOR),
            centre_id,
            MoveRequest(Move.FAIL_CULTIVATION, comment),
            today=today,
        )
    except InvalidMove:
        return False
    log.info("centre %s: cultivation ended on %s, moved to cultivation_failed", centre_id, deadline)
    return True


async def run_periodically(
    every: timedelta, unavailable: Callable[[BaseException], bool] = lambda _: False
) -> None:
    """The service's own sweep; a failed run is logged and retried at the next period.

    ``unavailable`` tells an outage (the database unreachable) from a fault: an outage is one
    warning line, a fault is logged with its traceback."""
    while True:
        try:
            moved = await expire_cultivation()
            if moved:
                log.warning("cultivation deadline passed for %d centre(s)", len(moved))
        except Exception as exc:
            if unavailable(exc):
                log.warning(
                    "cultivation deadline sweep: database unavailable; retrying in %s", every
                )
            else:
                log.exception("cultivation deadline sweep failed; retrying in %s", every)
        await asyncio.sleep(every.total_seconds())
