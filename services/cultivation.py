"""Cultivation (培育, R-CUL-1, R-CUL-2): progress on the task agreement's key indicators
(reported by the lead enterprise) and inspections and the end-of-period evaluation (recorded by
provincial staff), both only while the centre is cultivating."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from models.centres import CentreStatus
from models.cultivation import Indicator, IndicatorProgress, Inspection, InspectionKind
from models.vocabulary import term
from policies import scopes
from policies.vocabulary import Action, Resource
from services.access import centre_for
from services.actor import Actor
from services.changes import changing_centre
from services.errors import BadInput, InvalidMove, NotFound
from services.ids import parse_id
from services.values import comment, not_future, text

PROGRESS_LIMIT = Decimal(10) ** 16  # indicator_progress.value is numeric(18, 2)


def _cultivating(status: CentreStatus) -> None:
    if status is not CentreStatus.CULTIVATING:
        raise InvalidMove(
            f"this is done during cultivation; the centre is {term(status)}",
            currentStatus=term(status),
        )


async def report_progress(
    actor: Actor, indicator_id: str, value: Decimal, reported_on: date | None, note: str
) -> Indicator:
    """The lead enterprise reports a value (0 ≤ value < 10^16, two places) on a key indicator,
    dated (UTC+8) today or earlier. Raises NotFound, NotAllowed, BadInput, InvalidMove."""
    authz = await actor.authz()
    indicator = await scopes.visible_indicators(authz).get_or_none(
        id=parse_id(indicator_id, "indicator")
    )
    if indicator is None:
        raise NotFound("indicator")
    agreement = await scopes.visible_cultivation(authz).get(id=indicator.agreement_id)
    _, centre = await centre_for(actor, agreement.centre_id, Resource.CULTIVATION, Action.REPORT)
    # Checked before quantize, which raises on huge values; the column holds 16 digits.
    if not value.is_finite() or not Decimal(0) <= value < PROGRESS_LIMIT:
        raise BadInput(f"value is a number from 0 below {PROGRESS_LIMIT:,}", field="value")
    if value != value.quantize(Decimal("0.01")):
        raise BadInput("value has at most two decimal places", field="value")
    when = not_future(reported_on, "reportedOn")
    note = comment(note, "note")
    value = value.quantize(Decimal("0.01"))  # one canonical form, as stored and audited
    async with changing_centre(
        actor,
        centre.id,
        resource=Resource.CULTIVATION,
        action=Action.REPORT,
    ) as change:
        _cultivating(change.row.status)
        row = await IndicatorProgress.create(
            indicator_id=indicator.id,
            reported_on=when,
            value=value,
            note=note,
            reported_by_id=authz.user_id,
            using_db=change.conn,
        )
        change.record(
            before=None,
            after={"value": str(row.value), "reported_on": when.isoformat()},
            object_id=indicator.id,
        )
    return await Indicator.get(id=indicator.id)


async def record_inspection(
    actor: Actor,
    *,
    centre_id: str,
    kind: InspectionKind,
    held_on: date,
    findings: str,
    passed: bool | None,
) -> Inspection:
    """Provincial staff record a special inspection (findings only) or the end-of-period
    evaluation (passed or failed, R-CUL-2), held (UTC+8) today or earlier.
    Raises NotFound, NotAllowed, BadInput, InvalidMove (not cultivating)."""
    authz, centre = await centre_for(
        actor, parse_id(centre_id, "centre"), Resource.CULTIVATION, Action.INSPECT
    )
    findings = text(findings, "findings", 20000, required=False)
    if not findings:
        raise BadInput("record the findings", field="findings")
    if kind is InspectionKind.END_OF_PERIOD_EVALUATION and passed is None:
        raise BadInput("an end-of-period evaluation passes or fails", field="passed")
    if kind is InspectionKind.SPECIAL_INSPECTION and passed is not None:
        raise BadInput("a special inspection records findings, not a verdict", field="passed")
    held_on = not_future(held_on, "heldOn")
    async with changing_centre(
        actor,
        centre.id,
        resource=Resource.CULTIVATION,
        action=Action.INSPECT,
    ) as change:
        _cultivating(change.row.status)
        row = await Inspection.create(
            centre_id=centre.id,
            kind=kind,
            held_on=held_on,
            findings=findings,
            passed=passed,
            recorded_by_id=authz.user_id,
            using_db=change.conn,
        )
        change.record(
            before=None,
            after={"kind": str(row.kind), "held_on": held_on.isoformat(), "passed": passed},
        )
    return row
