"""Stable error codes (``extensions.code``) and the extension that shapes every error.

Errors we raise on purpose carry their code and message; anything else is masked as INTERNAL with
the request id, and logged with its traceback. The HTTP view applies ``shape_error`` to every error
of every result, parse and validation errors included (an extension does not see those).
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from graphql import GraphQLError

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


class InvalidMove(MicError):
    code = Code.INVALID_TRANSITION


class RateLimited(MicError):
    code = Code.RATE_LIMITED


class Unavailable(MicError):
    code = Code.UNAVAILABLE


def is_expected(error: GraphQLError) -> bool:
    """Parse and validation errors and the refusals we raise on purpose."""
    original = error.original_error
    return original is None or isinstance(original, MicError | Forbidden)


def shape_error(
    error: GraphQLError, request_id: str, unavailable: tuple[type[BaseException], ...] = ()
) -> GraphQLError:
    """Give an error its stable code; mask anything we did not raise on purpose."""
    original = error.original_error
    if original is None:
        # Parse, validation and limit errors: the client's query is at fault.
        code = (error.extensions or {}).get("code", Code.BAD_USER_INPUT)
        return GraphQLError(
            error.message,
            error.nodes,
            error.source,
            error.positions,
            error.path,
            extensions={**(error.extensions or {}), "code": str(code)},
        )
    if isinstance(original, Forbidden):
        original = NotAllowed(str(original))
    if unavailable and isinstance(original, unavailable):
        original = Unavailable("the service is busy; try again shortly")
    if isinstance(original, MicError):
        return GraphQLError(
            original.message,
            error.nodes,
            error.source,
            error.positions,
            error.path,
            extensions={"code": str(original.code), **original.details},
        )
    log.error("unhandled error in resolver (request %s)", request_id, exc_info=original)
    return GraphQLError(
        f"internal error; quote request id {request_id}",
        error.nodes,
        error.source,
        error.positions,
        error.path,
        extensions={"code": str(Code.INTERNAL), "requestId": request_id},
    )
