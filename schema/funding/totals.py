"""Funding totals as GraphQL (R-FUND-2/3/4, R-ACC-5): per centre, city or year, summed in the
database within the caller's scope (``services/funding_totals.py``). Amounts are CNY with exactly
two places (Decimal)."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from uuid import UUID

import strawberry

from models.funding import FundingProgramme
from schema.centres.types import Centre
from schema.context import Info
from schema.enums import value_of
from schema.funding.types import FundingProgramme as FundingProgrammeChoice
from schema.reference.types import City, load_city
from services import funding_totals as totals
from services.errors import NotFound
from services.ids import parse_id


@strawberry.enum(description="What funding totals are grouped by / 资金汇总维度")
class FundingTotalsBy(Enum):
    CENTRE = strawberry.enum_value("centre", description="Per centre / 按创新中心")
    CITY = strawberry.enum_value("city", description="Per city of the centres / 按地市")
    YEAR = strawberry.enum_value(
        "year",
        description=(
            "Per year: ledger entries by their value date's year, decisions and plans by the year"
            " they were decided (UTC+8) / 按年度"
        ),
    )


@strawberry.input(description="Narrows funding totals; every part optional / 资金汇总筛选")
class FundingTotalsFilter:
    programme: FundingProgrammeChoice | None = strawberry.field(
        default=None, description="One programme; null = both / 资金类别（空为全部）"
    )
    year: int | None = strawberry.field(
        default=None,
        description=(
            "One year (1990–2999): entries by value date, decisions and plans by decision day"
            " (UTC+8) / 年度"
        ),
    )
    city_id: strawberry.ID | None = strawberry.field(
        default=None, description="The centres of one city / 地市"
    )


@strawberry.type(
    description=(
        "Funding totals of one centre, city or year (or of everything), in CNY with two places:"
        " committed = approved subsidies + national support plans − cancellations; paid ="
        " disbursements − reversals; cancelled = unpaid instalments cancelled (R-FUND-2);"
        " outstanding = committed − paid / 资金汇总"
    )
)
class FundingTotal:
    committed: Decimal = strawberry.field(
        description="Approved + planned − cancelled, CNY / 已承诺金额(元)"
    )
    paid: Decimal = strawberry.field(description="Disbursed − reversed, CNY / 已拨付金额(元)")
    cancelled: Decimal = strawberry.field(description="Cancelled, CNY / 已取消金额(元)")
    outstanding: Decimal = strawberry.field(description="Committed − paid, CNY / 待拨付金额(元)")
    year: int | None = strawberry.field(description="The year (per year only) / 年度")
    centre_id: strawberry.Private[UUID | None]
    city_id: strawberry.Private[UUID | None]

    @classmethod
    def of(cls, row: totals.Totals, by: totals.TotalsBy | None) -> FundingTotal:
        key = row.key
        return cls(
            committed=row.committed,
            paid=row.paid,
            cancelled=row.cancelled,
            outstanding=row.outstanding,
            year=key if by is totals.TotalsBy.YEAR and isinstance(key, int) else None,
            centre_id=key if by is totals.TotalsBy.CENTRE and isinstance(key, UUID) else None,
            city_id=key if by is totals.TotalsBy.CITY and isinstance(key, UUID) else None,
        )

    @strawberry.field(description="The centre (per centre only) / 创新中心")
    async def centre(self, info: Info) -> Centre | None:
        if self.centre_id is None:
            return None
        row = await (await info.context.loaders()).centre.load(self.centre_id)
        if row is None:  # the funding scope lies within the centre's: never for a reader
            raise NotFound("centre")
        return Centre.of(row)

    @strawberry.field(description="The city (per city only) / 地市")
    async def city(self, info: Info) -> City | None:
        return None if self.city_id is None else await load_city(info, self.city_id)


def _filter(flt: FundingTotalsFilter | None) -> totals.TotalsFilter:
    if flt is None:
        return totals.TotalsFilter()
    return totals.TotalsFilter(
        programme=None if flt.programme is None else FundingProgramme(value_of(flt.programme)),
        year=flt.year,
        city_id=None if flt.city_id is None else parse_id(flt.city_id, "city"),
    )


@strawberry.type
class FundingTotalsQueries:
    @strawberry.field(
        description=(
            "Funding totals per centre, city or year, summed in the database within the caller's"
            " scope (R-FUND-2/3/4, R-ACC-5): staff the province, a bureau its city, the lead"
            " enterprise its centres; only centres, cities or years with a decision, a plan or a"
            " ledger entry appear, ordered by centre name, city code or year. Experts: FORBIDDEN;"
            " a year outside 1990–2999: BAD_USER_INPUT / 资金汇总"
        )
    )
    async def funding_totals(
        self,
        info: Info,
        group_by: FundingTotalsBy,
        filter: FundingTotalsFilter | None = None,
    ) -> list[FundingTotal]:
        by = totals.TotalsBy(value_of(group_by))
        rows = await totals.funding_totals(info.context, by, _filter(filter))
        return [FundingTotal.of(row, by) for row in rows]

    @strawberry.field(
        description=(
            "The grand total of `fundingTotals` over the caller's scope and the filter: zero"
            " amounts when there is nothing. Experts: FORBIDDEN / 资金总计"
        )
    )
    async def funding_grand_total(
        self, info: Info, filter: FundingTotalsFilter | None = None
    ) -> FundingTotal:
        row = await totals.funding_grand_total(info.context, _filter(filter))
        return FundingTotal.of(row, None)
