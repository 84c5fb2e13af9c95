"""Reading centres: a scoped connection and a scoped single look-up (R-ACC-2, R-ACC-3, R-ACC-5)."""

from __future__ import annotations

import strawberry
from tortoise.queryset import QuerySet

from models import centres as m
from policies import scopes
from schema.centres.status import CentreStatus
from schema.centres.types import Centre
from schema.context import Info
from schema.enums import value_of
from schema.ids import find
from schema.pagination import Connection
from schema.reads import read_connection
from services.values import search_term, text


@strawberry.input(description="Narrow the list of centres / 筛选条件")
class CentreFilter:
    status: CentreStatus | None = None
    industry: str | None = strawberry.field(default=None, description="Industry code / 产业代码")
    city_code: str | None = strawberry.field(default=None, description="GB/T 2260 city code")
    search: str | None = strawberry.field(default=None, description="Part of the name / 名称关键字")


def _narrow(queryset: QuerySet[m.Centre], flt: CentreFilter | None) -> QuerySet[m.Centre]:
    if flt is None:
        return queryset
    if flt.status is not None:
        queryset = queryset.filter(status=m.CentreStatus(value_of(flt.status)))
    # Codes are short keys: a longer value cannot match, and would fail the column's validation.
    if flt.industry:
        queryset = queryset.filter(industry__code=text(flt.industry, "industry", 64))
    if flt.city_code:
        queryset = queryset.filter(city__code=text(flt.city_code, "cityCode", 6))
    term = search_term(flt.search)
    if term:
        queryset = queryset.filter(name__icontains=term)
    return queryset


@strawberry.type
class CentreQueries:
    @strawberry.field(description="Centres the caller may see / 可见的创新中心")
    async def centres(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: CentreFilter | None = None,
    ) -> Connection[Centre]:
        authz = await info.context.authz()
        return await read_connection(
            info,
            "Centre",
            _narrow(scopes.visible_centres(authz), filter),
            first=first,
            after=after,
            order_by=("name", "id"),
            to_node=Centre.of,
        )

    @strawberry.field(description="One centre, if the caller may see it / 单个创新中心")
    async def centre(self, info: Info, id: strawberry.ID) -> Centre:
        authz = await info.context.authz()
        row = await find(scopes.visible_centres(authz), id, "centre")
        return Centre.of(row)
