"""National-level support (R-FUND-3): a national-level centre's five-year plan of at least
50,000,000.00 CNY, of which at most 10,000,000.00 for talent (人才队伍建设), and the
disbursements recorded against it — never beyond the plan's total nor its talent share, net of
reversals, and dated within its five years."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from models.base import programme_today
from models.funding import (
    NATIONAL_PLAN_YEARS,
    FundingProgramme,
    LedgerEntry,
    NationalSupportPlan,
    SupportPurpose,
    national_plan_problem,
)
from models.vocabulary import term
from services import funding
from services.actor import Actor
from services.errors import BadInput, Conflict, InvalidMove
from services.values import EARLIEST, LATEST


def plan_years(plan: NationalSupportPlan) -> tuple[date, date]:
    """The first and last day (UTC+8 calendar) of the plan's five years."""
    return date(plan.first_year, 1, 1), date(plan.first_year + NATIONAL_PLAN_YEARS - 1, 12, 31)


async def record_support_plan(
    actor: Actor, centre_id: str, first_year: int | None, total: Decimal, talent: Decimal
) -> NationalSupportPlan:
    """R-FUND-3: provincial staff record the support plan of a national-level centre, once: five
    calendar years from ``first_year`` (this year, UTC+8, when not given), ``total`` at least
    50,000,000.00 CNY, ``talent`` at most 10,000,000.00 CNY and at most the total. Raises
    NotFound, NotAllowed, BadInput (firstYear, total, talent), InvalidMove (not national-level,
    revoked), Conflict (a plan exists)."""
    latest_first = LATEST.year - NATIONAL_PLAN_YEARS + 1
    first_year = first_year if first_year is not None else programme_today().year
    if not EARLIEST.year <= first_year <= latest_first:
        raise BadInput(f"firstYear is from {EARLIEST.year} to {latest_first}", field="firstYear")
    total_fen = funding.amount_fen(total, "total")
    talent_fen = funding.amount_fen(talent, "talent", allow_zero=True)
    problem = national_plan_problem(total_fen, talent_fen)
    if problem is not None:
        raise BadInput(f"{problem.message} (R-FUND-3)", field=problem.field)
    async with funding.recording(actor, centre_id, "funding.record_support_plan") as change:
        centre = change.row
        funding.not_ended(centre)
        if not centre.is_national:
            raise InvalidMove(
                "a national support plan is recorded for a national-level centre (R-FUND-3)",
                currentStatus=term(centre.status),
            )
        if await NationalSupportPlan.filter(centre_id=centre.id).using_db(change.conn).exists():
            raise Conflict("this centre's national support plan has already been recorded")
        row = await NationalSupportPlan.create(
            centre_id=centre.id,
            first_year=first_year,
            total_fen=total_fen,
            talent_fen=talent_fen,
            decided_on=programme_today(),
            decided_by_id=actor.acting_user_id,
            using_db=change.conn,
        )
        change.record(before=None, after=row.snapshot(), object_id=row.id)
    return row


async def pay_support(
    actor: Actor,
    centre_id: str,
    *,
    amount: Decimal,
    purpose: SupportPurpose,
    value_date: date | None,
    payment_reference: str,
) -> LedgerEntry:
    """R-FUND-3: provincial staff record a disbursement (CNY, two places, above zero) against
    the centre's national support plan, for talent or general construction, on ``value_date``
    (UTC+8, within the plan's five years and not in the future; today when not given). The paid
    total (net of reversals) never passes the plan's total, nor the talent paid its talent
    share. Raises NotFound, NotAllowed, BadInput (amount: the message gives what remains;
    valueDate, paymentReference), InvalidMove (no plan, centre revoked)."""
    fen = funding.amount_fen(amount, "amount")
    ref = funding.reference(payment_reference)
    value_date = funding.value_day(value_date)
    async with funding.recording(actor, centre_id, "funding.pay_support") as change:
        centre = change.row
        funding.not_ended(centre)
        plan = await NationalSupportPlan.filter(centre_id=centre.id).using_db(change.conn).first()
        if plan is None:
            raise InvalidMove(
                "no national support plan has been recorded for this centre (R-FUND-3)",
                currentStatus=term(centre.status),
            )
        start, end = plan_years(plan)
        # not before the plan's five years, nor before the plan was decided
        earliest, since = max(
            (start, "the plan's first day"), (plan.decided_on, "the plan's decision")
        )
        funding.value_day(value_date, earliest=earliest, since=since)
        if value_date > end:
            raise BadInput(
                f"valueDate is within the plan's five years, {start} to {end} (R-FUND-3)",
                field="valueDate",
            )
        rows = await funding.entries(centre.id, FundingProgramme.NATIONAL_SUPPORT, change.conn)
        left = plan.total_fen - funding.net_paid(rows)
        if fen > left:
            raise BadInput(
                f"amount is at most what remains of the plan, {funding.cny(left)} (R-FUND-3)",
                field="amount",
            )
        if purpose is SupportPurpose.TALENT:
            talent_left = plan.talent_fen - funding.net_paid(rows, purpose=SupportPurpose.TALENT)
            if fen > talent_left:
                raise BadInput(
                    "amount is at most what remains of the talent share (人才队伍建设), "
                    f"{funding.cny(talent_left)} (R-FUND-3)",
                    field="amount",
                )
        row = await funding.disburse(
            actor,
            change,
            FundingProgramme.NATIONAL_SUPPORT,
            fen,
            value_date=value_date,
            payment_reference=ref,
            purpose=purpose,
        )
    return row
