"""OpenTelemetry traces of GraphQL operations and their SQL statements; off by default.

``MIC_OTEL_EXPORTER=otlp`` (the standard ``OTEL_EXPORTER_OTLP_*`` variables say where, OTLP over
HTTP) or ``console`` turns them on in each worker (``configure_tracing``, from create_app). Then
each GraphQL operation is one span named after the operation (attributes: operation type, error
code, request id) and each SQL statement it sends is a child span carrying the statement's text
(parameterised: values are never recorded). Off, nothing of the SDK is imported or set up: the
API's no-op tracer stands in, and the ORM is left as it is.

The operation also tells the access line and the metrics (api/middleware.py) its name and
outcome: ``ObserveOperation`` (a schema extension) names it, ``finish_operation`` (called by the
GraphQL view once errors have their codes) writes both into the request's scope state.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterator, MutableMapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

from api.metrics import operation_name, outcome_code
from api.settings import Settings

# What strawberry re-raises out of an operation (the view answers 400 without a result).
_REFUSED_BEFORE_RESULT = (MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError)
SQL_TEXT_MAX = 4096  # characters of a statement kept on its span


@dataclass(slots=True)
class _Tracing:
    tracer: trace.Tracer
    on: bool = False
    configured: bool = False


_state = _Tracing(trace.NoOpTracer())


def configure_tracing(settings: Settings) -> None:
    """Set up the exporter ``settings.otel_exporter`` names (once per process); ``none`` does
    nothing at all."""
    if settings.otel_exporter == "none" or _state.configured:
        return
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import (
        BatchSpanProcessor,
        ConsoleSpanExporter,
        SpanExporter,
    )

    exporter: SpanExporter
    if settings.otel_exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter()  # OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, _HEADERS, …
    else:
        # One span per line, like the JSON log lines beside it on the terminal.
        exporter = ConsoleSpanExporter(formatter=lambda span: span.to_json(indent=None) + "\n")
    # OTEL_RESOURCE_ATTRIBUTES adds to the resource; OTEL_TRACES_SAMPLER picks the sampler.
    resource = Resource.create({"service.name": settings.otel_service_name})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(exporter))  # flushed at exit
    trace.set_tracer_provider(provider)
    _state.configured = True
    enable(provider)


def enable(provider: trace.TracerProvider) -> None:
    """Record spans with ``provider`` from now on (tests pass one with an in-memory exporter)."""
    _instrument_tortoise()
    _state.tracer = provider.get_tracer("mic")
    _state.on = True


def disable() -> None:
    """Record nothing from now on (the no-op tracer again)."""
    _state.tracer = trace.NoOpTracer()
    _state.on = False


# --- SQL statements ----------------------------------------------------------------------------

_EXECUTE = (
    "execute_insert",
    "execute_many",
    "execute_query",
    "execute_query_dict",
    "execute_script",
)


def _span_name(query: str) -> str:
    # The statement's verb (SELECT, INSERT, …): low-cardinality, as OpenTelemetry asks.
    verb = query.lstrip().split(None, 1)[:1]
    return verb[0].upper()[:16] if verb else "SQL"


def _traced(method: Callable[..., Awaitable[Any]], system: str) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(method)
    async def traced(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
        # Only inside a recorded operation: a statement outside one would start a trace alone.
        if not _state.on or not trace.get_current_span().is_recording():
            return await method(self, query, *args, **kwargs)
        with _state.tracer.start_as_current_span(
            _span_name(query),
            kind=SpanKind.CLIENT,
            attributes={"db.system.name": system, "db.query.text": query[:SQL_TEXT_MAX]},
        ):
            return await method(self, query, *args, **kwargs)

    traced._mic_traced = True  # type: ignore[attr-defined]
    return traced


def _instrument_tortoise() -> None:
    """Wrap the statement methods of Tortoise's SQLite and asyncpg clients and their
    transaction wrappers (the service's clients in api/db.py and api/pg_backend.py inherit
    them): only the statement text is taken, never the values passed beside it."""
    from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
    from tortoise.backends.base_postgres.client import BasePostgresClient
    from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionWrapper

    classes: Sequence[tuple[type, str]] = (
        (SqliteClient, "sqlite"),
        (SqliteTransactionWrapper, "sqlite"),
        (BasePostgresClient, "postgresql"),
        (AsyncpgDBClient, "postgresql"),
        (TransactionWrapper, "postgresql"),
    )
    for cls, system in classes:
        for name in _EXECUTE:
            method = cls.__dict__.get(name)  # only where defined: subclasses inherit the wrap
            if method is not None and not getattr(method, "_mic_traced", False):
                setattr(cls, name, _traced(method, system))


# --- GraphQL operations ------------------------------------------------------------------------


@dataclass(slots=True)
class _Operation:
    name: str
    kind: str | None
    span: trace.Span


# Set by the extension when the operation has run, taken by ``finish_operation`` in the same
# request task (the view calls it once the errors have their codes).
_current: ContextVar[_Operation | None] = ContextVar("mic_operation", default=None)


def _name_and_type(context: Any) -> tuple[str, str | None]:
    """The operation's name (as ``operation_name`` bounds it) and type (``query``, …); for a
    document that does not parse or names no such operation, what can be told."""
    try:
        name = operation_name(context.operation_name)
    except Exception:  # none sent, and no document to read one from
        return operation_name(None), None
    try:
        return name, context.operation_type.value
    except Exception:  # no document, or no operation of that name
        return name, None


class ObserveOperation(SchemaExtension):
    """Names each operation and, when tracing is on, makes its span current while it runs."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        span = _state.tracer.start_span("graphql", kind=SpanKind.SERVER)
        refused = False
        try:
            with trace.use_span(
                span, end_on_exit=False, record_exception=False, set_status_on_exception=False
            ):
                yield
        except _REFUSED_BEFORE_RESULT as exc:
            refused = True
            span.record_exception(exc)
            raise
        finally:
            # Parse errors come through here as exceptions too, then become the result's errors.
            name, kind = _name_and_type(context)
            span.update_name(name)
            span.set_attribute("graphql.operation.name", name)
            if kind is not None:
                span.set_attribute("graphql.operation.type", kind)
            if refused:
                span.end()  # the view answers a bare 400: no result, no finish_operation
            else:
                _current.set(_Operation(name, kind, span))


def finish_operation(
    scope: MutableMapping[str, Any], errors: Sequence[GraphQLError] | None
) -> None:
    """Give the request's operation its outcome (from the shaped errors' codes): into
    ``scope["state"]`` as ``operation`` and ``outcome`` for the access line and the metrics,
    and onto its span, which ends here."""
    operation = _current.get()
    _current.set(None)
    code = outcome_code([(e.extensions or {}).get("code") for e in errors or ()])
    state = scope.setdefault("state", {})
    state["operation"] = operation.name if operation else operation_name(None)
    state["outcome"] = code
    if operation is None:
        return
    span = operation.span
    if span.is_recording():
        span.set_attribute("mic.error_code", code)
        span.set_attribute("mic.request_id", str(state.get("request_id", "-")))
        if code in ("INTERNAL", "UNAVAILABLE"):
            span.set_status(Status(StatusCode.ERROR, code))
        state["trace_id"] = format(span.get_span_context().trace_id, "032x")
    span.end()
