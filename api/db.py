"""Tortoise configuration and start-up/shut-down of the database."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from contextlib import suppress
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from tortoise import Tortoise
from tortoise.backends.base.client import ConnectionWrapper, TransactionContext
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.connection import get_connections
from tortoise.exceptions import DBConnectionError, OperationalError

from api.metrics import POOL_IN_USE, POOL_MAX, POOL_WAITING
from api.settings import Settings
from models import MODEL_MODULES

log = logging.getLogger("mic.db")


def _ensure_sqlite_dir(url: str) -> None:
    if url.startswith("sqlite://") and ":memory:" not in url:
        path = Path(url.removeprefix("sqlite://").split("?", 1)[0])
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            # Not fatal at start-up: the database cannot be opened, so /readyz says 503 and
            # requests answer 503 UNAVAILABLE until it can.
            log.warning("cannot create the directory of the SQLite database %s", path)


def tortoise_config(settings: Settings) -> dict[str, Any]:
    url = settings.database_url
    _ensure_sqlite_dir(url)
    scheme = urlsplit(url).scheme
    if scheme in {"postgres", "postgresql", "asyncpg"}:
        parts = urlsplit(url)
        options = dict(parse_qsl(parts.query))
        # libpq's sslmode (disable, prefer, require, verify-ca, verify-full) is asyncpg's ssl.
        tls = {"ssl": options.pop("sslmode")} if "sslmode" in options else {}
        if options:
            raise ValueError(
                f"MIC_DATABASE_URL: unsupported option(s) {', '.join(sorted(options))}; "
                "only sslmode is understood"
            )
        connection: dict[str, Any] | str = {
            # A bounded pool whose callers wait a bounded time (see api/pg_backend.py).
            "engine": "api.pg_backend",
            "credentials": {
                "host": parts.hostname or "127.0.0.1",
                "port": parts.port or 5432,
                # Percent-encoded in the URL, so that any character can be in a password.
                "user": unquote(parts.username or "postgres"),
                "password": unquote(parts.password or ""),
                "database": unquote(parts.path.lstrip("/")),
                "minsize": 1,
                "maxsize": settings.db_pool_max,
                "acquire_timeout": settings.db_acquire_timeout_s,
                "statement_timeout": settings.db_statement_timeout_s,
                "lock_timeout": settings.db_lock_timeout_s,
                **tls,
            },
        }
    elif scheme == "sqlite":
        connection = expand_db_url(url)
        # SQLite as the service uses it (below): WAL, a busy timeout, writes that take the write
        # lock when their transaction begins (BEGIN IMMEDIATE), so that several workers may
        # share one file without "database is locked" on a lock upgrade.
        connection["engine"] = "api.db"
        credentials = connection.setdefault("credentials", {})
        credentials.setdefault("journal_mode", "WAL")
        credentials.setdefault("busy_timeout", int(settings.db_busy_timeout_s * 1000))
    else:
        connection = url
    return {
        "connections": {"default": connection},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "migrations": "models.migrations",
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def init_db(settings: Settings) -> None:
    # The global fallback makes the context opened in the lifespan task visible to the request
    # tasks that uvicorn starts separately (Tortoise 1.x keeps its context in a contextvar).
    await Tortoise.init(config=tortoise_config(settings), _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()


# --- "The database is unreachable": classified here, once -------------------------------------

# SQLite's messages for a database that is busy past its timeout or cannot be opened at all.
_SQLITE_UNAVAILABLE = (
    "database is locked",
    "database table is locked",
    "unable to open database file",
    "disk i/o error",
)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _is_unavailable_one(exc: BaseException) -> bool:
    import asyncpg

    from api.pg_backend import PoolTimeout

    if isinstance(
        exc,
        PoolTimeout
        | DBConnectionError
        # class 08 (connection exceptions: ConnectionDoesNotExistError, …) and class 57
        # (operator intervention: AdminShutdownError, CannotConnectNowError, QueryCanceledError,
        # i.e. the statement timeout), a lock not had within lock_timeout, too many connections
        | asyncpg.PostgresConnectionError
        | asyncpg.OperatorInterventionError
        | asyncpg.LockNotAvailableError
        | asyncpg.TooManyConnectionsError
        # the client side: a closed connection, a connect refused, reset or timed out
        | asyncpg.InterfaceError
        | ConnectionError
        | TimeoutError,
    ):
        return True
    if isinstance(exc, sqlite3.OperationalError | OperationalError):
        message = str(exc).lower()
        return any(m in message for m in _SQLITE_UNAVAILABLE)
    return False


def database_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) says the database cannot be reached or cannot
    answer in time: the request may be retried later (503 UNAVAILABLE, Retry-After)."""
    return any(_is_unavailable_one(e) for e in _chain(exc))


