"""The task agreement, indicator progress and inspections (R-CUL-1, R-CUL-2)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import strawberry

from models import cultivation as m
from schema.context import Info
from schema.convert import FromRow
from schema.node import Node


@strawberry.enum(description="Kind of cultivation check / 检查类型")
class InspectionKind(Enum):
    SPECIAL_INSPECTION = strawberry.enum_value(
        "special_inspection", description="Special inspection / 专项检查"
    )
    END_OF_PERIOD_EVALUATION = strawberry.enum_value(
        "end_of_period_evaluation", description="End-of-period evaluation / 期满评估"
    )


@strawberry.type(description="Progress reported on an indicator / 指标进展")
class IndicatorProgress(FromRow[m.IndicatorProgress]):
    reported_on: date
    value: Decimal
    note: str


@strawberry.type(description="A key indicator with its target / 关键指标")
class Indicator(Node, FromRow[m.Indicator]):
    id: strawberry.ID
    name: str
    unit: str
    target: Decimal

    @strawberry.field(description="Reported progress, oldest first / 进展")
    async def progress(self, info: Info) -> list[IndicatorProgress]:
        rows = await (await info.context.loaders()).progress_by_indicator.load(self.pk())
        return [IndicatorProgress.of(r) for r in rows]


@strawberry.type(description="The cultivation task agreement / 培育任务书")
class TaskAgreement(Node, FromRow[m.TaskAgreement]):
    id: strawberry.ID
    signed_on: date
    tasks: list[str]
    support_measures: str

    @strawberry.field
    async def indicators(self, info: Info) -> list[Indicator]:
        rows = await (await info.context.loaders()).indicators_by_agreement.load(self.pk())
        return [Indicator.of(r) for r in rows]


@strawberry.type(description="A special inspection or the end-of-period evaluation / 检查评估")
class Inspection(Node, FromRow[m.Inspection]):
    id: strawberry.ID
    kind: InspectionKind
    held_on: date
    findings: str
    passed: bool | None
    created_at: datetime
