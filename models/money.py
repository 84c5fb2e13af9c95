"""Money in the ledger (R-FUND-4): CNY as Decimal with exactly two places at every edge, stored as
a whole number of fen (分) so that sums in SQL are exact on both databases.

SQLite keeps a ``DecimalField`` as text and sums it as a binary float; PostgreSQL's ``numeric``
would be exact, but one representation for both keeps totals identical everywhere. Conversions
here are exact or refuse: nothing is ever rounded silently.
"""

from __future__ import annotations

from decimal import MAX_EMAX, MIN_EMIN, Decimal, InvalidOperation, localcontext

FEN = Decimal("0.01")
FEN_PER_YUAN = 100
# The largest amount a ledger holds: 10^13 CNY (10 trillion) keeps every sum of a province's
# ledger far inside a 64-bit integer of fen.
MAX_FEN = 10**15
MAX_CNY = Decimal(MAX_FEN) / FEN_PER_YUAN


class NotAnAmount(ValueError):
    """Not an amount of CNY: not finite, negative where it may not be, more than two places,
    or beyond ``MAX_FEN``."""


def to_fen(amount: Decimal, *, allow_zero: bool = False) -> int:
    """The whole number of fen of a positive CNY amount with at most two places (``0.5`` →
    50). Raises NotAnAmount for NaN, infinities, negatives, zero (unless ``allow_zero``), a third
    decimal place or more than 10^13 CNY; TypeError for a float (R-FUND-4: no float on the path)."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"an amount is a Decimal, not {type(amount).__name__}")
    if not amount.is_finite():
        raise NotAnAmount("an amount is a finite number")
    if amount < 0:
        raise NotAnAmount("an amount is not negative")
    if amount == 0 and not allow_zero:
        raise NotAnAmount("an amount is greater than zero")
    if amount > MAX_CNY:  # compared before any arithmetic: 1E+999999999 cannot overflow here
        raise NotAnAmount("an amount is at most 10,000,000,000,000.00 CNY")
    # Exact arithmetic whatever the exponent: in the default context 1E-999999999 × 100
    # underflows to 0 and would pass as a whole number of fen.
    with localcontext() as exact:
        exact.prec, exact.Emin, exact.Emax = 64, MIN_EMIN, MAX_EMAX
        try:
            fen = amount.scaleb(2)
            whole = fen == fen.to_integral_value()
        except InvalidOperation:
            whole = False
    if not whole:
        raise NotAnAmount("an amount has at most two decimal places (fen)")
    return int(fen)


def summed_fen(value: object) -> int:
    """A SUM over fen columns as it comes back: an int on SQLite, an exact numeric (Decimal) on
    PostgreSQL, NULL over no rows (0)."""
    return 0 if value is None else int(value)  # type: ignore[call-overload]


def to_cny(fen: int) -> Decimal:
    """The canonical CNY form of a number of fen: a Decimal with exactly two places (50 → 0.50)."""
    return (Decimal(fen) / FEN_PER_YUAN).quantize(FEN)
