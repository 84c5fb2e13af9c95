"""Annual reports: the scoped list and look-up, and the lead's, the bureau's and the province's
steps (R-ASM-1, R-ASM-2, R-ASM-3). Outside the caller's scope a report is NOT_FOUND."""

from __future__ import annotations

from enum import Enum

import strawberry
from tortoise.queryset import QuerySet

from models import annual_reports as m
from policies import scopes
from schema.annual_reports.inputs import AnnualReportFilter, ReportContentInput
from schema.annual_reports.types import AnnualReport
from schema.context import Info
from schema.enums import value_of
from schema.ids import find, parse_id
from schema.pagination import Connection
from schema.reads import read_connection
from services import annual_reports


@strawberry.enum(description="The bureau's decision on a submitted report / 审核决定")
class VerificationDecision(Enum):
    FORWARD = strawberry.enum_value(
        "forward", description="All three checks hold: forward to the province / 审核通过并报送"
    )
    RETURN = strawberry.enum_value(
        "return", description="Return to the lead with comments (required) / 退回修改"
    )


@strawberry.input(description="The three checks of a verification (R-ASM-2) / 审核要点")
class VerificationChecks:
    truthful: bool = strawberry.field(description="Truthful / 真实性")
    accurate: bool = strawberry.field(description="Accurate / 准确性")
    conforming: bool = strawberry.field(description="Conforming / 规范性")


def _narrow(
    queryset: QuerySet[m.AnnualReport], flt: AnnualReportFilter | None
) -> QuerySet[m.AnnualReport]:
    if flt is None:
        return queryset
    if flt.year is not None:
        queryset = queryset.filter(year=flt.year)
    if flt.status is not None:
        queryset = queryset.filter(status=m.ReportStatus(value_of(flt.status)))
    if flt.centre_id is not None:
        queryset = queryset.filter(centre_id=parse_id(flt.centre_id, "centre"))
    if flt.late is not None:
        queryset = queryset.filter(late=flt.late)
    return queryset


@strawberry.type
class AnnualReportQueries:
    @strawberry.field(
        description=(
            "Annual reports the caller may read, latest year first: the lead's and members' own"
            " centres, a bureau its city's, provincial staff all (R-ASM-2) / 年度报告列表"
        )
    )
    async def annual_reports(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: AnnualReportFilter | None = None,
    ) -> Connection[AnnualReport]:
        authz = await info.context.authz()
        return await read_connection(
            info,
            "AnnualReport",
            _narrow(scopes.visible_annual_reports(authz), filter),
            first=first,
            after=after,
            order_by=("-year", "id"),
            to_node=AnnualReport.of,
        )

    @strawberry.field(description="One annual report, if the caller may read it / 单份年度报告")
    async def annual_report(self, info: Info, id: strawberry.ID) -> AnnualReport:
        authz = await info.context.authz()
        return AnnualReport.of(
            await find(scopes.visible_annual_reports(authz), id, "annual report")
        )


@strawberry.type
class AnnualReportMutations:
    @strawberry.mutation(
        description=(
            "The lead enterprise starts its centre's report on a year that has ended; the centre"
            " must be established or rectifying and have run a full year by 31 May of the next"
            " year (R-ASM-1). One per centre and year (CONFLICT) / 起草年度报告"
        )
    )
    async def draft_annual_report(
        self,
        info: Info,
        centre_id: strawberry.ID,
        year: int,
        content: ReportContentInput | None = None,
    ) -> AnnualReport:
        values = content.columns() if content is not None else {}
        row = await annual_reports.draft_report(info.context, centre_id, year, values)
        return AnnualReport.of(row)

    @strawberry.mutation(
        description="The lead edits a draft or returned report; what is left out stays / 修改报告"
    )
    async def update_annual_report(
        self, info: Info, id: strawberry.ID, content: ReportContentInput
    ) -> AnnualReport:
        row = await annual_reports.update_report(info.context, id, content.columns())
        return AnnualReport.of(row)

    @strawberry.mutation(
        description=(
            "The lead submits a draft or returned report to the city's bureau; each submission is"
            " kept as a version. After 31 May (UTC+8) it is marked late, never refused / 提交报告"
        )
    )
    async def submit_annual_report(self, info: Info, id: strawberry.ID) -> AnnualReport:
        return AnnualReport.of(await annual_reports.submit_report(info.context, id))

    @strawberry.mutation(
        description=(
            "The bureau of the centre's city records the three checks and forwards the report (all"
            " three must hold) or returns it with comments (required) (R-ASM-2) / 市级审核"
        )
    )
    async def verify_annual_report(
        self,
        info: Info,
        id: strawberry.ID,
        checks: VerificationChecks,
        decision: VerificationDecision,
        comment: str = "",
    ) -> AnnualReport:
        row = await annual_reports.verify_report(
            info.context,
            id,
            truthful=checks.truthful,
            accurate=checks.accurate,
            conforming=checks.conforming,
            remarks=comment,
            forward=decision is VerificationDecision.FORWARD,
        )
        return AnnualReport.of(row)

    @strawberry.mutation(description="Provincial staff receive a forwarded report / 省级接收")
    async def receive_annual_report(self, info: Info, id: strawberry.ID) -> AnnualReport:
        return AnnualReport.of(await annual_reports.receive_report(info.context, id))
