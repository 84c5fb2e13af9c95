"""Global ids (services/ids.py) and the scoped look-up by id (services/access.py)."""

from __future__ import annotations

from services.access import find
from services.ids import global_id, parse_id

__all__ = ["find", "global_id", "parse_id"]
