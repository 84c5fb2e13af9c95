"""A demo centre's expert review: the panel, the scores, and the finalised result."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from uuid import UUID

from demo.helpers import CST, cn_date, det, office_hours
from demo.plans import PLANS
from demo.specs import CentreSpec
from demo.timeline import Timeline
from demo.workflow import Actors, Workflow
from models.accounts import User
from models.centres import Centre, CentreStatus
from models.lifecycle import Move
from models.reviews import (
    CENT,
    CRITERIA,
    Review,
    ReviewAssignment,
    ReviewStatus,
    Score,
    aggregate,
    conflict_of_interest,
    weighted_total,
)

# The review still open: how many experts sit on its panel, and how many have scored so far.
OPEN_REVIEW_EXPERTS, OPEN_REVIEW_SCORED = 5, 3


def _mark(base: int, centre: str, expert: str, criterion: str) -> Decimal:
    # Half points around the centre's level: the expert's leaning plus the criterion's spread.
    halves = 2 * base + det(centre, expert) % 9 - 4 + det(centre, expert, criterion) % 13 - 6
    return (Decimal(max(0, min(200, halves))) / 2).quantize(CENT)


def _panel(index: int, experts: list[User], alliance: list[UUID], size: int) -> list[User]:
    """Experts without a conflict with the alliance (R-REV-1), rotated by the centre."""
    eligible = [
        e
        for e in experts
        if conflict_of_interest(e.organisation_id, e.declared_conflicts, alliance) is None
    ]
    start = index * 3 % max(len(eligible), 1)
    return (eligible[start:] + eligible[:start])[:size]


def add_review(
    index: int,
    spec: CentreSpec,
    centre: Centre,
    timeline: Timeline,
    actors: Actors,
    *,
    alliance: list[UUID],
    rows: Workflow,
) -> None:
    """The centre's expert review: open with some scores in, or finalised with all of them."""
    started = timeline.at(Move.START_EXPERT_REVIEW)
    finalised = centre.status is not CentreStatus.EXPERT_REVIEW
    panel = _panel(
        index, actors.experts, alliance, 3 + index % 4 if finalised else OPEN_REVIEW_EXPERTS
    )
    if started is None or len(panel) < 3:
        return
    opened = office_hours(started - timedelta(days=2), f"{spec.name}/assign")  # before it starts
    review = Review(centre_id=centre.id, expert_count=len(panel), created_at=opened)
    rejected = centre.status is CentreStatus.REJECTED
    base = 63 + det(spec.name) % 5 if rejected else 81 + det(spec.name) % 8
    scoring = len(panel) if finalised else OPEN_REVIEW_SCORED
    totals: list[Decimal] = []
    for k, expert in enumerate(panel):
        assignment = ReviewAssignment(
            review_id=review.id,
            centre_id=centre.id,
            expert_id=expert.id,
            created_at=opened + timedelta(minutes=k),
        )
        if k < scoring:
            marks = {c.code: _mark(base, spec.name, expert.username, c.code) for c in CRITERIA}
            assignment.weighted_total = weighted_total(marks)
            totals.append(assignment.weighted_total)
            rows.scores.extend(
                Score(assignment_id=assignment.id, criterion=code, score=mark)
                for code, mark in marks.items()
            )
        rows.assignments.append(assignment)
    decided = timeline.decided
    if finalised and decided is not None:
        plan = PLANS[spec.lead]
        review.status = ReviewStatus.FINALISED
        review.result = aggregate(totals)
        review.finalised_at = office_hours(
            started + (decided - started) * 0.7, f"{spec.name}/final"
        )
        review.finalised_by_id = actors.staff.id
        visited = max(review.finalised_at - timedelta(days=10), started + timedelta(days=1))
        review.onsite_check = (
            f"{cn_date(visited.astimezone(CST).date())}，专家组赴{centre.operating_company}"
            f"开展现场核验，查看研发及中试场地、{plan.platform}建设情况和主要仪器设备，核验联盟"
            "协议、成员出资证明和研发人员社保缴纳材料。"
            + (
                "中试线尚在建设，部分关键设备未到位，研发人员以兼职为主。"
                if rejected
                else "现场情况与申报材料一致。"
            )
        )
        if rejected:
            review.opinion = (
                f"专家组认为，该中心聚焦{spec.direction}，具备一定产业基础，但市场化运行模式论证"
                "不充分，成果转移扩散渠道单一，中试条件尚不具备。"
                f"综合得分{review.result}分，低于列入培育名单的要求，不建议列入培育名单。"
            )
        else:
            members = 1 + sum(1 for m in spec.members if m.left_on is None)
            review.opinion = (
                f"专家组认为，该中心聚焦{spec.direction}，牵头单位行业影响力大、研发能力强，"
                f"联盟汇聚产业链上下游企业、高校和科研院所{members}家，建设方案目标明确、技术"
                f"路线可行，市场化运行模式基本清晰。综合得分{review.result}分，建议列入培育名单。"
                f"建议进一步完善知识产权收益分配机制，加快{plan.technologies[0]}等成果的转移扩散。"
            )
    rows.reviews.append(review)
