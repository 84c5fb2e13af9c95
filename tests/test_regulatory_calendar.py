"""The regulatory calendar (R-ASM-6): its items, their days, its scope, filters and pages."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

import pytest

from api.statements import StatementCounter
from models.accounts import RoleName, User
from models.annual_reports import AnnualReport, ReportStatus
from models.assessments import Assessment, AssessmentKind, AssessmentStatus, Grade
from models.centres import AllianceMember, Centre, CentreStatus, MemberRole
from models.reference import Organisation
from models.regulatory_calendar import (
    AssessmentFacts,
    CalendarItem,
    CalendarKind,
    CentreFacts,
    ReportFacts,
    centre_items,
    verification_due,
)
from services import regulatory_calendar as service
from tests.helpers import Api, World, error_codes, gid

K = CalendarKind

CALENDAR = """
query($filter: CalendarFilter, $first: Int, $after: String) {
  regulatoryCalendar(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      kind dueOn daysLeft overdue year reportId assessmentId
      centre { id name city { code } }
    } }
  }
}
"""


def _centre(
    status: CentreStatus, *, listed: date | None = None, established: date | None = None
) -> CentreFacts:
    return CentreFacts(uuid4(), status, listed, established)


def _kinds(items: list[CalendarItem]) -> list[tuple[CalendarKind, date, int | None]]:
    return sorted((i.kind, i.due_on, i.year) for i in items)


# --- the predicates, without a database -------------------------------------------------------


def test_r_asm_6_days_left_are_counted_across_a_year_end() -> None:
    # given a centre whose cultivation ends on 2 January 2027 (listed 2 January 2024)
    cultivating = _centre(CentreStatus.CULTIVATING, listed=date(2024, 1, 2))
    # when the calendar is read on 30 December 2026
    (item,) = centre_items(cultivating, [], [], date(2026, 12, 30))
    # then three days are left, across 1 January
    assert (item.kind, item.due_on) == (K.CULTIVATION_ENDS, date(2027, 1, 2))
    assert item.days_left(date(2026, 12, 30)) == 3
    assert item.overdue(date(2026, 12, 30)) is False


def test_r_asm_6_the_report_on_a_year_appears_on_1_january_due_31_may() -> None:
    # given a centre established on 1 March 2024 that has sent no report
    centre = _centre(CentreStatus.ESTABLISHED, established=date(2024, 3, 1))
    # when read on 31 December 2026: reports on 2024 and 2025 (the 2026 one is not yet due)
    december = [i for i in centre_items(centre, [], [], date(2026, 12, 31)) if i.year]
    assert _kinds(december) == [
        (K.ANNUAL_REPORT_DUE, date(2025, 5, 31), 2024),
        (K.ANNUAL_REPORT_DUE, date(2026, 5, 31), 2025),
    ]
    assert december[1].days_left(date(2026, 12, 31)) == -214
    # then on 1 January 2027 the report on 2026 is due 31 May 2027: 150 days left
    january = [i for i in centre_items(centre, [], [], date(2027, 1, 1)) if i.year == 2026]
    assert [(i.due_on, i.days_left(date(2027, 1, 1))) for i in january] == [
        (date(2027, 5, 31), 150)
    ]


def test_r_asm_6_29_february_ends_on_28_february() -> None:
    # given a centre listed on 29 February 2024 and one established that day
    listed = _centre(CentreStatus.CULTIVATING, listed=date(2024, 2, 29))
    established = _centre(CentreStatus.ESTABLISHED, established=date(2024, 2, 29))
    today = date(2027, 2, 27)
    # then cultivation ends, and the first periodic assessment is due, on 28 February 2027
    assert _kinds(centre_items(listed, [], [], today)) == [
        (K.CULTIVATION_ENDS, date(2027, 2, 28), None)
    ]
    periodic = [i for i in centre_items(established, [], [], today) if i.year is None]
    assert _kinds(periodic) == [(K.PERIODIC_ASSESSMENT_DUE, date(2027, 2, 28), None)]
    assert periodic[0].days_left(today) == 1


def test_r_asm_6_the_due_day_is_on_time_and_the_next_is_overdue() -> None:
    # given an item due on 31 May 2026
    item = CalendarItem(K.ANNUAL_REPORT_DUE, uuid4(), date(2026, 5, 31), year=2025)
    # then on the day nothing is overdue, the day after it is (and the days left turn negative)
    assert (item.days_left(date(2026, 5, 31)), item.overdue(date(2026, 5, 31))) == (0, False)
    assert (item.days_left(date(2026, 6, 1)), item.overdue(date(2026, 6, 1))) == (-1, True)
    assert (item.days_left(date(2027, 6, 1)), item.overdue(date(2027, 6, 1))) == (-366, True)


def test_r_asm_6_a_report_leaves_the_due_list_once_submitted() -> None:
    # given an established centre and its reports on 2024 (draft), 2025 (submitted in the last
    # minute of 31 May, UTC+8) and nothing else sent
    centre = _centre(CentreStatus.ESTABLISHED, established=date(2023, 1, 1))
    late_evening = datetime(2026, 5, 31, 15, 59, tzinfo=UTC)  # 23:59 in the province
    reports = [
        ReportFacts(uuid4(), centre.id, 2023, ReportStatus.FORWARDED, late_evening),
        ReportFacts(uuid4(), centre.id, 2024, ReportStatus.DRAFT, None),
        ReportFacts(uuid4(), centre.id, 2025, ReportStatus.SUBMITTED, late_evening),
    ]
    items = centre_items(centre, reports, [], date(2026, 6, 2))
    # then 2024 is still due (with its report), 2025 awaits the bureau for 30 days, 2023 is done
    report_items = sorted((i for i in items if i.year), key=lambda i: i.year or 0)
    assert [(i.kind, i.year, i.report_id) for i in report_items] == [
        (K.ANNUAL_REPORT_DUE, 2024, reports[1].id),
        (K.REPORT_VERIFICATION_PENDING, 2025, reports[2].id),
    ]
    assert report_items[1].due_on == date(2026, 6, 30) == verification_due(late_evening)
    # a returned, received or forwarded report: due again, nothing, nothing
    for status, expected in (
        (ReportStatus.RETURNED, [K.ANNUAL_REPORT_DUE]),
        (ReportStatus.RECEIVED, []),
        (ReportStatus.FORWARDED, []),
    ):
        one = [ReportFacts(uuid4(), centre.id, 2025, status, late_evening)]
        found = [i.kind for i in centre_items(centre, one, [], date(2026, 6, 2)) if i.year == 2025]
        assert found == expected, status


def test_r_asm_6_the_next_periodic_assessment_and_the_end_of_rectification() -> None:
    # given a centre established 10 March 2020 whose first assessment is graded
    centre = _centre(CentreStatus.ESTABLISHED, established=date(2020, 3, 10))
    first = AssessmentFacts(
        uuid4(), centre.id, AssessmentKind.PERIODIC, 1, AssessmentStatus.GRADED, Grade.GOOD, None
    )
    second = AssessmentFacts(
        uuid4(), centre.id, AssessmentKind.PERIODIC, 2, AssessmentStatus.OPEN, None, None
    )
    today = date(2026, 1, 1)
    # then the second is due six years after establishment, naming the open assessment
    (periodic,) = [i for i in centre_items(centre, [], [first, second], today) if not i.year]
    assert (periodic.due_on, periodic.assessment_id) == (date(2026, 3, 10), second.id)
    # given the second failed and the centre is rectifying until 31 March 2027
    failed = AssessmentFacts(
        uuid4(),
        centre.id,
        AssessmentKind.PERIODIC,
        2,
        AssessmentStatus.GRADED,
        Grade.FAIL,
        date(2027, 3, 31),
    )
    rectifying = CentreFacts(centre.id, CentreStatus.RECTIFYING, None, centre.established_on)
    items = [i for i in centre_items(rectifying, [], [first, failed], today) if not i.year]
    # then the end of rectification is due, no periodic assessment
    assert [(i.kind, i.due_on, i.assessment_id) for i in items] == [
        (K.RECTIFICATION_ENDS, date(2027, 3, 31), failed.id)
    ]


# --- the query, in scope ----------------------------------------------------------------------


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    day = date(2026, 12, 30)
    monkeypatch.setattr(service, "programme_today", lambda: day)
    return day


async def _cultivating(world: World, lead: Organisation, listed: date, name: str) -> Centre:
    centre = await world.centre(lead, status=CentreStatus.CULTIVATING, name=name)
    await Centre.filter(id=centre.id).update(listed_on=listed)
    return centre


async def _established(world: World, lead: Organisation, established: date, name: str) -> Centre:
    centre = await world.centre(lead, status=CentreStatus.ESTABLISHED, name=name)
    await Centre.filter(id=centre.id).update(listed_on=date(2021, 1, 1), established_on=established)
    return centre


class Programme:
    """Two cities' centres, their reports and an assessment; a user per role."""

    def __init__(self, api: Api, world: World) -> None:
        self.api, self.world = api, world
        self.tokens: dict[str, str] = {}

    async def build(self) -> None:
        world = self.world
        nanning = await world.organisation("450100")
        liuzhou = await world.organisation("450200")
        self.nanning_a = await _cultivating(world, nanning, date(2024, 1, 2), "南宁甲中心")
        self.nanning_b = await _established(world, nanning, date(2024, 3, 1), "南宁乙中心")
        self.liuzhou = await _cultivating(world, liuzhou, date(2023, 12, 1), "柳州中心")
        staff = await world.user(RoleName.PROVINCIAL_STAFF)
        self.report = await AnnualReport.create(
            centre_id=self.nanning_b.id,
            year=2025,
            status=ReportStatus.SUBMITTED,
            submitted_at=datetime(2026, 12, 20, 2, 0, tzinfo=UTC),
            first_submitted_at=datetime(2026, 12, 20, 2, 0, tzinfo=UTC),
            late=True,
        )
        self.assessment = await Assessment.create(
            centre_id=self.nanning_b.id,
            kind=AssessmentKind.PERIODIC,
            cycle=1,
            onsite_on=date(2027, 2, 1),
            opened_by_id=staff.id,
        )
        member = await world.organisation("450300")
        await AllianceMember.create(
            centre_id=self.liuzhou.id,
            organisation_id=member.id,
            member_role=MemberRole.MEMBER,
            joined_on=date(2026, 1, 1),
        )
        users: dict[str, User] = {
            "staff": staff,
            "bureau": await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450100"),
            "member": await world.user(RoleName.ENTERPRISE, organisation=member),
            "expert": await world.user(RoleName.EXPERT),
        }
        self.tokens = {who: world.token(u) for who, u in users.items()}

    async def run(self, who: str, **variables: Any) -> dict[str, Any]:
        return await self.api.gql(CALENDAR, variables, token=self.tokens[who])

    async def items(self, who: str, **variables: Any) -> list[dict[str, Any]]:
        body = await self.run(who, **variables)
        assert not body.get("errors"), body["errors"]
        return [e["node"] for e in body["data"]["regulatoryCalendar"]["edges"]]


