"""Assigning experts (R-REV-1), blind scoring (R-REV-2, R-REV-3) and finalising (R-REV-4)."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import strawberry
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.base import utcnow
from models.centres import Centre, CentreStatus
from models.reviews import (
    CRITERIA,
    MIN_EXPERTS,
    InvalidScore,
    Review,
    ReviewAssignment,
    ReviewStatus,
    Score,
    aggregate,
    check_score,
    live_assignments,
    weighted_total,
)
from policies import scopes
from policies.vocabulary import Action, Resource
from services.access import centre_for
from schema.context import Info
from schema.errors import BadInput, Conflict, InvalidMove, NotFound
from schema.guard import require
from schema.ids import parse_id
from schema.reviews import checks
from schema.reviews.types import Review as ReviewType

async def locked(centre: Centre) -> Centre:
    return await Centre.filter(id=centre.id).select_for_update().get()


REVIEWABLE = frozenset({CentreStatus.FORMAL_REVIEW_PASSED, CentreStatus.EXPERT_REVIEW})


@strawberry.input(description="A score on one criterion / 单项评分")
class ScoreInput:
    criterion: str
    score: Decimal
    comment: str = ""


async def _open_review(centre: Centre) -> Review:
    review = await Review.filter(centre_id=centre.id).select_for_update().first()
    if review is not None and review.status is ReviewStatus.FINALISED:
        raise InvalidMove(
            "the review is finalised: its scores are frozen (R-REV-4)",
            currentStatus=str(centre.status),
        )
    if review is None:
        review = await Review.create(centre_id=centre.id)
    return review


@strawberry.type
class ReviewMutations:
    @strawberry.mutation(description="Assign an expert to an application's review / 指派专家")
    async def assign_expert(
        self, info: Info, centre_id: strawberry.ID, expert_id: strawberry.ID
    ) -> ReviewType:
        ctx = info.context
        authz, centre = await centre_for(
            ctx, parse_id(centre_id, "centre"), Resource.REVIEW, Action.ASSIGN
        )
        expert = await scopes.assignable_experts(authz).get_or_none(
            id=parse_id(expert_id, "expert")
        )
        if expert is None:
            raise NotFound("expert")
        alliance = await checks.current_alliance(authz, centre.id)
        reason = checks.in_conflict([expert], alliance).get(expert.id)
        if reason:
            raise BadInput(f"conflict of interest: {reason} (R-REV-1)", field="expertId")
        async with in_transaction() as conn:
            centre = await locked(centre)
            if centre.status not in REVIEWABLE:
                raise InvalidMove(
                    f"experts are assigned after formal review; the centre is {centre.status}",
                    currentStatus=str(centre.status),
                )
            review = await _open_review(centre)
            earlier = (
                await ReviewAssignment.filter(review_id=review.id, expert_id=expert.id)
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
                        review_id=review.id,
                        centre_id=centre.id,
                        expert_id=expert.id,
                        using_db=conn,
                    )
                except IntegrityError:
                    raise Conflict("this expert is already assigned") from None
            review.expert_count = (
                await live_assignments().filter(review_id=review.id).using_db(conn).count()
            )
            await review.save(update_fields=["expert_count"], using_db=conn)
            await ctx.audit_change(
                conn,
                Resource.REVIEW,
                Action.ASSIGN,
                review.id,
                after={"centre_id": str(centre.id), "expert_id": str(expert.id)},
            )
        return ReviewType.of(review)

    @strawberry.mutation(description="Submit or edit one's own scores / 提交评分")
    async def submit_scores(
        self, info: Info, centre_id: strawberry.ID, scores: list[ScoreInput]
    ) -> ReviewType:
        ctx = info.context
        authz, centre = await centre_for(
            ctx, parse_id(centre_id, "centre"), Resource.REVIEW, Action.SCORE
        )
        if not scores:
            raise BadInput("give at least one score", field="scores")
        try:
            for item in scores:
                check_score(item.criterion, item.score)
        except InvalidScore as exc:
            raise BadInput(str(exc), field="scores") from None
        if len({s.criterion for s in scores}) != len(scores):
            raise BadInput("each criterion once", field="scores")
        async with in_transaction() as conn:
            centre = await locked(centre)
            review = (
                await Review.filter(centre_id=centre.id).using_db(conn).select_for_update().get()
            )
            if review.status is ReviewStatus.FINALISED:
                raise InvalidMove(
                    "the review is finalised: scores are frozen (R-REV-4)",
                    currentStatus=str(centre.status),
                )
            if centre.status is not CentreStatus.EXPERT_REVIEW:
                raise InvalidMove(
                    f"scores are given during expert review; the centre is {centre.status}",
                    currentStatus=str(centre.status),
                )
            assignment = await scopes.own_assignments(authz).using_db(conn).get(centre_id=centre.id)
            previous = {
                s.criterion: (s.score, s.comment)
                for s in await scopes.own_scores(authz)
                .using_db(conn)
                .filter(assignment_id=assignment.id)
            }
            for item in scores:
                await Score.update_or_create(
                    assignment_id=assignment.id,
                    criterion=item.criterion,
                    defaults={
                        "score": item.score.quantize(Decimal("0.01")),
                        "comment": item.comment.strip(),
                    },
                    using_db=conn,
                )
            stored = {
                s.criterion: (s.score, s.comment)
                for s in await scopes.own_scores(authz)
                .using_db(conn)
                .filter(assignment_id=assignment.id)
            }
            current = {criterion: score for criterion, (score, _) in stored.items()}
            assignment.weighted_total = (
                weighted_total(current) if len(current) == len(CRITERIA) else None
            )
            await assignment.save(update_fields=["weighted_total"], using_db=conn)
            # R-REV-3: the log (which administrators read) names the criteria and proves the
            # values by a digest; the values themselves are seen by provincial staff only.
            changed = sorted(c for c, value in stored.items() if previous.get(c) != value)
            await ctx.audit_change(
                conn,
                Resource.REVIEW,
                Action.SCORE,
                review.id,
                before=checks.scores_evidence(assignment.id, previous),
                after={**(checks.scores_evidence(assignment.id, stored) or {}), "changed": changed},
            )
        return ReviewType.of(review)

    @strawberry.mutation(description="Finalise the review: aggregate and freeze / 评审定稿")
    async def finalise_review(
        self, info: Info, centre_id: strawberry.ID, onsite_check: str, opinion: str
    ) -> ReviewType:
        ctx = info.context
        authz, centre = await centre_for(
            ctx, parse_id(centre_id, "centre"), Resource.REVIEW, Action.FINALISE
        )
        if not onsite_check.strip():
            raise BadInput("record the on-site check", field="onsiteCheck")
        if not opinion.strip():
            raise BadInput("record the review opinion", field="opinion")
        async with in_transaction() as conn:
            centre = await locked(centre)
            if centre.status is not CentreStatus.EXPERT_REVIEW:
                raise InvalidMove(
                    f"a review is finalised during expert review; the centre is {centre.status}",
                    currentStatus=str(centre.status),
                )
            review = (
                await Review.filter(centre_id=centre.id).using_db(conn).select_for_update().get()
            )
            if review.status is ReviewStatus.FINALISED:
                raise InvalidMove(
                    "the review is already finalised", currentStatus=str(centre.status)
                )
            assignments = (
                await scopes.all_assignments(authz).using_db(conn).filter(review_id=review.id)
            )
            # R-REV-1 again, against the alliance as it is now and the experts' declarations as
            # they are now: a conflict that arose after assigning must be resolved by unassigning.
            experts = (
                await scopes.assigned_experts(authz)
                .using_db(conn)
                .filter(id__in=[a.expert_id for a in assignments])
            )
            alliance = await checks.current_alliance(authz, centre.id, conn)
            conflicted = checks.in_conflict(experts, alliance)
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
                    expertIds=sorted(str(e) for e in conflicted),
                )
            unfinished = [a for a in assignments if a.weighted_total is None]
            if len(assignments) < MIN_EXPERTS or unfinished:
                raise BadInput(
                    f"every assigned expert must score every criterion ({len(unfinished)} of "
                    f"{len(assignments)} unfinished; at least {MIN_EXPERTS} experts)"
                )
            review.result = aggregate(
                a.weighted_total for a in assignments if a.weighted_total is not None
            )
            review.status = ReviewStatus.FINALISED
            review.onsite_check, review.opinion = onsite_check.strip(), opinion.strip()
            review.finalised_at, review.finalised_by_id = utcnow(), ctx.user_id
            review.expert_count = len(assignments)
            await review.save(using_db=conn)
            await ctx.audit_change(
                conn,
                Resource.REVIEW,
                Action.FINALISE,
                review.id,
                after={"result": str(review.result), "experts": len(assignments)},
            )
        return ReviewType.of(review)

    @strawberry.mutation(
        description="Withdraw an expert, with their scores, from an open review / 撤回指派专家"
    )
    async def unassign_expert(
        self, info: Info, centre_id: strawberry.ID, expert_id: strawberry.ID
    ) -> ReviewType:
        ctx = info.context
        authz, centre = await centre_for(
            ctx, parse_id(centre_id, "centre"), Resource.REVIEW, Action.ASSIGN
        )
        expert = parse_id(expert_id, "expert")
        async with in_transaction() as conn:
            centre = await locked(centre)
            review = (
                await scopes.visible_reviews(authz)
                .using_db(conn)
                .filter(centre_id=centre.id)
                .select_for_update()
                .first()
            )
            if review is not None and review.status is ReviewStatus.FINALISED:
                raise InvalidMove(
                    "the review is finalised: its experts and scores are frozen (R-REV-4)",
                    currentStatus=str(centre.status),
                )
            if centre.status not in REVIEWABLE:
                raise InvalidMove(
                    f"experts are withdrawn during a review; the centre is {centre.status}",
                    currentStatus=str(centre.status),
                )
            assignments = scopes.all_assignments(authz).using_db(conn)
            assignment = await assignments.get_or_none(centre_id=centre.id, expert_id=expert)
            if review is None or assignment is None:
                raise NotFound("assignment")
            withdrawn = {
                s.criterion: (s.score, s.comment)
                for s in await scopes.all_scores(authz)
                .using_db(conn)
                .filter(assignment_id=assignment.id)
            }
            # Withdrawn, not deleted: the assignment and its scores stay on record, outside
            # every scope (the expert's, the result's, the staff's view of the review).
            assignment.withdrawn_at = utcnow()
            await assignment.save(update_fields=["withdrawn_at"], using_db=conn)
            review.expert_count = await assignments.filter(review_id=review.id).count()
            await review.save(update_fields=["expert_count"], using_db=conn)
            # The log keeps which criteria were scored and their digest only (R-REV-3).
            await ctx.audit_change(
                conn,
                Resource.REVIEW,
                Action.ASSIGN,
                review.id,
                before={
                    "centre_id": str(centre.id),
                    "expert_id": str(expert),
                    "scores": checks.scores_evidence(assignment.id, withdrawn),
                },
                after={"expert_count": review.expert_count},
                name="review.unassign",
            )
        return ReviewType.of(review)

    @strawberry.mutation(
        description="Declare the organisations one must never review, replacing earlier "
        "declarations (experts, R-REV-1) / 申报回避单位"
    )
    async def declare_conflicts(
        self, info: Info, organisation_ids: list[strawberry.ID]
    ) -> list[strawberry.ID]:
        ctx = info.context
        authz = await require(ctx, Resource.USER, Action.DECLARE)
        wanted = checks.organisation_ids(organisation_ids)
        known: set[UUID] = set()
        if wanted:
            rows = (
                await scopes.declarable_organisations(authz)
                .filter(id__in=wanted)
                .values_list("id", flat=True)
            )
            known = {UUID(str(r)) for r in rows}
        unknown = [str(o) for o in wanted if o not in known]
        if unknown:
            raise BadInput(
                f"unknown organisations: {', '.join(unknown)}",
                field="organisationIds",
                organisationIds=unknown,
            )
        declared = [str(o) for o in wanted]
        async with in_transaction() as conn:
            user = (
                await scopes.visible_users(authz, Action.DECLARE)
                .using_db(conn)
                .select_for_update()
                .get(id=authz.user_id)
            )
            before = list(user.declared_conflicts)
            user.declared_conflicts = declared
            await user.save(update_fields=["declared_conflicts"], using_db=conn)
            await ctx.audit_change(
                conn,
                Resource.USER,
                Action.DECLARE,
                user.id,
                before={"declared_conflicts": before},
                after={"declared_conflicts": declared},
            )
        return [strawberry.ID(o) for o in declared]
