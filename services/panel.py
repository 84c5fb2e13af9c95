"""The expert panel (专家评审): one mechanism over a subject and a criteria set (R-REV-1…4).

A ``PanelKind`` says what a panel is about (its subject type, how to find the subject's centre),
which criteria it scores on, which policy actions guard its steps, in which centre states each
step may be taken and under which names the audit log records them. The selection review is
one kind (``services/reviews.py`` ``SELECTION``); the periodic assessment and the re-assessment
(R-ASM-4/5) are two others (``services/assessments.py``).

Here: staffing a panel (assigning and withdrawing experts, with conflicts of interest checked
over the centre's whole current alliance and the experts' declared conflicts, R-REV-1) and what
the audit log may keep of scores (R-REV-3). Scoring and finalising: ``services/panel_scoring.py``.

Every step takes the Actor and plain values, authorizes once (``services/access.centre_for``),
then runs in one transaction that locks the centre row in scope and writes the audit entry
(``services/changes.changing``). Refusals are ``services/errors`` exceptions.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet

from models.accounts import User
from models.base import utcnow
from models.centres import Centre, CentreStatus
from models.reviews import (
    Criterion,
    PanelSubject,
    Review,
    ReviewAssignment,
    ReviewStatus,
    Score,
    conflict_of_interest,
    criteria_of,
    live_assignments,
    scores_digest,
)
from models.vocabulary import term
from policies import scopes
from policies.enforcer import Authorizer
from policies.vocabulary import Action, Resource
from services.access import centre_for
from services.actor import Actor
from services.changes import Change, changing
from services.errors import BadInput, Conflict, InvalidMove, NotFound
from services.ids import global_id, parse_id

CentreLocator = Callable[[UUID], Awaitable[UUID | None]]
"""The id of the centre a subject belongs to, or None when there is no such subject."""


@dataclass(frozen=True, slots=True)
class Window:
    """The centre states in which one panel step may be taken.

    ``refusal`` is the InvalidMove message outside them; ``{status}`` stands for the centre's."""

    states: frozenset[CentreStatus]
    refusal: str

    def check(self, centre: Centre) -> None:
        """Raises InvalidMove (``currentStatus`` in details) unless the centre is in ``states``."""
        if centre.status not in self.states:
            raise InvalidMove(
                self.refusal.format(status=term(centre.status)), currentStatus=term(centre.status)
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class PanelKind:
    """One kind of expert panel: its subject, criteria set, policy actions, windows, audit names.

    - ``subject_type``: the panels' ``Review.subject_type``; a subject has one panel per type.
    - ``criteria_set``: a key of ``models.reviews.CRITERIA_SETS`` (R-REV-2).
    - ``centre_of``: finds the centre a subject belongs to (scopes go through the centre).
    - ``subject``: what NotFound names when a subject id is malformed or unknown.
    - ``resource`` with ``assign`` (assign and withdraw experts), ``score``, ``finalise``: the
      policy.csv lines that guard the steps.
    - ``assigning``, ``unassigning``, ``scoring``, ``finalising``: the centre states each step
      is allowed in, and how a refusal reads.
    - ``audit``: the audit entries are ``{audit}.assign``, ``.unassign``, ``.score``,
      ``.finalise``.
    """

    subject_type: PanelSubject
    criteria_set: str
    centre_of: CentreLocator
    subject: str
    assigning: Window
    unassigning: Window
    scoring: Window
    finalising: Window
    resource: Resource = Resource.REVIEW
    assign: Action = Action.ASSIGN
    score: Action = Action.SCORE
    finalise: Action = Action.FINALISE
    audit: str = "review"

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """The criteria this kind's panels score on (KeyError for an unregistered set)."""
        return criteria_of(self.criteria_set)

    def panels(self) -> QuerySet[Review]:
        """Every panel of this kind (one per subject); not a tenant scope."""
        return Review.filter(subject_type=self.subject_type)


@dataclass(frozen=True, slots=True)
class Subject:
    """A panel's subject, resolved and authorized: its id, the caller's grants, its centre."""

    id: UUID
    authz: Authorizer
    centre: Centre


async def subject_for(kind: PanelKind, actor: Actor, subject_id: object, action: Action) -> Subject:
    """The subject, if the caller may take ``action`` of ``kind.resource`` on its centre.

    Raises NotFound (``kind.subject``: malformed or unknown id; the centre outside every scope
    of the caller), NotAllowed (readable, not the caller's to change; audited)."""
    subject = parse_id(subject_id, kind.subject)
    centre_id = await kind.centre_of(subject)
    if centre_id is None:
        raise NotFound(kind.subject)
    authz, centre = await centre_for(actor, centre_id, kind.resource, action)
    return Subject(subject, authz, centre)


@asynccontextmanager
async def panel_change(
    kind: PanelKind, actor: Actor, subject: Subject, action: Action, step: str
) -> AsyncIterator[Change[Centre]]:
    """One transaction for a panel step: the subject's centre locked in the caller's scope, and
    the audit entry ``{kind.audit}.{step}`` written on leaving (``change.record`` says what)."""
    async with changing(
        actor,
        scopes.centres_for(subject.authz, kind.resource, action),
        subject.centre.id,
        what="centre",
        resource=kind.resource,
        action=action,
        name=f"{kind.audit}.{step}",
    ) as change:
        yield change


async def locked_panel(
    kind: PanelKind, subject: UUID, conn: BaseDBAsyncClient, scope: QuerySet[Review] | None = None
) -> Review | None:
    """The subject's panel of this kind, locked until the transaction ends, if there is one."""
    panels = (scope if scope is not None else Review.all()).filter(
        subject_type=kind.subject_type, subject_id=subject
    )
    return await panels.using_db(conn).select_for_update().first()


# --- R-REV-1: conflicts of interest --------------------------------------------------------


async def current_alliance(
    authz: Authorizer, centre_id: UUID, conn: BaseDBAsyncClient | None = None
) -> list[UUID]:
    """The organisations in the centre's alliance now, lead included (members who left are not
    counted), as the caller may read them."""
    members = scopes.visible_alliance_members(authz).filter(centre_id=centre_id, left_on=None)
    rows = await members.using_db(conn).values_list("organisation_id", flat=True)
    return [UUID(str(r)) for r in rows]


def in_conflict(experts: Iterable[User], alliance: Sequence[UUID]) -> dict[UUID, str]:
    """Each expert in conflict with the alliance (R-REV-1: own organisation in it, or a declared
    conflict with one of its organisations), by expert id, with the reason."""
    found: dict[UUID, str] = {}
    for expert in experts:
        reason = conflict_of_interest(expert.organisation_id, expert.declared_conflicts, alliance)
        if reason:
            found[expert.id] = reason
    return found


async def check_assignable(authz: Authorizer, centre_id: UUID, expert: User) -> None:
    """R-REV-1 on assigning: raises BadInput (field ``expertId``) when the expert's organisation
    is in the centre's current alliance or the expert declared a conflict with one in it."""
    reason = in_conflict([expert], await current_alliance(authz, centre_id)).get(expert.id)
    if reason:
        raise BadInput(f"conflict of interest: {reason} (R-REV-1)", field="expertId")


async def check_panel_conflicts(
    authz: Authorizer,
    centre_id: UUID,
    assignments: Sequence[ReviewAssignment],
    conn: BaseDBAsyncClient,
) -> None:
    """R-REV-1 again on finalising, against the alliance and the declarations as they are now: a
    conflict that arose after assigning must be resolved by withdrawing that expert.

    Raises BadInput naming the experts (to staff) with ``expertIds`` in the details."""
    experts = (
        await scopes.assigned_experts(authz)
        .using_db(conn)
        .filter(id__in=[a.expert_id for a in assignments])
    )
    conflicted = in_conflict(experts, await current_alliance(authz, centre_id, conn))
    if conflicted:
        names = "; ".join(
            f"{e.display_name} ({e.username}): {conflicted[e.id]}"
            for e in experts
            if e.id in conflicted
        )
        raise BadInput(
            f"an assigned expert has a conflict of interest with the centre's current "
            f"alliance: unassign them before finalising (R-REV-1); {names}",
            field="centreId",
            expertIds=sorted(global_id("User", e) for e in conflicted),
        )


# --- R-REV-3: what the audit log keeps of scores --------------------------------------------


def scores_evidence(
    assignment_id: UUID, values: Mapping[str, tuple[Decimal, str]]
) -> dict[str, object] | None:
    """What the audit log keeps of an expert's scores (criterion -> (score, comment)), R-REV-3:
    ``{"criteria": [codes, sorted], "digest": SHA-256 hex}`` that proves the values without
    revealing them; never the values or comments. None when nothing is scored."""
    if not values:
        return None
    return {"criteria": sorted(values), "digest": scores_digest(assignment_id, values)}


async def scores_of(
    scope: QuerySet[Score], assignment_id: UUID, conn: BaseDBAsyncClient
) -> dict[str, tuple[Decimal, str]]:
    """One assignment's scores in ``scope``: criterion -> (score, comment)."""
    rows = await scope.using_db(conn).filter(assignment_id=assignment_id)
    return {s.criterion: (s.score, s.comment) for s in rows}


# --- staffing: R-REV-1 ----------------------------------------------------------------------


async def _open_panel(
    kind: PanelKind, subject: UUID, centre: Centre, conn: BaseDBAsyncClient
) -> Review:
    """The subject's open panel, opened on the first assignment; InvalidMove once finalised."""
    panel = await locked_panel(kind, subject, conn)
    if panel is not None and panel.status is ReviewStatus.FINALISED:
        raise InvalidMove(
            "the review is finalised: its scores are frozen (R-REV-4)",
            currentStatus=term(centre.status),
        )
    if panel is None:
        panel = await Review.create(
            subject_type=kind.subject_type,
            subject_id=subject,
            criteria_set=kind.criteria_set,
            centre_id=centre.id,
            using_db=conn,
        )
    return panel


async def assign_expert(
    kind: PanelKind, actor: Actor, subject_id: object, expert_id: object
) -> Review:
    """Put an expert on the subject's panel (R-REV-1), opening the panel on the first one.

    Only an active user with an active expert binding, without a conflict of interest with the
    centre's current alliance; in ``kind.assigning`` states; a withdrawn expert gets the same
    assignment (and scores) back. Audited ``{audit}.assign`` (after: centre and expert ids).
    Returns the panel. Raises NotFound (subject, expert), NotAllowed, BadInput (conflict),
    InvalidMove (state, finalised panel), Conflict (already assigned)."""
    subject = await subject_for(kind, actor, subject_id, kind.assign)
    expert = await scopes.assignable_experts(subject.authz).get_or_none(
        id=parse_id(expert_id, "expert")
    )
    if expert is None:
        raise NotFound("expert")
    await check_assignable(subject.authz, subject.centre.id, expert)
    async with panel_change(kind, actor, subject, kind.assign, "assign") as change:
        centre, conn = change.row, change.conn
        kind.assigning.check(centre)
        panel = await _open_panel(kind, subject.id, centre, conn)
        earlier = (
            await ReviewAssignment.filter(review_id=panel.id, expert_id=expert.id)
            .using_db(conn)
            .first()
        )
        if earlier is not None and earlier.withdrawn_at is None:
            raise Conflict("this expert is already assigned")
        if earlier is not None:
            # Withdrawn before: the same assignment (and its scores) comes back.
            earlier.withdrawn_at = None
            await earlier.save(update_fields=["withdrawn_at"], using_db=conn)
        else:
            try:
                await ReviewAssignment.create(
                    review_id=panel.id, centre_id=centre.id, expert_id=expert.id, using_db=conn
                )
            except IntegrityError:
                raise Conflict("this expert is already assigned") from None
        panel.expert_count = (
            await live_assignments().filter(review_id=panel.id).using_db(conn).count()
        )
        await panel.save(update_fields=["expert_count"], using_db=conn)
        change.record(
            before=None,
            after={"centre_id": str(centre.id), "expert_id": str(expert.id)},
            object_id=panel.id,
        )
    return panel


async def unassign_expert(
    kind: PanelKind, actor: Actor, subject_id: object, expert_id: object
) -> Review:
    """Withdraw an expert from the subject's open panel, in ``kind.unassigning`` states.

    Withdrawn, not deleted: the assignment and its scores stay on record (``withdrawn_at``),
    outside every scope, and are not counted. Audited ``{audit}.unassign`` with the criteria
    scored and their digest only (R-REV-3). Returns the panel. Raises NotFound (subject,
    assignment), NotAllowed, InvalidMove (finalised panel, state)."""
    subject = await subject_for(kind, actor, subject_id, kind.assign)
    expert = parse_id(expert_id, "expert")
    authz = subject.authz
    async with panel_change(kind, actor, subject, kind.assign, "unassign") as change:
        centre, conn = change.row, change.conn
        panel = await locked_panel(kind, subject.id, conn, scopes.visible_reviews(authz))
        if panel is not None and panel.status is ReviewStatus.FINALISED:
            raise InvalidMove(
                "the review is finalised: its experts and scores are frozen (R-REV-4)",
                currentStatus=term(centre.status),
            )
        kind.unassigning.check(centre)
        assignments = scopes.all_assignments(authz).using_db(conn)
        assignment = (
            None
            if panel is None
            else await assignments.get_or_none(review_id=panel.id, expert_id=expert)
        )
        if panel is None or assignment is None:
            raise NotFound("assignment")
        withdrawn = await scores_of(scopes.all_scores(authz), assignment.id, conn)
        assignment.withdrawn_at = utcnow()
        await assignment.save(update_fields=["withdrawn_at"], using_db=conn)
        panel.expert_count = await assignments.filter(review_id=panel.id).count()
        await panel.save(update_fields=["expert_count"], using_db=conn)
        change.record(
            before={
                "centre_id": str(centre.id),
                "expert_id": str(expert),
                "scores": scores_evidence(assignment.id, withdrawn),
            },
            after={"expert_count": panel.expert_count},
            object_id=panel.id,
        )
    return panel
