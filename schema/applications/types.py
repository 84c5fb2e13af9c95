"""Lifecycle moves, status history, duplicate warnings and the task-agreement input."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import strawberry

from models import centres as m
from schema.accounts.types import Role
from schema.centres.status import CentreStatus
from schema.convert import convert


@strawberry.enum(description="A step of the lifecycle (RULES.md, Lifecycle) / 流程操作")
class CentreMove(Enum):
    SUBMIT = strawberry.enum_value("submit", description="Lead enterprise submits / 企业提交")
    RECOMMEND = strawberry.enum_value("recommend", description="Bureau recommends / 市局推荐")
    RETURN = strawberry.enum_value("return", description="Bureau returns with comments / 市局退回")
    PASS_FORMAL_REVIEW = strawberry.enum_value(
        "pass_formal_review", description="Formal review passed / 形式审查通过"
    )
    REJECT_FORMAL_REVIEW = strawberry.enum_value(
        "reject_formal_review", description="Rejected at formal review / 形式审查未通过"
    )
    START_EXPERT_REVIEW = strawberry.enum_value(
        "start_expert_review", description="Start expert review / 组织专家评审"
    )
    LIST_FOR_CULTIVATION = strawberry.enum_value(
        "list_for_cultivation",
        description="List for cultivation (use listForCultivation) / 列入培育",
    )
    REJECT_AFTER_REVIEW = strawberry.enum_value(
        "reject_after_review", description="Rejected after expert review / 评审未通过"
    )
    ESTABLISH = strawberry.enum_value("establish", description="Approve establishment / 批复成立")
    FAIL_CULTIVATION = strawberry.enum_value(
        "fail_cultivation", description="Cultivation failed / 培育未通过"
    )
    START_RECTIFICATION = strawberry.enum_value(
        "start_rectification",
        description="Assessment failed: rectify. Deprecated as a move: only the outcome of "
        "gradeAssessment (R-ASM-5) / 限期整改（仅由考核结果触发）",
        deprecation_reason="Made only by gradeAssessment (R-ASM-5); transitionCentre refuses it",
    )
    PASS_REASSESSMENT = strawberry.enum_value(
        "pass_reassessment",
        description="Re-assessment passed. Deprecated as a move: only the outcome of "
        "gradeAssessment (R-ASM-5) / 复评通过（仅由考核结果触发）",
        deprecation_reason="Made only by gradeAssessment (R-ASM-5); transitionCentre refuses it",
    )
    REVOKE = strawberry.enum_value(
        "revoke",
        description="Revoke. Deprecated as a move: only the outcome of gradeAssessment "
        "(R-ASM-5) / 摘牌撤销（仅由考核结果触发）",
        deprecation_reason="Made only by gradeAssessment (R-ASM-5); transitionCentre refuses it",
    )


@strawberry.type(description="One lifecycle move / 状态变更记录")
class StatusEvent:
    from_status: CentreStatus | None
    to_status: CentreStatus
    role: Role | None = strawberry.field(
        description="The role that made the move; null when the 3-year deadline made it (R-CUL-2)"
    )
    comment: str
    at: datetime

    @classmethod
    def of(cls, row: m.CentreStatusEvent) -> StatusEvent:
        """The event as GraphQL; `at` is the row's creation time, a blank role is null."""
        return convert(cls, row, at=row.created_at)


@strawberry.type(
    description="A live centre in the same industry and direction (R-CTR-4) / 方向重复提示"
)
class DuplicateWarning:
    centre_id: strawberry.ID
    centre_name: str
    direction: str


@strawberry.input(description="A key indicator with its target / 关键指标")
class IndicatorInput:
    name: str
    target: Decimal
    unit: str = ""


@strawberry.input(description="The signed task agreement (R-CUL-1) / 培育任务书")
class TaskAgreementInput:
    signed_on: date
    tasks: list[str]
    indicators: list[IndicatorInput]
    support_measures: str = ""
