"""Periodic assessment, rectification and revocation (R-ASM-1, R-ASM-4, R-ASM-5) end to end.

Staff open an assessment, assign a panel of experts (the reusable panel), the experts score the
three areas, staff finalise the panel and record the grade; the grade's outcome moves the
centre in the same transaction. The rectification moves exist only as such outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from api.statements import StatementCounter
from models.accounts import RoleName, User
from models.assessment_calendar import rectification_deadline
from models.assessments import Assessment, AssessmentStatus, Grade
from models.audit import AuditEntry
from models.base import programme_today
from models.centres import Centre, CentreStatus, CentreStatusEvent
from models.reference import Organisation
from services import assessments as service
from services.actor import Actor
from tests.helpers import Api, World, error_codes, gid, pk

OPEN = """mutation($c: ID!, $d: Date!, $k: AssessmentKind!) {
  openAssessment(centreId: $c, onsiteOn: $d, kind: $k) { id kind cycle status } }"""
ASSIGN = """mutation($a: ID!, $e: ID!) { assignAssessmentExpert(assessmentId: $a, expertId: $e) {
  id expertCount } }"""
SCORE = """mutation($a: ID!, $s: [ScoreInput!]!) {
  submitAssessmentScores(assessmentId: $a, scores: $s) { myScores { criterion score } } }"""
FINALISE = """mutation($a: ID!) { finaliseAssessmentPanel(assessmentId: $a,
  onsiteCheck: "现场查看中试线和研发台账", opinion: "专家组意见") { status result } }"""
GRADE = """mutation($a: ID!, $g: AssessmentGrade!, $o: String!) {
  gradeAssessment(assessmentId: $a, grade: $g, opinion: $o) {
    id status grade opinion panelResult gradedOn rectificationDue guidanceGrade
    centre { status } } }"""
ONE = """query($id: ID!) { assessment(id: $id) { id grade opinion panelResult
  centre { name } panel { result } } }"""
SCORES = """query($id: ID!) { assessment(id: $id) { panel { expertScores { expertName } } } }"""
MOVE = """mutation($id: ID!, $m: CentreMove!) {
  transitionCentre(id: $id, move: $m, comment: "考核不合格") { status } }"""
LIST = """query { assessments(first: 50) { totalCount edges { node { id kind cycle grade
  centre { name } panel { result expertCount expertScores { expertName weightedTotal
  scores { criterion score } } } } } } }"""

MARKS = {"excellent": "95", "good": "85", "pass": "70", "fail": "40"}


@dataclass
class Setup:
    api: Api
    world: World
    staff: User
    experts: list[User]
    lead: Organisation
    centre: Centre
    users: dict[str, User]

    async def run(self, who: str | User, query: str, **variables: Any) -> dict[str, Any]:
        user = self.users[who] if isinstance(who, str) else who
        return await self.api.gql(query, variables, token=self.world.token(user))

    async def ok(self, who: str | User, query: str, **variables: Any) -> dict[str, Any]:
        body = await self.run(who, query, **variables)
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def open(self, kind: str = "PERIODIC", centre: Centre | None = None) -> str:
        day = programme_today().isoformat()
        target = gid(centre or self.centre)
        data = await self.ok("staff", OPEN, c=target, d=day, k=kind)
        return str(data["openAssessment"]["id"])

    async def panel(self, assessment: str, grade: str) -> None:
        """Three experts score every area at the grade's level; staff finalise."""
        mark = MARKS[grade]
        for expert in self.experts[:3]:
            await self.ok("staff", ASSIGN, a=assessment, e=gid(expert))
            scores = [
                {"criterion": c, "score": mark}
                for c in ("resource_input", "key_technology", "market_operation")
            ]
            await self.ok(expert, SCORE, a=assessment, s=scores)
        await self.ok("staff", FINALISE, a=assessment)

    async def assess(self, grade: str, kind: str = "PERIODIC") -> dict[str, Any]:
        assessment = await self.open(kind)
        await self.panel(assessment, grade.lower())
        data = await self.ok("staff", GRADE, a=assessment, g=grade, o=f"考核意见：{grade}")
        return dict(data["gradeAssessment"])


