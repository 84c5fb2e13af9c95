"""Recording and editing IP assets and their shares (R-IP-1, R-IP-2, R-IP-4).

An asset belongs to a centre and is co-owned by organisations of its alliance in percent shares
that add up to exactly 100. Shares are numbered sets, each effective from a UTC+8 day: a change
records the next set and never touches an earlier one, so who held what, when, stays readable.
Every change is audited with what it was before and after (R-ACC-6).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tortoise.exceptions import IntegrityError

from models.audit import Outcome
from models.ip_register import IpAsset, IpKind, IpShareSet, IpTransfer, LegalStatus
from models.vocabulary import term
from policies.vocabulary import Action, Resource
from services.access import centre_for
from services.actor import Actor
from services.changes import changing_centre
from services.errors import BadInput, Conflict, InvalidMove, NotAllowed
from services.ids import parse_id
from services.ip_register import (
    TITLE_LIMIT,
    Owner,
    asset_number,
    changing_asset,
    check_dates,
    create_share_set,
    editable_asset,
    latest_share_set,
    leads_centre,
    owner_shares,
    require_current_members,
    shares_json,
    shares_of,
    shares_taken,
    unique_number,
)
from services.values import not_future, text


@dataclass(frozen=True, slots=True)
class AssetFacts:
    """What describes an asset: its number (see ``asset_number``), UTC+8 dates and status."""

    title: str
    number: str | None
    filed_on: date | None
    granted_on: date | None
    legal_status: LegalStatus


async def record_asset(
    actor: Actor,
    centre_id: str,
    kind: IpKind,
    facts: AssetFacts,
    *,
    owners: Sequence[Owner],
    effective_on: date | None = None,
) -> IpAsset:
    """R-IP-1: a member of the centre's alliance records an asset its organisation co-owns,
    with its owners' shares (R-IP-2: exactly 100; R-IP-4: each a current member), which become
    share set 1, effective ``effective_on`` (UTC+8, default today, not in the future).

    Raises NotFound (centre outside scope), NotAllowed (not a member, or the caller's
    organisation is not among the owners; audited), BadInput (owners, number, dates, title),
    Conflict (the number is already recorded for this kind)."""
    authz, centre = await centre_for(
        actor, parse_id(centre_id, "centre"), Resource.IP_ASSET, Action.CREATE
    )
    title = text(facts.title, "title", TITLE_LIMIT)
    number = asset_number(kind, facts.number)
    check_dates(kind, facts.filed_on, facts.granted_on, facts.legal_status)
    effective = not_future(effective_on, "effectiveOn")
    shares = owner_shares(owners)
    mine = authz.access(Resource.IP_ASSET, Action.CREATE).organisations
    if not mine & set(shares):
        await actor.audit(
            "ip_asset.create", Outcome.DENIED, object_type="centre", object_id=str(centre.id)
        )
        raise NotAllowed(
            "a member records IP its own organisation co-owns: list your organisation among "
            "the owners"
        )
    await require_current_members(authz, centre.id, set(shares))
    try:
        async with changing_centre(
            actor, centre.id, resource=Resource.IP_ASSET, action=Action.CREATE
        ) as change:
            await unique_number(kind, number, change.conn)
            asset = await IpAsset.create(
                centre_id=centre.id,
                kind=kind,
                title=title,
                number=number,
                filed_on=facts.filed_on,
                granted_on=facts.granted_on,
                legal_status=facts.legal_status,
                recorded_by_id=authz.user_id,
                using_db=change.conn,
            )
            await create_share_set(
                asset.id,
                number=1,
                effective_on=effective,
                shares=shares,
                recorded_by=authz.user_id,
                conn=change.conn,
            )
            change.record(
                before=None,
                after={
                    **asset.snapshot(),
                    "share_set": 1,
                    "effective_on": effective.isoformat(),
                    "shares": shares_json(shares),
                },
                object_id=asset.id,
            )
    except IntegrityError:  # a concurrent record of the same number won the race
        raise Conflict(
            f"an asset of kind {term(kind)} numbered {number} is already in the register"
        ) from None
    return asset


async def update_asset(
    actor: Actor,
    asset_id: str,
    version: int,
    *,
    title: str | None = None,
    number: str | None = None,
    filed_on: date | None = None,
    granted_on: date | None = None,
    legal_status: LegalStatus | None = None,
) -> IpAsset:
    """The co-owners or the centre's lead edit an asset's title, number, dates or status (a
    value not given stays; a date cannot be cleared here). ``version`` is the version read:
    a stale one is refused (Conflict, with ``currentVersion``). The same checks as recording.

    Raises NotFound, NotAllowed (audited), BadInput, Conflict."""
    authz, found = await editable_asset(actor, asset_id, "update")
    try:
        async with changing_asset(actor, authz, found.id) as change:
            asset = change.row
            if asset.version != version:
                raise Conflict(
                    f"the asset was changed meanwhile (now version {asset.version}): reload it",
                    currentVersion=asset.version,
                )
            kind = IpKind(asset.kind)
            if title is not None:
                asset.title = text(title, "title", TITLE_LIMIT)
            if number is not None:
                asset.number = asset_number(kind, number)
                await unique_number(kind, asset.number, change.conn, besides=asset.id)
            asset.filed_on = filed_on if filed_on is not None else asset.filed_on
            asset.granted_on = granted_on if granted_on is not None else asset.granted_on
            if legal_status is not None and legal_status is not asset.legal_status:
                # R-IP-3: only an assignment transfers an asset, and nothing comes back after it
                if LegalStatus.TRANSFERRED in (legal_status, asset.legal_status):
                    raise InvalidMove(
                        "an asset becomes transferred only by recording its assignment, and a "
                        "transferred asset's status is final (R-IP-3)",
                        currentStatus=term(asset.legal_status),
                    )
                asset.legal_status = legal_status
            check_dates(kind, asset.filed_on, asset.granted_on, LegalStatus(asset.legal_status))
            asset.version += 1
            await asset.save(using_db=change.conn)
    except IntegrityError:
        raise Conflict(
            f"an asset of kind {term(found.kind)} numbered {number} is already in the register"
        ) from None
    return asset


_NOT_THEIRS = (
    "a co-owner gives away only its own share; only the centre's lead changes another owner's "
    "share (R-IP-2)"
)


async def change_shares(
    actor: Actor, asset_id: str, owners: Sequence[Owner], effective_on: date | None = None
) -> IpShareSet:
    """R-IP-2: the co-owners or the lead record who holds the asset from ``effective_on``
    (UTC+8, default today, not in the future): the next share set, the earlier ones kept. A
    co-owner that does not lead the centre may only give away part of its own share (no other
    owner's share goes down); the lead may reallocate any.

    An owner that has left the alliance keeps its share and may stay in the new set; only an
    owner being added must be a current member (R-IP-4). ``effective_on`` is not before the
    current set's, and after the last recorded transfer's day (a transfer keeps the split it was
    recorded with, which must stay the one in force on its day). Raises NotFound, NotAllowed
    (audited), BadInput (owners, effectiveOn)."""
    authz, found = await editable_asset(actor, asset_id, "change_shares")
    shares = owner_shares(owners)
    effective = not_future(effective_on, "effectiveOn")
    mine = authz.access(Resource.IP_ASSET, Action.UPDATE).organisations
    lead = await leads_centre(authz, found)
    before = await latest_share_set(found.id)
    held_before = {} if before is None else await shares_of(before.id)
    if shares_taken(held_before, shares, mine) and not lead:
        # decided before the write's transaction, so that the refusal's audit entry stays
        await actor.audit(
            "ip_asset.change_shares",
            Outcome.DENIED,
            object_type="ip_asset",
            object_id=str(found.id),
        )
        raise NotAllowed(_NOT_THEIRS)
    async with changing_asset(actor, authz, found.id, "change_shares") as change:
        current = await latest_share_set(found.id, change.conn)
        held = {} if current is None else await shares_of(current.id, change.conn)
        if held == shares:
            raise BadInput("these are the shares in force already", field="owners")
        if shares_taken(held, shares, mine) and not lead:  # changed since the check above
            raise NotAllowed(_NOT_THEIRS)
        if current is not None and effective < current.effective_on:
            raise BadInput(
                f"effectiveOn is before the current shares' ({current.effective_on})",
                field="effectiveOn",
            )
        last = (
            await IpTransfer.filter(asset_id=found.id)
            .using_db(change.conn)
            .order_by("-transferred_on")
            .first()
        )
        if last is not None and effective <= last.transferred_on:
            raise BadInput(
                f"effectiveOn must be after the last transfer's day ({last.transferred_on})",
                field="effectiveOn",
            )
        await require_current_members(authz, found.centre_id, set(shares) - set(held))
        number = 1 if current is None else current.number + 1
        share_set = await create_share_set(
            found.id,
            number=number,
            effective_on=effective,
            shares=shares,
            recorded_by=authz.user_id,
            conn=change.conn,
        )
        change.record(
            before=None
            if current is None
            else {
                "share_set": current.number,
                "effective_on": current.effective_on.isoformat(),
                "shares": shares_json(held),
            },
            after={
                "share_set": number,
                "effective_on": effective.isoformat(),
                "shares": shares_json(shares),
            },
        )
    return share_set
