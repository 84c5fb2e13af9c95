"""R-ACC-1..5: each role's view of centres equals exactly its scope, everywhere."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from models.accounts import RoleName, User
from models.centres import Centre, CentreStatus
from models.reference import Organisation, OrganisationKind
from tests.helpers import Api, World, error_codes, gid

LIST = """
query($filter: CentreFilter) {
  centres(first: 100, filter: $filter) {
    totalCount
    edges { node { id name status city { code nameZh } industry { code }
      leadOrganisation { id name }
      members { memberRole leftOn organisation { id name creditCode } } } }
  }
}"""
ONE = "query($id: ID!) { centre(id: $id) { id name leadOrganisation { name } members { organisation { name } } } }"


@dataclass
class Programme:
    centres: dict[str, Centre]
    orgs: dict[str, Organisation]
    users: dict[str, User]


@pytest.fixture
async def programme(world: World) -> Programme:
    orgs = {
        "lead_nn": await world.organisation("450100"),
        "lead_nn2": await world.organisation("450100"),
        "lead_lz": await world.organisation("450200"),
        "lead_gl": await world.organisation("450300"),
        "shared": await world.organisation("450300", OrganisationKind.UNIVERSITY),
        "former": await world.organisation("450200", OrganisationKind.RESEARCH_INSTITUTE),
        "outsider": await world.organisation("450100"),
    }
    centres = {
        "nn1": await world.centre(orgs["lead_nn"], members=[orgs["shared"]]),
        "nn2": await world.centre(orgs["lead_nn2"], status=CentreStatus.SUBMITTED),
        "lz1": await world.centre(
            orgs["lead_lz"],
            members=[orgs["shared"]],
            former_members=[orgs["former"]],
            status=CentreStatus.CULTIVATING,
        ),
        "gl1": await world.centre(orgs["lead_gl"], industry_code="food_processing"),
    }
    users = {
        "admin": await world.user(RoleName.PROVINCIAL_ADMIN),
        "staff": await world.user(RoleName.PROVINCIAL_STAFF),
        "bureau_nn": await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450100"),
        "bureau_lz": await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450200"),
        "bureau_bh": await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450500"),
        "ent_lead_nn": await world.user(RoleName.ENTERPRISE, organisation=orgs["lead_nn"]),
        "ent_shared": await world.user(RoleName.ENTERPRISE, organisation=orgs["shared"]),
        "ent_former": await world.user(RoleName.ENTERPRISE, organisation=orgs["former"]),
        "ent_outsider": await world.user(RoleName.ENTERPRISE, organisation=orgs["outsider"]),
        "expert": await world.user(RoleName.EXPERT, organisation=orgs["shared"]),
        "nobody": await world.user(None),
    }
    return Programme(centres, orgs, users)


ALL = {"nn1", "nn2", "lz1", "gl1"}
EXPECTED = {
    "admin": ALL,  # R-ACC-1
    "staff": ALL,  # R-ACC-1
    "bureau_nn": {"nn1", "nn2"},  # R-ACC-2: its own city only
    "bureau_lz": {"lz1"},
    "bureau_bh": set(),  # a city with no centres sees none
    "ent_lead_nn": {"nn1"},  # R-ACC-3: centres whose alliance it belongs to
    "ent_shared": {"nn1", "lz1"},  # member of two alliances, in two cities
    "ent_former": set(),  # left the alliance: no longer a member
    "ent_outsider": set(),
    "expert": set(),  # R-ACC-4: nothing assigned yet
    "nobody": set(),  # signed in without any role
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
async def test_r_acc_5_each_role_sees_exactly_its_scope_in_lists_counts_and_lookups(
    api: Api, world: World, programme: Programme, who: str
) -> None:
    # given a signed-in user of one role
    token = world.token(programme.users[who])
    expected = {gid(programme.centres[k]) for k in EXPECTED[who]}
    # when they list centres, then the list and the count are exactly their scope
    data = await api.ok(LIST, token=token)
    listed = {e["node"]["id"] for e in data["centres"]["edges"]}
    assert listed == expected
    assert data["centres"]["totalCount"] == len(expected)
    # and nested organisations resolve without error for every visible centre
    for edge in data["centres"]["edges"]:
        node = edge["node"]
        assert node["leadOrganisation"]["name"]
        assert {m["memberRole"] for m in node["members"]} >= {"LEAD"}
    # when they look up every centre by id, then outside scope reads as NOT_FOUND
    for key, centre in programme.centres.items():
        body = await api.gql(ONE, {"id": gid(centre)}, token=token)
        if key in EXPECTED[who]:
            assert body["data"]["centre"]["id"] == gid(centre)
        else:
            assert body["data"] is None
            assert error_codes(body) == ["NOT_FOUND"]


async def test_r_acc_2_bureau_asking_another_citys_centre_by_id_gets_not_found(
    api: Api, world: World, programme: Programme
) -> None:
    token = world.token(programme.users["bureau_nn"])
    body = await api.gql(ONE, {"id": gid(programme.centres["lz1"])}, token=token)
    assert error_codes(body) == ["NOT_FOUND"]
    # and an id that does not exist at all looks exactly the same
    missing = await api.gql(ONE, {"id": "00000000-0000-4000-8000-000000000000"}, token=token)
    assert missing["errors"][0]["message"] == body["errors"][0]["message"]


async def test_r_acc_5_filters_never_reach_outside_the_scope(
    api: Api, world: World, programme: Programme
) -> None:
    # given the Nanning bureau filtering by Liuzhou's city code, then nothing, not even a count
    token = world.token(programme.users["bureau_nn"])
    data = await api.ok(LIST, {"filter": {"cityCode": "450200"}}, token=token)
    assert data["centres"] == {"totalCount": 0, "edges": []}
    # and filters narrow within the scope
    data = await api.ok(LIST, {"filter": {"status": "SUBMITTED"}}, token=token)
    assert [e["node"]["id"] for e in data["centres"]["edges"]] == [gid(programme.centres["nn2"])]


async def test_filters_by_industry_and_search_for_provincial_staff(
    api: Api, world: World, programme: Programme
) -> None:
    token = world.token(programme.users["staff"])
    data = await api.ok(LIST, {"filter": {"industry": "food_processing"}}, token=token)
    assert {e["node"]["id"] for e in data["centres"]["edges"]} == {gid(programme.centres["gl1"])}
    name = programme.centres["lz1"].name
    data = await api.ok(LIST, {"filter": {"search": name[-4:]}}, token=token)
    assert gid(programme.centres["lz1"]) in {e["node"]["id"] for e in data["centres"]["edges"]}


async def test_r_ctr_1_former_members_keep_their_record_with_a_leaving_date(
    api: Api, world: World, programme: Programme
) -> None:
    token = world.token(programme.users["admin"])
    data = await api.ok(
        "query($id: ID!) { centre(id: $id) { members { memberRole leftOn organisation { id } } "
        "current: members(currentOnly: true) { organisation { id } } } }",
        {"id": gid(programme.centres["lz1"])},
        token=token,
    )
    former = gid(programme.orgs["former"])
    left = [m for m in data["centre"]["members"] if m["organisation"]["id"] == former]
    assert left and left[0]["leftOn"] == "2026-03-01"
    assert former not in {m["organisation"]["id"] for m in data["centre"]["current"]}


ORGS = "{ organisations(first: 100) { totalCount edges { node { id } } } }"


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin", {"lead_nn", "lead_nn2", "lead_lz", "lead_gl", "shared", "former", "outsider"}),
        # the city's organisations, and the members of the city's centres' alliances
        ("bureau_nn", {"lead_nn", "lead_nn2", "outsider", "shared"}),
        ("bureau_lz", {"lead_lz", "shared", "former"}),
        # itself and its fellow members, former ones included (the alliance's history)
        ("ent_lead_nn", {"lead_nn", "shared"}),
        ("ent_shared", {"shared", "lead_nn", "lead_lz", "former"}),
        ("ent_outsider", {"outsider"}),
        ("expert", set()),
    ],
)
async def test_r_acc_5_organisations_are_scoped_like_centres(
    api: Api, world: World, programme: Programme, who: str, expected: set[str]
) -> None:
    data = await api.ok(ORGS, token=world.token(programme.users[who]))
    ids = {e["node"]["id"] for e in data["organisations"]["edges"]}
    assert ids == {gid(programme.orgs[k]) for k in expected}
    assert data["organisations"]["totalCount"] == len(expected)


async def test_unauthenticated_callers_see_nothing(api: Api, programme: Programme) -> None:
    body = await api.gql(LIST)
    assert body["data"] is None
    assert error_codes(body) == ["UNAUTHENTICATED"]
