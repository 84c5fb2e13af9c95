"""Calls for applications (申报通知): published by the province, open for a period."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from tortoise import fields

from models.accounts import User
from models.base import Entity


class Call(Entity):
    year = fields.IntField()
    title = fields.CharField(max_length=200)
    opens_at = fields.DatetimeField()
    closes_at = fields.DatetimeField()
    # Industry codes the call is for; empty means every industry.
    industries = fields.JSONField[list[str]](default=list)
    conditions = fields.TextField(default="")
    # DocumentKind values an application must carry before it can be submitted.
    required_documents = fields.JSONField[list[str]](default=list)
    support_policy = fields.TextField(default="")
    published_at = fields.DatetimeField(null=True)
    created_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="calls", on_delete=fields.RESTRICT
    )
    created_by_id: UUID

    SNAPSHOT = (
        "year",
        "title",
        "opens_at",
        "closes_at",
        "industries",
        "required_documents",
        "published",
    )

    class Meta:
        table = "call"
        ordering = ["-opens_at", "id"]

    @property
    def published(self) -> bool:
        return self.published_at is not None

    def is_open(self, at: datetime) -> bool:
        return self.published_at is not None and self.opens_at <= at < self.closes_at
