"""A failing field cancels its siblings (graphql-core's gather_with_cancel): a sibling cancelled
while it audits a refusal must not leave a transaction (and SQLite's lock) half-open."""

from __future__ import annotations

import asyncio

import pytest

from models.accounts import RoleName
from models.audit import AuditEntry, Outcome, verify_chain
from tests.helpers import Api, World, error_codes

MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.mark.parametrize(
    "query",
    [
        f'{{ centre(id: "{MISSING}") {{ id }} users {{ totalCount }} }}',
        f'{{ users {{ totalCount }} centre(id: "{MISSING}") {{ id }} auditLog {{ totalCount }} }}',
        f'{{ a: centre(id: "{MISSING}") {{ id }} b: users {{ totalCount }} c: users {{ totalCount }}'
        f" d: auditLog {{ totalCount }} }}",
    ],
)
async def test_r_acc_6_a_refusal_audited_beside_a_failing_field_never_blocks_the_database(
    api: Api, world: World, query: str
) -> None:
    # given an expert, who may read neither users nor the audit log (refusals are audited)
    expert = await world.user(RoleName.EXPERT)
    token = world.token(expert)
    # when a query fails one field while its siblings are auditing their refusals, ten times
    for _ in range(10):
        body = await asyncio.wait_for(api.gql(query, token=token), timeout=30)
        # whichever field fails first nulls the answer and cancels the rest, so either code may
        # be the one reported; never a success, never another code
        assert body["data"] is None
        codes = error_codes(body)
        assert codes and set(codes) <= {"NOT_FOUND", "FORBIDDEN"}
    # then the database still answers at once, at least one refusal was audited, and the audit
    # chain (every entry written whole) verifies
    me = await asyncio.wait_for(api.ok("{ me { username } }", token=token), timeout=30)
    assert me["me"]["username"] == expert.username
    denied = AuditEntry.filter(outcome=Outcome.DENIED, actor_id=expert.id)
    assert await asyncio.wait_for(denied.count(), timeout=30) >= 1
    checked, problems = await asyncio.wait_for(verify_chain(), timeout=30)
    assert checked >= 1 and problems == []
