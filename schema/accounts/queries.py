"""The caller (me) and, for provincial administrators, the users."""

from __future__ import annotations

import strawberry

from policies import scopes
from policies.vocabulary import Action, Resource
from schema.accounts.types import Me, RoleBinding, User
from schema.context import Info
from schema.ids import find
from schema.pagination import Connection, paginate
from schema.reference.types import Organisation
from services.ids import global_id
from services.values import search_term


@strawberry.type
class AccountQueries:
    @strawberry.field(description="The signed-in caller / 当前用户")
    async def me(self, info: Info) -> Me:
        caller = await info.context.caller()
        user = caller.user
        organisation = None
        if user.organisation_id is not None:
            org = await scopes.own_organisation(caller.authz, user.organisation_id).first()
            organisation = None if org is None else Organisation.of(org)
        bindings = await scopes.own_role_bindings(caller.authz)
        return Me(
            id=strawberry.ID(global_id("User", user.id)),
            username=user.username,
            display_name=user.display_name,
            organisation=organisation,
            role_bindings=[RoleBinding.of(b) for b in bindings],
        )

    @strawberry.field(description="User accounts (provincial administrators) / 用户")
    async def users(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        search: str | None = None,
    ) -> Connection[User]:
        authz = await info.context.require(Resource.USER, Action.READ)
        queryset = scopes.visible_users(authz)
        term = search_term(search)
        if term:
            queryset = queryset.filter(username__icontains=term)
        return await paginate(
            queryset,
            first=first,
            after=after,
            max_page_size=info.context.max_page_size,
            order_by=("username", "id"),
            to_node=User.of,
        )

    @strawberry.field(description="One user account / 单个用户")
    async def user(self, info: Info, id: strawberry.ID) -> User:
        authz = await info.context.authz()
        row = await find(scopes.visible_users(authz), id, "user")
        return User.of(row)
