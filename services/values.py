"""Plain values every operation checks the same way: amounts of CNY, bounded text, past dates."""

from __future__ import annotations

from collections.abc import Sized
from datetime import date
from decimal import Decimal

from models.base import programme_today
from services.errors import BadInput
from services.text import control_characters, trimmed, visible_length

MONEY_CAP = Decimal("1000000000000.00")
CENT = Decimal("0.01")
# Programme dates (UTC+8 calendar) are refused outside these: nothing in the programme happened
# before 2000, and nothing is planned past 2100.
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
COMMENT_LIMIT = 2000  # characters of a comment, reason or note


def money(value: Decimal, field: str) -> Decimal:
    """Exact CNY with at most two places, from 0 to 10^12, in one canonical form (R-FUND-4).

    Raises BadInput naming ``field`` otherwise."""
    if not value.is_finite() or value < 0 or value > MONEY_CAP:
        raise BadInput(f"{field} must be an amount of CNY between 0 and {MONEY_CAP}", field=field)
    if value != value.quantize(CENT):
        raise BadInput(f"{field} has at most two decimal places", field=field)
    return value.quantize(CENT) + Decimal("0.00")  # one form: never -0.00


def text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    """``value`` trimmed of spaces and invisible characters, at most ``limit`` characters.

    BadInput if required and nothing visible is left (a lone zero-width space or BOM is no
    name), or if it holds control characters."""
    if control_characters(value):
        raise BadInput(f"{field} holds control characters", field=field)
    value = trimmed(value)
    if required and not visible_length(value):
        raise BadInput(f"{field} is required", field=field)
    if len(value) > limit:
        raise BadInput(f"{field} has at most {limit} characters", field=field)
    return value


def programme_day(day: date, field: str) -> date:
    """A programme date (UTC+8 calendar) from 2000-01-01 to 2100-12-31; BadInput otherwise."""
    if not EARLIEST <= day <= LATEST:
        raise BadInput(f"{field} must be between {EARLIEST} and {LATEST}", field=field)
    return day


def not_future(day: date | None, field: str) -> date:
    """A programme date (UTC+8) from 2000-01-01 and not after today; today when not given."""
    today = programme_today()
    if day is not None and day > today:
        raise BadInput(f"{field} cannot be in the future", field=field)
    return programme_day(day, field) if day is not None else today


def comment(value: str | None, field: str = "comment") -> str:
    """A comment, reason or note: trimmed, at most 2,000 characters, may be empty."""
    return text(value or "", field, COMMENT_LIMIT, required=False)


def count(values: Sized, field: str, *, most: int, least: int = 0) -> None:
    """A list of ``least`` to ``most`` items; BadInput naming ``field`` otherwise."""
    if not least <= len(values) <= most:
        raise BadInput(f"{field} takes {least} to {most} items", field=field)


def search_term(value: str | None) -> str | None:
    """A search term: trimmed, at most 100 characters; None when nothing is left."""
    return text(value or "", "search", 100, required=False) or None
