"""Stable error codes (``extensions.code``) and the extension that shapes every error.

Errors we raise on purpose carry their code and message; anything else is masked as INTERNAL with
the request id, and logged with its traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from enum import StrEnum
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from policies.enforcer import Forbidden

log = logging.getLogger("mic.errors")


class Code(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    UNAVAILABLE = "UNAVAILABLE"
    INTERNAL = "INTERNAL"


class MicError(Exception):
    code: Code = Code.INTERNAL

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class Unauthenticated(MicError):
    code = Code.UNAUTHENTICATED


class NotAllowed(MicError):
    code = Code.FORBIDDEN


class NotFound(MicError):
    code = Code.NOT_FOUND

    def __init__(self, what: str = "object") -> None:
        super().__init__(f"{what} not found")


class BadInput(MicError):
    code = Code.BAD_USER_INPUT


class Conflict(MicError):
    code = Code.CONFLICT


class RateLimited(MicError):
    code = Code.RATE_LIMITED


class Unavailable(MicError):
    code = Code.UNAVAILABLE


def _shape(error: GraphQLError, request_id: str, unavailable: tuple[type[BaseException], ...]) -> GraphQLError:
    original = error.original_error
    if original is None:
        # Parse, validation and limit errors: the client's query is at fault.
        code = (error.extensions or {}).get("code", Code.BAD_USER_INPUT)
        return GraphQLError(
            error.message, error.nodes, error.source, error.positions, error.path,
            extensions={**(error.extensions or {}), "code": str(code)},
        )
    if isinstance(original, Forbidden):
        original = NotAllowed(str(original))
    if unavailable and isinstance(original, unavailable):
        original = Unavailable("the service is busy; try again shortly")
    if isinstance(original, MicError):
        return GraphQLError(
            original.message, error.nodes, error.source, error.positions, error.path,
            extensions={"code": str(original.code), **original.details},
        )
    log.error(
        "unhandled error in resolver (request %s)", request_id, exc_info=original
    )
    return GraphQLError(
        f"internal error; quote request id {request_id}",
        error.nodes, error.source, error.positions, error.path,
        extensions={"code": str(Code.INTERNAL), "requestId": request_id},
    )


class ShapeErrors(SchemaExtension):
    """Gives every error a stable code and masks unexpected ones (with the request id)."""

    def __init__(self, *, unavailable: tuple[type[BaseException], ...] = ()) -> None:
        self.unavailable = unavailable

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not getattr(result, "errors", None):
            return
        context = self.execution_context.context
        request_id = getattr(context, "request_id", "-")
        result.errors = [_shape(e, request_id, self.unavailable) for e in result.errors]
