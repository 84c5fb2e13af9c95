"""The funding ledger (R-FUND-1…4, provincial plan 五 支持方式).

A centre listed for cultivation gets one subsidy decision (``SubsidyDecision``): the basis (its
fixed-asset and software investment, as the application recorded them or as staff corrected them
with a reason), the cap the rule gives, the approved amount and its two instalments. Money moves
only as ``LedgerEntry`` rows, which are never changed or deleted: a disbursement of an instalment,
its reversal (a correction, always a new row), or the cancellation of an unpaid instalment when
cultivation fails or the centre is revoked. A national-level centre may also have a five-year
national support plan (``NationalSupportPlan``) with disbursements against it.

Every amount is a whole number of fen (``models/money.py``) so that totals are exact sums in SQL.
The rules are the predicates below, each named after its rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from tortoise import fields

from models.accounts import User
from models.base import Entity
from models.centres import Centre
from models.money import FEN_PER_YUAN

SUBSIDY_SHARE_PERCENT = 50  # R-FUND-1: at most half the total investment
SUBSIDY_CAP_FEN = 10_000_000 * FEN_PER_YUAN  # R-FUND-1: at most 10,000,000.00 CNY per centre
NATIONAL_MINIMUM_FEN = 50_000_000 * FEN_PER_YUAN  # R-FUND-3: a plan of at least 50,000,000.00
NATIONAL_TALENT_MAXIMUM_FEN = 10_000_000 * FEN_PER_YUAN  # R-FUND-3: talent at most 10,000,000.00
NATIONAL_PLAN_YEARS = 5  # R-FUND-3


class FundingProgramme(StrEnum):
    """What a ledger entry is paid under."""

    SUBSIDY = "subsidy"  # 省级财政补助 (R-FUND-1, R-FUND-2)
    NATIONAL_SUPPORT = "national_support"  # 国家级创新中心支持 (R-FUND-3)


class EntryKind(StrEnum):
    """What a ledger entry records."""

    DISBURSEMENT = "disbursement"  # 拨付: money paid (positive amount)
    REVERSAL = "reversal"  # 冲正: a disbursement undone (negative amount, names the one it undoes)
    CANCELLATION = "cancellation"  # 取消: an unpaid instalment that will never be paid (R-FUND-2)


class SupportPurpose(StrEnum):
    """What a national support disbursement is for (R-FUND-3)."""

    TALENT = "talent"  # 人才队伍建设: at most 10,000,000.00 over the plan
    GENERAL = "general"  # 其他建设内容


class SubsidyDecision(Entity):
    # R-FUND-1: one per centre, recorded by provincial staff once the centre is listed.
    centre: fields.OneToOneRelation[Centre] = fields.OneToOneField(
        "models.Centre", related_name="subsidy_decision", on_delete=fields.RESTRICT
    )
    centre_id: UUID
    fixed_asset_investment_fen = fields.BigIntField()  # the basis, as used
    software_investment_fen = fields.BigIntField()
    basis_correction_reason = fields.TextField(null=True)  # set when staff corrected the basis
    cap_fen = fields.BigIntField()
    approved_fen = fields.BigIntField()
    first_instalment_fen = fields.BigIntField()
    second_instalment_fen = fields.BigIntField()
    decided_on = fields.DateField()  # UTC+8 calendar day
    decided_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="subsidy_decisions", on_delete=fields.RESTRICT
    )
    decided_by_id: UUID

    SNAPSHOT = (
        "centre_id",
        "fixed_asset_investment_fen",
        "software_investment_fen",
        "basis_correction_reason",
        "cap_fen",
        "approved_fen",
        "first_instalment_fen",
        "second_instalment_fen",
        "decided_on",
    )

    class Meta:
        table = "subsidy_decision"

    def instalment_fen(self, number: int) -> int:
        """The amount of instalment 1 or 2, in fen."""
        amount: int = self.first_instalment_fen if number == 1 else self.second_instalment_fen
        return amount


class NationalSupportPlan(Entity):
    # R-FUND-3: a national-level centre's support over five calendar years.
    centre: fields.OneToOneRelation[Centre] = fields.OneToOneField(
        "models.Centre", related_name="national_support_plan", on_delete=fields.RESTRICT
    )
    centre_id: UUID
    first_year = fields.IntField()  # the plan runs first_year .. first_year + 4
    total_fen = fields.BigIntField()
    talent_fen = fields.BigIntField()
    decided_on = fields.DateField()
    decided_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="national_support_plans", on_delete=fields.RESTRICT
    )
    decided_by_id: UUID

    SNAPSHOT = ("centre_id", "first_year", "total_fen", "talent_fen", "decided_on")

    class Meta:
        table = "national_support_plan"


class LedgerEntry(Entity):
    # Append-only: a row is never updated or deleted. ``amount_fen`` is signed so that the paid
    # total is one SUM: a disbursement adds, a reversal subtracts; a cancellation records the
    # amount that will not be paid (it is summed apart, never as paid).
    centre: fields.ForeignKeyRelation[Centre] = fields.ForeignKeyField(
        "models.Centre", related_name="ledger_entries", on_delete=fields.RESTRICT
    )
    centre_id: UUID
    programme = fields.CharEnumField(FundingProgramme, max_length=24)
    kind = fields.CharEnumField(EntryKind, max_length=16)
    instalment = fields.SmallIntField(null=True)  # 1 or 2 under the subsidy
    purpose = fields.CharEnumField(SupportPurpose, max_length=16, null=True)  # national support
    amount_fen = fields.BigIntField()
    value_date = (
        fields.DateField()
    )  # the payment's value date (UTC+8 calendar), or the day cancelled
    year = fields.IntField()  # the value date's year, for totals per year in SQL
    payment_reference = fields.CharField(max_length=64, default="")
    reason = fields.TextField(default="")  # why a reversal or a cancellation
    # One-to-one: a disbursement is reversed at most once (the database refuses a second).
    reverses: fields.OneToOneNullableRelation[LedgerEntry] = fields.OneToOneField(
        "models.LedgerEntry", related_name="reversed_by", null=True, on_delete=fields.RESTRICT
    )
    reverses_id: UUID | None
    recorded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="ledger_entries", null=True, on_delete=fields.RESTRICT
    )
    recorded_by_id: UUID | None  # None: the system (a cancellation made by the deadline's move)

    SNAPSHOT = (
        "centre_id",
        "programme",
        "kind",
        "instalment",
        "purpose",
        "amount_fen",
        "value_date",
        "payment_reference",
        "reason",
        "reverses_id",
    )

    class Meta:
        table = "ledger_entry"
        indexes = (("centre_id", "programme", "created_at"), ("year",))
        ordering = ["created_at", "id"]


# --- the rules ------------------------------------------------------------------------------


def subsidy_cap_fen(total_investment_fen: int) -> int:
    """R-FUND-1: min(50 % of the total investment, 10,000,000.00 CNY), in fen. Half of an odd
    number of fen is rounded down: the cap never exceeds half."""
    if total_investment_fen < 0:
        raise ValueError("an investment is not negative")
    return min(total_investment_fen * SUBSIDY_SHARE_PERCENT // 100, SUBSIDY_CAP_FEN)


def split_instalments_fen(approved_fen: int) -> tuple[int, int]:
    """R-FUND-2, R-FUND-4: two equal instalments that add up to the approved amount exactly; an
    odd fen is carried by the second (so less is paid before establishment)."""
    if approved_fen <= 0:
        raise ValueError("an approved subsidy is greater than zero")
    first = approved_fen // 2
    return first, approved_fen - first


@dataclass(frozen=True, slots=True)
class PlanProblem:
    """Why a national support plan breaks R-FUND-3 (``field`` names the input)."""

    field: str
    message: str


def national_plan_problem(total_fen: int, talent_fen: int) -> PlanProblem | None:
    """R-FUND-3: a plan of at least 50,000,000.00 CNY over five years, of which at most
    10,000,000.00 (and never more than the plan) for talent; None when it holds."""
    if total_fen < NATIONAL_MINIMUM_FEN:
        return PlanProblem("total", "a national support plan is at least 50,000,000.00 CNY")
    if talent_fen < 0 or talent_fen > NATIONAL_TALENT_MAXIMUM_FEN:
        return PlanProblem("talent", "talent (人才队伍建设) is at most 10,000,000.00 CNY")
    if talent_fen > total_fen:
        return PlanProblem("talent", "talent is part of the plan: at most its total")
    return None
