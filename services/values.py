"""Plain values every operation checks the same way: amounts of CNY, bounded text, past dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from models.base import programme_today
from services.errors import BadInput
from services.text import control_characters, trimmed, visible_length

MONEY_CAP = Decimal("1000000000000.00")
CENT = Decimal("0.01")


def money(value: Decimal, field: str) -> Decimal:
    """Exact CNY with at most two places, from 0 to 10^12, in one canonical form (R-FUND-4).

    Raises BadInput naming ``field`` otherwise."""
    if not value.is_finite() or value < 0 or value > MONEY_CAP:
        raise BadInput(f"{field} must be an amount of CNY between 0 and {MONEY_CAP}", field=field)
    if value != value.quantize(CENT):
        raise BadInput(f"{field} has at most two decimal places", field=field)
    return value.quantize(CENT)


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


def not_future(day: date | None, field: str) -> date:
    """A programme date (UTC+8) not after today; today when not given."""
    today = programme_today()
    if day is not None and day > today:
        raise BadInput(f"{field} cannot be in the future", field=field)
    return day or today
