"""The rows the statistics answer with (R-CTR-6, R-ASM-2/3/4, R-ACC-5): plain figures, ready for a
table or a chart without client-side joins. Amounts CNY with two places; years calendar years in
the province (UTC+8)."""

from __future__ import annotations

from enum import Enum

import strawberry

from models import programme_target as goal
from models.annual_reports import RevenueSource as S
from schema.annual_reports.types import ReportStatus, Revenue
from schema.assessments.types import AssessmentGrade, AssessmentKind
from schema.centres.status import CentreStatus
from schema.ip.types import IpKind
from services import statistics as stats
from services import statistics_reports as report_stats


@strawberry.enum(description="What centre counts are grouped by / 创新中心统计维度")
class CentreStatisticsGroup(Enum):
    STATUS = strawberry.enum_value("status", description="Lifecycle state / 状态")
    INDUSTRY = strawberry.enum_value("industry", description="Industry / 产业")
    CITY = strawberry.enum_value("city", description="City / 地市")
    LISTED_YEAR = strawberry.enum_value(
        "listed_year", description="Year listed for cultivation (UTC+8) / 纳入培育年度"
    )
    ESTABLISHED_YEAR = strawberry.enum_value(
        "established_year", description="Year established (UTC+8) / 认定年度"
    )


@strawberry.enum(description="How far an industry is covered (R-CTR-6) / 产业覆盖情况")
class IndustryCoverageLevel(Enum):
    ESTABLISHED = strawberry.enum_value(
        "established", description="Has an established (or rectifying) centre / 已有认定中心"
    )
    CULTIVATING = strawberry.enum_value(
        "cultivating", description="Only centres in cultivation / 仅有培育中心"
    )
    NONE = strawberry.enum_value("none", description="No centre / 尚无中心")


@strawberry.type(description="A city or industry as a group names it / 地市或产业")
class NamedGroup:
    code: str = strawberry.field(description="GB/T 2260 city code or industry code / 代码")
    name_zh: str = strawberry.field(description="Chinese name / 中文名称")
    name_en: str = strawberry.field(description="English name / 英文名称")

    @classmethod
    def of(cls, named: stats.Named | None) -> NamedGroup | None:
        return (
            None
            if named is None
            else cls(code=named.code, name_zh=named.name_zh, name_en=named.name_en)
        )


@strawberry.type(
    description="Centres in one group; the parts not grouped by are null / 创新中心数量"
)
class CentreCount:
    status: CentreStatus | None = strawberry.field(description="State / 状态")
    industry: NamedGroup | None = strawberry.field(description="Industry / 产业")
    city: NamedGroup | None = strawberry.field(description="City / 地市")
    listed_year: int | None = strawberry.field(
        description="Year listed (UTC+8); null also when not listed / 纳入培育年度"
    )
    established_year: int | None = strawberry.field(
        description="Year established (UTC+8); null also when not established / 认定年度"
    )
    count: int = strawberry.field(description="Number of centres / 数量")

    @classmethod
    def of(cls, row: stats.CentreCount) -> CentreCount:
        return cls(
            status=None if row.status is None else CentreStatus(row.status.value),
            industry=NamedGroup.of(row.industry),
            city=NamedGroup.of(row.city),
            listed_year=row.listed_year,
            established_year=row.established_year,
            count=row.count,
        )


@strawberry.type(
    description=(
        "Progress to 20 centres established and running by 2030 (R-CTR-6, plan 一). Running ="
        " status established; rectifying centres are shown beside, not counted. A bureau's or"
        " an enterprise's running count is its own part of the provincial target / 建设目标进度"
    )
)
class TargetProgress:
    target: int = strawberry.field(description="Centres to reach: 20 / 目标数量")
    target_year: int = strawberry.field(description="By the end of this year: 2030 / 目标年度")
    running: int = strawberry.field(
        description="Established and running centres in scope / 建成并稳定运行"
    )
    rectifying: int = strawberry.field(description="Centres rectifying in scope / 整改中")
    shortfall: int = strawberry.field(description="Centres still missing / 尚差数量")
    current_year: int = strawberry.field(description="This year (UTC+8) / 当前年度")
    years_left: int = strawberry.field(
        description="Years from this one to 2030, both included / 剩余年数"
    )
    pace_needed: int = strawberry.field(
        description="Centres to establish per year to reach the target, rounded up / 每年需新增"
    )
    met: bool = strawberry.field(description="The target is reached / 是否达成")

    @classmethod
    def of(cls, row: goal.TargetProgress) -> TargetProgress:
        return cls(
            target=row.target,
            target_year=row.target_year,
            running=row.running,
            rectifying=row.rectifying,
            shortfall=row.shortfall,
            current_year=row.year,
            years_left=row.years_left,
            pace_needed=row.pace_needed,
            met=row.met,
        )


