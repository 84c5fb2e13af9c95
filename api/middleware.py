"""Plain ASGI middleware: request id + access line + request metrics, body-size limit,
bearer-token authentication."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from api.metrics import (
    METRICS_PATH,
    observe_request,
    operation_label,
    route_label,
    status_class,
)
from api.problems import BEARER_CHALLENGE, error_body
from api.settings import Settings
from api.tokens import InvalidToken, verify_token
from schema.errors import Code

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("mic.http")
access_log = logging.getLogger("mic.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
RETRY_AFTER_S = b"2"  # seconds, on every 503 that does not name its own


async def _json(
    scope: Scope,
    send: Send,
    status: int,
    body: dict[str, Any],
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """Answer a refusal of the middleware itself; its code is the request's outcome (metrics and
    the access line say UNAUTHENTICATED for a rejected token, not just 4xx)."""
    scope.setdefault("state", {})["refused"] = body["errors"][0]["extensions"]["code"]
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class RequestIdMiddleware:
    """Gives every request an id (or keeps a well-formed incoming one), echoes it, and writes
    the request's one access line and its metrics (``access``, below).

    It also answers for what nothing below answered: an unhandled error is a JSON 500
    (``INTERNAL``) and a request cut by shutdown a JSON 503 (``UNAVAILABLE``), both with the
    request id; every 503 carries ``Retry-After``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started, status, response_started = time.perf_counter(), 500, False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status, response_started = message["status"], True
                headers = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
                if status == 503 and not any(k.lower() == b"retry-after" for k, _ in headers):
                    headers.append((b"retry-after", RETRY_AFTER_S))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except asyncio.CancelledError:
            # uvicorn cancels what still runs when the graceful-shutdown period ends: the client
            # is told to retry (elsewhere, or once the service is back), not handed a bare 500.
            if response_started:
                raise  # half an answer cannot be mended: uvicorn closes the connection
            log.warning("request cut by shutdown", extra={"request_id": request_id})
            await _json(
                scope,
                send_with_id,
                503,
                error_body(
                    "the service is shutting down; try again shortly", Code.UNAVAILABLE, request_id
                ),
                [(b"connection", b"close")],
            )
        except Exception:
            # Nothing below answered (a fault no handler mapped): JSON with the request id.
            if response_started:
                raise
            log.exception("unhandled error", extra={"request_id": request_id})
            await _json(
                scope,
                send_with_id,
                500,
                error_body("internal error; quote the request id", Code.INTERNAL, request_id),
            )
        finally:
            access(scope, status, time.perf_counter() - started)


def access(scope: Scope, status: int, seconds: float) -> None:
    """Count the request in the metrics and write its one access line, JSON fields:
    ``method``, ``path`` (never the query string: the calendar feed's token rides in it),
    ``status``, ``latency_ms``, ``operation`` (the GraphQL operation's name, else the route
    template), ``code`` (the GraphQL outcome code, else the status class), ``user_id`` (the
    token's user, or null), ``request_id`` (and ``trace_id`` when the operation was traced)."""
    state = scope.get("state") or {}
    principal = state.get("principal")
    graphql = state.get("operation")  # set by the GraphQL view (api/tracing.finish_operation)
    if graphql is not None:
        label = operation_label(graphql, signed_in=principal is not None)
        code = str(state.get("outcome", "OK"))
    else:
        label, code = route_label(scope), state.get("refused") or status_class(status)
    observe_request(label, code, seconds)
    fields = {
        "method": scope.get("method"),
        "path": scope.get("path", "")[:1024],
        "status": status,
        "latency_ms": round(seconds * 1000, 1),
        "operation": graphql if graphql is not None else label,
        "code": code,
        "user_id": str(principal.user_id) if principal is not None else None,
        "request_id": state.get("request_id"),
    }
    if "trace_id" in state:
        fields["trace_id"] = state["trace_id"]
    access_log.info("access", extra=fields)


class BodyTooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Refuses bodies beyond the limit with 413: by Content-Length, or while streaming.

    ``overrides`` maps path prefixes to their own limit (document uploads are larger).
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int, overrides: dict[str, int] | None = None
    ) -> None:
        self.app, self.default_max = app, max_bytes
        self.overrides = sorted((overrides or {}).items(), key=lambda kv: -len(kv[0]))

    def _limit(self, path: str) -> int:
        for prefix, limit in self.overrides:
            if path.startswith(prefix):
                return limit
        return self.default_max

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = scope.get("state", {}).get("request_id", "-")
        max_bytes = self._limit(scope["path"])
        length = dict(scope.get("headers") or []).get(b"content-length")
        too_large = error_body("request body too large", Code.BAD_USER_INPUT, request_id)
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                bad = error_body("bad content-length", Code.BAD_USER_INPUT, request_id)
                await _json(scope, send, 400, bad)
                return
            if declared > max_bytes:
                await _json(scope, send, 413, too_large)
                return
        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not response_started:
                await _json(scope, send, 413, too_large)


# Paths that read the Authorization header themselves: /metrics takes the metrics token, which
# is not a JWT (api/metrics.py); the caller is anonymous there.
OWN_AUTHORIZATION = frozenset({METRICS_PATH})


class AuthenticationMiddleware:
    """Turns a bearer token into a Principal in ``scope["state"]``. A bad token is 401, except
    on the paths of ``OWN_AUTHORIZATION``."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.settings = app, settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        header = dict(scope.get("headers") or []).get(b"authorization")
        state["principal"] = None
        if header is not None and scope.get("path") not in OWN_AUTHORIZATION:
            scheme, _, token = header.decode("latin-1").partition(" ")
            try:
                if scheme.lower() != "bearer" or not token.strip():
                    raise InvalidToken("not a bearer token")
                state["principal"] = verify_token(self.settings, token.strip())
            except InvalidToken as exc:
                log.info("rejected token: %s", exc, extra={"request_id": state.get("request_id")})
                await _json(
                    scope,
                    send,
                    401,
                    error_body(
                        "invalid or expired token",
                        Code.UNAUTHENTICATED,
                        state.get("request_id", "-"),
                    ),
                    [(b"www-authenticate", BEARER_CHALLENGE.encode())],
                )
                return
        await self.app(scope, receive, send)
