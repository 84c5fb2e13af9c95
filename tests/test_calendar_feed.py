"""The regulatory calendar as an iCalendar feed (R-ASM-6): GET /calendar.ics."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from icalendar import Calendar

from api.calendar_feed import REDACT_TOKEN
from api.settings import Settings
from api.tokens import issue_feed_token
from models.accounts import RoleName, User
from models.centres import Centre, CentreStatus
from services import regulatory_calendar as service
from tests.helpers import Api, World, error_codes

FEED_URL = "{ calendarFeedUrl { path expiresAt } }"


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    day = date(2026, 12, 30)
    monkeypatch.setattr(service, "programme_today", lambda: day)
    return day


async def _cultivating(world: World, city: str, listed: date, name: str) -> Centre:
    centre = await world.centre(
        await world.organisation(city), status=CentreStatus.CULTIVATING, name=name
    )
    await Centre.filter(id=centre.id).update(listed_on=listed)
    return centre


@pytest.fixture
async def bureau(world: World, today: date) -> User:
    # given two Nanning centres and a Liuzhou one, and the Nanning bureau
    await _cultivating(world, "450100", date(2024, 1, 2), "南宁甲中心")
    await _cultivating(world, "450100", date(2024, 2, 29), "南宁乙中心")
    await _cultivating(world, "450200", date(2024, 1, 5), "柳州中心")
    return await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450100")


async def _feed_path(api: Api, token: str) -> str:
    data = await api.ok(FEED_URL, token=token)
    path: str = data["calendarFeedUrl"]["path"]
    return path


def _events(response: httpx.Response) -> list[Any]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return list(calendar.walk("VEVENT"))


async def test_r_asm_6_the_feed_holds_exactly_the_callers_items(
    api: Api, client: httpx.AsyncClient, world: World, bureau: User
) -> None:
    # when the bureau fetches its feed by the subscription address
    path = await _feed_path(api, world.token(bureau))
    events = _events(await client.get(path))
    # then it parses and holds one all-day event per item of its calendar, none of Liuzhou's
    calendar = await api.ok(
        "{ regulatoryCalendar { edges { node { kind dueOn centre { name } } } } }",
        token=world.token(bureau),
    )
    # and each event's category is its kind as the CalendarKind enum reads it (issue 16)
    kinds = [e["node"]["kind"] for e in calendar["regulatoryCalendar"]["edges"]]
    assert [[str(c) for c in e.get("categories").cats] for e in events] == [[k] for k in kinds]
    assert kinds == ["CULTIVATION_ENDS", "CULTIVATION_ENDS"]
    expected = [
        (e["node"]["dueOn"], e["node"]["centre"]["name"])
        for e in calendar["regulatoryCalendar"]["edges"]
    ]
    assert expected == [("2027-01-02", "南宁甲中心"), ("2027-02-28", "南宁乙中心")]
    assert [(e.decoded("dtstart").isoformat(), str(e["summary"])) for e in events] == [
        (day, f"培育期届满 / Cultivation ends — {name}") for day, name in expected
    ]
    assert all(type(e.decoded("dtstart")) is date for e in events)
    assert not any("柳州" in str(e["summary"]) for e in events)
    assert all(e.get("dtstamp") is not None for e in events)


async def test_r_asm_6_uids_stay_the_same_from_one_fetch_to_the_next(
    api: Api, client: httpx.AsyncClient, world: World, bureau: User
) -> None:
    # when the feed is fetched twice, once by URL and once with the bearer header
    path = await _feed_path(api, world.token(bureau))
    first = [str(e["uid"]) for e in _events(await client.get(path))]
    second = [
        str(e["uid"])
        for e in _events(
            await client.get(
                "/calendar.ics", headers={"authorization": f"Bearer {world.token(bureau)}"}
            )
        )
    ]
    # then each item keeps its UID (calendar apps update it rather than add it again)
    assert first == second and len(set(first)) == 2


async def test_r_asm_6_a_feed_token_cannot_call_the_api(
    api: Api, world: World, bureau: User
) -> None:
    # given the bureau's feed token
    path = await _feed_path(api, world.token(bureau))
    (feed_token,) = parse_qs(urlparse(path).query)["token"]
    # when it is used as a bearer token for GraphQL (and for a document route)
    graphql = await api.raw("{ regulatoryCalendar { totalCount } }", token=feed_token)
    document = await api.client.get(
        "/documents/versions/00000000-0000-0000-0000-000000000000/content",
        headers={"authorization": f"Bearer {feed_token}"},
    )
    # then both are refused as an invalid token
    assert graphql.status_code == 401
    assert error_codes(graphql.json()) == ["UNAUTHENTICATED"]
    assert document.status_code == 401


async def test_r_asm_6_the_feed_refuses_what_is_not_a_live_feed_token(
    api: Api, client: httpx.AsyncClient, world: World, bureau: User, settings: Settings
) -> None:
    # given an API token, a tampered feed token and the feed token of a user who signed out
    path = await _feed_path(api, world.token(bureau))
    (feed_token,) = parse_qs(urlparse(path).query)["token"]
    leaver = await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450100")
    stale = issue_feed_token(settings, leaver.id, leaver.token_version).token
    await User.filter(id=leaver.id).update(token_version=leaver.token_version + 1)
    for token in (world.token(bureau), feed_token[:-2] + "xx", stale):
        # when each is put in the feed's URL
        response = await client.get("/calendar.ics", params={"token": token})
        # then the feed answers 401
        assert response.status_code == 401, token
        assert error_codes(response.json()) == ["UNAUTHENTICATED"]


async def test_r_asm_6_the_feed_needs_credentials(
    client: httpx.AsyncClient, world: World, bureau: User
) -> None:
    # when the feed is fetched without credentials, with an empty token, or with two tokens
    bare = await client.get("/calendar.ics")
    empty = await client.get("/calendar.ics?token=")
    twice = await client.get("/calendar.ics", params=[("token", "a"), ("token", "b")])
    # then 401 each time, and nothing of the calendar
    for response in (bare, empty, twice):
        assert response.status_code == 401
        assert "www-authenticate" in response.headers
        assert "VCALENDAR" not in response.text


async def test_r_asm_6_an_expert_has_no_feed(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    # given an expert (no calendar: FORBIDDEN in GraphQL) and a feed token made for them anyway
    expert = await world.user(RoleName.EXPERT)
    token = issue_feed_token(settings, expert.id, expert.token_version).token
    # when the expert fetches the feed
    response = await client.get("/calendar.ics", params={"token": token})
    # then 403, as the GraphQL query answers FORBIDDEN
    assert response.status_code == 403
    assert error_codes(response.json()) == ["FORBIDDEN"]


def test_r_asm_6_the_feed_token_never_reaches_the_access_log(
    app: object, caplog: pytest.LogCaptureFixture
) -> None:
    # given the service (it installs the filter on uvicorn's access log)
    access = logging.getLogger("uvicorn.access")
    assert REDACT_TOKEN in access.filters
    caplog.set_level(logging.INFO, logger="uvicorn.access")
    # when uvicorn logs a feed request the way it does (path with its query)
    feed_paths = (
        "/calendar.ics?token=eyJ.secret.sig",
        "/calendar.ics?x=1&token=eyJ.secret.sig&y=2",
        "/calendar.ics?token=eyJ.secret.sig&token=eyJ.other.sig",
        "/calendar.ics?%74oken=eyJ.secret.sig",  # a key spelt otherwise, decoding to "token"
        "/calendar.ics?TOKEN=eyJ.secret.sig",
    )
    for path in (*feed_paths, "/graphql?token=eyJ.secret.sig"):
        access.info('%s - "%s %s HTTP/%s" %d', "203.0.113.7:1", "GET", path, "1.1", 200)
    # then every line keeps the path but not the token
    messages = [r.getMessage() for r in caplog.records if r.name == "uvicorn.access"]
    assert len(messages) == len(feed_paths) + 1
    assert all("secret" not in m and "other" not in m for m in messages)
    assert all("/calendar.ics?[redacted]" in m for m in messages[: len(feed_paths)])
    assert "/graphql?token=[redacted]" in messages[-1]