RETRY_AFTER_S = 2
_OUTAGE_QUIET_S = 60.0


class _OutageLog:
    """One warning line per outage, not a traceback per request: the first fault is logged,
    then at most one line a minute (with how many requests failed meanwhile)."""

    def __init__(self) -> None:
        self._last = -_OUTAGE_QUIET_S  # monotonic time of the last line; < 0: no outage
        self._suppressed = 0

    def note(self, exc: BaseException, request_id: str = "-") -> None:
        now = time.monotonic()
        if now - self._last < _OUTAGE_QUIET_S:
            self._suppressed += 1
            return
        cause = next((e for e in _chain(exc) if _is_unavailable_one(e)), exc)
        log.warning(
            "database unavailable (%s: %s); answering 503 (request %s, %d more since last line)",
            type(cause).__name__,
            str(cause)[:200],
            request_id,
            self._suppressed,
        )
        self._last, self._suppressed = now, 0

    def recovered(self) -> None:
        """The database answered (a readiness probe): the next fault starts a new outage."""
        if self._last >= 0:
            log.warning(
                "database reachable again (%d more failed since last line)", self._suppressed
            )
        self._last, self._suppressed = -_OUTAGE_QUIET_S, 0


outage = _OutageLog()


# --- SQLite: BEGIN IMMEDIATE, and a database that cannot be opened does not wedge the client ----


async def _take(lock: asyncio.Lock) -> None:
    """Take the worker's one SQLite connection (its lock), counted by the pool gauges
    (api/metrics.py): waiting while queued, in use once had."""
    POOL_WAITING.inc()
    try:
        await lock.acquire()
    finally:
        POOL_WAITING.dec()
    POOL_IN_USE.inc()


def _give_back(lock: asyncio.Lock) -> None:
    POOL_IN_USE.dec()
    lock.release()


class _ReleasingConnectionWrapper(ConnectionWrapper[Any]):
    """Tortoise's wrapper keeps its lock when opening the connection fails, and every later
    statement then waits for ever; this one lets go."""

    async def __aenter__(self) -> Any:
        await _take(self._lock)
        try:
            await self.ensure_connection()
        except BaseException:
            _give_back(self._lock)
            raise
        return self.connection

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        _give_back(self._lock)


class _ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        # The write lock is taken when the transaction begins (waiting up to busy_timeout), not
        # on its first write: a deferred transaction that must upgrade its read lock while
        # another process writes fails at once with "database is locked", busy timeout or not.
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise OperationalError(exc) from exc


class _ImmediateTransactionContext(SqliteTransactionContext):
    async def __aenter__(self) -> Any:
        await _take(self._trxlock)
        try:
            await self.ensure_connection()
        except BaseException:
            _give_back(self._trxlock)
            raise
        self.token = get_connections().set(self.connection_name, self.connection)
        try:
            await self.connection.begin()
        except BaseException:
            get_connections().reset(self.token)
            _give_back(self._trxlock)
            raise
        return self.connection

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        try:
            await super().__aexit__(exc_type, exc_val, exc_tb)  # releases the lock at its end
        finally:
            POOL_IN_USE.dec()


class MicSqliteClient(SqliteClient):
    """The SQLite client of the service (engine ``api.db``)."""

    _counted = False  # in mic_db_pool_connections_max (one connection per client)

    async def create_connection(self, with_db: bool) -> None:
        try:
            await super().create_connection(with_db)
        except BaseException:
            opened, self._connection = self._connection, None
            if opened is not None:
                with suppress(Exception):
                    await opened.close()
            raise
        if not self._counted:
            self._counted = True
            POOL_MAX.inc()

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            if self._counted:
                self._counted = False
                POOL_MAX.dec()

    def acquire_connection(self) -> ConnectionWrapper[Any]:
        return _ReleasingConnectionWrapper(self._lock, self)

    def _in_transaction(self) -> TransactionContext:
        return _ImmediateTransactionContext(_ImmediateTransactionWrapper(self), self._lock)


# Tortoise's migration executor picks its schema editor by the client class's module name
# ("sqlite" in it); these classes would live in their own api/sqlite_backend module otherwise.
for _cls in (MicSqliteClient, _ImmediateTransactionWrapper):
    _cls.__module__ = "api.db.sqlite"

client_class = MicSqliteClient
