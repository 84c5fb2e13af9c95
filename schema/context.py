"""The typed per-request Context handed to every resolver."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from strawberry.types import Info as StrawberryInfo
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from models import audit
from models.accounts import User
from models.audit import AuditEvent, Outcome
from policies.enforcer import Authorizer, Grant
from policies.grants import describe_grant, load_authorizer
from policies.vocabulary import Action, Resource
from schema.errors import Unauthenticated

if TYPE_CHECKING:
    from schema.loaders import Loaders


class IssuedToken(Protocol):
    @property
    def token(self) -> str: ...

    @property
    def expires_at(self) -> datetime: ...


class Security(Protocol):
    """What the schema needs from the service's authentication, injected by api/."""

    @property
    def login_max_failures(self) -> int: ...

    @property
    def login_lockout_s(self) -> int: ...

    def issue_token(self, user_id: UUID, token_version: int) -> IssuedToken: ...

    async def hash_password(self, password: str) -> str: ...

    async def verify_password(self, password_hash: str, password: str) -> bool: ...

    def needs_rehash(self, password_hash: str) -> bool: ...

    def dummy_hash(self) -> str: ...

    def check_password_policy(self, password: str, username: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Caller:
    user: User
    authz: Authorizer


@dataclass(slots=True)
class Context:
    request_id: str
    client_addr: str
    security: Security
    max_page_size: int
    user_id: UUID | None = None
    token_version: int = 0
    _caller: asyncio.Future[Caller | None] | None = None
    _loaders: Loaders | None = field(default=None)

    async def _load_caller(self) -> Caller | None:
        if self.user_id is None:
            return None
        loaded = await load_authorizer(self.user_id, self.token_version)
        return None if loaded is None else Caller(*loaded)

    async def caller(self) -> Caller:
        """The signed-in caller, loaded once per request; UNAUTHENTICATED otherwise."""
        if self._caller is None:
            self._caller = asyncio.ensure_future(self._load_caller())
        caller = await asyncio.shield(self._caller)
        if caller is None:
            raise Unauthenticated("sign in first: the token is missing, expired or revoked")
        return caller

    async def authz(self) -> Authorizer:
        return (await self.caller()).authz

    async def loaders(self) -> Loaders:
        if self._loaders is None:
            from schema.loaders import Loaders

            self._loaders = Loaders(await self.authz())
        return self._loaders

    # --- audit -------------------------------------------------------------------------------

    def _granting(
        self, authz: Authorizer, resource: Resource | None, action: Action | None
    ) -> Grant | None:
        if resource is None or action is None:
            return authz.grants[0] if authz.grants else None
        for grant in authz.grants:
            if authz.matrix.scope_for(grant.role, resource, action) is not None:
                return grant
        return authz.grants[0] if authz.grants else None

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
        """Audit a successful authorised change, inside its transaction (``resource.action``)."""
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
        caller = None
        if self._caller is not None and self._caller.done():
            caller = self._caller.result()
        if caller is not None:
            grant = self._granting(caller.authz, resource, decision)
            if grant is not None:
                role, tenant = str(grant.role), describe_grant(grant)
        event = AuditEvent(
            action=action,
            outcome=outcome,
            actor_id=actor_id if actor_id is not None else (caller.user.id if caller else None),
            actor=actor if actor is not None else (caller.user.username if caller else ""),
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
            async with in_transaction() as conn:
                await audit.append(event, conn)


Info = StrawberryInfo[Context, None]
