"""Property test (issue 9): generated documents, valid and invalid, sent with every role's token
and none, never produce INTERNAL or a 5xx.

Documents come from the committed SDL through hypothesis-graphql (schemathesis' generator):
positive mode builds documents valid against the schema with arbitrary argument values
(strings with NUL and any Unicode, extreme numbers, odd dates); negative mode breaks them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import graphql
import hypothesis_graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.accounts import RoleName
from tests.helpers import Api, World

SDL = (Path(__file__).parent.parent / "schema" / "schema.graphql").read_text()
ROLES = ["none", "admin", "staff", "bureau", "enterprise", "expert"]


def _literal(value: object) -> graphql.ValueNode:
    node = graphql.ast_from_value(value, graphql.GraphQLString)
    assert node is not None
    return node


# Custom scalars as clients really send them: well-formed, malformed and extreme.
SCALARS: dict[str, st.SearchStrategy[graphql.ValueNode]] = {
    "Date": st.one_of(st.dates().map(str), st.text(max_size=12)).map(_literal),
    "DateTime": st.one_of(
        st.datetimes().map(lambda d: d.isoformat() + "Z"), st.text(max_size=30)
    ).map(_literal),
    "Decimal": st.one_of(
        st.decimals(allow_nan=True, allow_infinity=True).map(str), st.text(max_size=20)
    ).map(_literal),
    "JSON": st.text(max_size=20).map(_literal),
}


@pytest.fixture
async def tokens(world: World) -> dict[str, str | None]:
    org = await world.organisation("450200")
    await world.centre(org)
    users = {
        "admin": await world.user(RoleName.PROVINCIAL_ADMIN),
        "staff": await world.user(RoleName.PROVINCIAL_STAFF),
        "bureau": await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450200"),
        "enterprise": await world.user(RoleName.ENTERPRISE, organisation=org),
        "expert": await world.user(RoleName.EXPERT),
    }
    found: dict[str, str | None] = {role: world.token(user) for role, user in users.items()}
    found["none"] = None
    return found


def _documents(mode: hypothesis_graphql.Mode) -> st.SearchStrategy[Any]:
    return st.one_of(
        hypothesis_graphql.queries(SDL, custom_scalars=SCALARS, mode=mode),
        hypothesis_graphql.mutations(SDL, custom_scalars=SCALARS, mode=mode),
    )


async def _send(api: Api, document: object, token: str | None) -> None:
    response = await api.raw(str(document), token=token)
    assert response.status_code < 500, (document, response.text)
    body = response.json()
    codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]
    assert "INTERNAL" not in codes, (document, body)


@pytest.mark.parametrize(
    "mode", [hypothesis_graphql.Mode.POSITIVE, hypothesis_graphql.Mode.NEGATIVE]
)
@settings(
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_hostile_generated_documents_never_fail_inside(
    api: Api, tokens: dict[str, str | None], mode: hypothesis_graphql.Mode, data: st.DataObject
) -> None:
    # given a generated document and a role (or none)
    document = data.draw(_documents(mode), label="document")
    role = data.draw(st.sampled_from(ROLES), label="role")
    # when it is sent, then the answer is never an internal fault
    await _send(api, document, tokens[role])
