"""Periodic assessment (定期考核, R-ASM-1, R-ASM-4) and re-assessment after rectification
(R-ASM-5): opening, the expert panel, grading and the centre move the grade makes.

Provincial staff open an assessment of a centre with an on-site date; an expert panel (the
reusable panel of ``services/panel.py`` and ``services/panel_scoring.py``: conflicts of interest
over the whole alliance and declared conflicts, blind scoring, finalising with frozen scores)
scores the three assessment areas; staff then record the grade with an opinion. The grade's
outcome (``models.assessments.outcome_move``) is made through the one centre move
(``services/moves.py`` ``move_centre``) in the grading's own transaction: a failed periodic
assessment starts a one-year rectification, a re-assessment restores or revokes the centre.
Those three moves exist only as such outcomes.

Every operation takes the Actor and plain values and raises ``services/errors`` exceptions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from models.assessment_calendar import (
    assessment_allowed,
    periodic_assessment_due,
    rectification_deadline,
    years_later,
)
from models.assessments import (
    PANEL_SUBJECT,
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    Grade,
    outcome_move,
)
from models.base import programme_today
from models.centres import Centre, CentreStatus
from models.reviews import ASSESSMENT_CRITERIA, PanelSubject, Review, ReviewStatus
from models.vocabulary import term, terms
from policies import scopes
from policies.vocabulary import Action, Resource
from services import panel, panel_scoring
from services.access import centre_for, find
from services.actor import Actor
from services.changes import changing, lock
from services.errors import BadInput, Conflict, InvalidMove
from services.ids import parse_id
from services.moves import MoveRequest, move_centre
from services.panel import CentreLocator, PanelKind, Window
from services.panel_scoring import ScoreTerms
from services.values import programme_day, text

OPINION_LIMIT = 20_000
ESTABLISHED = frozenset({CentreStatus.ESTABLISHED})
RECTIFYING = frozenset({CentreStatus.RECTIFYING})
KIND_WORDS = {AssessmentKind.PERIODIC: "定期考核", AssessmentKind.REASSESSMENT: "整改后重新考核"}
GRADE_WORDS = {
    Grade.EXCELLENT: "优秀",
    Grade.GOOD: "良好",
    Grade.PASS: "合格",
    Grade.FAIL: "不合格",
}


def _locator(kind: AssessmentKind) -> CentreLocator:
    async def centre_of(subject_id: UUID) -> UUID | None:
        """The centre of the assessment of this kind (any status; the steps check it)."""
        rows = await Assessment.filter(id=subject_id, kind=kind).values_list("centre_id", flat=True)
        return UUID(str(rows[0])) if rows else None

    return centre_of


def _panel_kind(kind: AssessmentKind, states: frozenset[CentreStatus]) -> PanelKind:
    refusal = f"{{step}} while the centre is {terms(states)}; it is {{status}}"
    return PanelKind(
        subject_type=PANEL_SUBJECT[kind],
        criteria_set=ASSESSMENT_CRITERIA,
        centre_of=_locator(kind),
        subject="assessment",
        assigning=Window(states, refusal.replace("{step}", "experts are assigned")),
        unassigning=Window(states, refusal.replace("{step}", "experts are withdrawn")),
        scoring=Window(states, refusal.replace("{step}", "scores are given")),
        finalising=Window(states, refusal.replace("{step}", "the panel is finalised")),
        resource=Resource.ASSESSMENT,
        assign=Action.OPEN,
        score=Action.SCORE,
        finalise=Action.GRADE,
        audit="assessment" if kind is AssessmentKind.PERIODIC else "reassessment",
    )


# The periodic assessment's panel works while the centre is established (R-ASM-4); the
# re-assessment's while it rectifies (R-ASM-5).
ASSESSMENT_PANEL = _panel_kind(AssessmentKind.PERIODIC, ESTABLISHED)
REASSESSMENT_PANEL = _panel_kind(AssessmentKind.REASSESSMENT, RECTIFYING)
PANEL_KINDS: dict[AssessmentKind, PanelKind] = {
    AssessmentKind.PERIODIC: ASSESSMENT_PANEL,
    AssessmentKind.REASSESSMENT: REASSESSMENT_PANEL,
}
CENTRE_STATES: dict[AssessmentKind, frozenset[CentreStatus]] = {
    AssessmentKind.PERIODIC: ESTABLISHED,
    AssessmentKind.REASSESSMENT: RECTIFYING,
}


# --- opening: R-ASM-1, R-ASM-4, R-ASM-5 ------------------------------------------------------


# Design choice (the plan says "every 3 years", not when one may start): the n-th periodic
# assessment may be opened from two years before it falls due — for the first, one year after
# establishment, which is R-ASM-1 — so a cycle cannot be opened twice within a few months.
OPENS_BEFORE_DUE_YEARS = 2


async def _none_open(centre: Centre) -> None:
    if await Assessment.filter(centre_id=centre.id, status=AssessmentStatus.OPEN).exists():
        raise Conflict("an assessment of this centre is still open: grade it first")


async def _cycle(centre: Centre, kind: AssessmentKind, today: date, onsite_on: date) -> int:
    """The cycle of a new assessment of ``kind``, or a refusal naming the rule. The on-site day
    is on or after establishment (periodic) or the failed assessment's grading (re-assessment)."""
    status = term(centre.status)
    if kind is AssessmentKind.PERIODIC:
        if centre.status is not CentreStatus.ESTABLISHED or centre.established_on is None:
            raise InvalidMove(
                f"a periodic assessment is of an established centre; the centre is {status} "
                "(R-ASM-4)",
                currentStatus=status,
            )
        since = centre.established_on
        if not assessment_allowed(since, today):
            raise InvalidMove(
                f"the centre was established on {since}: it may be assessed once it has been "
                f"established for a full year, from {years_later(since, 1)} (R-ASM-1)",
                currentStatus=status,
            )
        if onsite_on < since:
            raise BadInput(
                f"the on-site day is on or after the establishment, {since}", field="onsiteOn"
            )
        await _none_open(centre)
        cycle = await Assessment.filter(centre_id=centre.id, kind=kind).count() + 1
        due = periodic_assessment_due(since, cycle)
        opens = years_later(due, -OPENS_BEFORE_DUE_YEARS)
        if today < opens:
            raise InvalidMove(
                f"periodic assessment {cycle} falls due on {due}: it may be opened from {opens} "
                "(R-ASM-4)",
                currentStatus=status,
            )
        return cycle
    if centre.status is not CentreStatus.RECTIFYING:
        raise InvalidMove(
            f"a re-assessment is of a rectifying centre; the centre is {status} (R-ASM-5)",
            currentStatus=status,
        )
    await _none_open(centre)
    failed = (
        await Assessment.filter(centre_id=centre.id, kind=AssessmentKind.PERIODIC, grade=Grade.FAIL)
        .order_by("-cycle")
        .first()
    )
    if failed is None:
        raise InvalidMove(
            "the centre has no failed periodic assessment to re-assess (R-ASM-5)",
            currentStatus=status,
        )
    if failed.graded_on is not None and onsite_on < failed.graded_on:
        raise BadInput(
            f"the re-assessment's on-site day is on or after the failed assessment's grading, "
            f"{failed.graded_on}",
            field="onsiteOn",
        )
    if await Assessment.filter(centre_id=centre.id, kind=kind, cycle=failed.cycle).exists():
        raise Conflict("this rectification has its re-assessment already (R-ASM-5)")
    return failed.cycle


