"""Keyset cursors: a page starts strictly after its cursor's row, whatever happened before it."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from models.accounts import RoleName, User
from models.centres import AllianceMember, Centre
from schema.pagination import encode_cursor
from tests.helpers import Api, World, error_codes, gid

PAGE = """query($a: String, $f: Int) { centres(first: $f, after: $a) { totalCount
  edges { cursor node { id name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


@pytest.fixture
async def admin(world: World) -> User:
    return await world.user(RoleName.PROVINCIAL_ADMIN)


async def _remove(centre: Centre) -> None:
    await AllianceMember.filter(centre_id=centre.id).delete()
    await Centre.filter(id=centre.id).delete()


async def _page(api: Api, token: str, after: str | None, first: int = 3) -> dict[str, Any]:
    data: dict[str, Any] = (await api.ok(PAGE, {"a": after, "f": first}, token=token))["centres"]
    return data


async def test_cursor_survives_rows_added_and_removed_before_it(
    api: Api, world: World, admin: User
) -> None:
    # given six centres named so that their order is known
    lead = await world.organisation("450100")
    rows = [await world.centre(lead, name=f"键集中心{i}") for i in (10, 20, 30, 40, 50, 60)]
    token = world.token(admin)
    first = await _page(api, token, None)
    assert [e["node"]["name"] for e in first["edges"]] == ["键集中心10", "键集中心20", "键集中心30"]
    # when, before the next page is read, a row before the cursor is removed, one is added
    # before it and one after it
    await _remove(rows[0])
    await world.centre(lead, name="键集中心05")
    await world.centre(lead, name="键集中心45")
    after = first["pageInfo"]["endCursor"]
    second = await _page(api, token, after)
    # then the next page starts right after the last row served: nothing twice, nothing skipped
    assert [e["node"]["name"] for e in second["edges"]] == [
        "键集中心40",
        "键集中心45",
        "键集中心50",
    ]
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert second["pageInfo"]["hasNextPage"] is True
    third = await _page(api, token, second["pageInfo"]["endCursor"])
    assert [e["node"]["name"] for e in third["edges"]] == ["键集中心60"]
    assert third["pageInfo"]["hasNextPage"] is False
    assert third["totalCount"] == 7


async def test_cursor_of_a_removed_row_still_marks_its_place(
    api: Api, world: World, admin: User
) -> None:
    # given a page whose last row is then removed
    lead = await world.organisation("450100")
    rows = [await world.centre(lead, name=f"删除中心{i}") for i in range(1, 6)]
    token = world.token(admin)
    first = await _page(api, token, None, first=2)
    await _remove(rows[1])
    # when the next page is read from its cursor, then it goes on from where that row stood
    second = await _page(api, token, first["pageInfo"]["endCursor"], first=2)
    assert [e["node"]["id"] for e in second["edges"]] == [gid(rows[2]), gid(rows[3])]


async def test_equal_names_are_ordered_and_paged_by_id(api: Api, world: World, admin: User) -> None:
    # given five centres with the same name (the id breaks the tie)
    lead = await world.organisation("450100")
    made = {gid(await world.centre(lead, name="同名中心")) for _ in range(5)}
    token = world.token(admin)
    seen: list[str] = []
    after = None
    # when they are read two at a time, then each comes exactly once
    for _ in range(3):
        page = await _page(api, token, after, first=2)
        seen += [e["node"]["id"] for e in page["edges"]]
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted(made)
    assert page["pageInfo"]["hasNextPage"] is False


async def test_first_zero_says_whether_rows_exist(api: Api, world: World, admin: User) -> None:
    lead = await world.organisation("450100")
    await world.centre(lead)
    page = await _page(api, world.token(admin), None, first=0)
    assert page["edges"] == [] and page["pageInfo"]["hasNextPage"] is True


def _raw(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


CENTRES = "centre/name,id"
UUID_TEXT = "0b3c5f0e-0000-4000-8000-000000000000"


@pytest.mark.parametrize(
    "cursor",
    [
        _raw("o:3"),  # an offset cursor from before keyset cursors
        _raw('k1:["名称", "' + UUID_TEXT + '"]'),  # a keyset cursor of the first version
        _raw(f'k2:["{CENTRES}", ["only one value"]]'),  # a key of another list's shape
        _raw(f'k2:["{CENTRES}", ["名称", "not-a-uuid"]]'),  # a value the column cannot hold
        _raw(f'k2:["{CENTRES}", [1.5, null]]'),
        "%%%",
        _raw("k2:" + "[" * 50),
        # the kind an attacker found to reach INTERNAL: values of the wrong type, nesting past
        # the parser, text no column holds, numbers past any column
        _raw(f'k2:["{CENTRES}", ["广西", 5]]'),
        _raw(f'k2:["{CENTRES}", [true, false]]'),
        _raw("k2:" + "[" * 5000),
        _raw(f'k2:["{CENTRES}", ["\\ud800", "{UUID_TEXT}"]]'),
        _raw(f'k2:["{CENTRES}", ["\\u0000", "{UUID_TEXT}"]]'),
        _raw(f'k2:["{CENTRES}", ["名称", {10**30}]]'),
        _raw(f'k2:["{CENTRES}", ["名称", "{UUID_TEXT.upper()}"]]'),  # not as this list writes it
        # another list's cursor of the same shape (organisations are ordered by name, id too)
        _raw(f'k2:["organisation/name,id", ["名称", "{UUID_TEXT}"]]'),
        "A" * 5000,
    ],
)
async def test_a_cursor_not_made_by_this_list_is_refused(
    api: Api, world: World, admin: User, cursor: str
) -> None:
    body = await api.gql(PAGE, {"a": cursor, "f": 2}, token=world.token(admin))
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == "invalid cursor"


async def test_descending_lists_page_by_keyset_too(api: Api, world: World, admin: User) -> None:
    # given an audit log with entries (every write is audited), read newest first
    lead = await world.organisation("450100")
    for _ in range(3):
        await world.centre(lead)
    token = world.token(admin)
    await api.ok("{ me { id } }", token=token)
    query = """query($a: String) { auditLog(first: 2, after: $a) {
        edges { node { seq } } pageInfo { endCursor hasNextPage } } }"""
    seqs: list[int] = []
    after = None
    while True:
        page = (await api.ok(query, {"a": after}, token=token))["auditLog"]
        seqs += [e["node"]["seq"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    # then every entry comes once, newest first
    assert seqs == sorted(seqs, reverse=True) and len(seqs) == len(set(seqs))


def test_cursors_are_opaque_base64() -> None:
    cursor = encode_cursor(CENTRES, ["名称", UUID_TEXT])
    assert base64.urlsafe_b64decode(cursor).decode().startswith("k2:")


async def test_calls_page_by_their_opening_time_and_refuse_a_centres_cursor(
    api: Api, world: World, admin: User
) -> None:
    # given five published calls, two opening at the same moment
    from datetime import UTC, datetime, timedelta

    from models.calls import Call

    opens = datetime(2026, 11, 1, tzinfo=UTC)
    for i, shift in enumerate((0, 0, 1, 2, 3)):
        await Call.create(
            year=2026,
            title=f"通知{i}",
            opens_at=opens + timedelta(days=shift, microseconds=500 * i),
            closes_at=opens + timedelta(days=90),
            published_at=opens,
            created_by_id=admin.id,
        )
    token = world.token(admin)
    query = """query($a: String) { calls(first: 2, after: $a) { edges { node { title } }
        pageInfo { hasNextPage endCursor } } }"""
    titles: list[str] = []
    after = None
    while True:
        page = (await api.ok(query, {"a": after}, token=token))["calls"]
        titles += [e["node"]["title"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    # then every call comes once, newest first
    assert sorted(titles) == [f"通知{i}" for i in range(5)] and len(titles) == 5
    # and the calls' cursor is refused by the centres list
    body = await api.gql(PAGE, {"a": after, "f": 2}, token=token)
    assert error_codes(body) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    ("query", "tag", "number"),
    [
        ("annualReports", "annual_report/-year,id", 2**63),
        ("annualReports", "annual_report/-year,id", 10**30),
        ("auditLog", "audit_entry/-seq", 2**63),
        ("auditLog", "audit_entry/-seq", -(2**63) - 1),
    ],
)
async def test_a_number_past_its_column_in_a_cursor_is_refused(
    api: Api, world: World, admin: User, query: str, tag: str, number: int
) -> None:
    # given a cursor of the right list whose number no column of that list can hold
    key = [number, UUID_TEXT] if query == "annualReports" else [number]
    cursor = encode_cursor(tag, key)
    # when it is given back, then it is a bad cursor, never an internal error
    body = await api.gql(
        f"query($a: String) {{ {query}(first: 2, after: $a) {{ totalCount }} }}",
        {"a": cursor},
        token=world.token(admin),
    )
    assert error_codes(body) == ["BAD_USER_INPUT"], body
