"""Annual reports (年度报告, R-ASM-1, R-ASM-2, R-ASM-3): drafted and submitted by the lead
enterprise, verified by the bureau of the centre's city (truth, accuracy, conformity — 真实性、
准确性、规范性) and forwarded or returned with comments, received by provincial staff.

Who may act is decided once per operation from ``policies/scopes/`` ``visible_annual_reports``:
a report the caller cannot read is NotFound (like a missing id); one they read but may not act on
is NotAllowed, audited. Every write runs through ``services/changes.py`` with its audit entry.
Times are UTC; the due date (31 May) and lateness are in the province's calendar (UTC+8).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from uuid import UUID

from models.annual_reports import (
    EDITABLE_REPORT,
    AnnualReport,
    AnnualReportVersion,
    ReportStatus,
    ReportVerification,
    VerificationOutcome,
    verification_passes,
)
from models.assessment_calendar import (
    annual_report_due,
    annual_report_late,
    annual_report_required,
    province_date,
)
from models.audit import Outcome
from models.base import utcnow
from models.centres import CentreStatus
from models.vocabulary import term
from policies import scopes
from policies.vocabulary import Action, Resource
from services.access import centre_for
from services.actor import Actor
from services.changes import Change, changing, changing_centre
from services.errors import BadInput, Conflict, InvalidMove, NotAllowed, NotFound
from services.ids import parse_id
from services.report_content import clean_content
from services.values import EARLIEST, comment

WHAT = "annual report"
REPORTING = frozenset({CentreStatus.ESTABLISHED, CentreStatus.RECTIFYING})  # R-ASM-1


async def report_for(actor: Actor, report_id: str | UUID, action: Action) -> AnnualReport:
    """The report, if the caller may take ``action`` of ``annual_report`` on it.

    NotFound when the caller cannot read it (absent, malformed id, another city's, an expert);
    NotAllowed (audited) when they read it but may not act (a member that is not the lead)."""
    authz = await actor.require(Resource.ANNUAL_REPORT, action)
    pk = parse_id(report_id, WHAT)
    report = await scopes.visible_annual_reports(authz, action).get_or_none(id=pk)
    if report is not None:
        return report
    if await scopes.visible_annual_reports(authz).filter(id=pk).exists():
        await actor.audit(
            f"{Resource.ANNUAL_REPORT}.{action}",
            Outcome.DENIED,
            object_type=str(Resource.ANNUAL_REPORT),
            object_id=str(pk),
        )
        raise NotAllowed(f"your roles do not allow {action} on this annual report")
    raise NotFound(WHAT)


def _changing_report(
    actor: Actor, report: AnnualReport, action: Action, name: str | None = None
) -> AbstractAsyncContextManager[Change[AnnualReport]]:
    """``changing`` on a report the caller was already cleared for (``report_for``): the row
    locked, the audit entry ``name`` (default ``annual_report.<action>``) written on leaving."""
    return changing(
        actor,
        AnnualReport.all(),
        report.id,
        what=WHAT,
        resource=Resource.ANNUAL_REPORT,
        action=action,
        name=name,
    )


def _in(status: ReportStatus, allowed: frozenset[ReportStatus], doing: str) -> None:
    if status not in allowed:
        raise InvalidMove(
            f"{doing}; the report is {term(status)} (R-ASM-2)", currentStatus=term(status)
        )


def _now(now: datetime | None) -> datetime:
    return now if now is not None else utcnow()


async def draft_report(
    actor: Actor,
    centre_id: str | UUID,
    year: int,
    content: Mapping[str, object],
    *,
    now: datetime | None = None,
) -> AnnualReport:
    """The lead enterprise starts the report of its centre on calendar year ``year``.

    ``content`` maps columns (``revenue_incubation``, ``rd_spending``, ``narrative``…) to values;
    figures left out are 0 (see ``services.report_content``). Refused: a year not yet ended in
    the province's calendar (BadInput ``year``); a centre not established or rectifying
    (InvalidMove); a centre that has not run a full year by the report's due date (BadInput
    ``year``, R-ASM-1); a second report on the same year (Conflict). Raises NotFound, NotAllowed."""
    moment = _now(now)
    _, centre = await centre_for(
        actor, parse_id(centre_id, "centre"), Resource.ANNUAL_REPORT, Action.UPDATE
    )
    this_year = province_date(moment).year
    if year >= this_year:
        raise BadInput(
            f"the report on {year} is written once the year has ended (R-ASM-2)", field="year"
        )
    if year < EARLIEST.year:
        raise BadInput(f"year must be {EARLIEST.year} or later", field="year")
    values = clean_content(content)
    async with changing_centre(
        actor,
        centre.id,
        resource=Resource.ANNUAL_REPORT,
        action=Action.UPDATE,
        name="annual_report.draft",
    ) as change:
        locked = change.row
        if locked.status not in REPORTING:
            raise InvalidMove(
                f"only an established or rectifying centre reports; the centre is"
                f" {term(locked.status)} (R-ASM-1)",
                currentStatus=term(locked.status),
            )
        if not annual_report_required(locked.established_on, year):
            raise BadInput(
                f"the centre established on {locked.established_on} will not have run a full"
                f" year by {annual_report_due(year)}: it does not report on {year} (R-ASM-1)",
                field="year",
            )
        if await AnnualReport.filter(centre_id=centre.id, year=year).using_db(change.conn).exists():
            raise Conflict(f"the centre's report on {year} exists already: one per year")
        report = await AnnualReport.create(
            centre_id=centre.id, year=year, using_db=change.conn, **values
        )
        change.record(before=None, after=report.snapshot(), object_id=report.id)
    return report


async def update_report(
    actor: Actor, report_id: str | UUID, content: Mapping[str, object]
) -> AnnualReport:
    """The lead edits the figures given (others unchanged) while the report is a draft or
    returned (R-ASM-2, R-ASM-3). Raises NotFound, NotAllowed, BadInput, InvalidMove."""
    report = await report_for(actor, report_id, Action.UPDATE)
    values = clean_content(content)
    async with _changing_report(actor, report, Action.UPDATE) as change:
        row = change.row
        _in(row.status, EDITABLE_REPORT, "a report is edited while a draft or returned")
        for column, value in values.items():
            setattr(row, column, value)
        await row.save(using_db=change.conn)
    return change.row


async def submit_report(
    actor: Actor, report_id: str | UUID, *, now: datetime | None = None
) -> AnnualReport:
    """The lead submits a draft or returned report to the city's bureau (R-ASM-2).

    Keeps the content as version ``version + 1`` (``AnnualReportVersion``, late if this
    submission falls after 31 May UTC+8). The report's ``late`` is its first submission's: a
    report first sent after 31 May is marked late — never refused. Raises NotFound, NotAllowed,
    InvalidMove."""
    moment = _now(now)
    report = await report_for(actor, report_id, Action.UPDATE)
    async with _changing_report(actor, report, Action.UPDATE, "annual_report.submit") as change:
        row = change.row
        _in(row.status, EDITABLE_REPORT, "a report is submitted while a draft or returned")
        row.status = ReportStatus.SUBMITTED
        row.version += 1
        row.first_submitted_at = row.first_submitted_at or moment
        row.submitted_at = moment
        row.late = annual_report_late(row.first_submitted_at, row.year)
        await row.save(using_db=change.conn)
        await AnnualReportVersion.create(
            report_id=row.id,
            number=row.version,
            content=row.content(),
            submitted_at=moment,
            submitted_by_id=actor.acting_user_id,
            late=annual_report_late(moment, row.year),
            using_db=change.conn,
        )
    return change.row


async def verify_report(
    actor: Actor,
    report_id: str | UUID,
    *,
    truthful: bool,
    accurate: bool,
    conforming: bool,
    remarks: str,
    forward: bool,
    now: datetime | None = None,
) -> AnnualReport:
    """The bureau of the centre's city verifies a submitted report (R-ASM-2): the three checks
    (真实性、准确性、规范性) are recorded either way. ``forward``: all three must hold (BadInput
    naming the failed checks, field ``checks.<first failed>``) and the report goes to the
    province; otherwise it is returned to the lead, with ``remarks`` required (BadInput
    ``comment``). Another city's bureau: NotFound. Raises NotAllowed, InvalidMove (not
    submitted)."""
    moment = _now(now)
    report = await report_for(actor, report_id, Action.VERIFY)
    text = comment(remarks)
    checks = {"truthful": truthful, "accurate": accurate, "conforming": conforming}
    if forward and not verification_passes(truthful, accurate, conforming):
        failed = ", ".join(name for name, passed in checks.items() if not passed)
        raise BadInput(
            f"a report is forwarded only when true, accurate and conforming; failed: {failed}"
            " (R-ASM-2)",
            field=f"checks.{failed.split(', ')[0]}",
        )
    if not forward and not text:
        raise BadInput("say why the report is returned", field="comment")
    outcome = VerificationOutcome.FORWARDED if forward else VerificationOutcome.RETURNED
    async with _changing_report(
        actor, report, Action.VERIFY, f"annual_report.{'forward' if forward else 'return'}"
    ) as change:
        row = change.row
        _in(row.status, frozenset({ReportStatus.SUBMITTED}), "only a submitted report is verified")
        await ReportVerification.create(
            report_id=row.id,
            version=row.version,
            outcome=outcome,
            comment=text,
            verified_by_id=actor.acting_user_id,
            using_db=change.conn,
            **checks,
        )
        if forward:
            row.status, row.forwarded_at = ReportStatus.FORWARDED, moment
        else:
            row.status = ReportStatus.RETURNED
        await row.save(using_db=change.conn)
        change.note(verification={**checks, "outcome": str(outcome), "comment": text})
    return change.row


async def receive_report(
    actor: Actor, report_id: str | UUID, *, now: datetime | None = None
) -> AnnualReport:
    """Provincial staff receive a forwarded report (R-ASM-2). Raises NotFound, NotAllowed,
    InvalidMove (not forwarded)."""
    moment = _now(now)
    report = await report_for(actor, report_id, Action.RECEIVE)
    async with _changing_report(actor, report, Action.RECEIVE) as change:
        row = change.row
        _in(row.status, frozenset({ReportStatus.FORWARDED}), "only a forwarded report is received")
        row.status = ReportStatus.RECEIVED
        row.received_at, row.received_by_id = moment, actor.acting_user_id
        await row.save(using_db=change.conn)
    return change.row


async def attachable_report(actor: Actor, report_id: UUID) -> AnnualReport:
    """The report the lead attaches a document to (``annual_report`` ATTACH), only while a
    draft or returned (R-ASM-2: what was submitted stays as submitted). NotFound outside the
    caller's reading scope; NotAllowed (audited) for a reader who is not the lead; InvalidMove
    once submitted."""
    report = await report_for(actor, report_id, Action.ATTACH)
    _in(
        report.status, EDITABLE_REPORT, "attachments change while the report is a draft or returned"
    )
    return report
