"""Signing in: generic errors, lockout per username (existing or not), audited either way."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.accounts import LoginThrottle, User
from models.audit import Outcome
from models.base import utcnow
from schema.context import Context, IssuedToken
from schema.errors import RateLimited, Unauthenticated

GENERIC_FAILURE = "invalid username or password"


async def claim_attempt(ctx: Context, key: str) -> None:
    """Count an attempt before the password is checked, so that parallel guesses cannot all pass
    the lock; a success gives it back (``attempt_succeeded``). Refuses when locked."""
    limit, lockout = ctx.security.login_max_failures, ctx.security.login_lockout_s
    with contextlib.suppress(IntegrityError):  # another attempt created it first
        await LoginThrottle.get_or_create(username=key)
    async with in_transaction() as conn:
        # The row lock (PostgreSQL) or the single writer (SQLite) orders concurrent claims.
        row = await LoginThrottle.filter(username=key).using_db(conn).select_for_update().get()
        now = utcnow()
        if row.locked_until is not None and row.locked_until > now:
            locked = True
        elif row.failures >= limit:
            row.failures, row.locked_until = 0, now + timedelta(seconds=lockout)
            await row.save(update_fields=["failures", "locked_until", "updated_at"], using_db=conn)
            locked = True
        else:
            row.failures += 1
            await row.save(update_fields=["failures", "updated_at"], using_db=conn)
            locked = False
    if locked:
        await ctx.audit(
            "auth.login", Outcome.DENIED, actor=key, object_type="user", after={"reason": "locked"}
        )
        raise RateLimited("too many failed sign-ins; try again later")


async def attempt_succeeded(key: str, conn: BaseDBAsyncClient) -> None:
    await LoginThrottle.filter(username=key).using_db(conn).update(failures=0, locked_until=None)


async def login(ctx: Context, username: str, password: str) -> tuple[User, IssuedToken]:
    key = username.strip().lower()[:64]
    await claim_attempt(ctx, key)
    user = await User.get_or_none(username=key)
    stored = user.password_hash if user else ctx.security.dummy_hash()
    ok = await ctx.security.verify_password(stored, password)
    if user is None or not ok or not user.is_active:
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
        await attempt_succeeded(key, conn)
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