async def open_assessment(
    actor: Actor, centre_id: object, onsite_on: date, kind: AssessmentKind
) -> Assessment:
    """Open an assessment of a centre with its on-site day (UTC+8 calendar), by provincial staff
    (``assessment`` OPEN).

    PERIODIC (R-ASM-4): of an established centre, established at least a full year ago by the
    programme's today (R-ASM-1); its cycle is the centre's number of periodic assessments + 1.
    REASSESSMENT (R-ASM-5): of a rectifying centre, one per rectification, with the cycle of the
    failed periodic assessment. One open assessment per centre at a time. Audited
    ``assessment.open`` (after: the assessment's snapshot). Raises NotFound (centre),
    NotAllowed, BadInput (``onsiteOn``), InvalidMove (state, under one year), Conflict (an
    assessment still open, the re-assessment exists)."""
    authz, centre = await centre_for(
        actor, parse_id(centre_id, "centre"), Resource.ASSESSMENT, Action.OPEN
    )
    programme_day(onsite_on, "onsiteOn")
    today = programme_today()
    async with changing(
        actor,
        scopes.centres_for(authz, Resource.ASSESSMENT, Action.OPEN),
        centre.id,
        what="centre",
        resource=Resource.ASSESSMENT,
        action=Action.OPEN,
        name="assessment.open",
    ) as change:
        centre, conn = change.row, change.conn
        cycle = await _cycle(centre, kind, today, onsite_on)
        try:
            row = await Assessment.create(
                centre_id=centre.id,
                kind=kind,
                cycle=cycle,
                onsite_on=onsite_on,
                opened_by_id=actor.acting_user_id,
                using_db=conn,
            )
        except IntegrityError:
            raise Conflict("this assessment exists already") from None
        change.record(before=None, after=row.snapshot(), object_id=row.id)
    return row


