"""Centres and alliance members as GraphQL types."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry

from models import centres as m
from models.base import utcnow
from models.lifecycle import cultivation_deadline
from models.money import to_cny
from schema.applications.types import DuplicateWarning, StatusEvent
from schema.calls.types import Call
from schema.centres.status import CentreStatus
from schema.context import Info
from schema.convert import FromRow
from schema.cultivation.types import Inspection, TaskAgreement
from schema.documents.types import Document
from schema.loaders import MISSING
from schema.node import Node
from schema.preload import later, preloaded
from schema.reference.types import (
    City,
    Industry,
    Organisation,
    city_of,
    industry_of,
    load_city,
    organisation_of,
    required_organisation,
)
from schema.reviews.types import Review
from services.ids import global_id

if TYPE_CHECKING:
    from schema.funding.types import SubsidyDecision


@strawberry.enum(description="A member's role in the alliance / 联盟成员角色")
class MemberRole(Enum):
    LEAD = strawberry.enum_value("lead", description="Lead unit / 牵头单位")
    CORE = strawberry.enum_value("core", description="Core member / 核心成员")
    MEMBER = strawberry.enum_value("member", description="Member / 一般成员")


@strawberry.type(description="A member unit of a centre's alliance / 联盟成员单位")
class AllianceMember(Node, FromRow[m.AllianceMember]):
    id: strawberry.ID
    member_role: MemberRole
    joined_on: date
    left_on: date | None
    organisation_id: strawberry.Private[UUID]

    @strawberry.field
    def organisation(self, info: Info) -> Organisation:
        row = preloaded(info, "organisation", self.organisation_id)
        if row is MISSING:
            return later(required_organisation(info, self.organisation_id))
        return organisation_of(row)


@strawberry.type(description="A person on a governance body / 治理机构成员")
class GovernanceMember:
    name: str
    title: str
    organisation: str

    @classmethod
    def of(cls, data: dict[str, str]) -> GovernanceMember:
        """A member from the centre's JSON list; a missing key reads as empty."""
        return cls(
            name=data.get("name", ""),
            title=data.get("title", ""),
            organisation=data.get("organisation", ""),
        )


