"""The one entry point for action checks, kept for the resolvers: ``Actor.require``."""

from __future__ import annotations

from policies.enforcer import Authorizer
from policies.vocabulary import Action, Resource
from services.actor import Actor


async def require(actor: Actor, resource: Resource, action: Action) -> Authorizer:
    """Decide once per (resource, action); NotAllowed (audited) when no role allows it."""
    return await actor.require(resource, action)
