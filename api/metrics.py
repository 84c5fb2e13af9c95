"""Prometheus metrics (prometheus-client) and the protected ``GET /metrics`` that serves them.

What is measured, and where:

- ``mic_http_requests_total`` and ``mic_http_request_duration_seconds`` (labels ``operation``,
  ``code``): every HTTP request, observed once by api/middleware.py RequestIdMiddleware. A GraphQL
  request is labelled by its operation name and the error code of its answer (``OK`` without
  errors); any other request by its route template (``GET /documents/{document_id}/content``,
  never a raw path) and its status class (``2xx`` … ``5xx``).
- ``mic_db_pool_connections_in_use``, ``mic_db_pool_waiting`` and ``mic_db_pool_connections_max``:
  kept current by the database clients (api/pg_backend.py, api/db.py) as connections are taken
  and given back. On SQLite a worker has one connection: in use is 0 or 1, waiting is the callers
  of that worker queued for it (waits for the file's write lock between workers are not seen).
- ``mic_login_failures_total`` (label ``reason``): refused sign-ins, through the hook
  services/sessions.py offers (services never import api).
- ``mic_documents_stored_versions`` and ``mic_documents_stored_bytes``: read at scrape time with
  one aggregate statement (policies/scopes ``stored_document_totals``).

With several workers (`mic serve --workers N`) every worker writes its values to files under
``PROMETHEUS_MULTIPROC_DIR`` (made by `mic serve`), and a scrape sums them (prometheus-client's
multiprocess mode); gauges count only live workers.
"""

from __future__ import annotations

import asyncio
import glob
import hmac
import ipaddress
import logging
import os
import re
from collections.abc import Iterator, MutableMapping, Sequence
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route

from api.problems import error_response
from api.settings import Settings
from policies.scopes import stored_document_totals
from schema.errors import Code
from services.sessions import LoginFailure, on_login_failure

log = logging.getLogger("mic.metrics")
# No ``*_created`` series beside each counter and histogram (multiprocess mode has none either):
# Prometheus does not need them, and they double what is stored.
disable_created_metrics()  # type: ignore[no-untyped-call]

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
METRICS_PATH = "/metrics"

