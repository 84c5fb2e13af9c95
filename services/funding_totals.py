"""Funding totals (R-FUND-2, R-FUND-3, R-FUND-4, R-ACC-5): committed, paid, cancelled and
outstanding amounts per centre, per city or per year, summed in the database within the caller's
funding scope — never by loading entries and adding them up in Python.

Definitions (whole fen in SQL, CNY with two places out):

- **committed** = the approved subsidies (``SubsidyDecision.approved_fen``) + the national
  support plans' totals (``NationalSupportPlan.total_fen``) − the cancellations (the unpaid
  instalments that will never be paid, R-FUND-2);
- **paid** = the SUM of the signed ``amount_fen`` of disbursements (+) and reversals (−);
- **cancelled** = the SUM of the cancellation entries;
- **outstanding** = committed − paid.

Per year, the ledger's figures (paid, cancelled) fall in the entry's ``year`` (its value date's
year, UTC+8) and the decisions and plans in the year of their ``decided_on`` day: a year's figures
are that year's flows (a year with a cancellation but no decision has a negative committed), and
the years add up to the totals over all years. The ``year`` filter narrows in the same way.

Statements: after the caller's own two (user, bindings), at most three aggregate statements —
the decisions, the plans, the ledger, each grouped by the key — whatever the number of rows; a
programme filter leaves out the statement(s) of the other programme.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from tortoise.expressions import Q
from tortoise.functions import Sum
from tortoise.queryset import QuerySet

from models.funding import EntryKind, FundingProgramme
from models.money import summed_fen, to_cny
from policies import scopes
from policies.vocabulary import Action, Resource
from services.actor import Actor
from services.errors import BadInput
from services.sql_functions import YearOf

FIRST_YEAR = 1990  # the years a ``year`` filter accepts: the programme's, with room either side
LAST_YEAR = 2999


class TotalsBy(StrEnum):
    """What the totals are grouped by."""

    CENTRE = "centre"
    CITY = "city"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class TotalsFilter:
    """Narrows the totals: one programme (None = both), one year (see the module's definition of
    a year), the centres of one city (None = every city in scope)."""

    programme: FundingProgramme | None = None
    year: int | None = None
    city_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class Totals:
    """The totals of one key (a centre's or a city's id, a year; None for the grand total), in
    whole fen; the ``*_cny`` properties give CNY with exactly two places (R-FUND-4)."""

    key: UUID | int | None
    committed_fen: int
    paid_fen: int
    cancelled_fen: int

    @property
    def outstanding_fen(self) -> int:
        """committed − paid, in fen."""
        return self.committed_fen - self.paid_fen

    @property
    def committed(self) -> Decimal:
        return to_cny(self.committed_fen)

    @property
    def paid(self) -> Decimal:
        return to_cny(self.paid_fen)

    @property
    def cancelled(self) -> Decimal:
        return to_cny(self.cancelled_fen)

    @property
    def outstanding(self) -> Decimal:
        return to_cny(self.outstanding_fen)


# The grouping key of each table, and the label the groups are ordered by (a centre's name, a
# city's code, the year itself); None = the year, computed from ``decided_on``.
_KEYS: dict[TotalsBy, tuple[str | None, str | None]] = {
    TotalsBy.CENTRE: ("centre_id", "centre__name"),
    TotalsBy.CITY: ("centre__city_id", "centre__city__code"),
    TotalsBy.YEAR: (None, None),
}
_PAID = (EntryKind.DISBURSEMENT, EntryKind.REVERSAL)


def _check(flt: TotalsFilter) -> None:
    if flt.year is not None and not FIRST_YEAR <= flt.year <= LAST_YEAR:
        raise BadInput(f"a year from {FIRST_YEAR} to {LAST_YEAR}", field="year")


def _narrowed(qs: QuerySet[Any], flt: TotalsFilter, *, ledger: bool) -> QuerySet[Any]:
    if flt.city_id is not None:
        qs = qs.filter(centre__city_id=flt.city_id)
    if flt.year is not None:
        if ledger:
            qs = qs.filter(year=flt.year)
        else:  # the decision's day within the year: an index-friendly range
            qs = qs.filter(
                decided_on__gte=date(flt.year, 1, 1), decided_on__lt=date(flt.year + 1, 1, 1)
            )
    return qs


async def _sums(
    qs: QuerySet[Any], by: TotalsBy | None, sums: dict[str, Sum], *, ledger: bool
) -> list[dict[str, Any]]:
    """One aggregate statement: ``sums`` per group of ``by`` (one row overall when None), each
    row with ``key`` and ``label``."""
    qs = qs.annotate(**sums)
    names = list(sums)
    if by is None:
        return [dict(row, key=None, label=None) for row in await qs.values(*names)]
    key, label = _KEYS[by]
    if key is None:  # per year
        if ledger:
            rows = await qs.group_by("year").values("year", *names)
        else:
            rows = (
                await qs.annotate(decided_year=YearOf("decided_on"))
                .group_by("decided_year")
                .values("decided_year", *names)
            )
        field = "year" if ledger else "decided_year"
        return [dict(row, key=row[field], label=row[field]) for row in rows]
    assert label is not None
    rows = await qs.group_by(key, label).values(key, label, *names)
    return [dict(row, key=row[key], label=row[label]) for row in rows]


async def _totals(actor: Actor, by: TotalsBy | None, flt: TotalsFilter) -> list[Totals]:
    _check(flt)
    authz = await actor.require(Resource.FUNDING, Action.READ)
    committed: dict[object, int] = {}
    paid: dict[object, int] = {}
    cancelled: dict[object, int] = {}
    labels: dict[object, object] = {}

    def add(into: dict[object, int], row: dict[str, Any], name: str) -> None:
        labels[row["key"]] = row["label"]
        into[row["key"]] = into.get(row["key"], 0) + summed_fen(row[name])

    if flt.programme in (None, FundingProgramme.SUBSIDY):
        decisions = _narrowed(scopes.visible_subsidy_decisions(authz), flt, ledger=False)
        for row in await _sums(decisions, by, {"fen": Sum("approved_fen")}, ledger=False):
            add(committed, row, "fen")
    if flt.programme in (None, FundingProgramme.NATIONAL_SUPPORT):
        plans = _narrowed(scopes.visible_support_plans(authz), flt, ledger=False)
        for row in await _sums(plans, by, {"fen": Sum("total_fen")}, ledger=False):
            add(committed, row, "fen")
    ledger = _narrowed(scopes.visible_ledger(authz), flt, ledger=True)
    if flt.programme is not None:
        ledger = ledger.filter(programme=flt.programme)
    ledger_sums = {
        "paid": Sum("amount_fen", _filter=Q(kind__in=list(_PAID))),
        "cancelled": Sum("amount_fen", _filter=Q(kind=EntryKind.CANCELLATION)),
    }
    for row in await _sums(ledger, by, ledger_sums, ledger=True):
        add(paid, row, "paid")
        add(cancelled, row, "cancelled")
    if by is None:
        labels.setdefault(None, None)
    # centre name, city code or year (one kind of label per call), then the key: a total order
    order = sorted(labels, key=lambda k: (labels[k], str(k)))
    return [
        Totals(
            key=key,  # type: ignore[arg-type]
            committed_fen=committed.get(key, 0) - cancelled.get(key, 0),
            paid_fen=paid.get(key, 0),
            cancelled_fen=cancelled.get(key, 0),
        )
        for key in order
    ]


async def funding_totals(actor: Actor, by: TotalsBy, flt: TotalsFilter) -> list[Totals]:
    """The funding totals per centre, city or year (R-FUND-2/3/4, definitions above), within the
    caller's funding scope (R-ACC-5): staff the province, a bureau its city, the lead enterprise
    its centres; only keys with a decision, a plan or an entry in scope appear, ordered by centre
    name, city code or year. Raises NotAllowed (audited) without a funding policy line (experts),
    BadInput(year) for a year outside 1990..2999."""
    return await _totals(actor, by, flt)


async def funding_grand_total(actor: Actor, flt: TotalsFilter) -> Totals:
    """The same totals over everything in the caller's scope and the filter (key None); zero
    amounts when there is nothing. Errors as ``funding_totals``."""
    (total,) = await _totals(actor, None, flt)
    return total
