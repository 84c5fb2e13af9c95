"""The IP register: the scoped list and look-up, and the members' writes (thin resolvers over
``services/ip_assets.py`` and ``services/ip_transfers.py``).

Members read their centres' registers, a bureau its city's, provincial staff all, an expert only
those of centres whose application or assessment is assigned to them; outside that scope an asset
reads as NOT_FOUND and counts nowhere (R-ACC-5). The co-owners and the centre's lead change it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from models import ip_register as m
from policies import scopes
from schema.context import Info
from schema.enums import value_of
from schema.errors import BadInput
from schema.ids import parse_id
from schema.ip.inputs import IpAssetChanges, IpAssetFilter, IpAssetInput, IpOwnerInput
from schema.ip.types import IpAsset, IpTransfer, IpTransferKind
from schema.pagination import Connection
from schema.reads import read_connection
from services import ip_assets, ip_transfers
from services.errors import NotFound
from services.ip_register import Owner
from services.values import EARLIEST, LATEST


def _narrow(queryset: QuerySet[m.IpAsset], flt: IpAssetFilter | None) -> QuerySet[m.IpAsset]:
    if flt is None:
        return queryset
    if flt.centre_id is not None:
        queryset = queryset.filter(centre_id=parse_id(flt.centre_id, "centre"))
    if flt.kind is not None:
        queryset = queryset.filter(kind=m.IpKind(value_of(flt.kind)))
    if flt.legal_status is not None:
        queryset = queryset.filter(legal_status=m.LegalStatus(value_of(flt.legal_status)))
    if flt.owner_id is not None:
        held = m.IpShare.filter(organisation_id=parse_id(flt.owner_id, "organisation"))
        sets = m.IpShareSet.filter(id__in=Subquery(held.values("share_set_id")))
        queryset = queryset.filter(id__in=Subquery(sets.values("asset_id")))
    if flt.year is not None:
        if not EARLIEST.year <= flt.year <= LATEST.year:
            raise BadInput(f"year is from {EARLIEST.year} to {LATEST.year}", field="year")
        queryset = queryset.filter(
            filed_on__gte=date(flt.year, 1, 1), filed_on__lte=date(flt.year, 12, 31)
        )
    return queryset


def _owners(owners: list[IpOwnerInput]) -> list[Owner]:
    return [Owner(str(o.organisation_id), o.share) for o in owners]


@strawberry.type
class IpQueries:
    @strawberry.field(
        description="IP assets the caller may read, oldest recorded first: members their "
        "centres', a bureau its city's, staff all, an expert those of centres assigned to them "
        "(R-IP-1, R-ACC-5) / 知识产权登记簿"
    )
    async def ip_assets(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: IpAssetFilter | None = None,
    ) -> Connection[IpAsset]:
        authz = await info.context.authz()
        return await read_connection(
            info,
            "IpAsset",
            _narrow(scopes.visible_ip_assets(authz), filter),
            first=first,
            after=after,
            order_by=("created_at", "id"),
            to_node=IpAsset.of,
        )

    @strawberry.field(description="One IP asset; NOT_FOUND outside scope (R-ACC-5) / 知识产权")
    async def ip_asset(self, info: Info, id: strawberry.ID) -> IpAsset:
        authz = await info.context.authz()
        row = await scopes.visible_ip_assets(authz).get_or_none(id=parse_id(id, "ip asset"))
        if row is None:
            raise NotFound("ip asset")
        return IpAsset.of(row)


@strawberry.type
class IpMutations:
    @strawberry.mutation(
        description="Record an IP asset of a centre that the caller's organisation co-owns, "
        "with its owners' shares (exactly 100; each a current alliance member) as share set 1 "
        "(any alliance member, R-IP-1, R-IP-2, R-IP-4) / 登记知识产权"
    )
    async def record_ip_asset(self, info: Info, input: IpAssetInput) -> IpAsset:
        facts = ip_assets.AssetFacts(
            title=input.title,
            number=input.number,
            filed_on=input.filed_on,
            granted_on=input.granted_on,
            legal_status=m.LegalStatus(value_of(input.legal_status)),
        )
        row = await ip_assets.record_asset(
            info.context,
            str(input.centre_id),
            m.IpKind(value_of(input.kind)),
            facts,
            owners=_owners(input.owners),
            effective_on=input.effective_on,
        )
        return IpAsset.of(row)

    @strawberry.mutation(
        description="Edit an asset's title, number, dates or status, at the version read "
        "(CONFLICT when stale); the co-owners and the centre's lead (R-IP-1) / 修改知识产权"
    )
    async def update_ip_asset(
        self, info: Info, id: strawberry.ID, version: int, changes: IpAssetChanges
    ) -> IpAsset:
        status = changes.legal_status
        row = await ip_assets.update_asset(
            info.context,
            str(id),
            version,
            title=changes.title,
            number=changes.number,
            filed_on=changes.filed_on,
            granted_on=changes.granted_on,
            legal_status=None if status is None else m.LegalStatus(value_of(status)),
        )
        return IpAsset.of(row)

    @strawberry.mutation(
        description="Record new shares from a day (UTC+8, default today): the next share set, "
        "earlier ones kept; owners being added must be current members, an owner that left keeps "
        "its share (co-owners and the lead, R-IP-2, R-IP-4) / 变更共有份额"
    )
    async def change_ip_shares(
        self,
        info: Info,
        asset_id: strawberry.ID,
        owners: list[IpOwnerInput],
        effective_on: date | None = None,
    ) -> IpAsset:
        share_set = await ip_assets.change_shares(
            info.context, str(asset_id), _owners(owners), effective_on
        )
        authz = await info.context.authz()
        return IpAsset.of(await scopes.visible_ip_assets(authz).get(id=share_set.asset_id))

    @strawberry.mutation(
        description="Record a licence, assignment or equity investment (amount CNY, two places, "
        "UTC+8 day, today when not given) and split its revenue among the owners in force "
        "that day, exactly to the fen, the left-over fen to the largest rounding remainders "
        "(ties: larger share, then smaller organisation id); an "
        "assignment makes the asset transferred (co-owners and the lead, R-IP-3) / 登记成果转化"
    )
    async def record_ip_transfer(
        self,
        info: Info,
        *,
        asset_id: strawberry.ID,
        kind: IpTransferKind,
        counterparty: str,
        amount: Decimal,
        contract_reference: str,
        transferred_on: date | None = None,
    ) -> IpTransfer:
        row = await ip_transfers.record_transfer(
            info.context,
            str(asset_id),
            kind=m.TransferKind(value_of(kind)),
            counterparty=counterparty,
            amount=amount,
            transferred_on=transferred_on,
            contract_reference=contract_reference,
        )
        return IpTransfer.of(row)
