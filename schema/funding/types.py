"""The subsidy decision, the national support plan and the ledger as GraphQL (R-FUND-1…4).

Every amount is CNY as a Decimal with exactly two places (``models/money.py`` ``to_cny`` of the
stored fen); dates are UTC+8 calendar days. What an instalment's state is, and how much of a plan
is paid, is read from the centre's ledger through one DataLoader batch per level.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Self
from uuid import UUID

import strawberry

from models import funding as m
from models.money import to_cny
from schema.centres.types import Centre
from schema.context import Info
from schema.convert import FromRow, convert
from schema.node import Node
from services.errors import NotFound
from services.funding import cancelled, net_paid
from services.ids import global_id
from services.national_support import plan_years


@strawberry.enum(description="What a ledger entry is paid under / 资金类别")
class FundingProgramme(Enum):
    SUBSIDY = strawberry.enum_value(
        "subsidy", description="Provincial subsidy, R-FUND-1/R-FUND-2 / 省级财政补助"
    )
    NATIONAL_SUPPORT = strawberry.enum_value(
        "national_support", description="National-level support, R-FUND-3 / 国家级创新中心支持"
    )


@strawberry.enum(description="What a ledger entry records / 台账记录类型")
class LedgerEntryKind(Enum):
    DISBURSEMENT = strawberry.enum_value(
        "disbursement", description="Money paid, positive amount / 拨付"
    )
    REVERSAL = strawberry.enum_value(
        "reversal", description="A disbursement undone, negative amount / 冲正"
    )
    CANCELLATION = strawberry.enum_value(
        "cancellation",
        description="An unpaid instalment that will not be paid, R-FUND-2 / 取消拨付",
    )


@strawberry.enum(description="What national support is paid for (R-FUND-3) / 支持用途")
class SupportPurpose(Enum):
    TALENT = strawberry.enum_value(
        "talent", description="Talent, at most 10,000,000.00 CNY / 人才队伍建设"
    )
    GENERAL = strawberry.enum_value("general", description="Other construction / 其他建设内容")


@strawberry.enum(description="Where an instalment stands (R-FUND-2) / 拨付状态")
class InstalmentState(Enum):
    PENDING = strawberry.enum_value("pending", description="Not paid yet / 待拨付")
    PAID = strawberry.enum_value("paid", description="Paid, net of reversals / 已拨付")
    CANCELLED = strawberry.enum_value(
        "cancelled", description="Cancelled: cultivation failed or revoked / 已取消"
    )


@strawberry.type(description="One of the subsidy's two instalments (R-FUND-2) / 补助分期")
class Instalment:
    number: int = strawberry.field(
        description="1: on the signed task agreement; 2: on establishment / 期次"
    )
    amount: Decimal = strawberry.field(
        description="CNY; the second carries an odd fen (R-FUND-4) / 金额(元)"
    )
    state: InstalmentState
    paid: Decimal = strawberry.field(description="CNY paid, net of reversals / 已拨付(元)")
    cancellation_reason: str | None = strawberry.field(
        description="Why it was cancelled / 取消原因"
    )


def _instalment(decision: m.SubsidyDecision, rows: list[m.LedgerEntry], number: int) -> Instalment:
    subsidy = [r for r in rows if r.programme is m.FundingProgramme.SUBSIDY]
    paid = net_paid(subsidy, instalment=number)
    reason = next(
        (
            r.reason
            for r in subsidy
            if r.kind is m.EntryKind.CANCELLATION and r.instalment == number
        ),
        None,
    )
    if cancelled(subsidy, number):
        state = InstalmentState.CANCELLED
    elif paid:
        state = InstalmentState.PAID
    else:
        state = InstalmentState.PENDING
    return Instalment(
        number=number,
        amount=to_cny(decision.instalment_fen(number)),
        state=state,
        paid=to_cny(paid),
        cancellation_reason=reason,
    )


async def _centre(info: Info, centre_id: UUID) -> Centre:
    row = await (await info.context.loaders()).centre.load(centre_id)
    if row is None:  # funding is read with its centre's reach: never for a reader
        raise NotFound("centre")
    return Centre.of(row)


@strawberry.type(
    description="A centre's provincial subsidy: basis, cap, approved amount, two instalments "
    "(R-FUND-1, R-FUND-2); amounts CNY, dates UTC+8 / 省级财政补助决定"
)
class SubsidyDecision(Node, FromRow[m.SubsidyDecision]):
    id: strawberry.ID
    fixed_asset_investment: Decimal = strawberry.field(
        description="Basis: fixed-asset investment, CNY / 核定固定资产投资(元)"
    )
    software_investment: Decimal = strawberry.field(
        description="Basis: supporting software investment, CNY / 核定配套软件投资(元)"
    )
    total_investment: Decimal = strawberry.field(
        description="Basis: total investment, CNY / 核定总投资(元)"
    )
    basis_correction_reason: str | None = strawberry.field(
        description="Why staff corrected the application's figures (null: as applied) / "
        "核定依据调整原因"
    )
    cap: Decimal = strawberry.field(
        description="min(50 % of the total investment, 10,000,000.00), CNY (R-FUND-1) / 补助上限"
    )
    approved: Decimal = strawberry.field(description="Approved subsidy, CNY / 核定补助(元)")
    decided_on: date = strawberry.field(description="UTC+8 / 决定日期")
    created_at: datetime
    centre_id: strawberry.Private[UUID]
    row: strawberry.Private[m.SubsidyDecision]

    @classmethod
    def of(cls, row: m.SubsidyDecision, /, **overrides: object) -> Self:
        basis = row.fixed_asset_investment_fen + row.software_investment_fen
        return convert(
            cls,
            row,
            fixed_asset_investment=to_cny(row.fixed_asset_investment_fen),
            software_investment=to_cny(row.software_investment_fen),
            total_investment=to_cny(basis),
            cap=to_cny(row.cap_fen),
            approved=to_cny(row.approved_fen),
            row=row,
            **overrides,
        )

    @strawberry.field(description="The centre / 创新中心")
    async def centre(self, info: Info) -> Centre:
        return await _centre(info, self.centre_id)

    async def _entries(self, info: Info) -> list[m.LedgerEntry]:
        return await (await info.context.loaders()).ledger_by_centre.load(self.centre_id)

    @strawberry.field(description="Paid on the signed task agreement / 第一期(签订任务书)")
    async def first_instalment(self, info: Info) -> Instalment:
        return _instalment(self.row, await self._entries(info), 1)

    @strawberry.field(description="Paid on establishment / 第二期(正式认定)")
    async def second_instalment(self, info: Info) -> Instalment:
        return _instalment(self.row, await self._entries(info), 2)


@strawberry.type(
    description="A national-level centre's five-year support plan (R-FUND-3); amounts CNY / "
    "国家级创新中心支持计划"
)
class NationalSupportPlan(Node, FromRow[m.NationalSupportPlan]):
    id: strawberry.ID
    first_year: int = strawberry.field(description="First calendar year / 起始年度")
    last_year: int = strawberry.field(description="Fifth calendar year / 截止年度")
    total: Decimal = strawberry.field(description="At least 50,000,000.00 CNY / 支持总额(元)")
    talent: Decimal = strawberry.field(
        description="Of which talent, at most 10,000,000.00 CNY / 人才队伍建设(元)"
    )
    decided_on: date = strawberry.field(description="UTC+8 / 决定日期")
    created_at: datetime
    centre_id: strawberry.Private[UUID]
    row: strawberry.Private[m.NationalSupportPlan]

    @classmethod
    def of(cls, row: m.NationalSupportPlan, /, **overrides: object) -> Self:
        return convert(
            cls,
            row,
            last_year=plan_years(row)[1].year,
            total=to_cny(row.total_fen),
            talent=to_cny(row.talent_fen),
            row=row,
            **overrides,
        )

    @strawberry.field(description="The centre / 创新中心")
    async def centre(self, info: Info) -> Centre:
        return await _centre(info, self.centre_id)

    async def _paid(self, info: Info, **match: object) -> int:
        rows = await (await info.context.loaders()).ledger_by_centre.load(self.centre_id)
        support = [r for r in rows if r.programme is m.FundingProgramme.NATIONAL_SUPPORT]
        return net_paid(support, **match)

    @strawberry.field(description="The plan's years / 计划年度")
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    @strawberry.field(description="CNY paid, net of reversals / 已拨付(元)")
    async def paid(self, info: Info) -> Decimal:
        return to_cny(await self._paid(info))

    @strawberry.field(description="CNY paid for talent, net of reversals / 人才已拨付(元)")
    async def talent_paid(self, info: Info) -> Decimal:
        return to_cny(await self._paid(info, purpose=m.SupportPurpose.TALENT))

    @strawberry.field(description="CNY of the plan not paid yet / 剩余(元)")
    async def remaining(self, info: Info) -> Decimal:
        return to_cny(self.row.total_fen - await self._paid(info))

    @strawberry.field(description="CNY of the talent share not paid yet / 人才剩余(元)")
    async def talent_remaining(self, info: Info) -> Decimal:
        paid = await self._paid(info, purpose=m.SupportPurpose.TALENT)
        return to_cny(self.row.talent_fen - paid)


@strawberry.type(
    description="One row of the append-only funding ledger (R-FUND-2…4): a disbursement (+), "
    "its reversal (−) or a cancelled instalment; CNY, value date UTC+8 / 资金台账记录"
)
class LedgerEntry(Node, FromRow[m.LedgerEntry]):
    id: strawberry.ID
    programme: FundingProgramme
    kind: LedgerEntryKind
    instalment: int | None = strawberry.field(
        description="Subsidy instalment 1 or 2 (R-FUND-2) / 期次"
    )
    purpose: SupportPurpose | None = strawberry.field(
        description="National support purpose (R-FUND-3) / 用途"
    )
    amount: Decimal = strawberry.field(
        description="Signed CNY: disbursement +, reversal −; a cancellation gives the amount "
        "that will not be paid / 金额(元,冲正为负)"
    )
    value_date: date = strawberry.field(
        description="Payment's value date (a reversal keeps its disbursement's; a "
        "cancellation the day cancelled), UTC+8 / 起息日"
    )
    year: int = strawberry.field(description="The value date's year / 年度")
    payment_reference: str = strawberry.field(description="Payment reference / 支付凭证号")
    reason: str = strawberry.field(description="Why reversed or cancelled / 冲正或取消原因")
    reverses: strawberry.ID | None = strawberry.field(
        description="The disbursement this reversal undoes / 被冲正记录"
    )
    recorded_by_system: bool = strawberry.field(
        description="Recorded by the programme itself (the cultivation deadline's move) / "
        "系统自动记录"
    )
    created_at: datetime = strawberry.field(description="Recorded at (UTC) / 记录时间")
    centre_id: strawberry.Private[UUID]

    @classmethod
    def of(cls, row: m.LedgerEntry, /, **overrides: object) -> Self:
        reverses = None if row.reverses_id is None else global_id("LedgerEntry", row.reverses_id)
        return convert(
            cls,
            row,
            amount=to_cny(row.amount_fen),
            reverses=reverses,
            recorded_by_system=row.recorded_by_id is None,
            **overrides,
        )

    @strawberry.field(description="The centre / 创新中心")
    async def centre(self, info: Info) -> Centre:
        return await _centre(info, self.centre_id)
