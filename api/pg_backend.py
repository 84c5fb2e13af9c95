"""asyncpg backend whose pool waits a bounded time for a connection.

Tortoise's asyncpg pool waits for a free connection forever; under overload we would rather
answer 503 quickly (PoolTimeout) than hang every request.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient

from api.metrics import POOL_IN_USE, POOL_MAX, POOL_WAITING


class PoolTimeout(Exception):
    """No database connection became free in time."""


class _BoundedAcquire:
    def __init__(self, pool: asyncpg.Pool, timeout: float) -> None:
        self._pool, self._timeout = pool, timeout

    def __await__(self) -> Any:
        return self._acquire().__await__()

    async def _acquire(self) -> Any:
        POOL_WAITING.inc()  # the metrics' pool gauges (api/metrics.py)
        try:
            connection = await self._pool.acquire(timeout=self._timeout)
        except TimeoutError as exc:
            raise PoolTimeout("no database connection free") from exc
        finally:
            POOL_WAITING.dec()
        POOL_IN_USE.inc()
        return connection


class _BoundedPool:
    """Proxy that adds a timeout to ``acquire``; everything else goes to the real pool."""

    def __init__(self, pool: asyncpg.Pool, timeout: float) -> None:
        self._pool, self._timeout = pool, timeout

    def acquire(self) -> _BoundedAcquire:
        return _BoundedAcquire(self._pool, self._timeout)

    async def release(self, connection: Any) -> None:
        try:
            await self._pool.release(connection)
        finally:
            POOL_IN_USE.dec()

    async def close(self) -> None:
        try:
            await self._pool.close()
        finally:
            POOL_MAX.dec(self._pool.get_max_size())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)


class BoundedAsyncpgClient(AsyncpgDBClient):
    def __init__(
        self,
        *args: Any,
        acquire_timeout: float = 5.0,
        statement_timeout: float = 0.0,
        lock_timeout: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._acquire_timeout = float(acquire_timeout)
        # Bounds on every connection of the pool, in milliseconds (0 = none): a statement that
        # runs too long raises QueryCanceledError, a lock not had in time LockNotAvailableError;
        # both are answered 503 UNAVAILABLE (api/db.py database_unavailable).
        bounds = {"statement_timeout": statement_timeout, "lock_timeout": lock_timeout}
        for name, seconds in bounds.items():
            if float(seconds) > 0:
                self.server_settings[name] = str(int(float(seconds) * 1000))
        # No JIT: the compiled read path's one statement per page has a high estimated cost, and
        # PostgreSQL would spend ~0.5 s compiling it to answer in ~20 ms (issue 11, measured at
        # scale 10). Short OLTP statements never repay JIT compilation.
        self.server_settings["jit"] = "off"

    async def create_pool(self, **kwargs: Any) -> Any:
        pool = await asyncio.wait_for(asyncpg.create_pool(None, **kwargs), timeout=30)
        POOL_MAX.inc(pool.get_max_size())
        return _BoundedPool(pool, self._acquire_timeout)


client_class = BoundedAsyncpgClient
