"""The number of SQL statements per request depends on the query's shape, not on the rows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.settings import Settings
from api.statements import StatementCounter
from models.accounts import RoleName
from models.reference import OrganisationKind
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


@pytest.fixture(params=["compiled", "resolved"])
def read_path(request: pytest.FixtureRequest, settings: Settings) -> Iterator[str]:
    """Each statement count holds on both read paths: compiled in SQL, and field by field."""
    settings.compiled_reads = request.param == "compiled"
    try:
        yield request.param
    finally:
        settings.compiled_reads = True


# user, bindings, count, page; then, field by field only, one batch per level of nesting:
# cities, industries, lead organisations, members, member organisations, their cities
NESTED_STATEMENTS = {"compiled": 4, "resolved": 10}


async def test_statement_count_is_the_same_for_5_and_50_centres(
    api: Api, world: World, sql_counter: StatementCounter, read_path: str
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
    assert many == NESTED_STATEMENTS[read_path], sql_counter.statements


async def test_statement_count_is_the_same_for_a_scoped_bureau(
    api: Api, world: World, sql_counter: StatementCounter, read_path: str
) -> None:
    bureau = await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450100")
    token = world.token(bureau)
    await _programme(world, 6)  # 2 in Nanning
    few = await _count(api, token, sql_counter, 2)
    await _programme(world, 60)  # 22 in Nanning
    many = await _count(api, token, sql_counter, 22)
    assert few == many == NESTED_STATEMENTS[read_path]


DOCS = """
{ centres(first: 100) { edges { node { id documents { kind title
    versions { version sha256 uploadedBy } current { fileName } } } } } }
"""


async def _centres_with_documents(world: World, centres: int) -> None:
    from models.documents import Document, DocumentKind, DocumentVersion, OwnerType

    uploader = await world.user(None)
    for i in range(centres):
        centre = await world.centre(await world.organisation("450100"))
        for kind in (DocumentKind.CONSTRUCTION_PLAN, DocumentKind.BUSINESS_LICENCE):
            doc = await Document.create(
                owner_type=OwnerType.CENTRE,
                owner_id=centre.id,
                kind=kind,
                title=f"{kind}-{i}",
                current_version=2,
                created_by_id=uploader.id,
            )
            for version in (1, 2):
                await DocumentVersion.create(
                    document_id=doc.id,
                    version=version,
                    file_name="a.pdf",
                    media_type="application/pdf",
                    size=1,
                    sha256="0" * 64,
                    storage_key="k",
                    uploaded_by_id=uploader.id,
                )


async def test_statement_count_for_documents_does_not_grow_with_rows(
    api: Api, world: World, sql_counter: StatementCounter
) -> None:
    token = world.token(await world.user(RoleName.PROVINCIAL_STAFF))
    await _centres_with_documents(world, 3)
    sql_counter.statements.clear()
    await api.ok(DOCS, token=token)
    few = len(sql_counter.statements)
    await _centres_with_documents(world, 12)
    sql_counter.statements.clear()
    data = await api.ok(DOCS, token=token)
    assert len(data["centres"]["edges"]) == 15
    assert len(sql_counter.statements) == few


WORKFLOW = """
{ centres(first: 100) { edges { node { id call { title } statusHistory { toStatus }
    duplicateWarnings { centreName }
    review { result expertScores { expertName weightedTotal scores { score } } myScores { score } }
    taskAgreement { tasks indicators { name progress { value } } } inspections { kind } } } } }
"""


async def _centres_in_cultivation(world: World, centres: int, staff_id: object) -> None:
    from datetime import date
    from decimal import Decimal

    from models.centres import CentreStatus, CentreStatusEvent
    from models.cultivation import (
        Indicator,
        IndicatorProgress,
        Inspection,
        InspectionKind,
        TaskAgreement,
    )
    from models.reviews import CRITERIA, Review, ReviewAssignment, ReviewStatus, Score

    for _ in range(centres):
        centre = await world.centre(
            await world.organisation("450200"), status=CentreStatus.CULTIVATING
        )
        await CentreStatusEvent.create(
            centre_id=centre.id, to_status=CentreStatus.DRAFT, actor_id=staff_id, role="enterprise"
        )
        review = await Review.create(
            centre_id=centre.id,
            status=ReviewStatus.FINALISED,
            result=Decimal("80.00"),
            expert_count=3,
        )
        for _ in range(3):
            expert = await world.user(RoleName.EXPERT)
            assignment = await ReviewAssignment.create(
                review_id=review.id,
                centre_id=centre.id,
                expert_id=expert.id,
                weighted_total=Decimal("80"),
            )
            for criterion in CRITERIA:
                await Score.create(
                    assignment_id=assignment.id, criterion=criterion.code, score=Decimal("80")
                )
        agreement = await TaskAgreement.create(
            centre_id=centre.id, signed_on=date(2026, 1, 1), tasks=["t"]
        )
        for name in ("a", "b"):
            indicator = await Indicator.create(
                agreement_id=agreement.id, name=name, target=Decimal("1")
            )
            await IndicatorProgress.create(
                indicator_id=indicator.id,
                reported_on=date(2026, 2, 1),
                value=Decimal("0.5"),
                reported_by_id=staff_id,
            )
        await Inspection.create(
            centre_id=centre.id,
            kind=InspectionKind.SPECIAL_INSPECTION,
            held_on=date(2026, 3, 1),
            findings="f",
            recorded_by_id=staff_id,
        )


async def test_statement_count_for_the_workflow_does_not_grow_with_rows(
    api: Api, world: World, sql_counter: StatementCounter
) -> None:
    staff = await world.user(RoleName.PROVINCIAL_STAFF)
    token = world.token(staff)
    await _centres_in_cultivation(world, 2, staff.id)
    sql_counter.statements.clear()
    await api.ok(WORKFLOW, token=token)
    few = len(sql_counter.statements)
    await _centres_in_cultivation(world, 8, staff.id)
    sql_counter.statements.clear()
    data = await api.ok(WORKFLOW, token=token)
    assert len(data["centres"]["edges"]) == 10
    assert all(len(e["node"]["review"]["expertScores"]) == 3 for e in data["centres"]["edges"])
    assert len(sql_counter.statements) == few, sql_counter.statements
