"""Signing in and out, passwords, accounts and role bindings.

The rules live in ``services.sessions`` and ``services.accounts``; these resolvers parse, call
and convert."""

from __future__ import annotations

from uuid import UUID

import strawberry

from models.accounts import RoleName
from schema.accounts.types import LoginPayload, Role, RoleBinding, User
from schema.context import Info
from schema.enums import value_of
from services import accounts, sessions
from services.ids import global_id
from services.sessions import IssuedToken


@strawberry.input
class CreateUserInput:
    username: str
    display_name: str
    password: str
    organisation_id: strawberry.ID | None = None


@strawberry.input
class GrantRoleInput:
    user_id: strawberry.ID
    role: Role
    city_code: str | None = strawberry.field(default=None, description="For municipal_bureau")
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None, description="For enterprise"
    )


def _payload(user_id: UUID, issued: IssuedToken) -> LoginPayload:
    return LoginPayload(
        token=issued.token,
        expires_at=issued.expires_at,
        user_id=strawberry.ID(global_id("User", user_id)),
    )


@strawberry.type
class AccountMutations:
    @strawberry.mutation(description="Sign in; returns an access token / 登录")
    async def login(self, info: Info, username: str, password: str) -> LoginPayload:
        ctx = info.context
        user, issued = await sessions.sign_in(ctx, ctx.security, username, password)
        return _payload(user.id, issued)

    @strawberry.mutation(
        description="Sign out everywhere: revokes all of the caller's tokens / 退出"
    )
    async def logout(self, info: Info) -> bool:
        await sessions.sign_out(info.context)
        return True

    @strawberry.mutation(description="Change one's own password; other sessions end / 修改密码")
    async def change_password(
        self, info: Info, current_password: str, new_password: str
    ) -> LoginPayload:
        ctx = info.context
        user, issued = await sessions.change_password(
            ctx, ctx.security, current_password, new_password
        )
        return _payload(user.id, issued)

    @strawberry.mutation(description="Create a user account / 新建用户")
    async def create_user(self, info: Info, input: CreateUserInput) -> User:
        ctx = info.context
        return User.of(await accounts.create_user(ctx, ctx.security, input))

    @strawberry.mutation(description="Set a new password for a user; their tokens end / 重置密码")
    async def reset_password(self, info: Info, user_id: strawberry.ID, new_password: str) -> User:
        ctx = info.context
        return User.of(await accounts.reset_password(ctx, ctx.security, user_id, new_password))

    @strawberry.mutation(description="Disable or re-enable an account / 停用或启用账号")
    async def set_user_active(self, info: Info, user_id: strawberry.ID, active: bool) -> User:
        return User.of(await accounts.set_user_active(info.context, user_id, active))

    @strawberry.mutation(description="Give a user a role in a tenant / 授予角色")
    async def grant_role(self, info: Info, input: GrantRoleInput) -> RoleBinding:
        row = await accounts.grant_role(
            info.context,
            input.user_id,
            RoleName(value_of(input.role)),
            city_code=input.city_code,
            organisation_id=input.organisation_id,
        )
        return RoleBinding.of(row)

    @strawberry.mutation(description="End a role binding at once / 撤销角色")
    async def revoke_role(self, info: Info, binding_id: strawberry.ID) -> RoleBinding:
        return RoleBinding.of(await accounts.revoke_role(info.context, binding_id))
