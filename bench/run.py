"""Benchmark mic served over HTTP against a hand-written baseline (and PostGraphile, --peer).

    python -m bench.run [--db sqlite|postgres] [--scales 1,10] [--rounds 3] [--seconds 2]
                        [--peer]

Per scale: build the data, measure in-process (SQL statements per request, Q4 peak memory,
the start-up equality check), then serve mic, the baseline (and the peer) as uvicorn/node
subprocesses and measure them in interleaved rounds with wrk. Prints a table per scale and the
target ratios; writes every number to var/bench/latest.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import database, load, report, rounds, servers, startup

OUTPUT = Path("var/bench/latest.json")


async def run_scale(db: str, scale: int, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    url = database.database_url(db, scale, tmp)
    settings = database.settings_for(url)
    print(f"== {db}, scale {scale}: building data", flush=True)
    running: list[servers.Server] = []
    try:
        built = await database.create(url, scale)
        print(f"   {built.counts}", flush=True)
        prepared = await startup.prepare(url, settings, built)
        for warning in prepared.warnings:
            print(f"   WARNING {warning}", flush=True)
        running.append(servers.start_mic(url, database.TOKEN_SECRET, tmp))
        running.append(servers.start_baseline(url, database.TOKEN_SECRET, tmp))
        if args.peer:
            from bench import peer

            users = {who: u.username for who, u in built.users.items()}
            running.append(await peer.start(url, database.TOKEN_SECRET, tmp, users))
            prepared.warnings += await peer.check(running[-1], running[0], prepared)
        done: report.Rounds = []
        for n in range(args.rounds):
            print(f"   round {n + 1}/{args.rounds}", flush=True)
            done.append(
                await rounds.one_round(
                    running,
                    prepared.ops,
                    url,
                    built,
                    prepared.tokens,
                    args.seconds,
                    db == "postgres",
                )
            )
    finally:
        for server in running:
            server.stop()
        await database.drop(url)
    med = report.medians(done)
    found = report.ratios(done)
    print(report.table(scale, med, prepared.statements, prepared.memory, found), flush=True)
    return {
        "scale": scale,
        "counts": built.counts,
        "medians": med,
        "rounds": done,
        "statements": prepared.statements,
        "q4_peak_bytes": prepared.memory,
        "ratios": {k: {"value": v, "target": t} for k, (v, t) in found.items()},
        "warnings": prepared.warnings,
    }


def _cross_scale(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Statements scale_max / scale_min per op (target 1.0) and Q4 memory mic / baseline."""
    out: dict[str, Any] = {}
    if len(results) > 1:
        low, high = results[0], results[-1]
        for op, counts in low["statements"].items():
            before, after = counts["mic"], high["statements"].get(op, {}).get("mic")
            out[f"{op} statements scale{high['scale']}/scale{low['scale']}"] = (
                after / before if before and after is not None else None
            )
    for r in results:
        mem = r["q4_peak_bytes"]
        out[f"Q4 memory mic/baseline scale{r['scale']}"] = (
            mem["mic"] / mem["baseline"] if mem.get("baseline") else None
        )
    return out


async def main(args: argparse.Namespace) -> int:
    if not load.available():
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    scales = [int(s) for s in args.scales.split(",")]
    results = []
    with tempfile.TemporaryDirectory(prefix="mic-bench-") as tmp:
        for scale in scales:
            results.append(await run_scale(args.db, scale, args, Path(tmp)))
    cross = _cross_scale(results)
    print("across scales (targets: statements ratio 1.0, Q4 memory mic/baseline <= 3):")
    for name, value in cross.items():
        print(f"  {name:36}{'-' if value is None else f'{value:8.2f}'}")
    for r in results:
        for w in r["warnings"]:
            print(f"WARNING scale {r['scale']}: {w}")
    report.write(
        OUTPUT,
        {
            "database": args.db,
            "scales": scales,
            "rounds": args.rounds,
            "seconds_per_run": args.seconds,
            "peer": args.peer,
            "results": results,
            "across_scales": cross,
        },
    )
    print(f"wrote {OUTPUT}")
    return 0


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--seconds",
        type=float,
        default=2.0,
        help="duration of each wrk run (one at 1 client, one at 8)",
    )
    parser.add_argument("--peer", action="store_true", help="add PostGraphile 5 (postgres)")
    args = parser.parse_args(argv)
    if args.peer and args.db != "postgres":
        parser.error("--peer needs --db postgres")
    return args


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse())))
