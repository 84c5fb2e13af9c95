"""Opaque IDs: UUIDs on the wire; a malformed one reads like an absent one."""

from __future__ import annotations

from uuid import UUID

from schema.errors import NotFound


def parse_id(value: str, what: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise NotFound(what) from None
