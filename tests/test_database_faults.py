"""Database faults: an unreachable or overloaded database answers 503 UNAVAILABLE with
Retry-After and the request id, one warning line per outage, and writes nothing; a worker starts
without its database; the CLI says so and exits non-zero; statements and locks are bounded."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest
from tortoise.exceptions import DBConnectionError, OperationalError

from api.db import database_unavailable
from api.pg_backend import PoolTimeout
from api.settings import Settings
from models.accounts import RoleName
from models.centres import Centre, CentreStatus
from tests.helpers import Api, World, error_codes

ROOT = Path(__file__).resolve().parent.parent
# A port where nothing listens: connecting is refused at once.
UNREACHABLE_PG = "postgres://postgres@127.0.0.1:1/mic_nowhere"

MARK = """mutation($id: ID!, $c: String!) { markNational(id: $id, comment: $c) { isNational } }"""


# --- one classification ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "exc",
    [
        PoolTimeout("no database connection free"),
        ConnectionRefusedError(111, "Connect call failed"),
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.QueryCanceledError("canceling statement due to statement timeout"),
        asyncpg.LockNotAvailableError("canceling statement due to lock timeout"),
        asyncpg.InterfaceError("connection is closed"),
        DBConnectionError("Can't establish connection"),
        OperationalError(sqlite3.OperationalError("database is locked")),
        sqlite3.OperationalError("unable to open database file"),
    ],
)
def test_database_unreachable_is_classified_in_one_place(exc: BaseException) -> None:
    assert database_unavailable(exc)
    # also when wrapped by whatever raised it on the way up
    try:
        try:
            raise exc
        except BaseException as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert database_unavailable(outer)


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("bad"),
        OperationalError(sqlite3.OperationalError("no such table: centre")),
        asyncpg.UniqueViolationError("duplicate key"),
        KeyError("x"),
    ],
)
def test_other_faults_are_not_unavailable(exc: BaseException) -> None:
    assert not database_unavailable(exc)


def test_one_warning_line_per_outage(caplog: pytest.LogCaptureFixture) -> None:
    from api.db import _OutageLog

    log = _OutageLog()
    with caplog.at_level(logging.WARNING, logger="mic.db"):
        for n in range(5):
            log.note(ConnectionRefusedError(111, "refused"), f"r{n}")
        assert len(caplog.records) == 1
        assert "r0" in caplog.records[0].getMessage()
        assert caplog.records[0].exc_info is None
        log.recovered()  # the database answered: the outage is over
        log.recovered()
        log.note(asyncpg.CannotConnectNowError("starting up"), "r9")
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 3, lines
    assert "reachable again (4 more" in lines[1]
    assert "CannotConnectNowError" in lines[2]


# --- a worker whose database is unreachable (run in its own process: its own Tortoise) -------

_UNREACHABLE_APP = r"""
import json, logging, sys, uuid
from starlette.testclient import TestClient
from api.app import create_app
from api.settings import Settings
from api.tokens import issue_token

records = []
class Keep(logging.Handler):
    def emit(self, r):
        records.append({"level": r.levelname, "msg": r.getMessage(), "tb": r.exc_info is not None})
logging.getLogger().addHandler(Keep())
logging.getLogger().setLevel(logging.INFO)

url, tmp = sys.argv[1], sys.argv[2]
settings = Settings(
    env="test", database_url=url, token_secret="t" * 48, storage_url=f"file:{tmp}/blobs",
    upload_tmp_dir=f"{tmp}/uploads", db_acquire_timeout_s=1, deadline_sweep_s=0,
)
token = issue_token(settings, uuid.uuid4(), 0).token
auth = {"authorization": f"Bearer {token}"}
out = {"graphql": [], "document": []}
with TestClient(create_app(settings), raise_server_exceptions=False) as client:
    out["started"] = True
    out["healthz"] = client.get("/healthz").status_code
    out["readyz"] = client.get("/readyz").status_code
    for n in range(3):
        rid = f"fault-gql-{n}"
        r = client.post("/graphql", json={"query": "{ centres { totalCount } }"},
                        headers={**auth, "x-request-id": rid})
        out["graphql"].append({"rid": rid, "status": r.status_code, "retry": r.headers.get("retry-after"), "body": r.json()})
    rid = "fault-doc-0"
    r = client.get(f"/documents/{uuid.uuid4()}/content", headers={**auth, "x-request-id": rid})
    out["document"].append({"rid": rid, "status": r.status_code, "retry": r.headers.get("retry-after"), "body": r.json()})
    if url.startswith("sqlite://"):
        # the database comes back: its directory appears where a file stood
        import pathlib
        folder = pathlib.Path(url.removeprefix("sqlite://")).parent
        folder.unlink()
        folder.mkdir()
        out["readyz_after"] = client.get("/readyz").status_code
