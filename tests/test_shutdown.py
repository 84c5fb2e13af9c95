"""Graceful shutdown of `mic serve`: requests in flight finish within the grace period, those
still running after it are answered 503 UNAVAILABLE in JSON, and a clean SIGTERM exits 0.

The real server in its own process (like tests/test_served.py), with a 2-second grace period.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from api.settings import Settings
from models.accounts import RoleName
from models.documents import Document, PendingBlob
from tests.helpers import World

GRACE_S = 2
PDF = b"%PDF-1.7\n" + os.urandom(64 * 1024) + b"\n%%EOF\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    process: asyncio.subprocess.Process
    port: int

    async def stop(self) -> tuple[int, str]:
        """SIGTERM; the exit status and what the server logged."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(self.process.communicate(), timeout=GRACE_S + 20)
        assert self.process.returncode is not None
        return self.process.returncode, err.decode()


@pytest.fixture
async def served(settings: Settings, database: None) -> AsyncIterator[Served]:
    port = _free_port()
    env = {
        **os.environ,
        "MIC_DATABASE_URL": settings.database_url,
        "MIC_TOKEN_SECRET": settings.token_secret,
        "MIC_STORAGE_URL": settings.storage_url,
        "MIC_UPLOAD_TMP_DIR": settings.upload_tmp_dir,
        "MIC_MAX_UPLOAD_BYTES": str(settings.max_upload_bytes),
        "MIC_BODY_TIMEOUT_S": "60",  # the body deadline must not end the slow upload first
        "MIC_DEADLINE_SWEEP_S": "0",
        "MIC_LOG_LEVEL": "INFO",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "api.cli",
        "serve",
        "--port",
        str(port),
        "--graceful-shutdown-s",
        str(GRACE_S),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    served = Served(process, port)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
            for _ in range(100):
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
        yield served
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def _slow_upload(
    world: World, port: int, request_id: str
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Start an upload whose body is only partly sent: the handler waits for the rest."""
    lead_org = await world.organisation("450200")
    centre = await world.centre(lead_org)
    token = world.token(await world.user(RoleName.ENTERPRISE, organisation=lead_org))
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"POST /documents?centreId={centre.id}&kind=CONSTRUCTION_PLAN&title=plan"
        f"&fileName=plan.pdf HTTP/1.1\r\nhost: mic.test\r\nauthorization: Bearer {token}\r\n"
        f"x-request-id: {request_id}\r\ncontent-length: {len(PDF)}\r\n\r\n"
    )
    writer.write(head.encode() + PDF[:8192])
    await writer.drain()
    await asyncio.sleep(1.0)  # the handler has authorised and is spooling the body
    return reader, writer


def _parse(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, body


def _spooled(settings: Settings) -> list[Path]:
    return list(Path(settings.upload_tmp_dir).glob("upload-*"))


async def test_shutdown_a_clean_sigterm_exits_0(served: Served) -> None:
    started = time.monotonic()
    status, log = await served.stop()
    assert status == 0, log[-2000:]
    assert time.monotonic() - started < GRACE_S + 5, log[-2000:]
    assert "Application shutdown complete" in log, log[-2000:]


async def test_shutdown_a_request_finishing_within_the_grace_period_is_answered(
    served: Served, world: World
) -> None:
    # given an upload in flight
    reader, writer = await _slow_upload(world, served.port, "shutdown-drained-1")
    # when the server is told to stop and the rest of the body arrives within the grace period
    served.process.send_signal(signal.SIGTERM)
    await asyncio.sleep(0.3)
    writer.write(PDF[8192:])
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(), timeout=GRACE_S + 5)
    writer.close()
    # then it is answered normally, and the server exits 0
    status, headers, body = _parse(raw)
    assert status == 201, raw[:500]
    assert headers["connection"] == "close"
    assert json.loads(body)["version"]["size"] == len(PDF)
    code, log = await served.stop()
    assert code == 0, log[-2000:]
    assert await Document.all().count() == 1


async def test_shutdown_a_request_still_running_after_the_grace_period_gets_json_503(
    served: Served, world: World, settings: Settings
) -> None:
    # given an upload whose body stops arriving
    reader, writer = await _slow_upload(world, served.port, "shutdown-cut-0001")
    # when the server is told to stop
    started = time.monotonic()
    served.process.send_signal(signal.SIGTERM)
    raw = await asyncio.wait_for(reader.read(), timeout=GRACE_S + 5)
    waited = time.monotonic() - started
    writer.close()
    # then, once the grace period is over, the client gets a JSON 503 and the connection closes
    status, headers, body = _parse(raw)
    assert status == 503, raw[:500]
    assert headers["content-type"] == "application/json"
    assert headers["retry-after"]
    assert headers["x-request-id"] == "shutdown-cut-0001"
    [error] = json.loads(body)["errors"]
    assert error["extensions"] == {"code": "UNAVAILABLE", "requestId": "shutdown-cut-0001"}
    assert GRACE_S - 0.5 <= waited < GRACE_S + 15  # generous: CI machines are busy
    # and the process exits 0 (a cut request is no fault), without a bare-500 traceback
    code, log = await served.stop()
    assert code == 0, log[-2000:]
    assert "Exception in ASGI application" not in log, log[-2000:]
    # and nothing of the upload remains
    assert await Document.all().count() == 0 and await PendingBlob.all().count() == 0
    assert not await asyncio.to_thread(_spooled, settings)
