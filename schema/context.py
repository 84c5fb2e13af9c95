"""The typed per-request Context handed to every resolver."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from strawberry.types import Info as StrawberryInfo

from services.actor import Actor, Caller

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


@dataclass(slots=True, kw_only=True)
class Context(Actor):
    """The per-request Actor with what the GraphQL face needs besides: authentication services,
    the page-size cap and the request's DataLoaders."""

    security: Security
    max_page_size: int
    _loaders: Loaders | None = field(default=None)

    async def loaders(self) -> Loaders:
        if self._loaders is None:
            from schema.loaders import Loaders

            self._loaders = Loaders(await self.authz())
        return self._loaders


Info = StrawberryInfo[Context, None]

__all__ = ["Caller", "Context", "Info", "IssuedToken", "Security"]
