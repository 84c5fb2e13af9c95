"""create_app(): the ASGI service."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
from cross_web import HTTPException  # what strawberry raises for its own refusals
from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult
from tortoise import Tortoise, connections

from api.calendar_feed import CalendarFeed
from api.context import build_context
from api.dashboard import dashboard_routes
from api.db import RETRY_AFTER_S, close_db, database_unavailable, init_db, outage
from api.document_routes import DocumentRoutes
from api.export_routes import ExportRoutes
from api.graphiql import graphiql_page, graphiql_routes
from api.metrics import metrics_route
from api.middleware import AuthenticationMiddleware, BodyLimitMiddleware, RequestIdMiddleware
from api.problems import code_of_status, error_response
from api.security import ServiceSecurity
from api.settings import Settings, get_settings
from api.tracing import ObserveOperation, configure_tracing, finish_operation
from policies.enforcer import load_matrix
from schema.context import Context
from schema.errors import shape_error
from schema.limits import build_extensions
from schema.root import build_schema
from services.blobstore import BlobStore, open_blob_store, storage_problem
from services.deadlines import run_periodically
from services.documents import sweep

log = logging.getLogger("mic.app")


class MicGraphQL(GraphQL[Context, None]):
    def __init__(self, settings: Settings, security: ServiceSecurity, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.security = security

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if result.errors:
            request_id = request.scope.get("state", {}).get("request_id", "-")
            for e in result.errors:
                if e.original_error is not None and database_unavailable(e.original_error):
                    outage.note(e.original_error, request_id)  # one line per outage
            result.errors = [
                shape_error(
                    e, request_id, database_unavailable, production=self.settings.production
                )
                for e in result.errors
            ]
        # The operation's name and outcome code for the access line and metrics; its span ends.
        finish_operation(request.scope, result.errors)
        return await super().process_result(request, result)

    def decode_json(self, data: str | bytes) -> object:
        # Bytes that are not UTF-8 and JSON nested past the parser's recursion are the client's
        # fault: strawberry answers its 400 for JSONDecodeError, so that is what they become.
        try:
            return json.loads(data)
        except (UnicodeDecodeError, RecursionError) as exc:
            raise json.JSONDecodeError("the body is not UTF-8 JSON", "", 0) from exc

    def encode_json(self, response_data: object) -> bytes:
        # orjson: compact UTF-8 (Chinese names stay readable); a page of 100 centres with their
        # alliances takes 0.08 ms against json.dumps's 1.8 ms (measured for issue 11).
        return orjson.dumps(response_data)

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        errors: list[Any] = (
            list(response_data.get("errors") or []) if isinstance(response_data, dict) else []
        )
        if any((e.get("extensions") or {}).get("code") == "UNAVAILABLE" for e in errors):
            # The database is unreachable or had no answer in time (api/db.py): retry later.
            response.status_code = 503
            response.headers["retry-after"] = str(RETRY_AFTER_S)
        return response

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return build_context(request, self.security)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # strawberry answers what it refuses before execution (an unknown operation name, a
        # batch, a query over GET, a body that is not JSON) as text/plain: here it is the JSON
        # error every other refusal is, with its code (api/problems.py).
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as exc:
            request_id = scope.get("state", {}).get("request_id", "-")
            response = error_response(
                exc.status_code, code_of_status(exc.status_code), exc.reason, request_id
            )
        await response(scope, receive, send)

    # GraphiQL from our own page and vendored assets (api/graphiql.py), not strawberry's, which
    # loads them from a public CDN. Reached only where ``graphql_ide`` is set (never production).
    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql_page()


async def http_refusal(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (404 no route, 405 a method the route does not take) as JSON."""
    assert isinstance(exc, StarletteHTTPException)
    request_id = request.scope.get("state", {}).get("request_id", "-")
    response = error_response(
        exc.status_code, code_of_status(exc.status_code), str(exc.detail), request_id
    )
    response.headers.update(exc.headers or {})  # Allow, on a 405
    return response


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    try:
        # Bounded: a database that accepts the connection but never answers is not ready either.
        await asyncio.wait_for(connections.get("default").execute_query("SELECT 1"), timeout=5)
    except Exception as exc:  # any failure means "not ready"
        if database_unavailable(exc):
            outage.note(exc)  # one line per outage, not a traceback per probe
        else:
            log.warning("readiness check failed", exc_info=True)
        return JSONResponse({"status": "unavailable"}, status_code=503)
    outage.recovered()
    # Document storage (blob store and upload spool) must take a small write.
    if failing := await storage_problem(*request.app.state.storage):
        return JSONResponse({"status": "unavailable", "storage": failing}, status_code=503)
    return JSONResponse({"status": "ok"})


