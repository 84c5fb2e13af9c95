"""Reading reference data and organisations."""

from __future__ import annotations

import strawberry

from models import reference as m
from policies import scopes
from schema.context import Info
from schema.ids import find
from schema.pagination import Connection
from schema.reads import read_connection
from schema.reference.types import City, Industry, Organisation
from services.values import search_term


@strawberry.type
class ReferenceQueries:
    @strawberry.field(description="The cities of the province / 地级市")
    async def cities(self, info: Info) -> list[City]:
        await info.context.caller()
        return [City.of(c) for c in await m.City.all().order_by("code")]

    @strawberry.field(description="The key industries / 重点产业")
    async def industries(self, info: Info) -> list[Industry]:
        await info.context.caller()
        return [Industry.of(i) for i in await m.Industry.all().order_by("position", "code")]

    @strawberry.field(description="Organisations the caller may see / 可见单位")
    async def organisations(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        search: str | None = None,
    ) -> Connection[Organisation]:
        authz = await info.context.authz()
        queryset = scopes.visible_organisations(authz)
        term = search_term(search)
        if term:
            queryset = queryset.filter(name__icontains=term)
        return await read_connection(
            info,
            "Organisation",
            queryset,
            first=first,
            after=after,
            order_by=("name", "id"),
            to_node=Organisation.of,
        )

    @strawberry.field(description="One organisation, if the caller may see it / 单个单位")
    async def organisation(self, info: Info, id: strawberry.ID) -> Organisation:
        authz = await info.context.authz()
        row = await find(scopes.visible_organisations(authz), id, "organisation")
        return Organisation.of(row)
