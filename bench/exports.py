"""Export memory (issue 15): how much the server's resident memory grows while it streams an
export, at each scale — flat across scales means the rows are streamed, not held.

    .venv/bin/python -m bench.exports --db sqlite --scales 1,10

Per scale: the benchmark's dataset (``dataset.py``: 300 centres at scale 1, 10x at scale 10), a
``mic serve`` subprocess, then for each export the server's peak RSS is reset
(``/proc/<pid>/clear_refs`` 5, Linux), the export is downloaded by a client that keeps nothing,
and the growth is the peak (``VmHWM``) minus the resident size before (``VmRSS``). The client runs
in this process, the server in its own: the figure is the server's alone.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

import httpx

from api.tokens import issue_token
from bench import database, servers

EXPORTS = ("centres.xlsx", "centres.csv")  # the bench dataset fills the centre register


def _reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # the peak (VmHWM) restarts from now


def _status_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    raise KeyError(key)


async def _growth(server: servers.Server, token: str, name: str) -> tuple[float, int]:
    """(MiB the server's RSS grew by while streaming ``name``, bytes received)."""
    _reset_peak(server.pid)
    before = _status_kib(server.pid, "VmRSS")
    received = 0
    headers = {"authorization": f"Bearer {token}"}
    async with (
        httpx.AsyncClient(timeout=600) as client,
        client.stream("GET", f"{server.base}/exports/{name}", headers=headers) as response,
    ):
        response.raise_for_status()
        async for chunk in response.aiter_bytes():
            received += len(chunk)
    peak = _status_kib(server.pid, "VmHWM")
    return (peak - before) / 1024, received


async def run(db: str, scales: list[int]) -> None:
    print(f"{'scale':>5} {'export':<14} {'rows':>6} {'bytes':>10} {'RSS growth MiB':>15}")
    with tempfile.TemporaryDirectory() as tmp:
        for scale in scales:
            url = database.database_url(db, scale, Path(tmp))
            settings = database.settings_for(url)
            server: servers.Server | None = None
            try:
                built = await database.create(url, scale)
                admin = built.users["admin"]  # holds a provincial staff binding too
                token = issue_token(settings, admin.id, admin.token_version).token
                server = servers.start_mic(url, database.TOKEN_SECRET, Path(tmp))
                rows = built.counts.get("centres", 0)
                for name in EXPORTS:
                    await _growth(server, token, name)  # warm: imports, caches, first pages
                    mib, size = await _growth(server, token, name)
                    print(f"{scale:>5} {name:<14} {rows:>6} {size:>10} {mib:>15.1f}", flush=True)
            finally:
                if server is not None:
                    server.stop()
                await database.drop(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--scales", default="1,10")
    args = parser.parse_args()
    asyncio.run(run(args.db, [int(s) for s in args.scales.split(",")]))


if __name__ == "__main__":
    main()
