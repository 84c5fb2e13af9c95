"""Where Q4's time goes, in-process, both read paths: cProfile by package, and the collector.

    python -m bench.profile [--db sqlite|postgres] [--requests 20]

Runs Q4 (provincial admin, 100 centres with their alliances) through the ASGI app on the scale-1
data, once compiled (the default) and once field by field (``compiled_reads`` off), and prints
for each: milliseconds per request, the share of profiled time per top-level package, and the
cyclic collector's share (``gc.callbacks``).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import pstats
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx
from tortoise import Tortoise

from api.app import create_app
from api.tokens import issue_token
from bench import database
from bench.ops import LIST, graphql_body


def _package(filename: str) -> str:
    """The package a profiled function belongs to (site-packages name, or the project folder)."""
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0]
    for part in ("api", "schema", "services", "policies", "models", "bench"):
        if f"/{part}/" in filename:
            return f"mic:{part}"
    return "python" if filename.startswith(("<", "~")) or "/lib/python" in filename else "other"


class _Collector:
    """Time spent in the cyclic garbage collector (seconds) and how often it ran."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.runs = 0
        self._started = 0.0

    def __call__(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started
            self.runs += 1


async def _profile(http: httpx.AsyncClient, token: str, requests: int) -> None:
    body = graphql_body(LIST)
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    for _ in range(3):  # warm caches
        await http.post("/graphql", content=body, headers=headers)
    collector = _Collector()
    gc.callbacks.append(collector)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(requests):
        response = await http.post("/graphql", content=body, headers=headers)
        assert response.status_code == 200 and b'"errors"' not in response.content
    profiler.disable()
    elapsed = time.perf_counter() - started
    gc.callbacks.remove(collector)
    stats = pstats.Stats(profiler)
    by_package: dict[str, float] = defaultdict(float)
    total = 0.0
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        by_package[_package(filename)] += tottime
        total += tottime
    print(f"  {elapsed / requests * 1000:.1f} ms per request (profiled), {requests} requests")
    share = collector.seconds / elapsed * 100
    print(f"  collector: {share:.1f} % of wall time, {collector.runs} runs")
    for package, seconds in sorted(by_package.items(), key=lambda kv: -kv[1])[:10]:
        print(f"  {package:24} {seconds / total * 100:5.1f} %")


async def main(db: str, requests: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = database.database_url(db, 1, Path(tmp))
        built = await database.create(url, 1)
        settings = database.settings_for(url)
        admin = built.users["admin"]
        token = issue_token(settings, admin.id, admin.token_version).token
        app = create_app(settings, manage_db=False)
        gc.collect()
        gc.freeze()  # as the service does after start-up
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            for compiled in (True, False):
                settings.compiled_reads = compiled
                print(f"Q4 on {db}, {'compiled' if compiled else 'field by field'}:")
                await _profile(http, token, requests)
        await Tortoise.close_connections()
        await database.drop(url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.db, args.requests))
