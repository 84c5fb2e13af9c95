"""Building JSON in SQL, for PostgreSQL and SQLite, from the same plan.

Both dialects keep the keys in the order given (PostgreSQL ``json``, not ``jsonb``; SQLite's
``json_object``), so the parsed answer has graphql-core's key order. SQLite loses the JSON
subtype of a value that comes out of a sub-select, so every nested value is re-read with
``json(...)`` there; PostgreSQL's ``json`` values nest as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_PLACEHOLDER = re.compile(r"\$(\d+)")


@dataclass(frozen=True, slots=True)
class Dialect:
    """How one database spells the few JSON constructs the compiled path uses."""

    name: str

    @property
    def postgres(self) -> bool:
        return self.name == "postgres"

    def shift(self, sql: str, offset: int) -> str:
        """A statement's own parameters renumbered to follow ``offset`` earlier ones."""
        if not self.postgres or not offset:
            return sql
        return _PLACEHOLDER.sub(lambda m: f"${int(m.group(1)) + offset}", sql)

    def correlate(
        self, sql: str, params: list[Any], sentinel: object, column: str
    ) -> tuple[str, list[Any]]:
        """``sql`` with the one parameter equal to ``sentinel`` replaced by ``column`` (an outer
        reference) and dropped from ``params``. Raises ValueError unless exactly one is."""
        found = [i for i, p in enumerate(params) if str(p) == str(sentinel)]
        if len(found) != 1:
            raise ValueError("the sentinel must be bound exactly once")
        (index,) = found
        kept = params[:index] + params[index + 1 :]
        if self.postgres:
            number = index + 1

            def renumber(match: re.Match[str]) -> str:
                n = int(match.group(1))
                return column if n == number else f"${n - 1 if n > number else n}"

            return _PLACEHOLDER.sub(renumber, sql), kept
        pieces = sql.split("?")
        if len(pieces) != len(params) + 1:
            raise ValueError("placeholders and parameters differ")
        return "?".join(pieces[: index + 1]) + column + "?".join(pieces[index + 1 :]), kept

    def text(self, expression: str) -> str:
        """A text column as itself (both dialects compare UUIDs as text here)."""
        return expression if not self.postgres else f"{expression}::text"

    def boolean(self, expression: str) -> str:
        if self.postgres:
            return expression
        return f"json(CASE WHEN {expression} THEN 'true' ELSE 'false' END)"

    def nested(self, expression: str) -> str:
        """A JSON value that comes out of a sub-select, to be placed inside another object."""
        return expression if self.postgres else f"json({expression})"

    def obj(self, pairs: Sequence[tuple[str, str]]) -> str:
        """A JSON object of (key literal, value expression) in order."""
        function = "json_build_object" if self.postgres else "json_object"
        return f"{function}({', '.join(f'{key}, {value}' for key, value in pairs)})"

    def array(self, element: str, source: str, order: str) -> str:
        """A JSON array (``[]`` when empty) of ``element`` over the rows of ``source``."""
        if self.postgres:
            return f"COALESCE((SELECT json_agg({element} ORDER BY {order}) {source}), '[]'::json)"
        # SQLite aggregates in the order of a sub-select's ORDER BY.
        return f"(SELECT json_group_array(json(e)) FROM (SELECT {element} AS e {source} ORDER BY {order}))"  # noqa: S608, E501 - catalogue identifiers, bound values


def dialect_of(connection: object) -> Dialect:
    """The dialect of a Tortoise connection."""
    capabilities = getattr(connection, "capabilities", None)
    return Dialect(str(getattr(capabilities, "dialect", "sqlite")))


def literal(key: str) -> str:
    """A response key as an SQL string literal (keys are GraphQL names: letters, digits, _)."""
    if not re.fullmatch(r"[_A-Za-z][_0-9A-Za-z]*", key):
        raise ValueError(key)
    return f"'{key}'"
