"""Programme statistics (R-CTR-6, R-ACC-5): the scoped figures of a bureau, an enterprise and the
province against hand-counted rows, the 2030 target's arithmetic, industry coverage, exact
revenue sums, and a statement count that does not grow with the rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from api.statements import StatementCounter
from models.accounts import RoleName
from models.annual_reports import AnnualReport, ReportStatus
from models.assessments import Assessment, AssessmentKind, AssessmentStatus, Grade
from models.centres import Centre, CentreStatus
from models.programme_target import Coverage, coverage, pace_needed, shortfall, years_left
from tests.helpers import Api, World, error_codes

NANNING, LIUZHOU = "450100", "450200"

CENTRES = """query($by: [CentreStatisticsGroup!]) { statistics {
  centres(groupBy: $by) { status industry { code } city { code } establishedYear listedYear count }
} }"""
GLANCE = """query($year: Int!) { statistics {
  target { target targetYear running rectifying shortfall currentYear yearsLeft paceNeeded met }
  industryCoverage { industry { code } coverage designated cultivating }
  annualReports(year: $year) { year required drafted submitted late returned forwarded received
    byStatus { status count onTime late } }
  assessmentGrades { cycle kind grade count }
  revenuePerYear { year reports revenue { technologyTransfer incubation contractRd
    testingInspection publicServices other total } }
  centresEstablishedPerYear { year count }
  reportsTimelinessPerYear { year onTime late }
  funding { committed paid outstanding }
  ipAssetsByKind { kind count }
  ipTransfersPerYear { year amount transfers }
} }"""


async def _centre(
    world: World,
    lead: Any,
    status: CentreStatus,
    *,
    industry: str = "machinery_equipment",
    established_on: date | None = None,
    listed_on: date | None = None,
    members: tuple[Any, ...] = (),
) -> Centre:
    centre = await world.centre(lead, status=status, industry_code=industry, members=members)
    centre.established_on, centre.listed_on = established_on, listed_on
    await centre.save()
    return centre


async def _report(
    centre: Centre, year: int, status: ReportStatus, *, late: bool = False, **revenue: str
) -> AnnualReport:
    return await AnnualReport.create(
        centre_id=centre.id,
        year=year,
        status=status,
        late=late,
        **{f"revenue_{k}": Decimal(v) for k, v in revenue.items()},
    )


async def _programme(world: World) -> dict[str, Any]:
    """Nanning: 2 established (2024, 2025), 1 rectifying (2023), 1 cultivating, 1 draft; Liuzhou:
    1 established (2025, nev_batteries) and 1 cultivating (food). Reports on 2025 and 2024,
    assessments of cycle 1."""
    nn_lead, nn_other, lz_lead = (
        await world.organisation(NANNING),
        await world.organisation(NANNING),
        await world.organisation(LIUZHOU),
    )
    member = await world.organisation(LIUZHOU)  # a Liuzhou member of one Nanning centre
    a = await _centre(
        world,
        nn_lead,
        CentreStatus.ESTABLISHED,
        established_on=date(2024, 3, 1),
        listed_on=date(2021, 5, 1),
        members=(member,),
    )
    await _centre(
        world, nn_other, CentreStatus.ESTABLISHED, established_on=date(2025, 7, 1)
    )  # established after 31 May 2025: not required to report on 2025
    c = await _centre(
        world,
        nn_other,
        CentreStatus.RECTIFYING,
        industry="ai_it",
        established_on=date(2023, 1, 10),
    )
    await _centre(world, nn_lead, CentreStatus.CULTIVATING, industry="ai_it")
    await _centre(world, nn_lead, CentreStatus.DRAFT, industry="advanced_steel")
    lz = await _centre(
        world,
        lz_lead,
        CentreStatus.ESTABLISHED,
        industry="nev_batteries",
        established_on=date(2025, 2, 1),
    )
    await _centre(world, lz_lead, CentreStatus.CULTIVATING, industry="food_processing")
    # odd fen: 0.01 + 0.02 and 1,000,000.07 + 0.10 must add up exactly
    await _report(a, 2025, ReportStatus.RECEIVED, technology_transfer="0.01", other="1000000.07")
    await _report(
        c, 2025, ReportStatus.FORWARDED, late=True, technology_transfer="0.02", other="0.10"
    )
    await _report(a, 2024, ReportStatus.RETURNED, technology_transfer="999.99")  # not verified
    await _report(lz, 2025, ReportStatus.SUBMITTED, late=True, incubation="5.55")
    staff = await world.user(RoleName.PROVINCIAL_STAFF)
    for centre, grade in ((a, Grade.GOOD), (c, Grade.FAIL), (lz, None)):
        await Assessment.create(
            centre_id=centre.id,
            kind=AssessmentKind.PERIODIC,
            cycle=1,
            onsite_on=date(2026, 3, 1),
            status=AssessmentStatus.OPEN if grade is None else AssessmentStatus.GRADED,
            grade=grade,
            opened_by_id=staff.id,
        )
    return {"nn_lead": nn_lead, "lz_lead": lz_lead, "member": member, "staff": staff}


def _by(rows: list[dict[str, Any]], key: str) -> dict[Any, int]:
    return {row[key]: row["count"] for row in rows}


async def test_r_ctr_6_province_bureau_and_enterprise_figures_match_hand_counts(
    api: Api, world: World
) -> None:
    # given the programme above and a province, a Nanning bureau and the Nanning lead enterprise
    p = await _programme(world)
    bureau = await world.user(RoleName.MUNICIPAL_BUREAU, city_code=NANNING)
    enterprise = await world.user(RoleName.ENTERPRISE, organisation=p["nn_lead"])
    tokens = {
        "province": world.token(p["staff"]),
        "bureau": world.token(bureau),
        "enterprise": world.token(enterprise),
    }
    # when each asks for centres per status
    per_status = {
        who: _by(
            (await api.ok(CENTRES, {"by": ["STATUS"]}, token=t))["statistics"]["centres"], "status"
        )
        for who, t in tokens.items()
    }
    # then each counts exactly its own scope
    assert per_status["province"] == {
        "DRAFT": 1,
        "CULTIVATING": 2,
        "ESTABLISHED": 3,
        "RECTIFYING": 1,
    }
    assert per_status["bureau"] == {"DRAFT": 1, "CULTIVATING": 1, "ESTABLISHED": 2, "RECTIFYING": 1}
    # the lead enterprise belongs to three alliances (a, the cultivating one, the draft)
    assert per_status["enterprise"] == {"DRAFT": 1, "CULTIVATING": 1, "ESTABLISHED": 1}
    # and city × status is one request, without aliases
    rows = (await api.ok(CENTRES, {"by": ["CITY", "STATUS"]}, token=tokens["province"]))[
        "statistics"
    ]["centres"]
    pairs = {(r["city"]["code"], r["status"]): r["count"] for r in rows}
    assert pairs[(LIUZHOU, "ESTABLISHED")] == 1 and pairs[(NANNING, "ESTABLISHED")] == 2
    assert all(r["industry"] is None and r["establishedYear"] is None for r in rows)
    # and a bureau's other groupings stay inside its city
    rows = (await api.ok(CENTRES, {"by": ["CITY", "ESTABLISHED_YEAR"]}, token=tokens["bureau"]))[
        "statistics"
    ]["centres"]
    assert {r["city"]["code"] for r in rows} == {NANNING}
    assert {r["establishedYear"]: r["count"] for r in rows} == {2023: 1, 2024: 1, 2025: 1, None: 2}
    total = (await api.ok(CENTRES, {"by": []}, token=tokens["enterprise"]))["statistics"]["centres"]
    assert total == [
        {
            "status": None,
            "industry": None,
            "city": None,
            "establishedYear": None,
            "listedYear": None,
            "count": 3,
        }
    ]


async def test_r_ctr_6_glance_figures_for_the_province_and_a_bureau(api: Api, world: World) -> None:
    # given the programme above
    p = await _programme(world)
    bureau = await world.user(RoleName.MUNICIPAL_BUREAU, city_code=LIUZHOU)
    # when the province asks for the glance on 2025
    s = (await api.ok(GLANCE, {"year": 2025}, token=world.token(p["staff"])))["statistics"]
    # then the target counts established only, rectifying beside it
    t = s["target"]
    assert (t["target"], t["targetYear"], t["running"], t["rectifying"]) == (20, 2030, 3, 1)
    assert t["shortfall"] == 17 and t["yearsLeft"] == years_left(t["currentYear"])
    assert t["paceNeeded"] == pace_needed(3, t["currentYear"]) and t["met"] is False
    # and industry coverage names all ten industries
    cov = {r["industry"]["code"]: r["coverage"] for r in s["industryCoverage"]}
    assert len(cov) == 10
    assert cov["machinery_equipment"] == cov["ai_it"] == cov["nev_batteries"] == "ESTABLISHED"
    assert cov["food_processing"] == "CULTIVATING"
    assert cov["advanced_steel"] == cov["green_chemicals"] == "NONE"
    # and reports on 2025: required a (2024), c (2023), lz (Feb 2025) — not b (Jul 2025)
    r = s["annualReports"]
    assert (r["required"], r["drafted"], r["submitted"], r["late"]) == (3, 3, 3, 2)
    assert (r["returned"], r["forwarded"], r["received"]) == (0, 1, 1)
    # and grades per cycle, open last
    assert s["assessmentGrades"] == [
        {"cycle": 1, "kind": "PERIODIC", "grade": "GOOD", "count": 1},
        {"cycle": 1, "kind": "PERIODIC", "grade": "FAIL", "count": 1},
        {"cycle": 1, "kind": "PERIODIC", "grade": None, "count": 1},
    ]
    # and revenue of the verified reports, exact to the fen (returned 2024 not counted)
    assert s["revenuePerYear"] == [
        {
            "year": 2025,
            "reports": 2,
            "revenue": {
                "technologyTransfer": "0.03",
                "incubation": "0.00",
                "contractRd": "0.00",
                "testingInspection": "0.00",
                "publicServices": "0.00",
                "other": "1000000.17",
                "total": "1000000.20",
            },
        }
    ]
    assert s["centresEstablishedPerYear"] == [
        {"year": 2023, "count": 1},
        {"year": 2024, "count": 1},
        {"year": 2025, "count": 2},
    ]
    assert s["reportsTimelinessPerYear"] == [
        {"year": 2024, "onTime": 1, "late": 0},
        {"year": 2025, "onTime": 1, "late": 2},
    ]
    # when Liuzhou's bureau asks: only its one established centre and its submitted report
    b = (await api.ok(GLANCE, {"year": 2025}, token=world.token(bureau)))["statistics"]
    assert (b["target"]["running"], b["target"]["rectifying"]) == (1, 0)
    assert (b["annualReports"]["required"], b["annualReports"]["submitted"]) == (1, 1)
    assert b["revenuePerYear"] == [] and b["assessmentGrades"][0]["grade"] is None
    cov = {r["industry"]["code"]: r["coverage"] for r in b["industryCoverage"]}
    assert cov["machinery_equipment"] == "NONE" and cov["nev_batteries"] == "ESTABLISHED"


@pytest.mark.parametrize(
    ("running", "year", "left", "pace"),
    [
        (3, 2026, 5, 4),
        (0, 2026, 5, 4),
        (19, 2030, 1, 1),
        (20, 2027, 4, 0),
        (25, 2031, 0, 0),
        (15, 2031, 0, 5),
        (16, 2028, 3, 2),
    ],
)
def test_r_ctr_6_target_arithmetic_with_a_fixed_today(
    running: int, year: int, left: int, pace: int
) -> None:
    # given a fixed year and a number of running centres, then years left and pace are as counted
    assert years_left(year) == left
    assert pace_needed(running, year) == pace
    assert shortfall(running) == max(0, 20 - running)


def test_r_ctr_6_coverage_of_an_industry() -> None:
    # given the statuses of an industry's centres, then coverage is the best of them
    assert coverage({CentreStatus.RECTIFYING, CentreStatus.DRAFT}) is Coverage.ESTABLISHED
    assert coverage({CentreStatus.ESTABLISHED}) is Coverage.ESTABLISHED
    assert coverage({CentreStatus.CULTIVATING, CentreStatus.REVOKED}) is Coverage.CULTIVATING
    assert coverage({CentreStatus.REVOKED, CentreStatus.SUBMITTED}) is Coverage.NONE
    assert coverage(set()) is Coverage.NONE


async def test_r_acc_5_an_expert_and_an_unbound_user_get_no_statistics(
    api: Api, world: World
) -> None:
    # given an expert, an enterprise with no alliance, and a bureau of a city without centres
    await _programme(world)
    expert = await world.user(RoleName.EXPERT)
    loner = await world.user(RoleName.ENTERPRISE, organisation=await world.organisation("450300"))
    empty_bureau = await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450300")
    # when the expert asks: FORBIDDEN, no figure
    body = await api.gql(GLANCE, {"year": 2025}, token=world.token(expert))
    assert error_codes(body) == ["FORBIDDEN"] and body["data"] is None
    # when the others ask: zeros everywhere, nothing of another tenant
    for user in (loner, empty_bureau):
        s = (await api.ok(GLANCE, {"year": 2025}, token=world.token(user)))["statistics"]
        assert s["target"]["running"] == 0 and s["annualReports"]["drafted"] == 0
        assert {r["coverage"] for r in s["industryCoverage"]} == {"NONE"}
        assert s["revenuePerYear"] == s["centresEstablishedPerYear"] == []
        assert s["assessmentGrades"] == s["ipAssetsByKind"] == []


@pytest.mark.parametrize("year", [1999, 2101, -1])
async def test_r_ctr_6_a_year_outside_the_programme_is_refused(
    api: Api, world: World, year: int
) -> None:
    staff = await world.user(RoleName.PROVINCIAL_STAFF)
    body = await api.gql(GLANCE, {"year": year}, token=world.token(staff))
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def _count(api: Api, token: str, counter: StatementCounter) -> int:
    counter.statements.clear()
    await api.ok(GLANCE, {"year": 2025}, token=token)
    await api.ok(CENTRES, {"by": ["STATUS", "INDUSTRY", "CITY", "LISTED_YEAR"]}, token=token)
    return len(counter.statements)


async def test_r_ctr_6_statement_count_is_the_same_for_2_and_10_centres(
    api: Api, world: World, sql_counter: StatementCounter
) -> None:
    # given a bureau and a province, with 2 centres (each with a report and an assessment)
    staff = await world.user(RoleName.PROVINCIAL_STAFF)
    bureau = await world.user(RoleName.MUNICIPAL_BUREAU, city_code=NANNING)

    async def add(n: int) -> None:
        for i in range(n):
            lead = await world.organisation(NANNING if i % 2 else LIUZHOU)
            c = await _centre(
                world, lead, CentreStatus.ESTABLISHED, established_on=date(2020 + i % 5, 1, 1)
            )
            await _report(c, 2025, ReportStatus.RECEIVED, other=f"{i}.0{i % 10}")
            await Assessment.create(
                centre_id=c.id,
                kind=AssessmentKind.PERIODIC,
                cycle=1,
                onsite_on=date(2026, 1, 1),
                opened_by_id=staff.id,
            )

    await add(2)
    few = [await _count(api, world.token(u), sql_counter) for u in (staff, bureau)]
    # when 8 more are added
    await add(8)
    many = [await _count(api, world.token(u), sql_counter) for u in (staff, bureau)]
    # then the statements are the same in number
    assert few == many, sql_counter.statements
