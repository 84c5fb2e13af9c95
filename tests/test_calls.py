"""Calls for applications: published by provincial staff, read by everyone signed in."""

from __future__ import annotations

from models.accounts import RoleName
from models.calls import Call
from tests.helpers import Api, World, error_codes

CREATE = """mutation($i: CallInput!) { createCall(input: $i) { id title isOpen publishedAt
  requiredDocuments industries } }"""
CALL = {
    "year": 2026,
    "title": "2026年度申报通知",
    "opensAt": "2026-01-01T00:00:00Z",
    "closesAt": "2099-12-31T00:00:00Z",
    "industries": ["ai_it"],
    "requiredDocuments": ["CONSTRUCTION_PLAN", "BUSINESS_LICENCE"],
    "conditions": "在广西注册的独立法人",
    "supportPolicy": "最高1000万元",
}


async def test_staff_publish_calls_and_everyone_signed_in_reads_them(
    api: Api, world: World
) -> None:
    staff = world.token(await world.user(RoleName.PROVINCIAL_STAFF))
    created = (await api.ok(CREATE, {"i": CALL}, token=staff))["createCall"]
    assert created["isOpen"] is True and created["publishedAt"]
    assert created["requiredDocuments"] == ["CONSTRUCTION_PLAN", "BUSINESS_LICENCE"]
    draft = (await api.ok(CREATE, {"i": {**CALL, "title": "草稿", "publish": False}}, token=staff))[
        "createCall"
    ]
    assert draft["isOpen"] is False
    org = await world.organisation("450100")
    for user in (
        await world.user(RoleName.ENTERPRISE, organisation=org),
        await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450100"),
        await world.user(RoleName.EXPERT),
    ):
        titles = [
            e["node"]["title"]
            for e in (
                await api.ok("{ calls { edges { node { title } } } }", token=world.token(user))
            )["calls"]["edges"]
        ]
        assert titles == ["2026年度申报通知"]  # drafts stay with the province
        hidden = await api.gql(
            "query($id: ID!) { call(id: $id) { id } }", {"id": draft["id"]}, token=world.token(user)
        )
        assert error_codes(hidden) == ["NOT_FOUND"]
    published = await api.ok(
        "mutation($id: ID!) { publishCall(id: $id) { isOpen } }", {"id": draft["id"]}, token=staff
    )
    assert published["publishCall"]["isOpen"] is True


async def test_calls_are_checked_and_only_staff_create_them(api: Api, world: World) -> None:
    staff = world.token(await world.user(RoleName.PROVINCIAL_STAFF))
    for bad in (
        {"closesAt": "2025-01-01T00:00:00Z"},
        {"industries": ["steel-ish"]},
        {"title": " "},
        {"opensAt": "2026-01-01T00:00:00"},
    ):
        body = await api.gql(CREATE, {"i": {**CALL, **bad}}, token=staff)
        assert error_codes(body) == ["BAD_USER_INPUT"], bad
    bureau = world.token(await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450100"))
    assert error_codes(await api.gql(CREATE, {"i": CALL}, token=bureau)) == ["FORBIDDEN"]
    assert await Call.all().count() == 0
