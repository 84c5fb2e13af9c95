"""In-process measures over httpx.ASGITransport: start-up answers, SQL statements per request,
and peak Python memory (tracemalloc, bytes) during one request, for mic and the baseline."""

from __future__ import annotations

import tracemalloc
from typing import Any

import httpx
import orjson

from bench.baseline_db import Db

MUTATION_IDS = """{ centres(first: 100) { edges { node { id version } } } }"""
BASE_DRAFTS = """SELECT c.id, c.version FROM centre c
JOIN role_binding b ON b.organisation_id = c.lead_organisation_id AND b.role = 'enterprise'
WHERE b.user_id = $1 AND c.status = 'draft' ORDER BY c.id"""


class CountingDb:
    """Wraps the baseline's Db and counts the statements it runs."""

    def __init__(self, db: Db) -> None:
        self.db = db
        self.postgres = db.postgres
        self.count = 0

    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        self.count += 1
        return await self.db.fetch(sql, *args)

    def transaction(self) -> Any:
        outer = self

        class _Tx:
            async def __aenter__(self) -> Any:
                self.cm = outer.db.transaction()
                tx = await self.cm.__aenter__()
                inner = tx.fetch

                async def fetch(sql: str, *args: Any) -> list[dict[str, Any]]:
                    outer.count += 1
                    return await inner(sql, *args)

                tx.fetch = fetch
                return tx

            async def __aexit__(self, *exc: Any) -> Any:
                return await self.cm.__aexit__(*exc)

        return _Tx()

    async def close(self) -> None:
        await self.db.close()


async def post(client: httpx.AsyncClient, path: str, body: str, token: str) -> Any:
    """POST a JSON body; the parsed answer."""
    response = await client.post(
        path,
        content=body.encode(),
        headers={"authorization": f"Bearer {token}", "content-type": "application/json"},
    )
    return orjson.loads(response.content)


def fill(body: str, target: tuple[str, int] | None) -> str:
    """A mutation body with its (id, version); other bodies unchanged."""
    if target is None:
        return body
    return body.replace("__ID__", target[0]).replace("__VERSION__", str(target[1]))


async def mic_drafts(client: httpx.AsyncClient, token: str) -> list[tuple[str, int]]:
    """(id, version) of the draft centres mic's bench enterprise leads, by mic's own ids."""
    body = orjson.dumps({"query": MUTATION_IDS}).decode()
    answer = await post(client, "/graphql", body, token)
    edges = answer["data"]["centres"]["edges"]
    return [(e["node"]["id"], e["node"]["version"]) for e in edges]


async def peak_bytes(client: httpx.AsyncClient, path: str, body: str, token: str) -> int:
    """tracemalloc's peak (bytes) during one request, after a warm-up request."""
    await post(client, path, body, token)
    tracemalloc.start()
    try:
        await post(client, path, body, token)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