# --- the panel: thin wrappers over services/panel.py -----------------------------------------


async def _open_one(actor: Actor, assessment_id: object, action: Action) -> tuple[PanelKind, UUID]:
    """The panel kind and id of an assessment the caller may take ``action`` on, still open.

    Raises NotFound (outside scope), NotAllowed (role), InvalidMove (graded)."""
    authz = await actor.require(Resource.ASSESSMENT, action)
    row = await find(scopes.visible_assessments(authz, action), assessment_id, "assessment")
    if row.status is AssessmentStatus.GRADED:
        raise InvalidMove(
            "the assessment is graded: its panel is closed (R-ASM-4)",
            currentStatus=term(row.status),
        )
    return PANEL_KINDS[row.kind], row.id


async def assign_expert(actor: Actor, assessment_id: object, expert_id: object) -> Review:
    """Put an expert on an open assessment's panel (R-REV-1 over the centre's whole current
    alliance and the expert's declared conflicts; ``panel.assign_expert``). Provincial staff.
    Returns the panel. Raises NotFound, NotAllowed, BadInput (conflict of interest),
    InvalidMove (graded, finalised, centre state), Conflict (already assigned)."""
    kind, subject = await _open_one(actor, assessment_id, Action.OPEN)
    return await panel.assign_expert(kind, actor, subject, expert_id)


async def unassign_expert(actor: Actor, assessment_id: object, expert_id: object) -> Review:
    """Withdraw an expert, with their scores, from an open assessment's panel
    (``panel.unassign_expert``). Returns the panel."""
    kind, subject = await _open_one(actor, assessment_id, Action.OPEN)
    return await panel.unassign_expert(kind, actor, subject, expert_id)


async def submit_scores(
    actor: Actor, assessment_id: object, scores: Sequence[ScoreTerms]
) -> Review:
    """The assigned expert's own scores (0-100, two places) on the three assessment areas
    (R-ASM-4, blind: R-REV-3; ``panel_scoring.submit_scores``). Returns the panel."""
    kind, subject = await _open_one(actor, assessment_id, Action.SCORE)
    return await panel_scoring.submit_scores(kind, actor, subject, scores)


