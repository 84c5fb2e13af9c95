"""Cultivation: progress reports (lead enterprise), inspections and evaluation (provincial staff),
and the centres whose three years are running out."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import strawberry

from models.base import programme_today
from models.centres import CentreStatus
from models.cultivation import InspectionKind as Kind
from models.lifecycle import last_listing_due_by
from policies import scopes
from schema.centres.types import Centre
from schema.context import Info
from schema.cultivation.types import Indicator as IndicatorType
from schema.cultivation.types import Inspection as InspectionType
from schema.cultivation.types import InspectionKind
from schema.enums import value_of
from schema.errors import BadInput
from schema.pagination import Connection
from schema.reads import read_connection
from services import cultivation


@strawberry.type
class CultivationQueries:
    @strawberry.field(
        description=(
            "Cultivating centres whose 3 years end within the days given, and those already past"
            " them (R-CUL-2: they can no longer be established), earliest listed first / 培育期将满"
        )
    )
    async def centres_nearing_cultivation_deadline(
        self,
        info: Info,
        within_days: int = 180,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Centre]:
        if not 0 <= within_days <= 3 * 366:
            raise BadInput("withinDays must be between 0 and 1098", field="withinDays")
        authz = await info.context.authz()
        horizon = programme_today() + timedelta(days=within_days)
        nearing = scopes.visible_centres(authz).filter(
            status=CentreStatus.CULTIVATING, listed_on__lte=last_listing_due_by(horizon)
        )
        return await read_connection(
            info,
            "Centre",
            nearing,
            first=first,
            after=after,
            order_by=("listed_on", "id"),
            to_node=Centre.of,
        )


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
        row = await cultivation.report_progress(
            info.context, indicator_id, value, reported_on, note
        )
        return IndicatorType.of(row)

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
        row = await cultivation.record_inspection(
            info.context,
            centre_id=centre_id,
            kind=Kind(value_of(kind)),
            held_on=held_on,
            findings=findings,
            passed=passed,
        )
        return InspectionType.of(row)
