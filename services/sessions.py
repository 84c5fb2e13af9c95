"""Sessions: signing in and out, one's own password, and the per-username sign-in throttle.

Tokens and password hashes are the service shell's business (``api/``); operations reach them
through the ``Security`` port, passed in explicitly. Sign-in errors are generic (no hint whether a
username exists), the throttle counts per username whether or not it exists, and every attempt is
audited either way.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from typing import Literal, Protocol
from uuid import UUID

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models.accounts import LoginThrottle, User
from models.audit import Outcome
from models.base import utcnow
from services.actor import Actor
from services.errors import BadInput, RateLimited, Unauthenticated
from services.text import username_form

GENERIC_FAILURE = "invalid username or password"

# Why a sign-in was refused, for the service's metrics only (the caller always reads
# GENERIC_FAILURE or the lock's message).
LoginFailure = Literal["unknown_user", "wrong_password", "disabled", "locked"]


class LoginFailureHook(Protocol):
    def __call__(self, reason: LoginFailure, /) -> None: ...


_login_failure_hooks: list[LoginFailureHook] = []


def on_login_failure(hook: LoginFailureHook) -> None:
    """Call ``hook(reason)`` on every refused sign-in (api/metrics.py counts them: services do
    not import api). Registering the same hook twice keeps one; a hook must be quick and must
    not raise."""
    if hook not in _login_failure_hooks:
        _login_failure_hooks.append(hook)


def _login_failed(reason: LoginFailure) -> None:
    for hook in _login_failure_hooks:
        hook(reason)


class IssuedToken(Protocol):
    """A signed access token and when it expires."""

    @property
    def token(self) -> str: ...

    @property
    def expires_at(self) -> datetime: ...


class Security(Protocol):
    """What operations need from the service's authentication, injected by api/: the throttle's
    limits, tokens, password hashing and the password policy."""

    @property
    def login_max_failures(self) -> int: ...

    @property
    def login_lockout_s(self) -> int: ...

    def issue_token(self, user_id: UUID, token_version: int) -> IssuedToken: ...

    def issue_feed_token(self, user_id: UUID, token_version: int) -> IssuedToken:
        """A token good only for the calendar feed URL (R-ASM-6), never for the API."""
        ...

    async def hash_password(self, password: str) -> str: ...

    async def verify_password(self, password_hash: str, password: str) -> bool: ...

    def needs_rehash(self, password_hash: str) -> bool: ...

    def dummy_hash(self) -> str: ...

    def check_password_policy(self, password: str, username: str) -> None: ...


def check_password(security: Security, password: str, username: str) -> None:
    """Apply the password policy. Raises BadInput (field ``password``) naming what it breaks."""
    try:
        security.check_password_policy(password, username)
    except ValueError as exc:
        raise BadInput(str(exc), field="password") from None


async def bump_tokens(row: User, conn: BaseDBAsyncClient, **changes: object) -> None:
    """Apply ``changes`` to the user and end every token they hold (``token_version`` + 1), in
    ``conn``'s transaction; ``row`` is refreshed with the stored values."""
    await (
        User.filter(id=row.id)
        .using_db(conn)
        .update(token_version=F("token_version") + 1, **changes)
    )
    await row.refresh_from_db(using_db=conn)


async def claim_attempt(actor: Actor, security: Security, key: str) -> None:
    """Count a sign-in attempt for the username ``key`` before its password is checked.

    Counting first means parallel guesses cannot all slip past the lock; a success gives the
    attempt back (``attempt_succeeded``). After ``login_max_failures`` the username is locked for
    ``login_lockout_s``. Raises RateLimited while locked (the refusal audited as ``auth.login``,
    denied)."""
    limit, lockout = security.login_max_failures, security.login_lockout_s
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
        await actor.audit(
            "auth.login", Outcome.DENIED, actor=key, object_type="user", after={"reason": "locked"}
        )
        raise RateLimited("too many failed sign-ins; try again later")


async def attempt_succeeded(key: str, conn: BaseDBAsyncClient) -> None:
    """Forget the counted attempts of ``key`` (inside the successful attempt's transaction)."""
    await LoginThrottle.filter(username=key).using_db(conn).update(failures=0, locked_until=None)


async def sign_in(
    actor: Actor, security: Security, username: str, password: str
) -> tuple[User, IssuedToken]:
    """Sign in: the user and a fresh access token.

    The username is matched in its one form (``username_form``); an outdated hash is upgraded.
    Raises RateLimited (too many attempts, see ``claim_attempt``) and Unauthenticated with one
    generic message for an unknown user, a wrong password or a disabled account (audited as
    ``auth.login`` failure; a success is audited too)."""
    key = username_form(username)[:64]
    try:
        await claim_attempt(actor, security, key)
    except RateLimited:
        _login_failed("locked")
        raise
    user = await User.get_or_none(username=key)
    stored = user.password_hash if user else security.dummy_hash()
    ok = await security.verify_password(stored, password)
    if user is None or not ok or not user.is_active:
        await actor.audit(
            "auth.login",
            Outcome.FAILURE,
            actor=key,
            actor_id=user.id if user else None,
            object_type="user",
            object_id=str(user.id) if user else "",
        )
        _login_failed(
            "unknown_user" if user is None else "wrong_password" if not ok else "disabled"
        )
        raise Unauthenticated(GENERIC_FAILURE)
    async with in_transaction() as conn:
        await attempt_succeeded(key, conn)
        if security.needs_rehash(user.password_hash):
            user.password_hash = await security.hash_password(password)
            await user.save(update_fields=["password_hash"], using_db=conn)
        await actor.audit(
            "auth.login",
            Outcome.SUCCESS,
            connection=conn,
            actor=user.username,
            actor_id=user.id,
            object_type="user",
            object_id=str(user.id),
        )
    return user, security.issue_token(user.id, user.token_version)


async def sign_out(actor: Actor) -> User:
    """Sign the caller out everywhere: every token they hold stops working (audited as
    ``auth.logout``). Raises Unauthenticated without a signed-in caller."""
    user = (await actor.caller()).user
    async with in_transaction() as conn:
        await bump_tokens(user, conn)
        await actor.audit(
            "auth.logout",
            Outcome.SUCCESS,
            connection=conn,
            object_type="user",
            object_id=str(user.id),
        )
    return user


async def change_password(
    actor: Actor, security: Security, current_password: str, new_password: str
) -> tuple[User, IssuedToken]:
    """Change the caller's own password: their other sessions end, a fresh token is returned.

    Raises Unauthenticated (no caller, or the current password is wrong: audited as
    ``user.change_password`` failure), BadInput (the new password breaks the policy),
    RateLimited (the sign-in throttle applies: a stolen token must not buy unlimited guesses)."""
    user = (await actor.caller()).user
    check_password(security, new_password, user.username)
    await claim_attempt(actor, security, user.username)
    if not await security.verify_password(user.password_hash, current_password):
        await actor.audit(
            "user.change_password", Outcome.FAILURE, object_type="user", object_id=str(user.id)
        )
        raise Unauthenticated("the current password is wrong")
    new_hash = await security.hash_password(new_password)
    async with in_transaction() as conn:
        await attempt_succeeded(user.username, conn)
        await bump_tokens(user, conn, password_hash=new_hash, password_changed_at=utcnow())
        await actor.audit(
            "user.change_password",
            Outcome.SUCCESS,
            connection=conn,
            object_type="user",
            object_id=str(user.id),
        )
    return user, security.issue_token(user.id, user.token_version)
