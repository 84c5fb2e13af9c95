"""Publishing and reading calls for applications."""

from __future__ import annotations

from datetime import datetime

import strawberry
from tortoise.transactions import in_transaction

from models import calls as m
from models.base import utcnow
from models.reference import Industry
from policies import scopes
from policies.vocabulary import Action, Resource
from schema.calls.types import Call
from schema.context import Info
from schema.documents.types import DocumentKind
from schema.enums import value_of
from schema.errors import BadInput, NotFound
from schema.guard import require
from schema.ids import find, parse_id


@strawberry.input(description="A call for applications / 申报通知")
class CallInput:
    year: int
    title: str
    opens_at: datetime
    closes_at: datetime
    industries: list[str] = strawberry.field(default_factory=list)
    conditions: str = ""
    required_documents: list[DocumentKind] = strawberry.field(default_factory=list)
    support_policy: str = ""
    publish: bool = True


def _snapshot(row: m.Call) -> dict[str, object]:
    return {
        "year": row.year,
        "title": row.title,
        "opens_at": row.opens_at.isoformat(),
        "closes_at": row.closes_at.isoformat(),
        "industries": row.industries,
        "required_documents": row.required_documents,
        "published": row.published_at is not None,
    }


async def _checked(input: CallInput) -> dict[str, object]:
    title = input.title.strip()
    if not title or len(title) > 200:
        raise BadInput("title must have 1 to 200 characters", field="title")
    if not 2000 <= input.year <= 2100:
        raise BadInput("year must be a calendar year", field="year")
    if input.opens_at.tzinfo is None or input.closes_at.tzinfo is None:
        raise BadInput("opensAt and closesAt need a time zone (UTC: ...Z)")
    if input.closes_at <= input.opens_at:
        raise BadInput("closesAt must be after opensAt", field="closesAt")
    codes = list(dict.fromkeys(input.industries))
    found = await Industry.filter(code__in=codes).values_list("code", flat=True) if codes else []
    known = {str(code) for code in found}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise BadInput(f"unknown industry codes: {', '.join(unknown)}", field="industries")
    return {
        "year": input.year,
        "title": title,
        "opens_at": input.opens_at,
        "closes_at": input.closes_at,
        "industries": codes,
        "conditions": input.conditions,
        "required_documents": list(dict.fromkeys(value_of(k) for k in input.required_documents)),
        "support_policy": input.support_policy,
    }


@strawberry.type
class CallQueries:
    @strawberry.field(description="Calls for applications / 申报通知")
    async def calls(self, info: Info) -> list[Call]:
        authz = await info.context.authz()
        now = utcnow()
        return [Call.of(c, now) for c in await scopes.visible_calls(authz)]

    @strawberry.field(description="One call / 单个申报通知")
    async def call(self, info: Info, id: strawberry.ID) -> Call:
        authz = await info.context.authz()
        row = await find(scopes.visible_calls(authz), id, "call")
        return Call.of(row, utcnow())


@strawberry.type
class CallMutations:
    @strawberry.mutation(description="Create (and publish) a call / 发布申报通知")
    async def create_call(self, info: Info, input: CallInput) -> Call:
        ctx = info.context
        await require(ctx, Resource.CALL, Action.CREATE)
        fields = await _checked(input)
        user = (await ctx.caller()).user
        async with in_transaction() as conn:
            row = await m.Call.create(
                **fields,
                published_at=utcnow() if input.publish else None,
                created_by_id=user.id,
                using_db=conn,
            )
            await ctx.audit_change(conn, Resource.CALL, Action.CREATE, row.id, after=_snapshot(row))
        return Call.of(row, utcnow())

    @strawberry.mutation(description="Publish a draft call / 发布")
    async def publish_call(self, info: Info, id: strawberry.ID) -> Call:
        ctx = info.context
        authz = await require(ctx, Resource.CALL, Action.CREATE)
        async with in_transaction() as conn:
            row = (
                await scopes.visible_calls(authz)
                .using_db(conn)
                .select_for_update()
                .get_or_none(id=parse_id(id, "call"))
            )
            if row is None:
                raise NotFound("call")
            if row.published_at is None:
                before = _snapshot(row)
                row.published_at = utcnow()
                await row.save(update_fields=["published_at"], using_db=conn)
                await ctx.audit_change(
                    conn,
                    Resource.CALL,
                    Action.CREATE,
                    row.id,
                    before=before,
                    after=_snapshot(row),
                    name="call.publish",
                )
        return Call.of(row, utcnow())
