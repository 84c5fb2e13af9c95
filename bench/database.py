"""The benchmark's database: a fresh SQLite file or PostgreSQL database, migrated and filled.

PostgreSQL is the local server at 127.0.0.1:5432, user postgres, trust authentication; each
run creates ``mic_bench_<pid>_<scale>`` and drops it afterwards.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import asyncpg
from tortoise import Tortoise
from tortoise.migrations.api.migrate import migrate

from api.db import tortoise_config
from api.settings import Settings
from bench import dataset
from models.reference_data import load_reference_data

PG_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
TOKEN_SECRET = "bench-" + "s" * 40  # the same secret for mic, the baseline and the peer


def database_url(db: str, scale: int, tmp: Path) -> str:
    """The Tortoise URL of this run's database at ``scale``."""
    if db == "sqlite":
        return f"sqlite://{tmp / f'bench-{scale}.sqlite3'}"
    return f"postgres://postgres@127.0.0.1:5432/mic_bench_{os.getpid()}_{scale}"


def pg_name(url: str) -> str:
    return url.rsplit("/", 1)[1]


def pg_dsn(url: str) -> str:
    """An asyncpg/libpq DSN for a Tortoise ``postgres://`` URL."""
    return "postgresql://" + url.split("://", 1)[1]


def settings_for(url: str) -> Settings:
    return Settings(env="test", database_url=url, token_secret=TOKEN_SECRET, log_level="WARNING")


async def create(url: str, scale: int) -> dataset.Built:
    """Create (PostgreSQL), migrate and fill the database; leaves Tortoise initialised."""
    if url.startswith("postgres"):
        admin = await asyncpg.connect(PG_ADMIN_DSN)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{pg_name(url)}"')
            await admin.execute(f'CREATE DATABASE "{pg_name(url)}"')
        finally:
            await admin.close()
    config = tortoise_config(settings_for(url))
    await migrate(config=config)
    await Tortoise.close_connections()
    await Tortoise.init(config=config)
    await load_reference_data()
    started = time.perf_counter()
    built = await dataset.build(scale)
    built.counts["build_s"] = round(time.perf_counter() - started, 2)  # type: ignore[assignment]
    if url.startswith("postgres"):
        # JIT off for every server alike (mic sets it on its own connections, api/pg_backend.py):
        # it costs the peer and the baseline as much as it cost mic (~0.6 s a page at scale 10).
        await execute(url, ["ANALYZE", f'ALTER DATABASE "{pg_name(url)}" SET jit = off'])
    return built


async def drop(url: str) -> None:
    """Drop this run's PostgreSQL database (SQLite files go with their temporary folder)."""
    if not url.startswith("postgres"):
        return
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{pg_name(url)}" WITH (FORCE)')
    finally:
        await admin.close()


async def execute(url: str, statements: Sequence[str]) -> None:
    """Run DDL/SQL statements on this run's PostgreSQL database, in order."""
    conn = await asyncpg.connect(pg_dsn(url))
    try:
        for sql in statements:
            await conn.execute(sql)
    finally:
        await conn.close()


async def fetch(url: str, sql: str, *args: Any) -> list[dict[str, Any]]:
    """Rows of one query, as dicts, on either database (``$n`` placeholders)."""
    if url.startswith("postgres"):
        conn = await asyncpg.connect(pg_dsn(url))
        try:
            return [dict(r) for r in await conn.fetch(sql, *args)]
        finally:
            await conn.close()
    import aiosqlite

    async with aiosqlite.connect(url.split("://", 1)[1]) as lite:
        lite.row_factory = aiosqlite.Row
        cursor = await lite.execute(_qmarks(sql), args)
        return [dict(r) for r in await cursor.fetchall()]


def _qmarks(sql: str) -> str:
    """``$1, $2 ...`` placeholders as SQLite's ``?`` (each used once, in order)."""
    import re

    return re.sub(r"\$\d+", "?", sql)
