"""Seeding the demo's assessments (R-ASM-4, R-ASM-5): each planned assessment
(``demo/assessment_plan.py``) with its finalised expert panel of demo experts — no conflict of
interest with the centre's alliance (R-REV-1) — their scores on the three areas, the result, the
grade and the opinion. The rectification moves in the status history are these grades'
outcomes (``demo/timeline.py``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

from tortoise.backends.base.client import BaseDBAsyncClient

from demo.assessment_plan import PlannedAssessment, assessment_plan
from demo.centres import CENTRES
from demo.helpers import CST, at_hour, cn_date, det
from demo.organisations import EXPERTS
from models.accounts import User
from models.assessments import Assessment, AssessmentStatus, Grade
from models.centres import AllianceMember, Centre
from models.reviews import (
    ASSESSMENT_AREAS,
    ASSESSMENT_CRITERIA,
    CENT,
    Review,
    ReviewAssignment,
    ReviewStatus,
    Score,
    aggregate,
    conflict_of_interest,
    weighted_total,
)

PANEL_SIZE = 3
# Each grade's panel scores around the middle of its guidance band (models.assessments).
LEVEL = {Grade.EXCELLENT: 93, Grade.GOOD: 85, Grade.PASS: 72, Grade.FAIL: 52}


class Rows:
    """The rows to insert, in order."""

    def __init__(self) -> None:
        self.assessments: list[Assessment] = []
        self.reviews: list[Review] = []
        self.assignments: list[ReviewAssignment] = []
        self.scores: list[Score] = []

    async def save(self, conn: BaseDBAsyncClient) -> dict[str, int]:
        await Assessment.bulk_create(self.assessments, using_db=conn)
        await Review.bulk_create(self.reviews, using_db=conn)
        await ReviewAssignment.bulk_create(self.assignments, using_db=conn)
        await Score.bulk_create(self.scores, using_db=conn)
        return {
            "assessments": len(self.assessments),
            "assessment_panels": len(self.reviews),
            "assessment_scores": len(self.scores),
        }


def _panel(experts: list[User], alliance: list[UUID], key: str) -> list[User]:
    eligible = [
        e
        for e in experts
        if conflict_of_interest(e.organisation_id, e.declared_conflicts, alliance) is None
    ]
    start = det(key) % max(len(eligible), 1)
    return (eligible[start:] + eligible[:start])[:PANEL_SIZE]


def _add(
    centre: Centre,
    planned: PlannedAssessment,
    panel: list[User],
    staff: User,
    rows: Rows,
) -> None:
    key = f"{centre.name}/{planned.kind}/{planned.cycle}"
    opened = at_hour(planned.onsite_on - timedelta(days=30), 10)
    finalised = at_hour(planned.onsite_on + timedelta(days=7), 16)
    assessment = Assessment(
        centre_id=centre.id,
        kind=planned.kind,
        cycle=planned.cycle,
        onsite_on=planned.onsite_on,
        status=AssessmentStatus.GRADED,
        opened_by_id=staff.id,
        grade=planned.grade,
        opinion=planned.opinion,
        graded_on=planned.graded_on,
        graded_by_id=staff.id,
        rectification_due=planned.rectification_due,
        created_at=opened,
    )
    review = Review(
        subject_type=assessment.panel_subject,
        subject_id=assessment.id,
        criteria_set=ASSESSMENT_CRITERIA,
        centre_id=centre.id,
        status=ReviewStatus.FINALISED,
        expert_count=len(panel),
        finalised_at=finalised,
        finalised_by_id=staff.id,
        created_at=opened,
        onsite_check=(
            f"{cn_date(planned.onsite_on)}，专家组赴中心开展现场考核，查看研发场地和中试平台，"
            "核查年度报告所列研发投入、知识产权和技术服务收入的原始凭证。"
        ),
        opinion=planned.opinion,
    )
    totals: list[Decimal] = []
    for k, expert in enumerate(panel):
        assignment = ReviewAssignment(
            review_id=review.id,
            centre_id=centre.id,
            expert_id=expert.id,
            created_at=opened + timedelta(minutes=k + 1),
        )
        marks = {
            c.code: Decimal(
                LEVEL[planned.grade] + det(key, expert.username, c.code) % 7 - 3
            ).quantize(CENT)
            for c in ASSESSMENT_AREAS
        }
        assignment.weighted_total = weighted_total(marks, ASSESSMENT_AREAS)
        totals.append(assignment.weighted_total)
        rows.assignments.append(assignment)
        rows.scores.extend(
            Score(assignment_id=assignment.id, criterion=code, score=mark)
            for code, mark in marks.items()
        )
    review.result = aggregate(totals)
    assessment.panel_result = review.result
    rows.assessments.append(assessment)
    rows.reviews.append(review)


async def seed_assessments(conn: BaseDBAsyncClient, now: datetime) -> dict[str, int]:
    """The planned assessments of the demo centres still in their demo state, each made once
    (a centre with any assessment is left as it is)."""
    today = now.astimezone(CST).date()
    found = await Centre.filter(name__in=[spec.name for spec in CENTRES]).using_db(conn)
    by_name = {row.name: row for row in found}
    plans = [
        (by_name[spec.name], assessment_plan(spec.name, spec.status, spec.established_on, today))
        for spec in CENTRES
        if spec.name in by_name and by_name[spec.name].status is spec.status
    ]
    plans = [(centre, plan) for centre, plan in plans if plan]
    ids = [centre.id for centre, _ in plans]
    assessed = set(
        await Assessment.filter(centre_id__in=ids)
        .using_db(conn)
        .values_list("centre_id", flat=True)
    )
    pairs = (
        await AllianceMember.filter(centre_id__in=ids, left_on=None)
        .using_db(conn)
        .values_list("centre_id", "organisation_id")
    )
    alliances: dict[UUID, list[UUID]] = {}
    for centre_id, organisation_id in pairs:
        alliances.setdefault(centre_id, []).append(organisation_id)
    names = [f"expert-{n}" for n in range(1, len(EXPERTS) + 1)]
    experts = await User.filter(username__in=names).using_db(conn).order_by("username")
    staff = await User.filter(username="staff").using_db(conn).first()
    rows = Rows()
    if staff is None:
        return await rows.save(conn)
    for centre, plan in plans:
        if centre.id in assessed:
            continue
        for planned in plan:
            panel = _panel(experts, alliances.get(centre.id, []), f"{centre.name}/{planned.cycle}")
            if len(panel) == PANEL_SIZE:
                _add(centre, planned, panel, staff, rows)
    return await rows.save(conn)
