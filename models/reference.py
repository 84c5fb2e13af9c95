"""Reference data (R-REF-1, R-REF-2) and organisations (R-REF-3)."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from tortoise import fields

from models.base import Entity


class City(Entity):
    # A prefecture-level city, keyed by its GB/T 2260 code (data, not code).

    code = fields.CharField(max_length=6, unique=True)
    name_zh = fields.CharField(max_length=32)
    name_en = fields.CharField(max_length=64)
    pinyin = fields.CharField(max_length=64, unique=True)

    class Meta:
        table = "city"
        ordering = ["code"]


class Industry(Entity):
    # One of the province's key industries (二(一)).

    code = fields.CharField(max_length=64, unique=True)
    name_zh = fields.CharField(max_length=64)
    name_en = fields.CharField(max_length=128)
    position = fields.IntField(default=0)

    class Meta:
        table = "industry"
        ordering = ["position", "code"]


class OrganisationKind(StrEnum):
    ENTERPRISE = "enterprise"
    RESEARCH_INSTITUTE = "research_institute"
    UNIVERSITY = "university"
    OTHER = "other"


class Organisation(Entity):
    name = fields.CharField(max_length=200)
    short_name = fields.CharField(max_length=64, unique=True)
    credit_code = fields.CharField(max_length=18, unique=True)
    kind = fields.CharEnumField(OrganisationKind, max_length=32)
    city: fields.ForeignKeyRelation[City] = fields.ForeignKeyField(
        "models.City", related_name="organisations", on_delete=fields.RESTRICT
    )
    city_id: UUID

    SNAPSHOT = ("name", "short_name", "credit_code", "kind", "city_id")

    class Meta:
        table = "organisation"
        indexes = (("city_id",),)
        ordering = ["name"]
