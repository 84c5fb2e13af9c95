"""The selection review (三(二)3, R-REV-1…5): the expert panel on a centre's application.

``SELECTION`` is the panel kind: its subject is the application, whose id is the centre's own;
it scores on the six selection conditions (``models/reviews.py`` ``CRITERIA``); experts are
assigned and withdrawn once the application passed formal review, scored and finalised during
expert review. The functions below are the operations GraphQL calls; the mechanism itself is
``services/panel.py`` and ``services/panel_scoring.py``. Experts declare their own conflicts of
interest here too (R-REV-1).
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from models.centres import CentreStatus
from models.reviews import SELECTION_CRITERIA, PanelSubject, Review
from policies import scopes
from policies.vocabulary import Action, Resource
from services import panel, panel_scoring
from services.actor import Actor
from services.changes import changing
from services.errors import BadInput, NotFound
from services.ids import global_id, parse_id
from services.panel import PanelKind, Window
from services.panel_scoring import ScoreTerms

MAX_DECLARED_CONFLICTS = 100
REVIEWABLE = frozenset({CentreStatus.FORMAL_REVIEW_PASSED, CentreStatus.EXPERT_REVIEW})
IN_EXPERT_REVIEW = frozenset({CentreStatus.EXPERT_REVIEW})


async def _application_centre(subject_id: UUID) -> UUID:
    """The application is the centre's own record: its id is the centre's (no look-up)."""
    return subject_id


SELECTION = PanelKind(
    subject_type=PanelSubject.SELECTION,
    criteria_set=SELECTION_CRITERIA,
    centre_of=_application_centre,
    subject="centre",
    assigning=Window(
        REVIEWABLE, "experts are assigned after formal review; the centre is {status}"
    ),
    unassigning=Window(REVIEWABLE, "experts are withdrawn during a review; the centre is {status}"),
    scoring=Window(
        IN_EXPERT_REVIEW, "scores are given during expert review; the centre is {status}"
    ),
    finalising=Window(
        IN_EXPERT_REVIEW, "a review is finalised during expert review; the centre is {status}"
    ),
)


async def assign_expert(actor: Actor, centre_id: str | UUID, expert_id: str | UUID) -> Review:
    """Assign an expert to the centre's selection review (R-REV-1; see ``panel.assign_expert``).

    Provincial staff, in formal_review_passed or expert_review. Returns the review."""
    return await panel.assign_expert(SELECTION, actor, centre_id, expert_id)


async def unassign_expert(actor: Actor, centre_id: str | UUID, expert_id: str | UUID) -> Review:
    """Withdraw an expert from the open selection review (R-REV-1, R-REV-3; see
    ``panel.unassign_expert``). Returns the review."""
    return await panel.unassign_expert(SELECTION, actor, centre_id, expert_id)


async def submit_scores(
    actor: Actor, centre_id: str | UUID, scores: Sequence[ScoreTerms]
) -> Review:
    """The assigned expert's own scores on the six criteria, during expert review (R-REV-2,
    R-REV-3; see ``panel_scoring.submit_scores``). Returns the review."""
    return await panel_scoring.submit_scores(SELECTION, actor, centre_id, scores)


async def finalise_review(
    actor: Actor, centre_id: str | UUID, onsite_check: str, opinion: str
) -> Review:
    """Finalise the selection review with the on-site check and the opinion (R-REV-4; see
    ``panel_scoring.finalise``). Returns the review with its result."""
    return await panel_scoring.finalise(SELECTION, actor, centre_id, onsite_check, opinion)


def distinct_organisation_ids(values: Sequence[str]) -> list[UUID]:
    """Distinct organisation ids in the order given (however spelt), at most 100.

    Raises BadInput (field ``organisationIds``) for anything that is not an id, or too many."""
    found: dict[UUID, None] = {}
    for index, value in enumerate(values):
        try:
            found.setdefault(parse_id(value, "organisation"))
        except NotFound:
            raise BadInput(
                f"organisationIds[{index}] is not an organisation id", field="organisationIds"
            ) from None
        if len(found) > MAX_DECLARED_CONFLICTS:
            raise BadInput(
                f"declare at most {MAX_DECLARED_CONFLICTS} organisations", field="organisationIds"
            )
    return list(found)


async def declare_conflicts(actor: Actor, organisation_ids: Sequence[str]) -> list[UUID]:
    """An expert declares the organisations they must never review (R-REV-1), replacing any
    earlier declaration; an empty list withdraws them all.

    Every id must be a registered organisation. Audited ``user.declare`` (before/after: the
    declared ids). Returns the ids as recorded. Raises NotAllowed (not an expert), BadInput
    (field ``organisationIds``: not an id, unknown, more than 100)."""
    authz = await actor.require(Resource.USER, Action.DECLARE)
    wanted = distinct_organisation_ids(organisation_ids)
    known: set[UUID] = set()
    if wanted:
        rows = (
            await scopes.declarable_organisations(authz)
            .filter(id__in=wanted)
            .values_list("id", flat=True)
        )
        known = {UUID(str(r)) for r in rows}
    unknown = [global_id("Organisation", o) for o in wanted if o not in known]
    if unknown:
        raise BadInput(
            f"unknown organisations: {', '.join(unknown)}",
            field="organisationIds",
            organisationIds=unknown,
        )
    declared = [str(o) for o in wanted]
    async with changing(
        actor,
        scopes.visible_users(authz, Action.DECLARE),
        authz.user_id,
        what="user",
        resource=Resource.USER,
        action=Action.DECLARE,
    ) as change:
        user = change.row
        before = list(user.declared_conflicts)
        user.declared_conflicts = declared
        await user.save(update_fields=["declared_conflicts"], using_db=change.conn)
        change.record(before={"declared_conflicts": before}, after={"declared_conflicts": declared})
    return wanted
