"""Shared harness of the real-browser tests (the dashboard, GraphiQL).

The real service (``mic serve``) runs in a subprocess on a free port over a fresh SQLite database
with the demo programme; Debian's Chromium (/usr/bin/chromium) is driven by Playwright from PyPI
(never ``playwright install``). ``require_playwright()`` skips the calling test module, with the
reason, where Chromium or the playwright package is missing.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# The flags this machine's Chromium needs (docs of the CI machine): root, no GPU, and no
# background connections to the outside (the network is closed).
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "Mic-Demo-2026!"
MIC = Path(sys.executable).with_name("mic")


def require_playwright() -> ModuleType:
    """``playwright.async_api``, or skip the calling module (at import) saying what is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium", allow_module_level=True)
    return pytest.importorskip(
        "playwright.async_api", reason="the playwright package is missing: pip install -e '.[dev]'"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(MIC), *args], env=env, check=True, capture_output=True, timeout=120)


def service_env(tmp: Path, mic_env: str) -> dict[str, str]:
    """The environment of a service over its own SQLite file and blob store under ``tmp``."""
    return {
        **os.environ,
        "MIC_ENV": mic_env,
        "MIC_TOKEN_SECRET": "browser-test-secret-0123456789-abcdefghijkl",
        "MIC_DATABASE_URL": f"sqlite://{tmp / 'mic.sqlite3'}",
        "MIC_STORAGE_URL": f"file:{tmp / 'blobs'}",
        "MIC_UPLOAD_TMP_DIR": str(tmp / "uploads"),
        "MIC_DEADLINE_SWEEP_S": "0",
        "MIC_LOG_LEVEL": "WARNING",
    }


@contextmanager
def running_service(tmp: Path, mic_env: str, *, demo: bool = True) -> Iterator[str]:
    """``mic serve`` in ``mic_env``; yields its base URL, then stops it. ``demo``: over a migrated
    database with the demo programme (else over none yet: enough for what needs no data)."""
    env = service_env(tmp, mic_env)
    if demo:
        _run(env, "migrate")
        _run(env, "seed-demo")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(MIC), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            for _ in range(900):  # up to ~90 s to start (a loaded CI machine)
                if process.poll() is not None:
                    pytest.fail(f"mic serve exited: {log_path.read_text()}")
                try:
                    with urllib.request.urlopen(f"{base}/healthz", timeout=1):  # noqa: S310
                        break
                except OSError:
                    time.sleep(0.1)
            else:
                pytest.fail("mic serve did not answer /healthz")
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


def post(base: str, query: str, token: str | None = None) -> dict[str, Any]:
    """POST a GraphQL query to the service; the JSON body (any HTTP status)."""
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    request = urllib.request.Request(  # noqa: S310 - our own service
        f"{base}/graphql", data=json.dumps({"query": query}).encode(), headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return dict(json.load(response))
    except urllib.error.HTTPError as error:
        return dict(json.load(error))


def login(base: str, username: str) -> str:
    """A demo user's token."""
    body = post(
        base,
        f'mutation {{ login(username: "{username}", password: "{DEMO_PASSWORD}") {{ token }} }}',
    )
    return str(body["data"]["login"]["token"])


@asynccontextmanager
async def chromium(async_api: ModuleType) -> AsyncIterator[Any]:
    """A headless Chromium, closed on exit."""
    async with async_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield browser
        finally:
            await browser.close()


@asynccontextmanager
async def recording_page(browser: Any, base: str) -> AsyncIterator[Any]:
    """A page in a fresh context; ``page.requests`` lists every request it made (Playwright's
    objects) and ``page.outside`` the URLs that left ``base``'s origin (none may: the service
    runs on a government intranet, with no CDN)."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = await context.new_page()
    page.requests = []
    page.outside = []

    def record(request: Any) -> None:
        page.requests.append(request)
        if not request.url.startswith(f"{base}/"):
            page.outside.append(request.url)

    page.on("request", record)
    try:
        yield page
    finally:
        await context.close()