@pytest.fixture
async def programme(api: Api, world: World, today: date) -> Programme:
    built = Programme(api, world)
    await built.build()
    return built


def _rows(items: list[dict[str, Any]]) -> list[tuple[str, str, str, int, bool]]:
    return [
        (i["centre"]["name"], i["kind"], i["dueOn"], i["daysLeft"], i["overdue"]) for i in items
    ]


async def test_r_asm_6_staff_see_every_centre_in_order_with_days_left(programme: Programme) -> None:
    # when provincial staff read the calendar on 30 December 2026
    items = await programme.items("staff")
    # then every item, by due day, then centre, then kind; overdue ones flagged
    assert _rows(items) == [
        ("南宁乙中心", "ANNUAL_REPORT_DUE", "2025-05-31", -578, True),
        ("柳州中心", "CULTIVATION_ENDS", "2026-12-01", -29, True),
        ("南宁甲中心", "CULTIVATION_ENDS", "2027-01-02", 3, False),
        ("南宁乙中心", "REPORT_VERIFICATION_PENDING", "2027-01-19", 20, False),
        ("南宁乙中心", "PERIODIC_ASSESSMENT_DUE", "2027-03-01", 61, False),
    ]
    pending = items[3]
    assert (pending["year"], pending["reportId"]) == (2025, gid(programme.report))
    assert items[4]["assessmentId"] == gid(programme.assessment)
    assert items[0]["reportId"] is None and items[0]["year"] == 2024


