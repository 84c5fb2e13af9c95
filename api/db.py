"""Tortoise configuration and start-up/shut-down of the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from tortoise import Tortoise

from api.settings import Settings
from models import MODEL_MODULES


def _ensure_sqlite_dir(url: str) -> None:
    if url.startswith("sqlite://") and ":memory:" not in url:
        path = Path(url.removeprefix("sqlite://").split("?", 1)[0])
        path.parent.mkdir(parents=True, exist_ok=True)


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
                **tls,
            },
        }
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
