"""Shared model base: UUID primary keys and UTC creation time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from typing import ClassVar
from uuid import UUID, uuid4

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


def snapshot_value(value: object) -> object:
    """A stored value as the audit log writes it: ids, dates, amounts and enums as strings."""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


class Entity(Model):
    id = fields.UUIDField(primary_key=True, default=uuid4)
    created_at = fields.DatetimeField(auto_now_add=True)

    # What the audit log keeps of a row before and after a change (R-ACC-6): named once per
    # model, never a secret (password hashes stay out).
    SNAPSHOT: ClassVar[tuple[str, ...]] = ()

    def snapshot(self) -> dict[str, object]:
        """The row's audited fields (``SNAPSHOT``) in JSON form: ``{field: value}``."""
        return {name: snapshot_value(getattr(self, name)) for name in self.SNAPSHOT}

    class Meta:
        abstract = True
