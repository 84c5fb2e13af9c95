"""Served measures in interleaved rounds: in each round every server serves each operation in
turn, at 1 client (p50/p99 latency, ms) and at 8 clients (throughput, req/s; CPU ms per
request of the server process, and of PostgreSQL's processes on PostgreSQL)."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import httpx

from bench import cpu, inprocess, load
from bench.dataset import Built
from bench.ops import Op
from bench.servers import Server
from bench.startup import base_drafts

CLIENTS = 8


async def _targets(  # noqa: PLR0917
    server: Server, op: Op, url: str, built: Built, tokens: dict[str, str], clients: int
) -> list[tuple[str, int]] | None:
    """The (id, version) each connection of a mutation run edits, read just before it."""
    if not op.mutation:
        return None
    if server.name == "mic":
        async with httpx.AsyncClient(base_url=server.base) as client:
            drafts = await inprocess.mic_drafts(client, tokens["enterprise"])
    else:
        drafts = await base_drafts(url, built)
    return drafts[:clients]


def _request(server: Server, op: Op) -> tuple[str, str] | None:
    """(URL, body) of the operation on this server; None when it does not serve it."""
    if server.name == "mic":
        return server.base + "/graphql", op.mic_body
    if server.name == "baseline":
        return server.base + op.baseline_path, op.baseline_body
    if op.peer_body is None:
        return None
    return server.base + "/graphql", op.peer_body


async def one_round(  # noqa: PLR0917
    servers: list[Server],
    ops: list[Op],
    url: str,
    built: Built,
    tokens: dict[str, str],
    seconds: float,
    postgres: bool,
) -> dict[str, dict[str, dict[str, Any]]]:
    """op -> server -> {p50_ms, p99_ms, rps, cpu_ms, pg_cpu_ms, errors} for one round."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for op in ops:
        out[op.name] = {}
        for server in servers:
            request = _request(server, op)
            if request is None:
                continue
            url_, body = request
            who = "enterprise2" if op.mutation and server.name == "baseline" else op.user
            token = server.tokens.get(who) or tokens[who]
            targets = await _targets(server, op, url, built, tokens, 1)
            single = await asyncio.to_thread(
                load.run, url_, body, token, clients=1, seconds=seconds, mutation=targets
            )
            targets = await _targets(server, op, url, built, tokens, CLIENTS)
            if targets is not None and len(targets) < CLIENTS:
                raise RuntimeError(f"{len(targets)} draft centres for {CLIENTS} clients")
            cpu_before = cpu.process_cpu_s(server.pid)
            pg_before = cpu.postgres_cpu_s() if postgres else 0.0
            # Long enough for each client to complete several requests (wrk counts those done).
            long = max(seconds, math.ceil(single.p50_ms * CLIENTS * 5 / 1000))
            many = await asyncio.to_thread(
                load.run, url_, body, token, clients=CLIENTS, seconds=long, mutation=targets
            )
            served = max(many.requests, 1)
            cpu_ms = (cpu.process_cpu_s(server.pid) - cpu_before) * 1000 / served
            pg_ms = (cpu.postgres_cpu_s() - pg_before) * 1000 / served if postgres else None
            out[op.name][server.name] = {
                "p50_ms": single.p50_ms,
                "p99_ms": single.p99_ms,
                "rps": many.rps,
                "cpu_ms": cpu_ms,
                "pg_cpu_ms": pg_ms,
                "errors": single.errors + many.errors,
                "requests": single.requests + many.requests,
            }
            print(
                f"    {op.name:3} {server.name:9} p50 {single.p50_ms:8.2f} ms  p99 "
                f"{single.p99_ms:8.2f} ms  {many.rps:8.1f} req/s  cpu {cpu_ms:7.2f} ms/req"
                + (f"  +pg {pg_ms:6.2f}" if pg_ms is not None else ""),
                flush=True,
            )
    return out
