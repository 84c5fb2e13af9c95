"""SQL functions tortoise lacks, in each database's own words: the year of a date column
(``YearOf``, for GROUP BY) and an exact sum of a two-place DecimalField (``FenSum``).

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
from pypika_tortoise.enums import Dialects
from pypika_tortoise.terms import AggregateFunction
from pypika_tortoise.terms import Function as PypikaFunction
from tortoise.expressions import Aggregate, Function

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


class _YearOfDate(PypikaFunction):
    """The calendar year of a DATE column as an integer, in each database's own words (SQLite
    keeps a date as ISO text; PostgreSQL's EXTRACT gives a numeric)."""

    def __init__(self, term: Any, alias: str | None = None) -> None:
        super().__init__("YEAR_OF", term, alias=alias)

    def get_function_sql(self, ctx: SqlContext) -> str:
        column = self.get_arg_sql(self.args[0], ctx)
        if ctx.dialect is Dialects.SQLITE:
            return f"CAST(STRFTIME('%Y',{column}) AS INTEGER)"
        return f"CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)"


class YearOf(Function):
    """``YearOf("decided_on")``: the year of a date field, for ``annotate`` and ``group_by``."""

    database_func = _YearOfDate