async def test_r_asm_6_a_bureau_sees_its_city_and_an_enterprise_its_alliances(
    programme: Programme,
) -> None:
    # when the Nanning bureau and a member of the Liuzhou alliance read the calendar
    bureau = {i["centre"]["name"] for i in await programme.items("bureau")}
    member = {i["centre"]["name"] for i in await programme.items("member")}
    # then each sees only its own centres
    assert bureau == {"南宁甲中心", "南宁乙中心"}
    assert member == {"柳州中心"}


async def test_r_asm_6_experts_have_no_calendar(programme: Programme) -> None:
    # when an expert asks for the calendar or its feed address
    body = await programme.run("expert")
    feed = await programme.api.gql("{ calendarFeedUrl { path } }", token=programme.tokens["expert"])
    # then both are refused, like every list no policy line grants
    assert error_codes(body) == ["FORBIDDEN"]
    assert error_codes(feed) == ["FORBIDDEN"]


async def test_r_asm_6_filters_by_kind_city_overdue_and_due_day(programme: Programme) -> None:
    # when staff filter by kind, by city, by overdue and by due day
    cultivation = await programme.items("staff", filter={"kinds": ["CULTIVATION_ENDS"]})
    liuzhou = await programme.items(
        "staff", filter={"cityId": gid(await programme.world.city("450200"))}
    )
    overdue = await programme.items("staff", filter={"overdue": True})
    on_time = await programme.items("staff", filter={"overdue": False, "dueBy": "2027-01-19"})
    both = await programme.items(
        "bureau", filter={"kinds": ["CULTIVATION_ENDS", "ANNUAL_REPORT_DUE"], "overdue": True}
    )
    # then each holds what it names
    assert {i["centre"]["name"] for i in cultivation} == {"柳州中心", "南宁甲中心"}
    assert {i["centre"]["name"] for i in liuzhou} == {"柳州中心"}
    assert [i["kind"] for i in overdue] == ["ANNUAL_REPORT_DUE", "CULTIVATION_ENDS"]
    assert [i["kind"] for i in on_time] == ["CULTIVATION_ENDS", "REPORT_VERIFICATION_PENDING"]
    assert _rows(both) == [("南宁乙中心", "ANNUAL_REPORT_DUE", "2025-05-31", -578, True)]


