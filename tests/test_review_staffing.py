"""Staffing an expert review: finding experts (R-REV-1), declaring conflicts (R-REV-1),
re-checking conflicts when finalising, and withdrawing an expert from an open review, which is
also the way out when one expert never scores (R-REV-4)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from api.statements import StatementCounter
from models.accounts import RoleBinding, RoleName, User
from models.audit import AuditEntry
from models.base import utcnow
from models.centres import AllianceMember, MemberRole
from models.reviews import Review, ReviewAssignment, Score
from policies.enforcer import load_matrix
from policies.vocabulary import Action, Resource, Role, Scope
from tests.helpers import Api, World, gid, pk
from tests.workflow import (
    ASSIGN,
    FINALISE,
    SCORE,
    Programme,
    build_programme,
    new_application,
    score_all,
    scores,
    to_expert_review,
)

EXPERTS = """query($first: Int, $after: String, $search: String) {
  experts(first: $first, after: $after, search: $search) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id username displayName organisation { name } declaredConflicts { id name } } }
  } }"""
UNASSIGN = """mutation($c: ID!, $e: ID!) { unassignExpert(centreId: $c, expertId: $e) {
  status expertCount } }"""
DECLARE = """mutation($o: [ID!]!) { declareConflicts(organisationIds: $o) }"""
MY_CONFLICTS = "{ myDeclaredConflicts }"
STAFF_VIEW = """query($id: ID!) { centre(id: $id) { review { expertCount expertScores {
  expertName weightedTotal } } } }"""
CENTRE = "query($id: ID!) { centre(id: $id) { id } }"


@pytest.fixture
async def programme(api: Api, world: World) -> Programme:
    return await build_programme(api, world, experts=6)


def _id(programme: Programme, who: str) -> str:
    return gid(programme.users[who])


def _org(programme: Programme, name: str) -> str:
    return gid(programme.orgs[name])


def body_message(body: dict[str, object]) -> str:
    errors = body["errors"]
    assert isinstance(errors, list)
    return str(errors[0]["message"])


# --- finding experts ------------------------------------------------------------------------


async def test_r_rev_1_staff_find_active_experts_to_assign(
    programme: Programme, world: World
) -> None:
    # given the six experts, one of whom holds a second expert binding, plus a disabled expert,
    # an expert whose binding was revoked, and an expert who declared a conflict with the lead
    await world.bind(programme.users["expert0"], RoleName.EXPERT)
    disabled = await world.user(RoleName.EXPERT, username="expert-disabled")
    disabled.is_active = False
    await disabled.save(update_fields=["is_active"])
    revoked = await world.user(RoleName.EXPERT, username="expert-revoked")
    await RoleBinding.filter(user_id=revoked.id).update(revoked_at=utcnow())
    await programme.ok("expert1", DECLARE, o=[_org(programme, "lead")])
    # when provincial staff list the experts
    data = await programme.ok("staff", EXPERTS)
    # then exactly the active experts with an active expert binding appear, once each
    nodes = [e["node"] for e in data["experts"]["edges"]]
    assert data["experts"]["totalCount"] == 6
    assert [n["username"] for n in nodes] == [f"expert-t{i}" for i in range(6)]
    first = nodes[1]
    assert first["id"] == _id(programme, "expert1") and first["displayName"] == "专家1号"
    assert first["organisation"]["name"]
    assert first["declaredConflicts"] == [
        {"id": _org(programme, "lead"), "name": "广西智能装备股份有限公司"}
    ]
    assert nodes[0]["declaredConflicts"] == []
    # and a search narrows by username or by name
    by_username = await programme.ok("staff", EXPERTS, search="T3")
    assert [e["node"]["username"] for e in by_username["experts"]["edges"]] == ["expert-t3"]
    by_name = await programme.ok("staff", EXPERTS, search="专家4")
    assert [e["node"]["username"] for e in by_name["experts"]["edges"]] == ["expert-t4"]
    # and the list pages like every other connection
    page = await programme.ok("staff", EXPERTS, first=4)
    assert page["experts"]["pageInfo"]["hasNextPage"] is True
    rest = await programme.ok(
        "staff", EXPERTS, first=4, after=page["experts"]["pageInfo"]["endCursor"]
    )
    assert [e["node"]["username"] for e in rest["experts"]["edges"]] == ["expert-t4", "expert-t5"]


@pytest.mark.parametrize("who", ["admin", "lead", "bureau", "expert0", "outsider"])
async def test_r_rev_1_only_those_who_assign_reviews_list_experts(
    programme: Programme, who: str
) -> None:
    # when anyone but provincial staff asks for the experts, then FORBIDDEN and nothing else
    body = await programme.run(who, EXPERTS)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["data"] is None
    assert "expert-t" not in json.dumps(body)


async def test_statement_count_for_experts_does_not_grow_with_experts(
    api: Api, world: World, sql_counter: StatementCounter
) -> None:
    # given provincial staff and three experts, each with an organisation and a declared conflict
    staff = await world.user(RoleName.PROVINCIAL_STAFF)
    token = world.token(staff)

    async def add_experts(n: int) -> None:
        for _ in range(n):
            org, conflict = await world.organisation(), await world.organisation()
            expert = await world.user(RoleName.EXPERT, organisation=org)
            expert.declared_conflicts = [str(conflict.id)]
            await expert.save(update_fields=["declared_conflicts"])

    async def count(expected: int) -> int:
        sql_counter.statements.clear()
        data = await api.ok(EXPERTS, {"first": 100}, token=token)
        assert data["experts"]["totalCount"] == expected
        assert all(e["node"]["organisation"] for e in data["experts"]["edges"])
        assert all(len(e["node"]["declaredConflicts"]) == 1 for e in data["experts"]["edges"])
        return len(sql_counter.statements)

    await add_experts(3)
    few = await count(3)
    # when there are four times as many
    await add_experts(9)
    many = await count(12)
    # then the number of statements is the same, and small
    assert few == many, sql_counter.statements
    # the caller and their bindings, count, page, one batch of organisations for both fields
    assert many == 5, sql_counter.statements


# --- declaring conflicts --------------------------------------------------------------------


def test_r_rev_1_the_policy_lets_only_an_expert_declare_and_only_their_own() -> None:
    matrix = load_matrix()
    declare = {role: matrix.scope_for(role, Resource.USER, Action.DECLARE) for role in Role}
    assert declare == {role: Scope.SELF if role is Role.EXPERT else None for role in Role}
    assert matrix.enforcer.enforce("expert", "user", "declare")
    assert not matrix.enforcer.enforce("provincial_staff", "user", "declare")


async def test_r_rev_1_an_expert_declares_their_own_conflicts(programme: Programme) -> None:
    # when an expert declares two organisations (one named twice: once as a bare upper-case UUID, the spelling clients used before global ids)
    lead, member = _org(programme, "lead"), _org(programme, "member")
    data = await programme.ok("expert5", DECLARE, o=[lead, member, str(pk(lead)).upper()])
    # then both are recorded once, and the expert reads them back
    assert data["declareConflicts"] == [lead, member]
    assert (await programme.ok("expert5", MY_CONFLICTS))["myDeclaredConflicts"] == [lead, member]
    user = await User.get(id=programme.users["expert5"].id)
    assert user.declared_conflicts == [str(pk(lead)), str(pk(member))]
    # and the change is audited, by the expert, before and after
    entry = await AuditEntry.filter(action="user.declare").order_by("-seq").first()
    assert entry is not None and entry.actor == "expert-t5" and entry.role == "expert"
    assert entry.object_id == str(user.id)
    assert entry.before == {"declared_conflicts": []}
    assert entry.after == {"declared_conflicts": [str(pk(lead)), str(pk(member))]}
    # and no other expert's declarations changed
    assert (await User.get(id=programme.users["expert4"].id)).declared_conflicts == []
    # and an empty list withdraws every declaration
    assert (await programme.ok("expert5", DECLARE, o=[]))["declareConflicts"] == []
    assert (await User.get(id=user.id)).declared_conflicts == []


async def test_r_rev_1_a_declared_conflict_refuses_the_assignment(programme: Programme) -> None:
    # given an application after formal review, and an expert who declared its alliance member
    centre = await new_application(programme)
    await to_expert_review(programme, centre, experts=3)
    await programme.ok("expert5", DECLARE, o=[_org(programme, "lead")])
    # when staff assign that expert, then the conflict is refused and nothing is assigned
    body = await programme.run("staff", ASSIGN, c=centre, e=_id(programme, "expert5"))
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "declared a conflict" in body["errors"][0]["message"]
    assert await ReviewAssignment.filter(expert_id=programme.users["expert5"].id).count() == 0


async def test_r_rev_1_unknown_organisations_cannot_be_declared(programme: Programme) -> None:
    # given an expert with one declaration
    lead = _org(programme, "lead")
    await programme.ok("expert0", DECLARE, o=[lead])
    audited = await AuditEntry.filter(action="user.declare").count()
    # when they declare an unknown id or something that is no id at all
    unknown = "00000000-0000-4000-8000-000000000000"
    for ids in ([lead, unknown], ["not-an-id"], [lead, "  "]):
        body = await programme.run("expert0", DECLARE, o=ids)
        # then BAD_USER_INPUT, and the declarations and the log are as they were
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", ids
        assert body["errors"][0]["extensions"]["field"] == "organisationIds"
    assert "unknown organisations" in body_message(
        await programme.run("expert0", DECLARE, o=[unknown])
    )
    assert (await User.get(id=programme.users["expert0"].id)).declared_conflicts == [str(pk(lead))]
    assert await AuditEntry.filter(action="user.declare").count() == audited


@pytest.mark.parametrize("who", ["staff", "admin", "lead", "bureau"])
async def test_r_rev_1_only_experts_declare_conflicts(programme: Programme, who: str) -> None:
    before = await User.get(id=programme.users[who].id)
    body = await programme.run(who, DECLARE, o=[_org(programme, "lead")])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await User.get(id=before.id)).declared_conflicts == before.declared_conflicts
    mine = await programme.run(who, MY_CONFLICTS)
    assert mine["errors"][0]["extensions"]["code"] == "FORBIDDEN"


# --- conflicts re-checked when finalising ----------------------------------------------------


async def test_r_rev_1_a_conflict_declared_after_assignment_blocks_finalising_until_unassigned(
    programme: Programme,
) -> None:
    # given four assigned experts who have all scored
    centre = await new_application(programme)
    await to_expert_review(programme, centre, experts=4)
    await score_all(programme, centre, ["70", "80", "90", "60"])
    # when one of them then declares a conflict with the centre's lead (an alliance member)
    await programme.ok("expert3", DECLARE, o=[_org(programme, "lead")])
    # then finalising is refused, naming the expert to staff, and the review stays open
    body = await programme.run("staff", FINALISE, c=centre)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "conflict of interest" in error["message"] and "专家3号" in error["message"]
    assert error["extensions"]["expertIds"] == [_id(programme, "expert3")]
    assert (await Review.get(centre_id=pk(centre))).status == "open"
    # and nobody else learns anything from trying
    for who in ("lead", "bureau", "expert0", "admin"):
        denied = await programme.run(who, FINALISE, c=centre)
        assert denied["errors"][0]["extensions"]["code"] in ("FORBIDDEN", "NOT_FOUND"), who
        assert "专家3号" not in json.dumps(denied, ensure_ascii=False)
    # when staff unassign the conflicted expert, then finalising succeeds with the other three
    unassigned = await programme.ok("staff", UNASSIGN, c=centre, e=_id(programme, "expert3"))
    assert unassigned["unassignExpert"]["expertCount"] == 3
    finalised = await programme.ok("staff", FINALISE, c=centre)
    assert finalised["finaliseReview"] == {"status": "finalised", "result": "80.00"}


async def test_r_rev_1_a_member_joining_after_assignment_blocks_finalising(
    programme: Programme,
) -> None:
    # given four assigned experts who have all scored
    centre = await new_application(programme)
    await to_expert_review(programme, centre, experts=4)
    await score_all(programme, centre, ["70", "80", "90", "99"])
    # when expert3's organisation joins the alliance (by whatever path), and expert0's
    # organisation is a former member that has left
    for who, left_on in (("expert3", None), ("expert0", date(2026, 3, 1))):
        await AllianceMember.create(
            centre_id=pk(centre),
            organisation_id=programme.users[who].organisation_id,
            member_role=MemberRole.MEMBER,
            joined_on=date(2026, 2, 1),
            left_on=left_on,
        )
    # then finalising is refused for the current member only
    body = await programme.run("staff", FINALISE, c=centre)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["expertIds"] == [_id(programme, "expert3")]
    assert "organisation is the lead or a member" in body["errors"][0]["message"]
    # and once staff unassign that expert, the review is finalised with the remaining three
    await programme.ok("staff", UNASSIGN, c=centre, e=_id(programme, "expert3"))
    finalised = await programme.ok("staff", FINALISE, c=centre)
    assert finalised["finaliseReview"]["result"] == "80.00"


# --- withdrawing an expert ------------------------------------------------------------------


async def test_r_rev_4_unassigning_a_silent_expert_lets_the_review_be_finalised(
    programme: Programme,
) -> None:
    # given four assigned experts, one of whom never scores
    centre = await new_application(programme)
    await to_expert_review(programme, centre, experts=4)
    await score_all(programme, centre, ["70", "80", "90"])
    blocked = await programme.run("staff", FINALISE, c=centre)
    assert blocked["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert (await programme.ok("expert3", CENTRE, id=centre))["centre"]["id"] == centre
    # when staff unassign the silent expert
    data = await programme.ok("staff", UNASSIGN, c=centre, e=_id(programme, "expert3"))
    # then three experts remain, and the withdrawn expert no longer reaches the application
    assert data["unassignExpert"] == {"status": "open", "expertCount": 3}
    gone = await programme.run("expert3", CENTRE, id=centre)
    assert gone["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    listing = await programme.ok("expert3", "{ centres { totalCount } }")
    assert listing["centres"]["totalCount"] == 0
    late = await programme.run("expert3", SCORE, c=centre, s=scores("99"))
    assert late["errors"][0]["extensions"]["code"] in ("FORBIDDEN", "NOT_FOUND")
    # and the withdrawal is audited
    entry = await AuditEntry.filter(action="review.unassign").get()
    assert entry.actor == programme.users["staff"].username
    assert entry.before["expert_id"] == str(programme.users["expert3"].id)  # the log keeps UUIDs
    assert entry.before["scores"] is None and entry.after == {"expert_count": 3}
    # and the review is finalised with the three who scored
    finalised = await programme.ok("staff", FINALISE, c=centre)
    assert finalised["finaliseReview"]["result"] == "80.00"


async def test_r_rev_3_unassigning_withdraws_the_expert_keeps_the_record_and_logs_no_value(
    programme: Programme,
) -> None:
    # given four experts who have all scored, one with 97
    centre = await new_application(programme)
    await to_expert_review(programme, centre, experts=4)
    await score_all(programme, centre, ["70", "80", "90", "97"])
    assignment = await ReviewAssignment.get(expert_id=programme.users["expert3"].id)
    # when staff unassign that expert
    await programme.ok("staff", UNASSIGN, c=centre, e=_id(programme, "expert3"))
    # then the assignment and its scores stay on record, withdrawn (nothing with history is
    # deleted), and staff see three experts' scores
    withdrawn = await ReviewAssignment.get(id=assignment.id)
    assert withdrawn.withdrawn_at is not None
    assert await Score.filter(assignment_id=assignment.id).count() == 6
    view = await programme.ok("staff", STAFF_VIEW, id=centre)
    assert view["centre"]["review"]["expertCount"] == 3
    assert sorted(r["weightedTotal"] for r in view["centre"]["review"]["expertScores"]) == [
        "70.00",
        "80.00",
        "90.00",
    ]
    # and the log says which criteria were removed, with a digest, but not the values
    entry = await AuditEntry.filter(action="review.unassign").get()
    assert len(entry.before["scores"]["criteria"]) == 6
    assert len(entry.before["scores"]["digest"]) == 64
    assert set(entry.before["scores"]) == {"criteria", "digest"}
    assert "97.00" not in json.dumps([entry.before, entry.after])
    # and the withdrawn expert's 97 does not count at finalising: the mean of 70, 80, 90
    await programme.ok("staff", FINALISE, c=centre)
    assert (await Review.get(centre_id=pk(centre))).result == Decimal("80.00")


async def test_r_rev_1_a_withdrawn_expert_assigned_again_gets_the_same_assignment_back(
    programme: Programme,
) -> None:
    # given an expert withdrawn after scoring
    centre = await new_application(programme)
    await to_expert_review(programme, centre, experts=4)
    await score_all(programme, centre, ["70", "80", "90", "97"])
    first = await ReviewAssignment.get(expert_id=programme.users["expert3"].id)
    await programme.ok("staff", UNASSIGN, c=centre, e=_id(programme, "expert3"))
    # when staff assign the same expert again
    await programme.ok("staff", ASSIGN, c=centre, e=_id(programme, "expert3"))
    # then it is the same assignment, live again with its scores, and counted
    rows = await ReviewAssignment.filter(expert_id=programme.users["expert3"].id)
    assert [(r.id, r.withdrawn_at) for r in rows] == [(first.id, None)]
    assert (await Review.get(centre_id=pk(centre))).expert_count == 4
    await programme.ok("staff", FINALISE, c=centre)
    # four experts: the plain mean of 70, 80, 90 and 97 (trimming starts at five)
    assert (await Review.get(centre_id=pk(centre))).result == Decimal("84.25")


async def test_r_rev_4_after_finalising_no_expert_is_unassigned(programme: Programme) -> None:
    # given a finalised review
    centre = await new_application(programme)
    await to_expert_review(programme, centre, experts=3)
    await score_all(programme, centre, ["70", "80", "90"])
    await programme.ok("staff", FINALISE, c=centre)
    # when staff try to unassign an expert, then INVALID_TRANSITION and nothing changes
    body = await programme.run("staff", UNASSIGN, c=centre, e=_id(programme, "expert0"))
    assert body["errors"][0]["extensions"]["code"] == "INVALID_TRANSITION"
    assert "finalised" in body["errors"][0]["message"]
    assert await ReviewAssignment.filter(centre_id=pk(centre)).count() == 3
    assert await Score.all().count() == 18
    assert not await AuditEntry.filter(action="review.unassign").exists()


async def test_r_rev_1_only_staff_unassign_and_only_an_assigned_expert(
    programme: Programme,
) -> None:
    # given an open review with three experts
    centre = await new_application(programme)
    await to_expert_review(programme, centre, experts=3)
    # when anyone but provincial staff tries, then they are refused
    for who in ("admin", "lead", "bureau", "expert0", "other_bureau"):
        body = await programme.run(who, UNASSIGN, c=centre, e=_id(programme, "expert0"))
        assert body["errors"][0]["extensions"]["code"] in ("FORBIDDEN", "NOT_FOUND"), who
    # and an expert who is not assigned (or no expert at all) is not found
    for other in (_id(programme, "expert5"), _id(programme, "lead"), "not-an-id"):
        body = await programme.run("staff", UNASSIGN, c=centre, e=other)
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", other
    assert await ReviewAssignment.filter(centre_id=pk(centre)).count() == 3
