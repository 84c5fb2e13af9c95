"""Accounts and role bindings managed by provincial administrators; `me` for everyone."""

from __future__ import annotations

import pytest

from models.accounts import RoleBinding, RoleName, User
from models.audit import AuditEntry
from tests.helpers import PASSWORD, Api, World, error_codes, gid

GRANT = """mutation($i: GrantRoleInput!) { grantRole(input: $i) {
  id role city { code } organisation { id } revokedAt } }"""
CREATE_USER = """mutation($i: CreateUserInput!) { createUser(input: $i) {
  id username organisation { id } isActive } }"""


@pytest.fixture
async def admin_token(world: World) -> str:
    return world.token(await world.user(RoleName.PROVINCIAL_ADMIN))


async def test_me_shows_the_user_organisation_and_active_bindings(api: Api, world: World) -> None:
    org = await world.organisation("450200")
    user = await world.user(RoleName.ENTERPRISE, organisation=org, username="ent-liugong")
    revoked = await world.bind(user, RoleName.EXPERT)
    await RoleBinding.filter(id=revoked.id).update(revoked_at=revoked.created_at)
    data = await api.ok(
        "{ me { username organisation { id shortName } roleBindings { role organisation { id } } } }",
        token=world.token(user),
    )
    assert data["me"]["username"] == "ent-liugong"
    assert data["me"]["organisation"]["id"] == gid(org)
    assert data["me"]["roleBindings"] == [{"role": "ENTERPRISE", "organisation": {"id": gid(org)}}]


async def test_admin_creates_a_user_who_can_then_sign_in(
    api: Api, world: World, admin_token: str
) -> None:
    org = await world.organisation("450300")
    data = await api.ok(
        CREATE_USER,
        {
            "i": {
                "username": "Ent-GuiLin",
                "displayName": "桂林企业",
                "password": PASSWORD,
                "organisationId": str(org.id),
            }
        },
        token=admin_token,
    )
    assert data["createUser"]["username"] == "ent-guilin"
    login = await api.ok(
        f'mutation {{ login(username: "ent-guilin", password: "{PASSWORD}") {{ token }} }}'
    )
    assert login["login"]["token"]
    again = await api.gql(
        CREATE_USER,
        {"i": {"username": "ent-guilin", "displayName": "x", "password": PASSWORD}},
        token=admin_token,
    )
    assert error_codes(again) == ["CONFLICT"]
    weak = await api.gql(
        CREATE_USER,
        {"i": {"username": "new-one", "displayName": "x", "password": "weakweak"}},
        token=admin_token,
    )
    assert error_codes(weak) == ["BAD_USER_INPUT"]
    entry = await AuditEntry.get(action="user.create")
    assert entry.after is not None and "password_hash" not in entry.after


@pytest.mark.parametrize(
    ("role", "tenant", "ok"),
    [
        ("MUNICIPAL_BUREAU", {"cityCode": "450100"}, True),
        ("MUNICIPAL_BUREAU", {}, False),
        ("MUNICIPAL_BUREAU", {"cityCode": "999999"}, False),
        ("ENTERPRISE", {"org": True}, True),
        ("ENTERPRISE", {"cityCode": "450100"}, False),
        ("EXPERT", {}, True),
        ("EXPERT", {"cityCode": "450100"}, False),
        ("PROVINCIAL_STAFF", {}, True),
    ],
)
async def test_a_binding_carries_exactly_the_tenant_its_role_needs(
    api: Api, world: World, admin_token: str, role: str, tenant: dict[str, object], ok: bool
) -> None:
    user = await world.user(None)
    org = await world.organisation("450100")
    given: dict[str, object] = {"userId": str(user.id), "role": role}
    if "cityCode" in tenant:
        given["cityCode"] = tenant["cityCode"]
    if tenant.get("org"):
        given["organisationId"] = str(org.id)
    body = await api.gql(GRANT, {"i": given}, token=admin_token)
    if ok:
        assert not body.get("errors"), body
        assert await RoleBinding.filter(user_id=user.id, revoked_at=None).count() == 1
    else:
        assert error_codes(body) == ["BAD_USER_INPUT"]
        assert await RoleBinding.filter(user_id=user.id).count() == 0


