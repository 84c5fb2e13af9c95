"""Loading the record an operation acts on: in the caller's scope, decided once per request.

A record the caller can read but not change is NotAllowed (the denial audited); one they cannot
read at all is NotFound, exactly like a missing id (R-ACC-5).
"""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.audit import Outcome
from models.centres import Centre
from policies import scopes
from policies.enforcer import Authorizer
from policies.vocabulary import Action, Resource
from services.actor import Actor
from services.errors import NotAllowed, NotFound
from services.ids import parse_id

RowT = TypeVar("RowT", bound=Model)


async def find(scope: QuerySet[RowT], value: object, what: str) -> RowT:
    """One row of a scoped queryset by opaque id; absent, malformed or outside the scope are
    alike: NotFound(what)."""
    row = await scope.get_or_none(id=parse_id(value, what))
    if row is None:
        raise NotFound(what)
    return row


async def centre_for(
    actor: Actor, centre_id: UUID, resource: Resource, action: Action
) -> tuple[Authorizer, Centre]:
    """The centre, if the caller may take ``action`` of ``resource`` on it.

    Call it before the write transaction (a denial is audited in its own transaction), then
    re-read the row under a lock inside it (``changes.changing`` or ``lock``)."""
    authz = await actor.require(resource, action)
    centre = await scopes.centres_for(authz, resource, action).get_or_none(id=centre_id)
    if centre is not None:
        return authz, centre
    if await scopes.visible_centres(authz).filter(id=centre_id).exists():
        await actor.audit(
            f"{resource}.{action}", Outcome.DENIED, object_type="centre", object_id=str(centre_id)
        )
        raise NotAllowed(f"your roles do not allow {action} on this centre")
    raise NotFound("centre")
