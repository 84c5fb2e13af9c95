"""The operator's `mic` commands, run as separate processes against the test database."""

from __future__ import annotations

import asyncio
import os
import sys

from api.settings import Settings
from models.accounts import RoleName
from models.audit import AuditEntry
from tests.helpers import Api, World


async def mic(settings: Settings, *args: str) -> tuple[int, str, str]:
    env = {
        **os.environ,
        "MIC_DATABASE_URL": settings.database_url,
        "MIC_TOKEN_SECRET": settings.token_secret,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "api.cli",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()


async def test_mic_token_prints_a_working_token_for_an_existing_user(
    api: Api, world: World, settings: Settings
) -> None:
    await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450200", username="bureau-liuzhou")
    code, out, _ = await mic(settings, "token", "bureau-liuzhou")
    assert code == 0
    data = await api.ok("{ me { username } }", token=out.strip())
    assert data["me"]["username"] == "bureau-liuzhou"
    # and the minting is audited, with the operator's account
    entry = await AuditEntry.get(action="auth.token_issued")
    assert entry.actor.startswith("mic-cli:") and entry.after["username"] == "bureau-liuzhou"


async def test_mic_token_refuses_an_unknown_user(settings: Settings) -> None:
    code, out, err = await mic(settings, "token", "nobody")
    assert code == 1 and not out and "no active user" in err
