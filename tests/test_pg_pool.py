"""The PostgreSQL pool waits a bounded time for a connection, then raises PoolTimeout."""

from __future__ import annotations

import pytest

from api.pg_backend import BoundedAsyncpgClient, PoolTimeout
from api.settings import Settings


async def test_pool_acquire_times_out_instead_of_hanging(settings: Settings, dialect: str) -> None:
    if dialect != "postgres":
        pytest.skip("runs in the PostgreSQL pass of the suite")
    from urllib.parse import urlsplit

    url = urlsplit(settings.database_url)
    client = BoundedAsyncpgClient(
        connection_name="pool-test",
        host=url.hostname,
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password or "",
        database=url.path.lstrip("/"),
        minsize=1,
        maxsize=1,
        acquire_timeout=0.2,
    )
    await client.create_connection(with_db=True)
    try:
        pool = client._pool
        held = await pool.acquire()
        with pytest.raises(PoolTimeout):
            await pool.acquire()
        await pool.release(held)
        again = await pool.acquire()
        await pool.release(again)
    finally:
        await client.close()
