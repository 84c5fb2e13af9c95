"""Assigning experts (R-REV-1), blind scoring (R-REV-2, R-REV-3) and finalising (R-REV-4).

Thin resolvers over ``services/reviews.py``: the selection review of a centre's application."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from schema.context import Info
from schema.reviews.types import Review as ReviewType
from services import reviews
from services.ids import global_id


@strawberry.input(description="A score on one criterion / 单项评分")
class ScoreInput:
    criterion: str
    score: Decimal
    comment: str = ""


@strawberry.type
class ReviewMutations:
    @strawberry.mutation(description="Assign an expert to an application's review / 指派专家")
    async def assign_expert(
        self, info: Info, centre_id: strawberry.ID, expert_id: strawberry.ID
    ) -> ReviewType:
        return ReviewType.of(await reviews.assign_expert(info.context, centre_id, expert_id))

    @strawberry.mutation(description="Submit or edit one's own scores / 提交评分")
    async def submit_scores(
        self, info: Info, centre_id: strawberry.ID, scores: list[ScoreInput]
    ) -> ReviewType:
        return ReviewType.of(await reviews.submit_scores(info.context, centre_id, scores))

    @strawberry.mutation(description="Finalise the review: aggregate and freeze / 评审定稿")
    async def finalise_review(
        self, info: Info, centre_id: strawberry.ID, onsite_check: str, opinion: str
    ) -> ReviewType:
        review = await reviews.finalise_review(info.context, centre_id, onsite_check, opinion)
        return ReviewType.of(review)

    @strawberry.mutation(
        description="Withdraw an expert, with their scores, from an open review / 撤回指派专家"
    )
    async def unassign_expert(
        self, info: Info, centre_id: strawberry.ID, expert_id: strawberry.ID
    ) -> ReviewType:
        return ReviewType.of(await reviews.unassign_expert(info.context, centre_id, expert_id))

    @strawberry.mutation(
        description="Declare the organisations one must never review, replacing earlier "
        "declarations (experts, R-REV-1) / 申报回避单位"
    )
    async def declare_conflicts(
        self, info: Info, organisation_ids: list[strawberry.ID]
    ) -> list[strawberry.ID]:
        declared = await reviews.declare_conflicts(info.context, organisation_ids)
        return [strawberry.ID(global_id("Organisation", o)) for o in declared]
