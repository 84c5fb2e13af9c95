"""The selection workflow end to end (RULES.md "Lifecycle"), each step by its own role, and
every wrong role or wrong state refused without a change."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from models.accounts import RoleName
from models.assessments import ASSESSMENT_MOVES
from models.audit import AuditEntry
from models.base import programme_today, utcnow
from models.centres import AllianceMember, Centre, CentreStatus, CentreStatusEvent
from models.lifecycle import TABLE, Authority, Move
from tests.helpers import Api, World, error_codes, gid, pk
from tests.workflow import (
    APPLICATION,
    ASSIGN,
    CREATE,
    FINALISE,
    LIST,
    Programme,
    build_programme,
    new_application,
    score_all,
    to_expert_review,
    upload_plan,
)

ROLES = ("lead", "member", "outsider", "bureau", "other_bureau", "staff", "admin", "expert0")
HOLDERS = {
    Authority.LEAD_ENTERPRISE: "lead",
    Authority.CITY_BUREAU: "bureau",
    Authority.PROVINCE: "staff",
}
GENERIC_MOVES = [m for m in Move if m is not Move.LIST_FOR_CULTIVATION]


ROLE_AUTHORITY = {
    "lead": Authority.LEAD_ENTERPRISE,
    "member": Authority.LEAD_ENTERPRISE,
    "outsider": Authority.LEAD_ENTERPRISE,
    "bureau": Authority.CITY_BUREAU,
    "other_bureau": Authority.CITY_BUREAU,
    "staff": Authority.PROVINCE,
}


def _expected_refusal(who: str, move: Move, state: CentreStatus, readable: set[str]) -> str | None:
    """The error each role gets for each move in each state; None: the move may succeed."""
    if move in ASSESSMENT_MOVES:
        return "BAD_USER_INPUT"  # R-ASM-5: only as an assessment's outcome, for anyone
    step = TABLE[move]
    if who == HOLDERS[step.authority]:
        return None if state in step.sources else "INVALID_TRANSITION"
    if ROLE_AUTHORITY.get(who) is step.authority:
        # Its kind of step, on a centre outside its scope: FORBIDDEN if it can read the centre,
        # otherwise the centre does not exist for it.
        return "FORBIDDEN" if who in readable else "NOT_FOUND"
    return "FORBIDDEN"


async def _refusals_change_nothing(
    programme: Programme, centre_id: str, readable: set[str]
) -> None:
    before = await Centre.get(id=pk(centre_id))
    events = await CentreStatusEvent.filter(centre_id=pk(centre_id)).count()
    for who in ROLES:
        for move in GENERIC_MOVES:
            expected = _expected_refusal(who, move, before.status, readable)
            if expected is None:
                continue
            body = await programme.move(who, centre_id, move.name, comment="理由")
            codes = [e["extensions"]["code"] for e in body.get("errors") or []]
            assert codes == [expected], (who, move, before.status, body)
            if expected == "INVALID_TRANSITION":
                assert before.status.name in body["errors"][0]["message"]
    after = await Centre.get(id=pk(centre_id))
    assert (after.status, after.version) == (before.status, before.version)
    assert await CentreStatusEvent.filter(centre_id=pk(centre_id)).count() == events


async def _step(
    programme: Programme, who: str, centre: str, move: str, comment: str = "", **extra: Any
) -> dict[str, Any]:
    body = await programme.move(who, centre, move, comment, **extra)
    assert not body.get("errors"), body
    return body["data"]["transitionCentre"]


async def test_r_life_the_whole_path_each_step_by_its_own_role(api: Api, world: World) -> None:
    programme = await build_programme(api, world)
    readable = {"lead", "member", "bureau", "staff", "admin"}
    # given a draft created by the lead enterprise under the open call
    centre = await new_application(programme)
    row = await Centre.get(id=pk(centre))
    assert row.status is CentreStatus.DRAFT and row.city_id == programme.orgs["lead"].city_id
    await programme.ok(
        "lead",
        "mutation($c: ID!, $o: ID!) { addAllianceMember(centreId: $c, organisationId: $o, memberRole: CORE) { id } }",
        c=centre,
        o=str(programme.orgs["member"].id),
    )
    await _refusals_change_nothing(programme, centre, readable)
    # submission needs the call's required materials
    missing = await programme.move("lead", centre, "SUBMIT")
    assert missing["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "CONSTRUCTION_PLAN" in missing["errors"][0]["message"]
    assert missing["errors"][0]["extensions"]["missing"] == ["CONSTRUCTION_PLAN"]
    await upload_plan(programme, centre)
    await _step(programme, "lead", centre, "SUBMIT")
    await _refusals_change_nothing(programme, centre, readable)
    # the bureau returns it, with a comment that is required
    no_comment = await programme.move("bureau", centre, "RETURN")
    assert no_comment["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    await _step(programme, "bureau", centre, "RETURN", "请补充财务报表")
    await _refusals_change_nothing(programme, centre, readable)
    # the lead edits the returned application (optimistic concurrency) and resubmits
    edit = """mutation($id: ID!, $v: Int!, $input: ApplicationInput!) {
      updateApplication(id: $id, version: $v, input: $input) { version fixedAssetInvestment } }"""
    version = (await Centre.get(id=pk(centre))).version
    stale = await programme.run(
        "lead",
        edit,
        id=centre,
        v=version - 1,
        input={**APPLICATION, "fixedAssetInvestment": "13000000"},
    )
    assert stale["errors"][0]["extensions"]["code"] == "CONFLICT"
    edited = await programme.ok(
        "lead",
        edit,
        id=centre,
        v=version,
        input={**APPLICATION, "fixedAssetInvestment": "13000000", "planRoadmap": "2027 中试"},
    )
    assert edited["updateApplication"]["fixedAssetInvestment"] == "13000000.00"
    # and the audit entry shows what the edit changed, plan included (R-ACC-6)
    audited = await AuditEntry.filter(object_id=str(pk(centre)), action="centre.update").get()
    assert audited.before["plan_roadmap"] == APPLICATION["planRoadmap"]
    assert audited.after["plan_roadmap"] == "2027 中试"
    assert audited.after["fixed_asset_investment"] == "13000000.00"
    await _step(programme, "lead", centre, "SUBMIT")
    # the lead may no longer edit a submitted application
    locked = await programme.run("lead", edit, id=centre, v=version + 2, input=APPLICATION)
    assert locked["errors"][0]["extensions"]["code"] == "INVALID_TRANSITION"
    await _step(programme, "bureau", centre, "RECOMMEND")
    await _refusals_change_nothing(programme, centre, readable)
    await _step(programme, "staff", centre, "PASS_FORMAL_REVIEW")
    await _refusals_change_nothing(programme, centre, readable)
    # expert review needs at least three experts
    too_few = await programme.move("staff", centre, "START_EXPERT_REVIEW")
    assert too_few["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    for expert in programme.experts[:3]:
        await programme.ok("staff", ASSIGN, c=centre, e=str(expert.id))
    await _step(programme, "staff", centre, "START_EXPERT_REVIEW")
    await _refusals_change_nothing(programme, centre, readable | {"expert0"})
    # listing needs the finalised review
    early = await programme.run("staff", LIST, c=centre)
    assert early["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    await score_all(programme, centre, ["80", "85", "90"])
    finalised = await programme.ok("staff", FINALISE, c=centre)
    assert finalised["finaliseReview"]["result"] == "85.00"
    listed = await programme.ok("staff", LIST, c=centre)
    assert listed["listForCultivation"]["status"] == "CULTIVATING"
    assert listed["listForCultivation"]["cultivationDeadline"] is not None
    await _refusals_change_nothing(programme, centre, readable | {"expert0"})
    # establishment needs a passed end-of-period evaluation
    premature = await programme.move("staff", centre, "ESTABLISH")
    assert premature["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    record = """mutation($c: ID!) { recordInspection(centreId: $c, kind: END_OF_PERIOD_EVALUATION,
      heldOn: "2026-11-20", findings: "任务完成", passed: true) { passed } }"""
    await programme.ok("staff", record, c=centre)
    await _step(programme, "staff", centre, "ESTABLISH")
    await _refusals_change_nothing(programme, centre, readable | {"expert0"})
    # then the history tells every move, by whom and why, and each is audited
    history = await programme.ok(
        "bureau",
        "query($id: ID!) { centre(id: $id) { status statusHistory { fromStatus toStatus role comment } } }",
        id=centre,
    )
    moves = [
        (e["fromStatus"], e["toStatus"], e["role"]) for e in history["centre"]["statusHistory"]
    ]
    assert moves == [
        (None, "DRAFT", "ENTERPRISE"),
        ("DRAFT", "SUBMITTED", "ENTERPRISE"),
        ("SUBMITTED", "RETURNED", "MUNICIPAL_BUREAU"),
        ("RETURNED", "SUBMITTED", "ENTERPRISE"),
        ("SUBMITTED", "RECOMMENDED", "MUNICIPAL_BUREAU"),
        ("RECOMMENDED", "FORMAL_REVIEW_PASSED", "PROVINCIAL_STAFF"),
        ("FORMAL_REVIEW_PASSED", "EXPERT_REVIEW", "PROVINCIAL_STAFF"),
        ("EXPERT_REVIEW", "CULTIVATING", "PROVINCIAL_STAFF"),
        ("CULTIVATING", "ESTABLISHED", "PROVINCIAL_STAFF"),
    ]
    assert history["centre"]["statusHistory"][2]["comment"] == "请补充财务报表"
    # nine moves (creation included) and one edit
    assert (
        await AuditEntry.filter(
            object_id=str(pk(centre)), action__startswith="centre.", outcome="success"
        ).count()
        == 10
    )
    assert (await AuditEntry.filter(outcome="denied").count()) > 0


async def test_r_life_rejection_and_rectification_paths(api: Api, world: World) -> None:
    programme = await build_programme(api, world)
    rejected = await new_application(programme, name="被拒中心")
    await upload_plan(programme, rejected)
    await _step(programme, "lead", rejected, "SUBMIT")
    await _step(programme, "bureau", rejected, "RECOMMEND")
    no_reason = await programme.move("staff", rejected, "REJECT_FORMAL_REVIEW")
    assert no_reason["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert (await _step(programme, "staff", rejected, "REJECT_FORMAL_REVIEW", "不符合条件"))[
        "status"
    ] == "REJECTED"
    # rectification and revocation are the outcome of assessments only (R-ASM-5): as bare moves
    # they are refused, naming the mutation to use (the real path: tests/test_assessments.py)
    lead = programme.orgs["lead"]
    centre = await world.centre(lead, status=CentreStatus.ESTABLISHED)
    cid = str(centre.id)
    for move in ("START_RECTIFICATION", "PASS_REASSESSMENT", "REVOKE"):
        body = await programme.move("staff", cid, move, "定期评估不合格")
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert "gradeAssessment" in body["errors"][0]["message"]
    # and a revoked centre is final: no move leaves it
    revoked = await world.centre(lead, status=CentreStatus.REVOKED)
    body = await programme.move("staff", str(revoked.id), "ESTABLISH")
    assert body["errors"][0]["extensions"]["code"] == "INVALID_TRANSITION"
    assert "REVOKED" in body["errors"][0]["message"]


async def test_applications_only_under_an_open_call_for_the_industry(
    api: Api, world: World
) -> None:
    programme = await build_programme(api, world)
    wrong_industry = await programme.run(
        "lead",
        CREATE,
        call=str(programme.call.id),
        input={**APPLICATION, "industry": "food_processing"},
    )
    assert wrong_industry["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    bad_money = await programme.run(
        "lead",
        CREATE,
        call=str(programme.call.id),
        input={**APPLICATION, "fixedAssetInvestment": "-1"},
    )
    assert bad_money["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    fractional = await programme.run(
        "lead",
        CREATE,
        call=str(programme.call.id),
        input={**APPLICATION, "softwareInvestment": "1.005"},
    )
    assert fractional["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    for who in ("bureau", "staff", "expert0"):
        denied = await programme.run(who, CREATE, call=str(programme.call.id), input=APPLICATION)
        assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN", who
    from datetime import timedelta

    programme.call.closes_at = utcnow() - timedelta(minutes=1)
    await programme.call.save()
    closed = await programme.run("lead", CREATE, call=str(programme.call.id), input=APPLICATION)
    assert closed["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert await Centre.all().count() == 0


async def test_r_ctr_4_duplicate_direction_is_flagged_and_needs_a_recorded_reason(
    api: Api, world: World
) -> None:
    programme = await build_programme(api, world)
    live = await world.centre(
        programme.orgs["other"], status=CentreStatus.ESTABLISHED, name="已建工程机械中心"
    )
    live.direction = "智能工程机械，电液控制"  # same direction, other spelling
    await live.save()
    centre = await new_application(programme)
    await upload_plan(programme, centre)
    await _step(programme, "lead", centre, "SUBMIT")
    await _step(programme, "bureau", centre, "RECOMMEND")
    query = "query($id: ID!) { centre(id: $id) { duplicateWarnings { centreName } duplicateOverrideReason } }"
    seen = await programme.ok("staff", query, id=centre)
    assert seen["centre"]["duplicateWarnings"] == [{"centreName": "已建工程机械中心"}]
    # the Liuzhou bureau cannot see the Nanning centre, so its warning list names nothing
    assert (await programme.ok("bureau", query, id=centre))["centre"]["duplicateWarnings"] == []
    refused = await programme.move("staff", centre, "PASS_FORMAL_REVIEW")
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    await _step(
        programme, "staff", centre, "PASS_FORMAL_REVIEW", reason="细分方向不同：面向矿山装备"
    )
    assert (await programme.ok("staff", query, id=centre))["centre"][
        "duplicateOverrideReason"
    ] == "细分方向不同：面向矿山装备"


async def test_r_ctr_1_alliance_management_keeps_exactly_one_lead_and_history(
    api: Api, world: World
) -> None:
    programme = await build_programme(api, world)
    centre = await new_application(programme)
    add = """mutation($c: ID!, $o: ID!, $r: MemberRole!) {
      addAllianceMember(centreId: $c, organisationId: $o, memberRole: $r) { id memberRole } }"""
    member = (
        await programme.ok("lead", add, c=centre, o=str(programme.orgs["member"].id), r="CORE")
    )["addAllianceMember"]
    twice = await programme.run(
        "lead", add, c=centre, o=str(programme.orgs["member"].id), r="MEMBER"
    )
    assert twice["errors"][0]["extensions"]["code"] == "CONFLICT"
    second_lead = await programme.run(
        "lead", add, c=centre, o=str(programme.orgs["other"].id), r="LEAD"
    )
    assert second_lead["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # only the lead manages the alliance; members read their centre
    denied = await programme.run(
        "member", add, c=centre, o=str(programme.orgs["other"].id), r="MEMBER"
    )
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await programme.ok("member", "query($id: ID!) { centre(id: $id) { id } }", id=centre)
    outsider = await programme.run(
        "outsider", "query($id: ID!) { centre(id: $id) { id } }", id=centre
    )
    assert outsider["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # handing the lead over demotes the old lead in the same transaction
    change = """mutation($m: ID!, $r: MemberRole!) { changeAllianceMemberRole(memberId: $m, memberRole: $r) { memberRole } }"""
    await programme.ok("lead", change, m=member["id"], r="LEAD")
    members = await programme.ok(
        "member",
        "query($id: ID!) { centre(id: $id) { leadOrganisation { id } members { memberRole organisation { id } leftOn } } }",
        id=centre,
    )
    roles = {m["organisation"]["id"]: m["memberRole"] for m in members["centre"]["members"]}
    assert roles == {
        gid(programme.orgs["lead"]): "CORE",
        gid(programme.orgs["member"]): "LEAD",
    }
    assert members["centre"]["leadOrganisation"]["id"] == gid(programme.orgs["member"])
    # the old lead leaves; its record stays with a leaving date
    old = next(
        m
        for m in (await Centre.get(id=pk(centre)).prefetch_related("members")).members
        if m.organisation_id == programme.orgs["lead"].id
    )
    remove = """mutation($m: ID!) { removeAllianceMember(memberId: $m) { leftOn } }"""
    assert (await programme.ok("member", remove, m=str(old.id)))["removeAllianceMember"]["leftOn"]
    lead_leaving = await programme.run("member", remove, m=member["id"])
    assert lead_leaving["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_r_ctr_1_the_alliance_under_review_is_the_one_submitted(
    api: Api, world: World
) -> None:
    programme = await build_programme(api, world)
    centre = await new_application(programme)
    add = """mutation($c: ID!, $o: ID!, $j: Date) {
      addAllianceMember(centreId: $c, organisationId: $o, memberRole: MEMBER, joinedOn: $j) { id } }"""
    remove = (
        """mutation($m: ID!, $l: Date) { removeAllianceMember(memberId: $m, leftOn: $l) { id } }"""
    )
    member = str(programme.orgs["member"].id)
    # given a draft: dates in the future are refused, for joining and for leaving
    tomorrow = (programme_today() + timedelta(days=1)).isoformat()
    future = await programme.run("lead", add, c=centre, o=member, j=tomorrow)
    assert future["errors"][0]["extensions"]["field"] == "joinedOn"
    added = (await programme.ok("lead", add, c=centre, o=member))["addAllianceMember"]
    leaving = await programme.run("lead", remove, m=added["id"], l=tomorrow)
    assert leaving["errors"][0]["extensions"]["field"] == "leftOn"
    # when the application is under expert review
    await to_expert_review(programme, centre)
    before = await AllianceMember.filter(centre_id=pk(centre)).count()
    # then the lead can neither add nor remove members, and nothing changes
    other = str(programme.orgs["other"].id)
    frozen = await programme.run("lead", add, c=centre, o=other)
    assert frozen["errors"][0]["extensions"]["code"] == "INVALID_TRANSITION"
    assert frozen["errors"][0]["extensions"]["currentStatus"] == "EXPERT_REVIEW"
    gone = await programme.run("lead", remove, m=added["id"])
    assert gone["errors"][0]["extensions"]["code"] == "INVALID_TRANSITION"
    assert await AllianceMember.filter(centre_id=pk(centre)).count() == before
    assert await AllianceMember.filter(centre_id=pk(centre), left_on__isnull=False).count() == 0


async def test_r_life_2_staff_mark_an_established_centre_national_level(
    api: Api, world: World
) -> None:
    # given an established centre, one still cultivating, and people of every kind
    lead = await world.organisation("450200")
    established = await world.centre(lead, status=CentreStatus.ESTABLISHED)
    cultivating = await world.centre(lead, status=CentreStatus.CULTIVATING)
    staff = world.token(await world.user(RoleName.PROVINCIAL_STAFF))
    bureau = world.token(await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450200"))
    enterprise = world.token(await world.user(RoleName.ENTERPRISE, organisation=lead))
    mark = """mutation($id: ID!, $c: String!) { markNational(id: $id, comment: $c) {
      isNational status } }"""
    # when the bureau or the lead enterprise try, they are forbidden
    for token in (bureau, enterprise):
        denied = await api.gql(mark, {"id": str(established.id), "c": "国家级"}, token=token)
        assert error_codes(denied) == ["FORBIDDEN"]
    # when staff mark a cultivating centre, the state is named
    early = await api.gql(mark, {"id": str(cultivating.id), "c": "国家级"}, token=staff)
    assert error_codes(early) == ["INVALID_TRANSITION"]
    # then staff mark the established one, once, with an audited reason
    done = await api.ok(mark, {"id": str(established.id), "c": "工信部认定"}, token=staff)
    assert done["markNational"] == {"isNational": True, "status": "ESTABLISHED"}
    again = await api.gql(mark, {"id": str(established.id), "c": "再次"}, token=staff)
    assert error_codes(again) == ["CONFLICT"]
    entry = await AuditEntry.filter(action="centre.mark_national").get()
    assert entry.after["is_national"] is True and entry.after["comment"] == "工信部认定"
    assert not (await Centre.get(id=cultivating.id)).is_national
