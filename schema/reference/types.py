"""Cities, industries and organisations as GraphQL types."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from uuid import UUID

import strawberry

from models import reference as m
from schema.context import Info
from schema.convert import FromRow
from schema.errors import NotFound
from schema.loaders import MISSING
from schema.node import Node
from schema.preload import later, preloaded


@strawberry.type(description="A prefecture-level city (GB/T 2260) / 地级市")
class City(Node, FromRow[m.City]):
    id: strawberry.ID
    code: str = strawberry.field(description="GB/T 2260 code / 行政区划代码")
    name_zh: str
    name_en: str
    pinyin: str


@strawberry.type(description="A key industry of the province / 重点产业")
class Industry(Node, FromRow[m.Industry]):
    id: strawberry.ID
    code: str
    name_zh: str
    name_en: str


@strawberry.enum(description="Kind of organisation / 单位类型")
class OrganisationKind(Enum):
    ENTERPRISE = strawberry.enum_value("enterprise", description="Enterprise / 企业")
    RESEARCH_INSTITUTE = strawberry.enum_value(
        "research_institute", description="Research institute / 科研院所"
    )
    UNIVERSITY = strawberry.enum_value("university", description="University / 高校")
    OTHER = strawberry.enum_value("other", description="Other / 其他")


@strawberry.type(description="An enterprise, institute or university / 单位")
class Organisation(Node, FromRow[m.Organisation]):
    id: strawberry.ID
    name: str
    short_name: str
    credit_code: str = strawberry.field(description="Unified social credit code / 统一社会信用代码")
    kind: OrganisationKind
    created_at: datetime
    city_id: strawberry.Private[UUID]

    @strawberry.field(description="City where it is registered / 注册地")
    def city(self, info: Info) -> City:
        row = preloaded(info, "city", self.city_id)
        return later(load_city(info, self.city_id)) if row is MISSING else city_of(row)


def city_of(row: m.City | None) -> City:
    """A loaded city; a missing one is NotFound (a non-null field)."""
    if row is None:
        raise NotFound("city")
    return City.of(row)


def industry_of(row: m.Industry | None) -> Industry:
    if row is None:
        raise NotFound("industry")
    return Industry.of(row)


def organisation_of(row: m.Organisation | None) -> Organisation:
    """A loaded organisation; one outside the caller's scope is NotFound (a non-null field)."""
    if row is None:
        raise NotFound("organisation")
    return Organisation.of(row)


async def load_city(info: Info, city_id: UUID) -> City:
    return city_of(await (await info.context.loaders()).city.load(city_id))


async def load_organisation(info: Info, organisation_id: UUID) -> Organisation | None:
    row = await (await info.context.loaders()).organisation.load(organisation_id)
    return None if row is None else Organisation.of(row)


async def required_organisation(info: Info, organisation_id: UUID) -> Organisation:
    return organisation_of(await (await info.context.loaders()).organisation.load(organisation_id))
