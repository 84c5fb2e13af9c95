"""A deterministic programme of a given size, written straight through the models."""

from __future__ import annotations

import random
from datetime import date

from models.accounts import RoleBinding, RoleName, User
from models.centres import AllianceMember, Centre, CentreStatus, MemberRole
from models.credit_code import make_credit_code
from models.reference import City, Industry, Organisation, OrganisationKind
from services.passwords import hash_password


async def build(centres: int, members_per_centre: int = 4, seed: int = 7) -> dict[str, User]:
    rng = random.Random(seed)
    cities = await City.all().order_by("code")
    industries = await Industry.all()
    orgs: list[Organisation] = []
    for i in range(centres * 2):
        city = cities[i % len(cities)]
        orgs.append(
            await Organisation.create(
                name=f"基准单位{i:05d}",
                short_name=f"bench{i}",
                credit_code=make_credit_code("91", city.code, f"{i:08d}"),
                kind=rng.choice(list(OrganisationKind)),
                city_id=city.id,
            )
        )
    statuses = list(CentreStatus)
    for i in range(centres):
        lead = orgs[i]
        centre = await Centre.create(
            name=f"基准创新中心{i:05d}",
            city_id=lead.city_id,
            industry_id=industries[i % len(industries)].id,
            lead_organisation_id=lead.id,
            status=statuses[i % len(statuses)],
        )
        await AllianceMember.create(
            centre_id=centre.id,
            organisation_id=lead.id,
            member_role=MemberRole.LEAD,
            joined_on=date(2026, 1, 1),
        )
        for org in rng.sample(orgs, members_per_centre):
            if org.id != lead.id:
                await AllianceMember.create(
                    centre_id=centre.id,
                    organisation_id=org.id,
                    member_role=MemberRole.MEMBER,
                    joined_on=date(2026, 2, 1),
                )
    password = hash_password("Bench-Password-1")
    admin = await User.create(username="bench-admin", display_name="a", password_hash=password)
    await RoleBinding.create(user_id=admin.id, role=RoleName.PROVINCIAL_ADMIN)
    bureau = await User.create(username="bench-bureau", display_name="b", password_hash=password)
    await RoleBinding.create(
        user_id=bureau.id, role=RoleName.MUNICIPAL_BUREAU, city_id=cities[0].id
    )
    return {"admin": admin, "bureau": bureau}
