"""The servers under test as subprocesses: mic (``mic serve``), the baseline (uvicorn), the
peer (PostGraphile on node 22). Each gets a free port and is ready when it answers HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
LOGS = ROOT / "var" / "bench" / "logs"  # each server's output of the last run


@dataclass
class Server:
    """A running server: its name, process, base URL and the path of its GraphQL endpoint."""

    name: str
    process: subprocess.Popen[bytes]
    base: str
    log: Path
    tokens: dict[str, str] = field(default_factory=dict)  # own tokens (the peer), by user

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(  # noqa: PLR0917
    name: str,
    cmd: list[str],
    env: dict[str, str],
    port: int,
    ready: str,
    logdir: Path,
    cwd: Path = ROOT,
    timeout_s: float = 120.0,
) -> Server:
    log = LOGS / f"{name}.log"
    LOGS.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            cmd, cwd=cwd, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
        )
    server = Server(name, process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(server.base + ready, timeout=2):  # noqa: S310
                return server
        except urllib.error.HTTPError:
            return server  # it answers HTTP: ready enough (e.g. 405 on GET)
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{name} not ready after {timeout_s} s: {log.read_text()[-2000:]}")


def start_mic(url: str, secret: str, logdir: Path) -> Server:
    port = free_port()
    env = {
        "MIC_ENV": "test",
        "MIC_DATABASE_URL": url,
        "MIC_TOKEN_SECRET": secret,
        "MIC_LOG_LEVEL": "WARNING",
        "MIC_DEADLINE_SWEEP_S": "0",
        "MIC_UPLOAD_TMP_DIR": str(logdir / "tmp"),
        "MIC_STORAGE_URL": f"file:{logdir / 'blobs'}",
    }
    cmd = [str(VENV_BIN / "mic"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    return _start("mic", cmd, env, port, "/readyz", logdir)


def start_baseline(url: str, secret: str, logdir: Path) -> Server:
    port = free_port()
    env = {"BENCH_DATABASE_URL": url, "MIC_TOKEN_SECRET": secret}
    cmd = [
        str(VENV_BIN / "uvicorn"),
        "--factory",
        "bench.baseline:from_env",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        "--http",
        "httptools",
    ]
    return _start("baseline", cmd, env, port, "/healthz", logdir)


def start_peer(  # noqa: PLR0917
    node: Path, script: Path, dsn: str, secret: str, logdir: Path, node_path: Path
) -> Server:
    """PostGraphile (bench/peer/server.cjs) on ``node``; its packages are in ``node_path``."""
    port = free_port()
    env = {
        "NODE_PATH": str(node_path),
        "DATABASE_URL": dsn,
        "MIC_TOKEN_SECRET": secret,
        "PORT": str(port),
        "NODE_ENV": "production",
    }
    return _start(
        "peer", [str(node), str(script)], env, port, "/graphql", logdir, cwd=script.parent
    )
