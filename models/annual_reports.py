"""Annual reports (年度报告, R-ASM-2, R-ASM-3): one per centre and calendar year.

The lead enterprise drafts and submits; the bureau of the centre's city verifies truth, accuracy
and conformity (真实性、准确性、规范性) and forwards it, or returns it with comments; provincial
staff receive it. Every submission is kept as a numbered version (``AnnualReportVersion``) and
every bureau decision as a verification (``ReportVerification``), so a returned report keeps its
history. The content is held in columns (not a document) so that totals are sums in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from tortoise import fields

from models.accounts import User
from models.base import Entity
from models.centres import Centre

# An amount in a report: CNY with two places, at most 10^12 (a trillion yuan is absurd for one
# centre's year: refused with the field's name, R-ASM-3).
AMOUNT_LIMIT = Decimal(10) ** 12
COUNT_LIMIT = 1_000_000  # a count (people, standards, IP) beyond this is absurd for one centre
NARRATIVE_LIMIT = 20_000  # characters


class ReportStatus(StrEnum):
    """Where an annual report stands (R-ASM-2)."""

    DRAFT = "draft"  # 起草中: the lead is writing it
    SUBMITTED = "submitted"  # 已提交: awaiting the city bureau's verification
    RETURNED = "returned"  # 退回修改: the bureau returned it with comments
    FORWARDED = "forwarded"  # 已审核报送: verified by the bureau, forwarded to the province
    RECEIVED = "received"  # 省级已接收: provincial staff received it


EDITABLE_REPORT = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})


class RevenueSource(StrEnum):
    """Where a centre's revenue comes from (R-ASM-3; plan 三(三))."""

    TECHNOLOGY_TRANSFER = "technology_transfer"  # 技术成果转化
    INCUBATION = "incubation"  # 企业孵化
    CONTRACT_RD = "contract_rd"  # 企业委托研发
    TESTING_INSPECTION = "testing_inspection"  # 检验检测
    PUBLIC_SERVICES = "public_services"  # 公共服务
    OTHER = "other"  # 其他


class StandardLevel(StrEnum):
    """The level of a standard drafted (R-ASM-3)."""

    INTERNATIONAL = "international"  # 国际标准
    NATIONAL = "national"  # 国家标准
    INDUSTRY = "industry"  # 行业标准
    GROUP = "group"  # 团体标准


@dataclass(frozen=True, slots=True)
class ContentField:
    """One figure of a report's content: its column, its GraphQL name, amount or count."""

    column: str
    graphql: str
    is_amount: bool


def _amount(column: str, graphql: str) -> ContentField:
    return ContentField(column, graphql, True)


def _count(column: str, graphql: str) -> ContentField:
    return ContentField(column, graphql, False)


# Every figure of the content, in the order the form shows them (R-ASM-3).
CONTENT_FIGURES: tuple[ContentField, ...] = (
    *(_amount(f"revenue_{s.value}", f"revenue.{s.value}") for s in RevenueSource),
    _amount("rd_spending", "rdSpending"),
    _count("ip_created", "ipCreated"),
    *(_count(f"standards_{level.value}", f"standards.{level.value}") for level in StandardLevel),
    _count("rd_staff", "rdStaff"),
    _count("high_level_talent", "highLevelTalent"),
    _count("enterprises_incubated", "enterprisesIncubated"),
    _amount("seed_financing", "seedFinancing"),
)
CONTENT_COLUMNS: tuple[str, ...] = (*(f.column for f in CONTENT_FIGURES), "narrative")


def _money() -> Any:
    return fields.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0.00"))