@strawberry.type(description="One of the ten industries and its coverage (R-CTR-6) / 产业覆盖")
class IndustryCoverage:
    industry: NamedGroup = strawberry.field(description="Industry / 产业")
    coverage: IndustryCoverageLevel = strawberry.field(description="Coverage / 覆盖情况")
    designated: int = strawberry.field(
        description="Established or rectifying centres in scope / 已认定中心数"
    )
    cultivating: int = strawberry.field(description="Centres in cultivation in scope / 培育中")

    @classmethod
    def of(cls, row: stats.IndustryCoverage) -> IndustryCoverage:
        named = NamedGroup.of(row.industry)
        assert named is not None
        return cls(
            industry=named,
            coverage=IndustryCoverageLevel(row.coverage.value),
            designated=row.designated,
            cultivating=row.cultivating,
        )


@strawberry.type(description="Reports of one status on a year (R-ASM-2) / 按状态的报告数")
class ReportStatusCount:
    status: ReportStatus = strawberry.field(description="Status / 状态")
    count: int = strawberry.field(description="Reports / 报告数")
    on_time: int = strawberry.field(description="First submitted by 31 May (UTC+8) / 按时")
    late: int = strawberry.field(description="First submitted after 31 May / 逾期")


@strawberry.type(
    description=(
        "The annual reports on one year (R-ASM-2): required = established or rectifying centres"
        " in scope established by 31 May of that year; submitted = past the draft; late by the"
        " first submission / 年度报告统计"
    )
)
class AnnualReportFigures:
    year: int = strawberry.field(description="The year reported on / 报告年度")
    required: int = strawberry.field(description="Centres required to report / 应报中心数")
    drafted: int = strawberry.field(description="Reports started (any status) / 已创建")
    submitted: int = strawberry.field(description="Reports past the draft / 已提交")
    late: int = strawberry.field(description="Submitted late / 逾期提交")
    returned: int = strawberry.field(description="Returned by the bureau / 退回修改")
    forwarded: int = strawberry.field(description="Forwarded to the province / 已审核报送")
    received: int = strawberry.field(description="Received by the province / 省级已接收")
    by_status: list[ReportStatusCount] = strawberry.field(description="Per status / 按状态")

    @classmethod
    def of(cls, row: report_stats.ReportFigures) -> AnnualReportFigures:
        return cls(
            year=row.year,
            required=row.required,
            drafted=row.drafted,
            submitted=row.submitted,
            late=row.late,
            returned=row.returned,
            forwarded=row.forwarded,
            received=row.received,
            by_status=[
                ReportStatusCount(
                    status=ReportStatus(s.status.value),
                    count=s.count,
                    on_time=s.on_time,
                    late=s.late,
                )
                for s in row.by_status
            ],
        )


@strawberry.type(description="Assessments of one cycle, kind and grade (R-ASM-4) / 考核等次统计")
class AssessmentGradeCount:
    cycle: int = strawberry.field(description="Periodic cycle (1, 2, …) / 考核周期")
    kind: AssessmentKind = strawberry.field(description="Kind / 类型")
    grade: AssessmentGrade | None = strawberry.field(description="Grade; null = open / 等次")
    count: int = strawberry.field(description="Assessments / 数量")

    @classmethod
    def of(cls, row: report_stats.GradeCount) -> AssessmentGradeCount:
        return cls(
            cycle=row.cycle,
            kind=AssessmentKind(row.kind.value),
            grade=None if row.grade is None else AssessmentGrade(row.grade.value),
            count=row.count,
        )


@strawberry.type(description="IP assets of one kind (R-IP-1) / 按类型的知识产权数量")
class IpKindCount:
    kind: IpKind = strawberry.field(description="Kind / 类型")
    count: int = strawberry.field(description="Assets / 数量")


@strawberry.type(
    description=(
        "Revenue by source of one year's verified reports (forwarded or received), summed"
        " exactly, CNY (R-ASM-3) / 年度收入构成"
    )
)
class RevenueYear:
    year: int = strawberry.field(description="The year reported on / 报告年度")
    reports: int = strawberry.field(description="Verified reports counted / 计入报告数")
    revenue: Revenue = strawberry.field(description="By source, CNY / 按来源(元)")

    @classmethod
    def of(cls, row: report_stats.RevenueYear) -> RevenueYear:
        return cls(
            year=row.year,
            reports=row.reports,
            revenue=Revenue(
                technology_transfer=row.amount(S.TECHNOLOGY_TRANSFER),
                incubation=row.amount(S.INCUBATION),
                contract_rd=row.amount(S.CONTRACT_RD),
                testing_inspection=row.amount(S.TESTING_INSPECTION),
                public_services=row.amount(S.PUBLIC_SERVICES),
                other=row.amount(S.OTHER),
            ),
        )


@strawberry.type(description="A number for one year (UTC+8), a chart's point / 年度数量")
class YearCount:
    year: int = strawberry.field(description="Year / 年度")
    count: int = strawberry.field(description="Number / 数量")


@strawberry.type(
    description="Submitted reports on one year: on time and late (R-ASM-2) / 按时与逾期"
)
class ReportTimelinessYear:
    year: int = strawberry.field(description="The year reported on / 报告年度")
    on_time: int = strawberry.field(description="First submitted by 31 May (UTC+8) / 按时")
    late: int = strawberry.field(description="First submitted after 31 May / 逾期")
