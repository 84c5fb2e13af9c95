"""Centres and their alliances (R-CTR-1, R-CTR-2) and the lifecycle states."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from tortoise import fields

from models.accounts import User
from models.base import Entity
from models.calls import Call
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
    # The application (R-CTR-3 one centre, one plan; R-CTR-5 governance). Money is exact CNY.
    call: fields.ForeignKeyNullableRelation[Call] = fields.ForeignKeyField(
        "models.Call", related_name="applications", null=True, on_delete=fields.RESTRICT
    )
    call_id: UUID | None
    plan_goals = fields.TextField(default="")
    plan_key_technologies = fields.TextField(default="")
    plan_roadmap = fields.TextField(default="")
    fixed_asset_investment = fields.DecimalField(
        max_digits=16, decimal_places=2, default=Decimal("0.00")
    )
    software_investment = fields.DecimalField(
        max_digits=16, decimal_places=2, default=Decimal("0.00")
    )
    decision_body = fields.JSONField[list[dict[str, str]]](default=list)
    expert_committee = fields.JSONField[list[dict[str, str]]](default=list)
    submitted_at = fields.DatetimeField(null=True)
    # R-CTR-4: why provincial staff proceeded despite a duplicate direction.
    duplicate_override_reason = fields.TextField(null=True)

    # Everything the application says, so that an audited edit shows what changed.
    SNAPSHOT = (
        "name",
        "status",
        "direction",
        "operating_company",
        "industry_id",
        "call_id",
        "plan_goals",
        "plan_key_technologies",
        "plan_roadmap",
        "fixed_asset_investment",
        "software_investment",
        "decision_body",
        "expert_committee",
        "is_national",
        "listed_on",
        "established_on",
        "duplicate_override_reason",
        "version",
    )

    class Meta:
        table = "centre"
        # Every foreign key a scope or loader filters by (issue 11); a bureau's page is city + name.
        indexes = (
            ("city_id", "name"),
            ("industry_id",),
            ("lead_organisation_id",),
            ("call_id",),
            ("status", "listed_on"),
        )
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

    SNAPSHOT = ("centre_id", "organisation_id", "member_role", "joined_on", "left_on")

    class Meta:
        table = "alliance_member"
        ordering = ["joined_on", "id"]
        indexes = (("organisation_id", "centre_id"), ("centre_id", "joined_on"))


class CentreStatusEvent(Entity):
    # One row per lifecycle move: who, in which role, when, from, to, why. No actor and no role:
    # the programme's deadline made the move (cultivation_failed after 3 years, R-CUL-2).
    centre: fields.ForeignKeyRelation[Centre] = fields.ForeignKeyField(
        "models.Centre", related_name="status_events", on_delete=fields.RESTRICT
    )
    centre_id: UUID
    from_status = fields.CharEnumField(CentreStatus, max_length=32, null=True)
    to_status = fields.CharEnumField(CentreStatus, max_length=32)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="status_events", on_delete=fields.RESTRICT, null=True
    )
    actor_id: UUID | None
    role = fields.CharField(max_length=32)
    comment = fields.TextField(default="")

    class Meta:
        table = "centre_status_event"
        indexes = (("centre_id", "created_at"),)
        ordering = ["created_at", "id"]
