"""One scale's in-process phase: tokens, the operations (ids read from answers), the start-up
equality check of Q1/Q4 (and Q2, advisory), SQL statements per request, Q4 peak memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from tortoise import Tortoise

from api.app import create_app
from api.settings import Settings
from api.statements import counting_statements
from api.tokens import issue_token
from bench import database, inprocess
from bench.baseline import Baseline
from bench.baseline_db import open_db
from bench.dataset import Built
from bench.ops import LIST, Op, graphql_body, operations

FIRST = graphql_body(LIST)


@dataclass
class Prepared:
    """What the served rounds need, and the in-process numbers."""

    tokens: dict[str, str]
    ops: list[Op]
    statements: dict[str, dict[str, int]] = field(default_factory=dict)  # op -> server -> n
    memory: dict[str, int] = field(default_factory=dict)  # server -> peak bytes of one Q4
    warnings: list[str] = field(default_factory=list)
    peer_ids: dict[str, Any] = field(default_factory=dict)


def _strip_ids(value: Any, ids: list[str]) -> Any:
    """The answer with every ``id`` value replaced by its first-seen position (ids compared as
    a bijection, not by format)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "id" and isinstance(v, str):
                if v not in ids:
                    ids.append(v)
                out[k] = ids.index(v)
            else:
                out[k] = _strip_ids(v, ids)
        return out
    if isinstance(value, list):
        return [_strip_ids(v, ids) for v in value]
    return value


def compare(name: str, mic: Any, base: Any) -> str | None:
    """None when equal after parsing with ids mapped; else a one-line difference."""
    a, b = _strip_ids(mic, []), _strip_ids(base, [])
    if a == b:
        return None
    return (
        f"{name}: mic and baseline answers differ: mic {str(a)[:300]} ... baseline {str(b)[:300]}"
    )


def _edges(answer: Any) -> list[dict[str, Any]]:
    try:
        return list(answer["data"]["centres"]["edges"])
    except (KeyError, TypeError) as exc:
        raise RuntimeError(f"unexpected answer: {str(answer)[:500]}") from exc


async def prepare(url: str, settings: Settings, built: Built) -> Prepared:
    """Run with Tortoise initialised on the filled database; closes its connections."""
    tokens = {
        who: issue_token(settings, u.id, u.token_version).token for who, u in built.users.items()
    }
    db = inprocess.CountingDb(await open_db(url))
    base_app = Baseline(db, settings).app()
    mic_app = create_app(settings, manage_db=False)
    mic = httpx.AsyncClient(transport=httpx.ASGITransport(app=mic_app), base_url="http://mic")
    base = httpx.AsyncClient(transport=httpx.ASGITransport(app=base_app), base_url="http://b")
    try:
        mic_q4 = _edges(await inprocess.post(mic, "/graphql", FIRST, tokens["admin"]))
        base_q4 = _edges(await inprocess.post(base, "/centres", "{}", tokens["admin"]))
        pick = next((i for i, e in enumerate(mic_q4) if e["node"]["status"] == "EXPERT_REVIEW"), 0)
        ops = operations(
            mic_q4[pick]["node"]["id"],
            base_q4[pick]["node"]["id"] if len(base_q4) > pick else "",
            mic_q4[0]["node"]["industry"]["code"],
        )
        prepared = Prepared(tokens=tokens, ops=ops)
        for op in ops:
            if op.mutation:
                continue
            token = tokens[op.user]
            answers = [
                await inprocess.post(mic, "/graphql", op.mic_body, token),
                await inprocess.post(base, op.baseline_path, op.baseline_body, token),
            ]
            problem = compare(op.name, *answers)
            if problem:
                prepared.warnings.append(problem)
        for op in ops:
            mic_target = base_target = None
            if op.mutation:
                mic_target = (await inprocess.mic_drafts(mic, tokens["enterprise"]))[0]
                base_target = (await base_drafts(url, built))[0]
            mic_token = tokens[op.user]
            base_token = tokens["enterprise2" if op.mutation else op.user]
            with counting_statements() as counter:
                answer = await inprocess.post(
                    mic, "/graphql", inprocess.fill(op.mic_body, mic_target), mic_token
                )
            if "errors" in answer:
                prepared.warnings.append(f"{op.name}: mic answered errors: {str(answer)[:300]}")
            db.count = 0
            answer = await inprocess.post(
                base, op.baseline_path, inprocess.fill(op.baseline_body, base_target), base_token
            )
            if "errors" in answer:
                prepared.warnings.append(f"{op.name}: baseline errors: {str(answer)[:300]}")
            prepared.statements[op.name] = {"mic": len(counter.statements), "baseline": db.count}
        q4 = next(op for op in ops if op.name == "Q4")
        prepared.memory = {
            "mic": await inprocess.peak_bytes(mic, "/graphql", q4.mic_body, tokens["admin"]),
            "baseline": await inprocess.peak_bytes(
                base, q4.baseline_path, q4.baseline_body, tokens["admin"]
            ),
        }
        return prepared
    finally:
        await mic.aclose()
        await base.aclose()
        await db.close()
        await Tortoise.close_connections()


async def base_drafts(url: str, built: Built) -> list[tuple[str, int]]:
    """(id, version) of the draft centres the baseline's enterprise user edits."""
    rows = await database.fetch(url, inprocess.BASE_DRAFTS, str(built.users["enterprise2"].id))
    return [(str(r["id"]), int(r["version"])) for r in rows]
