"""Run in a subprocess by tests/test_migrations_review_panels.py (Tortoise's state is global):
migrate an empty database to 0005, write a review with its assignment and score the way 0005
stored them, migrate to the latest, and print what became of them as one JSON line.

Usage: python -m tests.review_panels_migration DATABASE_URL
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID, uuid4

from tortoise import Tortoise, connections
from tortoise.migrations.api.migrate import migrate

from api.db import tortoise_config
from api.settings import Settings
from models.reference_data import load_reference_data

BEFORE = "models.0005_withdrawn_assignments"


async def _old_review(centre_id: UUID, expert_id: UUID, postgres: bool) -> None:
    """A review, an assignment and a score as rows of the 0005 schema (no subject yet)."""
    conn = connections.get("default")
    review, assignment, now = uuid4(), uuid4(), datetime(2026, 1, 1, tzinfo=UTC)

    def values(*row: object) -> list[object]:
        if postgres:
            return list(row)
        return [str(v) if isinstance(v, UUID | Decimal) else v for v in row]

    def marks(n: int) -> str:
        return ", ".join(f"${i + 1}" for i in range(n)) if postgres else ", ".join("?" * n)

    await conn.execute_query(
        "INSERT INTO review (id, created_at, centre_id, status, onsite_check, opinion,"
        f" expert_count) VALUES ({marks(7)})",
        values(review, now, centre_id, "open", "", "", 1),
    )
    await conn.execute_query(
        "INSERT INTO review_assignment (id, created_at, review_id, centre_id, expert_id)"
        f" VALUES ({marks(5)})",
        values(assignment, now, review, centre_id, expert_id),
    )
    await conn.execute_query(
        "INSERT INTO score (id, created_at, assignment_id, criterion, score, comment, updated_at)"
        f" VALUES ({marks(7)})",
        values(uuid4(), now, assignment, "core_function", Decimal("80.00"), "", now),
    )


async def main(url: str) -> dict[str, object]:
    from models.accounts import User
    from models.centres import Centre
    from models.credit_code import make_credit_code
    from models.reference import City, Industry, Organisation, OrganisationKind

    config = tortoise_config(Settings(env="test", database_url=url, token_secret="t" * 40))
    await migrate(config=config, target=BEFORE)
    await Tortoise.close_connections()
    await Tortoise.init(config=config)
    await load_reference_data()
    city, industry = await City.get(code="450100"), await Industry.first()
    assert industry is not None
    org = await Organisation.create(
        name="测试单位",
        short_name="migration-probe",
        credit_code=make_credit_code("91", "450100", "00000001"),
        kind=OrganisationKind.ENTERPRISE,
        city_id=city.id,
    )
    centres = []
    for n in range(2):
        centre = await Centre.create(
            name=f"中心{n}", city_id=city.id, industry_id=industry.id, lead_organisation_id=org.id
        )
        expert = await User.create(username=f"expert{n}", display_name="专家", password_hash="-")
        await _old_review(centre.id, expert.id, url.startswith("postgres"))
        centres.append(centre.id)
    await Tortoise.close_connections()
    await migrate(config=config)
    await Tortoise.close_connections()
    await Tortoise.init(config=config)
    from models.reviews import Review, ReviewAssignment, Score

    reviews = await Review.filter(centre_id__in=centres).order_by("created_at")
    found = {
        "reviews": [
            [str(r.subject_type), r.subject_id == r.centre_id, r.criteria_set] for r in reviews
        ],
        "assignments": await ReviewAssignment.filter(review_id__in=[r.id for r in reviews]).count(),
        "scores": await Score.all().count(),
    }
    await Tortoise.close_connections()
    return found


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1]))))
