"""Assigning experts (R-REV-1), blind scoring (R-REV-2, R-REV-3) and finalising (R-REV-4)."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.accounts import RoleBinding, RoleName, User
from models.base import utcnow
from models.centres import AllianceMember, Centre, CentreStatus
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
    conflict_of_interest,
    weighted_total,
)
from policies import scopes
from policies.vocabulary import Action, Resource
from schema.applications.guard import centre_for, locked
from schema.context import Info
from schema.errors import BadInput, Conflict, InvalidMove, NotFound
from schema.ids import parse_id
from schema.reviews.types import Review as ReviewType

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
        _, centre = await centre_for(
            ctx, parse_id(centre_id, "centre"), Resource.REVIEW, Action.ASSIGN
        )
        expert = await User.get_or_none(id=parse_id(expert_id, "expert"), is_active=True)
        if (
            expert is None
            or not await RoleBinding.filter(
                user_id=expert.id, role=RoleName.EXPERT, revoked_at=None
            ).exists()
        ):
            raise NotFound("expert")
        alliance = await AllianceMember.filter(centre_id=centre.id, left_on=None).values_list(
            "organisation_id", flat=True
        )
        reason = conflict_of_interest(expert.organisation_id, expert.declared_conflicts, alliance)  # type: ignore[arg-type]
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
            try:
                await ReviewAssignment.create(
                    review_id=review.id, centre_id=centre.id, expert_id=expert.id, using_db=conn
                )
            except IntegrityError:
                raise Conflict("this expert is already assigned") from None
            review.expert_count = (
                await ReviewAssignment.filter(review_id=review.id).using_db(conn).count()
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
            before = {
                s.criterion: str(s.score)
                for s in await Score.filter(assignment_id=assignment.id).using_db(conn)
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
            current = {
                s.criterion: s.score
                for s in await Score.filter(assignment_id=assignment.id).using_db(conn)
            }
            assignment.weighted_total = (
                weighted_total(current) if len(current) == len(CRITERIA) else None
            )
            await assignment.save(update_fields=["weighted_total"], using_db=conn)
            await ctx.audit_change(
                conn,
                Resource.REVIEW,
                Action.SCORE,
                review.id,
                before=before,
                after={k: str(v) for k, v in current.items()},
            )
        return ReviewType.of(review)

    @strawberry.mutation(description="Finalise the review: aggregate and freeze / 评审定稿")
    async def finalise_review(
        self, info: Info, centre_id: strawberry.ID, onsite_check: str, opinion: str
    ) -> ReviewType:
        ctx = info.context
        _, centre = await centre_for(
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
            assignments = await ReviewAssignment.filter(review_id=review.id).using_db(conn)
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
