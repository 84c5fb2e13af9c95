"""The read path's caches: a document is parsed and validated once per process, not per request."""

from __future__ import annotations

from typing import Any

import pytest
from strawberry.dataloader import DataLoader
from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.extensions.validation_cache import _get_validate_cache

from api.settings import Settings
from models.accounts import RoleName
from tests.helpers import Api, World

QUERY = "{ centres(first: 3) { totalCount edges { node { id name } } } }"


async def test_the_same_document_is_validated_once_however_often_it_is_sent(
    api: Api, world: World
) -> None:
    # given a signed-in caller who has sent a document once
    token = world.token(await world.user(RoleName.PROVINCIAL_STAFF))
    await api.ok(QUERY, token=token)
    validated = _get_validate_cache(128).cache_info()
    parsed = _get_parse_cache(128).cache_info()
    # when the same document is sent three more times
    for _ in range(3):
        await api.ok(QUERY, token=token)
    # then validation and parsing were served from their caches each time (the limit rules are
    # built once per process, so the cache key does not change between requests)
    after = _get_validate_cache(128).cache_info()
    assert after.hits - validated.hits == 3 and after.misses == validated.misses
    assert _get_parse_cache(128).cache_info().hits - parsed.hits == 3


async def test_a_resolved_page_answers_its_nested_fields_from_preloaded_levels(
    api: Api, world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given centres with alliances, read field by field (the compiled path switched off)
    for city in ("450100", "450200"):
        lead = await world.organisation(city)
        await world.centre(lead, members=[await world.organisation("450300")])
    token = world.token(await world.user(RoleName.PROVINCIAL_STAFF))
    loads: list[object] = []
    original = DataLoader.load

    def counting(self: DataLoader[Any, Any], key: Any) -> Any:
        loads.append(key)
        return original(self, key)

    monkeypatch.setattr(DataLoader, "load", counting)
    settings.compiled_reads = False
    try:
        # when the nested list is read
        data = await api.ok(NESTED, token=token)
    finally:
        settings.compiled_reads = True
    # then every nested object came from a level preloaded in one batch: no per-row load
    assert len(data["centres"]["edges"]) == 2
    assert all(
        e["node"]["members"][0]["organisation"]["city"]["code"] for e in data["centres"]["edges"]
    )
    assert loads == []


NESTED = """{ centres(first: 10) { edges { node { id city { code } industry { code }
  leadOrganisation { name city { code } } members { memberRole organisation { name city { code } } } } } } }"""
