"""The error answers of the plain HTTP routes, in the same shape and vocabulary as GraphQL's.

Every route (documents, exports, the calendar feed, metrics, the middleware's own refusals)
answers a refusal as ``{"errors": [{"message", "extensions": {"code", "requestId", …}}]}`` with a
code of ``schema.errors.Code`` (the schema's ``ErrorCode`` enum) and the HTTP status of the one
table below. A domain exception carries its details (``field``, ``currentStatus`` …) and the rule
it names, exactly as in GraphQL.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from schema.errors import Code, code_of, rule_reference
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

# The one map from domain exceptions to HTTP statuses (GraphQL codes: schema/errors.py).
STATUS: dict[type[DomainError], int] = {
    Unauthenticated: 401,
    NotAllowed: 403,
    NotFound: 404,
    BadInput: 400,
    Conflict: 409,
    InvalidMove: 409,
    RateLimited: 429,
    Unavailable: 503,
}
# What a 401 asks the client for (RFC 6750).
BEARER_CHALLENGE = 'Bearer error="invalid_token"'


def code_of_status(status: int) -> Code:
    """The code of an HTTP status that no domain exception made (strawberry's own refusals)."""
    codes = {401: Code.UNAUTHENTICATED, 403: Code.FORBIDDEN, 404: Code.NOT_FOUND}
    codes |= {409: Code.CONFLICT, 429: Code.RATE_LIMITED, 503: Code.UNAVAILABLE}
    if status in codes:
        return codes[status]
    return Code.INTERNAL if status >= 500 else Code.BAD_USER_INPUT


def status_of(error: DomainError) -> int:
    """The HTTP status of a domain exception (its nearest mapped class; 500 if none)."""
    return nearest(STATUS, error, 500)


def error_body(message: str, code: Code, request_id: str, **extra: Any) -> dict[str, Any]:
    """``{"errors": [{"message": …, "extensions": {"code": …, "requestId": …, **extra}}]}``."""
    extensions = {"code": str(code), "requestId": request_id, **extra}
    return {"errors": [{"message": message, "extensions": extensions}]}


def error_response(
    status: int, code: Code, message: str, request_id: str, **extra: Any
) -> JSONResponse:
    """A JSON error answer; a 401 carries the bearer challenge."""
    headers = {"www-authenticate": BEARER_CHALLENGE} if status == 401 else None
    return JSONResponse(
        error_body(message, code, request_id, **extra), status_code=status, headers=headers
    )


def refusal(error: DomainError, request_id: str) -> JSONResponse:
    """The answer to a domain exception: its status, code, message, rule and details."""
    return error_response(
        status_of(error),
        code_of(error),
        error.message,
        request_id,
        **rule_reference(error.message),
        **error.details,
    )


def outage_answer(error: BaseException, request_id: str) -> JSONResponse | None:
    """503 ``UNAVAILABLE`` with ``Retry-After`` when ``error`` means the database cannot answer
    now (one warning line per outage, api/db.py); None for any other error (the caller
    re-raises it)."""
    from api.db import RETRY_AFTER_S, database_unavailable, outage  # api.db imports api.metrics

    if not database_unavailable(error):
        return None
    outage.note(error, request_id)
    response = error_response(
        503,
        Code.UNAVAILABLE,
        f"the service is unavailable; try again shortly (request id {request_id})",
        request_id,
    )
    response.headers["retry-after"] = str(RETRY_AFTER_S)
    return response
