"""IP register totals (R-IP-1, R-IP-3, R-ACC-5): revenue per organisation, centre and year, assets
per centre by kind and legal status, and transfer revenue per year — each one aggregate statement
in the database within the caller's ``ip_asset`` read scope, never rows added up in Python.

Definitions (whole fen in SQL, CNY with two places out):

- **revenue** = the SUM of the owners' parts of the transfers (``IpRevenueShare.amount_fen``,
  split exactly by ``models.ip_register.split_revenue_fen``), in the year of the transfer's day;
  grouped by any of organisation, centre and year (none: one grand total);
- **asset counts** = the number of assets per centre, kind and legal status;
- **transfer revenue** = the SUM of the transfers' amounts (``IpTransfer.amount_fen``) and their
  number, per year of the transfer's day. Per year the revenue parts add up to it exactly.

Filters (``IpTotalsFilter``), each optional: one centre, one year (revenue and transfers: the
transfer's year; assets: the year filed, so assets without a filing day — a technical secret —
are left out), one organisation (revenue: its own parts; assets: those it holds or held a share
of in any share set; transfers: those whose owners on the day include it), one asset kind.

Scope: staff the province, a bureau its city, an enterprise the centres whose alliance it belongs
to, an expert the register of a centre whose application or assessment they are assigned to (an
unassigned expert: nothing). Outside the scope there is no row, no count and no total; a filter
naming a centre or organisation outside it gives nothing, exactly as one that does not exist.

Statements: after the caller's own two (user, bindings), one aggregate statement per call,
whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from tortoise.expressions import Subquery
from tortoise.functions import Count, Sum
from tortoise.queryset import QuerySet

from models.ip_register import IpAsset, IpKind, IpShare, IpShareSet, IpTransfer, LegalStatus
from models.money import summed_fen, to_cny
from policies import scopes
from policies.enforcer import Authorizer
from policies.vocabulary import Action, Resource
from services.actor import Actor
from services.errors import BadInput
from services.values import EARLIEST, LATEST

FIRST_YEAR = EARLIEST.year  # the years a ``year`` filter accepts, as the register's list does
LAST_YEAR = LATEST.year


class RevenueBy(StrEnum):
    """What IP revenue is grouped by (any combination; none = one grand total)."""

    ORGANISATION = "organisation"
    CENTRE = "centre"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class IpTotalsFilter:
    """Narrows the totals (see the module's definitions); every part optional."""

    centre_id: UUID | None = None
    year: int | None = None
    organisation_id: UUID | None = None
    kind: IpKind | None = None


@dataclass(frozen=True, slots=True)
class RevenueTotal:
    """The revenue of one group: the keys grouped by are set, the others None; whole fen, and
    ``amount`` in CNY with exactly two places (R-IP-3)."""

    organisation_id: UUID | None
    centre_id: UUID | None
    year: int | None
    amount_fen: int

    @property
    def amount(self) -> Decimal:
        return to_cny(self.amount_fen)


@dataclass(frozen=True, slots=True)
class AssetCount:
    """How many assets of one kind and legal status one centre holds (R-IP-1)."""

    centre_id: UUID
    kind: IpKind
    legal_status: LegalStatus
    count: int


@dataclass(frozen=True, slots=True)
class TransferRevenue:
    """The transfers of one year: their number and total amount (whole fen; ``amount`` CNY)."""

    year: int
    amount_fen: int
    transfers: int

    @property
    def amount(self) -> Decimal:
        return to_cny(self.amount_fen)


# Each grouping key, the column it is and the label it is ordered by (after the year).
_REVENUE_KEYS: dict[RevenueBy, tuple[str, str | None]] = {
    RevenueBy.YEAR: ("year", None),
    RevenueBy.CENTRE: ("centre_id", "centre__name"),
    RevenueBy.ORGANISATION: ("organisation_id", "organisation__name"),
}


def _check(flt: IpTotalsFilter) -> None:
    if flt.year is not None and not FIRST_YEAR <= flt.year <= LAST_YEAR:
        raise BadInput(f"a year from {FIRST_YEAR} to {LAST_YEAR}", field="year")


def _sets_held_by(organisation_id: UUID) -> Subquery:
    return Subquery(IpShare.filter(organisation_id=organisation_id).values("share_set_id"))


def _assets_of(kind: IpKind) -> Subquery:
    return Subquery(IpAsset.filter(kind=kind).values("id"))


async def _reader(actor: Actor) -> Authorizer:
    # One decision for the three totals: no ip_asset read line = NotAllowed (audited).
    return await actor.require(Resource.IP_ASSET, Action.READ)


async def ip_revenue(
    actor: Actor, by: Iterable[RevenueBy], flt: IpTotalsFilter
) -> list[RevenueTotal]:
    """Revenue shared among the owners (R-IP-3), grouped by ``by`` (organisation, centre, year,
    any combination; none = one row, the grand total, zero when there is nothing), within the
    caller's ``ip_asset`` read scope (R-ACC-5). Ordered by year, centre name, organisation name.
    One aggregate statement. Raises NotAllowed (audited) for a role without an ``ip_asset`` read
    line, BadInput(year) for a year outside 2000..2100."""
    _check(flt)
    authz = await _reader(actor)
    qs = scopes.visible_ip_revenue(authz)
    if flt.centre_id is not None:
        qs = qs.filter(centre_id=flt.centre_id)
    if flt.year is not None:
        qs = qs.filter(year=flt.year)
    if flt.organisation_id is not None:
        qs = qs.filter(organisation_id=flt.organisation_id)
    if flt.kind is not None:  # a subquery, not a join: the grand total stays one row
        of_kind = IpTransfer.filter(asset_id__in=_assets_of(flt.kind)).values("id")
        qs = qs.filter(transfer_id__in=Subquery(of_kind))
    wanted = set(by)
    keys = [k for by_key, k in _REVENUE_KEYS.items() if by_key in wanted]
    qs = qs.annotate(fen=Sum("amount_fen"))
    if not keys:
        (row,) = await qs.values("fen")
        return [RevenueTotal(None, None, None, summed_fen(row["fen"]))]
    columns = [c for key, label in keys for c in (key, label) if c is not None]
    rows = await qs.group_by(*columns).order_by(*columns).values(*columns, "fen")

    def order(row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(
            (row[key] if label is None else row[label], str(row[key])) for key, label in keys
        )

    return [
        RevenueTotal(
            organisation_id=row.get("organisation_id"),
            centre_id=row.get("centre_id"),
            year=row.get("year"),
            amount_fen=summed_fen(row["fen"]),
        )
        for row in sorted(rows, key=order)
    ]


async def ip_asset_counts(actor: Actor, flt: IpTotalsFilter) -> list[AssetCount]:
    """The number of IP assets per centre, kind and legal status (R-IP-1) within the caller's
    scope (R-ACC-5), ordered by centre name, kind, legal status; only groups with an asset
    appear. One aggregate statement. Errors as ``ip_revenue``."""
    _check(flt)
    authz = await _reader(actor)
    qs: QuerySet[Any] = scopes.visible_ip_assets(authz)
    if flt.centre_id is not None:
        qs = qs.filter(centre_id=flt.centre_id)
    if flt.year is not None:  # filed in the year: an index-friendly range
        qs = qs.filter(filed_on__gte=date(flt.year, 1, 1), filed_on__lt=date(flt.year + 1, 1, 1))
    if flt.kind is not None:
        qs = qs.filter(kind=flt.kind)
    if flt.organisation_id is not None:
        held = IpShareSet.filter(id__in=_sets_held_by(flt.organisation_id)).values("asset_id")
        qs = qs.filter(id__in=Subquery(held))
    columns = ("centre__name", "centre_id", "kind", "legal_status")
    rows = (
        await qs.annotate(assets=Count("id"))
        .group_by(*columns)
        .order_by(*columns)
        .values(*columns, "assets")
    )
    kinds, statuses = list(IpKind), list(LegalStatus)
    found = [
        (
            row["centre__name"],
            str(row["centre_id"]),
            kinds.index(IpKind(row["kind"])),
            statuses.index(LegalStatus(row["legal_status"])),
            AssetCount(
                centre_id=row["centre_id"],
                kind=IpKind(row["kind"]),
                legal_status=LegalStatus(row["legal_status"]),
                count=int(row["assets"]),
            ),
        )
        for row in rows
    ]
    return [item[-1] for item in sorted(found, key=lambda item: item[:-1])]


async def ip_transfer_revenue(actor: Actor, flt: IpTotalsFilter) -> list[TransferRevenue]:
    """Transfers per year (R-IP-3): their number and total amount, within the caller's scope
    (R-ACC-5), ordered by year; only years with a transfer appear. One aggregate statement.
    Errors as ``ip_revenue``."""
    _check(flt)
    authz = await _reader(actor)
    qs: QuerySet[Any] = scopes.visible_ip_transfers(authz)
    if flt.centre_id is not None:
        qs = qs.filter(centre_id=flt.centre_id)
    if flt.year is not None:
        qs = qs.filter(year=flt.year)
    if flt.kind is not None:
        qs = qs.filter(asset_id__in=_assets_of(flt.kind))
    if flt.organisation_id is not None:
        qs = qs.filter(share_set_id__in=_sets_held_by(flt.organisation_id))
    rows = (
        await qs.annotate(fen=Sum("amount_fen"), transfers=Count("id"))
        .group_by("year")
        .order_by("year")
        .values("year", "fen", "transfers")
    )
    return [
        TransferRevenue(
            year=row["year"], amount_fen=summed_fen(row["fen"]), transfers=row["transfers"]
        )
        for row in rows
    ]