@strawberry.type(description="A manufacturing innovation centre / 制造业创新中心")
class Centre(Node, FromRow[m.Centre]):
    id: strawberry.ID
    name: str
    direction: str = strawberry.field(description="Domain direction / 领域方向")
    operating_company: str = strawberry.field(description="Operating company / 运营公司")
    status: CentreStatus
    is_national: bool = strawberry.field(description="National-level centre / 国家级")
    listed_on: date | None = strawberry.field(
        description="Put on the cultivation list / 列入培育名单"
    )
    established_on: date | None = strawberry.field(description="Established / 批复成立")
    created_at: datetime
    updated_at: datetime
    city_id: strawberry.Private[UUID]
    industry_id: strawberry.Private[UUID]
    lead_organisation_id: strawberry.Private[UUID]
    version: int = strawberry.field(description="Give it back when editing / 版本号(乐观锁)")
    plan_goals: str = strawberry.field(description="Construction plan: goals / 建设目标")
    plan_key_technologies: str = strawberry.field(description="Key technologies / 关键技术")
    plan_roadmap: str = strawberry.field(description="Roadmap / 技术路线")
    fixed_asset_investment: Decimal = strawberry.field(description="CNY / 固定资产投资")
    software_investment: Decimal = strawberry.field(description="CNY / 配套软件投资")
    decision_body: list[GovernanceMember] = strawberry.field(description="决策机构")
    expert_committee: list[GovernanceMember] = strawberry.field(description="技术专家委员会")
    submitted_at: datetime | None
    duplicate_override_reason: str | None = strawberry.field(
        description="Why staff proceeded despite a duplicate direction (R-CTR-4) / 重复方向说明"
    )
    call_id: strawberry.Private[UUID | None]

    @strawberry.field
    def city(self, info: Info) -> City:
        row = preloaded(info, "city", self.city_id)
        return later(load_city(info, self.city_id)) if row is MISSING else city_of(row)

    @strawberry.field
    def industry(self, info: Info) -> Industry:
        row = preloaded(info, "industry", self.industry_id)
        return later(self._industry(info)) if row is MISSING else industry_of(row)

    async def _industry(self, info: Info) -> Industry:
        return industry_of(await (await info.context.loaders()).industry.load(self.industry_id))

    @strawberry.field(description="Lead enterprise / 牵头企业")
    def lead_organisation(self, info: Info) -> Organisation:
        row = preloaded(info, "organisation", self.lead_organisation_id)
        if row is MISSING:
            return later(required_organisation(info, self.lead_organisation_id))
        return organisation_of(row)

    @strawberry.field(description="Alliance members, current and former / 联盟成员")
    def members(self, info: Info, current_only: bool = False) -> list[AllianceMember]:
        rows = preloaded(info, "members_by_centre", self.pk())
        if rows is MISSING:
            return later(self._members(info, current_only))
        return [AllianceMember.of(r) for r in rows if not (current_only and r.left_on)]

    async def _members(self, info: Info, current_only: bool) -> list[AllianceMember]:
        rows = await (await info.context.loaders()).members_by_centre.load(self.pk())
        return [AllianceMember.of(r) for r in rows if not (current_only and r.left_on)]

    @strawberry.field(description="Application materials and evidence / 申报材料与佐证")
    async def documents(self, info: Info) -> list[Document]:
        rows = await (await info.context.loaders()).documents_by_owner.load(self.pk())
        return [Document.of(r) for r in rows]

    @strawberry.field(description="Total planned investment / 计划总投资")
    def total_investment(self) -> Decimal:
        return self.fixed_asset_investment + self.software_investment

    @strawberry.field(description="The call it applied under / 申报通知")
    async def call(self, info: Info) -> Call | None:
        if self.call_id is None:
            return None
        row = await (await info.context.loaders()).call.load(self.call_id)
        return None if row is None else Call.of(row, utcnow())

    @strawberry.field(description="Every lifecycle move, oldest first / 状态历史")
    async def status_history(self, info: Info) -> list[StatusEvent]:
        rows = await (await info.context.loaders()).events_by_centre.load(self.pk())
        return [StatusEvent.of(r) for r in rows]

    @strawberry.field(
        description="Live centres with the same industry and direction / 方向重复提示"
    )
    async def duplicate_warnings(self, info: Info) -> list[DuplicateWarning]:
        rows = await (await info.context.loaders()).duplicates_by_centre.load(self.pk())
        return [
            DuplicateWarning(
                centre_id=strawberry.ID(global_id("Centre", c.id)),
                centre_name=c.name,
                direction=c.direction,
            )
            for c in rows
        ]

    @strawberry.field(description="The expert review / 专家评审")
    async def review(self, info: Info) -> Review | None:
        row = await (await info.context.loaders()).review_by_centre.load(self.pk())
        return None if row is None else Review.of(row)

    @strawberry.field(description="The cultivation task agreement / 培育任务书")
    async def task_agreement(self, info: Info) -> TaskAgreement | None:
        row = await (await info.context.loaders()).agreement_by_centre.load(self.pk())
        return None if row is None else TaskAgreement.of(row)

    @strawberry.field(description="Inspections and evaluation during cultivation / 检查评估")
    async def inspections(self, info: Info) -> list[Inspection]:
        rows = await (await info.context.loaders()).inspections_by_centre.load(self.pk())
        return [Inspection.of(r) for r in rows]

    @strawberry.field(description="Last day of the 3-year cultivation period (R-CUL-2) / 培育期满")
    def cultivation_deadline(self) -> date | None:
        return None if self.listed_on is None else cultivation_deadline(self.listed_on)

    @strawberry.field(
        description="Approved provincial subsidy, CNY (R-FUND-1); null when none is decided or "
        "the caller may not see it (staff, the city's bureau, alliance members) / 核定补助(元)"
    )
    async def approved_subsidy(self, info: Info) -> Decimal | None:
        loaders = await info.context.loaders()
        row = await loaders.approved_subsidy_by_centre.load(self.pk())
        return None if row is None else to_cny(row.approved_fen)

    @strawberry.field(
        description="The subsidy decision with its basis and instalments (R-FUND-1, R-FUND-2); "
        "null when none or not readable (staff, the city's bureau, the lead enterprise) / "
        "补助决定"
    )
    async def subsidy_decision(
        self, info: Info
    ) -> Annotated[SubsidyDecision, strawberry.lazy("schema.funding.types")] | None:
        from schema.funding.types import SubsidyDecision

        row = await (await info.context.loaders()).subsidy_by_centre.load(self.pk())
        return None if row is None else SubsidyDecision.of(row)
