"""The expert review (an expert panel) as each role may see it (R-REV-3, R-REV-5).

Provincial staff see every expert's scores; an expert sees only their own; the enterprise and
the bureau see the result after finalising, never a name beside a score. A panel's criteria
are its own criteria set's; its assignments and scores load by the panel's id.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

import strawberry

from models import reviews as m
from models.accounts import User
from policies.vocabulary import Action, Resource
from schema.context import Info
from schema.convert import FromRow, convert
from schema.errors import NotAllowed
from schema.node import Node
from schema.reference.types import Organisation, load_organisation
from services.ids import global_id


@strawberry.type(description="A scoring criterion (R-REV-2) / 评分指标")
class Criterion:
    code: str
    name_zh: str
    name_en: str
    weight: Decimal


@strawberry.type(description="A score on one criterion / 单项评分")
class CriterionScore:
    criterion: str
    score: Decimal
    comment: str


@strawberry.type(description="One expert's scores (provincial staff only) / 专家评分")
class ExpertScores:
    expert_id: strawberry.ID
    expert_name: str
    weighted_total: Decimal | None
    scores: list[CriterionScore]


@strawberry.type(
    description="An expert panel: the selection review of an application, or an assessment's"
    " panel (R-REV-1…4, R-ASM-4) / 专家评审"
)
class Review(Node, FromRow[m.Review]):
    id: strawberry.ID
    status: str
    expert_count: int
    finalised_at: datetime | None
    criteria_set: strawberry.Private[str]
    _result: strawberry.Private[Decimal | None]
    _onsite_check: strawberry.Private[str]
    _opinion: strawberry.Private[str]

    @strawberry.field(
        description="The criteria and their weights: the six selection conditions, or the three"
        " assessment areas / 评分指标"
    )
    def criteria(self) -> list[Criterion]:
        return [
            Criterion(code=c.code, name_zh=c.name_zh, name_en=c.name_en, weight=c.weight)
            for c in m.criteria_of(self.criteria_set)
        ]

    async def _staff(self, info: Info) -> bool:
        authz = await info.context.authz()
        return authz.access(Resource.REVIEW, Action.READ).everywhere

    async def _published(self, info: Info) -> bool:
        return self.status == m.ReviewStatus.FINALISED or await self._staff(info)

    @strawberry.field(description="The aggregate result, once finalised / 评审结果")
    async def result(self, info: Info) -> Decimal | None:
        return self._result if await self._published(info) else None

    @strawberry.field(description="On-site check, once finalised / 现场核查")
    async def onsite_check(self, info: Info) -> str | None:
        return self._onsite_check if await self._published(info) else None

    @strawberry.field(description="Review opinion, once finalised / 评审意见")
    async def opinion(self, info: Info) -> str | None:
        return self._opinion if await self._published(info) else None

    @strawberry.field(description="The caller's own scores, for an assigned expert / 我的评分")
    async def my_scores(self, info: Info) -> list[CriterionScore]:
        loaders = await info.context.loaders()
        rows = await loaders.own_scores_by_review.load(self.pk())
        return [
            CriterionScore(criterion=r.criterion, score=r.score, comment=r.comment) for r in rows
        ]

    @strawberry.field(description="Every expert's scores: provincial staff only / 各专家评分")
    async def expert_scores(self, info: Info) -> list[ExpertScores]:
        if not await self._staff(info):
            raise NotAllowed("only provincial staff see individual experts' scores")
        loaders = await info.context.loaders()
        assignments = await loaders.assignments_by_review.load(self.pk())
        all_scores = await loaders.scores_by_assignment.load_many([a.id for a in assignments])
        experts = await loaders.expert.load_many([a.expert_id for a in assignments])
        result = []
        for assignment, scores, expert in zip(assignments, all_scores, experts, strict=True):
            result.append(
                ExpertScores(
                    expert_id=strawberry.ID(global_id("User", assignment.expert_id)),
                    expert_name=expert.display_name if expert else "",
                    weighted_total=assignment.weighted_total,
                    scores=[
                        CriterionScore(criterion=s.criterion, score=s.score, comment=s.comment)
                        for s in scores
                    ],
                )
            )
        return result


@strawberry.type(
    description="An expert who may be assigned to reviews (provincial staff) / 评审专家"
)
class Expert:
    id: strawberry.ID
    username: str
    display_name: str
    organisation_id: strawberry.Private[UUID | None]
    conflict_ids: strawberry.Private[tuple[UUID, ...]]

    @strawberry.field(description="The expert's own organisation / 所在单位")
    async def organisation(self, info: Info) -> Organisation | None:
        if self.organisation_id is None:
            return None
        return await load_organisation(info, self.organisation_id)

    @strawberry.field(
        description="Organisations the expert declared a conflict with (R-REV-1) / 申报回避单位"
    )
    async def declared_conflicts(self, info: Info) -> list[Organisation]:
        loaders = await info.context.loaders()
        rows = await loaders.organisation.load_many(list(self.conflict_ids))
        return [Organisation.of(row) for row in rows if row is not None]

    @classmethod
    def of(cls, row: User) -> Expert:
        """The expert as GraphQL, with the organisations they declared a conflict with."""
        return convert(
            cls,
            row,
            id=strawberry.ID(global_id("User", row.id)),
            conflict_ids=tuple(m.declared_organisations(row.declared_conflicts)),
        )
