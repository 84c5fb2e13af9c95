"""The one entry point for action checks: decide once, audit a denial, raise FORBIDDEN."""

from __future__ import annotations

from models.audit import Outcome
from policies.enforcer import Authorizer, Forbidden
from policies.vocabulary import Action, Resource
from schema.context import Context
from schema.errors import NotAllowed


async def require(ctx: Context, resource: Resource, action: Action) -> Authorizer:
    authz = await ctx.authz()
    try:
        authz.require(resource, action)
    except Forbidden:
        await ctx.audit(f"{resource}.{action}", Outcome.DENIED, object_type=str(resource))
        raise NotAllowed(f"your roles do not allow {action} on {resource}") from None
    return authz
