"""The number of SQL statements per request depends on the query's shape, not on the rows."""

from __future__ import annotations

from models.accounts import RoleName
from models.reference import OrganisationKind
from tests.conftest import StatementCounter
from tests.helpers import Api, World

NESTED = """
{ centres(first: 100) { totalCount edges { node {
    id name city { code } industry { code } leadOrganisation { name city { code } }
    members { memberRole organisation { name kind city { nameZh } } } } } } }
"""


async def _programme(world: World, centres: int) -> None:
    university = await world.organisation("450300", OrganisationKind.UNIVERSITY)
    for i in range(centres):
        lead = await world.organisation(("450100", "450200", "450300")[i % 3])
        partner = await world.organisation("450400")
        await world.centre(lead, members=[university, partner])


async def _count(api: Api, token: str, counter: StatementCounter, expected_rows: int) -> int:
    counter.statements.clear()
    data = await api.ok(NESTED, token=token)
    assert data["centres"]["totalCount"] == expected_rows
    assert len(data["centres"]["edges"]) == expected_rows
    return len(counter.statements)


async def test_statement_count_is_the_same_for_5_and_50_centres(
    api: Api, world: World, sql_counter: StatementCounter
) -> None:
    # given an admin and 5 centres with nested organisations, cities and members
    admin = await world.user(RoleName.PROVINCIAL_ADMIN)
    token = world.token(admin)
    await _programme(world, 5)
    # when the nested list is read
    few = await _count(api, token, sql_counter, 5)
    # and then again with 50 centres
    await _programme(world, 45)
    many = await _count(api, token, sql_counter, 50)
    # then the number of statements is identical, and small
    assert few == many
    # user, bindings, count, page; then one batch per level of nesting: cities, industries,
    # lead organisations, members, member organisations, their cities
    assert many == 10, sql_counter.statements


async def test_statement_count_is_the_same_for_a_scoped_bureau(
    api: Api, world: World, sql_counter: StatementCounter
) -> None:
    bureau = await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450100")
    token = world.token(bureau)
    await _programme(world, 6)  # 2 in Nanning
    few = await _count(api, token, sql_counter, 2)
    await _programme(world, 60)  # 22 in Nanning
    many = await _count(api, token, sql_counter, 22)
    assert few == many
