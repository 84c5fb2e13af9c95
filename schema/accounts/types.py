"""Users, role bindings and the signed-in caller."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from uuid import UUID

import strawberry

from models import accounts as m
from schema.context import Info
from schema.convert import FromRow
from schema.node import Node
from schema.reference.types import City, Organisation, load_city, load_organisation


@strawberry.enum(description="A role a user can be given / 角色")
class Role(Enum):
    PROVINCIAL_ADMIN = strawberry.enum_value(
        "provincial_admin", description="Provincial administrator / 自治区工信厅管理员"
    )
    PROVINCIAL_STAFF = strawberry.enum_value(
        "provincial_staff", description="Provincial staff / 自治区工信厅工作人员"
    )
    MUNICIPAL_BUREAU = strawberry.enum_value(
        "municipal_bureau", description="Municipal bureau of a city / 市工业和信息化局"
    )
    ENTERPRISE = strawberry.enum_value("enterprise", description="Enterprise or member unit / 企业")
    EXPERT = strawberry.enum_value("expert", description="Expert reviewer / 专家")


@strawberry.type(description="A role held in a tenant / 角色授权")
class RoleBinding(Node, FromRow[m.RoleBinding]):
    id: strawberry.ID
    role: Role
    created_at: datetime
    revoked_at: datetime | None
    city_id: strawberry.Private[UUID | None]
    organisation_id: strawberry.Private[UUID | None]

    @strawberry.field(description="The city a bureau role is bound to / 所属城市")
    async def city(self, info: Info) -> City | None:
        return None if self.city_id is None else await load_city(info, self.city_id)

    @strawberry.field(description="The organisation an enterprise role is bound to / 所属单位")
    async def organisation(self, info: Info) -> Organisation | None:
        if self.organisation_id is None:
            return None
        return await load_organisation(info, self.organisation_id)


@strawberry.type(description="A user account / 用户")
class User(Node, FromRow[m.User]):
    id: strawberry.ID
    username: str
    display_name: str
    is_active: bool
    created_at: datetime
    organisation_id: strawberry.Private[UUID | None]

    @strawberry.field
    async def organisation(self, info: Info) -> Organisation | None:
        if self.organisation_id is None:
            return None
        return await load_organisation(info, self.organisation_id)

    @strawberry.field(description="Active and revoked role bindings / 角色授权")
    async def role_bindings(self, info: Info) -> list[RoleBinding]:
        rows = await (await info.context.loaders()).bindings_by_user.load(self.pk())
        return [RoleBinding.of(r) for r in rows]


@strawberry.type(description="The signed-in caller / 当前用户")
class Me:
    id: strawberry.ID
    username: str
    display_name: str
    organisation: Organisation | None
    role_bindings: list[RoleBinding]


@strawberry.type(description="A new access token / 访问令牌")
class LoginPayload:
    token: str
    expires_at: datetime
    user_id: strawberry.ID
