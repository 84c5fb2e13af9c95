"""Stable error codes (``extensions.code``) and the extension that shapes every error.

Errors we raise on purpose carry their code and message; anything else is masked as INTERNAL with
the request id, and logged with its traceback. The HTTP view applies ``shape_error`` to every error
of every result, parse and validation errors included (an extension does not see those).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from enum import StrEnum

from graphql import GraphQLError
from tortoise.exceptions import ValidationError

from policies.enforcer import Forbidden
from services.errors import (
    BadInput,
    Conflict,
    DomainError,
    InvalidMove,
    NotAllowed,
    NotFound,
    RateLimited,
    Unauthenticated,
    Unavailable,
    nearest,
)

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


# The one map from domain exceptions to GraphQL codes (HTTP statuses: api/document_routes.py).
CODES: dict[type[DomainError], Code] = {
    Unauthenticated: Code.UNAUTHENTICATED,
    NotAllowed: Code.FORBIDDEN,
    NotFound: Code.NOT_FOUND,
    BadInput: Code.BAD_USER_INPUT,
    Conflict: Code.CONFLICT,
    InvalidMove: Code.INVALID_TRANSITION,
    RateLimited: Code.RATE_LIMITED,
    Unavailable: Code.UNAVAILABLE,
}

__all__ = [
    "CODES",
    "BadInput",
    "Code",
    "Conflict",
    "DomainError",
    "InvalidMove",
    "MicError",
    "NotAllowed",
    "NotFound",
    "RateLimited",
    "Unauthenticated",
    "Unavailable",
    "code_of",
    "rule_reference",
    "shape_error",
]

_RULE = re.compile(r"\bR-[A-Z]+-\d+\b")


def rule_reference(message: str) -> dict[str, str]:
    """``{"rule": "R-REV-4", "docs": "docs/rules.md#r-rev-4"}`` for a message naming a rule:
    the client is pointed at the repository's own statement of it; ``{}`` otherwise."""
    found = _RULE.search(message)
    if found is None:
        return {}
    rule = found.group(0)
    return {"rule": rule, "docs": f"docs/rules.md#{rule.lower()}"}


# Kept under the old name for the resolvers' ``except`` clauses and imports.
MicError = DomainError


def code_of(error: DomainError) -> Code:
    """The stable code of a domain exception (its nearest mapped class; INTERNAL if none)."""
    return nearest(CODES, error, Code.INTERNAL)


# What a scalar's parser raises on a bad variable value (a date that does not exist, a decimal
# that is not a number, an unknown enum value, an ID given a boolean).
_COERCION = (GraphQLError, ValueError, TypeError, ArithmeticError)


def is_bad_variable(error: GraphQLError) -> bool:
    """A variable value the schema could not coerce: raised before execution (no path), by a
    scalar's parser, or while a field's arguments are coerced (graphql-core raises its own
    GraphQLError there: a null variable given to a non-null argument with a default, say).
    The client's input is at fault, never the server."""
    original = error.original_error
    return isinstance(original, GraphQLError) or (
        error.path is None and isinstance(original, _COERCION)
    )


def is_expected(error: GraphQLError) -> bool:
    """Parse, validation and coercion errors and the refusals we raise on purpose."""
    original = error.original_error
    return (
        original is None or isinstance(original, DomainError | Forbidden) or is_bad_variable(error)
    )


_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?", re.DOTALL)


def without_suggestions(message: str) -> str:
    """A message without graphql-core's "Did you mean …?" hints, which name fields, types, enum
    values and input fields of the schema (production hides the schema)."""
    return _SUGGESTION.sub("", message)


def shape_error(
    error: GraphQLError,
    request_id: str,
    unavailable: tuple[type[BaseException], ...] | Callable[[BaseException], bool] = (),
    *,
    production: bool = False,
) -> GraphQLError:
    """Give an error its stable code; mask anything we did not raise on purpose; in production,
    name nothing of the schema the client did not write."""
    original = error.original_error
    if original is None or is_bad_variable(error):
        # Parse, validation, limit and variable errors: the client's query is at fault.
        code = (error.extensions or {}).get("code", Code.BAD_USER_INPUT)
        return GraphQLError(
            without_suggestions(error.message) if production else error.message,
            error.nodes,
            error.source,
            error.positions,
            error.path,
            extensions={**(error.extensions or {}), "code": str(code)},
        )
    if isinstance(original, Forbidden):
        original = NotAllowed(str(original))
    if isinstance(original, ValidationError):
        # A value the ORM refused for its column (too long, out of range): the caller's input.
        # The message is not echoed: it holds the whole value.
        original = BadInput("a value is out of range for its field")
    # ``unavailable``: the exception classes, or a predicate (api/db.py database_unavailable),
    # that mean "the database cannot answer now": retryable, 503 with Retry-After.
    if (
        unavailable(original)
        if callable(unavailable)
        else bool(unavailable) and isinstance(original, unavailable)
    ):
        original = Unavailable(
            f"the service is unavailable; try again shortly (request id {request_id})",
            requestId=request_id,
        )
    if isinstance(original, DomainError):
        return GraphQLError(
            original.message,
            error.nodes,
            error.source,
            error.positions,
            error.path,
            extensions={
                "code": str(code_of(original)),
                **rule_reference(original.message),
                **original.details,
            },
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
