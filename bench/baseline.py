"""Hand-written baseline server: starlette + the DB driver + orjson, no ORM, no GraphQL.

It verifies mic's bearer token (``api.tokens.verify_token``), reads the caller's user and role
bindings in one statement, then runs one SQL statement per level of the answer and returns
mic's JSON shape. Routes (POST): ``/q0`` (``__typename``), ``/centres`` (Q1/Q4: first 100
visible centres with members), ``/centre`` (Q2, body ``{"id": ...}``), ``/update`` (the
mutation, body ``{"id": ..., "version": n}``: UPDATE + audit INSERT in one transaction).

Run: ``uvicorn --factory bench.baseline:from_env`` with ``BENCH_DATABASE_URL`` and
``MIC_TOKEN_SECRET`` set.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.settings import Settings
from api.tokens import InvalidToken, verify_token
from bench.baseline_db import Db, any_of, open_db

PAGE = 100
BINDINGS = """SELECT b.role, b.city_id, b.organisation_id FROM app_user u
JOIN role_binding b ON b.user_id = u.id AND b.revoked_at IS NULL
WHERE u.id = $1 AND u.is_active AND u.token_version = $2"""
CENTRES = """SELECT c.id, c.name, c.status, ci.code AS city_code, ci.name_zh AS city_name,
 i.code AS industry_code, i.name_zh AS industry_name, o.name AS lead_name
FROM centre c JOIN city ci ON ci.id = c.city_id JOIN industry i ON i.id = c.industry_id
JOIN organisation o ON o.id = c.lead_organisation_id
{where} ORDER BY c.name, c.id LIMIT {limit}"""
MEMBERS = """SELECT m.centre_id, m.member_role, o.name FROM alliance_member m
JOIN organisation o ON o.id = m.organisation_id WHERE {where} ORDER BY m.joined_on, m.id"""
REVIEW = "SELECT id, status FROM review WHERE centre_id = $1 AND subject_type = 'selection'"
EVENTS = """SELECT from_status, to_status, role, comment, created_at FROM centre_status_event
WHERE centre_id = $1 ORDER BY created_at, id"""
UPDATE = """UPDATE centre SET name = $1, direction = $2, operating_company = $3,
 version = version + 1, updated_at = $4
WHERE id = $5 AND version = $6 AND status IN ('draft', 'returned') AND {lead}
RETURNING id, version"""
AUDIT = """INSERT INTO audit_entry (id, seq, at, actor_id, actor, role, tenant, action,
 object_type, object_id, before, after, outcome, request_id, client_addr, prev_hash, hash)
