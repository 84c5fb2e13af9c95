"""Opaque IDs: UUIDs on the wire; a malformed one reads like an absent one."""

from __future__ import annotations

from typing import TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from services.access import parse_id
from services.errors import NotFound

ModelT = TypeVar("ModelT", bound=Model)

__all__ = ["find", "parse_id"]


async def find(queryset: QuerySet[ModelT], value: str, what: str) -> ModelT:
    """One row of a scoped queryset by opaque id; absent, malformed or outside scope: NotFound."""
    row = await queryset.get_or_none(id=parse_id(value, what))
    if row is None:
        raise NotFound(what)
    return row
