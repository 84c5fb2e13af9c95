"""Centres and their alliances (R-CTR-1, R-CTR-2) and the lifecycle states."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from tortoise import fields

from models.base import Entity
from models.reference import City, Industry, Organisation


class CentreStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    RECOMMENDED = "recommended"
    FORMAL_REVIEW_PASSED = "formal_review_passed"
    EXPERT_REVIEW = "expert_review"
    REJECTED = "rejected"
    CULTIVATING = "cultivating"
    CULTIVATION_FAILED = "cultivation_failed"
    ESTABLISHED = "established"
    RECTIFYING = "rectifying"
    REVOKED = "revoked"


class MemberRole(StrEnum):
    LEAD = "lead"
    CORE = "core"
    MEMBER = "member"


class Centre(Entity):
    name = fields.CharField(max_length=200)
    city: fields.ForeignKeyRelation[City] = fields.ForeignKeyField(
        "models.City", related_name="centres", on_delete=fields.RESTRICT
    )
    city_id: UUID
    industry: fields.ForeignKeyRelation[Industry] = fields.ForeignKeyField(
        "models.Industry", related_name="centres", on_delete=fields.RESTRICT
    )
    industry_id: UUID
    lead_organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="led_centres", on_delete=fields.RESTRICT
    )
    lead_organisation_id: UUID
    direction = fields.CharField(max_length=200, default="")
    operating_company = fields.CharField(max_length=200, default="")
    status = fields.CharEnumField(
        CentreStatus, max_length=32, default=CentreStatus.DRAFT, db_index=True
    )
    is_national = fields.BooleanField(default=False)
    listed_on = fields.DateField(null=True)
    established_on = fields.DateField(null=True)
    archived_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)
    version = fields.IntField(default=0)

    class Meta:
        table = "centre"
        ordering = ["name", "id"]


class AllianceMember(Entity):
    # A member unit of a centre's alliance. Leaving sets ``left_on``; the row stays.

    centre: fields.ForeignKeyRelation[Centre] = fields.ForeignKeyField(
        "models.Centre", related_name="members", on_delete=fields.RESTRICT
    )
    centre_id: UUID
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="memberships", on_delete=fields.RESTRICT
    )
    organisation_id: UUID
    member_role = fields.CharEnumField(MemberRole, max_length=16)
    joined_on = fields.DateField()
    left_on = fields.DateField(null=True)

    class Meta:
        table = "alliance_member"
        ordering = ["joined_on", "id"]
        indexes = (("organisation_id", "centre_id"),)
