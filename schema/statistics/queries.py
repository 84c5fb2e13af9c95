"""The ``statistics`` query (R-CTR-6, R-ACC-5): the programme at a glance, within the caller's
scope. The top field decides once whether the caller may read statistics (staff and
administrators: the province; a bureau: its city; an enterprise: its alliances' centres; an
expert: FORBIDDEN); every sub-field is then counted in SQL from the scope of what it counts, so it
equals what the caller can list (``centres``, ``annualReports``, ``assessments``, ``ledger``,
``ipAssets``)."""

from __future__ import annotations

from collections import Counter

import strawberry

from models.ip_register import IpKind as IpKindValue
from schema.context import Info
from schema.enums import value_of
from schema.funding.totals import FundingTotal
from schema.ip.totals import IpTransferYear
from schema.ip.types import IpKind
from schema.statistics.types import (
    AnnualReportFigures,
    AssessmentGradeCount,
    CentreCount,
    CentreStatisticsGroup,
    IndustryCoverage,
    IpKindCount,
    ReportTimelinessYear,
    RevenueYear,
    TargetProgress,
    YearCount,
)
from services import funding_totals, ip_totals
from services import statistics as stats
from services import statistics_reports as reports

_SCOPE = " Within the caller's scope (R-ACC-5): one aggregate statement"


@strawberry.type(
    description=(
        "The programme's figures within the caller's scope (R-CTR-6, R-ACC-5): staff the"
        " province, a bureau its city, an enterprise the centres of its alliances. Amounts in"
        " CNY with two places; years are calendar years in UTC+8 / 统计数据"
    )
)
class Statistics:
    @strawberry.field(
        description=(
            "Centres counted per group of `groupBy` (any of status, industry, city, year listed,"
            " year established; empty = one total row)." + _SCOPE + " / 创新中心数量"
        )
    )
    async def centres(
        self, info: Info, group_by: list[CentreStatisticsGroup] | None = None
    ) -> list[CentreCount]:
        by = [stats.CentreGroup(value_of(g)) for g in group_by or []]
        return [CentreCount.of(row) for row in await stats.centre_counts(info.context, by)]

    @strawberry.field(description="Progress to the 2030 target (R-CTR-6) / 建设目标进度")
    async def target(self, info: Info) -> TargetProgress:
        return TargetProgress.of(await stats.target_progress(info.context))

    @strawberry.field(
        description="The ten industries and how the caller's centres cover them (R-CTR-6, 二(一))"
        " / 十大产业覆盖情况"
    )
    async def industry_coverage(self, info: Info) -> list[IndustryCoverage]:
        return [IndustryCoverage.of(row) for row in await stats.industry_coverage(info.context)]

    @strawberry.field(
        description=(
            "Funding committed (approved + planned − cancelled), paid and outstanding, CNY, as"
            " `fundingGrandTotal` (R-FUND-2/3/4); one year (1990–2999) if given. An enterprise:"
            " the centres it leads / 资金总计"
        )
    )
    async def funding(self, info: Info, year: int | None = None) -> FundingTotal:
        await stats.reader(info.context)
        row = await funding_totals.funding_grand_total(
            info.context, funding_totals.TotalsFilter(year=year)
        )
        return FundingTotal.of(row, None)

    @strawberry.field(description="Funding per year, a chart's series (R-FUND-2/3/4) / 年度资金")
    async def funding_per_year(self, info: Info) -> list[FundingTotal]:
        await stats.reader(info.context)
        by = funding_totals.TotalsBy.YEAR
        rows = await funding_totals.funding_totals(info.context, by, funding_totals.TotalsFilter())
        return [FundingTotal.of(row, by) for row in rows]

    @strawberry.field(
        description="The annual reports on one year (2000–2100), R-ASM-2. Two statements /"
        " 年度报告统计"
    )
    async def annual_reports(self, info: Info, year: int) -> AnnualReportFigures:
        return AnnualReportFigures.of(await reports.report_figures(info.context, year))

    @strawberry.field(
        description="Assessments per cycle, kind and grade (R-ASM-4); one cycle if given."
        + _SCOPE
        + " / 考核等次"
    )
    async def assessment_grades(
        self, info: Info, cycle: int | None = None
    ) -> list[AssessmentGradeCount]:
        rows = await reports.grade_counts(info.context, cycle)
        return [AssessmentGradeCount.of(row) for row in rows]

    @strawberry.field(
        description="IP assets per kind (R-IP-1), in the IpKind order." + _SCOPE + " / 知识产权"
    )
    async def ip_assets_by_kind(self, info: Info) -> list[IpKindCount]:
        await stats.reader(info.context)
        counts: Counter[str] = Counter()
        for row in await ip_totals.ip_asset_counts(info.context, ip_totals.IpTotalsFilter()):
            counts[row.kind.value] += row.count
        order = [k.value for k in IpKindValue]
        return [IpKindCount(kind=IpKind(k), count=counts[k]) for k in order if counts[k]]

    @strawberry.field(
        description="Transfers per year: number and amount, CNY (R-IP-3)." + _SCOPE + " / 转化收入"
    )
    async def ip_transfers_per_year(self, info: Info) -> list[IpTransferYear]:
        await stats.reader(info.context)
        rows = await ip_totals.ip_transfer_revenue(info.context, ip_totals.IpTotalsFilter())
        return [IpTransferYear(year=r.year, amount=r.amount, transfers=r.transfers) for r in rows]

    @strawberry.field(
        description="Revenue by source per report year of the verified reports, summed exactly"
        " (R-ASM-3); one year if given." + _SCOPE + " / 年度收入构成"
    )
    async def revenue_per_year(self, info: Info, year: int | None = None) -> list[RevenueYear]:
        return [RevenueYear.of(row) for row in await reports.revenue_by_year(info.context, year)]

    @strawberry.field(
        description="Centres per year of establishment, a chart's series (R-CTR-6)."
        + _SCOPE
        + " / 年度认定数量"
    )
    async def centres_established_per_year(self, info: Info) -> list[YearCount]:
        rows = await stats.centres_established_per_year(info.context)
        return [YearCount(year=r.year, count=r.count) for r in rows]

    @strawberry.field(
        description="Submitted reports per report year, on time and late (R-ASM-2)."
        + _SCOPE
        + " / 年度报告按时与逾期"
    )
    async def reports_timeliness_per_year(self, info: Info) -> list[ReportTimelinessYear]:
        rows = await reports.reports_timeliness(info.context)
        return [ReportTimelinessYear(year=r.year, on_time=r.on_time, late=r.late) for r in rows]


@strawberry.type
class StatisticsQueries:
    @strawberry.field(
        description=(
            "The programme at a glance (R-CTR-6, R-ACC-5), within the caller's scope. Experts:"
            " FORBIDDEN / 统计概览"
        )
    )
    async def statistics(self, info: Info) -> Statistics:
        await stats.reader(info.context)
        return Statistics()