@pytest.fixture
async def setup(api: Api, world: World) -> Setup:
    lead = await world.organisation("450200")
    member = await world.organisation("450200")
    centre = await world.centre(lead, members=[member], status=CentreStatus.ESTABLISHED)
    await Centre.filter(id=centre.id).update(
        established_on=programme_today() - timedelta(days=3 * 365)
    )
    experts = []
    for _ in range(4):
        home = await world.organisation("450300")
        experts.append(await world.user(RoleName.EXPERT, organisation=home))
    users = {
        "staff": await world.user(RoleName.PROVINCIAL_STAFF),
        "bureau": await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450200"),
        "other_bureau": await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450100"),
        "lead": await world.user(RoleName.ENTERPRISE, organisation=lead),
        "member": await world.user(RoleName.ENTERPRISE, organisation=member),
        "outsider": await world.user(
            RoleName.ENTERPRISE, organisation=await world.organisation("450200")
        ),
    }
    return Setup(api, world, users["staff"], experts, lead, centre, users)


async def _status(centre: Centre) -> CentreStatus:
    return (await Centre.get(id=centre.id)).status


# --- R-ASM-4: the periodic assessment and its grades -------------------------------------------


async def test_r_asm_4_a_passed_assessment_is_graded_and_moves_nothing(setup: Setup) -> None:
    # given an established centre assessed by a panel scoring 85 everywhere
    graded = await setup.assess("GOOD")
    # then the grade, the opinion, the panel's result and the guidance band are recorded
    assert graded["status"] == "GRADED"
    assert (graded["grade"], graded["panelResult"], graded["guidanceGrade"]) == (
        "GOOD",
        "85.00",
        "GOOD",
    )
    assert graded["gradedOn"] == programme_today().isoformat()
    assert graded["rectificationDue"] is None
    # and the centre stays established
    assert graded["centre"]["status"] == "ESTABLISHED"
    bands = await setup.ok("staff", "query { assessmentGradeBands { grade lowest nameZh } }")
    assert [b["grade"] for b in bands["assessmentGradeBands"]] == [
        "EXCELLENT",
        "GOOD",
        "PASS",
        "FAIL",
    ]
    # and the next periodic assessment opens only from two years before it falls due (cycle 2:
    # six years after establishment), then as cycle 2
    today = programme_today().isoformat()
    too_soon = await setup.run("staff", OPEN, c=gid(setup.centre), d=today, k="PERIODIC")
    assert error_codes(too_soon) == ["INVALID_TRANSITION"]
    assert "may be opened from" in too_soon["errors"][0]["message"]
    await Centre.filter(id=setup.centre.id).update(
        established_on=programme_today() - timedelta(days=4 * 365 + 2)
    )
    second = await setup.ok("staff", OPEN, c=gid(setup.centre), d=today, k="PERIODIC")
    assert second["openAssessment"]["cycle"] == 2


@pytest.mark.parametrize("days_before", [1, 30, 3650])
async def test_r_asm_4_the_on_site_day_is_not_before_establishment(
    setup: Setup, days_before: int
) -> None:
    # given an established centre, when staff give an on-site day before its establishment
    centre = await Centre.get(id=setup.centre.id)
    assert centre.established_on is not None
    day = (centre.established_on - timedelta(days=days_before)).isoformat()
    body = await setup.run("staff", OPEN, c=gid(setup.centre), d=day, k="PERIODIC")
    # then it is refused naming the field, and nothing is opened
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "onsiteOn"
    assert not await Assessment.exists()


