"""Cultivation (三(二)4-6): the task agreement, indicator progress, inspections and evaluation."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from tortoise import fields

from models.accounts import User
from models.base import Entity
from models.centres import Centre


class TaskAgreement(Entity):
    # 培育任务书 (R-CUL-1), created when the centre is listed for cultivation.
    centre: fields.OneToOneRelation[Centre] = fields.OneToOneField(
        "models.Centre", related_name="task_agreement", on_delete=fields.RESTRICT
    )
    centre_id: UUID
    signed_on = fields.DateField()
    tasks = fields.JSONField[list[str]](default=list)
    support_measures = fields.TextField(default="")

    class Meta:
        table = "task_agreement"


class Indicator(Entity):
    agreement: fields.ForeignKeyRelation[TaskAgreement] = fields.ForeignKeyField(
        "models.TaskAgreement", related_name="indicators", on_delete=fields.RESTRICT
    )
    agreement_id: UUID
    name = fields.CharField(max_length=200)
    unit = fields.CharField(max_length=32, default="")
    target = fields.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        table = "indicator"
        indexes = (("agreement_id",),)
        ordering = ["created_at", "id"]


class IndicatorProgress(Entity):
    indicator: fields.ForeignKeyRelation[Indicator] = fields.ForeignKeyField(
        "models.Indicator", related_name="progress", on_delete=fields.RESTRICT
    )
    indicator_id: UUID
    reported_on = fields.DateField()
    value = fields.DecimalField(max_digits=18, decimal_places=2)
    note = fields.TextField(default="")
    reported_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="progress_reports", on_delete=fields.RESTRICT
    )
    reported_by_id: UUID

    class Meta:
        table = "indicator_progress"
        indexes = (("indicator_id",),)
        ordering = ["reported_on", "created_at"]


class InspectionKind(StrEnum):
    SPECIAL_INSPECTION = "special_inspection"  # 专项检查
    END_OF_PERIOD_EVALUATION = "end_of_period_evaluation"  # 期满评估


class Inspection(Entity):
    centre: fields.ForeignKeyRelation[Centre] = fields.ForeignKeyField(
        "models.Centre", related_name="inspections", on_delete=fields.RESTRICT
    )
    centre_id: UUID
    kind = fields.CharEnumField(InspectionKind, max_length=32)
    held_on = fields.DateField()
    findings = fields.TextField()
    passed = fields.BooleanField(null=True)  # the evaluation's verdict; None for inspections
    recorded_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="inspections", on_delete=fields.RESTRICT
    )
    recorded_by_id: UUID

    class Meta:
        table = "inspection"
        indexes = (("centre_id",),)
        ordering = ["held_on", "created_at"]
