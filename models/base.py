"""Shared model base: UUID primary keys and UTC creation time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from uuid import uuid4

from tortoise import fields
from tortoise.models import Model

# The programme's calendar is the province's: listing days, deadlines and report dates are dates
# in China Standard Time (UTC+8, no daylight saving), while every stored instant is UTC.
PROGRAMME_TZ = timezone(timedelta(hours=8), "CST")


def utcnow() -> datetime:
    return datetime.now(UTC)


def programme_today() -> date:
    """Today in the province: a listing at 07:00 in Nanning is that day's, not yesterday's."""
    return utcnow().astimezone(PROGRAMME_TZ).date()


class Entity(Model):
    id = fields.UUIDField(primary_key=True, default=uuid4)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        abstract = True
