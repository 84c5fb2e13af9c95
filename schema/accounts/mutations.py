"""Signing in and out, passwords, accounts and role bindings."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import strawberry
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models import accounts as m
from models.audit import Outcome
from models.base import utcnow
from models.reference import City, Organisation
from policies import scopes
from policies.vocabulary import Action, Resource
from schema.accounts.login import attempt_succeeded, claim_attempt, login
from schema.accounts.types import LoginPayload, Role, RoleBinding, User
from schema.context import Context, Info
from schema.enums import value_of
from schema.errors import BadInput, Conflict, NotFound, Unauthenticated
from schema.guard import require
from schema.ids import find, parse_id


def _user_snapshot(row: m.User) -> dict[str, Any]:
    return {
        "username": row.username,
        "display_name": row.display_name,
        "organisation_id": str(row.organisation_id) if row.organisation_id else None,
        "is_active": row.is_active,
        "token_version": row.token_version,
    }


def _binding_snapshot(row: m.RoleBinding) -> dict[str, Any]:
    return {
        "user_id": str(row.user_id),
        "role": str(row.role),
        "city_id": str(row.city_id) if row.city_id else None,
        "organisation_id": str(row.organisation_id) if row.organisation_id else None,
        "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
    }


def _check_password(ctx: Context, password: str, username: str) -> None:
    try:
        ctx.security.check_password_policy(password, username)
    except ValueError as exc:
        raise BadInput(str(exc), field="password") from None


async def _managed_user(ctx: Context, user_id: strawberry.ID, action: Action) -> m.User:
    authz = await require(ctx, Resource.USER, action)
    row = await find(scopes.visible_users(authz, action), user_id, "user")
    return row


async def _bump_tokens(row: m.User, conn: Any, **changes: Any) -> None:
    """Apply changes and invalidate every token of the user, atomically."""
    await (
        m.User.filter(id=row.id)
        .using_db(conn)
        .update(token_version=F("token_version") + 1, **changes)
    )
    await row.refresh_from_db(using_db=conn)


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


async def _binding_tenant(input: GrantRoleInput) -> tuple[UUID | None, UUID | None]:
    role = m.RoleName(value_of(input.role))
    if role is m.RoleName.MUNICIPAL_BUREAU:
        if not input.city_code or input.organisation_id:
            raise BadInput("a municipal_bureau role needs a cityCode and no organisationId")
        city = await City.get_or_none(code=input.city_code)
        if city is None:
            raise BadInput(f"unknown city code {input.city_code}", field="cityCode")
        return city.id, None
    if role is m.RoleName.ENTERPRISE:
        if not input.organisation_id or input.city_code:
            raise BadInput("an enterprise role needs an organisationId and no cityCode")
        org = await find(Organisation.all(), input.organisation_id, "organisation")
        return None, org.id
    if input.city_code or input.organisation_id:
        raise BadInput(f"a {role} role is province-wide: give no cityCode or organisationId")
    return None, None


@strawberry.type
class AccountMutations:
    @strawberry.mutation(description="Sign in; returns an access token / 登录")
    async def login(self, info: Info, username: str, password: str) -> LoginPayload:
        user, issued = await login(info.context, username, password)
        return LoginPayload(
            token=issued.token, expires_at=issued.expires_at, user_id=strawberry.ID(str(user.id))
        )

    @strawberry.mutation(
        description="Sign out everywhere: revokes all of the caller's tokens / 退出"
    )
    async def logout(self, info: Info) -> bool:
        ctx = info.context
        user = (await ctx.caller()).user
        async with in_transaction() as conn:
            await _bump_tokens(user, conn)
            await ctx.audit(
                "auth.logout",
                Outcome.SUCCESS,
                connection=conn,
                object_type="user",
                object_id=str(user.id),
            )
        return True

    @strawberry.mutation(description="Change one's own password; other sessions end / 修改密码")
    async def change_password(
        self, info: Info, current_password: str, new_password: str
    ) -> LoginPayload:
        ctx = info.context
        user = (await ctx.caller()).user
        _check_password(ctx, new_password, user.username)
        # The same throttle as signing in: a stolen token must not buy unlimited guesses.
        await claim_attempt(ctx, user.username)
        if not await ctx.security.verify_password(user.password_hash, current_password):
            await ctx.audit(
                "user.change_password", Outcome.FAILURE, object_type="user", object_id=str(user.id)
            )
            raise Unauthenticated("the current password is wrong")
        new_hash = await ctx.security.hash_password(new_password)
        async with in_transaction() as conn:
            await attempt_succeeded(user.username, conn)
            await _bump_tokens(user, conn, password_hash=new_hash, password_changed_at=utcnow())
            await ctx.audit(
                "user.change_password",
                Outcome.SUCCESS,
                connection=conn,
                object_type="user",
                object_id=str(user.id),
            )
        issued = ctx.security.issue_token(user.id, user.token_version)
        return LoginPayload(
            token=issued.token, expires_at=issued.expires_at, user_id=strawberry.ID(str(user.id))
        )

    @strawberry.mutation(description="Create a user account / 新建用户")
    async def create_user(self, info: Info, input: CreateUserInput) -> User:
        ctx = info.context
        await require(ctx, Resource.USER, Action.CREATE)
        username = input.username.strip().lower()
        if (
            not username
            or len(username) > 64
            or not all(c.isalnum() or c in "-_." for c in username)
        ):
            raise BadInput("username: 1 to 64 letters, digits, '-', '_' or '.'", field="username")
        display_name = input.display_name.strip()
        if not display_name or len(display_name) > 128:
            raise BadInput("displayName must have 1 to 128 characters", field="displayName")
        _check_password(ctx, input.password, username)
        organisation_id = None
        if input.organisation_id:
            org = await find(Organisation.all(), input.organisation_id, "organisation")
            organisation_id = org.id
        if await m.User.filter(username=username).exists():
            raise Conflict("this username is taken")
        password_hash = await ctx.security.hash_password(input.password)
        try:
            async with in_transaction() as conn:
                row = await m.User.create(
                    username=username,
                    display_name=display_name,
                    password_hash=password_hash,
                    organisation_id=organisation_id,
                    password_changed_at=utcnow(),
                    using_db=conn,
                )
                await ctx.audit_change(
                    conn,
                    Resource.USER,
                    Action.CREATE,
                    row.id,
                    after=_user_snapshot(row),
                )
        except IntegrityError:
            raise Conflict("this username is taken") from None
        return User.of(row)

    @strawberry.mutation(description="Set a new password for a user; their tokens end / 重置密码")
    async def reset_password(self, info: Info, user_id: strawberry.ID, new_password: str) -> User:
        ctx = info.context
        row = await _managed_user(ctx, user_id, Action.RESET_PASSWORD)
        _check_password(ctx, new_password, row.username)
        new_hash = await ctx.security.hash_password(new_password)
        async with in_transaction() as conn:
            before = _user_snapshot(row)
            await _bump_tokens(row, conn, password_hash=new_hash, password_changed_at=utcnow())
            await ctx.audit_change(
                conn,
                Resource.USER,
                Action.RESET_PASSWORD,
                row.id,
                before=before,
                after=_user_snapshot(row),
            )
        return User.of(row)

    @strawberry.mutation(description="Disable or re-enable an account / 停用或启用账号")
    async def set_user_active(self, info: Info, user_id: strawberry.ID, active: bool) -> User:
        ctx = info.context
        row = await _managed_user(ctx, user_id, Action.DISABLE)
        if row.id == ctx.user_id and not active:
            raise BadInput("you cannot disable your own account")
        async with in_transaction() as conn:
            before = _user_snapshot(row)
            await _bump_tokens(row, conn, is_active=active)
            await ctx.audit_change(
                conn,
                Resource.USER,
                Action.DISABLE,
                row.id,
                before=before,
                after=_user_snapshot(row),
                name="user.enable" if active else "user.disable",
            )
        return User.of(row)

    @strawberry.mutation(description="Give a user a role in a tenant / 授予角色")
    async def grant_role(self, info: Info, input: GrantRoleInput) -> RoleBinding:
        ctx = info.context
        authz = await require(ctx, Resource.ROLE_BINDING, Action.GRANT)
        user = await find(scopes.visible_users(authz), input.user_id, "user")
        city_id, organisation_id = await _binding_tenant(input)
        role = m.RoleName(value_of(input.role))
        async with in_transaction() as conn:
            exists = (
                await m.RoleBinding.filter(
                    user_id=user.id,
                    role=role,
                    city_id=city_id,
                    organisation_id=organisation_id,
                    revoked_at=None,
                )
                .using_db(conn)
                .exists()
            )
            if exists:
                raise Conflict("the user already holds this role in this tenant")
            row = await m.RoleBinding.create(
                user_id=user.id,
                role=role,
                city_id=city_id,
                organisation_id=organisation_id,
                granted_by_id=ctx.user_id,
                using_db=conn,
            )
            await ctx.audit_change(
                conn,
                Resource.ROLE_BINDING,
                Action.GRANT,
                row.id,
                after=_binding_snapshot(row),
            )
        return RoleBinding.of(row)

    @strawberry.mutation(description="End a role binding at once / 撤销角色")
    async def revoke_role(self, info: Info, binding_id: strawberry.ID) -> RoleBinding:
        ctx = info.context
        authz = await require(ctx, Resource.ROLE_BINDING, Action.REVOKE)
        async with in_transaction() as conn:
            row = (
                await scopes.visible_role_bindings(authz)
                .using_db(conn)
                .select_for_update()
                .get_or_none(id=parse_id(binding_id, "role binding"))
            )
            if row is None:
                raise NotFound("role binding")
            if row.revoked_at is not None:
                raise Conflict("this role binding is already revoked")
            before = _binding_snapshot(row)
            row.revoked_at = utcnow()
            await row.save(update_fields=["revoked_at"], using_db=conn)
            await ctx.audit_change(
                conn,
                Resource.ROLE_BINDING,
                Action.REVOKE,
                row.id,
                before=before,
                after=_binding_snapshot(row),
            )
        return RoleBinding.of(row)
