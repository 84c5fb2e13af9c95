"""Seeding the demo's organisations."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from demo.helpers import credit_code
from demo.organisations import ORGANISATIONS
from models.reference import City, Organisation


async def seed_organisations(
    conn: BaseDBAsyncClient, cities: dict[str, City]
) -> tuple[dict[str, Organisation], int]:
    """Every demo organisation by short name, reusing one with the same short name or code."""
    codes = [credit_code(i, spec, cities[spec.city]) for i, spec in enumerate(ORGANISATIONS)]
    shorts = [spec.short_name for spec in ORGANISATIONS]
    existing = await Organisation.filter(
        Q(short_name__in=shorts) | Q(credit_code__in=codes)
    ).using_db(conn)
    by_short = {org.short_name: org for org in existing}
    by_code = {org.credit_code: org for org in existing}
    found: dict[str, Organisation] = {}
    new: list[Organisation] = []
    for spec, code in zip(ORGANISATIONS, codes, strict=True):
        org = by_short.get(spec.short_name) or by_code.get(code)
        if org is None:
            org = Organisation(
                name=spec.name,
                short_name=spec.short_name,
                credit_code=code,
                kind=spec.kind,
                city_id=cities[spec.city].id,
            )
            new.append(org)
        found[spec.short_name] = org
    await Organisation.bulk_create(new, using_db=conn)
    return found, len(new)