async def test_r_asm_4_grading_before_the_panel_is_finalised_is_refused(setup: Setup) -> None:
    # given an open assessment whose panel has not been finalised (none, then half-scored)
    assessment = await setup.open()
    body = await setup.run("staff", GRADE, a=assessment, g="PASS", o="意见")
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "finalise the assessment panel first" in body["errors"][0]["message"]
    await setup.ok("staff", ASSIGN, a=assessment, e=gid(setup.experts[0]))
    body = await setup.run("staff", GRADE, a=assessment, g="FAIL", o="意见")
    assert error_codes(body) == ["BAD_USER_INPUT"]
    # and an opinion is required
    body = await setup.run("staff", GRADE, a=assessment, g="PASS", o="   ")
    assert error_codes(body) == ["BAD_USER_INPUT"]
    # then nothing was graded and the centre did not move
    row = await Assessment.get(id=pk(assessment))
    assert (row.status, row.grade) == (AssessmentStatus.OPEN, None)
    assert await _status(setup.centre) is CentreStatus.ESTABLISHED


async def test_r_asm_4_one_open_assessment_per_centre_and_only_staff_open(setup: Setup) -> None:
    # given an open assessment
    await setup.open()
    # when staff open another, then it is a conflict
    day = programme_today().isoformat()
    body = await setup.run("staff", OPEN, c=gid(setup.centre), d=day, k="PERIODIC")
    assert error_codes(body) == ["CONFLICT"]
    # and bureaus and enterprises may not open one at all
    for who in ("bureau", "lead", "member"):
        body = await setup.run(who, OPEN, c=gid(setup.centre), d=day, k="PERIODIC")
        assert error_codes(body) in (["FORBIDDEN"], ["NOT_FOUND"]), who
    # and a re-assessment of a centre that is not rectifying is refused
    body = await setup.run("staff", OPEN, c=gid(setup.centre), d=day, k="REASSESSMENT")
    assert error_codes(body) == ["INVALID_TRANSITION"]


async def test_r_asm_4_a_conflicted_expert_cannot_sit_on_the_panel(
    setup: Setup, world: World
) -> None:
    # given an open assessment and experts of the alliance's organisations or declaring one
    assessment = await setup.open()
    member_org = await Organisation.get(id=setup.users["member"].organisation_id)
    insider = await world.user(RoleName.EXPERT, organisation=setup.lead)
    member_expert = await world.user(RoleName.EXPERT, organisation=member_org)
    declaring = await world.user(RoleName.EXPERT)
    declaring.declared_conflicts = [str(member_org.id)]
    await declaring.save()
    for expert in (insider, member_expert, declaring):
        # when staff assign them, then it is refused naming the conflict (R-REV-1)
        body = await setup.run("staff", ASSIGN, a=assessment, e=gid(expert))
        assert error_codes(body) == ["BAD_USER_INPUT"]
        assert "conflict of interest" in body["errors"][0]["message"]
    assert await Assessment.filter(id=pk(assessment)).exists()


# --- R-ASM-1: not before a full year ---------------------------------------------------------


@pytest.mark.parametrize("days", [0, 200, 364])
async def test_r_asm_1_a_centre_established_under_a_year_ago_is_not_assessed(
    setup: Setup, days: int
) -> None:
    # given a centre established less than a year ago
    await Centre.filter(id=setup.centre.id).update(
        established_on=programme_today() - timedelta(days=days)
    )
    # when staff open a periodic assessment, then it is refused naming R-ASM-1
    body = await setup.run(
        "staff", OPEN, c=gid(setup.centre), d=programme_today().isoformat(), k="PERIODIC"
    )
    assert error_codes(body) == ["INVALID_TRANSITION"]
    assert "R-ASM-1" in body["errors"][0]["message"]
    assert not await Assessment.exists()


# --- R-ASM-5: rectification, re-assessment, revocation -----------------------------------------


