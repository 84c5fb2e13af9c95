"""Run the benchmark and print ratios against the hand-written baseline.

    python -m bench.run [--centres 300] [--repeat 30]

Ratios, not absolute times, are the result: both sides run in the same process on the same data,
so a noisy shared machine slows both alike.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from tortoise import Tortoise
from tortoise.migrations.api.migrate import migrate

from api.app import create_app
from api.db import tortoise_config
from api.settings import Settings
from api.tokens import issue_token
from bench import baseline, dataset
from models.reference_data import load_reference_data

QUERY = """{ centres(first: 100) { totalCount edges { node { id name status city { code }
  industry { code } leadOrganisation { name }
  members { memberRole organisation { name kind } } } } } }"""


async def _measure(run: Callable[[], Awaitable[Any]], repeat: int) -> tuple[float, int]:
    await run()  # warm caches on both sides
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await run()
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    await run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak


async def main(centres: int, repeat: int, database_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite://{Path(tmp) / 'bench.sqlite3'}"
        settings = Settings(env="test", database_url=url, token_secret="b" * 40)
        config = tortoise_config(settings)
        await migrate(config=config)
        await Tortoise.close_connections()
        await Tortoise.init(config=config)
        await load_reference_data()
        users = await dataset.build(centres)
        app = create_app(settings, manage_db=False)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            rows = []
            for who, city in (("admin", None), ("bureau", "first")):
                user = users[who]
                token = issue_token(settings, user.id, user.token_version).token
                city_id = None
                if city:
                    from models.accounts import RoleBinding

                    binding = await RoleBinding.get(user_id=user.id)
                    city_id = str(binding.city_id)

                async def service(token: str = token) -> Any:
                    response = await http.post(
                        "/graphql",
                        json={"query": QUERY},
                        headers={"authorization": f"Bearer {token}"},
                    )
                    body = response.json()
                    assert "errors" not in body, body
                    return body

                async def hand(city_id: str | None = city_id) -> Any:
                    return await baseline.list_centres(city_id)

                svc_time, svc_mem = await _measure(service, repeat)
                base_time, base_mem = await _measure(hand, repeat)
                rows.append(
                    (f"list centres, nested ({who})", svc_time, base_time, svc_mem, base_mem)
                )
        await Tortoise.close_connections()
    print(f"{centres} centres, median of {repeat} runs")
    print(f"{'operation':34} {'service ms':>10} {'baseline ms':>11} {'time x':>7} {'memory x':>8}")
    for name, st, bt, sm, bm in rows:
        print(f"{name:34} {st * 1000:10.2f} {bt * 1000:11.2f} {st / bt:7.1f} {sm / bm:8.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--centres", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    asyncio.run(main(args.centres, args.repeat, args.database_url))
