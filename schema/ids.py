"""Opaque IDs: UUIDs on the wire; a malformed one reads like an absent one (services.access)."""

from __future__ import annotations

from services.access import find, parse_id

__all__ = ["find", "parse_id"]
