from __future__ import annotations

from models.accounts import RoleName
from tests.helpers import Api, World


async def test_given_admin_when_listing_centres_then_sees_them(api: Api, world: World) -> None:
    lead = await world.organisation("450200")
    await world.centre(lead)
    admin = await world.user(RoleName.PROVINCIAL_ADMIN)
    data = await api.ok("{ centres { totalCount edges { node { name city { code } members { memberRole organisation { name } } } } } }", token=world.token(admin))
    assert data["centres"]["totalCount"] == 1
