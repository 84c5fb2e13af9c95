"""GraphQL and HTTP hardening: limits, masking, GET, batching, production mode, CORS, health."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from uuid import uuid4

import httpx
import pytest
from pydantic import ValidationError

from api.app import create_app
from api.settings import DEV_SECRET, Settings
from models.accounts import RoleName, User
from tests.helpers import Api, World, error_codes, gid


@pytest.fixture
async def admin(world: World) -> User:
    return await world.user(RoleName.PROVINCIAL_ADMIN)


async def _client_for(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(settings, manage_db=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://mic.test") as http:
        yield http


@pytest.fixture
async def production(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    prod = settings.model_copy(
        update={"env": "production", "cors_origins": ["https://bureau.example.gov.cn"]}
    )
    async for http in _client_for(prod):
        yield http


async def test_query_depth_is_limited(
    api: Api, world: World, admin: User, settings: Settings
) -> None:
    shallow = settings.model_copy(update={"max_query_depth": 3})
    async for http in _client_for(shallow):
        response = await http.post(
            "/graphql",
            json={"query": "{ centres { edges { node { city { code } } } } }"},
            headers={"authorization": f"Bearer {world.token(admin)}"},
        )
        body = response.json()
        assert error_codes(body) == ["BAD_USER_INPUT"]
        assert "depth" in body["errors"][0]["message"]


async def test_aliases_are_limited(api: Api, world: World, admin: User) -> None:
    query = "{ " + " ".join(f"a{i}: cities {{ code }}" for i in range(16)) + " }"
    body = await api.gql(query, token=world.token(admin))
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body.get("data") is None


async def test_duplicated_fields_are_limited_even_within_the_token_limit(
    api: Api, world: World, admin: User
) -> None:
    body = await api.gql("{ " + "__typename " * 500 + "}", token=world.token(admin))
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "fields" in body["errors"][0]["message"]


async def test_tokens_are_limited(api: Api, world: World, admin: User) -> None:
    query = "{ cities { " + " ".join(["code"] * 2100) + " } }"
    body = await api.gql(query, token=world.token(admin))
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_directives_are_limited_with_a_single_error(
    api: Api, world: World, admin: User
) -> None:
    query = "{ cities { code " + " ".join(["code @include(if: true)"] * 12) + " } }"
    body = await api.gql(query, token=world.token(admin))
    assert error_codes(body) == ["BAD_USER_INPUT"]
    unknown = "{ cities { code " + " ".join(["code @nope"] * 50) + " } }"
    body = await api.gql(unknown, token=world.token(admin))
    assert "directives" in " ".join(e["message"] for e in body["errors"])


async def test_page_size_is_capped_and_cursors_are_checked(
    api: Api, world: World, admin: User
) -> None:
    token = world.token(admin)
    for first in (101, -1):
        body = await api.gql(
            "query($f: Int) { centres(first: $f) { totalCount } }", {"f": first}, token=token
        )
        assert error_codes(body) == ["BAD_USER_INPUT"]
    body = await api.gql('{ centres(after: "bm90LWEtY3Vyc29y") { totalCount } }', token=token)
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_pagination_walks_every_centre_once(api: Api, world: World, admin: User) -> None:
    lead = await world.organisation("450100")
    made = {gid(await world.centre(lead)) for _ in range(7)}
    seen: list[str] = []
    after = None
    while True:
        data = await api.ok(
            "query($a: String) { centres(first: 3, after: $a) { totalCount edges { node { id } } "
            "pageInfo { hasNextPage hasPreviousPage endCursor } } }",
            {"a": after},
            token=world.token(admin),
        )
        page = data["centres"]
        assert page["totalCount"] == 7
        seen += [e["node"]["id"] for e in page["edges"]]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted(made)


async def test_unexpected_errors_are_masked_with_the_request_id(
    api: Api,
    world: World,
    admin: User,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from policies import scopes

    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(scopes, "visible_centres", boom)
    response = await api.client.post(
        "/graphql",
        json={"query": "{ centres { totalCount } }"},
        headers={"authorization": f"Bearer {world.token(admin)}", "x-request-id": "req-12345678"},
    )
    body = response.json()
    assert response.headers["x-request-id"] == "req-12345678"
    assert error_codes(body) == ["INTERNAL"]
    assert "hunter2" not in response.text
    assert body["errors"][0]["extensions"]["requestId"] == "req-12345678"
    # and the operator finds it in the log once, with the request id and the traceback
    faults = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(faults) == 1 and "req-12345678" in faults[0].getMessage()
    assert faults[0].exc_info is not None and "hunter2" in str(faults[0].exc_info[1])


async def test_refusals_are_answers_not_faults_in_the_log(
    api: Api, world: World, admin: User, caplog: pytest.LogCaptureFixture
) -> None:
    # given a client that asks for a centre that does not exist and sends a broken query
    token = world.token(admin)
    missing = "query($id: ID!) { centre(id: $id) { id } }"
    body = await api.gql(missing, {"id": str(uuid4())}, token=token)
    assert error_codes(body) == ["NOT_FOUND"]
    assert error_codes(await api.gql("{ centres { nope } }", token=token)) == ["BAD_USER_INPUT"]
    # then nothing is logged as an error
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_body_size_is_capped_with_413(api: Api, settings: Settings) -> None:
    big = "#" + "x" * (settings.max_body_bytes + 10)
    response = await api.client.post("/graphql", json={"query": big})
    assert response.status_code == 413

    async def stream() -> AsyncIterator[bytes]:
        for _ in range(settings.max_body_bytes // 1024 + 10):
            yield b" " * 1024

    response = await api.client.post(
        "/graphql", content=stream(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


async def test_no_operations_over_get_and_no_batching(api: Api, world: World, admin: User) -> None:
    headers = {"authorization": f"Bearer {world.token(admin)}"}
    response = await api.client.get(
        "/graphql", params={"query": "mutation { logout }"}, headers=headers
    )
    assert response.status_code in (400, 405)
    response = await api.client.get(
        "/graphql", params={"query": "{ me { username } }"}, headers=headers
    )
    assert response.status_code in (400, 405)
    assert (await User.get(id=admin.id)).token_version == admin.token_version
    batch = [{"query": "{ me { username } }"}, {"query": "{ me { username } }"}]
    response = await api.client.post("/graphql", json=batch, headers=headers)
    assert response.status_code == 400


async def test_production_has_no_introspection_graphiql_or_suggestions(
    production: httpx.AsyncClient, world: World, admin: User
) -> None:
    headers = {"authorization": f"Bearer {world.token(admin)}"}
    body = (
        await production.post(
            "/graphql", json={"query": "{ __schema { types { name } } }"}, headers=headers
        )
    ).json()
    assert body.get("data") is None and set(error_codes(body)) == {"BAD_USER_INPUT"}
    page = await production.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code != 200 or "graphiql" not in page.text.lower()
    body = (
        await production.post("/graphql", json={"query": "{ centre { nam } }"}, headers=headers)
    ).json()
    assert "Did you mean" not in str(body)


async def test_dev_serves_graphiql(api: Api) -> None:
    page = await api.client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


async def test_cors_allows_only_configured_origins(production: httpx.AsyncClient) -> None:
    allowed = await production.options(
        "/graphql",
        headers={
            "origin": "https://bureau.example.gov.cn",
            "access-control-request-method": "POST",
        },
    )
    assert allowed.headers.get("access-control-allow-origin") == "https://bureau.example.gov.cn"
    denied = await production.options(
        "/graphql",
        headers={"origin": "https://evil.example.com", "access-control-request-method": "POST"},
    )
    assert "access-control-allow-origin" not in denied.headers


async def test_health_and_readiness(api: Api) -> None:
    assert (await api.client.get("/healthz")).json() == {"status": "ok"}
    assert (await api.client.get("/readyz")).json() == {"status": "ok"}


def test_production_refuses_to_start_without_a_real_secret() -> None:
    with pytest.raises(ValidationError, match="MIC_TOKEN_SECRET"):
        Settings(env="production", token_secret=DEV_SECRET)
    with pytest.raises(ValidationError, match="MIC_TOKEN_SECRET"):
        Settings(env="production", token_secret="short")
    assert Settings(env="production", token_secret="s" * 40).production


async def test_an_exhausted_database_pool_answers_503_not_a_hang(
    api: Api, world: World, admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.pg_backend import PoolTimeout
    from policies import scopes

    def exhausted(*_: object, **__: object) -> None:
        raise PoolTimeout("no database connection free")

    monkeypatch.setattr(scopes, "visible_centres", exhausted)
    response = await api.raw("{ centres { totalCount } }", token=world.token(admin))
    assert response.status_code == 503
    assert error_codes(response.json()) == ["UNAVAILABLE"]
