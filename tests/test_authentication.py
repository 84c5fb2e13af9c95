"""Tokens, sign-in, lockout, sign-out, and bindings that apply on the very next request."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from api.settings import Settings
from models.accounts import LoginThrottle, RoleBinding, RoleName, User
from models.audit import AuditEntry
from models.base import utcnow
from tests.helpers import PASSWORD, Api, World, error_codes

ME = "{ me { username roleBindings { role city { code } } } }"
LOGIN = (
    "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token expiresAt } }"
)


def _claims(settings: Settings, user: User, **override: object) -> dict[str, object]:
    now = datetime.now(UTC)
    claims: dict[str, object] = {
        "sub": str(user.id),
        "ver": user.token_version,
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(minutes=5),
        "aud": settings.token_audience,
        "iss": settings.token_issuer,
        "jti": "x",
    }
    claims.update(override)
    return {k: v for k, v in claims.items() if v is not None}


def _b64(data: dict[str, object]) -> str:
    raw = json.dumps(data, default=str).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


async def _assert_unauthenticated(api: Api, token: str) -> None:
    response = await api.raw(ME, token=token)
    assert response.status_code == 401
    assert error_codes(response.json()) == ["UNAUTHENTICATED"]


@pytest.fixture
async def staff(world: World) -> User:
    return await world.user(RoleName.PROVINCIAL_STAFF, username="staff-zhang")


async def test_a_valid_token_identifies_the_caller(api: Api, world: World, staff: User) -> None:
    data = await api.ok(ME, token=world.token(staff))
    assert data["me"]["username"] == "staff-zhang"


@pytest.mark.parametrize(
    "case",
    [
        "tampered",
        "alg_none",
        "missing_exp",
        "wrong_audience",
        "expired",
        "wrong_issuer",
        "wrong_secret",
        "missing_sub",
        "not_bearer",
        "garbage",
        "hs512",
    ],
)
async def test_untrustworthy_tokens_are_unauthenticated(
    api: Api, world: World, settings: Settings, staff: User, case: str
) -> None:
    secret = settings.token_secret
    if case == "tampered":
        header, _payload, signature = world.token(staff).split(".")
        forged = _claims(
            settings, staff, sub=str(staff.id), ver=staff.token_version + 0, jti="forged"
        )
        token = ".".join([header, _b64(forged), signature])
    elif case == "alg_none":
        token = _b64({"alg": "none", "typ": "JWT"}) + "." + _b64(_claims(settings, staff)) + "."
    elif case == "missing_exp":
        token = jwt.encode(_claims(settings, staff, exp=None), secret, algorithm="HS256")
    elif case == "wrong_audience":
        token = jwt.encode(_claims(settings, staff, aud="someone-else"), secret, algorithm="HS256")
    elif case == "expired":
        past = datetime.now(UTC) - timedelta(hours=2)
        token = jwt.encode(
            _claims(settings, staff, iat=past, nbf=past, exp=past + timedelta(minutes=5)),
            secret,
            algorithm="HS256",
        )
    elif case == "wrong_issuer":
        token = jwt.encode(_claims(settings, staff, iss="evil"), secret, algorithm="HS256")
    elif case == "wrong_secret":
        token = jwt.encode(
            _claims(settings, staff), "another-secret-of-enough-length-000000", algorithm="HS256"
        )
    elif case == "missing_sub":
        token = jwt.encode(_claims(settings, staff, sub=None), secret, algorithm="HS256")
    elif case == "hs512":
        token = jwt.encode(_claims(settings, staff), secret * 2, algorithm="HS512")
    elif case == "not_bearer":
        response = await api.client.post(
            "/graphql", json={"query": ME}, headers={"authorization": f"Basic {world.token(staff)}"}
        )
        assert response.status_code == 401
        assert error_codes(response.json()) == ["UNAUTHENTICATED"]
        return
    else:
        token = "not.a.token"
    await _assert_unauthenticated(api, token)


async def test_login_returns_a_token_and_is_audited(api: Api, staff: User) -> None:
    data = await api.ok(LOGIN, {"u": "Staff-Zhang", "p": PASSWORD})
    me = await api.ok(ME, token=data["login"]["token"])
    assert me["me"]["username"] == "staff-zhang"
    entry = await AuditEntry.filter(action="auth.login").order_by("-seq").first()
    assert entry is not None and entry.outcome == "success" and entry.actor_id == staff.id
    assert entry.client_addr == "203.0.113.7"


async def test_bad_credentials_get_one_generic_error_whether_or_not_the_user_exists(
    api: Api, staff: User
) -> None:
    wrong = await api.gql(LOGIN, {"u": "staff-zhang", "p": "Wrong-password-1"})
    unknown = await api.gql(LOGIN, {"u": "nobody-here", "p": "Wrong-password-1"})
    assert error_codes(wrong) == error_codes(unknown) == ["UNAUTHENTICATED"]
    assert wrong["errors"][0]["message"] == unknown["errors"][0]["message"]
    failures = await AuditEntry.filter(action="auth.login", outcome="failure").count()
    assert failures == 2


async def test_lockout_after_repeated_failures_even_with_the_right_password(
    api: Api, staff: User
) -> None:
    for _ in range(5):
        body = await api.gql(LOGIN, {"u": "staff-zhang", "p": "Wrong-password-1"})
        assert error_codes(body) == ["UNAUTHENTICATED"]
    locked = await api.gql(LOGIN, {"u": "staff-zhang", "p": PASSWORD})
    assert error_codes(locked) == ["RATE_LIMITED"]
    # and once the lock has passed, the right password works again
    await LoginThrottle.filter(username="staff-zhang").update(
        locked_until=utcnow() - timedelta(seconds=1)
    )
    assert (await api.ok(LOGIN, {"u": "staff-zhang", "p": PASSWORD}))["login"]["token"]


async def test_lockout_counts_attempts_sent_as_aliases_in_one_request(
    api: Api, staff: User
) -> None:
    aliases = " ".join(
        f'a{i}: login(username: "staff-zhang", password: "Guess-number-{i}") {{ token }}'
        for i in range(8)
    )
    # when guesses arrive as aliases, request after request
    codes: list[str] = []
    for _ in range(6):
        codes += error_codes(await api.gql(f"mutation {{ {aliases} }}"))
    # then every executed guess counted: five failures in all, then the lock
    assert codes.count("UNAUTHENTICATED") == 5
    assert codes[-1] == "RATE_LIMITED"
    assert await AuditEntry.filter(action="auth.login", outcome="failure").count() == 5
    locked = await api.gql(LOGIN, {"u": "staff-zhang", "p": PASSWORD})
    assert error_codes(locked) == ["RATE_LIMITED"]


async def test_lockout_holds_when_guesses_arrive_in_parallel(api: Api, staff: User) -> None:
    # given twelve wrong guesses sent at once, and the right password among them
    guesses = [api.gql(LOGIN, {"u": "staff-zhang", "p": f"Wrong-guess-{i}"}) for i in range(12)] + [
        api.gql(LOGIN, {"u": "staff-zhang", "p": PASSWORD})
    ]
    bodies = await asyncio.gather(*guesses)
    codes = [code for body in bodies for code in error_codes(body)]
    # then at most five attempts were ever checked; the rest met the lock
    checked = [b for b in bodies if not b.get("errors") or error_codes(b) == ["UNAUTHENTICATED"]]
    assert len(checked) <= 5, codes
    assert codes.count("RATE_LIMITED") >= 8
    # and, whether or not the right password got in first, a wrong one no longer gets checked
    after = await api.gql(LOGIN, {"u": "staff-zhang", "p": "Wrong-guess-99"})
    assert error_codes(after) in (["RATE_LIMITED"], ["UNAUTHENTICATED"])


async def test_change_password_guesses_are_throttled_like_sign_ins(
    api: Api, world: World, staff: User
) -> None:
    # given a token in the hands of someone who does not know the password
    token = world.token(staff)
    change = """mutation($c: String!, $n: String!) {
      changePassword(currentPassword: $c, newPassword: $n) { token } }"""
    codes = []
    for i in range(7):
        body = await api.gql(change, {"c": f"Guess-number-{i}", "n": "New-Passw0rd-2026"}, token)
        codes += error_codes(body)
    # then after five wrong guesses the rest are refused without a check
    assert codes[:5] == ["UNAUTHENTICATED"] * 5
    assert codes[5:] == ["RATE_LIMITED"] * 2
    # and the right password is refused too while the lock holds
    right = await api.gql(change, {"c": PASSWORD, "n": "New-Passw0rd-2026"}, token)
    assert error_codes(right) == ["RATE_LIMITED"]


async def test_unknown_usernames_are_locked_too(api: Api) -> None:
    for _ in range(5):
        await api.gql(LOGIN, {"u": "ghost", "p": "Wrong-password-1"})
    assert error_codes(await api.gql(LOGIN, {"u": "ghost", "p": "Wrong-password-1"})) == [
        "RATE_LIMITED"
    ]


async def test_logout_revokes_every_token_of_the_user(api: Api, world: World, staff: User) -> None:
    token = world.token(staff)
    other_session = (await api.ok(LOGIN, {"u": "staff-zhang", "p": PASSWORD}))["login"]["token"]
    assert (await api.ok("mutation { logout }", token=token))["logout"] is True
    for old in (token, other_session):
        assert error_codes(await api.gql(ME, token=old)) == ["UNAUTHENTICATED"]


async def test_a_revoked_binding_stops_working_on_the_next_request(api: Api, world: World) -> None:
    # given a bureau user who can see a centre of their city
    lead = await world.organisation("450100")
    await world.centre(lead)
    bureau = await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450100")
    admin = await world.user(RoleName.PROVINCIAL_ADMIN)
    token = world.token(bureau)
    query = "{ centres { totalCount } }"
    assert (await api.ok(query, token=token))["centres"]["totalCount"] == 1
    # when an admin revokes the binding
    binding = await RoleBinding.get(user_id=bureau.id)
    await api.ok(
        "mutation($id: ID!) { revokeRole(bindingId: $id) { revokedAt } }",
        {"id": str(binding.id)},
        token=world.token(admin),
    )
    # then the very next request with the same token sees nothing
    assert (await api.ok(query, token=token))["centres"]["totalCount"] == 0


async def test_a_granted_binding_applies_on_the_next_request(api: Api, world: World) -> None:
    lead = await world.organisation("450200")
    await world.centre(lead)
    user = await world.user(None)
    admin = await world.user(RoleName.PROVINCIAL_ADMIN)
    token = world.token(user)
    assert (await api.ok("{ centres { totalCount } }", token=token))["centres"]["totalCount"] == 0
    await api.ok(
        'mutation($u: ID!) { grantRole(input: {userId: $u, role: MUNICIPAL_BUREAU, cityCode: "450200"}) { id } }',
        {"u": str(user.id)},
        token=world.token(admin),
    )
    assert (await api.ok("{ centres { totalCount } }", token=token))["centres"]["totalCount"] == 1


async def test_a_disabled_account_is_signed_out_and_cannot_sign_in(
    api: Api, world: World, staff: User
) -> None:
    admin = await world.user(RoleName.PROVINCIAL_ADMIN)
    token = world.token(staff)
    await api.ok(
        "mutation($u: ID!) { setUserActive(userId: $u, active: false) { isActive } }",
        {"u": str(staff.id)},
        token=world.token(admin),
    )
    assert error_codes(await api.gql(ME, token=token)) == ["UNAUTHENTICATED"]
    assert error_codes(await api.gql(LOGIN, {"u": "staff-zhang", "p": PASSWORD})) == [
        "UNAUTHENTICATED"
    ]


async def test_change_password_enforces_the_policy_and_ends_other_sessions(
    api: Api, world: World, staff: User
) -> None:
    token = world.token(staff)
    change = """mutation($c: String!, $n: String!) {
      changePassword(currentPassword: $c, newPassword: $n) { token } }"""
    for weak in ("short1!A", "alllowercaseletters", "Staff-Zhang-2026!"):
        body = await api.gql(change, {"c": PASSWORD, "n": weak}, token=token)
        assert error_codes(body) == ["BAD_USER_INPUT"], weak
    wrong = await api.gql(
        change, {"c": "Not-my-password-9", "n": "Brand-New-Secret-77"}, token=token
    )
    assert error_codes(wrong) == ["UNAUTHENTICATED"]
    data = await api.ok(change, {"c": PASSWORD, "n": "Brand-New-Secret-77"}, token=token)
    assert error_codes(await api.gql(ME, token=token)) == ["UNAUTHENTICATED"]
    assert (await api.ok(ME, token=data["changePassword"]["token"]))["me"][
        "username"
    ] == "staff-zhang"
    assert (await api.ok(LOGIN, {"u": "staff-zhang", "p": "Brand-New-Secret-77"}))["login"]["token"]


async def test_admin_reset_password_revokes_tokens(api: Api, world: World, staff: User) -> None:
    admin = await world.user(RoleName.PROVINCIAL_ADMIN)
    token = world.token(staff)
    await api.ok(
        'mutation($u: ID!) { resetPassword(userId: $u, newPassword: "Reset-By-Admin-88") { id } }',
        {"u": str(staff.id)},
        token=world.token(admin),
    )
    assert error_codes(await api.gql(ME, token=token)) == ["UNAUTHENTICATED"]
    assert (await api.ok(LOGIN, {"u": "staff-zhang", "p": "Reset-By-Admin-88"}))["login"]["token"]


async def test_an_argon2_hash_with_old_parameters_is_upgraded_on_login(
    api: Api, world: World
) -> None:
    from argon2 import PasswordHasher

    old = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    user = await world.user(RoleName.EXPERT, username="expert-old-hash")
    await User.filter(id=user.id).update(password_hash=old)
    await api.ok(LOGIN, {"u": "expert-old-hash", "p": PASSWORD})
    upgraded = (await User.get(id=user.id)).password_hash
    assert upgraded != old and "m=19456,t=2,p=1" in upgraded
