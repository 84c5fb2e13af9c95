"""Users, role bindings and login throttling."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from tortoise import fields
from tortoise.models import Model

from models.base import Entity
from models.reference import City, Organisation


class RoleName(StrEnum):
    """The roles a binding can give. Kept in models/ so that data needs no policies/ import."""

    PROVINCIAL_ADMIN = "provincial_admin"
    PROVINCIAL_STAFF = "provincial_staff"
    MUNICIPAL_BUREAU = "municipal_bureau"
    ENTERPRISE = "enterprise"
    EXPERT = "expert"


class User(Entity):
    username = fields.CharField(max_length=64, unique=True)
    display_name = fields.CharField(max_length=128)
    password_hash = fields.CharField(max_length=256)
    organisation: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="users", null=True, on_delete=fields.RESTRICT
    )
    organisation_id: UUID | None
    is_active = fields.BooleanField(default=True)
    # Bumped by logout, password change/reset and disabling: every older token stops working.
    token_version = fields.IntField(default=0)
    password_changed_at = fields.DatetimeField(null=True)
    # Experts declare organisations they must never review (R-REV-1).
    declared_conflicts = fields.JSONField[list[str]](default=list)

    SNAPSHOT = ("username", "display_name", "organisation_id", "is_active", "token_version")

    class Meta:
        table = "app_user"
        indexes = (("organisation_id",),)
        ordering = ["username"]


class RoleBinding(Entity):
    # User → role in a tenant. Revoked bindings stay, with the time they ended.

    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="bindings", on_delete=fields.RESTRICT
    )
    user_id: UUID
    role = fields.CharEnumField(RoleName, max_length=32)
    city: fields.ForeignKeyNullableRelation[City] = fields.ForeignKeyField(
        "models.City", related_name="bindings", null=True, on_delete=fields.RESTRICT
    )
    city_id: UUID | None
    organisation: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="bindings", null=True, on_delete=fields.RESTRICT
    )
    organisation_id: UUID | None
    granted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="granted_bindings", null=True, on_delete=fields.RESTRICT
    )
    granted_by_id: UUID | None
    revoked_at = fields.DatetimeField(null=True, db_index=True)

    SNAPSHOT = ("user_id", "role", "city_id", "organisation_id", "revoked_at")

    class Meta:
        table = "role_binding"
        indexes = (("user_id",), ("city_id",), ("organisation_id",))
        ordering = ["created_at"]


class LoginThrottle(Model):
    # Failed-login counter per username, whether or not the user exists (no existence hint).

    username = fields.CharField(max_length=64, primary_key=True)
    failures = fields.IntField(default=0)
    locked_until = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "login_throttle"
