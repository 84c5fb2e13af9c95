"""The audited change: every write runs through ``changing`` or ``creating``.

One transaction holds the scoped look-up under a row lock, the before snapshot, the change, and
the audit entry with the after snapshot (R-ACC-6), so a write and its audit commit together or not
at all. Snapshots are each model's own (``Entity.SNAPSHOT``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from uuid import UUID

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models.base import Entity
from models.centres import Centre
from policies.vocabulary import Action, Resource
from services.actor import Actor
from services.errors import NotFound

RowT = TypeVar("RowT", bound=Entity)
_DEFAULT = object()


@dataclass(slots=True)
class Change(Generic[RowT]):
    """A row locked for change, its snapshot before, and what the audit entry will say.

    By default the entry records ``row.snapshot()`` before and after, under ``row.id``; ``note``
    adds fields to the after side, ``record`` replaces either side or the object id."""

    conn: BaseDBAsyncClient
    row: RowT
    before: object
    after: object = _DEFAULT
    object_id: object = None
    extra: dict[str, object] = field(default_factory=dict)

    def note(self, **extra: object) -> None:
        """Add fields (a comment, a reason) to the after snapshot."""
        self.extra.update(extra)

    def record(
        self, *, before: object = _DEFAULT, after: object = _DEFAULT, object_id: object = None
    ) -> None:
        """Audit something other than the row's own snapshot (a member, a review)."""
        if before is not _DEFAULT:
            self.before = before
        if after is not _DEFAULT:
            self.after = after
        if object_id is not None:
            self.object_id = object_id

    def audited_after(self) -> object:
        after = self.row.snapshot() if self.after is _DEFAULT else self.after
        if self.extra and isinstance(after, dict):
            return {**after, **self.extra}
        return after


async def lock(scope: QuerySet[RowT], row_id: UUID, conn: BaseDBAsyncClient, what: str) -> RowT:
    """The row ``row_id`` of ``scope``, locked until the transaction ends (PostgreSQL).

    Raises NotFound when absent or outside the scope."""
    row = await scope.using_db(conn).select_for_update().get_or_none(id=row_id)
    if row is None:
        raise NotFound(what)
    return row


@asynccontextmanager
async def changing(
    actor: Actor,
    scope: QuerySet[RowT],
    row_id: UUID,
    *,
    what: str,
    resource: Resource,
    action: Action,
    name: str | None = None,
) -> AsyncIterator[Change[RowT]]:
    """Change one row of ``scope`` and audit it, in one transaction.

    ``async with changing(actor, scope, id, what="call", resource=…, action=…) as change:`` —
    the body edits and saves ``change.row`` on ``change.conn``; on leaving, the audit entry
    ``name`` (default ``resource.action``) is written. An exception rolls everything back."""
    async with in_transaction() as conn:
        row = await lock(scope, row_id, conn, what)
        change = Change(conn=conn, row=row, before=row.snapshot())
        yield change
        await actor.audit_change(
            conn,
            resource,
            action,
            change.object_id if change.object_id is not None else row.id,
            before=change.before,
            after=change.audited_after(),
            name=name,
        )


@dataclass(slots=True)
class Creation:
    """A transaction in which one audited row is created: set ``row`` before leaving."""

    conn: BaseDBAsyncClient
    row: Entity | None = None
    extra: dict[str, object] = field(default_factory=dict)


@asynccontextmanager
async def creating(
    actor: Actor, *, resource: Resource, action: Action, name: str | None = None
) -> AsyncIterator[Creation]:
    """Create a row and audit it (after = its snapshot), in one transaction."""
    async with in_transaction() as conn:
        creation = Creation(conn=conn)
        yield creation
        row = creation.row
        if row is None:
            raise RuntimeError("creating: the body set no row")
        await actor.audit_change(
            conn,
            resource,
            action,
            row.id,
            after={**row.snapshot(), **creation.extra},
            name=name,
        )


def changing_centre(
    actor: Actor,
    centre_id: UUID,
    *,
    resource: Resource,
    action: Action,
    name: str | None = None,
) -> AbstractAsyncContextManager[Change[Centre]]:
    """``changing`` on a centre the caller was already cleared for (``access.centre_for``):
    the centre row is the lock that orders every change to it and to what it owns."""
    return changing(
        actor, Centre.all(), centre_id, what="centre", resource=resource, action=action, name=name
    )