REQUESTS = Counter(
    "mic_http_requests",
    "HTTP requests answered, by GraphQL operation name (or route template) and outcome code",
    ["operation", "code"],
)
LATENCY = Histogram(
    "mic_http_request_duration_seconds",
    "Time from the request's arrival to the end of its answer, in seconds",
    ["operation", "code"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
POOL_IN_USE = Gauge(
    "mic_db_pool_connections_in_use",
    "Database connections taken from the pool (SQLite: the worker's one connection, 0 or 1)",
    multiprocess_mode="livesum",
)
POOL_WAITING = Gauge(
    "mic_db_pool_waiting",
    "Callers waiting for a database connection (they get 503 after MIC_DB_ACQUIRE_TIMEOUT_S)",
    multiprocess_mode="livesum",
)
POOL_MAX = Gauge(
    "mic_db_pool_connections_max",
    "Connections the pools may open (MIC_DB_POOL_MAX per worker; SQLite: 1 per worker)",
    multiprocess_mode="livesum",
)
LOGIN_FAILURES = Counter(
    "mic_login_failures",
    "Refused sign-ins, by reason (unknown_user, wrong_password, disabled, locked)",
    ["reason"],
)


def _count_login_failure(reason: LoginFailure) -> None:
    LOGIN_FAILURES.labels(reason).inc()


on_login_failure(_count_login_failure)


# --- Labels: bounded whatever the client sends -------------------------------------------------

ANONYMOUS = "anonymous"
OTHER = "other"
MAX_OPERATION_LENGTH = 64
# Operation names are the client's choice: past this many distinct names a worker labels the
# rest "other", so that a client minting names cannot grow the metrics without bound. Callers
# without a token (sign-in, mostly) add names from a small budget of their own, so that nobody
# without an account can push the signed-in callers' names into "other".
MAX_OPERATION_NAMES = 200
MAX_ANONYMOUS_NAMES = 20
_NAME = re.compile(r"[A-Za-z0-9_]+")
_CODE = re.compile(r"[A-Z][A-Z_]{0,39}")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_SEVERE = ("INTERNAL", "UNAVAILABLE")  # a server fault anywhere in the answer is its outcome
_seen_operations: set[str] = set()
_seen_anonymously: set[str] = set()


def operation_name(sent: str | None) -> str:
    """The operation name for logs, spans and metrics: as sent, cut to 64 characters, if it is
    made of ``[A-Za-z0-9_]`` only; else ``anonymous``."""
    if sent and _NAME.fullmatch(sent):
        return sent[:MAX_OPERATION_LENGTH]
    return ANONYMOUS


def operation_label(name: str, *, signed_in: bool = True) -> str:
    """``name`` (from ``operation_name``) as a metric label: ``other`` once this worker has seen
    ``MAX_OPERATION_NAMES`` distinct names from signed-in callers, or ``MAX_ANONYMOUS_NAMES``
    from callers without a token (each adds to its own budget; a known name counts for all)."""
    if name == ANONYMOUS or name in _seen_operations or name in _seen_anonymously:
        return name
    seen, cap = (
        (_seen_operations, MAX_OPERATION_NAMES)
        if signed_in
        else (_seen_anonymously, MAX_ANONYMOUS_NAMES)
    )
    if len(seen) < cap:
        seen.add(name)
        return name
    return OTHER


def outcome_code(codes: Sequence[object]) -> str:
    """The outcome of a GraphQL answer from its errors' ``extensions.code`` values, in order:
    ``OK`` without errors; ``INTERNAL`` or ``UNAVAILABLE`` if any error has it; else the first
    error's code. A value that is not an upper-case code counts as ``INTERNAL``."""
    valid = [c if isinstance(c, str) and _CODE.fullmatch(c) else "INTERNAL" for c in codes]
    if not valid:
        return "OK"
    return next((c for c in _SEVERE if c in valid), valid[0])


def route_label(scope: MutableMapping[str, Any]) -> str:
    """``METHOD /route/{template}`` of a request Starlette routed; ``METHOD unmatched`` if no
    route took it. An unusual method reads ``OTHER``."""
    method = scope.get("method", "")
    method = method if method in _METHODS else "OTHER"
    route = scope.get("route")
    if route is None:  # refused before routing (a bad token, a body too large): which route?
        routes = getattr(getattr(scope.get("app"), "router", None), "routes", ())
        route = next((r for r in routes if r.matches(scope)[0] is not Match.NONE), None)
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return f"{method} {template}" if template else f"{method} unmatched"


def status_class(status: int) -> str:
    """``2xx`` for 200 …: the outcome of a request that is not a GraphQL operation."""
    return f"{status // 100}xx"


def observe_request(operation: str, code: str, seconds: float) -> None:
    """Count one answered request and its latency (``seconds``) under its labels."""
    REQUESTS.labels(operation, code).inc()
    LATENCY.labels(operation, code).observe(seconds)


# --- The endpoint ------------------------------------------------------------------------------


class _Snapshot:
    """Values read at scrape time, served beside the registry's."""

    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterator[Metric]:
        yield from self.families


async def _documents_stored() -> list[Metric]:
    versions, size = await asyncio.wait_for(stored_document_totals(), timeout=5)
    return [
        GaugeMetricFamily(
            "mic_documents_stored_versions",
            "Document versions stored (all tenants)",
            value=versions,
        ),
        GaugeMetricFamily(
            "mic_documents_stored_bytes", "Bytes of the stored document versions", value=size
        ),
    ]


def _forget_dead_workers(path: str) -> None:
    # A worker that died (or was replaced) no longer holds connections: its live gauges go.
    for file in glob.glob(os.path.join(path, "gauge_live*_*.db")):
        pid = file.rsplit("_", 1)[-1].removesuffix(".db")
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            mark_process_dead(int(pid), path)  # type: ignore[no-untyped-call]
        except PermissionError:
            pass  # alive, another user's


def _is_loopback(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


class MetricsEndpoint:
    """``GET /metrics`` in Prometheus's text format.

    With ``MIC_METRICS_TOKEN`` set, only a request with ``Authorization: Bearer <token>`` is
    answered (compared in constant time), from any address; others get 401 ``UNAUTHENTICATED``.
    Without it, only clients on a loopback address are answered; others get 403 ``FORBIDDEN``.
    """

    def __init__(self, settings: Settings) -> None:
        self._token = settings.metrics_token.encode() if settings.metrics_token else None

    def refusal(self, request: Request) -> Response | None:
        """The answer that refuses ``request``, or None if it may read the metrics."""
        request_id = request.scope.get("state", {}).get("request_id", "-")
        if self._token is not None:
            scheme, _, given = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() == "bearer" and hmac.compare_digest(
                given.strip().encode("utf-8", "replace"), self._token
            ):
                return None
            return error_response(
                401, Code.UNAUTHENTICATED, "the metrics token is required", request_id
            )
        # A request that came through a proxy is never local, whatever address the proxy
        # headers name: uvicorn has already rewritten ``client`` from them, and with
        # FORWARDED_ALLOW_IPS=* the left-most, client-written entry would pass for loopback.
        proxied = any(h in request.headers for h in ("x-forwarded-for", "forwarded", "x-real-ip"))
        if not proxied and request.client is not None and _is_loopback(request.client.host):
            return None
        return error_response(
            403,
            Code.FORBIDDEN,
            "metrics are served to loopback clients only; set MIC_METRICS_TOKEN to scrape "
            "from elsewhere",
            request_id,
        )

    async def __call__(self, request: Request) -> Response:
        """The metrics, or the refusal (see the class)."""
        if (refused := self.refusal(request)) is not None:
            return refused
        path = os.environ.get(MULTIPROC_ENV)
        if path:
            _forget_dead_workers(path)
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path)  # type: ignore[no-untyped-call]
            body = generate_latest(registry)
        else:
            body = generate_latest(REGISTRY)
        try:
            snapshot = CollectorRegistry()
            snapshot.register(_Snapshot(await _documents_stored()))
            body += generate_latest(snapshot)
        except Exception as exc:  # the database down: the other metrics still tell the story
            from api.db import database_unavailable, outage  # api.db imports this module

            if database_unavailable(exc):
                outage.note(exc, "metrics")  # one line per outage, not one per scrape
            else:
                log.warning("metrics: the documents stored could not be read", exc_info=True)
        return Response(body, media_type=CONTENT_TYPE_LATEST)


def metrics_route(settings: Settings) -> Route:
    """The ``GET /metrics`` route (protected as ``MetricsEndpoint`` says)."""
    return Route(METRICS_PATH, MetricsEndpoint(settings).__call__, methods=["GET"])
