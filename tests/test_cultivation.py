"""Cultivation (R-CUL-1, R-CUL-2): the task agreement, progress, inspections, the 3-year limit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.base import programme_today
from models.centres import Centre, CentreStatus
from models.cultivation import IndicatorProgress, TaskAgreement
from models.lifecycle import cultivation_deadline
from tests.helpers import Api, World, pk
from tests.workflow import (
    FINALISE,
    LIST,
    Programme,
    build_programme,
    new_application,
    score_all,
    to_expert_review,
)

AGREEMENT = """query($id: ID!) { centre(id: $id) { listedOn cultivationDeadline taskAgreement {
  signedOn tasks supportMeasures indicators { id name unit target progress { value note } } }
  inspections { kind passed findings } } }"""
REPORT = """mutation($i: ID!, $v: Decimal!) { reportIndicatorProgress(indicatorId: $i, value: $v, note: "按计划") {
  progress { value } } }"""
INSPECT = """mutation($c: ID!, $k: InspectionKind!, $p: Boolean) { recordInspection(centreId: $c, kind: $k,
  heldOn: "2026-11-01", findings: "检查情况", passed: $p) { kind passed } }"""


def _years_ago(today: date, years: int) -> date:
    # 29 February has no twin three years back; the day before stands in (tests run any day)
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


@pytest.fixture
async def cultivating(api: Api, world: World) -> tuple[Programme, str]:
    programme = await build_programme(api, world)
    centre = await new_application(programme)
    await to_expert_review(programme, centre)
    await score_all(programme, centre, ["80", "82", "84"])
    await programme.ok("staff", FINALISE, c=centre)
    await programme.ok("staff", LIST, c=centre)
    return programme, centre


async def test_r_cul_1_listing_creates_the_task_agreement(
    cultivating: tuple[Programme, str],
) -> None:
    programme, centre = cultivating
    data = await programme.ok("bureau", AGREEMENT, id=centre)
    agreement = data["centre"]["taskAgreement"]
    assert agreement["tasks"] == ["建设中试平台", "突破电液控制"]
    assert [(i["name"], i["target"]) for i in agreement["indicators"]] == [
        ("研发投入", "5000.00"),
        ("专利", "30.00"),
    ]
    listed = date.fromisoformat(data["centre"]["listedOn"])
    assert data["centre"]["cultivationDeadline"] == cultivation_deadline(listed).isoformat()


async def test_r_cul_1_the_lead_reports_progress_and_others_cannot(
    cultivating: tuple[Programme, str],
) -> None:
    programme, centre = cultivating
    indicators = (await programme.ok("lead", AGREEMENT, id=centre))["centre"]["taskAgreement"][
        "indicators"
    ]
    reported = await programme.ok("lead", REPORT, i=indicators[0]["id"], v="1200.50")
    assert reported["reportIndicatorProgress"]["progress"] == [{"value": "1200.50"}]
    for who in ("bureau", "staff"):
        denied = await programme.run(who, REPORT, i=indicators[0]["id"], v="1")
        assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN", who
    hidden = await programme.run("outsider", REPORT, i=indicators[0]["id"], v="1")
    assert hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert await IndicatorProgress.all().count() == 1


async def test_r_cul_2_inspections_and_the_end_of_period_evaluation(
    cultivating: tuple[Programme, str],
) -> None:
    programme, centre = cultivating
    await programme.ok("staff", INSPECT, c=centre, k="SPECIAL_INSPECTION", p=None)
    verdictless = await programme.run(
        "staff", INSPECT, c=centre, k="END_OF_PERIOD_EVALUATION", p=None
    )
    assert verdictless["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    denied = await programme.run("lead", INSPECT, c=centre, k="SPECIAL_INSPECTION", p=None)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # a failed evaluation lets the province end cultivation before the three years are out
    await programme.ok("staff", INSPECT, c=centre, k="END_OF_PERIOD_EVALUATION", p=False)
    refused = await programme.move("staff", centre, "ESTABLISH")
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    failed = await programme.move("staff", centre, "FAIL_CULTIVATION", "期满评估未通过")
    assert failed["data"]["transitionCentre"]["status"] == "CULTIVATION_FAILED"
    inspections = (await programme.ok("lead", AGREEMENT, id=centre))["centre"]["inspections"]
    assert [i["kind"] for i in inspections] == ["SPECIAL_INSPECTION", "END_OF_PERIOD_EVALUATION"]


async def test_r_cul_2_establishment_is_refused_after_three_years(
    cultivating: tuple[Programme, str],
) -> None:
    programme, centre = cultivating
    await programme.ok("staff", INSPECT, c=centre, k="END_OF_PERIOD_EVALUATION", p=True)
    # given the centre was listed three years and a day ago
    today = programme_today()
    await Centre.filter(id=pk(centre)).update(listed_on=_years_ago(today, 3) - timedelta(days=1))
    late = await programme.move("staff", centre, "ESTABLISH")
    assert late["errors"][0]["extensions"]["code"] == "INVALID_TRANSITION"
    assert "cultivation period ended" in late["errors"][0]["message"]
    assert (await Centre.get(id=pk(centre))).status is CentreStatus.CULTIVATING
    # and failing it is now allowed
    failed = await programme.move("staff", centre, "FAIL_CULTIVATION", "三年期满未完成")
    assert failed["data"]["transitionCentre"]["status"] == "CULTIVATION_FAILED"


async def test_r_cul_2_fail_cultivation_waits_for_the_deadline(
    cultivating: tuple[Programme, str],
) -> None:
    programme, centre = cultivating
    early = await programme.move("staff", centre, "FAIL_CULTIVATION", "想提前终止")
    assert early["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_centres_whose_cultivation_period_runs_out(
    cultivating: tuple[Programme, str], world: World
) -> None:
    programme, centre = cultivating
    today = programme_today()
    # listed 2 years 10 months ago: its period ends in about two months
    soon = _years_ago(today, 3) + timedelta(days=60)
    await Centre.filter(id=pk(centre)).update(listed_on=soon)
    other = await world.centre(programme.orgs["other"], status=CentreStatus.CULTIVATING)
    await Centre.filter(id=other.id).update(listed_on=today - timedelta(days=100))
    query = """query($d: Int!) { centresNearingCultivationDeadline(withinDays: $d) {
        totalCount edges { node { id cultivationDeadline } } } }"""
    staff = (await programme.ok("staff", query, d=90))["centresNearingCultivationDeadline"]
    assert [e["node"]["id"] for e in staff["edges"]] == [centre] and staff["totalCount"] == 1
    assert (await programme.ok("staff", query, d=30))["centresNearingCultivationDeadline"] == {
        "totalCount": 0,
        "edges": [],
    }
    # scoped like every list: the Nanning bureau does not see the Liuzhou centre, not even a count
    assert (await programme.ok("other_bureau", query, d=90))["centresNearingCultivationDeadline"][
        "totalCount"
    ] == 0
    assert await TaskAgreement.all().count() == 1


@pytest.mark.parametrize("value", ["-1", "1E+30", "10000000000000000", "NaN", "Infinity"])
async def test_r_cul_1_progress_outside_the_indicator_range_is_bad_input(
    cultivating: tuple[Programme, str], value: str
) -> None:
    programme, centre = cultivating
    indicators = (await programme.ok("lead", AGREEMENT, id=centre))["centre"]["taskAgreement"][
        "indicators"
    ]
    # when the lead reports a negative, absurd or non-number value
    refused = await programme.run("lead", REPORT, i=indicators[0]["id"], v=value)
    # then it is refused as bad input and nothing is stored
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", refused
    assert await IndicatorProgress.all().count() == 0


async def test_r_cul_2_a_leap_day_listing_is_nearing_its_28_february_deadline(
    cultivating: tuple[Programme, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from schema.cultivation import operations

    programme, centre = cultivating
    # given today is 28 November 2026 and the centre was listed on 29 February 2024
    monkeypatch.setattr(operations, "programme_today", lambda: date(2026, 11, 28))
    await Centre.filter(id=pk(centre)).update(listed_on=date(2024, 2, 29))
    query = "query($d: Int!) { centresNearingCultivationDeadline(withinDays: $d) { edges { node { id } } } }"
    # when staff ask for the deadlines up to 28 February 2027 (92 days), and up to the 27th
    upto_28 = await programme.ok("staff", query, d=92)
    upto_27 = await programme.ok("staff", query, d=91)
    # then its deadline, 28 February 2027, is inside the first window only
    assert [e["node"]["id"] for e in upto_28["centresNearingCultivationDeadline"]["edges"]] == [
        centre
    ]
    assert upto_27["centresNearingCultivationDeadline"]["edges"] == []
