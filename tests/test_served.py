"""The real service under uvicorn, in its own process: lifespan, requests, graceful shutdown.

In-process tests share the test's database context; only a served process proves that request
tasks see the database opened by the lifespan.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys

import httpx

from api.settings import Settings
from models.accounts import RoleName
from tests.helpers import PASSWORD, World


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_the_served_app_answers_and_shuts_down_gracefully(
    world: World, settings: Settings
) -> None:
    await world.user(RoleName.PROVINCIAL_STAFF, username="staff-served")
    port = _free_port()
    env = {
        **os.environ,
        "MIC_DATABASE_URL": settings.database_url,
        "MIC_TOKEN_SECRET": settings.token_secret,
        "MIC_LOG_LEVEL": "INFO",
    }
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "api.cli",
        "serve",
        "--port",
        str(port),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=5) as http:
            for _ in range(100):
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            assert (await http.get("/readyz")).json() == {"status": "ok"}
            login = await http.post(
                "/graphql",
                json={
                    "query": (
                        f'mutation {{ login(username: "staff-served", password: "{PASSWORD}") {{ token }} }}'
                    )
                },
            )
            body = login.json()
            assert "errors" not in body, body
            token = body["data"]["login"]["token"]
            me = await http.post(
                "/graphql",
                json={"query": "{ me { username } }"},
                headers={"authorization": f"Bearer {token}"},
            )
            assert me.json() == {"data": {"me": {"username": "staff-served"}}}
            assert me.headers["x-request-id"]
    finally:
        server.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(server.communicate(), timeout=30)
    # uvicorn drains, runs the lifespan's shutdown, then re-raises SIGTERM as its exit status
    log = err.decode()
    assert server.returncode in (0, -signal.SIGTERM), log[-2000:]
    assert "Application shutdown complete" in log, log[-2000:]
