"""Issue 9, kind 6: the HTTP transport bounds what a client can hold — head size, head and body
deadlines, idle keep-alive, open connections — in the served process, as `mic serve` runs it.

One server for the module, with small limits through the environment: an 8 KiB head, 2 s for a
head and for a body, 1 s of keep-alive, 8 connections. Waits are generous (the machine is busy):
the tests check that a connection is answered and closed, never how fast.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from api.settings import Settings

CAP = 8
LIMITS = {"MIC_MAX_HEADER_BYTES": "8192", "MIC_HEADER_TIMEOUT_S": "2", "MIC_BODY_TIMEOUT_S": "2", "MIC_KEEP_ALIVE_S": "1", "MIC_MAX_CONNECTIONS": str(CAP)}  # fmt: skip
WAIT_S = 15.0  # generous: every limit under test is 2 s or less
MB = 1024 * 1024
GET = b"GET /healthz HTTP/1.1\r\nHost: mic.test\r\n\r\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(
    settings: Settings, database: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[int, int]]:
    """`mic serve` in a subprocess with small limits: yields (port, pid)."""
    port = _free_port()
    log = tmp_path_factory.mktemp("transport") / "server.log"
    env = {
        **os.environ,
        "MIC_DATABASE_URL": settings.database_url,
        "MIC_TOKEN_SECRET": settings.token_secret,
        "MIC_STORAGE_URL": settings.storage_url,
        "MIC_UPLOAD_TMP_DIR": settings.upload_tmp_dir,
        "MIC_DEADLINE_SWEEP_S": "0",
        **LIMITS,
    }
    Path(settings.upload_tmp_dir).mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=out,
        )
    try:
        deadline = time.monotonic() + 30
        while not _serving(port):
            assert process.poll() is None, log.read_text()[-2000:]
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.2)
        yield port, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _serving(port: int) -> bool:
    try:
        return _status(_exchange(port, [GET], wait=2)[0]) == 200
    except OSError:
        return False


def _connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)


def _read_until_closed(sock: socket.socket, wait: float = WAIT_S) -> tuple[bytes, bool]:
    """What the server sends until it closes the connection, and whether it did within ``wait``
    seconds (a reset counts as closed)."""
    data, deadline = b"", time.monotonic() + wait
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            return data, False
        except OSError:
            return data, True
        if not chunk:
            return data, True
        data += chunk
    return data, False


def _exchange(port: int, parts: Iterable[bytes], wait: float = WAIT_S) -> tuple[bytes, bool]:
    """Send ``parts`` from a thread while reading: the answer to a request the server stops
    reading is still seen. Returns what came back and whether the server closed."""
    with _connect(port) as sock:

        def send() -> None:
            try:
                for part in parts:
                    sock.sendall(part)
            except OSError:
                pass  # the server closed while the client was still sending

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        answer = _read_until_closed(sock, wait)
        sock.close()
        sender.join(timeout=WAIT_S)
        return answer


def _read_response(sock: socket.socket) -> bytes:
    """One whole response with a content-length (what /healthz and /graphql send)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.lower().split(b"\r\n")
        if line.startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, data
        body += chunk
    assert len(body) == length, data
    return head + b"\r\n\r\n" + body


def _status(data: bytes) -> int | None:
    return int(data[9:12]) if data.startswith(b"HTTP/1.1 ") else None


def _megabytes(count: int) -> Iterator[bytes]:
    block = b"a" * MB
    for _ in range(count):
        yield block


def _head_with(value_parts: Iterable[bytes]) -> Iterator[bytes]:
    yield b"GET /healthz HTTP/1.1\r\nHost: mic.test\r\nX-Big: "
    yield from value_parts
    yield b"\r\n\r\n"


# -- the request head is capped -------------------------------------------------------------

_MANY_HEADERS = b"".join(b"X-Field-%03d: %s\r\n" % (i, b"v" * 80) for i in range(200))
_CHUNKED = b"POST /graphql HTTP/1.1\r\nHost: mic.test\r\nTransfer-Encoding: chunked\r\n"
_CHUNKED += b"Content-Type: application/json\r\n\r\n2\r\n{}\r\n0\r\nX-Trailer: "


