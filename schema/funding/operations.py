"""The funding ledger: scoped reads of decisions, plans and entries, and staff's writes (thin
resolvers over ``services/subsidy.py``, ``services/national_support.py``, ``services/funding.py``).

Provincial staff record and read everything; the lead enterprise and the city's bureau read their
centre's funding; other alliance members only ``Centre.approvedSubsidy``; experts nothing.
Outside that scope a record reads as NOT_FOUND, exactly like a missing one (R-ACC-5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from tortoise.queryset import QuerySet

from models import funding as m
from policies import scopes
from schema.context import Info
from schema.enums import value_of
from schema.errors import BadInput
from schema.funding.inputs import BasisCorrectionInput, LedgerFilter
from schema.funding.types import LedgerEntry, NationalSupportPlan, SubsidyDecision, SupportPurpose
from schema.ids import parse_id
from schema.pagination import Connection
from schema.reads import read_connection
from services import funding, national_support, subsidy
from services.errors import NotFound
from services.values import EARLIEST, LATEST


def _narrow(queryset: QuerySet[m.LedgerEntry], flt: LedgerFilter | None) -> QuerySet[m.LedgerEntry]:
    if flt is None:
        return queryset
    if flt.centre_id is not None:
        queryset = queryset.filter(centre_id=parse_id(flt.centre_id, "centre"))
    if flt.programme is not None:
        queryset = queryset.filter(programme=m.FundingProgramme(value_of(flt.programme)))
    if flt.kind is not None:
        queryset = queryset.filter(kind=m.EntryKind(value_of(flt.kind)))
    if flt.year is not None:
        if not EARLIEST.year <= flt.year <= LATEST.year:
            raise BadInput(f"year is from {EARLIEST.year} to {LATEST.year}", field="year")
        queryset = queryset.filter(year=flt.year)
    return queryset


@strawberry.type
class FundingQueries:
    @strawberry.field(
        description="Funding ledger entries the caller may read, oldest first: staff all, a "
        "bureau its city's centres', the lead enterprise its centre's; nobody else any "
        "(R-FUND-2, R-FUND-3) / 资金台账"
    )
    async def ledger(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: LedgerFilter | None = None,
    ) -> Connection[LedgerEntry]:
        authz = await info.context.authz()
        return await read_connection(
            info,
            "LedgerEntry",
            _narrow(scopes.visible_ledger(authz), filter),
            first=first,
            after=after,
            order_by=("created_at", "id"),
            to_node=LedgerEntry.of,
        )

    @strawberry.field(
        description="A centre's subsidy decision, if recorded and the caller reads the centre's "
        "funding; NOT_FOUND otherwise (R-FUND-1) / 补助决定"
    )
    async def subsidy_decision(self, info: Info, centre_id: strawberry.ID) -> SubsidyDecision:
        authz = await info.context.authz()
        row = await scopes.visible_subsidy_decisions(authz).get_or_none(
            centre_id=parse_id(centre_id, "centre")
        )
        if row is None:
            raise NotFound("subsidy decision")
        return SubsidyDecision.of(row)

    @strawberry.field(
        description="A national-level centre's support plan, if recorded and the caller reads "
        "the centre's funding; NOT_FOUND otherwise (R-FUND-3) / 国家级支持计划"
    )
    async def national_support_plan(
        self, info: Info, centre_id: strawberry.ID
    ) -> NationalSupportPlan:
        authz = await info.context.authz()
        row = await scopes.visible_support_plans(authz).get_or_none(
            centre_id=parse_id(centre_id, "centre")
        )
        if row is None:
            raise NotFound("national support plan")
        return NationalSupportPlan.of(row)


@strawberry.type
class FundingMutations:
    @strawberry.mutation(
        description="Record a listed centre's subsidy, once: approved (CNY, two places) above "
        "zero and at most min(50 % of the total investment, 10,000,000.00); the basis is the "
        "application's figures unless corrected with a reason (provincial staff, R-FUND-1) / "
        "核定省级财政补助"
    )
    async def decide_subsidy(
        self,
        info: Info,
        centre_id: strawberry.ID,
        approved: Decimal,
        basis_correction: BasisCorrectionInput | None = None,
    ) -> SubsidyDecision:
        correction = (
            None
            if basis_correction is None
            else subsidy.BasisCorrection(
                basis_correction.fixed_asset_investment,
                basis_correction.software_investment,
                basis_correction.reason,
            )
        )
        row = await subsidy.decide_subsidy(info.context, centre_id, approved, correction)
        return SubsidyDecision.of(row)

    @strawberry.mutation(
        description="Record the disbursement of instalment 1 (on the signed task agreement) or "
        "2 (only once established), exactly its amount, once; value date UTC+8 from the "
        "decision to today, today when not given (provincial staff, R-FUND-2) / 拨付补助"
    )
    async def pay_instalment(
        self,
        info: Info,
        centre_id: strawberry.ID,
        instalment: int,
        payment_reference: str,
        value_date: date | None = None,
    ) -> LedgerEntry:
        row = await subsidy.pay_instalment(
            info.context, centre_id, instalment, value_date, payment_reference
        )
        return LedgerEntry.of(row)

    @strawberry.mutation(
        description="Correct a disbursement by a reversing entry with the reason; never an "
        "edit, at most once per disbursement (provincial staff, R-FUND-2) / 冲正拨付记录"
    )
    async def reverse_ledger_entry(
        self, info: Info, entry_id: strawberry.ID, reason: str
    ) -> LedgerEntry:
        return LedgerEntry.of(await funding.reverse_entry(info.context, entry_id, reason))

    @strawberry.mutation(
        description="Record a national-level centre's five-year support plan, once: total at "
        "least 50,000,000.00 CNY, talent at most 10,000,000.00, from firstYear (this year when "
        "not given) (provincial staff, R-FUND-3) / "
        "记录国家级支持计划"
    )
    async def record_national_support_plan(
        self,
        info: Info,
        centre_id: strawberry.ID,
        total: Decimal,
        talent: Decimal,
        first_year: int | None = None,
    ) -> NationalSupportPlan:
        row = await national_support.record_support_plan(
            info.context, centre_id, first_year, total, talent
        )
        return NationalSupportPlan.of(row)

    @strawberry.mutation(
        description="Record a disbursement against the national support plan (CNY, two "
        "places), never beyond its total or talent share, value date UTC+8 within its five "
        "years, today when not given (provincial staff, R-FUND-3) / 拨付国家级支持资金"
    )
    async def pay_national_support(
        self,
        info: Info,
        *,
        centre_id: strawberry.ID,
        amount: Decimal,
        purpose: SupportPurpose,
        payment_reference: str,
        value_date: date | None = None,
    ) -> LedgerEntry:
        row = await national_support.pay_support(
            info.context,
            centre_id,
            amount=amount,
            purpose=m.SupportPurpose(value_of(purpose)),
            value_date=value_date,
            payment_reference=payment_reference,
        )
        return LedgerEntry.of(row)
