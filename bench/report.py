"""Summaries over rounds (medians; ratios taken within each round, then the median), the
printed table and the JSON written to var/bench/latest.json."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

Rounds = list[dict[str, dict[str, dict[str, Any]]]]  # round -> op -> server -> measures
MEASURES = ("p50_ms", "p99_ms", "rps", "cpu_ms", "pg_cpu_ms")


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def medians(rounds: Rounds) -> dict[str, dict[str, dict[str, float | None]]]:
    """op -> server -> measure -> median over rounds."""
    out: dict[str, dict[str, dict[str, float | None]]] = {}
    for op, servers in rounds[0].items():
        out[op] = {}
        for server in servers:
            out[op][server] = {
                m: _median([r[op][server][m] for r in rounds if server in r.get(op, {})])
                for m in MEASURES
            }
            out[op][server]["errors"] = sum(r[op][server]["errors"] for r in rounds)
    return out


def _ratio(rounds: Rounds, op: str, a: tuple[str, str], b: tuple[str, str]) -> float | None:
    """Median over rounds of (server a's measure) / (server b's measure) for ``op``."""
    values: list[float | None] = []
    for r in rounds:
        try:
            x, y = r[op][a[0]][a[1]], r[op][b[0]][b[1]]
        except KeyError:
            continue
        values.append(x / y if x is not None and y else None)
    return _median(values)


def ratios(rounds: Rounds) -> dict[str, tuple[float | None, str]]:
    """The issue's target ratios for one scale: name -> (value, target)."""
    out: dict[str, tuple[float | None, str]] = {}
    for op in ("Q1", "Q4"):
        out[f"{op} p50 mic/baseline"] = (
            _ratio(rounds, op, ("mic", "p50_ms"), ("baseline", "p50_ms")),
            "<= 5",
        )
        if any("peer" in r.get(op, {}) for r in rounds):
            out[f"{op} req/s mic/PostGraphile"] = (
                _ratio(rounds, op, ("mic", "rps"), ("peer", "rps")),
                ">= 1.0",
            )
    out["Q0 req/s mic/baseline"] = (
        _ratio(rounds, "Q0", ("mic", "rps"), ("baseline", "rps")),
        ">= 0.3",
    )
    out["Q1 p99/p50 mic"] = (_ratio(rounds, "Q1", ("mic", "p99_ms"), ("mic", "p50_ms")), "<= 3")
    return out


def _fmt(value: float | int | None, width: int, digits: int = 2) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:{width}.{digits}f}"


def table(
    scale: int,
    med: dict[str, Any],
    statements: dict[str, dict[str, int]],
    memory: dict[str, int],
    found: dict[str, tuple[float | None, str]],
) -> str:
    lines = [
        f"scale {scale}: medians over rounds",
        f"{'op':4}{'server':10}{'p50 ms':>9}{'p99 ms':>9}{'req/s@8':>9}{'cpu ms':>8}"
        f"{'+pg ms':>8}{'stmts':>6}{'Q4 MiB':>8}{'errors':>7}",
    ]
    for op, servers in med.items():
        for server, m in servers.items():
            stmts = statements.get(op, {}).get(server)
            mem = memory.get(server) if op == "Q4" else None
            lines.append(
                f"{op:4}{server:10}{_fmt(m['p50_ms'], 9)}{_fmt(m['p99_ms'], 9)}"
                f"{_fmt(m['rps'], 9, 1)}{_fmt(m['cpu_ms'], 8)}{_fmt(m['pg_cpu_ms'], 8)}"
                f"{'-' if stmts is None else stmts:>6}"
                f"{_fmt(None if mem is None else mem / 2**20, 8)}{int(m['errors'] or 0):>7}"
            )
    lines.append("ratios (median of per-round ratios):")
    for name, (value, target) in found.items():
        lines.append(f"  {name:28}{_fmt(value, 8)}   target {target}")
    return "\n".join(lines)


def write(path: Path, payload: dict[str, Any]) -> None:
    """var/bench/latest.json, with the database, date, git commit and cores."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607 - read-only, git from PATH
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    payload = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": commit,
        "cores": os.cpu_count(),
        **payload,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