out["records"] = records
print("RESULT " + json.dumps(out))
"""


def _run_unreachable(url: str, tmp: Path) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env = {k: v for k, v in env.items() if not k.startswith("MIC_")}
    done = subprocess.run(
        [sys.executable, "-c", _UNREACHABLE_APP, url, str(tmp)],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    result: dict[str, object] = json.loads(line.removeprefix("RESULT "))
    return result


def _unopenable_sqlite(tmp: Path) -> str:
    blocker = tmp / "not-a-directory"
    blocker.write_text("a file where the database's directory should be")
    return f"sqlite://{blocker / 'mic.sqlite3'}"


@pytest.mark.parametrize("kind", ["postgres-nothing-listens", "sqlite-cannot-open"])
def test_a_worker_starts_without_its_database_and_answers_503(kind: str, tmp_path: Path) -> None:
    url = UNREACHABLE_PG if kind.startswith("postgres") else _unopenable_sqlite(tmp_path)
    out = _run_unreachable(url, tmp_path)
    # the lifespan completed: the worker is up, alive, and says it is not ready
    assert out["started"] is True
    assert out["healthz"] == 200
    assert out["readyz"] == 503
    answers = [*out["graphql"], *out["document"]]  # type: ignore[misc]
    for answer in answers:
        assert answer["status"] == 503, answer
        assert answer["retry"] == "2", answer
        (error,) = answer["body"]["errors"]
        assert error["extensions"]["code"] == "UNAVAILABLE", answer
        assert error["extensions"]["requestId"] == answer["rid"], answer
        assert answer["rid"] in error["message"]
    records = out["records"]
    # one warning line for the outage, never a traceback per request
    outage = [r for r in records if "database unavailable" in r["msg"]]  # type: ignore[attr-defined]
    assert len(outage) == 1, records
    assert not [r for r in records if r["tb"]], records  # type: ignore[attr-defined]
    if kind.startswith("sqlite"):
        # and once the database can be opened, the same worker is ready without a restart
        assert out["readyz_after"] == 200, out


_CLI = "from api.cli import main; raise SystemExit(main())"


def test_the_cli_says_the_database_is_unavailable_and_exits_non_zero(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIC_")}
    env |= {"PYTHONPATH": str(ROOT), "MIC_DATABASE_URL": UNREACHABLE_PG}
    done = subprocess.run(
        [sys.executable, "-c", _CLI, "cultivation", "expire"],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 69, (done.returncode, done.stderr[-2000:])
    assert "the database is unavailable" in done.stderr
    assert "Traceback" not in done.stderr


# --- PostgreSQL: connections terminated under the service, a lock held too long --------------


def _pg_dsn(settings: Settings) -> str:
    url = urlsplit(settings.database_url)
    return f"postgresql://{url.username or 'postgres'}:{url.password or ''}@{url.hostname}:{url.port or 5432}{url.path}"


async def _terminate_backends(settings: Settings, *keep: int) -> int:
    conn = await asyncpg.connect(_pg_dsn(settings))
    try:
        rows = await conn.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND NOT pid = ANY($1::int[])",
            list(keep),
        )
        return len(rows)
    finally:
        await conn.close()


async def _waiting_for_lock(settings: Settings) -> bool:
    conn = await asyncpg.connect(_pg_dsn(settings))
    try:
        waiting = await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock'"
        )
        return bool(waiting)
    finally:
        await conn.close()


async def test_idle_connections_terminated_are_replaced_without_an_error(
    api: Api, world: World, settings: Settings, dialect: str
) -> None:
    if dialect != "postgres":
        pytest.skip("SQLite has no server whose connections can be terminated")
    staff = world.token(await world.user(RoleName.PROVINCIAL_STAFF))
    await api.ok("{ centres { totalCount } }", token=staff)
    assert await _terminate_backends(settings) >= 1
    await asyncio.sleep(0.2)
    for _ in range(3):
        await api.ok("{ centres { totalCount } }", token=staff)


async def test_connections_terminated_mid_request_answer_503_and_write_nothing(
    api: Api, world: World, settings: Settings, dialect: str
) -> None:
    if dialect != "postgres":
        pytest.skip("SQLite has no server whose connections can be terminated")
    lead = await world.organisation("450200")
    centre = await world.centre(lead, status=CentreStatus.ESTABLISHED)
    staff = world.token(await world.user(RoleName.PROVINCIAL_STAFF))
    before = await Centre.get(id=centre.id)
    holder = await asyncpg.connect(_pg_dsn(settings))
    try:
        # given a mutation under way (waiting for a row another connection holds)
        await holder.execute("BEGIN")
        await holder.execute("SELECT id FROM centre WHERE id = $1 FOR UPDATE", centre.id)
        request = asyncio.create_task(
            api.client.post(
                "/graphql",
                json={"query": MARK, "variables": {"id": str(centre.id), "c": "国家级"}},
                headers={"authorization": f"Bearer {staff}", "x-request-id": "killed-1"},
            )
        )
        for _ in range(100):
            if await _waiting_for_lock(settings):
                break
            await asyncio.sleep(0.02)
        # when an administrator terminates the service's connections
        assert await _terminate_backends(settings, await holder.fetchval("SELECT pg_backend_pid()"))
        response = await asyncio.wait_for(request, timeout=30)
    finally:
        await holder.execute("ROLLBACK")
        await holder.close()
    # then the request answers 503 UNAVAILABLE with its request id, and nothing was written
    assert response.status_code == 503, response.text
    body = response.json()
    assert error_codes(body) == ["UNAVAILABLE"]
    assert body["errors"][0]["extensions"]["requestId"] == "killed-1"
    assert "killed-1" in body["errors"][0]["message"]
    assert response.headers["retry-after"] == "2"
    after = await Centre.get(id=centre.id)
    assert (after.is_national, after.version) == (before.is_national, before.version)
    # and the service recovers by itself: the same mutation now succeeds
    await api.ok(MARK, {"id": str(centre.id), "c": "国家级"}, token=staff)


async def test_a_row_lock_held_elsewhere_answers_503_within_the_lock_timeout(
    api: Api, world: World, settings: Settings, dialect: str
) -> None:
    if dialect != "postgres":
        pytest.skip("SQLite locks the whole database (see the SQLite write tests)")
    lead = await world.organisation("450200")
    centre = await world.centre(lead, status=CentreStatus.ESTABLISHED)
    staff = world.token(await world.user(RoleName.PROVINCIAL_STAFF))
    before = await Centre.get(id=centre.id)
    holder = await asyncpg.connect(_pg_dsn(settings))
    try:
        # given another connection holds the centre's row lock
        await holder.execute("BEGIN")
        await holder.execute("SELECT id FROM centre WHERE id = $1 FOR UPDATE", centre.id)
        # when staff send a mutation that needs that row
        started = time.monotonic()
        response = await asyncio.wait_for(
            api.client.post(
                "/graphql",
                json={"query": MARK, "variables": {"id": str(centre.id), "c": "国家级"}},
                headers={"authorization": f"Bearer {staff}", "x-request-id": "locked-1"},
            ),
            timeout=settings.db_lock_timeout_s + 10,
        )
        elapsed = time.monotonic() - started
    finally:
        await holder.execute("ROLLBACK")
        await holder.close()
    # then it is refused as "try again" within the lock timeout, not held for ever
    assert response.status_code == 503, response.text
    body = response.json()
    assert error_codes(body) == ["UNAVAILABLE"]
    assert body["errors"][0]["extensions"]["requestId"] == "locked-1"
    assert response.headers["retry-after"] == "2"
    assert elapsed < settings.db_lock_timeout_s + 3
    after = await Centre.get(id=centre.id)
    assert (after.is_national, after.version) == (before.is_national, before.version)


# --- SQLite: two worker processes writing at once lose nothing --------------------------------

_SQLITE_WRITER = r"""
import asyncio, sys, time
from tortoise.transactions import in_transaction
from api.db import close_db, init_db, tortoise_config
from api.settings import Settings
from models.audit import AuditEvent, Outcome, append

