"""Shared model base: UUID primary keys and UTC creation time."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from tortoise import fields
from tortoise.models import Model


def utcnow() -> datetime:
    return datetime.now(UTC)


class Entity(Model):
    id = fields.UUIDField(primary_key=True, default=uuid4)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        abstract = True
