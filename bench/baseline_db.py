"""The baseline's database access: the plain driver (asyncpg or aiosqlite), no ORM.

SQL is written once with ``$1, $2 ...`` placeholders; SQLite gets them as ``?``. A list
parameter is ``= ANY($n::uuid[])`` on PostgreSQL and an expanded ``IN (?, ...)`` on SQLite.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, Protocol

POOL_MAX = 10  # like mic's MIC_DB_POOL_MAX default


class Db(Protocol):
    postgres: bool

    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]: ...

    def transaction(self) -> Any: ...

    async def close(self) -> None: ...


def any_of(db: Db, column: str, n: int, count: int) -> str:
    """``column`` in the list parameter ``$n`` (``count`` values on SQLite)."""
    if db.postgres:
        return f"{column} = ANY(${n}::uuid[])"
    return f"{column} IN ({', '.join('?' for _ in range(count)) or 'NULL'})"


class PgDb:
    """An asyncpg pool; UUID columns come back as ``uuid.UUID``."""

    postgres = True

    def __init__(self, pool: Any) -> None:
        self.pool = pool

    @classmethod
    async def open(cls, dsn: str) -> PgDb:
        import asyncpg

        return cls(await asyncpg.create_pool(dsn, min_size=1, max_size=POOL_MAX))

    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        async with self.pool.acquire() as conn:
            return [dict(r) for r in await conn.fetch(sql, *args)]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PgTx]:
        async with self.pool.acquire() as conn, conn.transaction():
            yield PgTx(conn)

    async def close(self) -> None:
        await self.pool.close()


class PgTx:
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        return [dict(r) for r in await self.conn.fetch(sql, *args)]


class LiteDb:
    """One aiosqlite connection (SQLite has one writer anyway); writes hold a lock."""

    postgres = False

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str) -> LiteDb:
        import aiosqlite

        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA busy_timeout=5000")
        return cls(conn)

    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        cursor = await self.conn.execute(_qmarks(sql), _flat(args))
        return [dict(r) for r in await cursor.fetchall()]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[LiteDb]:
        async with self.lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    async def close(self) -> None:
        await self.conn.close()


def _qmarks(sql: str) -> str:
    return re.sub(r"\$\d+(::\w+)?", "?", sql)


def _flat(args: Sequence[Any]) -> list[Any]:
    """List parameters spread out (SQLite's expanded IN lists); UUIDs as their text."""
    out: list[Any] = []
    for a in args:
        out.extend(str(v) for v in a) if isinstance(a, list | tuple) else out.append(a)
    return out


async def open_db(url: str) -> Db:
    """The driver for a Tortoise URL (``sqlite://path`` or ``postgres://...``)."""
    if url.startswith("postgres"):
        return await PgDb.open("postgresql://" + url.split("://", 1)[1])
    return await LiteDb.open(url.split("://", 1)[1])
