"""The IP register as GraphQL (R-IP-1…4): assets, their share history, transfers and revenue.

Amounts are CNY as Decimals with exactly two places (``to_cny`` of the stored fen); shares are
percentages with exactly four places (``33.3300``); dates are UTC+8 calendar days. Nested lists
load through one DataLoader batch per level (schema/loaders.py), whatever the number of assets.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Self
from uuid import UUID

import strawberry

from models import ip_register as m
from models.money import to_cny
from schema.centres.types import Centre
from schema.context import Info
from schema.convert import FromRow, convert
from schema.documents.types import Document
from schema.loaders import Loaders
from schema.node import Node
from schema.reference.types import Organisation, required_organisation
from services.errors import NotFound


@strawberry.enum(description="Kind of IP asset (R-IP-1) / 知识产权类型")
class IpKind(Enum):
    INVENTION_PATENT = strawberry.enum_value(
        "invention_patent", description="Invention patent / 发明专利"
    )
    UTILITY_MODEL = strawberry.enum_value(
        "utility_model", description="Utility model patent / 实用新型专利"
    )
    DESIGN_PATENT = strawberry.enum_value(
        "design_patent", description="Design patent / 外观设计专利"
    )
    SOFTWARE_COPYRIGHT = strawberry.enum_value(
        "software_copyright", description="Software copyright / 软件著作权"
    )
    STANDARD = strawberry.enum_value("standard", description="Standard / 标准")
    TECHNICAL_SECRET = strawberry.enum_value(
        "technical_secret", description="Technical secret, no number / 技术秘密"
    )
    OTHER = strawberry.enum_value("other", description="Other, number optional / 其他")


@strawberry.enum(description="Legal status of an IP asset (R-IP-1) / 法律状态")
class IpLegalStatus(Enum):
    PENDING = strawberry.enum_value("pending", description="Filed, not granted / 申请中")
    GRANTED = strawberry.enum_value("granted", description="Granted / 已授权")
    LAPSED = strawberry.enum_value("lapsed", description="Lapsed / 已失效")
    TRANSFERRED = strawberry.enum_value(
        "transferred", description="Assigned to another party / 已转让"
    )


@strawberry.enum(description="How an asset is put to use (R-IP-3) / 转化方式")
class IpTransferKind(Enum):
    EXCLUSIVE_LICENCE = strawberry.enum_value(
        "exclusive_licence", description="Exclusive licence / 独占许可"
    )
    NON_EXCLUSIVE_LICENCE = strawberry.enum_value(
        "non_exclusive_licence", description="Non-exclusive licence / 普通许可"
    )
    ASSIGNMENT = strawberry.enum_value(
        "assignment", description="Assignment; the asset becomes transferred / 转让"
    )
    EQUITY_INVESTMENT = strawberry.enum_value(
        "equity_investment", description="Equity investment / 作价入股"
    )


async def _loaders(info: Info) -> Loaders:
    return await info.context.loaders()


@strawberry.type(description="One owner's share (R-IP-2) / 共有人份额")
class IpOwnerShare:
    share: Decimal = strawberry.field(description="Percent, four places / 份额(%)")
    organisation_id: strawberry.Private[UUID]

    @strawberry.field(description="The co-owner / 共有单位")
    async def organisation(self, info: Info) -> Organisation:
        return await required_organisation(info, self.organisation_id)


async def _owners(info: Info, share_set_id: UUID) -> list[IpOwnerShare]:
    rows = await (await _loaders(info)).ip_shares_by_set.load(share_set_id)
    return [
        IpOwnerShare(share=r.share.quantize(m.SHARE_PLACES), organisation_id=r.organisation_id)
        for r in rows
    ]


@strawberry.type(
    description="Who held the asset from a day: a numbered share set (R-IP-2) / 份额登记"
)
class IpShareSet:
    number: int = strawberry.field(description="1, 2, … in the order recorded / 登记序号")
    effective_on: date = strawberry.field(description="In force from, UTC+8 / 生效日期")
    id_: strawberry.Private[UUID]

    @strawberry.field(description="The owners and their shares, largest first / 共有人及份额")
    async def owners(self, info: Info) -> list[IpOwnerShare]:
        return await _owners(info, self.id_)


@strawberry.type(description="One owner's part of a transfer's revenue, exact (R-IP-3) / 收益分配")
class IpRevenuePart:
    amount: Decimal = strawberry.field(description="CNY, two places / 金额(元)")
    organisation_id: strawberry.Private[UUID]

    @strawberry.field(description="The owner / 共有单位")
    async def organisation(self, info: Info) -> Organisation:
        return await required_organisation(info, self.organisation_id)


@strawberry.type(
    description="A licence, assignment or equity investment of an asset (R-IP-3) / 成果转化记录"
)
class IpTransfer(Node, FromRow[m.IpTransfer]):
    id: strawberry.ID
    kind: IpTransferKind
    counterparty: str = strawberry.field(description="The other party / 受让方或被许可方")
    amount: Decimal = strawberry.field(description="Revenue, CNY, two places / 金额(元)")
    transferred_on: date = strawberry.field(description="Day of the contract, UTC+8 / 转化日期")
    year: int = strawberry.field(description="Year of transferredOn / 年度")
    contract_reference: str = strawberry.field(description="Contract reference / 合同编号")
    created_at: datetime = strawberry.field(description="Recorded at (UTC) / 记录时间")
    asset_id: strawberry.Private[UUID]

    @classmethod
    def of(cls, row: m.IpTransfer, /, **overrides: object) -> Self:
        return convert(cls, row, amount=to_cny(row.amount_fen), **overrides)

    @strawberry.field(
        description="Each owner's part by the shares in force on the day, adding up to the "
        "amount to the fen; largest first / 各共有人收益"
    )
    async def revenue_shares(self, info: Info) -> list[IpRevenuePart]:
        rows = await (await _loaders(info)).ip_revenue_by_transfer.load(self.pk())
        return [
            IpRevenuePart(amount=to_cny(r.amount_fen), organisation_id=r.organisation_id)
            for r in rows
        ]


@strawberry.type(
    description="An IP asset of a centre, co-owned by alliance members (R-IP-1) / 知识产权"
)
class IpAsset(Node, FromRow[m.IpAsset]):
    id: strawberry.ID
    kind: IpKind
    title: str = strawberry.field(description="Title / 名称")
    number: str | None = strawberry.field(
        description="Application or registration number, unique per kind; none for a technical "
        "secret / 申请号或登记号"
    )
    filed_on: date | None = strawberry.field(description="Filing date, UTC+8 / 申请日")
    granted_on: date | None = strawberry.field(description="Grant date, UTC+8 / 授权日")
    legal_status: IpLegalStatus
    version: int = strawberry.field(
        description="Changes with every edit; pass it back to updateIpAsset / 版本"
    )
    created_at: datetime = strawberry.field(description="Recorded at (UTC) / 记录时间")
    centre_id: strawberry.Private[UUID]

    @strawberry.field(description="The centre / 创新中心")
    async def centre(self, info: Info) -> Centre:
        row = await (await _loaders(info)).centre.load(self.centre_id)
        if row is None:  # the register is read with its centre's reach
            raise NotFound("centre")
        return Centre.of(row)

    @strawberry.field(
        description="Owners in the latest share set, largest share first; an owner that has "
        "left the alliance keeps its share (R-IP-2) / 当前共有人及份额"
    )
    async def current_owners(self, info: Info) -> list[IpOwnerShare]:
        sets = await (await _loaders(info)).ip_share_sets_by_asset.load(self.pk())
        return await _owners(info, sets[-1].id) if sets else []

    @strawberry.field(description="Every share set, oldest first, never overwritten / 份额变更历史")
    async def share_history(self, info: Info) -> list[IpShareSet]:
        sets = await (await _loaders(info)).ip_share_sets_by_asset.load(self.pk())
        return [IpShareSet(number=s.number, effective_on=s.effective_on, id_=s.id) for s in sets]

    @strawberry.field(description="Transfers, latest first (R-IP-3) / 成果转化记录")
    async def transfers(self, info: Info) -> list[IpTransfer]:
        rows = await (await _loaders(info)).ip_transfers_by_asset.load(self.pk())
        return [IpTransfer.of(r) for r in rows]

    @strawberry.field(description="Certificates, contracts and other attachments / 附件")
    async def documents(self, info: Info) -> list[Document]:
        rows = await (await _loaders(info)).documents_by_owner.load(self.pk())
        return [Document.of(r) for r in rows]
