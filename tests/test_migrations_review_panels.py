"""Migration 0006 (expert panels over a subject) keeps the reviews already stored: each becomes
its centre's selection panel, with its assignments and scores, on the database under test
(SQLite by default, PostgreSQL when MIC_TEST_DATABASE_URL says so)."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

from tortoise import connections

from api.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


async def _probe(url: str) -> dict[str, object]:
    # A separate process: migrating another database would disturb this one's Tortoise state.
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.review_panels_migration",
        url,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    found: dict[str, object] = json.loads(out.decode().splitlines()[-1])
    return found


async def test_existing_reviews_become_their_centres_selection_panels(
    settings: Settings, dialect: str, tmp_path: Path
) -> None:
    # given a database at 0005 holding two reviews, each with an assignment and a score
    if dialect == "postgres":
        name = f"mic_probe_{uuid4().hex[:12]}"
        await connections.get("default").execute_script(f'CREATE DATABASE "{name}"')
        url = urlunsplit(urlsplit(settings.database_url)._replace(path=f"/{name}"))
    else:
        url = f"sqlite://{tmp_path / 'probe.sqlite3'}"
    # when it is migrated to the latest
    try:
        found = await _probe(url)
    finally:
        if dialect == "postgres":
            await connections.get("default").execute_script(f'DROP DATABASE "{name}"')
    # then each review is its centre's selection panel on the selection criteria, and the
    # assignments and scores that point at it are all still there
    assert found == {
        "reviews": [["selection", True, "selection"], ["selection", True, "selection"]],
        "assignments": 2,
        "scores": 2,
    }
