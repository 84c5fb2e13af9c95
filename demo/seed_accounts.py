"""Seeding the demo's accounts: one per role and tenant, each with its one role binding."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from demo.centres import CENTRES
from demo.organisations import EXPERTS, MEMBER_ENTERPRISE_ACCOUNTS
from demo.specs import AccountSpec
from models.accounts import RoleBinding, RoleName, User
from models.base import utcnow
from models.reference import City, Organisation


def _account_specs(cities: list[City], orgs: dict[str, Organisation]) -> list[AccountSpec]:
    specs = [
        AccountSpec("admin", "自治区工业和信息化厅 系统管理员", RoleName.PROVINCIAL_ADMIN),
        AccountSpec("staff", "自治区工业和信息化厅 科技处", RoleName.PROVINCIAL_STAFF),
    ]
    specs += [
        AccountSpec(
            f"bureau-{city.pinyin}",
            f"{city.name_zh}工业和信息化局",
            RoleName.MUNICIPAL_BUREAU,
            city=city,
        )
        for city in cities
    ]
    specs += [
        AccountSpec(
            f"expert-{n}",
            expert.display_name,
            RoleName.EXPERT,
            user_organisation=orgs[expert.organisation],
            conflicts=tuple(str(orgs[short].id) for short in expert.conflicts),
        )
        for n, expert in enumerate(EXPERTS, start=1)
    ]
    # dict.fromkeys: de-duplicated, in table order (a lead may also be listed as a member).
    enterprises = dict.fromkeys([spec.lead for spec in CENTRES] + list(MEMBER_ENTERPRISE_ACCOUNTS))
    specs += [
        AccountSpec(
            f"ent-{short}",
            f"{orgs[short].name} 联络员",
            RoleName.ENTERPRISE,
            organisation=orgs[short],
            user_organisation=orgs[short],
        )
        for short in enterprises
    ]
    return specs


async def seed_accounts(
    conn: BaseDBAsyncClient, password_hash: str, cities: list[City], orgs: dict[str, Organisation]
) -> tuple[int, int]:
    """Create missing accounts with their one binding. An existing account never gains a role."""
    specs = _account_specs(cities, orgs)
    rows = (
        await User.filter(username__in=[s.username for s in specs])
        .using_db(conn)
        .values("username")
    )
    taken = {row["username"] for row in rows}
    now = utcnow()
    users: list[User] = []
    bindings: list[RoleBinding] = []
    for spec in specs:
        if spec.username in taken:
            continue
        user = User(
            username=spec.username,
            display_name=spec.display_name,
            password_hash=password_hash,
            organisation_id=spec.user_organisation.id if spec.user_organisation else None,
            password_changed_at=now,
            declared_conflicts=list(spec.conflicts),
        )
        users.append(user)
        bindings.append(
            RoleBinding(
                user_id=user.id,
                role=spec.role,
                city_id=spec.city.id if spec.city else None,
                organisation_id=spec.organisation.id if spec.organisation else None,
            )
        )
    await User.bulk_create(users, using_db=conn)
    await RoleBinding.bulk_create(bindings, using_db=conn)
    return len(users), len(bindings)
