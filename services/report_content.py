"""The content of an annual report (R-ASM-3), checked figure by figure.

Amounts are exact CNY (Decimal) from 0 below 10^12 with at most two places, kept in one
canonical form (two places); counts are whole numbers from 0 to 1,000,000; the narrative is text
of at most 20,000 characters without control characters. Every refusal is BadInput whose
``field`` is the figure's GraphQL path (``revenue.technologyTransfer``, ``rdSpending``,
``standards.national``) and whose message names it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from models.annual_reports import (
    AMOUNT_LIMIT,
    CONTENT_FIGURES,
    COUNT_LIMIT,
    NARRATIVE_LIMIT,
    ContentField,
)
from services.errors import BadInput
from services.values import CENT, text

NARRATIVE = "narrative"


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.capitalize() for part in rest)


def graphql_path(figure: ContentField) -> str:
    """The figure's path in the GraphQL input, each segment camel-cased
    (``revenue.technology_transfer`` → ``revenue.technologyTransfer``)."""
    return ".".join(_camel(segment) for segment in figure.graphql.split("."))


FIGURES: dict[str, ContentField] = {figure.column: figure for figure in CONTENT_FIGURES}
PATHS: dict[str, str] = {figure.column: graphql_path(figure) for figure in CONTENT_FIGURES}


def amount(value: object, path: str) -> Decimal:
    """An amount of CNY: finite, 0 ≤ value < 10^12, at most two places; returned with exactly
    two places (``-0`` reads as ``0.00``). BadInput naming ``path`` otherwise (R-ASM-3)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise BadInput(f"{path} must be an amount of CNY", field=path)
    value = Decimal(value)
    # Checked before quantize, which raises on huge values (and NaN, Infinity).
    if not value.is_finite() or not Decimal(0) <= value < AMOUNT_LIMIT:
        raise BadInput(
            f"{path} must be an amount of CNY from 0 below {AMOUNT_LIMIT:,} (R-ASM-3)", field=path
        )
    if value != value.quantize(CENT):
        raise BadInput(f"{path} has at most two decimal places (R-ASM-3)", field=path)
    return value.quantize(CENT) if value else Decimal("0.00")


def count(value: object, path: str) -> int:
    """A count: a whole number from 0 to 1,000,000; BadInput naming ``path`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadInput(f"{path} must be a whole number", field=path)
    if not 0 <= value <= COUNT_LIMIT:
        raise BadInput(f"{path} must be from 0 to {COUNT_LIMIT:,} (R-ASM-3)", field=path)
    return value


def clean_content(values: Mapping[str, object]) -> dict[str, object]:
    """The figures given, checked and in canonical form, keyed by column (``rd_spending``,
    ``standards_national``, ``narrative``…). A figure left out is left unchanged; an unknown
    column is a programming error (KeyError). Raises BadInput naming the first refused field."""
    cleaned: dict[str, object] = {}
    for column, value in values.items():
        if column == NARRATIVE:
            if not isinstance(value, str):
                raise BadInput("narrative must be text", field=NARRATIVE)
            cleaned[column] = text(value, NARRATIVE, NARRATIVE_LIMIT, required=False)
            continue
        figure = FIGURES[column]
        path = PATHS[column]
        cleaned[column] = amount(value, path) if figure.is_amount else count(value, path)
    return cleaned
