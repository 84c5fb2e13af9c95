"""The typed per-request Context handed to every resolver."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from strawberry.types import Info as StrawberryInfo

from services.actor import Actor, Caller
from services.sessions import IssuedToken, Security

if TYPE_CHECKING:
    from schema.loaders import Loaders


@dataclass(slots=True, kw_only=True)
class Context(Actor):
    """The per-request Actor with what the GraphQL face needs besides: authentication services,
    the page-size cap and the request's DataLoaders."""

    security: Security
    max_page_size: int
    compiled_reads: bool = True
    _loaders: Loaders | None = field(default=None)

    def ready_loaders(self) -> Loaders | None:
        """The request's loaders if a resolver already made them (no await: a preloaded level
        answers synchronously)."""
        return self._loaders

    async def loaders(self) -> Loaders:
        if self._loaders is None:
            from schema.loaders import Loaders

            self._loaders = Loaders(await self.authz())
        return self._loaders


Info = StrawberryInfo[Context, None]

__all__ = ["Caller", "Context", "Info", "IssuedToken", "Security"]
