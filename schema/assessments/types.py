"""An assessment as GraphQL: the grade, the opinion, the panel's result with the grade bands shown
beside it as guidance (R-ASM-4), the rectification deadline (R-ASM-5), and the panel itself as
the reusable ``Review`` type — which hides individual experts' scores from all but provincial
staff (R-REV-3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum
from uuid import UUID

import strawberry

from models import assessments as m
from models.reviews import ReviewStatus
from schema.centres.types import Centre
from schema.context import Info
from schema.convert import FromRow
from schema.node import Node
from schema.reviews.types import Review
from services.errors import NotFound


@strawberry.enum(description="Kind of assessment / 考核类型")
class AssessmentKind(Enum):
    PERIODIC = strawberry.enum_value(
        "periodic", description="Periodic assessment, every 3 years (R-ASM-4) / 定期考核"
    )
    REASSESSMENT = strawberry.enum_value(
        "reassessment",
        description="Re-assessment at the end of rectification (R-ASM-5) / 整改后重新考核",
    )


@strawberry.enum(description="Where an assessment stands / 考核状态")
class AssessmentStatus(Enum):
    OPEN = strawberry.enum_value("open", description="Open: the panel scores / 考核中")
    GRADED = strawberry.enum_value(
        "graded", description="Graded: the outcome move was made / 已评定"
    )


@strawberry.enum(description="The grade of an assessment (R-ASM-4) / 考核等次")
class AssessmentGrade(Enum):
    EXCELLENT = strawberry.enum_value("excellent", description="Excellent / 优秀")
    GOOD = strawberry.enum_value("good", description="Good / 良好")
    PASS = strawberry.enum_value("pass", description="Pass / 合格")
    FAIL = strawberry.enum_value(
        "fail", description="Fail: rectification, or revocation after one (R-ASM-5) / 不合格"
    )


@strawberry.type(
    description="A guidance band: panel results from `lowest` (0-100, inclusive) usually earn "
    "`grade`; staff decide the grade (data, not a rule) / 等次参考分数段"
)
class GradeBand:
    grade: AssessmentGrade
    lowest: Decimal
    name_zh: str
    name_en: str


def grade_bands() -> list[GradeBand]:
    """The guidance bands (``models.assessments.GRADE_BANDS``), highest first."""
    return [
        GradeBand(
            grade=AssessmentGrade(band.grade.value),
            lowest=band.lowest,
            name_zh=band.name_zh,
            name_en=band.name_en,
        )
        for band in m.GRADE_BANDS
    ]


@strawberry.type(
    description="A periodic assessment or a re-assessment of a centre (R-ASM-4, R-ASM-5) / 考核评估"
)
class Assessment(Node, FromRow[m.Assessment]):
    id: strawberry.ID
    kind: AssessmentKind
    cycle: int = strawberry.field(
        description="The n-th periodic assessment; a re-assessment has its failed one's / 考核轮次"
    )
    onsite_on: date = strawberry.field(description="On-site day (UTC+8 calendar) / 现场考核日期")
    status: AssessmentStatus
    grade: AssessmentGrade | None = strawberry.field(
        description="The grade staff recorded, once graded / 考核等次"
    )
    opinion: str | None = strawberry.field(description="Staff's opinion, once graded / 考核意见")
    panel_result: Decimal | None = strawberry.field(
        description="The panel's result (0-100) copied when graded / 专家组评分结果"
    )
    graded_on: date | None = strawberry.field(
        description="Day the grade was recorded (UTC+8 calendar) / 评定日期"
    )
    rectification_due: date | None = strawberry.field(
        description="A failed periodic assessment: the day rectification ends and the "
        "re-assessment is due, one year after grading (R-ASM-5) / 整改期限"
    )
    centre_id: strawberry.Private[UUID]

    @strawberry.field(description="The centre assessed / 被考核的创新中心")
    async def centre(self, info: Info) -> Centre:
        row = await (await info.context.loaders()).centre.load(self.centre_id)
        if row is None:
            raise NotFound("centre")
        return Centre.of(row)

    @strawberry.field(
        description="The expert panel (individual scores: provincial staff only, R-REV-3); "
        "null until the first expert is assigned / 专家组"
    )
    async def panel(self, info: Info) -> Review | None:
        row = await (await info.context.loaders()).panel_by_assessment.load(self.pk())
        return None if row is None else Review.of(row)

    @strawberry.field(
        description="The grade bands shown beside the result as guidance / 等次参考分数段"
    )
    def grade_bands(self) -> list[GradeBand]:
        return grade_bands()

    @strawberry.field(
        description="The band the panel's result falls in (guidance only; staff decide): the "
        "graded result, or the finalised panel's / 参考等次"
    )
    async def guidance_grade(self, info: Info) -> AssessmentGrade | None:
        result = self.panel_result
        if result is None:
            row = await (await info.context.loaders()).panel_by_assessment.load(self.pk())
            if row is not None and row.status is ReviewStatus.FINALISED:
                result = row.result
        return None if result is None else AssessmentGrade(m.guidance_grade(result).value)
