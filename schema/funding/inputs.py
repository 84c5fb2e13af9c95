"""What the funding mutations and the ledger list take (R-FUND-1…3)."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from schema.funding.types import FundingProgramme, LedgerEntryKind


@strawberry.input(
    description="Staff's correction of the application's investment figures, with the reason; "
    "CNY, two places (R-FUND-1) / 核定投资额调整"
)
class BasisCorrectionInput:
    fixed_asset_investment: Decimal = strawberry.field(
        description="Fixed-asset investment, CNY / 固定资产投资(元)"
    )
    software_investment: Decimal = strawberry.field(
        description="Supporting software investment, CNY / 配套软件投资(元)"
    )
    reason: str = strawberry.field(description="Why, required / 调整原因(必填)")


@strawberry.input(description="Narrow the ledger / 台账筛选条件")
class LedgerFilter:
    centre_id: strawberry.ID | None = strawberry.field(
        default=None, description="One centre's entries / 创新中心"
    )
    programme: FundingProgramme | None = None
    kind: LedgerEntryKind | None = None
    year: int | None = strawberry.field(
        default=None, description="The value date's year (UTC+8) / 年度"
    )