async def test_r_asm_5_fail_rectify_then_reassessment_pass_restores_the_centre(
    setup: Setup,
) -> None:
    # given a periodic assessment graded fail
    failed = await setup.assess("FAIL")
    # then the centre rectifies, due one year later
    assert failed["centre"]["status"] == "RECTIFYING"
    assert failed["rectificationDue"] == rectification_deadline(programme_today()).isoformat()
    assert date.fromisoformat(failed["rectificationDue"]).year == programme_today().year + 1
    # and the status event names the assessment and carries the opinion
    event = (
        await CentreStatusEvent.filter(centre_id=setup.centre.id).order_by("-created_at").first()
    )
    assert event is not None and event.to_status is CentreStatus.RECTIFYING
    assert "第1轮定期考核" in event.comment and "考核意见：FAIL" in event.comment
    # when the re-assessment (same cycle) passes
    again = await setup.assess("PASS", kind="REASSESSMENT")
    # then the centre is established again
    assert again["centre"]["status"] == "ESTABLISHED"
    row = await Assessment.get(id=pk(again["id"]))
    assert (row.kind.value, row.cycle) == ("reassessment", 1)
    # and each grade and each move is audited
    grades = await AuditEntry.filter(action="assessment.grade").count()
    moves = await AuditEntry.filter(
        action__in=["centre.start_rectification", "centre.pass_reassessment"]
    ).count()
    assert (grades, moves) == (2, 2)


async def test_r_asm_5_fail_rectify_fail_revokes_the_centre(setup: Setup) -> None:
    # given a failed periodic assessment and a failed re-assessment
    await setup.assess("FAIL")
    revoked = await setup.assess("FAIL", kind="REASSESSMENT")
    # then the centre is revoked
    assert revoked["centre"]["status"] == "REVOKED"
    assert await _status(setup.centre) is CentreStatus.REVOKED
    # and no further assessment can be opened
    day = programme_today().isoformat()
    for kind in ("PERIODIC", "REASSESSMENT"):
        body = await setup.run("staff", OPEN, c=gid(setup.centre), d=day, k=kind)
        assert error_codes(body) == ["INVALID_TRANSITION"]


async def test_r_asm_5_one_reassessment_per_rectification(setup: Setup) -> None:
    # given a rectifying centre whose re-assessment is open
    await setup.assess("FAIL")
    await setup.open("REASSESSMENT")
    # when another re-assessment is opened, then it is refused
    day = programme_today().isoformat()
    body = await setup.run("staff", OPEN, c=gid(setup.centre), d=day, k="REASSESSMENT")
    assert error_codes(body) == ["CONFLICT"]


