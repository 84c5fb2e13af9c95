"""The compiled read path gives the same bytes as field-by-field resolution, for every demo role.

Each document is sent twice with the same token: once compiled (its JSON built in SQL,
schema/compiled) and once resolved field by field (``compiled_reads`` off); the two HTTP bodies
must be identical, errors included. Documents come from three sources: hand-written ones
(fragments, aliases, @skip/@include, __typename, pages after a cursor, filters, scopes), selections
generated over the compiled catalogue, and documents generated from the committed SDL by
hypothesis-graphql.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import hypothesis_graphql
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.settings import Settings
from demo import seed_demo
from models.accounts import User
from schema import reads
from schema.compiled.catalogue import TYPES, Column, ToMany, ToOne
from schema.compiled.dialect import Dialect
from schema.compiled.plan import OUTER
from tests.helpers import Api, World

SDL = (Path(__file__).parent.parent / "schema" / "schema.graphql").read_text()

FULL_NODE = """id name direction operatingCompany status isNational listedOn establishedOn version
  planGoals planKeyTechnologies planRoadmap duplicateOverrideReason __typename
  city { id code nameZh nameEn pinyin __typename } industry { id code nameZh nameEn }
  leadOrganisation { id name shortName creditCode kind city { code } }
  members { id memberRole joinedOn leftOn organisation { id name kind __typename } }
  current: members(currentOnly: true) { memberRole organisation { name } }"""

HAND_WRITTEN: list[tuple[str, dict[str, Any]]] = [
    (
        f"{{ centres(first: 100) {{ totalCount edges {{ cursor node {{ {FULL_NODE} }} }} "
        "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }",
        {},
    ),
    (
        """query($yes: Boolean!, $no: Boolean!, $cur: Boolean) {
      list: centres(first: 7) { __typename n: totalCount
        edges { __typename c: cursor node { ...Card ... on Node { id } ... on Centre { name } } }
        more: pageInfo { __typename next: hasNextPage end: endCursor } }
      other: centres(first: 3, filter: {status: ESTABLISHED}) { edges { node { id
        members(currentOnly: $cur) @include(if: $yes) { memberRole }
        city @skip(if: $no) { code } industry @skip(if: $yes) { code } } } } }
    fragment Card on Centre { name status leadOrganisation { ...Org } city { ...Place } }
    fragment Org on Organisation { name kind city { ...Place } }
    fragment Place on City { code nameEn }""",
        {"yes": True, "no": False, "cur": True},
    ),
    (
        "{ centres(first: 0) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }",
        {},
    ),
    ('{ centres(first: 5, filter: {search: "中心"}) { edges { node { id name } } } }', {}),
    ("{ centres(first: 101) { edges { node { id } } } }", {}),
    ('{ centres(after: "bm9wZQ") { edges { node { id } } } }', {}),
    ("{ centres { edges { node { id a: id b: name name } } } }", {}),
    ("{ centres { edges { node { id documents { title } } } } }", {}),  # not compiled
    (
        """{ organisations(first: 50) { totalCount edges { cursor node { id name shortName creditCode
        kind city { code nameZh } __typename } } pageInfo { hasNextPage endCursor } } }""",
        {},
    ),
    (
        """{ centresNearingCultivationDeadline(withinDays: 1098) { totalCount edges { cursor node {
        id name listedOn members { organisation { name } } } } pageInfo { endCursor } } }""",
        {},
    ),
]


@pytest_asyncio.fixture
async def tokens(world: World) -> dict[str, str]:
    await seed_demo("Demo-Password-2026!")
    return {u.username: world.token(u) for u in await User.all().order_by("username")}


@pytest.fixture
def both_ways(
    api: Api, settings: Settings
) -> Callable[[str, dict[str, Any], str], Awaitable[tuple[bytes, bytes]]]:
    async def send(query: str, variables: dict[str, Any], token: str) -> tuple[bytes, bytes]:
        try:
            settings.compiled_reads = True
            compiled = (await api.raw(query, variables, token=token)).content
            settings.compiled_reads = False
            resolved = (await api.raw(query, variables, token=token)).content
        finally:
            settings.compiled_reads = True
        return compiled, resolved

    return send


@pytest_asyncio.fixture
async def taken(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[list[bool]]:
    """Whether each centres request went the compiled way."""
    seen: list[bool] = []
    original = reads.compiled_connection

    async def spy(*args: Any, **kwargs: Any) -> Any:
        answer = await original(*args, **kwargs)
        seen.append(answer is not None)
        return answer

    monkeypatch.setattr(reads, "compiled_connection", spy)
    yield seen


async def test_compiled_answers_equal_resolved_ones_for_every_demo_account(
    tokens: dict[str, str], both_ways: Any, taken: list[bool]
) -> None:
    # given every demo account, and documents the compiled path plans (and some it does not)
    for username, token in tokens.items():
        for query, variables in HAND_WRITTEN:
            # when each is answered both ways, then the bytes are identical
            compiled, resolved = await both_ways(query, variables, token)
            assert compiled == resolved, (username, query, compiled[:400], resolved[:400])
    # and the compiled path really answered most of them (the rest fell back or were refused)
    assert taken.count(True) >= len(tokens) * 4, taken


async def test_a_second_page_after_a_cursor_is_the_same_both_ways(
    tokens: dict[str, str], both_ways: Any, api: Api
) -> None:
    query = """query($a: String) { centres(first: 4, after: $a) { edges { cursor node { id name
        members { organisation { name } } } } pageInfo { hasNextPage endCursor } } }"""
    for username in ("admin", "bureau-nanning", "ent-" + "liugong"):
        token = tokens.get(username) or tokens["admin"]
        after = None
        for _ in range(4):
            compiled, resolved = await both_ways(query, {"a": after}, token)
            assert compiled == resolved, username
            page = (await api.ok(query, {"a": after}, token=token))["centres"]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]


def _field(name: str, args: str = "", inner: str = "") -> st.SearchStrategy[str]:
    """A field, sometimes aliased, now and then under @include/@skip with a variable."""
    alias = st.sampled_from(["", "", "x_", "y_"]).map(lambda a: f"{a}{name}: " if a else "")
    directive = st.sampled_from(
        ["", "", "", "", " @include(if: $yes)", " @skip(if: $yes)", " @skip(if: $no)"]
    )
    return st.tuples(alias, directive).map(lambda t: f"{t[0]}{name}{args}{t[1]}{inner}")


def _selection(type_name: str, depth: int) -> st.SearchStrategy[str]:
    kind = TYPES[type_name]
    items: list[st.SearchStrategy[str]] = [_field("__typename")]
    for name, entry in kind.fields.items():
        if isinstance(entry, Column):
            items.append(_field(name))
        elif depth < 3:
            inner = _selection(entry.target, depth + 1)
            if isinstance(entry, ToMany):
                arg = st.sampled_from(["", "(currentOnly: true)", "(currentOnly: $cur)"])
                items.append(
                    st.tuples(arg, inner).flatmap(
                        lambda t, n=name: _field(n, t[0], f" {{ {t[1]} }}")
                    )
                )
            elif isinstance(entry, ToOne):
                items.append(inner.flatmap(lambda sel, n=name: _field(n, "", f" {{ {sel} }}")))
    fields = st.lists(st.one_of(items), min_size=1, max_size=4).map(" ".join)
    spreads = fields.map(lambda sel: f"... on {type_name} {{ {sel} }}")
    return st.lists(st.one_of(fields, spreads), min_size=1, max_size=2).map(" ".join)


VARIABLES = {"yes": "Boolean!", "no": "Boolean!", "cur": "Boolean"}
QUERY = """query{signature} {{
  centres(first: {first}) {{ totalCount edges {{ cursor node {{ id {node} }} }}
  pageInfo {{ hasNextPage endCursor }} }} }}"""


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_generated_selections_over_the_catalogue_answer_alike(
    tokens: dict[str, str], both_ways: Any, taken: list[bool], data: st.DataObject
) -> None:
    # given a selection generated over every compiled field, and any demo account
    node = data.draw(_selection("Centre", 0), label="node")
    first = data.draw(st.integers(min_value=0, max_value=30), label="first")
    username = data.draw(st.sampled_from(sorted(tokens)), label="account")
    values = {
        "yes": data.draw(st.booleans()),
        "no": data.draw(st.booleans()),
        "cur": data.draw(st.one_of(st.none(), st.booleans())),
    }
    used = [name for name in VARIABLES if f"${name}" in node]
    signature = f"({', '.join(f'${n}: {VARIABLES[n]}' for n in used)})" if used else ""
    variables = {name: values[name] for name in used}
    query = QUERY.format(signature=signature, first=first, node=node)
    # when it is answered both ways, then the bytes are identical
    compiled, resolved = await both_ways(query, variables, tokens[username])
    assert compiled == resolved, (username, query)
    # and the selection, every field of which is in the catalogue, went the compiled way (a null
    # variable is left to graphql-core's coercion, and so is a document the limits refuse)
    if b'"errors"' not in compiled and variables.get("cur", True) is not None:
        assert taken[-2] is True, query


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_documents_generated_from_the_sdl_answer_alike(
    tokens: dict[str, str], both_ways: Any, data: st.DataObject
) -> None:
    # given a document hypothesis-graphql builds from the committed SDL, on the centres field
    document = data.draw(hypothesis_graphql.queries(SDL, fields=["centres"]), label="document")
    username = data.draw(st.sampled_from(sorted(tokens)), label="account")
    # when it is answered both ways, then the bytes are identical
    compiled, resolved = await both_ways(str(document), {}, tokens[username])
    assert compiled == resolved, (username, document)


@pytest.mark.parametrize(
    ("spelling", "sql", "narrowed"),
    [
        ("postgres", "a = $1 AND id = $2 AND b = $3", "a = $1 AND id = t5.id AND b = $2"),
        ("sqlite", "a = ? AND id = ? AND b = ?", "a = ? AND id = t5.id AND b = ?"),
    ],
)
def test_a_scope_is_narrowed_to_the_outer_row_in_both_dialects(
    spelling: str, sql: str, narrowed: str
) -> None:
    # given a scope's statement filtered on the sentinel id, between two other parameters
    found, params = Dialect(spelling).correlate(sql, ["x", str(OUTER), "y"], OUTER, "t5.id")
    # then the sentinel's placeholder becomes the outer column and its parameter is dropped
    assert (found, params) == (narrowed, ["x", "y"])
    # and a statement without the sentinel (or with it twice) cannot be narrowed
    with pytest.raises(ValueError, match="exactly once"):
        Dialect(spelling).correlate(sql, ["x", "y", "z"], OUTER, "t5.id")
