"""Opaque IDs: UUIDs on the wire; a malformed one reads like an absent one."""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from tortoise.models import Model
from tortoise.queryset import QuerySet

from schema.errors import NotFound

ModelT = TypeVar("ModelT", bound=Model)


def parse_id(value: str, what: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise NotFound(what) from None


async def find(queryset: QuerySet[ModelT], value: str, what: str) -> ModelT:
    """One row of a scoped queryset by opaque id; absent, malformed or outside scope: NOT_FOUND."""
    row = await queryset.get_or_none(id=parse_id(value, what))
    if row is None:
        raise NotFound(what)
    return row
