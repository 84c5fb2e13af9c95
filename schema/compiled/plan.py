"""Plan a selection on a compiled type into one SQL expression that builds its JSON.

Every related row is read through the scope of its type (policies/scopes/), rendered as a
sub-select whose parameters are bound, never inlined. A to-one field whose row the caller may
not read comes out null; the normal path would raise NOT_FOUND there, so the planner records the
key path (``checks``) and the caller falls back when any of them is null.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from graphql import SelectionSetNode

from policies.enforcer import Authorizer
from schema.compiled.catalogue import TYPES, Column, CompiledType, ToMany, ToOne
from schema.compiled.dialect import Dialect, literal
from schema.compiled.selection import Scope, Selected, Unplannable, collect

# Both databases cap a function's arguments (PostgreSQL at 100): at most 50 keys per object.
MAX_KEYS = 50
MAX_NESTING = 6

Path = tuple[str, ...]  # response keys; "*" stands for every item of a list
# Stands for the outer row's id in a scope narrowed to one row (replaced in the SQL, never bound).
OUTER = UUID("00000000-0000-4000-8000-00000000c0de")
# Tortoise's ORDER BY: quoted columns, each ASC or DESC, comma-separated (no literal, no value).
_ORDER_BY = re.compile(r' ORDER BY "\w+" (?:ASC|DESC)(?:,"\w+" (?:ASC|DESC))*')


@dataclass(slots=True)
class Statement:
    """SQL text being written left to right, with its bound parameters in the same order."""

    dialect: Dialect
    authz: Authorizer
    document: Scope  # the document's fragments and variables
    params: list[Any] = field(default_factory=list)
    checks: list[Path] = field(default_factory=list)
    aliases: int = 0

    def alias(self) -> str:
        self.aliases += 1
        return f"t{self.aliases}"

    def embed(self, queryset: Any, *, unordered: bool = False, outer: str | None = None) -> str:
        """A Tortoise query as a sub-select here, its parameters bound after those so far.

        ``unordered``: the sub-select is the set of an ``IN (…)``, where an order means nothing;
        Tortoise still writes each model's default ORDER BY into it and its sub-selects, and
        PostgreSQL sorts them (measured: ~40 % of a bureau's page at scale 10), so they go.
        ``outer``: the query was filtered on ``id = OUTER`` (the sentinel); that comparison is
        made against this outer column instead, so the sub-select checks one row at a time."""
        sql, params = parameterized(queryset)
        if unordered and " LIMIT " not in sql:
            sql = _ORDER_BY.sub("", sql)
        if outer is not None:
            try:
                sql, params = self.dialect.correlate(sql, params, OUTER, outer)
            except ValueError:
                raise Unplannable("the scope's statement could not be narrowed") from None
        shifted = self.dialect.shift(sql, len(self.params))
        self.params.extend(params)
        return shifted


def parameterized(queryset: Any) -> tuple[str, list[Any]]:
    """The statement a queryset would run, with placeholders, and its parameters."""
    queryset._choose_db_if_not_chosen()
    queryset._make_query()
    sql, params = queryset.query.get_parameterized_sql()
    return sql, list(params)  # Tortoise's own statement: values bound, never inlined


def _scope_ids(statement: Statement, kind: CompiledType, row: str) -> str | None:
    """`IN (…)` sub-select that holds ``row``'s id when the caller may read that row of
    ``kind``; None when every row is readable (public data, or a scope that restricts nothing).

    It is the scope's own query, narrowed to the one row (``id = row.id``): the database checks
    the few rows a page reaches instead of building the whole readable set (a bureau's
    organisations at scale 10: 13,000 rows, 17 ms on SQLite, twice per page)."""
    if kind.scope is None:
        return None
    rows = kind.scope(statement.authz)
    if not rows._q_objects:
        return None  # the caller reads every row (provincial staff): no filter to apply
    one = rows.filter(id=OUTER).values_list("id", flat=True)
    return statement.embed(one, unordered=True, outer=f"{row}.id")


def _column(kind: CompiledType, entry: Column, row: str, dialect: Dialect) -> str:
    expression = f"{row}.{entry.column}"
    if entry.kind == "id":
        return f"'{kind.name}:' || {dialect.text(expression)}"
    if entry.kind == "bool":
        return dialect.boolean(expression)
    if entry.kind == "nullable_text":
        return f"NULLIF({expression}, '')"  # a blank optional text reads as null
    if entry.kind == "enum":
        cases = " ".join(f"WHEN '{value}' THEN '{name}'" for value, name in entry.names.items())
        return f"CASE {expression} {cases} END"
    return expression


def render_object(
    statement: Statement,
    kind: CompiledType,
    selections: Sequence[SelectionSetNode],
    row: str,
    *,
    path: Path = (),
) -> str:
    """The JSON object expression of ``kind`` for table row ``row``, key by key as selected."""
    if len(path) > 2 * MAX_NESTING:
        raise Unplannable("too deep")
    selected = collect(selections, kind.type_names, statement.document)
    if len(selected) > MAX_KEYS:
        raise Unplannable("too many keys")  # an empty selection (all skipped) is {} both ways
    pairs: list[tuple[str, str]] = []
    for item in selected:
        key = literal(item.key)
        if item.name == "__typename":
            pairs.append((key, f"'{kind.name}'"))
            continue
        entry = kind.fields.get(item.name)
        if entry is None:
            raise Unplannable(f"{kind.name}.{item.name}")
        if isinstance(entry, ToMany):
            pairs.append((key, _to_many(statement, entry, item, row, path=(*path, item.key))))
        elif item.arguments(statement.document.variables):
            raise Unplannable("arguments")
        elif isinstance(entry, Column):
            pairs.append((key, _column(kind, entry, row, statement.dialect)))
        else:
            pairs.append((key, _to_one(statement, entry, item, row, path=(*path, item.key))))
    return statement.dialect.obj(pairs)


def _to_one(statement: Statement, entry: ToOne, item: Selected, row: str, *, path: Path) -> str:
    target = TYPES[entry.target]
    alias = statement.alias()
    body = render_object(statement, target, item.sub_selections(), alias, path=path)
    where = f"{alias}.id = {row}.{entry.column}"
    visible = _scope_ids(statement, target, alias)
    if visible is not None:
        where += f" AND {alias}.id IN ({visible})"
        statement.checks.append(path)
    table = target.model._meta.db_table
    # Identifiers come from the catalogue, values are bound: nothing of the request is spliced.
    return statement.dialect.nested(f"(SELECT {body} FROM {table} {alias} WHERE {where})")  # noqa: S608


def _to_many(statement: Statement, entry: ToMany, item: Selected, row: str, *, path: Path) -> str:
    arguments = item.arguments(statement.document.variables)
    unknown = set(arguments) - ({"currentOnly"} if entry.current_only_argument else set())
    if unknown:
        raise Unplannable("arguments")
    target = TYPES[entry.target]
    alias = statement.alias()
    element = render_object(statement, target, item.sub_selections(), alias, path=(*path, "*"))
    where = f"{alias}.{entry.column} = {row}.id"
    if arguments.get("currentOnly"):
        where += f" AND {alias}.left_on IS NULL"
    visible = _scope_ids(statement, target, alias)
    if visible is not None:
        where += f" AND {alias}.id IN ({visible})"
    table = target.model._meta.db_table
    order = ", ".join(_order(target, alias))
    source = f"FROM {table} {alias} WHERE {where}"
    return statement.dialect.nested(statement.dialect.array(element, source, order))


def _order(kind: CompiledType, alias: str) -> Iterable[str]:
    """The model's own ordering (what the normal path's loader returns), on ``alias``."""
    for name, order in kind.model._meta.ordering:
        column = kind.model._meta.fields_db_projection[name]
        yield f"{alias}.{column} {order.value}"


def unreadable(value: Any, path: Path) -> bool:
    """Whether a to-one field along ``path`` came out null (a row outside the caller's scope)."""
    if not path:
        return value is None
    if value is None:
        return False  # an absent parent: nothing below it was asked for
    head, rest = path[0], path[1:]
    if head == "*":
        return any(unreadable(item, rest) for item in value)
    return unreadable(value.get(head), rest)