async def _start_up_chores(
    settings: Settings, store: BlobStore, *, first_delay_s: float = 1.0, max_delay_s: float = 60.0
) -> None:
    """The upload sweep at start-up, retried with backoff while the database is unavailable."""
    delay = first_delay_s
    while True:
        try:
            swept = await sweep(store, timedelta(hours=1), Path(settings.upload_tmp_dir))
        except Exception as exc:
            if database_unavailable(exc):
                outage.note(exc, "start-up")
            else:
                log.warning("start-up upload sweep failed; retrying", exc_info=True)
            await asyncio.sleep(delay)
            delay = min(delay * 2, max_delay_s)
            continue
        if swept:
            log.warning("removed %d abandoned uploads", swept)
        return


def create_app(settings: Settings | None = None, *, manage_db: bool = True) -> Any:
    """Build the service. ``manage_db=False`` leaves Tortoise to the caller (tests)."""
    settings = settings or get_settings()
    load_matrix()  # fail at start-up, not on the first request, if policy.csv is wrong
    configure_tracing(settings)  # MIC_OTEL_EXPORTER; nothing at all when it is "none"

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if manage_db and not Tortoise._inited:
            # Lazy: no connection is opened here, so a worker starts while the database is down
            # (then /readyz answers 503 and requests 503 UNAVAILABLE until it answers).
            await init_db(settings)
        # Uploads that crashed before committing left intents behind; an hour is far longer than
        # any upload in flight on another worker. Retried in the background until the database
        # answers, so that start-up never waits for it.
        chores = asyncio.create_task(_start_up_chores(settings, store)) if manage_db else None
        # Everything built at start-up (schema, policy matrix, modules) lives as long as the
        # process: out of the cyclic collector's sight, each collection walks only what
        # requests made (issue 11: the collector took ~40 % of a large read).
        gc.collect()
        gc.freeze()
        deadlines = (
            asyncio.create_task(
                run_periodically(timedelta(seconds=settings.deadline_sweep_s), database_unavailable)
            )
            if manage_db and settings.deadline_sweep_s
            else None
        )
        try:
            yield
        finally:
            if chores is not None:
                chores.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await chores
            if deadlines is not None:
                deadlines.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await deadlines
            if manage_db:
                await close_db()

    security = ServiceSecurity(settings)
    store = open_blob_store(settings)
    schema = build_schema(
        [
            *build_extensions(
                production=settings.production,
                max_depth=settings.max_query_depth,
                max_aliases=settings.max_aliases,
                max_tokens=settings.max_tokens,
                max_directives=settings.max_directives,
                max_fields=settings.max_fields,
            ),
            ObserveOperation,  # names the operation (and traces it): api/tracing.py
        ],
        production=settings.production,
    )
    graphql_app = MicGraphQL(
        settings,
        security,
        schema=schema,
        graphql_ide=None if settings.production else "graphiql",
        # Queries only over POST: no mutation (nor query) can ride on a GET link.
        allow_queries_via_get=False,
    )
    app = Starlette(
        # Starlette's own 404 and 405 (no such route, a method a route does not take) answer the
        # JSON error of every other refusal, not text/plain.
        exception_handlers={StarletteHTTPException: http_refusal},
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            metrics_route(settings),  # token or loopback only (api/metrics.py)
            Route("/graphql", graphql_app),
            *DocumentRoutes(security, store).routes(),
            *CalendarFeed(security).routes(),
            *ExportRoutes(security).routes(),
            *dashboard_routes(),  # served in production too: it only calls /graphql
            *graphiql_routes(production=settings.production),  # GraphiQL's assets; none in prod
        ],
        lifespan=lifespan,
    )
    app.add_middleware(AuthenticationMiddleware, settings=settings)
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        overrides={"/documents": settings.max_upload_bytes},
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["authorization", "content-type", "x-request-id"],
        expose_headers=["x-request-id"],
        max_age=600,
    )
    app.add_middleware(RequestIdMiddleware)
    app.state.storage = (store, Path(settings.upload_tmp_dir))  # for /readyz
    return app