OVERSIZED: dict[str, Callable[[], Iterable[bytes]]] = {
    "one 64 MB header": lambda: _head_with(_megabytes(64)),
    "many small headers": lambda: [b"GET /healthz HTTP/1.1\r\nHost: x\r\n", _MANY_HEADERS, b"\r\n"],
    "a long request line": lambda: [b"GET /healthz?" + b"q" * 20_000 + b" HTTP/1.1\r\n\r\n"],
    "an unfinished 8 MB header": lambda: [b"GET /healthz HTTP/1.1\r\nX-Big: ", *_megabytes(8)],
    "an 8 MB trailer field": lambda: [_CHUNKED, *_megabytes(8)],
}  # fmt: skip


@pytest.mark.parametrize("name", list(OVERSIZED))
def test_hostile_transport_an_oversized_head_is_answered_431_and_closed(
    server: tuple[int, int], name: str
) -> None:
    port, _ = server
    answer, closed = _exchange(port, OVERSIZED[name]())
    assert _status(answer) == 431 and closed, answer[:200]


def test_hostile_transport_a_head_under_the_cap_is_served(server: tuple[int, int]) -> None:
    port, _ = server
    head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 6000 + b"\r\nConnection: close\r\n\r\n"  # fmt: skip
    answer, closed = _exchange(port, [head])
    assert _status(answer) == 200 and closed, answer[:200]


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_hostile_transport_unfinished_large_heads_do_not_accumulate_memory(
    server: tuple[int, int],
) -> None:
    port, pid = server

    def peak_mb() -> int:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
        raise AssertionError("no VmHWM")

    before = peak_mb()
    # four unfinished 64 MB header fields at once: 256 MB held before the cap
    with ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(
                lambda _: _exchange(port, [b"GET / HTTP/1.1\r\nX: ", *_megabytes(64)]), range(4)
            )
        )
    assert all(_status(data) == 431 and closed for data, closed in answers)
    assert peak_mb() - before < 64, (before, peak_mb())


# -- a head must arrive in time -------------------------------------------------------------


def test_hostile_transport_a_silent_or_stalled_head_is_closed(server: tuple[int, int]) -> None:
    port, _ = server
    # a connection that sends nothing, one that stops inside the request line, one that stops
    # inside the headers, one that sends only blank lines
    openings = [b"", b"GET /hea", b"GET /healthz HTTP/1.1\r\nHost: mic.test\r\nX-A: 1", b"\r\n"]
    sockets = [_connect(port) for _ in openings]
    try:
        for sock, opening in zip(sockets, openings, strict=True):
            sock.sendall(opening)
        for sock, opening in zip(sockets, openings, strict=True):
            answer, closed = _read_until_closed(sock)
            assert closed, opening
            # a request that began is told why; a connection that never began one is just closed
            expected = 408 if opening.strip() else None
            assert _status(answer) == expected, (opening, answer[:200])
    finally:
        for sock in sockets:
            sock.close()


def _trickle(port: int, opening: bytes, trickled: bytes) -> tuple[bytes, int]:
    """Send ``opening`` at once, then ``trickled`` one byte every 0.5 s until the server answers
    or closes: what it answered and how many trickled bytes it took."""
    with _connect(port) as sock:
        sock.sendall(opening)
        if opening == GET:
            first = _read_response(sock)  # a first request, answered; the trickle is the second
            assert _status(first) == 200, first
        if not trickled:
            return _read_until_closed(sock)[0], 0
        for sent, byte in enumerate(trickled):
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                return b"", sent
            readable, _, _ = select.select([sock], [], [], 0.5)
            if readable:
                return _read_until_closed(sock)[0], sent + 1
        return b"", len(trickled)


_LONG_HEAD = b"GET /healthz HTTP/1.1\r\nHost: mic.test\r\nX-Slow: " + b"s" * 200 + b"\r\n\r\n"


def _all_cut_off(port: int, cases: dict[str, tuple[bytes, bytes]]) -> None:
    """Run the trickles of ``cases`` (name: opening, trickled) at once; each must be answered
    408 and closed long before its last byte."""
    with ThreadPoolExecutor(len(cases)) as pool:
        futures = {name: pool.submit(_trickle, port, *case) for name, case in cases.items()}
        results = {name: future.result() for name, future in futures.items()}
    for name, (answer, sent) in results.items():
        trickled = cases[name][1]
        assert sent <= len(trickled) // 2, (name, sent)
        assert _status(answer) == 408, (name, answer[:200])


