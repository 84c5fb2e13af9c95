"""Publishing and reading calls for applications.

The rules of a write live in ``services.calls``; these resolvers parse, call and convert."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models.base import utcnow
from models.documents import DocumentKind as Kind
from policies import scopes
from schema.calls.types import Call
from schema.context import Info
from schema.documents.types import DocumentKind
from schema.enums import value_of
from schema.ids import find
from schema.pagination import Connection, paginate
from services import calls


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


@strawberry.type
class CallQueries:
    @strawberry.field(description="Calls for applications, newest first / 申报通知")
    async def calls(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Call]:
        authz = await info.context.authz()
        now = utcnow()
        return await paginate(
            scopes.visible_calls(authz),
            first=first,
            after=after,
            max_page_size=info.context.max_page_size,
            order_by=("-opens_at", "id"),
            to_node=lambda row: Call.of(row, now),
        )

    @strawberry.field(description="One call / 单个申报通知")
    async def call(self, info: Info, id: strawberry.ID) -> Call:
        authz = await info.context.authz()
        row = await find(scopes.visible_calls(authz), id, "call")
        return Call.of(row, utcnow())


@strawberry.type
class CallMutations:
    @strawberry.mutation(description="Create (and publish) a call / 发布申报通知")
    async def create_call(self, info: Info, input: CallInput) -> Call:
        kinds = [Kind(value_of(k)) for k in input.required_documents]
        row = await calls.create_call(info.context, input, kinds)
        return Call.of(row, utcnow())

    @strawberry.mutation(description="Publish a draft call / 发布")
    async def publish_call(self, info: Info, id: strawberry.ID) -> Call:
        return Call.of(await calls.publish_call(info.context, id), utcnow())
