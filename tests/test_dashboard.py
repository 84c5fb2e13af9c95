"""The dashboard page in a real headless browser (issue 15, R-CTR-6).

The real service (``mic serve``, production settings) runs in a subprocess on a free port over a
fresh SQLite database with the demo programme; Debian's Chromium (/usr/bin/chromium) is driven by
Playwright from PyPI (never ``playwright install``). Skipped, with the reason, where Chromium or
the playwright package is missing.

``MIC_DASHBOARD_SCREENSHOT=docs/dashboard.png pytest tests/test_dashboard.py`` also saves the
screenshot of provincial staff's dashboard used in the README.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio

from tests import browser as harness

async_api = harness.require_playwright()
DEMO_PASSWORD = harness.DEMO_PASSWORD


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # production: the page is served in production (GraphiQL is not)
    with harness.running_service(tmp_path_factory.mktemp("dashboard"), "production") as base:
        yield base


@pytest_asyncio.fixture(scope="module")
async def browser(service: str) -> AsyncIterator[Any]:
    async with harness.chromium(async_api) as chromium:
        yield chromium


@pytest_asyncio.fixture
async def page(browser: Any, service: str) -> AsyncIterator[Any]:
    # No request may leave the service's origin (no CDN: a government intranet).
    async with harness.recording_page(browser, service) as page:
        yield page


async def _sign_in(page: Any, base: str, username: str) -> None:
    await page.goto(f"{base}/dashboard")
    await page.fill("#username", username)
    await page.fill("#password", DEMO_PASSWORD)
    await page.click("#sign-in-form button[type=submit]")


def _city_names(base: str) -> list[str]:
    token = harness.login(base, "staff")
    cities = harness.post(base, "{ cities { nameZh } }", token)["data"]["cities"]
    return [c["nameZh"] for c in cities]


async def test_r_ctr_6_dashboard_shows_a_bureau_its_city_and_no_other(
    service: str, page: Any
) -> None:
    # given: the demo programme (centres in many cities) and the page, with its strict CSP
    response = await page.goto(f"{service}/dashboard")
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    others = [name for name in _city_names(service) if name != "柳州市"]
    assert "南宁市" in others

    # when: Liuzhou's bureau signs in
    await _sign_in(page, service, "bureau-liuzhou")
    await page.wait_for_selector("body[data-loaded=true]")

    # then: the city table holds Liuzhou's row only, with its centres; no other city anywhere
    rows = page.locator("#city-table tbody tr")
    assert await rows.count() == 1
    assert await rows.first.get_attribute("data-city") == "柳州市"
    assert "柳州市" in await page.inner_text("#city-table")
    text = await page.inner_text("body")
    assert [name for name in others if name in text] == []
    calendar_cities = await page.locator("#calendar-table tbody td:nth-child(4)").all_inner_texts()
    assert calendar_cities and set(calendar_cities) == {"柳州市"}
    # and: the target panel and charts are drawn, from the page's own origin only
    assert "建成并稳定运行" in await page.inner_text("#target")
    assert await page.locator("canvas#chart-status").bounding_box() is not None
    assert page.outside == []


async def test_r_ctr_6_dashboard_tells_an_expert_statistics_are_not_theirs(
    service: str, page: Any
) -> None:
    # given: an expert; when: they sign in
    await _sign_in(page, service, "expert-1")
    # then: a clear message, and no figures
    message = await page.wait_for_selector("#forbidden-message:not(:empty)")
    assert "无权查看统计数据" in await message.inner_text()
    assert await page.locator("#dashboard").is_hidden()


async def test_r_ctr_6_dashboard_returns_to_sign_in_when_the_token_has_expired(
    service: str, page: Any
) -> None:
    # given: a token the service no longer accepts in the session's storage
    await page.goto(f"{service}/dashboard")
    await page.evaluate("sessionStorage.setItem('mic.dashboard.token', 'expired.token.value')")
    # when: the page loads again
    await page.reload()
    # then: the sign-in form, saying why
    message = await page.wait_for_selector("#sign-in-message:not(:empty)")
    assert "重新登录" in await message.inner_text()
    assert await page.locator("#sign-in").is_visible()
    assert await page.evaluate("sessionStorage.getItem('mic.dashboard.token')") is None


async def test_r_ctr_6_dashboard_shows_staff_the_whole_province(service: str, page: Any) -> None:
    # given: provincial staff; when: they sign in
    await _sign_in(page, service, "staff")
    await page.wait_for_selector("body[data-loaded=true]")
    # then: more than one city in the table, Nanning and Liuzhou among them
    table = await page.inner_text("#city-table")
    assert "南宁市" in table
    assert "柳州市" in table
    if target := os.environ.get("MIC_DASHBOARD_SCREENSHOT"):
        await page.screenshot(path=target, full_page=True)
