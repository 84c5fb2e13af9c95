"""Annual reports as GraphQL types (R-ASM-2, R-ASM-3): the report, its content, the versions
submitted and the bureau's verifications. Amounts are CNY with two places (Decimal); dates and
lateness are in the province's calendar (UTC+8)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Self
from uuid import UUID

import strawberry

from models import annual_reports as m
from models.assessment_calendar import annual_report_due
from schema.centres.types import Centre
from schema.context import Info
from schema.convert import FromRow, convert
from schema.documents.types import Document
from schema.node import Node
from services.errors import NotFound


@strawberry.enum(description="Where an annual report stands (R-ASM-2) / 年度报告状态")
class ReportStatus(Enum):
    DRAFT = strawberry.enum_value("draft", description="Being written by the lead / 起草中")
    SUBMITTED = strawberry.enum_value(
        "submitted", description="Awaiting the city bureau's verification / 已提交, 待市级审核"
    )
    RETURNED = strawberry.enum_value(
        "returned", description="Returned by the bureau with comments / 退回修改"
    )
    FORWARDED = strawberry.enum_value(
        "forwarded", description="Verified and forwarded to the province / 已审核报送"
    )
    RECEIVED = strawberry.enum_value(
        "received", description="Received by the province / 省级已接收"
    )


@strawberry.enum(description="What the bureau decided (R-ASM-2) / 审核结果")
class VerificationOutcome(Enum):
    FORWARDED = strawberry.enum_value(
        "forwarded", description="Verified and forwarded / 审核通过并报送"
    )
    RETURNED = strawberry.enum_value("returned", description="Returned with comments / 退回修改")


def _amount(value: object) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


@strawberry.type(description="Revenue by source, CNY (R-ASM-3) / 收入构成(元)")
class Revenue:
    technology_transfer: Decimal = strawberry.field(
        description="Technology transfer / 技术成果转化"
    )
    incubation: Decimal = strawberry.field(description="Enterprise incubation / 企业孵化")
    contract_rd: Decimal = strawberry.field(description="Contract R&D / 企业委托研发")
    testing_inspection: Decimal = strawberry.field(description="Testing and inspection / 检验检测")
    public_services: Decimal = strawberry.field(description="Public services / 公共服务")
    other: Decimal = strawberry.field(description="Other / 其他")

    @strawberry.field(description="The six sources added up, CNY / 收入合计(元)")
    def total(self) -> Decimal:
        return (
            self.technology_transfer
            + self.incubation
            + self.contract_rd
            + self.testing_inspection
            + self.public_services
            + self.other
        )


@strawberry.type(description="Standards drafted, by level (R-ASM-3) / 牵头或参与制定标准数")
class Standards:
    international: int = strawberry.field(description="International / 国际标准")
    national: int = strawberry.field(description="National / 国家标准")
    industry: int = strawberry.field(description="Industry / 行业标准")
    group: int = strawberry.field(description="Group / 团体标准")

    @strawberry.field(description="All levels added up / 合计")
    def total(self) -> int:
        return self.international + self.national + self.industry + self.group


@strawberry.type(description="What a centre reports on its year (R-ASM-3) / 年度报告内容")
class ReportContent:
    revenue: Revenue
    rd_spending: Decimal = strawberry.field(description="R&D spending, CNY / 研发投入(元)")
    ip_created: int = strawberry.field(description="IP created / 新增知识产权数")
    standards: Standards
    rd_staff: int = strawberry.field(description="R&D staff / 研发人员数")
    high_level_talent: int = strawberry.field(description="High-level talent / 高层次人才数")
    enterprises_incubated: int = strawberry.field(description="Enterprises incubated / 孵化企业数")
    seed_financing: Decimal = strawberry.field(
        description="Seed-project financing, CNY / 种子项目融资(元)"
    )
    narrative: str = strawberry.field(description="The year in words / 年度工作总结")

    @classmethod
    def of(cls, values: Mapping[str, object]) -> ReportContent:
        """The content from columns (a report row's ``content()`` or a version's JSON)."""
        return cls(
            revenue=Revenue(
                **{s.value: _amount(values[f"revenue_{s.value}"]) for s in m.RevenueSource}
            ),
            rd_spending=_amount(values["rd_spending"]),
            ip_created=int(str(values["ip_created"])),
            standards=Standards(
                **{
                    level.value: int(str(values[f"standards_{level.value}"]))
                    for level in m.StandardLevel
                }
            ),
            rd_staff=int(str(values["rd_staff"])),
            high_level_talent=int(str(values["high_level_talent"])),
            enterprises_incubated=int(str(values["enterprises_incubated"])),
            seed_financing=_amount(values["seed_financing"]),
            narrative=str(values["narrative"]),
        )


@strawberry.type(description="The content as submitted the n-th time / 报告历史版本")
class ReportVersion(FromRow[m.AnnualReportVersion]):
    number: int = strawberry.field(description="1 for the first submission / 第几次提交")
    content: ReportContent
    submitted_at: datetime
    late: bool = strawberry.field(
        description="This submission came after 31 May (UTC+8) / 本次提交晚于5月31日"
    )


@strawberry.type(description="The city bureau's verification of a version (R-ASM-2) / 市级审核")
class ReportVerification(FromRow[m.ReportVerification]):
    version: int = strawberry.field(description="The version verified / 审核的版本")
    truthful: bool = strawberry.field(description="Truthful / 真实性")
    accurate: bool = strawberry.field(description="Accurate / 准确性")
    conforming: bool = strawberry.field(description="Conforming / 规范性")
    outcome: VerificationOutcome
    comment: str = strawberry.field(description="The bureau's comments / 审核意见")
    created_at: datetime


@strawberry.type(description="A centre's annual report on one calendar year / 年度报告")
class AnnualReport(Node, FromRow[m.AnnualReport]):
    id: strawberry.ID
    year: int = strawberry.field(description="The calendar year reported on / 报告年度")
    status: ReportStatus
    version: int = strawberry.field(description="Submissions so far / 已提交次数")
    content: ReportContent
    late: bool = strawberry.field(
        description="First submitted after 31 May (UTC+8): marked, never refused / 逾期提交"
    )
    first_submitted_at: datetime | None = strawberry.field(
        description="First submission / 首次提交时间"
    )
    submitted_at: datetime | None = strawberry.field(description="Latest submission / 最近提交")
    forwarded_at: datetime | None = strawberry.field(description="Forwarded by the bureau / 报送")
    received_at: datetime | None = strawberry.field(description="Received by the province / 接收")
    created_at: datetime
    updated_at: datetime
    centre_id: strawberry.Private[UUID]

    @classmethod
    def of(cls, row: m.AnnualReport, /, **overrides: object) -> Self:
        """The report as GraphQL, its content read from its columns."""
        return convert(cls, row, content=ReportContent.of(row.content()), **overrides)

    @strawberry.field(description="Due on 31 May of the next year (UTC+8, R-ASM-2) / 截止日期")
    def due_on(self) -> date:
        return annual_report_due(self.year)

    @strawberry.field(description="The centre reporting / 创新中心")
    async def centre(self, info: Info) -> Centre:
        row = await (await info.context.loaders()).centre.load(self.centre_id)
        if row is None:  # a report is read with its centre's reach: never for a reader
            raise NotFound("centre")
        return Centre.of(row)

    @strawberry.field(description="Every submission, oldest first / 历次提交版本")
    async def versions(self, info: Info) -> list[ReportVersion]:
        rows = await (await info.context.loaders()).versions_by_report.load(self.pk())
        return [ReportVersion.of(r, content=ReportContent.of(r.content)) for r in rows]

    @strawberry.field(description="The bureau's verifications, oldest first / 审核记录")
    async def verifications(self, info: Info) -> list[ReportVerification]:
        rows = await (await info.context.loaders()).verifications_by_report.load(self.pk())
        return [ReportVerification.of(r) for r in rows]

    @strawberry.field(description="Attachments / 附件")
    async def documents(self, info: Info) -> list[Document]:
        rows = await (await info.context.loaders()).documents_by_owner.load(self.pk())
        return [Document.of(r) for r in rows]
