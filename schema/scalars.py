"""Scalars whose parsing the service decides, in place of strawberry's own.

``Decimal`` (R-FUND-4: no float on the path): strawberry turns a JSON number such as ``0.1`` or
``5.0000000000000001`` into text through a binary float, so what the client wrote may not be what
is stored. Here an amount is a string (``"12.50"``) or a whole number; a floating-point JSON
number or literal is refused before anything reads it.
"""

from __future__ import annotations

from decimal import Decimal, DecimalException

import strawberry


def parse_decimal(value: object) -> Decimal:
    """An exact Decimal from a string or a whole number. Raises ValueError for a float (a JSON
    number with a fraction or an exponent), a boolean, or text that is not a number."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(
            'give a Decimal as a string ("12.50"): a floating-point number is not exact'
        )
    try:
        return Decimal(value)
    except DecimalException:
        raise ValueError(f"not a decimal number: {value!r}") from None


DecimalScalar = strawberry.scalar(
    name="Decimal",
    description=(
        'Exact decimal number, given and answered as a string ("12.50"); a whole number may be '
        "given as an integer, never as a floating-point number / 精确小数(字符串)"
    ),
    serialize=str,
    parse_value=parse_decimal,
)
