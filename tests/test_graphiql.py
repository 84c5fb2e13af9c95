"""GraphiQL served by the service itself (issue 16): vendored assets, sign-in, off in production.

The plain tests use the in-process app; the browser tests run the real service (``mic serve``,
MIC_ENV=dev) over a fresh SQLite database with the demo programme and drive Debian's Chromium
through Playwright (tests/browser.py). Those skip, with the reason, where Chromium or the
playwright package is missing; the plain ones always run.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import pytest_asyncio

from api.app import create_app
from api.graphiql import ASSETS, STATIC_DIR
from api.settings import Settings
from tests import browser as harness

HTML = {"accept": "text/html"}
OWN_FILES = {"mic-graphiql.js", "mic-graphiql.css"}
PINNED = {"graphiql": "3.9.0", "react": "18.3.1", "react-dom": "18.3.1"}


# --- served as it should be (no browser) ----------------------------------------------------


def _nonce(csp: str) -> str:
    match = re.search(r"style-src 'self' 'nonce-([A-Za-z0-9_-]{16,})'", csp)
    assert match, csp
    return match.group(1)


async def test_graphiql_page_and_assets_are_served_with_csp_and_types(
    client: httpx.AsyncClient,
) -> None:
    # when: a browser asks for /graphql (twice)
    first = await client.get("/graphql", headers=HTML)
    second = await client.get("/graphql", headers=HTML)

    # then: our page, as HTML, under a strict policy: scripts from this origin only, no inline
    # script, no eval, styles inline only with this response's nonce (handed to the page)
    assert first.status_code == 200
    assert first.headers["content-type"] == "text/html; charset=utf-8"
    csp = first.headers["content-security-policy"]
    for directive in ("default-src 'self'", "script-src 'self';", "connect-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    nonce = _nonce(csp)
    assert f'<meta name="mic-style-nonce" content="{nonce}">' in first.text
    assert _nonce(second.headers["content-security-policy"]) != nonce
    assert first.headers["x-content-type-options"] == "nosniff"
    assert first.headers["x-frame-options"] == "DENY"
    # and: nothing from a CDN, no inline script: every script and style sheet is ours
    assert "<script>" not in first.text and "unpkg" not in first.text
    sources = re.findall(r'(?:src|href)="([^"]+)"', first.text)
    assert set(sources) == {
        "data:,",  # the favicon: none, rather than a request for /favicon.ico
        "/graphiql/static/graphiql.min.css",
        "/graphiql/static/mic-graphiql.css",
        "/graphiql/static/react.production.min.js",
        "/graphiql/static/react-dom.production.min.js",
        "/graphiql/static/graphiql.min.js",
        "/graphiql/static/mic-graphiql.js",
    }

    # and: every asset with its content type, unsniffable; the recipe files are not served
    for name, media_type in ASSETS.items():
        asset = await client.get(f"/graphiql/static/{name}")
        assert asset.status_code == 200, name
        assert asset.headers["content-type"] == media_type, name
        assert asset.headers["x-content-type-options"] == "nosniff", name
        assert asset.content == (STATIC_DIR / name).read_bytes(), name
    for private in ("package.json", "package-lock.json", "vendor.sh", "SHA256SUMS", "index.html"):
        assert (await client.get(f"/graphiql/static/{private}")).status_code == 404, private

    # and: a client that is not a browser still gets GraphQL at the same address
    answer = await client.post("/graphql", json={"query": "{ __typename }"})
    assert answer.json() == {"data": {"__typename": "Query"}}


async def test_production_serves_neither_the_graphiql_page_nor_its_assets(
    settings: Settings, database: None
) -> None:
    # given: the service in production
    production = settings.model_copy(update={"env": "production"})
    transport = httpx.ASGITransport(app=create_app(production, manage_db=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://mic.test") as http:
        # when: a browser asks for the page and its assets
        page = await http.get("/graphql", headers=HTML)
        assets = [await http.get(f"/graphiql/static/{name}") for name in ASSETS]
    # then: not found, and nothing of GraphiQL in the answer
    assert page.status_code == 404
    assert "graphiql" not in page.text.lower()
    assert {asset.status_code for asset in assets} == {404}


def test_vendored_assets_match_the_recorded_versions_and_hashes() -> None:
    # given: the record (SHA256SUMS) and the pins (package.json, package-lock.json)
    recorded = {
        name: digest
        for digest, name in (
            line.split(maxsplit=1)
            for line in (STATIC_DIR / "SHA256SUMS").read_text().splitlines()
            if line.strip()
        )
    }
    # then: every served file that is not our own is recorded, and matches its hash
    assert set(recorded) == set(ASSETS) - OWN_FILES
    for name, digest in recorded.items():
        assert hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest() == digest, name
    # and: the versions are pinned exactly, and the lock holds each with its sha512 integrity
    manifest = json.loads((STATIC_DIR / "package.json").read_text())
    assert manifest["dependencies"] == PINNED
    lock = json.loads((STATIC_DIR / "package-lock.json").read_text())
    for package, version in PINNED.items():
        entry = lock["packages"][f"node_modules/{package}"]
        assert entry["version"] == version
        assert entry["integrity"].startswith("sha512-")
    # and: the files are the builds of those versions
    assert b"React" in (STATIC_DIR / "react.production.min.js").read_bytes()[:200]
    assert (STATIC_DIR / "graphiql.min.js").read_bytes().startswith(b"!function(e,t){")


def test_a_non_editable_install_ships_the_graphiql_assets() -> None:
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert "static/graphiql/*" in pyproject["tool"]["setuptools"]["package-data"]["api"]


# --- in a real browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def async_api() -> ModuleType:
    return harness.require_playwright()


@pytest.fixture(scope="module")
def service(async_api: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with harness.running_service(tmp_path_factory.mktemp("graphiql-dev"), "dev") as base:
        yield base


@pytest_asyncio.fixture(scope="module")
async def browser(async_api: ModuleType) -> AsyncIterator[Any]:
    async with harness.chromium(async_api) as chromium:
        yield chromium


@pytest_asyncio.fixture
async def page(browser: Any, service: str) -> AsyncIterator[Any]:
    async with harness.recording_page(browser, service) as page:
        yield page


async def _editor_value(page: Any, pane: str) -> str:
    return str(
        await page.evaluate(f"document.querySelector('{pane} .CodeMirror').CodeMirror.getValue()")
    )


async def _sign_in(page: Any, username: str) -> None:
    await page.wait_for_selector("#sign-in:not([hidden])")
    await page.fill("#username", username)
    await page.fill("#password", harness.DEMO_PASSWORD)
    await page.click("#sign-in-form button[type=submit]")
    await page.wait_for_selector("#sign-in", state="hidden")
    assert await page.inner_text("#who-name") == username


async def _run_starter_query(page: Any) -> dict[str, Any]:
    """Runs the editor's query; the result pane's JSON once it holds the centres."""
    await page.click(".graphiql-execute-button")
    # A selector, not wait_for_function: that evaluates a string, which the page's CSP forbids.
    await page.wait_for_selector(".result-window .CodeMirror-code >> text=totalCount")
    return dict(json.loads(await _editor_value(page, ".result-window")))


def _centres_by_city(base: str) -> dict[str, set[str]]:
    query = "{ centres(first: 100) { edges { node { name city { nameZh } } } } }"
    edges = harness.post(base, query, harness.login(base, "staff"))["data"]["centres"]["edges"]
    cities: dict[str, set[str]] = {}
    for edge in edges:
        cities.setdefault(edge["node"]["city"]["nameZh"], set()).add(edge["node"]["name"])
    return cities


async def test_graphiql_signs_a_bureau_in_and_shows_its_city_only(service: str, page: Any) -> None:
    # given: the demo programme, with centres in Liuzhou and in other cities
    cities = _centres_by_city(service)
    liuzhou = cities.pop("柳州市")
    others = set().union(*cities.values())
    assert liuzhou and others

    # when: the page opens
    response = await page.goto(f"{service}/graphql")
    assert response.status == 200
    # then: GraphiQL's editor, holding the starter query, and the sign-in panel
    await page.wait_for_selector(".graphiql-query-editor .CodeMirror")
    assert "query Starter" in await _editor_value(page, ".graphiql-query-editor")
    assert await page.locator("#sign-in").is_visible()

    # when: Liuzhou's bureau signs in and runs the starter query
    await _sign_in(page, "bureau-liuzhou")
    result = await _run_starter_query(page)

    # then: its own user and centres, and no other city's centre anywhere in the result
    assert result["data"]["me"]["username"] == "bureau-liuzhou"
    shown = {edge["node"]["name"] for edge in result["data"]["centres"]["edges"]}
    assert shown and shown <= liuzhou
    assert {edge["node"]["city"]["nameZh"] for edge in result["data"]["centres"]["edges"]} == {
        "柳州市"
    }
    # (the pane draws only the lines in view: the first centre is; the whole value is checked)
    first = result["data"]["centres"]["edges"][0]["node"]["name"]
    assert first in await page.inner_text(".result-window")
    whole = await _editor_value(page, ".result-window")
    assert [name for name in others if name in whole] == []
    # and: the token went as a bearer header, and every request stayed on the service's origin
    token = await page.evaluate("sessionStorage.getItem('mic.graphiql.token')")
    starter = [r for r in page.requests if "Starter" in (r.post_data or "")]
    assert starter and (await starter[-1].all_headers())["authorization"] == f"Bearer {token}"
    assert f"{service}/graphiql/static/graphiql.min.js" in [r.url for r in page.requests]
    assert page.outside == []


async def test_graphiql_staff_see_centres_and_sign_out(service: str, page: Any) -> None:
    # given: provincial staff signed in
    await page.goto(f"{service}/graphql")
    await _sign_in(page, "staff")
    # when: they run the starter query
    result = await _run_starter_query(page)
    # then: centres of more than one city, shown in the result pane
    centres = result["data"]["centres"]
    assert centres["totalCount"] > len(_centres_by_city(service)["柳州市"])
    assert centres["edges"][0]["node"]["name"] in await page.inner_text(".result-window")
    # when: they sign out; then: the panel again, and no token left in the tab
    await page.click("#sign-out")
    assert await page.locator("#sign-in").is_visible()
    assert await page.evaluate("sessionStorage.getItem('mic.graphiql.token')") is None
    assert page.outside == []


async def test_graphiql_asks_to_sign_in_again_when_the_stored_token_is_refused(
    service: str, page: Any
) -> None:
    # given: a token the service refuses (401) in the tab's storage
    await page.goto(f"{service}/graphql")
    await page.evaluate("sessionStorage.setItem('mic.graphiql.token', 'expired.token.value')")
    await page.evaluate("sessionStorage.setItem('mic.graphiql.username', 'staff')")
    # when: the page loads again (GraphiQL fetches the schema with it)
    await page.reload()
    # then: the sign-in panel, saying why, and the token is gone
    message = await page.wait_for_selector("#sign-in-message:not(:empty)")
    assert "重新登录" in await message.inner_text()
    assert await page.locator("#sign-in").is_visible()
    assert await page.evaluate("sessionStorage.getItem('mic.graphiql.token')") is None

    # when: the user signs in again and runs the query; then: it works
    await _sign_in(page, "staff")
    assert (await _run_starter_query(page))["data"]["me"]["username"] == "staff"
    # and: the sign-in itself carried no Authorization header (a stale one would be refused)
    logins = [r for r in page.requests if "login(" in (r.post_data or "")]
    assert logins and "authorization" not in await logins[-1].all_headers()
    assert page.outside == []


async def test_graphiql_asks_to_sign_in_again_when_the_token_is_revoked_mid_session(
    service: str, page: Any
) -> None:
    # given: staff signed in, then signed out everywhere from elsewhere (the token is revoked)
    await page.goto(f"{service}/graphql")
    await _sign_in(page, "staff")
    token = await page.evaluate("sessionStorage.getItem('mic.graphiql.token')")
    assert harness.post(service, "mutation { logout }", token)["data"] == {"logout": True}
    # when: they run the query
    await page.click(".graphiql-execute-button")
    # then: the sign-in panel comes back, saying why, rather than a dead end
    message = await page.wait_for_selector("#sign-in-message:not(:empty)")
    assert "重新登录" in await message.inner_text()
    assert await page.evaluate("sessionStorage.getItem('mic.graphiql.token')") is None


@pytest.fixture(scope="module")
def production_service(
    async_api: ModuleType, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("graphiql-prod")
    with harness.running_service(tmp, "production", demo=False) as base:  # the page needs no data
        yield base


async def test_graphiql_is_not_served_in_production(production_service: str, browser: Any) -> None:
    async with harness.recording_page(browser, production_service) as page:
        # when: a browser opens /graphql on a production service
        response = await page.goto(f"{production_service}/graphql")
        # then: not found, and no GraphiQL on the page
        assert response.status == 404
        assert await page.locator(".graphiql-container").count() == 0
        assert "graphiql" not in (await page.content()).lower()