VALUES ($1, $7, $2, $3, '', 'enterprise', '',
 'centre.update', 'centre', $4, NULL, $5, 'success', '', '', '', $6)"""
# The audit chain's head, advanced like mic's (models/audit.py) so that both can write.
HEAD = """INSERT INTO audit_head (id, seq, hash) VALUES (1, 1, $1)
ON CONFLICT (id) DO UPDATE SET seq = audit_head.seq + 1, hash = excluded.hash RETURNING seq"""
PROVINCIAL = {"provincial_admin", "provincial_staff"}


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status, media_type="application/json")


def _error(message: str, status: int = 200) -> Response:
    return _json({"data": None, "errors": [{"message": message}]}, status)


def _enum(value: Any) -> str | None:
    return None if value is None else str(value).upper()


def _instant(value: Any) -> str:
    """A stored instant as mic writes it (ISO 8601, UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return str(value.astimezone(UTC).isoformat())


class Baseline:
    """The request handlers over one database; ``app()`` is the ASGI application."""

    def __init__(self, db: Db, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    async def _bindings(self, request: Request) -> list[dict[str, Any]] | None:
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            return None
        try:
            principal = verify_token(self.settings, header[7:])
        except InvalidToken:
            return None
        uid = principal.user_id if self.db.postgres else str(principal.user_id)
        return await self.db.fetch(BINDINGS, uid, principal.token_version)

    def _scope(self, bindings: list[dict[str, Any]]) -> tuple[str, list[Any]] | None:
        """The centres' WHERE clause for the bindings; None when the caller sees none."""
        if any(b["role"] in PROVINCIAL for b in bindings):
            return "", []
        cities = [b["city_id"] for b in bindings if b["role"] == "municipal_bureau"]
        if not cities:
            return None
        return "WHERE " + any_of(self.db, "c.city_id", 1, len(cities)), [cities]

    async def _members(self, ids: list[Any]) -> dict[Any, list[dict[str, Any]]]:
        members: dict[Any, list[dict[str, Any]]] = {i: [] for i in ids}
        if ids:
            where = any_of(self.db, "m.centre_id", 1, len(ids))
            for m in await self.db.fetch(MEMBERS.format(where=where), ids):
                members[m["centre_id"]].append(
                    {"memberRole": _enum(m["member_role"]), "organisation": {"name": m["name"]}}
                )
        return members

    async def typename(self, request: Request) -> Response:
        if not await self._bindings(request):
            return _error("not signed in", 401)
        return _json({"data": {"__typename": "Query"}})

    async def centres(self, request: Request) -> Response:
        bindings = await self._bindings(request)
        if not bindings:
            return _error("not signed in", 401)
        scope = self._scope(bindings)
        if scope is None:
            return _json({"data": {"centres": {"edges": []}}})
        where, args = scope
        rows = await self.db.fetch(CENTRES.format(where=where, limit=PAGE), *args)
        members = await self._members([r["id"] for r in rows])
        edges = [
            {
                "node": {
                    "id": str(r["id"]),
                    "name": r["name"],
                    "status": _enum(r["status"]),
                    "city": {"code": r["city_code"], "nameZh": r["city_name"]},
                    "industry": {"code": r["industry_code"], "nameZh": r["industry_name"]},
                    "leadOrganisation": {"name": r["lead_name"]},
                    "members": members[r["id"]],
                }
            }
            for r in rows
        ]
        return _json({"data": {"centres": {"edges": edges}}})

    async def centre(self, request: Request) -> Response:
        bindings = await self._bindings(request)
        if not bindings:
            return _error("not signed in", 401)
        scope = self._scope(bindings)
        centre_id = orjson.loads(await request.body())["id"]
        if scope is None:
            return _error("centre not found")
        where, args = scope
        where = (where + " AND " if where else "WHERE ") + f"c.id = ${len(args) + 1}"
        rows = await self.db.fetch(CENTRES.format(where=where, limit=1), *args, centre_id)
        if not rows:
            return _error("centre not found")
        row = rows[0]
        members = await self._members([row["id"]])
        review = await self.db.fetch(REVIEW, row["id"])
        events = await self.db.fetch(EVENTS, row["id"])
        node = {
            "id": str(row["id"]),
            "name": row["name"],
            "status": _enum(row["status"]),
            "members": members[row["id"]],
            "review": {"id": str(review[0]["id"]), "status": review[0]["status"]}
            if review
            else None,
            "statusHistory": [
                {
                    "fromStatus": _enum(e["from_status"]),
                    "toStatus": _enum(e["to_status"]),
                    "role": _enum(e["role"]) if e["role"] else None,
                    "comment": e["comment"],
                    "at": _instant(e["created_at"]),
                }
                for e in events
            ],
        }
        return _json({"data": {"centre": node}})

    async def update(self, request: Request) -> Response:
        bindings = await self._bindings(request)
        if not bindings:
            return _error("not signed in", 401)
        orgs = [b["organisation_id"] for b in bindings if b["role"] == "enterprise"]
        body = orjson.loads(await request.body())
        lead = any_of(self.db, "lead_organisation_id", 7, len(orgs))
        now = datetime.now(UTC)
        stamp: Any = now if self.db.postgres else now.isoformat(" ")
        cid: Any = uuid.UUID(body["id"]) if self.db.postgres else body["id"]
        async with self.db.transaction() as tx:
            rows = await tx.fetch(
                UPDATE.format(lead=lead),
                "基准更新",
                "方向",
                "基准运营公司",
                stamp,
                cid,
                int(body["version"]),
                orgs,
            )
            if not rows:
                return _error("not editable or stale version")
            after = orjson.dumps({"version": rows[0]["version"]}).decode()
            digest = hashlib.sha256(after.encode()).hexdigest()
            actor = bindings[0].get("organisation_id")
            head = await tx.fetch(HEAD, digest)
            await tx.fetch(
                AUDIT,
                uuid.uuid4() if self.db.postgres else str(uuid.uuid4()),
                stamp,
                None if actor is None else str(actor),
                str(cid),
                after,
                digest,
                head[0]["seq"],
            )
        node = {"id": str(rows[0]["id"]), "version": rows[0]["version"]}
        return _json({"data": {"updateApplication": node}})

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/q0", self.typename, methods=["POST"]),
                Route("/centres", self.centres, methods=["POST"]),
                Route("/centre", self.centre, methods=["POST"]),
                Route("/update", self.update, methods=["POST"]),
                Route("/healthz", lambda _: Response("ok"), methods=["GET"]),
            ]
        )


async def build(url: str, settings: Settings) -> tuple[Starlette, Db]:
    """The baseline app over a newly opened database (in-process use; close the Db)."""
    db = await open_db(url)
    return Baseline(db, settings).app(), db


def from_env() -> Any:
    """uvicorn ``--factory`` entry: opens the database lazily, on the first request."""
    url = os.environ["BENCH_DATABASE_URL"]
    settings = Settings(env="test", database_url=url, token_secret=os.environ["MIC_TOKEN_SECRET"])
    holder: dict[str, Any] = {}

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            message = await receive()
            holder["db"] = await open_db(url)
            holder["app"] = Baseline(holder["db"], settings).app()
            await send({"type": "lifespan.startup.complete"})
            message = await receive()
            await holder["db"].close()
            await send({"type": "lifespan.shutdown.complete"})
            del message
            return
        await holder["app"](scope, receive, send)

    return app
