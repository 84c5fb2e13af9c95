"""R-ACC-6: every write is audited in a hash chain that detects edits and deletions."""

from __future__ import annotations

import asyncio
import itertools
import os
import sys

import pytest
from tortoise import connections

from api.settings import Settings
from models.accounts import RoleName
from models.audit import Anchor, AuditEntry, AuditHead, verify_chain
from tests.helpers import PASSWORD, Api, World, error_codes

LOGIN = f'mutation {{ login(username: "admin-li", password: "{PASSWORD}") {{ token }} }}'


async def _some_history(api: Api, world: World) -> str:
    admin = await world.user(RoleName.PROVINCIAL_ADMIN, username="admin-li")
    token = (await api.ok(LOGIN))["login"]["token"]
    city = await world.city("450100")
    org = await world.organisation(city.code)
    user = await world.user(None)
    await api.ok(
        "mutation($u: ID!, $o: ID!) { grantRole(input: {userId: $u, role: ENTERPRISE, organisationId: $o}) { id } }",
        {"u": str(user.id), "o": str(org.id)},
        token=token,
    )
    await api.gql(LOGIN.replace(PASSWORD, "Wrong-Password-99"))
    assert admin.id
    return token


async def test_r_acc_6_each_audited_action_leaves_a_chained_entry(api: Api, world: World) -> None:
    # given a sign-in, a grant and a failed sign-in
    await _some_history(api, world)
    entries = await AuditEntry.all().order_by("seq")
    # then each is in the log, in order, chained to the one before
    assert [(e.action, e.outcome) for e in entries] == [
        ("auth.login", "success"),
        ("role_binding.grant", "success"),
        ("auth.login", "failure"),
    ]
    assert [e.seq for e in entries] == [1, 2, 3]
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    grant = entries[1]
    assert grant.role == "provincial_admin" and grant.tenant == "province"
    assert grant.after is not None and grant.after["role"] == "enterprise"
    assert grant.request_id and grant.client_addr == "203.0.113.7"
    count, problems = await verify_chain()
    assert (count, problems) == (3, [])


async def test_r_acc_6_a_denied_action_is_audited(api: Api, world: World) -> None:
    bureau = await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450100")
    body = await api.gql("{ auditLog { totalCount } }", token=world.token(bureau))
    assert error_codes(body) == ["FORBIDDEN"]
    entry = await AuditEntry.get(action="audit_log.read")
    assert entry.outcome == "denied" and entry.actor_id == bureau.id
    assert entry.role == "municipal_bureau" and entry.tenant.startswith("city:")


@pytest.mark.parametrize("tamper", ["edit", "delete_middle", "delete_last"])
async def test_r_acc_6_verify_detects_a_changed_or_deleted_entry(
    api: Api, world: World, tamper: str
) -> None:
    await _some_history(api, world)
    conn = connections.get("default")
    if tamper == "edit":
        await conn.execute_query("UPDATE audit_entry SET actor = 'someone-else' WHERE seq = 2")
    elif tamper == "delete_middle":
        await conn.execute_query("DELETE FROM audit_entry WHERE seq = 2")
    else:
        await conn.execute_query("DELETE FROM audit_entry WHERE seq = 3")
    _, problems = await verify_chain()
    assert problems
    if tamper == "edit":
        assert problems[0].seq == 2 and "edited" in problems[0].problem


async def _mic_audit_verify(settings: Settings, *args: str) -> tuple[int, str]:
    """Run the real `mic audit verify` (or another `mic audit` command) in a separate process
    against the test database."""
    env = {**os.environ, "MIC_DATABASE_URL": settings.database_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "api.cli",
        "audit",
        *(args or ("verify",)),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    return process.returncode or 0, out.decode()


async def test_mic_audit_verify_exits_1_on_an_edited_row(
    api: Api, world: World, settings: Settings
) -> None:
    # given a history that the CLI finds intact
    await _some_history(api, world)
    code, out = await _mic_audit_verify(settings)
    assert code == 0 and "3 entries checked: intact" in out
    # when a row is edited behind the service's back
    await connections.get("default").execute_query(
        "UPDATE audit_entry SET outcome = 'success' WHERE seq = 3"
    )
    # then `mic audit verify` names the entry and fails
    code, out = await _mic_audit_verify(settings)
    assert code == 1
    assert "entry 3" in out and "edited" in out


async def test_r_acc_6_an_anchor_catches_a_log_cut_short_with_its_head_rewound(
    api: Api, world: World, settings: Settings
) -> None:
    # given the head printed by `mic audit head` and kept outside the database
    await _some_history(api, world)
    code, head = await _mic_audit_verify(settings, "head")
    anchor = head.strip()
    assert code == 0 and anchor.startswith("3:")
    code, out = await _mic_audit_verify(settings, "verify", "--anchor", anchor)
    assert code == 0 and "intact" in out
    # when someone deletes the last entry and rewinds the head to the one before
    conn = connections.get("default")
    second = await AuditEntry.get(seq=2)
    await conn.execute_query("DELETE FROM audit_entry WHERE seq = 3")
    await AuditHead.filter(id=1).update(seq=2, hash=second.hash)
    # then the chain alone looks intact, but not against the anchor
    assert (await verify_chain())[1] == []
    code, out = await _mic_audit_verify(settings, "verify", "--anchor", anchor)
    assert code == 1 and "entry 3" in out and "cut short" in out
    # and a rewritten entry differs from its anchor
    _, problems = await verify_chain((Anchor(2, "0" * 64),))
    assert [p.seq for p in problems] == [2]


async def test_admins_query_the_audit_log_filtered_and_paginated(api: Api, world: World) -> None:
    token = await _some_history(api, world)
    data = await api.ok(
        '{ auditLog(first: 1, filter: {action: "auth.login"}) { totalCount '
        "edges { cursor node { seq action outcome actor hash prevHash } } pageInfo { hasNextPage endCursor } } }",
        token=token,
    )
    log = data["auditLog"]
    assert log["totalCount"] == 2  # newest first; the failed sign-in is last
    assert log["edges"][0]["node"]["outcome"] == "FAILURE"
    assert log["pageInfo"]["hasNextPage"] is True
    nxt = await api.ok(
        'query($a: String) { auditLog(first: 1, after: $a, filter: {action: "auth.login"}) { edges { node { outcome } } } }',
        {"a": log["pageInfo"]["endCursor"]},
        token=token,
    )
    assert nxt["auditLog"]["edges"][0]["node"]["outcome"] == "SUCCESS"
    assert await AuditHead.get(id=1)
