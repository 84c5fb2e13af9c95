"""Signing in: generic errors, lockout per username (existing or not), audited either way."""

from __future__ import annotations

from datetime import timedelta

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models.accounts import LoginThrottle, User
from models.audit import Outcome
from models.base import utcnow
from schema.context import Context, IssuedToken
from schema.errors import RateLimited, Unauthenticated

GENERIC_FAILURE = "invalid username or password"


async def _is_locked(key: str) -> bool:
    throttle = await LoginThrottle.get_or_none(username=key)
    return bool(throttle and throttle.locked_until and throttle.locked_until > utcnow())


async def _count_failure(ctx: Context, key: str) -> None:
    limit, lockout = ctx.security.login_max_failures, ctx.security.login_lockout_s
    async with in_transaction():
        throttle, _ = await LoginThrottle.get_or_create(username=key)
        # Atomic increment: concurrent attempts cannot lose a failure.
        await LoginThrottle.filter(username=key).update(failures=F("failures") + 1)
        await throttle.refresh_from_db(fields=["failures"])
        if throttle.failures >= limit:
            await LoginThrottle.filter(username=key).update(
                failures=0, locked_until=utcnow() + timedelta(seconds=lockout)
            )


async def login(ctx: Context, username: str, password: str) -> tuple[User, IssuedToken]:
    key = username.strip().lower()[:64]
    if await _is_locked(key):
        await ctx.audit(
            "auth.login", Outcome.DENIED, actor=key, object_type="user", after={"reason": "locked"}
        )
        raise RateLimited("too many failed sign-ins; try again later")
    user = await User.get_or_none(username=key)
    stored = user.password_hash if user else ctx.security.dummy_hash()
    ok = await ctx.security.verify_password(stored, password)
    if user is None or not ok or not user.is_active:
        await _count_failure(ctx, key)
        await ctx.audit(
            "auth.login",
            Outcome.FAILURE,
            actor=key,
            actor_id=user.id if user else None,
            object_type="user",
            object_id=str(user.id) if user else "",
        )
        raise Unauthenticated(GENERIC_FAILURE)
    async with in_transaction() as conn:
        await (
            LoginThrottle.filter(username=key).using_db(conn).update(failures=0, locked_until=None)
        )
        if ctx.security.needs_rehash(user.password_hash):
            user.password_hash = await ctx.security.hash_password(password)
            await user.save(update_fields=["password_hash"], using_db=conn)
        await ctx.audit(
            "auth.login",
            Outcome.SUCCESS,
            connection=conn,
            actor=user.username,
            actor_id=user.id,
            object_type="user",
            object_id=str(user.id),
        )
    return user, ctx.security.issue_token(user.id, user.token_version)
