"""OpenTelemetry traces: one span per GraphQL operation, named after it, with a child span per SQL
statement carrying its text but never its values; nothing recorded, nor the SDK imported, when
tracing is off (the default)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from api import tracing
from models.accounts import RoleName
from tests.helpers import Api, World


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    """Tracing on, into memory, for one test."""
    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracing.enable(provider)
    try:
        yield memory
    finally:
        tracing.disable()
        provider.shutdown()


def _operations(spans: tuple[ReadableSpan, ...]) -> list[ReadableSpan]:
    return [s for s in spans if s.kind is SpanKind.SERVER]


async def test_an_operation_is_a_span_named_after_it_with_its_sql_as_children(
    api: Api, world: World, exporter: InMemorySpanExporter
) -> None:
    # given a signed-in expert
    expert = await world.user(RoleName.EXPERT)
    token = world.token(expert)
    # when they run a named query
    await api.ok("query WhoAmI { me { id username } }", token=token)
    # then there is one operation span, named after it, with its type and outcome
    spans = exporter.get_finished_spans()
    (operation,) = _operations(spans)
    assert operation.name == "WhoAmI"
    assert operation.attributes is not None
    assert operation.attributes["graphql.operation.type"] == "query"
    assert operation.attributes["mic.error_code"] == "OK"
    # and each SQL statement it sent is a child span with the statement's text
    context = operation.get_span_context()
    assert context is not None
    children = [s for s in spans if s.parent is not None and s.parent.span_id == context.span_id]
    assert children
    assert all(s.kind is SpanKind.CLIENT for s in children)
    texts = [str((s.attributes or {})["db.query.text"]) for s in children]
    assert any("app_user" in t for t in texts)
    assert {s.name for s in children} <= {"SELECT", "INSERT", "UPDATE", "DELETE", "BEGIN"}


async def test_sql_spans_carry_no_parameter_values(
    api: Api, world: World, exporter: InMemorySpanExporter
) -> None:
    # given a user whose sign-in looks the username and a wrong password up
    user = await world.user(RoleName.PROVINCIAL_STAFF)
    secret = "Wrong-Password-Marker-7731"
    # when they sign in with a wrong password (a mutation that fails)
    body = await api.gql(
        "mutation SignIn($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
        {"u": user.username, "p": secret},
    )
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # then the operation span has the mutation's type and error code
    spans = exporter.get_finished_spans()
    (operation,) = _operations(spans)
    assert operation.name == "SignIn"
    assert operation.attributes is not None
    assert operation.attributes["graphql.operation.type"] == "mutation"
    assert operation.attributes["mic.error_code"] == "UNAUTHENTICATED"
    # and its SQL spans (the throttle, the user look-up) hold neither username nor password
    sql = [s for s in spans if s.kind is SpanKind.CLIENT]
    assert any("login_throttle" in str((s.attributes or {})["db.query.text"]) for s in sql)
    recorded = " ".join(str(v) for s in spans for v in (s.attributes or {}).values())
    assert user.username not in recorded
    assert secret not in recorded


async def test_a_document_that_does_not_parse_is_an_anonymous_client_error(
    api: Api, exporter: InMemorySpanExporter
) -> None:
    # given an operation that does not parse
    # when it is sent
    body = await api.gql("query Broken { me { id ")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # then its span has no name the service could read, the client's error code, and is not
    # marked as a fault of the service (only INTERNAL and UNAVAILABLE are)
    (operation,) = _operations(exporter.get_finished_spans())
    assert operation.name == "anonymous"
    assert operation.attributes is not None
    assert operation.attributes["mic.error_code"] == "BAD_USER_INPUT"
    assert "graphql.operation.type" not in operation.attributes
    assert operation.status.status_code is StatusCode.UNSET


async def test_nothing_is_recorded_when_tracing_is_off(api: Api, world: World) -> None:
    # given tracing enabled into memory, then turned off again (the default state)
    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracing.enable(provider)
    tracing.disable()
    # when an operation runs
    token = world.token(await world.user(RoleName.EXPERT))
    await api.ok("query WhoAmI { me { id } }", token=token)
    # then nothing was recorded
    assert memory.get_finished_spans() == ()
    provider.shutdown()


def test_off_by_default_the_sdk_is_never_imported(tmp_path: Path) -> None:
    # given the service built with the default settings, in a fresh interpreter
    code = (
        "import sys\n"
        "from api.app import create_app\n"
        "from api.settings import Settings\n"
        "create_app(Settings(database_url='sqlite://:memory:', "
        f"storage_url='file:{tmp_path / 'blobs'}', upload_tmp_dir='{tmp_path / 'tmp'}'), "
        "manage_db=False)\n"
        "print(sorted(m for m in sys.modules if m.startswith('opentelemetry.sdk')))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MIC_", "OTEL_"))}
    # when it is imported and configured
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    # then no module of the OpenTelemetry SDK was loaded
    assert result.stdout.strip() == "[]", result.stdout