async def finalise_panel(
    actor: Actor, assessment_id: object, onsite_check: str, opinion: str
) -> Review:
    """Finalise the assessment's panel with the on-site check and the panel's opinion: the
    result is the (trimmed) mean of the weighted totals, scores frozen (R-REV-4;
    ``panel_scoring.finalise``). Provincial staff. Returns the panel with its result."""
    kind, subject = await _open_one(actor, assessment_id, Action.GRADE)
    return await panel_scoring.finalise(kind, actor, subject, onsite_check, opinion)


# --- grading: R-ASM-4, R-ASM-5 ---------------------------------------------------------------


def move_comment(row: Assessment) -> str:
    """The status event's comment of an assessment's outcome move: which assessment, its grade,
    and the opinion."""
    grade = GRADE_WORDS[row.grade] if row.grade else ""
    return f"第{row.cycle}轮{KIND_WORDS[row.kind]}结果：{grade}。{row.opinion}"


async def grade_assessment(
    actor: Actor, assessment_id: object, grade: Grade, opinion: str
) -> Assessment:
    """Record an open assessment's grade (优秀/良好/合格/不合格) with the opinion (required, at
    most 20,000 characters), by provincial staff (``assessment`` GRADE), once its panel is
    finalised; the panel's result is copied beside it and ``graded_on`` is the programme's
    today (UTC+8). Then the outcome move (R-ASM-5) is made, in the same transaction: a failed
    periodic assessment starts rectification, due one year later (``rectification_due``;
    29 February → 28 February); a re-assessment passed (any grade but fail) restores the
    centre, failed revokes it. The status event's comment names the assessment and carries
    the opinion.

    Audited ``assessment.grade`` (before/after: the assessment) and the move's own
    ``centre.<move>``. Returns the assessment. Raises NotFound, NotAllowed, BadInput (opinion,
    panel not finalised), InvalidMove (graded already, centre state)."""
    note = text(opinion, "opinion", OPINION_LIMIT)
    authz = await actor.require(Resource.ASSESSMENT, Action.GRADE)
    graded = scopes.visible_assessments(authz, Action.GRADE)
    row = await find(graded, assessment_id, "assessment")
    today = programme_today()
    async with changing(
        actor,
        scopes.centres_for(authz, Resource.ASSESSMENT, Action.GRADE),
        row.centre_id,
        what="assessment",
        resource=Resource.ASSESSMENT,
        action=Action.GRADE,
        name="assessment.grade",
    ) as change:
        centre, conn = change.row, change.conn
        row = await lock(graded, row.id, conn, "assessment")
        if row.status is AssessmentStatus.GRADED:
            raise InvalidMove("the assessment is graded already", currentStatus=term(row.status))
        if centre.status not in CENTRE_STATES[row.kind]:
            raise InvalidMove(
                f"a {term(row.kind)} assessment is graded while the centre is "
                f"{terms(CENTRE_STATES[row.kind])}; it is {term(centre.status)}",
                currentStatus=term(centre.status),
            )
        review = await _finalised_panel(row, conn)
        before = row.snapshot()
        row.grade, row.opinion, row.panel_result = grade, note, review.result
        row.status, row.graded_on, row.graded_by_id = AssessmentStatus.GRADED, today, authz.user_id
        move = outcome_move(row.kind, grade)
        if move is not None and row.kind is AssessmentKind.PERIODIC:
            row.rectification_due = rectification_deadline(today)
        await row.save(using_db=conn)
        change.record(before=before, after=row.snapshot(), object_id=row.id)
        if move is not None:
            # The one centre move, joined to this transaction: grade and move commit together.
            request = MoveRequest(move, move_comment(row), outcome_of=row.id)
            await move_centre(actor, centre.id, request, today=today)
    return row


async def _finalised_panel(row: Assessment, conn: BaseDBAsyncClient) -> Review:
    panels = Review.filter(subject_type=PanelSubject(row.panel_subject), subject_id=row.id)
    review = await panels.using_db(conn).first()
    if review is None or review.status is not ReviewStatus.FINALISED:
        raise BadInput("finalise the assessment panel first (R-ASM-4)")
    return review
