"""Test harness: one database per run (SQLite file by default, PostgreSQL when
MIC_TEST_DATABASE_URL says so), migrated with the real migrations, emptied between tests.

A PostgreSQL URL that cannot be reached fails the run: it never silently skips.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from tortoise import Tortoise, connections
from tortoise.migrations.api.migrate import migrate

from api.app import create_app
from api.db import tortoise_config
from api.settings import Settings
from api.statements import StatementCounter, counting_statements
from models.reference_data import load_reference_data
from tests.helpers import Api, World

TEST_SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz"

# Tables emptied before each test (reference data and the migration record stay).
_DATA_TABLES = [
    "audit_head",
    "audit_entry",
    "login_throttle",
    "ip_revenue_share",
    "ip_transfer",
    "ip_share",
    "ip_share_set",
    "ip_asset",
    "ledger_entry",
    "subsidy_decision",
    "national_support_plan",
    "annual_report_version",
    "report_verification",
    "annual_report",
    "assessment",
    "score",
    "review_assignment",
    "review",
    "indicator_progress",
    "indicator",
    "task_agreement",
    "inspection",
    "centre_status_event",
    "pending_blob",
    "document_version",
    "document",
    "role_binding",
    "alliance_member",
    "centre",
    "call",
    "app_user",
    "organisation",
]


def _database_url(tmp: Path) -> str:
    url = os.environ.get("MIC_TEST_DATABASE_URL", "").strip()
    return url or f"sqlite://{tmp / 'mic-test.sqlite3'}"


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    tmp = tmp_path_factory.mktemp("mic")
    return Settings(
        env="test",
        database_url=_database_url(tmp),
        token_secret=TEST_SECRET,
        login_max_failures=5,
        login_lockout_s=900,
        max_body_bytes=64 * 1024,
        storage_url=f"file:{tmp / 'blobs'}",
        upload_tmp_dir=str(tmp / "uploads"),
        max_upload_bytes=512 * 1024,
    )


@pytest.fixture(scope="session")
def dialect(settings: Settings) -> str:
    return "postgres" if settings.database_url.startswith(("postgres", "asyncpg")) else "sqlite"


@pytest_asyncio.fixture(scope="session")
async def database(settings: Settings) -> AsyncIterator[None]:
    config = tortoise_config(settings)
    await migrate(config=config)  # the real migrations, on both databases
    await Tortoise.close_connections()
    await Tortoise.init(config=config)
    await load_reference_data()
    yield
    await Tortoise.close_connections()


@pytest_asyncio.fixture(autouse=True)
async def clean(database: None, dialect: str) -> AsyncIterator[None]:
    conn = connections.get("default")
    # Reversals first: a reversal holds on to the disbursement it undoes (ON DELETE RESTRICT is
    # checked row by row), and is never itself reversed. DELETE rather than TRUNCATE on
    # PostgreSQL too: on tables of a few rows it is several times faster per test.
    statements = ["DELETE FROM ledger_entry WHERE reverses_id IS NOT NULL"]
    statements += [f"DELETE FROM {table}" for table in _DATA_TABLES]
    if dialect == "postgres":
        await conn.execute_script(";\n".join(statements))
    else:
        for statement in statements:
            await conn.execute_script(statement)
    yield


@pytest.fixture(scope="session")
def app(settings: Settings, database: None) -> object:
    return create_app(settings, manage_db=False)


@pytest_asyncio.fixture
async def client(app: object) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://mic.test") as http:
        yield http


@pytest.fixture
def api(client: httpx.AsyncClient, settings: Settings) -> Api:
    return Api(client, settings)


@pytest.fixture
def world(settings: Settings) -> World:
    return World(settings)


@pytest.fixture
def sql_counter() -> Iterator[StatementCounter]:
    with counting_statements() as counter:
        yield counter
