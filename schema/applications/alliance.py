"""Alliance management by the lead unit (R-CTR-1): add, change, remove; exactly one lead.

The rules live in ``services.alliance``; these resolvers parse, call and convert."""

from __future__ import annotations

from datetime import date

import strawberry

from models.centres import MemberRole
from schema.centres.types import AllianceMember as MemberType
from schema.centres.types import MemberRole as MemberRoleType
from schema.context import Info
from schema.enums import value_of
from services import alliance


@strawberry.type
class AllianceMutations:
    @strawberry.mutation(description="Add a member unit to the alliance / 添加联盟成员")
    async def add_alliance_member(
        self,
        info: Info,
        centre_id: strawberry.ID,
        organisation_id: strawberry.ID,
        member_role: MemberRoleType,
        joined_on: date | None = None,
    ) -> MemberType:
        row = await alliance.add_member(
            info.context, centre_id, organisation_id, MemberRole(value_of(member_role)), joined_on
        )
        return MemberType.of(row)

    @strawberry.mutation(description="Change a role; a new lead demotes the old one / 变更成员角色")
    async def change_alliance_member_role(
        self, info: Info, member_id: strawberry.ID, member_role: MemberRoleType
    ) -> MemberType:
        row = await alliance.change_member_role(
            info.context, member_id, MemberRole(value_of(member_role))
        )
        return MemberType.of(row)

    @strawberry.mutation(description="A member leaves; its record stays / 成员退出")
    async def remove_alliance_member(
        self, info: Info, member_id: strawberry.ID, left_on: date | None = None
    ) -> MemberType:
        return MemberType.of(await alliance.remove_member(info.context, member_id, left_on))