async def test_r_asm_6_pages_follow_the_order_and_refuse_foreign_cursors(
    programme: Programme,
) -> None:
    # given the whole calendar
    whole = await programme.items("staff")
    # when it is read two items at a time
    seen: list[dict[str, Any]] = []
    after = None
    while True:
        body = await programme.run("staff", first=2, after=after)
        page = body["data"]["regulatoryCalendar"]
        assert page["totalCount"] == 5
        seen += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    # then the pages hold the same items in the same order
    assert seen == whole
    # and cursors it did not write are refused: another list's, tampered, garbage
    centres = await programme.api.ok(
        "{ centres(first: 1) { edges { cursor } } }", token=programme.tokens["staff"]
    )
    valid = json.loads(base64.urlsafe_b64decode(after or "").decode().removeprefix("k2:"))
    tampered = [valid[0], [valid[1][0], valid[1][1], valid[1][2], "no_such_kind", 0]]
    wrong_date = [valid[0], ["2026-1-1", *valid[1][1:]]]
    for bad in (
        centres["centres"]["edges"][0]["cursor"],
        base64.urlsafe_b64encode(("k2:" + json.dumps(tampered)).encode()).decode(),
        base64.urlsafe_b64encode(("k2:" + json.dumps(wrong_date)).encode()).decode(),
        "not a cursor",
    ):
        refused = await programme.run("staff", after=bad)
        assert error_codes(refused) == ["BAD_USER_INPUT"], bad


async def test_r_asm_6_statement_count_does_not_grow_with_centres(
    api: Api, world: World, today: date, sql_counter: StatementCounter
) -> None:
    # given staff and 2, then 10 centres each with a report and an assessment
    staff = await world.user(RoleName.PROVINCIAL_STAFF)
    token = world.token(staff)
    counts = []
    for total in (2, 10):
        while await Centre.all().count() < total:
            lead = await world.organisation(("450100", "450200")[await Centre.all().count() % 2])
            centre = await _established(world, lead, date(2022, 6, 1), f"中心{uuid4().hex[:6]}")
            await AnnualReport.create(centre_id=centre.id, year=2024, status=ReportStatus.DRAFT)
            await Assessment.create(
                centre_id=centre.id,
                kind=AssessmentKind.PERIODIC,
                cycle=1,
                onsite_on=date(2025, 6, 1),
                opened_by_id=staff.id,
                status=AssessmentStatus.GRADED,
                grade=Grade.PASS,
            )
        # when the calendar is read with its centres' cities
        sql_counter.statements.clear()
        data = await api.ok(CALENDAR, {"first": 100}, token=token)
        assert {e["node"]["centre"]["city"]["code"] for e in data["regulatoryCalendar"]["edges"]}
        counts.append(len(sql_counter.statements))
    # then the same number of statements: user, bindings, centres, reports, assessments, cities
    assert counts[0] == counts[1] == 6
