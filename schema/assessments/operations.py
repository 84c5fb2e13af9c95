"""Assessments: the scoped list and look-up, the grade bands, and the steps from opening to the
grade and its outcome move (thin resolvers over ``services/assessments.py``)."""

from __future__ import annotations

from datetime import date

import strawberry
from tortoise.queryset import QuerySet

from models import assessments as m
from policies import scopes
from schema.assessments.types import (
    Assessment,
    AssessmentGrade,
    AssessmentKind,
    AssessmentStatus,
    GradeBand,
    grade_bands,
)
from schema.context import Info
from schema.enums import value_of
from schema.ids import find, parse_id
from schema.pagination import Connection
from schema.reads import read_connection
from schema.reviews.mutations import ScoreInput
from schema.reviews.types import Review
from services import assessments


@strawberry.input(description="Narrow the list of assessments / 筛选条件")
class AssessmentFilter:
    centre_id: strawberry.ID | None = strawberry.field(
        default=None, description="One centre's assessments / 创新中心"
    )
    kind: AssessmentKind | None = None
    status: AssessmentStatus | None = None
    grade: AssessmentGrade | None = None


def _narrow(
    queryset: QuerySet[m.Assessment], flt: AssessmentFilter | None
) -> QuerySet[m.Assessment]:
    if flt is None:
        return queryset
    if flt.centre_id is not None:
        queryset = queryset.filter(centre_id=parse_id(flt.centre_id, "centre"))
    if flt.kind is not None:
        queryset = queryset.filter(kind=m.AssessmentKind(value_of(flt.kind)))
    if flt.status is not None:
        queryset = queryset.filter(status=m.AssessmentStatus(value_of(flt.status)))
    if flt.grade is not None:
        queryset = queryset.filter(grade=m.Grade(value_of(flt.grade)))
    return queryset


@strawberry.type
class AssessmentQueries:
    @strawberry.field(
        description="Assessments the caller may see, latest on-site day first: staff all, a "
        "bureau its city's, an enterprise its alliances' centres', an expert those whose panel "
        "they sit on / 可见的考核评估"
    )
    async def assessments(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: AssessmentFilter | None = None,
    ) -> Connection[Assessment]:
        authz = await info.context.authz()
        return await read_connection(
            info,
            "Assessment",
            _narrow(scopes.visible_assessments(authz), filter),
            first=first,
            after=after,
            order_by=("-onsite_on", "id"),
            to_node=Assessment.of,
        )

    @strawberry.field(description="One assessment, if the caller may see it / 单个考核评估")
    async def assessment(self, info: Info, id: strawberry.ID) -> Assessment:
        authz = await info.context.authz()
        return Assessment.of(await find(scopes.visible_assessments(authz), id, "assessment"))

    @strawberry.field(
        description="The grade bands shown beside a panel's result as guidance (data: the "
        "grade is staff's decision) / 考核等次参考分数段"
    )
    async def assessment_grade_bands(self, info: Info) -> list[GradeBand]:
        await info.context.authz()
        return grade_bands()


@strawberry.type
class AssessmentMutations:
    @strawberry.mutation(
        description="Open an assessment with its on-site day (UTC+8): PERIODIC of an "
        "established centre established a full year ago (R-ASM-1, R-ASM-4), REASSESSMENT of a "
        "rectifying one (R-ASM-5); one open per centre (provincial staff) / 启动考核"
    )
    async def open_assessment(
        self, info: Info, centre_id: strawberry.ID, onsite_on: date, kind: AssessmentKind
    ) -> Assessment:
        row = await assessments.open_assessment(
            info.context, centre_id, onsite_on, m.AssessmentKind(value_of(kind))
        )
        return Assessment.of(row)

    @strawberry.mutation(
        description="Assign an expert to an open assessment's panel, no conflict of interest "
        "with the alliance (R-REV-1) / 指派考核专家"
    )
    async def assign_assessment_expert(
        self, info: Info, assessment_id: strawberry.ID, expert_id: strawberry.ID
    ) -> Review:
        return Review.of(await assessments.assign_expert(info.context, assessment_id, expert_id))

    @strawberry.mutation(
        description="Withdraw an expert, with their scores, from an open assessment's panel / "
        "撤回考核专家"
    )
    async def unassign_assessment_expert(
        self, info: Info, assessment_id: strawberry.ID, expert_id: strawberry.ID
    ) -> Review:
        review = await assessments.unassign_expert(info.context, assessment_id, expert_id)
        return Review.of(review)

    @strawberry.mutation(
        description="Submit or edit one's own scores (0-100) on the three assessment areas "
        "(assigned experts; blind, R-REV-3) / 提交考核评分"
    )
    async def submit_assessment_scores(
        self, info: Info, assessment_id: strawberry.ID, scores: list[ScoreInput]
    ) -> Review:
        return Review.of(await assessments.submit_scores(info.context, assessment_id, scores))

    @strawberry.mutation(
        description="Finalise the assessment panel: aggregate and freeze the scores (R-REV-4) "
        "/ 考核专家组定稿"
    )
    async def finalise_assessment_panel(
        self, info: Info, assessment_id: strawberry.ID, onsite_check: str, opinion: str
    ) -> Review:
        review = await assessments.finalise_panel(
            info.context, assessment_id, onsite_check, opinion
        )
        return Review.of(review)

    @strawberry.mutation(
        description="Record the grade with an opinion once the panel is finalised; the outcome "
        "is made at once: a failed periodic assessment starts a one-year rectification, a "
        "re-assessment restores (pass) or revokes (fail) the centre (R-ASM-4, R-ASM-5). Returns "
        "the assessment; its centre shows the new status / 评定考核等次"
    )
    async def grade_assessment(
        self, info: Info, assessment_id: strawberry.ID, grade: AssessmentGrade, opinion: str
    ) -> Assessment:
        row = await assessments.grade_assessment(
            info.context, assessment_id, m.Grade(value_of(grade)), opinion
        )
        return Assessment.of(row)
