"""Scoring and finalising an expert panel (R-REV-2…4), for any ``PanelKind``.

Blind scoring: an expert writes, and is shown, only their own assignment's scores (R-REV-3); the
audit log keeps which criteria were scored and a digest, never a value. Finalising turns the
experts' weighted totals into the panel's result (the mean, trimmed with five or more experts,
R-REV-4), after checking conflicts of interest once more (R-REV-1); from then on nothing in the
panel changes. Staffing a panel and the shared pieces: ``services/panel.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from models.base import utcnow
from models.reviews import (
    MIN_EXPERTS,
    InvalidScore,
    Review,
    ReviewStatus,
    Score,
    aggregate,
    canonical_score,
    check_score,
    weighted_total,
)
from models.vocabulary import term
from policies import scopes
from services.actor import Actor
from services.errors import BadInput, InvalidMove, NotFound
from services.panel import (
    PanelKind,
    check_panel_conflicts,
    locked_panel,
    panel_change,
    scores_evidence,
    scores_of,
    subject_for,
)


class ScoreTerms(Protocol):
    """One score an expert gives: a criterion code, a Decimal 0-100 (two places), a comment."""

    @property
    def criterion(self) -> str: ...
    @property
    def score(self) -> Decimal: ...
    @property
    def comment(self) -> str: ...


def check_scores(scores: Sequence[ScoreTerms], kind: PanelKind) -> None:
    """R-REV-2 on a submission: at least one score, each a criterion of ``kind``'s set given
    once, each 0-100 with at most two places. Raises BadInput (field ``scores``)."""
    if not scores:
        raise BadInput("give at least one score", field="scores")
    try:
        for item in scores:
            check_score(item.criterion, item.score, kind.criteria)
    except InvalidScore as exc:
        raise BadInput(str(exc), field="scores") from None
    if len({s.criterion for s in scores}) != len(scores):
        raise BadInput("each criterion once", field="scores")


async def submit_scores(
    kind: PanelKind, actor: Actor, subject_id: object, scores: Sequence[ScoreTerms]
) -> Review:
    """Submit or edit the caller's own scores on the subject's panel (R-REV-2, R-REV-3).

    Some criteria now and the rest later is fine; once every criterion is scored the
    assignment's weighted total is kept (R-REV-4). Only in ``kind.scoring`` states, only while
    the panel is open. Audited ``{audit}.score``: before/after the criteria and digest, plus the
    criteria whose value or comment changed. Returns the panel. Raises NotFound, NotAllowed,
    BadInput (scores), InvalidMove (finalised: scores are frozen; state)."""
    subject = await subject_for(kind, actor, subject_id, kind.score)
    check_scores(scores, kind)
    authz = subject.authz
    async with panel_change(kind, actor, subject, kind.score, "score") as change:
        centre, conn = change.row, change.conn
        panel = await locked_panel(kind, subject.id, conn)
        if panel is None:
            raise NotFound("review")
        if panel.status is ReviewStatus.FINALISED:
            raise InvalidMove(
                "the review is finalised: scores are frozen (R-REV-4)",
                currentStatus=term(centre.status),
            )
        kind.scoring.check(centre)
        assignment = (
            await scopes.own_assignments(authz).using_db(conn).get_or_none(review_id=panel.id)
        )
        if assignment is None:
            raise NotFound("assignment")
        previous = await scores_of(scopes.own_scores(authz), assignment.id, conn)
        for item in scores:
            await Score.update_or_create(
                assignment_id=assignment.id,
                criterion=item.criterion,
                defaults={"score": canonical_score(item.score), "comment": item.comment.strip()},
                using_db=conn,
            )
        stored = await scores_of(scopes.own_scores(authz), assignment.id, conn)
        current = {criterion: score for criterion, (score, _) in stored.items()}
        complete = all(c.code in current for c in kind.criteria)
        assignment.weighted_total = weighted_total(current, kind.criteria) if complete else None
        await assignment.save(update_fields=["weighted_total"], using_db=conn)
        # R-REV-3: the log (which administrators read) names the criteria and proves the values
        # by a digest; the values themselves are seen by provincial staff only.
        changed = sorted(c for c, value in stored.items() if previous.get(c) != value)
        change.record(
            before=scores_evidence(assignment.id, previous),
            after={**(scores_evidence(assignment.id, stored) or {}), "changed": changed},
            object_id=panel.id,
        )
    return panel


async def finalise(
    kind: PanelKind, actor: Actor, subject_id: object, onsite_check: str, opinion: str
) -> Review:
    """Finalise the subject's panel (R-REV-4): record the on-site check and the opinion, and the
    result, the mean of the live experts' weighted totals (trimmed of the highest and lowest
    with 5 or more; Decimal, half-up, two places). Scores are frozen from then on.

    Needs ``kind.finalising`` states, an open panel, at least 3 live assignments all fully
    scored, and no conflict of interest now (R-REV-1). Audited ``{audit}.finalise`` (after:
    result and number of experts). Returns the panel. Raises NotFound, NotAllowed, BadInput
    (text missing, unfinished scores, a conflict), InvalidMove (state, already finalised)."""
    subject = await subject_for(kind, actor, subject_id, kind.finalise)
    if not onsite_check.strip():
        raise BadInput("record the on-site check", field="onsiteCheck")
    if not opinion.strip():
        raise BadInput("record the review opinion", field="opinion")
    authz = subject.authz
    async with panel_change(kind, actor, subject, kind.finalise, "finalise") as change:
        centre, conn = change.row, change.conn
        kind.finalising.check(centre)
        panel = await locked_panel(kind, subject.id, conn)
        if panel is None:
            raise NotFound("review")
        if panel.status is ReviewStatus.FINALISED:
            raise InvalidMove("the review is already finalised", currentStatus=term(centre.status))
        assignments = await scopes.all_assignments(authz).using_db(conn).filter(review_id=panel.id)
        await check_panel_conflicts(authz, centre.id, assignments, conn)
        unfinished = [a for a in assignments if a.weighted_total is None]
        if len(assignments) < MIN_EXPERTS or unfinished:
            raise BadInput(
                f"every assigned expert must score every criterion ({len(unfinished)} of "
                f"{len(assignments)} unfinished; at least {MIN_EXPERTS} experts)"
            )
        panel.result = aggregate(
            a.weighted_total for a in assignments if a.weighted_total is not None
        )
        panel.status = ReviewStatus.FINALISED
        panel.onsite_check, panel.opinion = onsite_check.strip(), opinion.strip()
        panel.finalised_at, panel.finalised_by_id = utcnow(), actor.acting_user_id
        panel.expert_count = len(assignments)
        await panel.save(using_db=conn)
        change.record(
            before=None,
            after={"result": str(panel.result), "experts": len(assignments)},
            object_id=panel.id,
        )
    return panel
