"""Cultivation: progress reports (lead enterprise), inspections and evaluation (provincial staff),
and the centres whose three years are running out."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import strawberry
from tortoise.transactions import in_transaction

from models.base import programme_today
from models.centres import CentreStatus
from models.cultivation import Indicator, IndicatorProgress, Inspection
from models.cultivation import InspectionKind as Kind
from models.lifecycle import CULTIVATION_YEARS, cultivation_deadline
from policies import scopes
from policies.vocabulary import Action, Resource
from schema.applications.guard import centre_for, locked
from schema.centres.types import Centre
from schema.context import Info
from schema.cultivation.types import Indicator as IndicatorType
from schema.cultivation.types import Inspection as InspectionType
from schema.cultivation.types import InspectionKind
from schema.enums import value_of
from schema.errors import BadInput, InvalidMove
from schema.ids import find, parse_id

PROGRESS_LIMIT = Decimal(10) ** 16  # indicator_progress.value is numeric(18, 2)


def _cultivating(status: CentreStatus) -> None:
    if status is not CentreStatus.CULTIVATING:
        raise InvalidMove(
            f"this is done during cultivation; the centre is {status}", currentStatus=str(status)
        )


@strawberry.type
class CultivationQueries:
    @strawberry.field(
        description=(
            "Cultivating centres whose 3 years end within the days given, and those already past"
            " them (R-CUL-2: they can no longer be established), earliest listed first / 培育期将满"
        )
    )
    async def centres_nearing_cultivation_deadline(
        self, info: Info, within_days: int = 180
    ) -> list[Centre]:
        if not 0 <= within_days <= 3 * 366:
            raise BadInput("withinDays must be between 0 and 1098", field="withinDays")
        authz = await info.context.authz()
        horizon = programme_today() + timedelta(days=within_days)
        # A superset by listing date (a leap-day listing ends on 28 February), then exactly.
        rows = (
            await scopes.visible_centres(authz)
            .filter(
                status=CentreStatus.CULTIVATING,
                listed_on__lte=date(horizon.year - CULTIVATION_YEARS, 12, 31),
            )
            .order_by("listed_on", "id")
        )
        return [
            Centre.of(r)
            for r in rows
            if r.listed_on is not None and cultivation_deadline(r.listed_on) <= horizon
        ]


@strawberry.type
class CultivationMutations:
    @strawberry.mutation(description="Report progress on a key indicator / 报告指标进展")
    async def report_indicator_progress(
        self,
        info: Info,
        indicator_id: strawberry.ID,
        value: Decimal,
        reported_on: date | None = None,
        note: str = "",
    ) -> IndicatorType:
        ctx = info.context
        authz = await ctx.authz()
        indicator = await find(scopes.visible_indicators(authz), indicator_id, "indicator")
        agreement = await scopes.visible_cultivation(authz).get(id=indicator.agreement_id)
        _, centre = await centre_for(ctx, agreement.centre_id, Resource.CULTIVATION, Action.REPORT)
        # Checked before quantize, which raises on huge values; the column holds 16 digits.
        if not value.is_finite() or not Decimal(0) <= value < PROGRESS_LIMIT:
            raise BadInput(f"value is a number from 0 below {PROGRESS_LIMIT:,}", field="value")
        if value != value.quantize(Decimal("0.01")):
            raise BadInput("value has at most two decimal places", field="value")
        when = reported_on or programme_today()
        if when > programme_today():
            raise BadInput("reportedOn cannot be in the future", field="reportedOn")
        async with in_transaction() as conn:
            centre = await locked(centre)
            _cultivating(centre.status)
            row = await IndicatorProgress.create(
                indicator_id=indicator.id,
                reported_on=when,
                value=value,
                note=note.strip(),
                reported_by_id=authz.user_id,
                using_db=conn,
            )
            await ctx.audit_change(
                conn,
                Resource.CULTIVATION,
                Action.REPORT,
                indicator.id,
                after={"value": str(row.value), "reported_on": when.isoformat()},
            )
        return IndicatorType.of(await Indicator.get(id=indicator.id))

    @strawberry.mutation(description="Record a special inspection or the evaluation / 记录检查评估")
    async def record_inspection(
        self,
        info: Info,
        *,
        centre_id: strawberry.ID,
        kind: InspectionKind,
        held_on: date,
        findings: str,
        passed: bool | None = None,
    ) -> InspectionType:
        ctx = info.context
        authz, centre = await centre_for(
            ctx, parse_id(centre_id, "centre"), Resource.CULTIVATION, Action.INSPECT
        )
        inspection_kind = Kind(value_of(kind))
        if not findings.strip():
            raise BadInput("record the findings", field="findings")
        if inspection_kind is Kind.END_OF_PERIOD_EVALUATION and passed is None:
            raise BadInput("an end-of-period evaluation passes or fails", field="passed")
        if inspection_kind is Kind.SPECIAL_INSPECTION and passed is not None:
            raise BadInput("a special inspection records findings, not a verdict", field="passed")
        if held_on > programme_today():
            raise BadInput("heldOn cannot be in the future", field="heldOn")
        async with in_transaction() as conn:
            centre = await locked(centre)
            _cultivating(centre.status)
            row = await Inspection.create(
                centre_id=centre.id,
                kind=inspection_kind,
                held_on=held_on,
                findings=findings.strip(),
                passed=passed,
                recorded_by_id=authz.user_id,
                using_db=conn,
            )
            await ctx.audit_change(
                conn,
                Resource.CULTIVATION,
                Action.INSPECT,
                centre.id,
                after={"kind": str(row.kind), "held_on": held_on.isoformat(), "passed": passed},
            )
        return InspectionType.of(row)
