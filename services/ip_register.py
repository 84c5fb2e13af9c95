"""The IP-sharing register's shared checks (R-IP-1…4): who may change an asset, owners and their
shares, numbers and dates. The operations are in ``services/ip_assets.py`` (record, edit, change
shares) and ``services/ip_transfers.py`` (licences, assignments, equity investments).

Who does what (R-ACC-3, R-ACC-5): any current member of a centre's alliance records an asset its
organisation co-owns; the asset's co-owners (any organisation in its current share set that is
still a member, so that it still reads the register) and the centre's lead edit it, change its
shares and record its transfers. Another member reads the asset but may not change it
(NotAllowed, audited); outside the reading scope an asset is NotFound, like a missing id.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from tortoise.backends.base.client import BaseDBAsyncClient

from models.audit import Outcome
from models.base import programme_today
from models.centres import Centre
from models.ip_register import (
    PATENT_KINDS,
    SHARE_PLACES,
    IpAsset,
    IpKind,
    IpShare,
    IpShareSet,
    LegalStatus,
    normalise_number,
    patent_number_problem,
    share_sum_problem,
)
from models.vocabulary import term
from policies import scopes
from policies.enforcer import Authorizer
from policies.vocabulary import Action, Resource
from services.actor import Actor
from services.changes import Change, changing
from services.errors import BadInput, Conflict, NotAllowed, NotFound
from services.ids import global_id, parse_id
from services.values import programme_day, text

TITLE_LIMIT = 300
NUMBER_LIMIT = 64
MOST_OWNERS = 50
# Kinds recorded without a number (a technical secret is not published; "other" may have none).
UNNUMBERED = frozenset({IpKind.TECHNICAL_SECRET, IpKind.OTHER})
# A grant date belongs to an asset that was granted: granted, lapsed after grant, or transferred.
GRANTED_STATES = frozenset({LegalStatus.GRANTED, LegalStatus.LAPSED, LegalStatus.TRANSFERRED})


@dataclass(frozen=True, slots=True)
class Owner:
    """An owner as given: an organisation's id (global or bare) and its share in percent."""

    organisation_id: str
    share: Decimal


def owner_shares(owners: Sequence[Owner]) -> dict[UUID, Decimal]:
    """The owners as ``{organisation id: share}`` (shares in their stored form, four places).

    R-IP-2: at least one owner, none twice, each share above 0 with at most four places, the sum
    exactly 100. Raises BadInput(field "owners"), the message giving the sum (e.g. 99.99)."""
    if len(owners) > MOST_OWNERS:
        raise BadInput(f"an asset has at most {MOST_OWNERS} owners", field="owners")
    shares: dict[UUID, Decimal] = {}
    for owner in owners:
        try:
            org = parse_id(owner.organisation_id, "organisation")
        except NotFound:
            raise BadInput("an owner is not an organisation's id", field="owners") from None
        if org in shares:
            raise BadInput("an organisation is listed twice among the owners", field="owners")
        shares[org] = owner.share
    problem = share_sum_problem(shares)
    if problem:
        raise BadInput(f"{problem} (R-IP-2)", field="owners")
    return {org: share.quantize(SHARE_PLACES) for org, share in shares.items()}


async def require_current_members(
    authz: Authorizer, centre_id: UUID, organisations: set[UUID]
) -> None:
    """R-IP-4: each of ``organisations`` is a current member of the centre's alliance (joined,
    not left). Raises BadInput(field "owners") naming the first one that is not (by name when
    the caller may read it, else by the id given)."""
    if not organisations:
        return
    members = scopes.visible_alliance_members(authz).filter(
        centre_id=centre_id, organisation_id__in=list(organisations), left_on=None
    )
    current = set(await members.values_list("organisation_id", flat=True))
    outside = sorted((org for org in organisations if org not in current), key=str)
    if not outside:
        return
    named = await scopes.visible_organisations(authz).get_or_none(id=outside[0])
    who = named.name if named is not None else global_id("Organisation", outside[0])
    raise BadInput(
        f"{who} is not a current member of the centre's alliance; only members own its IP (R-IP-4)",
        field="owners",
    )


def asset_number(kind: IpKind, number: str | None) -> str | None:
    """An asset's number in its stored form (``normalise_number``), None for none.

    Required except for technical secrets and "other"; a patent's is a CNIPA application number
    of its kind with a right check digit (R-IP-1). Raises BadInput(field "number")."""
    given = text(number or "", "number", NUMBER_LIMIT, required=False)
    if not given:
        if kind in UNNUMBERED:
            return None
        raise BadInput(f"an asset of kind {term(kind)} has a number", field="number")
    stored = normalise_number(given)
    problem = patent_number_problem(kind, stored)
    if problem:
        raise BadInput(problem, field="number")
    return stored


async def unique_number(
    kind: IpKind, number: str | None, conn: BaseDBAsyncClient, *, besides: UUID | None = None
) -> None:
    """R-IP-1: one asset per kind and number. Raises Conflict naming the number."""
    if number is None:
        return
    taken = IpAsset.filter(kind=kind, number=number).using_db(conn)
    if besides is not None:
        taken = taken.exclude(id=besides)
    if await taken.exists():
        raise Conflict(
            f"an asset of kind {term(kind)} numbered {number} is already in the register"
        )


def _past_day(day: date | None, field: str) -> date | None:
    if day is None:
        return None
    programme_day(day, field)
    if day > programme_today():
        raise BadInput(f"{field} cannot be in the future", field=field)
    return day