def test_hostile_transport_a_trickled_head_is_cut_off(server: tuple[int, int]) -> None:
    port, _ = server
    # 1 byte every 0.5 s against a 2 s deadline: the 200-odd bytes would take 100 s
    _all_cut_off(
        port,
        {
            "whole head trickled": (b"", _LONG_HEAD),
            "headers trickled after a quick request line": (_LONG_HEAD[:40], _LONG_HEAD[40:]),
            "second request on a kept-alive connection": (GET, _LONG_HEAD),
        },
    )


# -- a body must arrive in time -------------------------------------------------------------

_POST = b"POST /graphql HTTP/1.1\r\nHost: mic.test\r\nContent-Type: application/json\r\n"


def test_hostile_transport_a_slow_body_is_answered_408_and_closed(server: tuple[int, int]) -> None:
    port, _ = server
    _all_cut_off(
        port,
        {
            "body stops": (_POST + b'Content-Length: 100\r\n\r\n{"q', b""),
            "body trickled": (_POST + b"Content-Length: 1000\r\n\r\n", b"{" + b" " * 998 + b"}"),
            "chunks trickled": (_POST + b"Transfer-Encoding: chunked\r\n\r\n", b"1\r\n \r\n" * 200),
        },
    )


# -- an idle keep-alive connection is closed ------------------------------------------------


@pytest.mark.parametrize(
    "requests",
    [
        pytest.param([GET], id="after-one-request"),
        pytest.param([GET, GET], id="after-two-requests"),
        pytest.param([_POST + b"Content-Length: 2\r\n\r\n{}"], id="after-a-post"),
    ],
)
def test_hostile_transport_an_idle_keep_alive_connection_is_closed(
    server: tuple[int, int], requests: list[bytes]
) -> None:
    port, _ = server
    with _connect(port) as sock:
        for request in requests:
            sock.sendall(request)
            answer = _read_response(sock)
            assert _status(answer) is not None, answer
            assert b"connection: close" not in answer.lower()  # kept alive, then idle
        rest, closed = _read_until_closed(sock)
        assert closed and rest == b""


# -- connections beyond the cap are refused -------------------------------------------------


def _answer_now(sock: socket.socket, wait: float) -> bytes | None:
    readable, _, _ = select.select([sock], [], [], wait)
    return sock.recv(65536) if readable else None


@pytest.mark.parametrize(
    ("opening", "extra"),
    [
        pytest.param(b"", 1, id="silent-connection"),
        pytest.param(b"GET /healthz HTTP/1.1\r\n", 200, id="half-sent-requests"),
        pytest.param(GET, 3, id="complete-requests"),
    ],
)
def test_hostile_transport_connections_beyond_the_cap_are_refused_503(
    server: tuple[int, int], opening: bytes, extra: int
) -> None:
    port, _ = server
    # the cap is held by half-sent requests (each would be held up to the 2 s head deadline)
    for _ in range(20):  # until connections of earlier tests are gone
        held = [_connect(port) for _ in range(CAP)]
        for sock in held:
            sock.sendall(b"GET /healthz HTTP/1.1\r\n")
        beyond = [_connect(port) for _ in range(extra)]
        try:
            for sock in beyond:
                with contextlib.suppress(OSError):  # refused before it sent: that is the point
                    sock.sendall(opening)
            answers = [_answer_now(sock, WAIT_S) for sock in beyond]
            early = [_answer_now(sock, 0) for sock in held]
        finally:
            for sock in held + beyond:
                sock.close()
        if early == [None] * CAP:
            break
        time.sleep(0.25)
    assert early == [None] * CAP, early  # the first CAP connections are all held
    assert all(_status(answer or b"") == 503 for answer in answers), answers[:3]
    # and once they are gone, the service answers again
    for _ in range(40):
        answer, _ = _exchange(port, [GET.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n")])
        if _status(answer) == 200:
            break
        time.sleep(0.25)
    assert _status(answer) == 200, answer[:200]
