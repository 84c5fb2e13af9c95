"""The funding ledger's shared steps (R-FUND-2…4): amounts and references as typed, the centre
locked for a funding write, reversals, and the cancellation a failure or revocation makes.

The subsidy decision and its instalments are in ``services/subsidy.py``, the national support
plan and its disbursements in ``services/national_support.py``. Every write here runs in one
transaction that holds the centre's row lock (``changes.changing_centre``), so two payments of
the same centre are serialized and the second sees the first. The ledger is append-only: a
correction is a reversing entry, never an edit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import date
from decimal import Decimal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from models.base import programme_today
from models.centres import Centre, CentreStatus
from models.funding import (
    EntryKind,
    FundingProgramme,
    LedgerEntry,
    SubsidyDecision,
    SupportPurpose,
)
from models.money import NotAnAmount, to_cny, to_fen
from models.vocabulary import term
from policies import scopes
from policies.vocabulary import Action, Resource
from services.access import centre_for, find
from services.actor import Actor
from services.changes import Change, changing_centre
from services.errors import BadInput, Conflict, InvalidMove
from services.ids import parse_id
from services.values import comment, programme_day, text

REFERENCE_LIMIT = 64  # characters of a payment reference (ledger_entry.payment_reference)
ENDED = frozenset({CentreStatus.CULTIVATION_FAILED, CentreStatus.REVOKED})


def amount_fen(value: Decimal, field: str, *, allow_zero: bool = False) -> int:
    """An amount of CNY as typed (a Decimal, at most two places, up to 10^13) in whole fen
    (R-FUND-4). Raises BadInput naming ``field`` for NaN, infinities, negatives, zero (unless
    ``allow_zero``), a third decimal place or an amount too large."""
    try:
        return to_fen(value, allow_zero=allow_zero)
    except (NotAnAmount, ArithmeticError, TypeError) as exc:
        reason = str(exc) if isinstance(exc, NotAnAmount) else "an amount is a finite number"
        raise BadInput(f"{field}: {reason} (CNY, R-FUND-4)", field=field) from None


def reference(value: str, field: str = "paymentReference") -> str:
    """A payment reference (bank voucher or treasury number): 1 to 64 visible characters, no
    control characters. Raises BadInput naming ``field``."""
    return text(value, field, REFERENCE_LIMIT)


def value_day(
    value: date | None,
    field: str = "valueDate",
    *,
    earliest: date | None = None,
    since: str = "",
) -> date:
    """A payment's value date (UTC+8 calendar day; today when not given): not in the future and
    not before ``earliest`` (``since`` says what that day is, for the message). Raises BadInput
    naming ``field``."""
    value = value if value is not None else programme_today()
    programme_day(value, field)
    if value > programme_today():
        raise BadInput(f"{field} cannot be in the future (UTC+8)", field=field)
    if earliest is not None and value < earliest:
        what = f"{since}, " if since else ""
        raise BadInput(f"{field} cannot be before {what}{earliest}", field=field)
    return value


def cny(fen: int) -> str:
    """An amount of fen as the text a message shows (``12,345.60 CNY``)."""
    return f"{to_cny(fen):,} CNY"


def not_ended(centre: Centre) -> None:
    """Refuse funding for a centre whose cultivation failed or that was revoked (R-FUND-2)."""
    if centre.status in ENDED:
        raise InvalidMove(
            f"no funding is recorded for a centre that is {term(centre.status)} (R-FUND-2)",
            currentStatus=term(centre.status),
        )


@asynccontextmanager
async def recording(actor: Actor, centre_id: object, name: str) -> AsyncIterator[Change[Centre]]:
    """Provincial staff write to a centre's funding: the caller cleared (FUNDING RECORD), then
    one transaction with the centre row locked and the audit entry ``name``. Raises NotFound,
    NotAllowed."""
    _, centre = await centre_for(
        actor, parse_id(centre_id, "centre"), Resource.FUNDING, Action.RECORD
    )
    async with changing_centre(
        actor, centre.id, resource=Resource.FUNDING, action=Action.RECORD, name=name
    ) as change:
        yield change


async def disburse(
    actor: Actor,
    change: Change[Centre],
    programme: FundingProgramme,
    amount_fen: int,
    *,
    value_date: date,
    payment_reference: str,
    instalment: int | None = None,
    purpose: SupportPurpose | None = None,
) -> LedgerEntry:
    """Append one disbursement to the centre's ledger inside ``recording``'s transaction, and
    let its audit entry say so (after: the entry)."""
    row = await LedgerEntry.create(
        centre_id=change.row.id,
        programme=programme,
        kind=EntryKind.DISBURSEMENT,
        instalment=instalment,
        purpose=purpose,
        amount_fen=amount_fen,
        value_date=value_date,
        year=value_date.year,
        payment_reference=payment_reference,
        recorded_by_id=actor.acting_user_id,
        using_db=change.conn,
    )
    change.record(before=None, after=row.snapshot(), object_id=row.id)
    return row


async def entries(
    centre_id: object, programme: FundingProgramme, conn: BaseDBAsyncClient
) -> list[LedgerEntry]:
    """Every ledger entry of a centre under ``programme``, read on ``conn`` (inside the lock)."""
    return await LedgerEntry.filter(centre_id=centre_id, programme=programme).using_db(conn)


def net_paid(rows: Iterable[LedgerEntry], **match: object) -> int:
    """Fen paid net of reversals among ``rows`` whose attributes equal ``match``."""
    return sum(
        r.amount_fen
        for r in rows
        if r.kind in (EntryKind.DISBURSEMENT, EntryKind.REVERSAL)
        and all(getattr(r, k) == v for k, v in match.items())
    )


def cancelled(rows: Iterable[LedgerEntry], instalment: int) -> bool:
    """Whether the subsidy instalment has a cancellation entry (R-FUND-2)."""
    return any(r.kind is EntryKind.CANCELLATION and r.instalment == instalment for r in rows)


async def reverse_entry(actor: Actor, entry_id: str, reason: str) -> LedgerEntry:
    """Provincial staff correct a disbursement by a reversing entry (R-FUND-2, R-FUND-4): a new
    row of the opposite amount that names it (``reverses``), with the reason; the disbursement
    itself is never changed. Reversals and cancellations are not reversed; a disbursement is
    reversed once (the database refuses a second). The reversal keeps the disbursement's
    programme, instalment, purpose, value date and reference, so per-year sums net out. After it
    the instalment (or the plan's amount) may be paid again; on a failed or revoked centre the
    instalment it frees is cancelled at once. Raises NotFound, NotAllowed, BadInput (reason),
    InvalidMove (not a disbursement), Conflict (already reversed)."""
    authz = await actor.require(Resource.FUNDING, Action.RECORD)
    entry = await find(scopes.visible_ledger(authz), entry_id, "ledger entry")
    why = comment(reason, "reason")
    if not why:
        raise BadInput("say why the entry is reversed", field="reason")
    async with recording(actor, entry.centre_id, "funding.reverse_entry") as change:
        entry = await LedgerEntry.filter(id=entry.id).using_db(change.conn).get()
        if entry.kind is not EntryKind.DISBURSEMENT:
            raise InvalidMove(
                f"only a disbursement is reversed; this entry is a {term(entry.kind)}",
                currentStatus=term(entry.kind),
            )
        if await LedgerEntry.filter(reverses_id=entry.id).using_db(change.conn).exists():
            raise Conflict("this disbursement has already been reversed")
        try:
            row = await LedgerEntry.create(
                centre_id=entry.centre_id,
                programme=entry.programme,
                kind=EntryKind.REVERSAL,
                instalment=entry.instalment,
                purpose=entry.purpose,
                amount_fen=-entry.amount_fen,
                value_date=entry.value_date,
                year=entry.year,
                payment_reference=entry.payment_reference,
                reason=why,
                reverses_id=entry.id,
                recorded_by_id=actor.acting_user_id,
                using_db=change.conn,
            )
        except IntegrityError:
            raise Conflict("this disbursement has already been reversed") from None
        change.record(before=None, after=row.snapshot(), object_id=row.id)
        if entry.programme is FundingProgramme.SUBSIDY and change.row.status in ENDED:
            note = f"{why} — reversed after the centre became {change.row.status}"
            await cancel_unpaid(change.row, note, actor, change.conn)
    return row


async def cancel_unpaid(
    centre: Centre,
    reason: str,
    actor: Actor,
    conn: BaseDBAsyncClient,
    *,
    today: date | None = None,
) -> list[LedgerEntry]:
    """R-FUND-2: cancel every unpaid, uncancelled instalment of the centre's subsidy decision
    once it is ``cultivation_failed`` or ``revoked`` (nothing otherwise), inside the caller's
    transaction ``conn`` (the move's, which holds the centre's lock). Each cancellation carries
    the instalment's amount, the reason (or a fixed text naming the status), the day (UTC+8) and
    the acting user (None for the system), and is audited. Returns the entries made."""
    if centre.status not in ENDED:
        return []
    decision = await SubsidyDecision.filter(centre_id=centre.id).using_db(conn).first()
    if decision is None:
        return []
    day = today or programme_today()
    why = reason.strip() or f"the centre became {centre.status} (R-FUND-2)"
    rows = await entries(centre.id, FundingProgramme.SUBSIDY, conn)
    made: list[LedgerEntry] = []
    for number in (1, 2):
        if net_paid(rows, instalment=number) or cancelled(rows, number):
            continue
        row = await LedgerEntry.create(
            centre_id=centre.id,
            programme=FundingProgramme.SUBSIDY,
            kind=EntryKind.CANCELLATION,
            instalment=number,
            amount_fen=decision.instalment_fen(number),
            value_date=day,
            year=day.year,
            reason=why,
            recorded_by_id=actor.acting_user_id,
            using_db=conn,
        )
        await actor.audit_change(
            conn,
            Resource.FUNDING,
            Action.RECORD,
            row.id,
            after=row.snapshot(),
            name="funding.cancel_instalment",
        )
        made.append(row)
    return made
