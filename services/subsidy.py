"""The provincial subsidy (R-FUND-1, R-FUND-2): one decision per listed centre, capped at
min(50 % of its total investment, 10,000,000.00 CNY), paid in two instalments — the first once
the task agreement is signed, the second once the centre is established — each exactly once.

Amounts are whole fen (``models/money.py``); the rules are ``models/funding.py``'s predicates.
Every write holds the centre's row lock (``services/funding.py`` ``recording``), so a second
payment racing the first waits for it and is then refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tortoise.backends.base.client import BaseDBAsyncClient

from models.base import programme_today
from models.centres import Centre, CentreStatus
from models.cultivation import TaskAgreement
from models.funding import (
    FundingProgramme,
    LedgerEntry,
    SubsidyDecision,
    split_instalments_fen,
    subsidy_cap_fen,
)
from models.vocabulary import term
from services import funding
from services.actor import Actor
from services.errors import BadInput, Conflict, InvalidMove
from services.values import comment

# R-FUND-1: a decision is made for a centre on the cultivation list, or one established since.
LISTED = frozenset({CentreStatus.CULTIVATING, CentreStatus.ESTABLISHED, CentreStatus.RECTIFYING})
# R-FUND-2: the second instalment is paid once the centre is established (and while it stays so).
ESTABLISHED = frozenset({CentreStatus.ESTABLISHED, CentreStatus.RECTIFYING})


@dataclass(frozen=True, slots=True)
class BasisCorrection:
    """Staff's correction of the basis (CNY, two places) and why; the application's own figures
    stay as they are."""

    fixed_asset_investment: Decimal
    software_investment: Decimal
    reason: str


def _basis(centre: Centre, correction: BasisCorrection | None) -> tuple[int, int, str | None]:
    """(fixed-asset fen, software fen, correction reason) used for the cap (R-FUND-1)."""
    if correction is None:
        fixed = funding.amount_fen(
            centre.fixed_asset_investment, "fixedAssetInvestment", allow_zero=True
        )
        software = funding.amount_fen(
            centre.software_investment, "softwareInvestment", allow_zero=True
        )
        return fixed, software, None
    reason = comment(correction.reason, "basisCorrection.reason")
    if not reason:
        raise BadInput("say why the basis is corrected", field="basisCorrection.reason")
    fixed = funding.amount_fen(
        correction.fixed_asset_investment,
        "basisCorrection.fixedAssetInvestment",
        allow_zero=True,
    )
    software = funding.amount_fen(
        correction.software_investment, "basisCorrection.softwareInvestment", allow_zero=True
    )
    return fixed, software, reason


async def decide_subsidy(
    actor: Actor,
    centre_id: str,
    approved: Decimal,
    basis_correction: BasisCorrection | None = None,
) -> SubsidyDecision:
    """R-FUND-1: provincial staff record the subsidy of a listed centre (cultivating, or
    established / rectifying since), once. The basis is the application's fixed-asset plus
    software investment, or staff's correction of them with a reason; the cap is
    min(50 % of the total, 10,000,000.00 CNY); ``approved`` (CNY, two places) is above zero
    and at most the cap. Stores the basis, cap, approved amount and the two instalments (the
    second carries an odd fen, R-FUND-4), decided today (UTC+8). Raises NotFound, NotAllowed,
    BadInput (``approved`` over the cap: the message gives cap and basis), InvalidMove (not
    listed), Conflict (already decided)."""
    approved_fen = funding.amount_fen(approved, "approved")
    async with funding.recording(actor, centre_id, "funding.decide_subsidy") as change:
        centre = change.row
        if centre.status not in LISTED:
            raise InvalidMove(
                f"a subsidy is decided for a centre on the cultivation list (R-FUND-1); "
                f"the centre is {term(centre.status)}",
                currentStatus=term(centre.status),
            )
        if await SubsidyDecision.filter(centre_id=centre.id).using_db(change.conn).exists():
            raise Conflict("this centre's subsidy has already been decided (R-FUND-1)")
        fixed, software, reason = _basis(centre, basis_correction)
        cap = subsidy_cap_fen(fixed + software)
        if approved_fen > cap:
            raise BadInput(
                f"approved is at most the cap {funding.cny(cap)} = min(50 % of the total "
                f"investment {funding.cny(fixed + software)} (fixed assets "
                f"{funding.cny(fixed)} + software {funding.cny(software)}), 10,000,000.00 CNY) "
                "(R-FUND-1)",
                field="approved",
            )
        first, second = split_instalments_fen(approved_fen)
        row = await SubsidyDecision.create(
            centre_id=centre.id,
            fixed_asset_investment_fen=fixed,
            software_investment_fen=software,
            basis_correction_reason=reason,
            cap_fen=cap,
            approved_fen=approved_fen,
            first_instalment_fen=first,
            second_instalment_fen=second,
            decided_on=programme_today(),
            decided_by_id=actor.acting_user_id,
            using_db=change.conn,
        )
        change.record(before=None, after=row.snapshot(), object_id=row.id)
    return row


async def _payable(centre: Centre, number: int, value_date: date, conn: BaseDBAsyncClient) -> None:
    """What each instalment waits for (R-FUND-2): the signed task agreement, establishment."""
    if number == 1:
        if not await TaskAgreement.filter(centre_id=centre.id).using_db(conn).exists():
            raise InvalidMove(
                "the first instalment is paid once the task agreement is signed (R-FUND-2)",
                currentStatus=term(centre.status),
            )
        return
    if centre.established_on is None or centre.status not in ESTABLISHED:
        raise InvalidMove(
            "the second instalment is paid only once the centre is established (R-FUND-2); "
            f"the centre is {term(centre.status)}",
            currentStatus=term(centre.status),
        )
    if value_date < centre.established_on:
        raise BadInput(
            f"valueDate cannot be before the establishment on {centre.established_on} (R-FUND-2)",
            field="valueDate",
        )


async def pay_instalment(
    actor: Actor, centre_id: str, number: int, value_date: date | None, payment_reference: str
) -> LedgerEntry:
    """R-FUND-2: provincial staff record the disbursement of instalment ``number`` (1 or 2) of
    the centre's subsidy: exactly its amount, on ``value_date`` (UTC+8, from the decision's day
    to today; today when not given), with the payment reference (1–64 characters). The first
    needs the signed task agreement, the second the established centre. An instalment is paid
    once (net of reversals); a cancelled one never. Raises NotFound, NotAllowed, BadInput
    (instalment, valueDate, paymentReference), InvalidMove (no decision, not established,
    cancelled, centre failed or revoked), Conflict (already paid, also when two requests race)."""
    if number not in (1, 2):
        raise BadInput("instalment is 1 or 2 (R-FUND-2)", field="instalment")
    ref = funding.reference(payment_reference)
    value_date = funding.value_day(value_date)
    async with funding.recording(actor, centre_id, "funding.pay_instalment") as change:
        centre = change.row
        funding.not_ended(centre)
        decision = await SubsidyDecision.filter(centre_id=centre.id).using_db(change.conn).first()
        if decision is None:
            raise InvalidMove(
                "no subsidy has been decided for this centre (R-FUND-1)",
                currentStatus=term(centre.status),
            )
        funding.value_day(value_date, earliest=decision.decided_on, since="the decision's day")
        await _payable(centre, number, value_date, change.conn)
        rows = await funding.entries(centre.id, FundingProgramme.SUBSIDY, change.conn)
        if funding.cancelled(rows, number):
            raise InvalidMove(
                f"instalment {number} was cancelled (R-FUND-2)", currentStatus="CANCELLED"
            )
        if funding.net_paid(rows, instalment=number):
            raise Conflict(f"instalment {number} has already been paid (R-FUND-2)")
        amount = decision.instalment_fen(number)
        # The final guard: whatever happened before, the paid total never passes the approved.
        if funding.net_paid(rows) + amount > decision.approved_fen:
            raise Conflict("this payment would exceed the approved subsidy (R-FUND-2)")
        row = await funding.disburse(
            actor,
            change,
            FundingProgramme.SUBSIDY,
            amount,
            value_date=value_date,
            payment_reference=ref,
            instalment=number,
        )
    return row
