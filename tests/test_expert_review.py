"""Expert review: conflicts of interest (R-REV-1), blind scoring from every angle (R-REV-3),
the trimmed mean (R-REV-4), frozen scores, and what the enterprise and bureau see (R-REV-5)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from models.reviews import CRITERIA, ReviewAssignment, Score, scores_digest
from tests.helpers import Api, World
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
    upload_plan,
)

REVIEW = """query($id: ID!) { centre(id: $id) { review { status result onsiteCheck opinion
  myScores { criterion score } } } }"""
AUDIT_LOG = """query($filter: AuditFilter) { auditLog(first: 100, filter: $filter) {
  totalCount edges { node { action actor objectId before after } } } }"""
STAFF_VIEW = """query($id: ID!) { centre(id: $id) { review { expertScores {
  expertId expertName weightedTotal scores { criterion score comment } } } } }"""


@pytest.fixture
async def programme(api: Api, world: World) -> Programme:
    return await build_programme(api, world, experts=6)


async def _formal_review_passed(programme: Programme) -> str:
    centre = await new_application(programme)
    await upload_plan(programme, centre)
    for who, move in (("lead", "SUBMIT"), ("bureau", "RECOMMEND"), ("staff", "PASS_FORMAL_REVIEW")):
        assert not (await programme.move(who, centre, move)).get("errors")
    return centre


async def test_r_rev_1_conflicts_of_interest_are_refused(programme: Programme) -> None:
    centre = await _formal_review_passed(programme)
    # an expert from an alliance member's organisation
    member_expert = programme.users["expert0"]
    member_expert.organisation_id = programme.orgs["lead"].id
    await member_expert.save(update_fields=["organisation_id"])
    body = await programme.run("staff", ASSIGN, c=centre, e=str(member_expert.id))
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "conflict of interest" in body["errors"][0]["message"]
    # an expert who declared a conflict with the lead
    declared = programme.users["expert1"]
    declared.declared_conflicts = [str(programme.orgs["lead"].id)]
    await declared.save(update_fields=["declared_conflicts"])
    body = await programme.run("staff", ASSIGN, c=centre, e=str(declared.id))
    assert "declared a conflict" in body["errors"][0]["message"]
    # a non-expert cannot be assigned; an unrelated expert can, once
    assert (await programme.run("staff", ASSIGN, c=centre, e=str(programme.users["bureau"].id)))[
        "errors"
    ][0]["extensions"]["code"] == "NOT_FOUND"
    assert await programme.ok("staff", ASSIGN, c=centre, e=str(programme.users["expert2"].id))
    again = await programme.run("staff", ASSIGN, c=centre, e=str(programme.users["expert2"].id))
    assert again["errors"][0]["extensions"]["code"] == "CONFLICT"
    # only provincial staff assign
    for who in ("lead", "bureau", "expert2", "admin"):
        denied = await programme.run(who, ASSIGN, c=centre, e=str(programme.users["expert3"].id))
        assert denied["errors"][0]["extensions"]["code"] in ("FORBIDDEN", "NOT_FOUND"), who


async def test_r_acc_4_an_expert_reads_exactly_their_assignments(programme: Programme) -> None:
    assigned = await _formal_review_passed(programme)
    other = await new_application(programme, name="另一个中心")
    await programme.ok("staff", ASSIGN, c=assigned, e=str(programme.users["expert0"].id))
    listing = await programme.ok("expert0", "{ centres { totalCount edges { node { id } } } }")
    assert listing["centres"]["totalCount"] == 1
    assert [e["node"]["id"] for e in listing["centres"]["edges"]] == [assigned]
    body = await programme.run("expert0", "query($id: ID!) { centre(id: $id) { id } }", id=other)
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    unassigned = await programme.ok("expert5", "{ centres { totalCount } }")
    assert unassigned["centres"]["totalCount"] == 0
    # the assigned expert reads the application's documents too
    docs = await programme.ok(
        "expert0", "query($id: ID!) { centre(id: $id) { documents { title } } }", id=assigned
    )
    assert docs["centre"]["documents"] == [{"title": "建设方案"}]


async def test_r_rev_3_blind_scoring_from_every_angle(programme: Programme) -> None:
    centre = await new_application(programme)
    await to_expert_review(programme, centre, experts=3)
    await score_all(programme, centre, ["70", "80", "90"])
    # an expert sees only their own scores, never another's
    mine = await programme.ok("expert0", REVIEW, id=centre)
    assert {s["score"] for s in mine["centre"]["review"]["myScores"]} == {"70.00"}
    assert mine["centre"]["review"]["result"] is None
    for who in ("expert0", "lead", "bureau", "admin"):
        body = await programme.run(who, STAFF_VIEW, id=centre)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", who
        assert "80.00" not in json.dumps(body) and "专家1号" not in json.dumps(body)
    # aliases do not get around it
    aliased = await programme.run(
        "expert0",
        "query($id: ID!) { a: centre(id: $id) { review { myScores { score } } } "
        "b: centre(id: $id) { review { expertScores { weightedTotal } } } }",
        id=centre,
    )
    assert "90.00" not in json.dumps(aliased) and "80.00" not in json.dumps(aliased)
    # the enterprise and the bureau see no scores of anyone before finalising
    for who in ("lead", "bureau"):
        seen = await programme.ok(who, REVIEW, id=centre)
        assert seen["centre"]["review"]["result"] is None
        assert seen["centre"]["review"]["myScores"] == []
    # provincial staff see every expert's scores with names
    staff = await programme.ok("staff", STAFF_VIEW, id=centre)
    rows = staff["centre"]["review"]["expertScores"]
    assert sorted(r["weightedTotal"] for r in rows) == ["70.00", "80.00", "90.00"]
    assert {r["expertName"] for r in rows} == {"专家0号", "专家1号", "专家2号"}
    # an expert cannot score a review they were not assigned to
    stranger = await programme.run("expert5", SCORE, c=centre, s=scores("99"))
    assert stranger["errors"][0]["extensions"]["code"] in ("FORBIDDEN", "NOT_FOUND")


async def test_r_rev_5_after_finalising_the_result_is_seen_without_names(
    programme: Programme,
) -> None:
    centre = await new_application(programme)
    await to_expert_review(programme, centre, experts=3)
    await score_all(programme, centre, ["70", "80", "90"])
    await programme.ok("staff", FINALISE, c=centre)
    for who in ("lead", "bureau"):
        body = await programme.run(who, REVIEW, id=centre)
        review = body["data"]["centre"]["review"]
        assert review["result"] == "80.00" and review["onsiteCheck"] == "现场核查通过"
        assert review["myScores"] == []
        text = json.dumps(body, ensure_ascii=False)
        assert "专家" not in text and "70.00" not in text and "90.00" not in text
    bureau_other = await programme.run("other_bureau", REVIEW, id=centre)
    assert bureau_other["errors"][0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("totals", "result"),
    [
        (["70", "80", "93"], "81.00"),  # 3 experts: the plain mean
        (["60", "75", "80", "85", "99"], "80.00"),  # 5: drop 60 and 99 -> (75+80+85)/3
        (["50", "70", "71", "72", "73", "100"], "71.50"),  # 6: drop 50 and 100
    ],
)
async def test_r_rev_4_result_is_the_trimmed_mean_with_five_or_more(
    programme: Programme, totals: list[str], result: str
) -> None:
    centre = await new_application(programme)
    await to_expert_review(programme, centre, experts=len(totals))
    await score_all(programme, centre, totals)
    finalised = await programme.ok("staff", FINALISE, c=centre)
    assert finalised["finaliseReview"]["result"] == result


async def test_r_rev_4_weighted_total_uses_the_criteria_weights(programme: Programme) -> None:
    centre = await new_application(programme)
    await to_expert_review(programme, centre, experts=3)
    uneven = [
        {"criterion": c, "score": s}
        for c, s in (
            ("innovation_resources", "100"),
            ("core_function", "90"),
            ("collaboration", "80"),
            ("market_operation", "70"),
            ("transfer_channels", "60"),
            ("industry_driving", "50"),
        )
    ]
    await programme.ok("expert0", SCORE, c=centre, s=uneven)
    staff = await programme.ok("staff", STAFF_VIEW, id=centre)
    # 100*.20 + 90*.20 + (80+70+60+50)*.15 = 20 + 18 + 39 = 77
    totals = {
        r["expertName"]: r["weightedTotal"] for r in staff["centre"]["review"]["expertScores"]
    }
    assert totals["专家0号"] == "77.00"


async def test_r_rev_4_finalising_needs_every_score_and_freezes_them(programme: Programme) -> None:
    centre = await new_application(programme)
    await to_expert_review(programme, centre, experts=3)
    await score_all(programme, centre, ["70", "80"])
    incomplete = await programme.run("staff", FINALISE, c=centre)
    assert incomplete["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # an expert may edit their scores until the review is finalised
    await programme.ok("expert1", SCORE, c=centre, s=scores("82"))
    await programme.ok("expert2", SCORE, c=centre, s=scores("90"))
    out_of_range = await programme.run(
        "expert2", SCORE, c=centre, s=[{"criterion": "core_function", "score": "101"}]
    )
    assert out_of_range["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    await programme.ok("staff", FINALISE, c=centre)
    before = sorted((s.criterion, s.score) for s in await Score.all())
    frozen = await programme.run("expert0", SCORE, c=centre, s=scores("100"))
    assert frozen["errors"][0]["extensions"]["code"] == "INVALID_TRANSITION"
    assert sorted((s.criterion, s.score) for s in await Score.all()) == before
    twice = await programme.run("staff", FINALISE, c=centre)
    assert twice["errors"][0]["extensions"]["code"] == "INVALID_TRANSITION"


async def test_r_acc_4_an_assigned_expert_sees_the_alliance_it_reviews(
    programme: Programme,
) -> None:
    centre = await _formal_review_passed(programme)
    await programme.ok("staff", ASSIGN, c=centre, e=str(programme.users["expert0"].id))
    query = "query($id: ID!) { centre(id: $id) { leadOrganisation { name } members { organisation { name } } } }"
    data = await programme.ok("expert0", query, id=centre)
    assert data["centre"]["leadOrganisation"]["name"] == "广西智能装备股份有限公司"
    orgs = await programme.ok("expert0", "{ organisations { totalCount } }")
    assert orgs["organisations"]["totalCount"] == 1  # the alliance only, nothing else
    other = await programme.ok("expert5", "{ organisations { totalCount } }")
    assert other["organisations"]["totalCount"] == 0


async def test_r_rev_3_the_audit_log_keeps_no_expert_score(programme: Programme) -> None:
    # given three experts whose every score and comment is distinctive, one of whom edits two
    centre = await new_application(programme)
    await to_expert_review(programme, centre, experts=3)
    secrets: list[str] = []
    for i in range(3):
        marks = [
            {
                "criterion": c.code,
                "score": f"{61 + 6 * i + j}.{17 + 11 * j + 3 * i}",
                "comment": f"评语-{i}-{j}",
            }
            for j, c in enumerate(CRITERIA)
        ]
        await programme.ok(f"expert{i}", SCORE, c=centre, s=marks)
        secrets += [m["score"] for m in marks] + [m["comment"] for m in marks]
    edit = [
        {"criterion": "core_function", "score": "55.13", "comment": "改-1"},
        {"criterion": "collaboration", "score": "56.29", "comment": "改-2"},
    ]
    await programme.ok("expert0", SCORE, c=centre, s=edit)
    secrets += ["55.13", "56.29", "改-1", "改-2"]
    await programme.ok("staff", FINALISE, c=centre)
    secrets += [str(Decimal(v).normalize()) for v in secrets if v[0].isdigit()]
    # when the provincial administrator reads the whole audit log
    log = await programme.ok("admin", AUDIT_LOG)
    text = json.dumps(log, ensure_ascii=False)
    # then no expert's score or comment is in it, anywhere
    assert log["auditLog"]["totalCount"] < 100  # the whole log was read
    leaked = [v for v in secrets if v in text]
    assert leaked == []
    # and yet every scoring is recorded: who, which criteria, what changed, and a digest
    scored = await programme.ok("admin", AUDIT_LOG, filter={"action": "review.score"})
    entries = [e["node"] for e in scored["auditLog"]["edges"]]
    assert len(entries) == 4
    assert {e["actor"] for e in entries} == {"expert-t0", "expert-t1", "expert-t2"}
    codes = sorted(c.code for c in CRITERIA)
    for entry in entries:
        assert entry["after"]["criteria"] == codes
        assert len(entry["after"]["digest"]) == 64
    first_scoring = [e for e in entries if e["before"] is None]
    assert len(first_scoring) == 3 and all(e["after"]["changed"] == codes for e in first_scoring)
    (edited,) = [e for e in entries if e["before"] is not None]
    assert edited["after"]["changed"] == ["collaboration", "core_function"]
    assert edited["before"]["digest"] != edited["after"]["digest"]
    # the digest proves what was written to whoever holds the scores
    assignment = await ReviewAssignment.get(expert_id=programme.users["expert0"].id)
    stored = {
        s.criterion: (s.score, s.comment) for s in await Score.filter(assignment_id=assignment.id)
    }
    assert edited["after"]["digest"] == scores_digest(assignment.id, stored)
    # while the administrator still cannot read the scores themselves
    refused = await programme.run("admin", STAFF_VIEW, id=centre)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
