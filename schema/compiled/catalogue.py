"""The object types the compiled read path can build in SQL, field by field.

Each entry says how a GraphQL field of the type is read from its table, exactly as the type's
normal resolver would give it (schema/*/types.py): the same column, the same enum names, empty
text read as null where the field is nullable (schema/convert.py), the same scopes for every
related row (policies/scopes/). A field not listed here is not compiled: a selection that asks
for it is resolved normally. ``tests/test_compiled_read_path.py`` holds both paths to the same
bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.centres import AllianceMember, Centre
from models.reference import City, Industry, Organisation
from policies import scopes
from policies.enforcer import Authorizer
from schema.centres.status import CentreStatus
from schema.centres.types import MemberRole
from schema.reference.types import OrganisationKind

Kind = Literal["id", "text", "nullable_text", "int", "bool", "date", "enum"]


@dataclass(frozen=True, slots=True)
class Column:
    """A field read from one column of the type's own table."""

    column: str
    kind: Kind
    names: Mapping[str, str] = field(default_factory=dict)  # enum: stored value → GraphQL name


@dataclass(frozen=True, slots=True)
class ToOne:
    """A non-null object field: the row of ``target`` that ``column`` refers to."""

    target: str
    column: str


@dataclass(frozen=True, slots=True)
class ToMany:
    """A list field: the rows of ``target`` whose ``column`` refers to this row, in the target
    model's own order; ``current_only`` (argument ``currentOnly``) keeps rows with no
    ``left_on``."""

    target: str
    column: str
    current_only_argument: bool = False


Entry = Column | ToOne | ToMany


@dataclass(frozen=True, slots=True)
class CompiledType:
    name: str
    model: type[Model]
    fields: Mapping[str, Entry]
    # The rows the caller may read; None: public reference data (every signed-in caller).
    scope: Callable[[Authorizer], QuerySet[Any]] | None
    interfaces: frozenset[str] = frozenset({"Node"})

    @property
    def type_names(self) -> frozenset[str]:
        return self.interfaces | {self.name}


def _names(enum: type[Enum]) -> dict[str, str]:
    return {str(member.value): member.name for member in enum}


def _id() -> Column:
    return Column("id", "id")


TYPES: dict[str, CompiledType] = {
    "City": CompiledType(
        "City",
        City,
        {
            "id": _id(),
            "code": Column("code", "text"),
            "nameZh": Column("name_zh", "text"),
            "nameEn": Column("name_en", "text"),
            "pinyin": Column("pinyin", "text"),
        },
        scope=None,
    ),
    "Industry": CompiledType(
        "Industry",
        Industry,
        {
            "id": _id(),
            "code": Column("code", "text"),
            "nameZh": Column("name_zh", "text"),
            "nameEn": Column("name_en", "text"),
        },
        scope=None,
    ),
    "Organisation": CompiledType(
        "Organisation",
        Organisation,
        {
            "id": _id(),
            "name": Column("name", "text"),
            "shortName": Column("short_name", "text"),
            "creditCode": Column("credit_code", "text"),
            "kind": Column("kind", "enum", _names(OrganisationKind)),
            "city": ToOne("City", "city_id"),
        },
        scope=scopes.visible_organisations,
    ),
    "AllianceMember": CompiledType(
        "AllianceMember",
        AllianceMember,
        {
            "id": _id(),
            "memberRole": Column("member_role", "enum", _names(MemberRole)),
            "joinedOn": Column("joined_on", "date"),
            "leftOn": Column("left_on", "date"),
            "organisation": ToOne("Organisation", "organisation_id"),
        },
        scope=scopes.visible_alliance_members,
    ),
    "Centre": CompiledType(
        "Centre",
        Centre,
        {
            "id": _id(),
            "name": Column("name", "text"),
            "direction": Column("direction", "text"),
            "operatingCompany": Column("operating_company", "text"),
            "status": Column("status", "enum", _names(CentreStatus)),
            "isNational": Column("is_national", "bool"),
            "listedOn": Column("listed_on", "date"),
            "establishedOn": Column("established_on", "date"),
            "version": Column("version", "int"),
            "planGoals": Column("plan_goals", "text"),
            "planKeyTechnologies": Column("plan_key_technologies", "text"),
            "planRoadmap": Column("plan_roadmap", "text"),
            "duplicateOverrideReason": Column("duplicate_override_reason", "nullable_text"),
            "city": ToOne("City", "city_id"),
            "industry": ToOne("Industry", "industry_id"),
            "leadOrganisation": ToOne("Organisation", "lead_organisation_id"),
            "members": ToMany("AllianceMember", "centre_id", current_only_argument=True),
        },
        scope=scopes.visible_centres,
    ),
}
