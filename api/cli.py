"""The `mic` command: serve, migrate, seed-demo, token, audit verify, storage sweep,
cultivation expire, create-admin."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

from tortoise import Tortoise

from api.db import close_db, init_db, tortoise_config
from api.metrics import MULTIPROC_ENV
from api.settings import Settings, get_settings

# sysexits.h EX_UNAVAILABLE: a service the command needs (the database) cannot be reached.
EX_UNAVAILABLE = 69


def _operator() -> str:
    # A container's uid may have no passwd entry; the audit entry still says it was the CLI.
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid-{os.getuid()}"


async def _with_db(settings: Settings, work: Callable[[], Awaitable[int]]) -> int:
    await init_db(settings)
    try:
        return await work()
    finally:
        await close_db()


async def _migrate(settings: Settings, cities: Path | None, industries: Path | None) -> int:
    from tortoise.migrations.api.migrate import migrate

    from models.reference_data import load_reference_data

    # A migration may rewrite a large table: no statement timeout (the lock timeout stays, so
    # that a migration waiting behind live traffic fails rather than stalls every request).
    settings = settings.model_copy(update={"db_statement_timeout_s": 0.0})
    try:
        await migrate(config=tortoise_config(settings))
    finally:
        # a failed migration must exit with its error, not hang on an open SQLite thread
        await Tortoise.close_connections()

    async def load() -> int:
        new_cities, new_industries = await load_reference_data(cities, industries)
        print(f"migrated; reference data: {new_cities} new cities, {new_industries} new industries")
        return 0

    return await _with_db(settings, load)


async def _token(settings: Settings, username: str) -> int:
    from tortoise.transactions import in_transaction

    from api.tokens import issue_token
    from models.accounts import User
    from models.audit import AuditEvent, Outcome, append
    from services.text import username_form

    async def work() -> int:
        user = await User.get_or_none(username=username_form(username))
        if user is None or not user.is_active:
            print(f"no active user named {username!r}", file=sys.stderr)
            return 1
        issued = issue_token(settings, user.id, user.token_version)
        # An operator minting a token acts for the user: that is on the record too.
        async with in_transaction() as conn:
            await append(
                AuditEvent(
                    action="auth.token_issued",
                    outcome=Outcome.SUCCESS,
                    actor=f"mic-cli:{_operator()}",
                    object_type="user",
                    object_id=str(user.id),
                    after={"username": user.username, "expires_at": issued.expires_at},
                ),
                conn,
            )
        print(issued.token)
        return 0

    return await _with_db(settings, work)


async def _audit(settings: Settings, command: str, anchors: list[str]) -> int:
    from models.audit import Anchor, AuditHead, verify_chain

    try:
        pinned = tuple(Anchor.parse(a) for a in anchors)
    except ValueError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2

    async def head() -> int:
        row = await AuditHead.get_or_none(id=1)
        print(f"{row.seq}:{row.hash}" if row else "0:empty")
        return 0

    async def work() -> int:
        count, problems = await verify_chain(pinned)
        for problem in problems:
            print(f"entry {problem.seq}: {problem.problem}")
        print(
            f"{count} entries checked: "
            + ("intact" if not problems else f"{len(problems)} problems")
        )
        return 0 if not problems else 1

    return await _with_db(settings, head if command == "head" else work)


async def _storage_sweep(settings: Settings, minutes: int) -> int:
    from datetime import timedelta

    from services.blobstore import open_blob_store
    from services.documents import sweep

    async def work() -> int:
        removed = await sweep(
            open_blob_store(settings), timedelta(minutes=minutes), Path(settings.upload_tmp_dir)
        )
        print(f"removed {removed} abandoned uploads")
        return 0

    return await _with_db(settings, work)


async def _cultivation_expire(settings: Settings) -> int:
    from services.deadlines import expire_cultivation

    async def work() -> int:
        moved = await expire_cultivation()
        for centre_id in moved:
            print(f"centre {centre_id}: cultivation period over, now cultivation_failed")
        print(f"{len(moved)} centre(s) past their cultivation deadline moved")
        return 0

    return await _with_db(settings, work)


async def _seed_demo(settings: Settings, if_empty: bool) -> int:
    from demo import seed_demo

    async def work() -> int:
        summary = await seed_demo(settings.demo_password, only_if_empty=if_empty)
        print(summary)
        return 0

    return await _with_db(settings, work)


async def _create_admin(settings: Settings, username: str, display_name: str) -> int:
    from services.accounts import ensure_admin
    from services.passwords import WeakPassword, check_policy
    from services.text import USERNAME, username_form

    username = username_form(username)
    if not USERNAME.fullmatch(username):
        print("refused: username: 1 to 64 letters, digits, '-', '_' or '.'", file=sys.stderr)
        return 2
    password = os.environ.get("MIC_ADMIN_PASSWORD") or getpass.getpass("password: ")
    try:
        check_policy(password, username)
    except WeakPassword as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2

    async def work() -> int:
        created = await ensure_admin(username, display_name, password)
        print("created" if created else "exists: nothing changed")
        return 0

    return await _with_db(settings, work)


# On SIGTERM uvicorn stops accepting, lets requests in flight finish for this long, then cuts
# the rest (each answered 503 UNAVAILABLE by api/middleware.py) and closes the database pool.
# compose.yaml's stop_grace_period (30 s) leaves room for that and for the pool to close.
GRACEFUL_SHUTDOWN_S = 15


def _graceful_shutdown_s(value: str) -> int:
    seconds = int(value)
    if not 1 <= seconds <= 300:
        raise argparse.ArgumentTypeError("must be 1 to 300 seconds")
    return seconds


def _serve(
    settings: Settings,
    host: str,
    port: int,
    workers: int,
    reload: bool,
    *,
    graceful_shutdown_s: int = GRACEFUL_SHUTDOWN_S,
) -> int:
    """Run uvicorn with the transport limits of ``api.transport`` (each worker process applies
    them to its own connections): httptools pinned, its head size, head and body deadlines and
    connection cap from ``MIC_*``, keep-alive idle time ``MIC_KEEP_ALIVE_S``.

    SIGTERM or SIGINT is a clean stop: requests in flight get ``graceful_shutdown_s`` seconds,
    then the exit status is 0. A worker that fails to start is a fault (uvicorn exits 3).

    Each request is logged once, by the service (api/middleware.py): uvicorn's access log is off.
    With several workers, their metrics meet in a fresh ``PROMETHEUS_MULTIPROC_DIR`` (unless one
    is set already), made before they start and removed at exit, so that a scrape of /metrics
    on any worker sums them all; one worker keeps its metrics in memory."""
    import uvicorn

    from api.transport import LimitedHttpToolsProtocol

    metrics_dir = None
    if workers > 1 and not os.environ.get(MULTIPROC_ENV):
        metrics_dir = tempfile.mkdtemp(prefix="mic-metrics-")
        os.environ[MULTIPROC_ENV] = metrics_dir  # inherited by the worker processes

    # uvicorn re-raises the stop signal once it has shut down; caught here, it ends the process
    # with status 0 instead of being killed by it (143), which would read as a crash.
    stopped_by: list[int] = []
    previous = {
        sig: signal.signal(sig, lambda received, _frame: stopped_by.append(received))
        for sig in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        uvicorn.run(
            "api.asgi:app",
            host=host,
            port=port,
            workers=workers,
            reload=reload,
            http=LimitedHttpToolsProtocol,
            ws="none",  # the service has no WebSocket endpoint: an upgrade is an ordinary request
            timeout_keep_alive=settings.keep_alive_s,
            # The protocol refuses connection max_connections + 1 at once; uvicorn's own check (503
            # when the connections or running requests reach it) then only bounds requests still
            # running after their client left.
            limit_concurrency=settings.max_connections + 1,
            proxy_headers=True,
            forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            timeout_graceful_shutdown=graceful_shutdown_s,
            log_config=None,
            access_log=False,  # the service writes one JSON access line per request
            server_header=False,
        )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if metrics_dir is not None:
            os.environ.pop(MULTIPROC_ENV, None)
            shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="mic", description="Manufacturing Innovation Centre platform"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--reload", action="store_true")
    serve.add_argument(
        "--graceful-shutdown-s",
        type=_graceful_shutdown_s,
        # a string default goes through ``type`` too, and only when `serve` runs
        default=os.environ.get("MIC_GRACEFUL_SHUTDOWN_S", str(GRACEFUL_SHUTDOWN_S)),
        help="seconds requests in flight get after SIGTERM before they are cut with 503 "
        f"(default MIC_GRACEFUL_SHUTDOWN_S or {GRACEFUL_SHUTDOWN_S}); keep it well under "
        "the container's stop grace period",
    )
    migrate = sub.add_parser("migrate", help="apply schema migrations and load reference data")
    migrate.add_argument("--cities", type=Path, help="JSON list of cities (default: Guangxi)")
    migrate.add_argument("--industries", type=Path, help="JSON list of industries")
    seed = sub.add_parser("seed-demo", help="create the demo programme (idempotent)")
    seed.add_argument("--if-empty", action="store_true", help="only when there are no centres yet")
    token = sub.add_parser("token", help="print an access token for an existing user")
    token.add_argument("username")
    audit = sub.add_parser("audit", help="audit log tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="check the hash chain; exit 1 if broken")
    verify.add_argument(
        "--anchor",
        action="append",
        default=[],
        metavar="SEQ:HASH",
        help="an entry's hash kept outside the database (from `mic audit head`); repeatable",
    )
    audit_sub.add_parser(
        "head", help="print the chain head as SEQ:HASH, to keep outside the database"
    )
    storage = sub.add_parser("storage", help="document storage tools")
    storage_sub = storage.add_subparsers(dest="storage_command", required=True)
    sweep = storage_sub.add_parser("sweep", help="remove blobs of uploads that never committed")
    sweep.add_argument("--older-than-minutes", type=int, default=60)
    cultivation = sub.add_parser("cultivation", help="cultivation tools")
    cultivation_sub = cultivation.add_subparsers(dest="cultivation_command", required=True)
    cultivation_sub.add_parser(
        "expire", help="move centres past their 3-year cultivation deadline to cultivation_failed"
    )
    admin = sub.add_parser("create-admin", help="create a provincial administrator")
    admin.add_argument("username")
    admin.add_argument("--display-name", default="Provincial administrator")

    args = parser.parse_args(argv)
    settings = get_settings()
    if args.command == "serve":
        return _serve(
            settings,
            args.host,
            args.port,
            args.workers,
            args.reload,
            graceful_shutdown_s=args.graceful_shutdown_s,
        )
    runners: dict[str, Callable[[], Coroutine[Any, Any, int]]] = {
        "migrate": lambda: _migrate(settings, args.cities, args.industries),
        "seed-demo": lambda: _seed_demo(settings, args.if_empty),
        "token": lambda: _token(settings, args.username),
        "audit": lambda: _audit(settings, args.audit_command, getattr(args, "anchor", [])),
        "storage": lambda: _storage_sweep(settings, args.older_than_minutes),
        "cultivation": lambda: _cultivation_expire(settings),
        "create-admin": lambda: _create_admin(settings, args.username, args.display_name),
    }
    try:
        return asyncio.run(runners[args.command]())
    except Exception as exc:
        from api.db import database_unavailable

        if not database_unavailable(exc):
            raise
        cause = str(exc) or type(exc).__name__
        print(
            f"mic {args.command}: the database is unavailable ({cause}); nothing was done. "
            "Check MIC_DATABASE_URL and that the database is running, then try again.",
            file=sys.stderr,
        )
        return EX_UNAVAILABLE


if __name__ == "__main__":
    raise SystemExit(main())
