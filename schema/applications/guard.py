"""Loading a centre for an action: in scope, or FORBIDDEN if only readable, else NOT_FOUND."""

from __future__ import annotations

from uuid import UUID

from models.audit import Outcome
from models.centres import Centre
from policies import scopes
from policies.enforcer import Authorizer
from policies.vocabulary import Action, Resource
from schema.context import Context
from schema.errors import NotAllowed, NotFound
from schema.guard import require


async def centre_for(
    ctx: Context, centre_id: UUID, resource: Resource, action: Action
) -> tuple[Authorizer, Centre]:
    """The centre, if the caller may take ``action`` on it.

    Call it before opening the write transaction (a denial is audited in its own transaction),
    then re-read the row with ``locked`` inside the transaction.
    """
    authz = await require(ctx, resource, action)
    centre = await scopes.centres_for(authz, resource, action).get_or_none(id=centre_id)
    if centre is not None:
        return authz, centre
    if await scopes.visible_centres(authz).filter(id=centre_id).exists():
        await ctx.audit(
            f"{resource}.{action}", Outcome.DENIED, object_type="centre", object_id=str(centre_id)
        )
        raise NotAllowed(f"your roles do not allow {action} on this centre")
    raise NotFound("centre")


async def locked(centre: Centre) -> Centre:
    """The current row, locked for update until the transaction ends (PostgreSQL)."""
    return await Centre.filter(id=centre.id).select_for_update().get()