async def test_r_asm_5_a_rectification_started_on_29_february_ends_on_28_february(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the programme's today is 29 February 2028 and the panel's work is done
    assessment = await setup.open()
    await setup.panel(assessment, "fail")
    monkeypatch.setattr(service, "programme_today", lambda: date(2028, 2, 29))
    # when staff grade it fail
    graded = await setup.ok("staff", GRADE, a=assessment, g="FAIL", o="整改")
    # then rectification is due on 28 February 2029
    assert graded["gradeAssessment"]["gradedOn"] == "2028-02-29"
    assert graded["gradeAssessment"]["rectificationDue"] == "2029-02-28"


@pytest.mark.parametrize("move", ["START_RECTIFICATION", "PASS_REASSESSMENT", "REVOKE"])
async def test_r_asm_5_bare_rectification_moves_are_refused(setup: Setup, move: str) -> None:
    # given an established and a rectifying centre
    rectifying = await setup.world.centre(setup.lead, status=CentreStatus.RECTIFYING)
    for centre in (setup.centre, rectifying):
        # when staff make the move bare through transitionCentre
        body = await setup.run("staff", MOVE, id=gid(centre), m=move)
        # then it is refused, naming the mutation to use
        assert error_codes(body) == ["BAD_USER_INPUT"]
        message = body["errors"][0]["message"]
        assert "only as the outcome of an assessment" in message and "gradeAssessment" in message
    # and nothing moved
    assert await _status(setup.centre) is CentreStatus.ESTABLISHED
    assert await _status(rectifying) is CentreStatus.RECTIFYING


async def test_r_asm_5_grade_and_move_commit_together(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a finalised panel and a move that fails inside the grading's transaction
    assessment = await setup.open()
    await setup.panel(assessment, "fail")

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the move broke")

    monkeypatch.setattr(service, "move_centre", broken)
    # when staff grade it fail
    with pytest.raises(RuntimeError):
        await service.grade_assessment(_actor(setup.staff), assessment, Grade.FAIL, "整改")
    # then neither the grade nor the move is recorded
    row = await Assessment.get(id=pk(assessment))
    assert (row.status, row.grade, row.rectification_due) == (AssessmentStatus.OPEN, None, None)
    assert await _status(setup.centre) is CentreStatus.ESTABLISHED
    assert not await AuditEntry.filter(action="assessment.grade").exists()


def _actor(user: User) -> Actor:
    # Built as schema.context.Context builds the request's Actor from a verified token.
    return Actor(user_id=user.id, token_version=user.token_version, request_id="test")


# --- who sees what ----------------------------------------------------------------------------


async def test_r_asm_4_each_role_sees_only_its_scope(setup: Setup, world: World) -> None:
    # given a graded assessment
    graded = await setup.assess("EXCELLENT")
    aid = graded["id"]
    # then the city's bureau and the alliance's enterprises read the grade and the result
    for who in ("bureau", "lead", "member"):
        data = await setup.ok(who, ONE, id=aid)
        assert data["assessment"]["grade"] == "EXCELLENT", who
        assert data["assessment"]["panel"]["result"] == "95.00", who
        assert data["assessment"]["centre"]["name"] == setup.centre.name, who
        # but never an individual expert's scores
        body = await setup.run(who, SCORES, id=aid)
        assert error_codes(body) == ["FORBIDDEN"], who
    # and an expert on the panel reads it, but not the others' scores
    assert (await setup.ok(setup.experts[0], ONE, id=aid))["assessment"]["grade"] == "EXCELLENT"
    assert error_codes(await setup.run(setup.experts[0], SCORES, id=aid)) == ["FORBIDDEN"]
    # and staff see every expert's scores
    staff = await setup.ok("staff", SCORES, id=aid)
    assert len(staff["assessment"]["panel"]["expertScores"]) == 3
    # while another city's bureau, an expert not on the panel and an outside enterprise get
    # NOT_FOUND, and an empty list
    stranger = setup.experts[3]
    for who in ("other_bureau", "outsider", stranger):
        body = await setup.run(who, ONE, id=aid)
        assert error_codes(body) == ["NOT_FOUND"], who
        body = await setup.run(who, "query($id: ID!) { node(id: $id) { id } }", id=aid)
        assert error_codes(body) == ["NOT_FOUND"], who
        listed = await setup.ok(who, "query { assessments { totalCount edges { node { id } } } }")
        assert listed["assessments"]["totalCount"] == 0 and not listed["assessments"]["edges"]


async def test_r_asm_4_an_expert_not_on_the_panel_cannot_score(setup: Setup) -> None:
    # given an open assessment with a panel of three
    assessment = await setup.open()
    for expert in setup.experts[:3]:
        await setup.ok("staff", ASSIGN, a=assessment, e=gid(expert))
    # when the fourth expert scores it, then it is not found
    scores = [{"criterion": "resource_input", "score": "80"}]
    body = await setup.run(setup.experts[3], SCORE, a=assessment, s=scores)
    assert error_codes(body) == ["NOT_FOUND"]
    # and an unknown criterion from a panel expert is refused
    body = await setup.run(
        setup.experts[0], SCORE, a=assessment, s=[{"criterion": "x", "score": "1"}]
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_r_asm_4_a_graded_assessment_takes_no_more_experts_or_scores(setup: Setup) -> None:
    # given a graded assessment
    graded = await setup.assess("PASS")
    # when staff assign another expert or an expert scores, then it is refused
    body = await setup.run("staff", ASSIGN, a=graded["id"], e=gid(setup.experts[3]))
    assert error_codes(body) == ["INVALID_TRANSITION"]
    scores = [{"criterion": "resource_input", "score": "99"}]
    body = await setup.run(setup.experts[0], SCORE, a=graded["id"], s=scores)
    assert error_codes(body) == ["INVALID_TRANSITION"]
    body = await setup.run("staff", GRADE, a=graded["id"], g="EXCELLENT", o="改判")
    assert error_codes(body) == ["INVALID_TRANSITION"]


async def test_r_asm_4_a_withdrawn_expert_no_longer_sees_the_assessment(setup: Setup) -> None:
    # given an expert on an open assessment's panel
    assessment = await setup.open()
    expert = setup.experts[0]
    await setup.ok("staff", ASSIGN, a=assessment, e=gid(expert))
    assert (await setup.ok(expert, ONE, id=assessment))["assessment"]["id"] == assessment
    # when staff withdraw them
    unassign = """mutation($a: ID!, $e: ID!) {
      unassignAssessmentExpert(assessmentId: $a, expertId: $e) { expertCount } }"""
    data = await setup.ok("staff", unassign, a=assessment, e=gid(expert))
    assert data["unassignAssessmentExpert"]["expertCount"] == 0
    # then the assessment is not found for them, and they cannot score it
    assert error_codes(await setup.run(expert, ONE, id=assessment)) == ["NOT_FOUND"]
    scores = [{"criterion": "resource_input", "score": "80"}]
    assert error_codes(await setup.run(expert, SCORE, a=assessment, s=scores)) == ["NOT_FOUND"]


# --- statement counts ------------------------------------------------------------------------


async def _assessed_centres(setup: Setup, count: int) -> None:
    for _ in range(count):
        centre = await setup.world.centre(setup.lead, status=CentreStatus.ESTABLISHED)
        await Centre.filter(id=centre.id).update(established_on=date(2020, 1, 1))
        assessment = await setup.open(centre=centre)
        await setup.panel(assessment, "good")


async def test_r_asm_4_the_assessment_list_costs_the_same_for_2_and_10(
    setup: Setup, sql_counter: StatementCounter
) -> None:
    # given 2 assessed centres, then 8 more
    await _assessed_centres(setup, 2)
    sql_counter.statements.clear()
    small = await setup.ok("staff", LIST)
    two = len(sql_counter.statements)
    await _assessed_centres(setup, 8)
    sql_counter.statements.clear()
    large = await setup.ok("staff", LIST)
    ten = len(sql_counter.statements)
    # then the same query costs the same number of statements
    assert (small["assessments"]["totalCount"], large["assessments"]["totalCount"]) == (2, 10)
    assert all(len(e["node"]["panel"]["expertScores"]) == 3 for e in large["assessments"]["edges"])
    assert two == ten


async def test_r_asm_4_the_centre_sees_the_panel_only_once_staff_graded(setup: Setup) -> None:
    # given an assessment whose panel is finalised but not yet graded by staff
    assessment = await setup.open()
    await setup.panel(assessment, "good")
    review = await setup.ok(
        "staff",
        "query($id: ID!) { assessment(id: $id) { grade panel { id result } } }",
        id=assessment,
    )
    review_id = review["assessment"]["panel"]["id"]
    assert review["assessment"]["grade"] is None
    assert review["assessment"]["panel"]["result"] == "85.00"
    # when the bureau, the lead and a member read it, then the panel, its result and the
    # guidance are not theirs yet — not through the assessment, nor by the panel's own id
    guidance = "query($id: ID!) { assessment(id: $id) { guidanceGrade panel { result } } }"
    for who in ("bureau", "lead", "member"):
        seen = await setup.ok(who, guidance, id=assessment)
        assert seen["assessment"] == {"guidanceGrade": None, "panel": None}, who
        body = await setup.run(who, "query($id: ID!) { node(id: $id) { id } }", id=review_id)
        assert error_codes(body) == ["NOT_FOUND"], who
    # when staff grade it, then they see the panel's result beside the grade
    await setup.ok("staff", GRADE, a=assessment, g="GOOD", o="良好")
    for who in ("bureau", "lead", "member"):
        seen = await setup.ok(who, guidance, id=assessment)
        assert seen["assessment"] == {"guidanceGrade": "GOOD", "panel": {"result": "85.00"}}, who
