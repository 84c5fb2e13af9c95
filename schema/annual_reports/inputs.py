"""What the lead enterprise types into an annual report (R-ASM-3), and the list's filter.

Every figure is optional: left out (or null), it is 0 in a new draft and unchanged in an edit.
Amounts are CNY with at most two places, from 0 below 10^12; counts from 0 to 1,000,000 — each
refusal is BAD_USER_INPUT naming the field (``revenue.technologyTransfer``, ``rdSpending``,
``standards.national``)."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from models.annual_reports import RevenueSource, StandardLevel
from schema.annual_reports.types import ReportStatus


@strawberry.input(description="Revenue by source, CNY (R-ASM-3) / 收入构成(元)")
class RevenueInput:
    technology_transfer: Decimal | None = strawberry.field(
        default=None, description="Technology transfer / 技术成果转化"
    )
    incubation: Decimal | None = strawberry.field(
        default=None, description="Enterprise incubation / 企业孵化"
    )
    contract_rd: Decimal | None = strawberry.field(
        default=None, description="Contract R&D / 企业委托研发"
    )
    testing_inspection: Decimal | None = strawberry.field(
        default=None, description="Testing and inspection / 检验检测"
    )
    public_services: Decimal | None = strawberry.field(
        default=None, description="Public services / 公共服务"
    )
    other: Decimal | None = strawberry.field(default=None, description="Other / 其他")


@strawberry.input(description="Standards drafted, by level / 制定标准数")
class StandardsInput:
    international: int | None = strawberry.field(
        default=None, description="International / 国际标准"
    )
    national: int | None = strawberry.field(default=None, description="National / 国家标准")
    industry: int | None = strawberry.field(default=None, description="Industry / 行业标准")
    group: int | None = strawberry.field(default=None, description="Group / 团体标准")


@strawberry.input(description="An annual report's content; what is left out stays / 报告内容")
class ReportContentInput:
    revenue: RevenueInput | None = None
    rd_spending: Decimal | None = strawberry.field(default=None, description="CNY / 研发投入(元)")
    ip_created: int | None = strawberry.field(
        default=None, description="IP created / 新增知识产权数"
    )
    standards: StandardsInput | None = None
    rd_staff: int | None = strawberry.field(default=None, description="R&D staff / 研发人员数")
    high_level_talent: int | None = strawberry.field(
        default=None, description="High-level talent / 高层次人才数"
    )
    enterprises_incubated: int | None = strawberry.field(
        default=None, description="Enterprises incubated / 孵化企业数"
    )
    seed_financing: Decimal | None = strawberry.field(
        default=None, description="CNY / 种子项目融资(元)"
    )
    narrative: str | None = strawberry.field(
        default=None, description="The year in words / 年度工作总结"
    )

    def columns(self) -> dict[str, object]:
        """The figures given, keyed by the report's columns (services/report_content.py)."""
        given: dict[str, object] = {}
        if self.revenue is not None:
            for source in RevenueSource:
                given[f"revenue_{source.value}"] = getattr(self.revenue, source.value)
        if self.standards is not None:
            for level in StandardLevel:
                given[f"standards_{level.value}"] = getattr(self.standards, level.value)
        for column in (
            "rd_spending",
            "ip_created",
            "rd_staff",
            "high_level_talent",
            "enterprises_incubated",
            "seed_financing",
            "narrative",
        ):
            given[column] = getattr(self, column)
        return {column: value for column, value in given.items() if value is not None}


@strawberry.input(description="Narrow the list of annual reports / 筛选条件")
class AnnualReportFilter:
    year: int | None = strawberry.field(default=None, description="Year reported on / 报告年度")
    status: ReportStatus | None = None
    centre_id: strawberry.ID | None = strawberry.field(
        default=None, description="Centre / 创新中心"
    )
    late: bool | None = strawberry.field(default=None, description="Late or on time / 是否逾期")