async def test_granting_the_same_binding_twice_is_a_conflict_and_revoking_twice_too(
    api: Api, world: World, admin_token: str
) -> None:
    user = await world.user(None)
    given = {"userId": str(user.id), "role": "EXPERT"}
    binding = (await api.ok(GRANT, {"i": given}, token=admin_token))["grantRole"]
    assert error_codes(await api.gql(GRANT, {"i": given}, token=admin_token)) == ["CONFLICT"]
    revoke = "mutation($b: ID!) { revokeRole(bindingId: $b) { revokedAt } }"
    assert (await api.ok(revoke, {"b": binding["id"]}, token=admin_token))["revokeRole"][
        "revokedAt"
    ]
    assert error_codes(await api.gql(revoke, {"b": binding["id"]}, token=admin_token)) == [
        "CONFLICT"
    ]


@pytest.mark.parametrize(
    "role",
    [RoleName.PROVINCIAL_STAFF, RoleName.MUNICIPAL_BUREAU, RoleName.ENTERPRISE, RoleName.EXPERT],
)
async def test_only_provincial_admins_manage_accounts(
    api: Api, world: World, role: RoleName
) -> None:
    org = await world.organisation("450100")
    caller = await world.user(
        role,
        city_code="450100" if role is RoleName.MUNICIPAL_BUREAU else None,
        organisation=org if role is RoleName.ENTERPRISE else None,
    )
    target = await world.user(None)
    token = world.token(caller)
    attempts = [
        (GRANT, {"i": {"userId": str(target.id), "role": "PROVINCIAL_ADMIN"}}),
        (CREATE_USER, {"i": {"username": "sneaky", "displayName": "x", "password": PASSWORD}}),
        (
            'mutation($u: ID!) { resetPassword(userId: $u, newPassword: "Taken-Over-123") { id } }',
            {"u": str(target.id)},
        ),
        (
            "mutation($u: ID!) { setUserActive(userId: $u, active: false) { id } }",
            {"u": str(target.id)},
        ),
        ("{ users { totalCount } }", {}),
        ("{ auditLog { totalCount } }", {}),
    ]
    for query, variables in attempts:
        body = await api.gql(query, variables, token=token)
        assert error_codes(body) == ["FORBIDDEN"], query
    # nothing changed, and each denial was audited
    assert await RoleBinding.filter(user_id=target.id).count() == 0
    assert not await User.filter(username="sneaky").exists()
    assert await AuditEntry.filter(outcome="denied", actor_id=caller.id).count() == len(attempts)
    # a user outside one's scope reads like a user that does not exist
    missing = await api.gql(
        "query($u: ID!) { user(id: $u) { id } }", {"u": str(target.id)}, token=token
    )
    assert error_codes(missing) == ["NOT_FOUND"]


async def test_admin_lists_users_with_their_bindings(
    api: Api, world: World, admin_token: str
) -> None:
    await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450500", username="bureau-beihai")
    data = await api.ok(
        '{ users(search: "beihai") { totalCount edges { node { username '
        "roleBindings { role city { pinyin } } } } } }",
        token=admin_token,
    )
    node = data["users"]["edges"][0]["node"]
    assert data["users"]["totalCount"] == 1
    assert node["roleBindings"] == [{"role": "MUNICIPAL_BUREAU", "city": {"pinyin": "beihai"}}]


async def test_an_admin_cannot_disable_their_own_account(api: Api, world: World) -> None:
    admin = await world.user(RoleName.PROVINCIAL_ADMIN)
    body = await api.gql(
        "mutation($u: ID!) { setUserActive(userId: $u, active: false) { id } }",
        {"u": str(admin.id)},
        token=world.token(admin),
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
