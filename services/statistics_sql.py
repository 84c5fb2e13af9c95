"""SQL pieces the statistics need (R-CTR-6, R-ASM-3): an exact sum of a two-place DecimalField.

The content amounts of an annual report are ``DecimalField(16, 2)``: PostgreSQL keeps them as
exact ``numeric``, SQLite as text that ``SUM`` would add as binary floats (0.1 + 0.2 ≠ 0.3).
``FenSum(column)`` sums ``CAST(ROUND(column * 100) AS BIGINT)`` — each amount as its whole number
of fen, then an integer sum — on both databases: exact because an amount has at most two places
and at most 10^12 CNY (``models.annual_reports.AMOUNT_LIMIT``), i.e. 14 significant digits, which
a double holds to well within ±0.5 fen before ROUND makes it whole.
"""

from __future__ import annotations

from typing import Any

from pypika_tortoise.context import SqlContext
from pypika_tortoise.terms import AggregateFunction
from tortoise.expressions import Aggregate

from services.funding_totals import YearOf

__all__ = ["FenSum", "YearOf"]


class _FenSumTerm(AggregateFunction):
    def __init__(self, term: Any, alias: str | None = None) -> None:
        super().__init__("FEN_SUM", term, alias=alias)

    def get_function_sql(self, ctx: SqlContext) -> str:
        column = self.get_arg_sql(self.args[0], ctx)
        return f"SUM(CAST(ROUND({column} * 100) AS BIGINT))"


class FenSum(Aggregate):
    """``FenSum("revenue_other")``: the exact sum of a two-place amount column, in whole fen
    (NULL over no rows)."""

    database_func = _FenSumTerm
