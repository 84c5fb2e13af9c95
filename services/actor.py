"""Who acts in an operation: a signed-in user (grants loaded once per request) or the system.

Every operation takes an ``Actor``. It knows the caller's grants (for the one decision per
(resource, action)), the role a status event records, and how to write the audit entry inside
the operation's transaction. The GraphQL ``Context`` is an Actor with the request's extras; the
deadline sweep and the CLI use ``Actor.system(name)``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from uuid import UUID

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from models import audit
from models.accounts import User
from models.audit import AuditEvent, Outcome
from policies.enforcer import Authorizer, Forbidden, Grant
from policies.grants import describe_grant, load_authorizer
from policies.vocabulary import Action, Resource
from services.errors import NotAllowed, Unauthenticated

SYSTEM_ROLE = "system"  # the audit log's role for moves nobody made by hand


@dataclass(frozen=True, slots=True)
class Caller:
    user: User
    authz: Authorizer


@dataclass(slots=True, kw_only=True)
class Actor:
    """The caller of an operation. ``system`` names an automatic actor (no user, no grants)."""

    request_id: str = "-"
    client_addr: str = ""
    user_id: UUID | None = None
    token_version: int = 0
    system: str | None = None
    _caller: asyncio.Future[Caller | None] | None = None

    @classmethod
    def system_actor(cls, name: str) -> Actor:
        """An automatic actor (``deadline``, ``mic-cli``): audited under ``name``, role system."""
        return cls(system=name, request_id="")

    @property
    def is_system(self) -> bool:
        return self.system is not None

    async def _load_caller(self) -> Caller | None:
        if self.user_id is None:
            return None
        loaded = await load_authorizer(self.user_id, self.token_version)
        return None if loaded is None else Caller(*loaded)

    async def caller(self) -> Caller:
        """The signed-in caller, loaded once per request; Unauthenticated otherwise."""
        if self._caller is None:
            self._caller = asyncio.ensure_future(self._load_caller())
        caller = await asyncio.shield(self._caller)
        if caller is None:
            raise Unauthenticated("sign in first: the token is missing, expired or revoked")
        return caller

    async def authz(self) -> Authorizer:
        return (await self.caller()).authz

    async def require(self, resource: Resource, action: Action) -> Authorizer:
        """Decide once whether the caller may take ``action`` on ``resource`` at all.

        Raises NotAllowed (and audits the denial) when no role allows it."""
        authz = await self.authz()
        try:
            authz.require(resource, action)
        except Forbidden:
            await self.audit(f"{resource}.{action}", Outcome.DENIED, object_type=str(resource))
            raise NotAllowed(f"your roles do not allow {action} on {resource}") from None
        return authz

    def _loaded(self) -> Caller | None:
        if self._caller is not None and self._caller.done() and not self._caller.cancelled():
            return self._caller.result()
        return None

    def granting(self, resource: Resource | None, action: Action | None) -> Grant | None:
        """The caller's grant that allows ``action`` on ``resource`` (the first one otherwise)."""
        caller = self._loaded()
        if caller is None:
            return None
        authz = caller.authz
        if resource is not None and action is not None:
            for grant in authz.grants:
                if authz.matrix.scope_for(grant.role, resource, action) is not None:
                    return grant
        return authz.grants[0] if authz.grants else None

    def role_for(self, resource: Resource, action: Action) -> str:
        """The role a status event records for this step: '' for the system or no grant."""
        caller = self._loaded()
        if caller is None:
            return ""
        authz = caller.authz
        return next(
            (
                str(g.role)
                for g in authz.grants
                if authz.matrix.scope_for(g.role, resource, action) is not None
            ),
            "",
        )

    @property
    def acting_user_id(self) -> UUID | None:
        """The user behind the step (None for the system)."""
        caller = self._loaded()
        return caller.user.id if caller is not None else None

    async def audit_change(
        self,
        connection: BaseDBAsyncClient,
        resource: Resource,
        action: Action,
        object_id: object,
        *,
        before: object = None,
        after: object = None,
        name: str | None = None,
    ) -> None:
        """Audit a successful change inside its transaction, named ``resource.action``."""
        await self.audit(
            name or f"{resource}.{action}",
            Outcome.SUCCESS,
            connection=connection,
            resource=resource,
            decision=action,
            object_type=str(resource),
            object_id=str(object_id),
            before=before,
            after=after,
        )

    async def audit(
        self,
        action: str,
        outcome: Outcome,
        *,
        connection: BaseDBAsyncClient | None = None,
        resource: Resource | None = None,
        decision: Action | None = None,
        object_type: str = "",
        object_id: str = "",
        before: object = None,
        after: object = None,
        actor: str | None = None,
        actor_id: UUID | None = None,
    ) -> None:
        """Append an audit entry; inside ``connection``'s transaction when given."""
        role = tenant = ""
        caller = self._loaded()
        if self.system is not None:
            role = SYSTEM_ROLE
        elif caller is not None:
            grant = self.granting(resource, decision)
            if grant is not None:
                role, tenant = str(grant.role), describe_grant(grant)
        default_actor = self.system or (caller.user.username if caller else "")
        event = AuditEvent(
            action=action,
            outcome=outcome,
            actor_id=actor_id if actor_id is not None else (caller.user.id if caller else None),
            actor=actor if actor is not None else default_actor,
            role=role,
            tenant=tenant,
            object_type=object_type,
            object_id=object_id,
            before=before,
            after=after,
            request_id=self.request_id,
            client_addr=self.client_addr,
        )
        if connection is not None:
            await audit.append(event, connection)
        else:
            # Shielded: graphql-core cancels a field's siblings when it fails, and a transaction
            # cancelled half-open would keep SQLite's lock (every later statement would wait).
            await asyncio.shield(_append_alone(event))


async def _append_alone(event: AuditEvent) -> None:
    async with in_transaction() as conn:
        await audit.append(event, conn)
