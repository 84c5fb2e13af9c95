"""Finding experts to assign (provincial staff) and an expert's own declared conflicts (R-REV-1)."""

from __future__ import annotations

import strawberry
from tortoise.expressions import Q

from models.reviews import declared_organisations
from policies import scopes
from policies.vocabulary import Action, Resource
from schema.context import Info
from schema.pagination import Connection, paginate
from schema.reviews.types import Expert
from services.ids import global_id


@strawberry.type
class ReviewQueries:
    @strawberry.field(
        description="Active experts, for those who assign reviews (provincial staff); search by "
        "username or name / 可指派的评审专家"
    )
    async def experts(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        search: str | None = None,
    ) -> Connection[Expert]:
        authz = await info.context.require(Resource.REVIEW, Action.ASSIGN)
        queryset = scopes.assignable_experts(authz)
        term = (search or "").strip()
        if term:
            queryset = queryset.filter(
                Q(username__icontains=term) | Q(display_name__icontains=term)
            )
        return await paginate(
            queryset,
            first=first,
            after=after,
            max_page_size=info.context.max_page_size,
            order_by=("username", "id"),
            to_node=Expert.of,
        )

    @strawberry.field(
        description="The organisations I declared a conflict with (experts) / 我申报的回避单位"
    )
    async def my_declared_conflicts(self, info: Info) -> list[strawberry.ID]:
        await info.context.require(Resource.USER, Action.DECLARE)
        caller = await info.context.caller()  # the caller's own row, loaded once per request
        return [
            strawberry.ID(global_id("Organisation", o))
            for o in declared_organisations(caller.user.declared_conflicts)
        ]
