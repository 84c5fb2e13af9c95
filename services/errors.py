"""Domain exceptions: what an operation refuses, and why.

Operations raise these; the GraphQL face maps each class to a stable error code
(``schema/errors.py``) and the HTTP routes to a status (``api/document_routes.py``), each in one
place. A message names the rule it enforces (``R-…``, see ``docs/rules.md``) where there is one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

T = TypeVar("T")


class DomainError(Exception):
    """Base of every refusal an operation makes on purpose; ``details`` travel to the client."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class Unauthenticated(DomainError):
    """No signed-in caller (missing, expired or revoked token)."""


class NotAllowed(DomainError):
    """The caller's roles do not allow the action (visible, but not theirs to change)."""


class NotFound(DomainError):
    """Absent, malformed or outside the caller's scope: the three read alike (R-ACC-5)."""

    def __init__(self, what: str = "object") -> None:
        super().__init__(f"{what} not found")


class BadInput(DomainError):
    """The values given break a rule or a range; nothing was changed."""


class Conflict(DomainError):
    """The record changed meanwhile, or the change already happened."""


class InvalidMove(DomainError):
    """The record's state does not allow this step (``currentStatus`` in the details)."""


class RateLimited(DomainError):
    """Too many attempts (sign-in throttle)."""


class Unavailable(DomainError):
    """A dependency (the database pool) had no capacity in time; retry shortly."""


class StorageUnavailable(Unavailable):
    """Document storage (the blob store or the upload spool) cannot take the bytes now: not
    writable, unreachable, or full. Nothing was committed; retry later. ``storage`` in the
    details says which (``blobs`` or ``spool``) and ``reason`` why (``full`` or ``unwritable``)."""


def nearest(table: Mapping[type[DomainError], T], error: DomainError, default: T) -> T:
    """What ``table`` says of ``error``'s nearest mapped class (its own, then its bases): how
    the GraphQL codes and the HTTP statuses each map every exception in one table."""
    for cls in type(error).__mro__:
        if cls in table:
            return table[cls]
    return default
