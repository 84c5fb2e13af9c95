"""Centres and alliance members as GraphQL types."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from uuid import UUID

import strawberry

from models import centres as m
from schema.context import Info
from schema.documents.types import Document
from schema.errors import NotFound
from schema.reference.types import City, Industry, Organisation, load_city, load_organisation


@strawberry.enum(description="Where a centre stands in its lifecycle / 创新中心所处阶段")
class CentreStatus(Enum):
    DRAFT = strawberry.enum_value("draft", description="Draft application / 申报草稿")
    SUBMITTED = strawberry.enum_value("submitted", description="Submitted to the bureau / 已提交")
    RETURNED = strawberry.enum_value("returned", description="Returned for changes / 退回修改")
    RECOMMENDED = strawberry.enum_value(
        "recommended", description="Recommended by the bureau / 市局推荐"
    )
    FORMAL_REVIEW_PASSED = strawberry.enum_value(
        "formal_review_passed", description="Formal review passed / 形式审查通过"
    )
    EXPERT_REVIEW = strawberry.enum_value(
        "expert_review", description="Under expert review / 专家评审中"
    )
    REJECTED = strawberry.enum_value("rejected", description="Rejected / 未通过")
    CULTIVATING = strawberry.enum_value(
        "cultivating", description="On the cultivation list / 培育中"
    )
    CULTIVATION_FAILED = strawberry.enum_value(
        "cultivation_failed", description="Cultivation failed / 培育未通过"
    )
    ESTABLISHED = strawberry.enum_value("established", description="Established / 批复成立")
    RECTIFYING = strawberry.enum_value("rectifying", description="In rectification / 整改中")
    REVOKED = strawberry.enum_value("revoked", description="Revoked / 摘牌撤销")


@strawberry.enum(description="A member's role in the alliance / 联盟成员角色")
class MemberRole(Enum):
    LEAD = strawberry.enum_value("lead", description="Lead unit / 牵头单位")
    CORE = strawberry.enum_value("core", description="Core member / 核心成员")
    MEMBER = strawberry.enum_value("member", description="Member / 一般成员")


@strawberry.type(description="A member unit of a centre's alliance / 联盟成员单位")
class AllianceMember:
    id: strawberry.ID
    member_role: MemberRole
    joined_on: date
    left_on: date | None
    organisation_id: strawberry.Private[UUID]

    @strawberry.field
    async def organisation(self, info: Info) -> Organisation:
        org = await load_organisation(info, self.organisation_id)
        if org is None:
            raise NotFound("organisation")
        return org

    @classmethod
    def of(cls, row: m.AllianceMember) -> AllianceMember:
        return cls(
            id=strawberry.ID(str(row.id)),
            member_role=MemberRole(row.member_role.value),
            joined_on=row.joined_on,
            left_on=row.left_on,
            organisation_id=row.organisation_id,
        )


@strawberry.type(description="A manufacturing innovation centre / 制造业创新中心")
class Centre:
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

    @strawberry.field
    async def city(self, info: Info) -> City:
        return await load_city(info, self.city_id)

    @strawberry.field
    async def industry(self, info: Info) -> Industry:
        row = await (await info.context.loaders()).industry.load(self.industry_id)
        if row is None:
            raise NotFound("industry")
        return Industry.of(row)

    @strawberry.field(description="Lead enterprise / 牵头企业")
    async def lead_organisation(self, info: Info) -> Organisation:
        org = await load_organisation(info, self.lead_organisation_id)
        if org is None:
            raise NotFound("organisation")
        return org

    @strawberry.field(description="Alliance members, current and former / 联盟成员")
    async def members(self, info: Info, current_only: bool = False) -> list[AllianceMember]:
        rows = await (await info.context.loaders()).members_by_centre.load(UUID(self.id))
        return [AllianceMember.of(r) for r in rows if not (current_only and r.left_on)]

    @strawberry.field(description="Application materials and evidence / 申报材料与佐证")
    async def documents(self, info: Info) -> list[Document]:
        rows = await (await info.context.loaders()).documents_by_owner.load(UUID(self.id))
        return [Document.of(r) for r in rows]

    @classmethod
    def of(cls, row: m.Centre) -> Centre:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            direction=row.direction,
            operating_company=row.operating_company,
            status=CentreStatus(row.status.value),
            is_national=row.is_national,
            listed_on=row.listed_on,
            established_on=row.established_on,
            created_at=row.created_at,
            updated_at=row.updated_at,
            city_id=row.city_id,
            industry_id=row.industry_id,
            lead_organisation_id=row.lead_organisation_id,
        )