class AnnualReport(Entity):
    # One centre's report on one calendar year. ``late`` is decided by the first submission (a
    # report returned and resubmitted after 31 May was still on time if first sent by then).
    centre: fields.ForeignKeyRelation[Centre] = fields.ForeignKeyField(
        "models.Centre", related_name="annual_reports", on_delete=fields.RESTRICT
    )
    centre_id: UUID
    year = fields.IntField()
    status = fields.CharEnumField(ReportStatus, max_length=16, default=ReportStatus.DRAFT)
    version = fields.IntField(default=0)  # the number of submissions so far
    revenue_technology_transfer = _money()
    revenue_incubation = _money()
    revenue_contract_rd = _money()
    revenue_testing_inspection = _money()
    revenue_public_services = _money()
    revenue_other = _money()
    rd_spending = _money()
    ip_created = fields.IntField(default=0)
    standards_international = fields.IntField(default=0)
    standards_national = fields.IntField(default=0)
    standards_industry = fields.IntField(default=0)
    standards_group = fields.IntField(default=0)
    rd_staff = fields.IntField(default=0)
    high_level_talent = fields.IntField(default=0)
    enterprises_incubated = fields.IntField(default=0)
    seed_financing = _money()
    narrative = fields.TextField(default="")
    first_submitted_at = fields.DatetimeField(null=True)
    submitted_at = fields.DatetimeField(null=True)  # the latest submission
    late = fields.BooleanField(default=False)
    forwarded_at = fields.DatetimeField(null=True)
    received_at = fields.DatetimeField(null=True)
    received_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="received_reports", null=True, on_delete=fields.RESTRICT
    )
    received_by_id: UUID | None
    updated_at = fields.DatetimeField(auto_now=True)

    SNAPSHOT = ("centre_id", "year", "status", "version", *CONTENT_COLUMNS, "late")

    class Meta:
        table = "annual_report"
        unique_together = (("centre_id", "year"),)
        indexes = (("year", "status"),)
        ordering = ["-year", "id"]

    def content(self) -> dict[str, object]:
        """The report's content as the audit log and its versions keep it (amounts as text)."""
        snap = self.snapshot()
        return {column: snap[column] for column in CONTENT_COLUMNS}


class AnnualReportVersion(Entity):
    # The content as submitted the n-th time: a returned report keeps what it said each time.
    report: fields.ForeignKeyRelation[AnnualReport] = fields.ForeignKeyField(
        "models.AnnualReport", related_name="versions", on_delete=fields.RESTRICT
    )
    report_id: UUID
    number = fields.IntField()
    content = fields.JSONField[dict[str, Any]]()
    submitted_at = fields.DatetimeField()
    submitted_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="report_versions", on_delete=fields.RESTRICT
    )
    submitted_by_id: UUID
    late = fields.BooleanField()

    class Meta:
        table = "annual_report_version"
        unique_together = (("report_id", "number"),)
        ordering = ["number"]


class VerificationOutcome(StrEnum):
    FORWARDED = "forwarded"  # 审核通过并报送
    RETURNED = "returned"  # 退回修改


class ReportVerification(Entity):
    # The bureau's decision on one submitted version: the three checks, each recorded, and its
    # comments (required when returning).
    report: fields.ForeignKeyRelation[AnnualReport] = fields.ForeignKeyField(
        "models.AnnualReport", related_name="verifications", on_delete=fields.RESTRICT
    )
    report_id: UUID
    version = fields.IntField()
    outcome = fields.CharEnumField(VerificationOutcome, max_length=16)
    truthful = fields.BooleanField()  # 真实性
    accurate = fields.BooleanField()  # 准确性
    conforming = fields.BooleanField()  # 规范性
    comment = fields.TextField(default="")
    verified_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="report_verifications", on_delete=fields.RESTRICT
    )
    verified_by_id: UUID

    class Meta:
        table = "report_verification"
        indexes = (("report_id", "created_at"),)
        ordering = ["created_at", "id"]


def verification_passes(truthful: bool, accurate: bool, conforming: bool) -> bool:
    """R-ASM-2: a bureau forwards a report only when it is true, accurate and conforming."""
    return truthful and accurate and conforming