def check_dates(
    kind: IpKind, filed_on: date | None, granted_on: date | None, status: LegalStatus
) -> None:
    """R-IP-1's dates (UTC+8 days, from 2000, never in the future): a patent has its filing
    date; a grant date is not before filing, and is given exactly when the asset was granted
    (granted; lapsed or transferred may have one or not: lapsed before grant, assigned while
    pending); a pending asset has none. Raises BadInput naming the field."""
    _past_day(filed_on, "filedOn")
    _past_day(granted_on, "grantedOn")
    if kind in PATENT_KINDS and filed_on is None:
        raise BadInput("a patent has its filing date", field="filedOn")
    if granted_on is not None and status not in GRANTED_STATES:
        raise BadInput(f"a {term(status)} asset has no grant date", field="grantedOn")
    if status is LegalStatus.GRANTED and granted_on is None:
        raise BadInput("a granted asset has its grant date", field="grantedOn")
    if filed_on is not None and granted_on is not None and granted_on < filed_on:
        raise BadInput("grantedOn is before filedOn", field="grantedOn")


async def latest_share_set(
    asset_id: UUID, conn: BaseDBAsyncClient | None = None
) -> IpShareSet | None:
    """The asset's current share set: the highest number."""
    query = IpShareSet.filter(asset_id=asset_id).order_by("-number")
    if conn is not None:
        query = query.using_db(conn)
    return await query.first()


async def shares_of(
    share_set_id: UUID, conn: BaseDBAsyncClient | None = None
) -> dict[UUID, Decimal]:
    """``{organisation id: share}`` of one share set."""
    query = IpShare.filter(share_set_id=share_set_id)
    if conn is not None:
        query = query.using_db(conn)
    return {row.organisation_id: row.share for row in await query}


async def create_share_set(
    asset_id: UUID,
    *,
    number: int,
    effective_on: date,
    shares: dict[UUID, Decimal],
    recorded_by: UUID,
    conn: BaseDBAsyncClient,
) -> IpShareSet:
    """Store share set ``number`` with its rows (never an update of an earlier set)."""
    share_set = await IpShareSet.create(
        asset_id=asset_id,
        number=number,
        effective_on=effective_on,
        recorded_by_id=recorded_by,
        using_db=conn,
    )
    await IpShare.bulk_create(
        [IpShare(share_set_id=share_set.id, organisation_id=o, share=s) for o, s in shares.items()],
        using_db=conn,
    )
    return share_set


def shares_json(shares: dict[UUID, Decimal]) -> dict[str, str]:
    """Shares as the audit log keeps them."""
    return {str(org): str(share) for org, share in sorted(shares.items(), key=lambda i: str(i[0]))}


def changing_asset(
    actor: Actor, authz: Authorizer, asset_id: UUID, step: str | None = None
) -> AbstractAsyncContextManager[Change[IpAsset]]:
    """``changing`` on an asset the caller was cleared to edit (``editable_asset``): the row
    locked in the caller's UPDATE scope, the audit entry ``ip_asset.<step>`` (default
    ``ip_asset.update``) written on leaving."""
    return changing(
        actor,
        scopes.visible_ip_assets(authz, Action.UPDATE),
        asset_id,
        what="ip asset",
        resource=Resource.IP_ASSET,
        action=Action.UPDATE,
        name=None if step is None else f"ip_asset.{step}",
    )


async def leads_centre(authz: Authorizer, asset: IpAsset) -> bool:
    """Whether one of the caller's organisations leads the asset's centre."""
    mine = authz.access(Resource.IP_ASSET, Action.UPDATE).organisations
    lead = (
        await scopes.visible_centres(authz)
        .filter(id=asset.centre_id)
        .values_list("lead_organisation_id", flat=True)
    )
    return bool(mine & set(lead))


def shares_taken(
    held: dict[UUID, Decimal], wanted: dict[UUID, Decimal], mine: frozenset[UUID]
) -> list[UUID]:
    """The owners other than the caller's organisations whose share ``wanted`` reduces or
    removes (R-IP-2: only the centre's lead reallocates another owner's share)."""
    return sorted(
        (org for org, share in held.items() if org not in mine and wanted.get(org, 0) < share),
        key=str,
    )


async def editable_asset(actor: Actor, asset_id: object, step: str) -> tuple[Authorizer, IpAsset]:
    """The asset, if the caller's organisation co-owns it (current share set) or leads its
    centre. NotFound outside the reading scope (R-ACC-5); NotAllowed, audited, for a reader
    who is neither (another member, staff, a bureau)."""
    authz = await actor.authz()
    asset = await scopes.visible_ip_assets(authz).get_or_none(id=parse_id(asset_id, "ip asset"))
    if asset is None:
        raise NotFound("ip asset")
    mine = authz.access(Resource.IP_ASSET, Action.UPDATE).organisations
    allowed = False
    if mine and await scopes.visible_ip_assets(authz, Action.UPDATE).filter(id=asset.id).exists():
        lead = await Centre.filter(id=asset.centre_id).values_list(
            "lead_organisation_id", flat=True
        )
        current = await latest_share_set(asset.id)
        owners = set() if current is None else set(await shares_of(current.id))
        allowed = bool(mine & (owners | set(lead)))
    if not allowed:
        await actor.audit(
            f"ip_asset.{step}", Outcome.DENIED, object_type="ip_asset", object_id=str(asset.id)
        )
        raise NotAllowed("only the asset's co-owners and the centre's lead change it")
    return authz, asset
