"""The access line: exactly one structured (JSON) record per request, with its fields; the path
without its query string, so that the calendar feed's token is never logged."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from api.logging import JsonFormatter
from api.settings import Settings
from api.tokens import issue_feed_token
from models.accounts import RoleName
from tests.helpers import World

FIELDS = {"method", "path", "status", "latency_ms", "operation", "code", "user_id", "request_id"}


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    """The access records as the service writes them: JSON lines."""
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "mic.access"]


async def test_a_graphql_request_is_one_line_with_its_fields(
    client: httpx.AsyncClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    # given a signed-in expert
    expert = await world.user(RoleName.EXPERT)
    caplog.set_level(logging.INFO)
    # when they run a named query
    response = await client.post(
        "/graphql",
        json={"query": "query WhoAmI { me { id } }", "operationName": "WhoAmI"},
        headers={"authorization": f"Bearer {world.token(expert)}"},
    )
    # then exactly one access line is written, with every field
    (line,) = _lines(caplog)
    assert set(line) >= FIELDS
    assert line["method"] == "POST" and line["path"] == "/graphql"
    assert line["status"] == 200
    assert isinstance(line["latency_ms"], int | float) and line["latency_ms"] >= 0
    assert line["operation"] == "WhoAmI" and line["code"] == "OK"
    assert line["user_id"] == str(expert.id)
    assert line["request_id"] == response.headers["x-request-id"]
    assert line["message"] == "access" and line["level"] == "INFO"


async def test_an_anonymous_refusal_and_a_route_are_one_line_each(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    # given no token, and an incoming request id
    # when a query is sent without a token, then the health check is asked
    await client.post(
        "/graphql",
        json={"query": "query WhoAmI { me { id } }"},
        headers={"x-request-id": "client-chosen-id-42"},
    )
    await client.get("/healthz")
    # then one line each: the GraphQL code for the operation, the status class for the route
    graphql, health = _lines(caplog)
    assert graphql["operation"] == "WhoAmI" and graphql["code"] == "UNAUTHENTICATED"
    assert graphql["user_id"] is None
    assert graphql["request_id"] == "client-chosen-id-42"
    assert health["operation"] == "GET /healthz" and health["code"] == "2xx"
    assert health["status"] == 200 and health["path"] == "/healthz"


async def test_the_feed_token_never_reaches_the_log(
    client: httpx.AsyncClient,
    world: World,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    # given a feed URL, its token in the query string
    staff = await world.user(RoleName.PROVINCIAL_STAFF)
    token = issue_feed_token(settings, staff.id, staff.token_version).token
    # when it is fetched (and once with a broken token)
    response = await client.get("/calendar.ics", params={"token": token, "x": "1"})
    assert response.status_code == 200
    await client.get("/calendar.ics", params={"token": token[:-4] + "abcd"})
    # then its lines carry the path alone, and no record of the service holds the token (the
    # test's own HTTP client logs the URL it asks for: not the service's)
    ok, refused = _lines(caplog)
    assert ok["path"] == "/calendar.ics" and refused["path"] == "/calendar.ics"
    assert ok["operation"] == "GET /calendar.ics" and ok["code"] == "2xx"
    assert refused["status"] == 401 and refused["code"] == "4xx"
    formatter = JsonFormatter()
    service = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    assert any(r.name == "mic.calendar" for r in service)  # the refusal was logged, tokenless
    written = "\n".join(formatter.format(r) for r in service)
    assert token not in written and token[:-4] not in written


async def test_a_path_with_unicode_line_breaks_stays_one_line(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    # given paths holding the characters some log readers split lines on
    caplog.set_level(logging.INFO)
    formatter = JsonFormatter()
    for separator in ("\u2028", "\u0085", "\u2029"):
        caplog.clear()
        # when such a path is asked for
        await client.get(f'/x{separator}{{"level": "ERROR"}}{separator}y')
        # then its access record is one line for every reader, and reads back exactly
        (record,) = [r for r in caplog.records if r.name == "mic.access"]
        text = formatter.format(record)
        assert len(text.splitlines()) == 1, repr(separator)
        assert separator in json.loads(text)["path"]


async def test_the_middlewares_own_refusals_carry_their_code(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    # when the middleware refuses before GraphQL runs: a token it cannot verify, a body over
    # the limit, a content-length that is not a number
    await client.post(
        "/graphql",
        json={"query": "query WhoAmI { me { id } }"},
        headers={"authorization": "Bearer garbage"},
    )
    await client.post(
        "/graphql", content=b"x" * (300 * 1024), headers={"content-type": "application/json"}
    )
    await client.post(
        "/graphql",
        content=b"{}",
        headers={"content-type": "application/json", "content-length": "lots"},
    )
    # then each line (and its metric) carries the refusal's code, not only its status class
    lines = _lines(caplog)
    assert [(line["status"], line["code"]) for line in lines] == [
        (401, "UNAUTHENTICATED"),
        (413, "BAD_USER_INPUT"),
        (400, "BAD_USER_INPUT"),
    ]
    assert all(line["operation"] == "POST /graphql" for line in lines)
