"""Load generation with wrk (a C program: light on the 2 cores it shares with the servers).

One call runs wrk for a fixed duration against one URL with one body; the Lua script
(bench/wrk.lua) reports requests, p50/p99 latency (microseconds) and failed answers (HTTP
status not 200 or a GraphQL ``errors`` member).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("wrk.lua")


@dataclass
class LoadResult:
    """One wrk run: requests completed, seconds, latency percentiles in ms, failures."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def rps(self) -> float:
        """Throughput, requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def available() -> bool:
    return shutil.which("wrk") is not None


def run(
    url: str,
    body: str,
    token: str,
    *,
    clients: int,
    seconds: float,
    mutation: list[tuple[str, int]] | None = None,
) -> LoadResult:
    """wrk with ``clients`` connections for ``seconds``; ``mutation``: (id, version) per
    connection (one thread per connection so that each edits its own row)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        f.write(body)
    threads = clients if mutation else min(clients, 2)
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{clients}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "60s",
        "-s",
        str(SCRIPT),
        "-H",
        f"Authorization: Bearer {token}",
        "-H",
        "Content-Type: application/json",
        url,
        "--",
        f.name,
    ]
    if mutation:
        cmd += ["mutation", ",".join(i for i, _ in mutation), ",".join(str(v) for _, v in mutation)]
    try:
        done = subprocess.run(  # noqa: S603 - wrk with our arguments
            cmd, capture_output=True, text=True, timeout=seconds + 120, check=False
        )
    finally:
        Path(f.name).unlink()
    line = next((x for x in done.stdout.splitlines() if x.startswith('{"requests"')), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {done.stdout[-500:]} {done.stderr[-500:]}")
    data = json.loads(line)
    if data["errors"] or data["socket_errors"]:
        print(
            f"    ! {url}: {data['errors']} failed answers, {data['socket_errors']} socket "
            f"errors; first: {done.stderr.strip()[:200]}"
        )
    return LoadResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=data["errors"] + data["socket_errors"],
    )
