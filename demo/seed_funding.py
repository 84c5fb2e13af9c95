"""The demo's funding ledger (R-FUND-1…4): a subsidy decision for every listed demo centre, its
instalments paid as its history allows, the national-level centre's support plan, dated from
the centres' own days and never after now.

- cultivating centres: the decision and the first instalment (on signing the task agreement),
  but for the last by name, left without a decision for the README to make;
- established, rectifying and revoked centres: both instalments (the second after establishment);
  the first established centre's second instalment was paid to a wrong account, reversed and
  paid again;
- the centre whose cultivation failed: the first instalment, and the second cancelled with the
  reason on the day cultivation failed;
- the national-level centre: a five-year plan of 52,680,000.00 (talent 9,600,000.00) with talent
  and general disbursements, one of them with an odd fen.

The cap comes from the investment the centre recorded (R-FUND-1); the approved subsidy is the cap
(as the task agreement's support measures say), split with the odd fen on the second instalment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from tortoise.backends.base.client import BaseDBAsyncClient

from demo.centres import CENTRES
from demo.helpers import CST, at_hour, det
from models.accounts import User
from models.centres import Centre, CentreStatus, CentreStatusEvent
from models.funding import (
    EntryKind,
    FundingProgramme,
    LedgerEntry,
    NationalSupportPlan,
    SubsidyDecision,
    SupportPurpose,
    national_plan_problem,
    split_instalments_fen,
    subsidy_cap_fen,
)
from models.money import to_fen

_LISTED = frozenset(
    {
        CentreStatus.CULTIVATING,
        CentreStatus.CULTIVATION_FAILED,
        CentreStatus.ESTABLISHED,
        CentreStatus.RECTIFYING,
        CentreStatus.REVOKED,
    }
)
_ENDED = frozenset({CentreStatus.CULTIVATION_FAILED, CentreStatus.REVOKED})
WRONG_ACCOUNT = "收款账户信息有误（开户行名称与账号不符），资金被退回，冲正后重新拨付。"
CANCELLED = "培育期满评估未通过，不予批复成立，第二期补助资金不再拨付（R-FUND-2）。"
# The national-level centre's plan (R-FUND-3), in fen: total, talent; and its disbursements as
# (days before today, purpose, amount).
PLAN_TOTAL_FEN = 5_268_000_000
PLAN_TALENT_FEN = 960_000_000
PLAN_DECIDED_DAYS_AGO = 800
PLAN_PAYMENTS: tuple[tuple[int, SupportPurpose, int], ...] = (
    (760, SupportPurpose.GENERAL, 1_053_600_000),
    (700, SupportPurpose.TALENT, 192_000_000),
    (400, SupportPurpose.GENERAL, 987_654_321),
    (330, SupportPurpose.TALENT, 192_000_000),
    (60, SupportPurpose.GENERAL, 1_053_600_000),
)


@dataclass
class _Rows:
    now: datetime
    decisions: list[SubsidyDecision] = field(default_factory=list)
    plans: list[NationalSupportPlan] = field(default_factory=list)
    entries: list[LedgerEntry] = field(default_factory=list)

    @property
    def today(self) -> date:
        return self.now.astimezone(CST).date()

    def day(self, wanted: date) -> date:
        return min(wanted, self.today)

    def moment(self, day: date, hour: int) -> datetime:
        return min(at_hour(day, hour), self.now)

    def enter(
        self,
        centre: Centre,
        kind: EntryKind,
        amount_fen: int,
        day: date,
        by: User | None,
        *,
        instalment: int | None = None,
        purpose: SupportPurpose | None = None,
        reason: str = "",
        reverses: LedgerEntry | None = None,
        hour: int = 10,
        at: datetime | None = None,
    ) -> LedgerEntry:
        programme = (
            FundingProgramme.SUBSIDY if purpose is None else FundingProgramme.NATIONAL_SUPPORT
        )
        row = LedgerEntry(
            centre_id=centre.id,
            programme=programme,
            kind=kind,
            instalment=instalment,
            purpose=purpose,
            amount_fen=amount_fen,
            value_date=day,
            year=day.year,
            payment_reference=(
                ""
                if kind is EntryKind.CANCELLATION
                else f"GXCZ{day:%Y%m%d}{det(centre.name, kind, day, amount_fen) % 10**6:06d}"
            ),
            reason=reason,
            reverses_id=None if reverses is None else reverses.id,
            recorded_by_id=None if by is None else by.id,
            created_at=min(at, self.now) if at is not None else self.moment(day, hour),
        )
        self.entries.append(row)
        return row

    async def save(self, conn: BaseDBAsyncClient) -> dict[str, int]:
        await SubsidyDecision.bulk_create(self.decisions, using_db=conn)
        await NationalSupportPlan.bulk_create(self.plans, using_db=conn)
        # In order: a reversal follows the disbursement it names (one-to-one).
        await LedgerEntry.bulk_create(self.entries, using_db=conn)
        return {
            "subsidy_decisions": len(self.decisions),
            "support_plans": len(self.plans),
            "ledger_entries": len(self.entries),
        }


def _subsidy(
    rows: _Rows, centre: Centre, staff: User, ended: CentreStatusEvent | None, *, wrong: bool
) -> None:
    """The decision on the listing day and the instalments the centre's history allows."""
    listed = centre.listed_on
    assert listed is not None
    fixed = to_fen(centre.fixed_asset_investment or Decimal(0), allow_zero=True)
    software = to_fen(centre.software_investment or Decimal(0), allow_zero=True)
    cap = subsidy_cap_fen(fixed + software)
    first, second = split_instalments_fen(cap)
    decided = rows.day(listed)
    rows.decisions.append(
        SubsidyDecision(
            centre_id=centre.id,
            fixed_asset_investment_fen=fixed,
            software_investment_fen=software,
            cap_fen=cap,
            approved_fen=cap,
            first_instalment_fen=first,
            second_instalment_fen=second,
            decided_on=decided,
            decided_by_id=staff.id,
            created_at=rows.moment(decided, 9),
        )
    )
    paid_on = rows.day(listed + timedelta(days=21 + det(centre.name, "first") % 20))
    rows.enter(centre, EntryKind.DISBURSEMENT, first, paid_on, staff, instalment=1)
    if centre.established_on is not None:
        day = rows.day(centre.established_on + timedelta(days=25 + det(centre.name, "2") % 20))
        paid = rows.enter(centre, EntryKind.DISBURSEMENT, second, day, staff, instalment=2)
        if wrong:
            back, again = rows.day(day + timedelta(days=3)), rows.day(day + timedelta(days=8))
            rows.enter(
                centre,
                EntryKind.REVERSAL,
                -second,
                back,
                staff,
                instalment=2,
                reason=WRONG_ACCOUNT,
                reverses=paid,
                hour=11,
            )
            rows.enter(centre, EntryKind.DISBURSEMENT, second, again, staff, instalment=2, hour=12)
    elif ended is not None and centre.status is CentreStatus.CULTIVATION_FAILED:
        # recorded with the move that ended cultivation, by the same hand
        at = ended.created_at + timedelta(minutes=5)
        by = None if ended.actor_id is None else staff
        rows.enter(
            centre,
            EntryKind.CANCELLATION,
            second,
            at.astimezone(CST).date(),
            by,
            instalment=2,
            reason=CANCELLED,
            at=at,
        )


