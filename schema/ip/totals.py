"""IP register totals as GraphQL (R-IP-1, R-IP-3, R-ACC-5): revenue per organisation, centre and
year, assets per centre by kind and legal status, transfers per year — each summed in the
database within the caller's scope (``services/ip_totals.py``). Amounts are CNY with exactly two
places (Decimal); a row's centre and organisation load through one DataLoader batch each."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from uuid import UUID

import strawberry

from models import ip_register as m
from schema.centres.types import Centre
from schema.context import Info
from schema.enums import value_of
from schema.ip.types import IpKind, IpLegalStatus
from schema.reference.types import Organisation, required_organisation
from services import ip_totals as totals
from services.errors import NotFound
from services.ids import parse_id


@strawberry.enum(description="What IP revenue is grouped by / 知识产权收益汇总维度")
class IpRevenueBy(Enum):
    ORGANISATION = strawberry.enum_value(
        "organisation", description="Per owner organisation / 按共有单位"
    )
    CENTRE = strawberry.enum_value("centre", description="Per centre / 按创新中心")
    YEAR = strawberry.enum_value(
        "year", description="Per year of the transfer's day (UTC+8) / 按年度"
    )


@strawberry.input(description="Narrows IP register totals; every part optional / 知识产权汇总筛选")
class IpTotalsFilter:
    centre_id: strawberry.ID | None = strawberry.field(
        default=None, description="One centre / 创新中心"
    )
    year: int | None = strawberry.field(
        default=None,
        description=(
            "One year (2000–2100): revenue and transfers by the transfer's day, assets by filing"
            " day (UTC+8; assets never filed are then left out) / 年度"
        ),
    )
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None,
        description=(
            "One organisation: revenue its own parts; assets those it holds or held a share of;"
            " transfers those it shared in / 共有单位"
        ),
    )
    kind: IpKind | None = strawberry.field(
        default=None, description="One kind of asset (transfers: of the asset) / 知识产权类型"
    )


async def _centre(info: Info, centre_id: UUID | None) -> Centre | None:
    if centre_id is None:
        return None
    row = await (await info.context.loaders()).centre.load(centre_id)
    if row is None:  # the totals' scope is the centre's: never for a reader
        raise NotFound("centre")
    return Centre.of(row)


@strawberry.type(
    description=(
        "Revenue from transfers shared among the owners, exact to the fen (R-IP-3): the keys"
        " grouped by are set, the others null / 知识产权收益汇总"
    )
)
class IpRevenueTotal:
    year: int | None = strawberry.field(
        description="The year of the transfers (per year only) / 年度"
    )
    amount: Decimal = strawberry.field(
        description="The owners' parts added up, CNY with two places / 收益金额(元)"
    )
    organisation_id: strawberry.Private[UUID | None]
    centre_id: strawberry.Private[UUID | None]

    @classmethod
    def of(cls, row: totals.RevenueTotal) -> IpRevenueTotal:
        return cls(
            year=row.year,
            amount=row.amount,
            organisation_id=row.organisation_id,
            centre_id=row.centre_id,
        )

    @strawberry.field(description="The owner organisation (per organisation only) / 共有单位")
    async def organisation(self, info: Info) -> Organisation | None:
        if self.organisation_id is None:
            return None
        return await required_organisation(info, self.organisation_id)

    @strawberry.field(description="The centre (per centre only) / 创新中心")
    async def centre(self, info: Info) -> Centre | None:
        return await _centre(info, self.centre_id)


@strawberry.type(
    description=(
        "How many assets of one kind and legal status a centre holds (R-IP-1) / 知识产权数量"
    )
)
class IpAssetCount:
    kind: IpKind = strawberry.field(description="Kind / 类型")
    legal_status: IpLegalStatus = strawberry.field(description="Legal status / 法律状态")
    count: int = strawberry.field(description="Number of assets / 数量")
    centre_id: strawberry.Private[UUID]

    @classmethod
    def of(cls, row: totals.AssetCount) -> IpAssetCount:
        return cls(
            kind=IpKind(row.kind.value),
            legal_status=IpLegalStatus(row.legal_status.value),
            count=row.count,
            centre_id=row.centre_id,
        )

    @strawberry.field(description="The centre / 创新中心")
    async def centre(self, info: Info) -> Centre:
        found = await _centre(info, self.centre_id)
        assert found is not None
        return found


@strawberry.type(description="The transfers of one year (R-IP-3) / 年度成果转化收入")
class IpTransferYear:
    year: int = strawberry.field(description="The year of the transfer's day (UTC+8) / 年度")
    amount: Decimal = strawberry.field(
        description="The transfers' amounts added up, CNY with two places / 转化金额(元)"
    )
    transfers: int = strawberry.field(description="Number of transfers / 转化次数")


def _filter(flt: IpTotalsFilter | None) -> totals.IpTotalsFilter:
    if flt is None:
        return totals.IpTotalsFilter()
    return totals.IpTotalsFilter(
        centre_id=None if flt.centre_id is None else parse_id(flt.centre_id, "centre"),
        year=flt.year,
        organisation_id=(
            None if flt.organisation_id is None else parse_id(flt.organisation_id, "organisation")
        ),
        kind=None if flt.kind is None else m.IpKind(value_of(flt.kind)),
    )


_SCOPE = (
    " within the caller's scope (R-ACC-5): staff the province, a bureau its city, an enterprise"
    " its alliances' centres, an expert the register of an assigned centre only. A role without"
    " an IP read line: FORBIDDEN; a year outside 2000–2100: BAD_USER_INPUT"
)


@strawberry.type
class IpTotalsQueries:
    @strawberry.field(
        description=(
            "Revenue from IP transfers shared among the owners (R-IP-3), summed in the database,"
            " CNY with two places, grouped by any of organisation, centre and year (default all"
            " three; an empty list: one grand total), ordered by year, centre name, organisation"
            " name" + _SCOPE + " / 知识产权收益分配汇总"
        )
    )
    async def ip_revenue(
        self,
        info: Info,
        group_by: list[IpRevenueBy] | None = None,
        filter: IpTotalsFilter | None = None,
    ) -> list[IpRevenueTotal]:
        by = (
            tuple(totals.RevenueBy)
            if group_by is None
            else tuple(totals.RevenueBy(value_of(b)) for b in group_by)
        )
        rows = await totals.ip_revenue(info.context, by, _filter(filter))
        return [IpRevenueTotal.of(row) for row in rows]

    @strawberry.field(
        description=(
            "The number of IP assets per centre, kind and legal status (R-IP-1), counted in the"
            " database, ordered by centre name, kind, legal status" + _SCOPE + " / 知识产权数量统计"
        )
    )
    async def ip_asset_counts(
        self, info: Info, filter: IpTotalsFilter | None = None
    ) -> list[IpAssetCount]:
        rows = await totals.ip_asset_counts(info.context, _filter(filter))
        return [IpAssetCount.of(row) for row in rows]

    @strawberry.field(
        description=(
            "IP transfers per year (R-IP-3): their number and total amount in CNY with two"
            " places, summed in the database, ordered by year" + _SCOPE + " / 年度成果转化收入"
        )
    )
    async def ip_transfer_revenue(
        self, info: Info, filter: IpTotalsFilter | None = None
    ) -> list[IpTransferYear]:
        rows = await totals.ip_transfer_revenue(info.context, _filter(filter))
        return [IpTransferYear(year=r.year, amount=r.amount, transfers=r.transfers) for r in rows]
