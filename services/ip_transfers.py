"""Transfers of IP and the revenue they bring, shared exactly (R-IP-3).

A licence (exclusive or not), an assignment (转让) or an equity investment (作价入股) is recorded
with its counterparty, amount (CNY, two places, zero allowed for a royalty-free licence), UTC+8
day and contract reference. Its revenue is split among the owners of the share set in force on
that day — the latest set effective on or before it, even one whose owner has since left the
alliance — by ``split_revenue_fen``: each part rounded down to the fen, the fen left over one each
to the largest rounding remainders (ties: the larger share, then the smaller organisation id).
The parts add up to the amount.

An assignment moves the asset's legal status to ``transferred`` (its version + 1); an assigned
asset takes no further transfers (InvalidMove).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from models.ip_register import (
    IpRevenueShare,
    IpShareSet,
    IpTransfer,
    LegalStatus,
    TransferKind,
    split_revenue_fen,
)
from models.money import NotAnAmount, to_fen
from models.vocabulary import term
from services.actor import Actor
from services.errors import BadInput, InvalidMove
from services.ip_register import changing_asset, editable_asset, shares_of
from services.values import not_future, text

COUNTERPARTY_LIMIT = 200
REFERENCE_LIMIT = 64


def revenue_fen(amount: Decimal) -> int:
    """The amount in whole fen: CNY, at most two places, from 0 (a royalty-free licence) to
    10^13. Raises BadInput(field "amount") for NaN, infinities, negatives, a third place or more
    than that (e.g. 1e400)."""
    try:
        return to_fen(amount, allow_zero=True)
    except (NotAnAmount, TypeError, ArithmeticError) as problem:
        raise BadInput(str(problem) or "amount is not an amount of CNY", field="amount") from None


async def record_transfer(
    actor: Actor,
    asset_id: str,
    *,
    kind: TransferKind,
    counterparty: str,
    amount: Decimal,
    transferred_on: date | None,
    contract_reference: str,
) -> IpTransfer:
    """R-IP-3: the co-owners or the centre's lead record a transfer, and each owner's part of
    its revenue (``IpRevenueShare``, in the year of ``transferred_on``) by the shares in force
    that day. ``transferred_on`` is a UTC+8 day (today when not given), not in the future, not
    before filing.

    Raises NotFound, NotAllowed (audited), BadInput (amount, counterparty, contractReference,
    transferredOn — also when no shares were in force that day), InvalidMove (already assigned)."""
    authz, found = await editable_asset(actor, asset_id, "transfer")
    counterparty = text(counterparty, "counterparty", COUNTERPARTY_LIMIT)
    reference = text(contract_reference, "contractReference", REFERENCE_LIMIT)
    fen = revenue_fen(amount)
    day = not_future(transferred_on, "transferredOn")
    async with changing_asset(actor, authz, found.id, "transfer") as change:
        asset = change.row
        if asset.legal_status == LegalStatus.TRANSFERRED:
            raise InvalidMove(
                "the asset has been assigned: it takes no further transfers",
                currentStatus=term(LegalStatus.TRANSFERRED),
            )
        if asset.filed_on is not None and day < asset.filed_on:
            raise BadInput("transferredOn is before the asset was filed", field="transferredOn")
        in_force = (
            await IpShareSet.filter(asset_id=asset.id, effective_on__lte=day)
            .using_db(change.conn)
            .order_by("-effective_on", "-number")
            .first()
        )
        if in_force is None:
            raise BadInput("no shares of the asset were in force that day", field="transferredOn")
        shares = await shares_of(in_force.id, change.conn)
        parts = split_revenue_fen(fen, shares)
        transfer = await IpTransfer.create(
            asset_id=asset.id,
            centre_id=asset.centre_id,
            kind=kind,
            counterparty=counterparty,
            amount_fen=fen,
            transferred_on=day,
            year=day.year,
            contract_reference=reference,
            share_set_id=in_force.id,
            recorded_by_id=authz.user_id,
            using_db=change.conn,
        )
        await IpRevenueShare.bulk_create(
            [
                IpRevenueShare(
                    transfer_id=transfer.id,
                    centre_id=asset.centre_id,
                    organisation_id=org,
                    year=day.year,
                    amount_fen=part,
                )
                for org, part in sorted(parts.items(), key=lambda item: str(item[0]))
            ],
            using_db=change.conn,
        )
        before = asset.snapshot()
        if kind is TransferKind.ASSIGNMENT:
            asset.legal_status = LegalStatus.TRANSFERRED
            asset.version += 1
            await asset.save(using_db=change.conn, update_fields=["legal_status", "version"])
        change.record(
            before=before,
            after={
                **asset.snapshot(),
                "transfer": {
                    "id": str(transfer.id),
                    **transfer.snapshot(),
                    "share_set": in_force.number,
                    "revenue_fen": {str(o): p for o, p in sorted(parts.items(), key=str)},
                },
            },
        )
    return transfer
