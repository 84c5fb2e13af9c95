"""The append-only, hash-chained audit log (R-ACC-6).

Each entry stores the SHA-256 of its own content and of its predecessor's hash; a one-row head
stores the last sequence number and hash, so editing, deleting or truncating entries is detected
by ``verify_chain``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid4

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from models.base import utcnow

GENESIS_HASH = "0" * 64
_PG_CHAIN_LOCK = 7_310_401  # advisory lock key that serialises appends across processes


class Outcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"


class AuditEntry(Model):
    id = fields.UUIDField(primary_key=True, default=uuid4)
    seq = fields.BigIntField(unique=True)
    at = fields.DatetimeField()
    actor_id = fields.UUIDField(null=True, db_index=True)
    actor = fields.CharField(max_length=64, default="")
    role = fields.CharField(max_length=32, default="")
    tenant = fields.CharField(max_length=64, default="")
    action = fields.CharField(max_length=64, db_index=True)
    object_type = fields.CharField(max_length=32, default="")
    object_id = fields.CharField(max_length=64, default="", db_index=True)
    before = fields.JSONField[Any](null=True)
    after = fields.JSONField[Any](null=True)
    outcome = fields.CharEnumField(Outcome, max_length=16)
    request_id = fields.CharField(max_length=64, default="")
    client_addr = fields.CharField(max_length=64, default="")
    prev_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "audit_entry"
        ordering = ["seq"]


class AuditHead(Model):
    id = fields.IntField(primary_key=True)
    seq = fields.BigIntField()
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "audit_head"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """What happened, as the caller knows it; the chain fields are added by ``append``."""

    action: str
    outcome: Outcome
    actor_id: UUID | None = None
    actor: str = ""
    role: str = ""
    tenant: str = ""
    object_type: str = ""
    object_id: str = ""
    before: Any = None
    after: Any = None
    request_id: str = ""
    client_addr: str = ""


def _plain(value: Any) -> Any:
    """JSON-normalise a value so that what is hashed is exactly what the database returns."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, ensure_ascii=False, sort_keys=True))


def entry_hash(
    *,
    seq: int,
    at: datetime,
    prev_hash: str,
    actor_id: UUID | str | None,
    actor: str,
    role: str,
    tenant: str,
    action: str,
    object_type: str,
    object_id: str,
    before: Any,
    after: Any,
    outcome: str,
    request_id: str,
    client_addr: str,
) -> str:
    body = {
        "seq": seq,
        "at": at.isoformat(timespec="microseconds"),
        "prev": prev_hash,
        "actor_id": str(actor_id) if actor_id else None,
        "actor": actor,
        "role": role,
        "tenant": tenant,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "before": before,
        "after": after,
        "outcome": str(outcome),
        "request_id": request_id,
        "client_addr": client_addr,
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _hash_of(entry: AuditEntry) -> str:
    return entry_hash(
        seq=entry.seq,
        at=entry.at,
        prev_hash=entry.prev_hash,
        actor_id=entry.actor_id,
        actor=entry.actor,
        role=entry.role,
        tenant=entry.tenant,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        before=entry.before,
        after=entry.after,
        outcome=entry.outcome,
        request_id=entry.request_id,
        client_addr=entry.client_addr,
    )


async def append(event: AuditEvent, connection: BaseDBAsyncClient) -> AuditEntry:
    """Append one entry. Call inside the transaction that makes the change being audited."""
    if connection.capabilities.dialect == "postgres":
        await connection.execute_query("SELECT pg_advisory_xact_lock($1)", [_PG_CHAIN_LOCK])
    head = await AuditHead.filter(id=1).using_db(connection).select_for_update().first()
    prev_seq, prev_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    at = utcnow()
    entry = AuditEntry(
        seq=prev_seq + 1,
        at=at,
        actor_id=event.actor_id,
        actor=event.actor,
        role=event.role,
        tenant=event.tenant,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        before=_plain(event.before),
        after=_plain(event.after),
        outcome=event.outcome,
        request_id=event.request_id,
        client_addr=event.client_addr,
        prev_hash=prev_hash,
        hash="",
    )
    entry.hash = _hash_of(entry)
    await entry.save(using_db=connection)
    if head is None:
        await AuditHead.create(id=1, seq=entry.seq, hash=entry.hash, using_db=connection)
    else:
        await AuditHead.filter(id=1).using_db(connection).update(seq=entry.seq, hash=entry.hash)
    return entry


_CATCH_UP_ROUNDS = 5


@dataclass(frozen=True, slots=True)
class ChainProblem:
    seq: int
    problem: str


async def _entries_in_order(after: int = 0, batch: int = 500) -> AsyncIterator[AuditEntry]:
    last = after
    while True:
        rows = await AuditEntry.filter(seq__gt=last).order_by("seq").limit(batch)
        if not rows:
            return
        for row in rows:
            yield row
        last = rows[-1].seq


@dataclass(frozen=True, slots=True)
class Anchor:
    """An entry's hash recorded outside the database (the service logs every new head), so that
    whoever can rewrite both the log and its head still cannot make an older head disappear."""

    seq: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        seq, _, digest = text.partition(":")
        if not seq.isdigit() or int(seq) < 1 or len(digest) != 64:
            raise ValueError(f"an anchor is SEQ:SHA256HEX, not {text!r}")
        return cls(int(seq), digest.lower())


async def verify_chain(anchors: tuple[Anchor, ...] = ()) -> tuple[int, list[ChainProblem]]:
    """Walk the chain; return (entries checked, problems found). No problems = intact.

    Safe on a live service: an entry and the head move in one transaction, so a head read after
    the walk that is ahead of it means entries were appended meanwhile; the walk goes on to reach
    it (a few rounds) instead of reporting a cut-short log that is merely growing."""
    problems: list[ChainProblem] = []
    expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
    pinned = {a.seq: a.hash for a in anchors}
    head: AuditHead | None = None
    for _ in range(_CATCH_UP_ROUNDS):
        async for entry in _entries_in_order(after=expected_seq - 1):
            count += 1
            if entry.seq in pinned and pinned.pop(entry.seq) != entry.hash:
                problems.append(ChainProblem(entry.seq, "differs from its anchor (rewritten)"))
            if entry.seq != expected_seq:
                problems.append(
                    ChainProblem(
                        expected_seq, f"entries {expected_seq}..{entry.seq - 1} are missing"
                    )
                )
            if entry.prev_hash != prev_hash:
                problems.append(ChainProblem(entry.seq, "does not link to the previous entry"))
            if _hash_of(entry) != entry.hash:
                problems.append(ChainProblem(entry.seq, "content does not match its hash (edited)"))
            expected_seq, prev_hash = entry.seq + 1, entry.hash
        head = await AuditHead.get_or_none(id=1)
        if head is None or head.seq <= expected_seq - 1:
            break
    last_seq = expected_seq - 1
    if head is None and count:
        problems.append(ChainProblem(last_seq, "the chain head is missing"))
    elif head is not None and (head.seq != last_seq or head.hash != prev_hash):
        problems.append(
            ChainProblem(head.seq, f"the head records entry {head.seq}; the log ends at {last_seq}")
        )
    for seq in sorted(pinned):
        problems.append(ChainProblem(seq, "anchored entry is missing (the log was cut short)"))
    return count, problems
