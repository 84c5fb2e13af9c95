"""Global object identification: node(id:) and nodes(ids:) answer exactly like the typed look-ups."""

from __future__ import annotations

from uuid import uuid4

import pytest

from models.documents import DocumentVersion
from services.documents import version_json
from services.errors import NotFound
from services.ids import global_id, parse_id, split_global_id
from tests.helpers import Api, World, error_codes, gid
from tests.test_centre_scopes import EXPECTED, Programme, programme

__all__ = ["programme"]  # the fixture, shared with the scope tests

NODE = "query($id: ID!) { node(id: $id) { __typename id ... on Centre { name } } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"
ORG_NODE = "query($id: ID!) { node(id: $id) { id ... on Organisation { name } } }"
ORGS = "{ organisations(first: 100) { edges { node { id } } } }"


@pytest.mark.parametrize("who", sorted(EXPECTED))
async def test_r_acc_5_node_reads_each_centre_exactly_as_the_typed_look_up(
    api: Api, world: World, programme: Programme, who: str
) -> None:
    # given a caller of one role
    token = world.token(programme.users[who])
    for key, centre in programme.centres.items():
        # when they read a centre through node(id:)
        body = await api.gql(NODE, {"id": gid(centre)}, token=token)
        if key in EXPECTED[who]:
            # then a centre in scope comes back typed, under the id asked for
            node = body["data"]["node"]
            assert node == {"__typename": "Centre", "id": gid(centre), "name": centre.name}
        else:
            # and one outside scope is null with NOT_FOUND and nothing more
            assert body["data"] == {"node": None}
            assert error_codes(body) == ["NOT_FOUND"]
            assert body["errors"][0]["message"] == "node not found"


@pytest.mark.parametrize("who", ["admin", "bureau_nn", "ent_shared", "expert"])
async def test_r_acc_5_node_reads_organisations_through_their_scope(
    api: Api, world: World, programme: Programme, who: str
) -> None:
    # given the organisations a caller can list
    token = world.token(programme.users[who])
    listed = {e["node"]["id"] for e in (await api.ok(ORGS, token=token))["organisations"]["edges"]}
    for org in programme.orgs.values():
        # when each is read by node(id:), then exactly the listed ones come back
        body = await api.gql(ORG_NODE, {"id": gid(org)}, token=token)
        found = body["data"]["node"]
        assert (found is not None) == (gid(org) in listed), (who, org.name)


async def test_r_acc_5_nodes_answers_in_order_with_one_error_per_missing_id(
    api: Api, world: World, programme: Programme
) -> None:
    # given the Nanning bureau and ids in its scope, outside it, of another type and malformed
    token = world.token(programme.users["bureau_nn"])
    ids = [
        gid(programme.centres["nn1"]),
        gid(programme.centres["lz1"]),  # Liuzhou's: outside the scope
        global_id("Centre", uuid4()),  # absent
        gid(programme.orgs["lead_nn"]),
        "garbage",
        gid(programme.centres["nn2"]),
    ]
    # when they ask for all of them at once
    body = await api.gql(NODES, {"ids": ids}, token=token)
    # then the answer keeps the order, with null and NOT_FOUND exactly where nothing is readable
    answers = body["data"]["nodes"]
    assert [a and a["id"] for a in answers] == [ids[0], None, None, ids[3], None, ids[5]]
    assert [a and a["__typename"] for a in answers] == [
        "Centre",
        None,
        None,
        "Organisation",
        None,
        "Centre",
    ]
    missing = sorted(e["path"][1] for e in body["errors"])
    assert missing == [1, 2, 4]
    assert set(error_codes(body)) == {"NOT_FOUND"}


async def test_r_acc_5_nodes_refuses_more_ids_than_a_page(
    api: Api, world: World, programme: Programme
) -> None:
    token = world.token(programme.users["admin"])
    body = await api.gql(NODES, {"ids": [gid(programme.centres["nn1"])] * 101}, token=token)
    assert error_codes(body) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    "wrong",
    [
        lambda p: gid(p.orgs["lead_nn"]),  # an organisation's id given as a centre's
        lambda p: "Centre:" + str(p.centres["nn1"].id).upper(),  # not the canonical spelling
        lambda p: "Centre:" + str(p.centres["nn1"].id) + " ",
        lambda p: ":" + str(p.centres["nn1"].id),
    ],
)
async def test_r_acc_5_a_typed_look_up_refuses_ids_of_another_type_or_spelling(
    api: Api, world: World, programme: Programme, wrong: object
) -> None:
    # given the admin, who can read everything
    token = world.token(programme.users["admin"])
    # when they give centre(id:) an id that is not a centre's global id
    body = await api.gql(
        "query($id: ID!) { centre(id: $id) { id } }",
        {"id": wrong(programme)},  # type: ignore[operator]
        token=token,
    )
    # then it reads like an absent centre
    assert body["data"] is None
    assert error_codes(body) == ["NOT_FOUND"]


def test_r_acc_5_global_ids_round_trip_and_parse_strictly() -> None:
    pk = uuid4()
    assert split_global_id(global_id("Centre", pk)) == ("Centre", pk)
    assert parse_id(global_id("Centre", pk), "centre") == pk
    # a bare UUID is still taken where the type is known (clients before 0.2.0)
    assert parse_id(str(pk), "centre") == pk
    for bad in (global_id("User", pk), "Centre:nope", "Centre:", "Cen tre:" + str(pk), 42):
        with pytest.raises(NotFound):
            parse_id(bad, "centre")


def test_r_acc_5_document_routes_speak_global_ids() -> None:
    # given a version id as the upload route gives it, in the vocabulary of every other surface
    version = DocumentVersion(
        id=uuid4(), version=1, file_name="a.pdf", media_type="x", size=1, sha256="0"
    )
    # then it is the version's global id, which parse_id takes only as a document version
    body = version_json(version)
    assert body["id"] == global_id("DocumentVersion", version.id)
    assert parse_id(body["id"], "document version") == version.id
    with pytest.raises(NotFound):
        parse_id(body["id"], "document")