def _national(rows: _Rows, centre: Centre, staff: User) -> None:
    """A five-year plan decided after establishment, with its disbursements so far."""
    assert national_plan_problem(PLAN_TOTAL_FEN, PLAN_TALENT_FEN) is None
    earliest = (centre.established_on or rows.today) + timedelta(days=90)
    decided = rows.day(max(rows.today - timedelta(days=PLAN_DECIDED_DAYS_AGO), earliest))
    rows.plans.append(
        NationalSupportPlan(
            centre_id=centre.id,
            first_year=decided.year,
            total_fen=PLAN_TOTAL_FEN,
            talent_fen=PLAN_TALENT_FEN,
            decided_on=decided,
            decided_by_id=staff.id,
            created_at=rows.moment(decided, 9),
        )
    )
    for days_ago, purpose, amount in PLAN_PAYMENTS:
        day = max(rows.today - timedelta(days=days_ago), decided)
        rows.enter(centre, EntryKind.DISBURSEMENT, amount, day, staff, purpose=purpose, hour=14)


async def seed_funding(conn: BaseDBAsyncClient, now: datetime) -> dict[str, int]:
    """Decisions, plans and ledger entries of the listed demo centres that have none (idempotent);
    a demo centre moved on by someone since is left alone."""
    specs = {spec.name: spec for spec in CENTRES if spec.status in _LISTED}
    centres = [
        c
        for c in await Centre.filter(name__in=list(specs)).using_db(conn).order_by("name")
        if c.status is specs[c.name].status and c.listed_on is not None
    ]
    ids = [c.id for c in centres]
    decided = set(
        await SubsidyDecision.filter(centre_id__in=ids)
        .using_db(conn)
        .values_list("centre_id", flat=True)
    )
    planned = set(
        await NationalSupportPlan.filter(centre_id__in=ids)
        .using_db(conn)
        .values_list("centre_id", flat=True)
    )
    ended = {
        e.centre_id: e
        for e in await CentreStatusEvent.filter(centre_id__in=ids, to_status__in=list(_ENDED))
        .using_db(conn)
        .order_by("created_at")
    }
    staff = await User.filter(username="staff").using_db(conn).get()
    rows = _Rows(now)
    wrong_account = next(
        (c.id for c in centres if c.status is CentreStatus.ESTABLISHED and not c.is_national), None
    )
    # The last cultivating centre is left without a decision: the README decides and pays it.
    undecided = next(
        (c.id for c in reversed(centres) if c.status is CentreStatus.CULTIVATING), None
    )
    for centre in centres:
        if centre.id not in decided and centre.id != undecided:
            _subsidy(rows, centre, staff, ended.get(centre.id), wrong=centre.id == wrong_account)
        if centre.is_national and centre.id not in planned:
            _national(rows, centre, staff)
    return await rows.save(conn)