url, who, n, start_at = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])

async def main() -> None:
    settings = Settings(database_url=url)
    if who == "migrate":
        from tortoise.migrations.api.migrate import migrate
        await migrate(config=tortoise_config(settings))
        from tortoise import Tortoise
        await Tortoise.close_connections()
        return
    await init_db(settings)
    time.sleep(max(0.0, start_at - time.time()))
    try:
        for i in range(n):
            # read the chain head, then write after it: the pattern that loses or refuses writes
            # when two processes upgrade their read locks at once
            async with in_transaction() as conn:
                await append(
                    AuditEvent(action="test.write", outcome=Outcome.SUCCESS, actor=who,
                               object_type="t", object_id=str(i)),
                    conn,
                )
    finally:
        await close_db()

asyncio.run(main())
"""


def test_two_sqlite_workers_writing_at_once_lose_no_write(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'shared.sqlite3'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIC_")}
    env |= {"PYTHONPATH": str(ROOT)}

    def run(who: str, n: int, start_at: float) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", _SQLITE_WRITER, url, who, str(n), str(start_at)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    migrate = run("migrate", 0, 0)
    _, err = migrate.communicate(timeout=120)
    assert migrate.returncode == 0, err[-3000:]
    n = 60
    start_at = time.time() + 3
    workers = [run("worker-a", n, start_at), run("worker-b", n, start_at)]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err[-3000:]
        assert "database is locked" not in err
    with sqlite3.connect(tmp_path / "shared.sqlite3") as db:
        total, distinct, top = db.execute(
            "SELECT count(*), count(DISTINCT seq), max(seq) FROM audit_entry"
        ).fetchone()
        by_actor = dict(db.execute("SELECT actor, count(*) FROM audit_entry GROUP BY actor"))
    assert (total, distinct, top) == (2 * n, 2 * n, 2 * n)
    assert by_actor == {"worker-a": n, "worker-b": n}


async def test_the_deadline_sweep_logs_an_outage_as_one_warning_without_traceback(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # given a sweep whose database is unreachable
    from services import deadlines

    async def unreachable(*_: object) -> list[object]:
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setattr(deadlines, "expire_cultivation", unreachable)
    # when it runs a few periods
    with caplog.at_level("WARNING", logger="mic.deadlines"):
        task = asyncio.create_task(
            deadlines.run_periodically(timedelta(milliseconds=10), database_unavailable)
        )
        await asyncio.sleep(0.1)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    # then each run is a warning naming the outage, never a traceback
    records = [r for r in caplog.records if r.name == "mic.deadlines"]
    assert records and all(r.exc_info is None for r in records)
    assert all("database unavailable" in r.getMessage() for r in records)


def test_asyncpg_reconnect_warnings_carry_no_traceback() -> None:
    # given asyncpg's pool logging a failed reconnect with its exception, as it does in an outage
    from api.logging import JsonFormatter, OutageWithoutTraceback

    try:
        raise ConnectionRefusedError(111, "Connection refused")
    except ConnectionRefusedError:
        record = logging.LogRecord(
            "asyncpg.pool", logging.WARNING, __file__, 1, "Failed to restore", None, sys.exc_info()
        )
    # when it passes the service's filter and formatter
    assert OutageWithoutTraceback().filter(record)
    line = json.loads(JsonFormatter().format(record))
    # then the line names the error in one line, with no traceback
    assert "exception" not in line and "Traceback" not in json.dumps(line)
    assert line["error"].startswith("ConnectionRefusedError")
