"""The compiled path of a connection: one statement for the page, its JSON built in SQL.

``compiled_connection`` plans the whole selection of a connection field (edges, nodes with
their nested objects and lists, pageInfo, totalCount, ``__typename``, aliases, fragments,
``@skip``/``@include``) into one SQL statement (and the count, when asked for) and returns the
finished answer as plain dicts and lists. graphql-core then takes it as it is
(``schema/compiled/executor.py``) instead of resolving ~8,000 fields one by one. Anything it does
not plan — a field outside the catalogue, an argument it does not know, another directive — gives
None, and the resolver goes the normal way. Both ways give the same bytes
(``tests/test_compiled_read_path.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from tortoise.queryset import QuerySet

from schema.compiled.catalogue import TYPES, CompiledType
from schema.compiled.dialect import dialect_of
from schema.compiled.plan import Path, Statement, render_object, unreadable
from schema.compiled.selection import (
    Scope,
    Selected,
    Unplannable,
    collect,
    object_type,
    select_connection,
)
from schema.context import Info
from schema.pagination import after_key, encode_cursor, list_tag, page_size


@dataclass(frozen=True, slots=True)
class Precompiled:
    """A field's finished answer (JSON-ready dicts and lists), taken as it is by the executor."""

    value: Any


@dataclass(frozen=True, slots=True)
class _Page:
    """The page asked for: the caller's rows, their order, the window."""

    queryset: QuerySet[Any]
    order_by: Sequence[str]
    limit: int
    after: str | None

    def rows(self) -> QuerySet[Any]:
        rows = self.queryset
        if self.after is not None:
            rows = rows.filter(after_key(rows.model, self.order_by, self.after))
        return rows.order_by(*self.order_by).limit(self.limit + 1)


async def compiled_connection(
    info: Info,
    node_type: str,
    queryset: QuerySet[Any],
    *,
    first: int | None,
    after: str | None,
    order_by: Sequence[str],
) -> Precompiled | None:
    """The connection's answer built in SQL, or None when the selection is not planned.

    ``queryset`` is the caller's scoped (and filtered) rows of the connection's nodes; the page is
    ``order_by`` from ``after``, ``first`` rows, exactly as ``schema.pagination.paginate``.
    Raises BadInput (first, after) exactly as ``paginate`` does."""
    context = info.context
    if not context.compiled_reads:
        return None
    page = _Page(queryset, order_by, page_size(first, context.max_page_size), after)
    rows = page.rows()  # decodes the cursor: BadInput before anything runs, as paginate
    try:
        return await _answer(info, TYPES[node_type], page, rows)
    except Unplannable:
        return None


async def _answer(
    info: Info, kind: CompiledType, page: _Page, rows: QuerySet[Any]
) -> Precompiled | None:
    raw = info._raw_info
    document = Scope(raw.fragments, info.variable_values)
    asked = select_connection(raw, document)
    connection_type, edge_type, selected = asked.type, asked.edge_type, asked.selected
    for item in selected:
        if item.name not in ("edges", "__typename", "totalCount", "pageInfo"):
            raise Unplannable(item.name)
    rows._choose_db_if_not_chosen()
    statement = Statement(dialect_of(rows._db), await info.context.authz(), document)
    columns: list[tuple[str, str, str, tuple[Path, ...]]] = []  # SQL, edges key, node key
    for edges_key, node in asked.nodes():
        statement.checks = []
        body = render_object(statement, kind, node.sub_selections(), "c")
        columns.append((body, edges_key, node.key, tuple(statement.checks)))
    built = await _fetch(statement, page, rows, columns)
    if built is None:
        return None
    total = await page.queryset.count() if any(i.name == "totalCount" for i in selected) else 0
    found, more = built
    answer: dict[str, Any] = {}
    for item in selected:
        if item.name == "__typename":
            answer[item.key] = connection_type.name
        elif item.name == "totalCount":
            answer[item.key] = total
        elif item.name == "pageInfo":
            type_name = object_type(connection_type.fields["pageInfo"].type).name
            answer[item.key] = _page_info(item, type_name, found, more, page.after, document)
        else:
            answer[item.key] = [
                _edge(item.key, asked.edges[item.key], edge_type.name, b) for b in found
            ]
    return Precompiled(answer)


async def _fetch(
    statement: Statement,
    page: _Page,
    rows: QuerySet[Any],
    columns: list[tuple[str, str, str, tuple[Path, ...]]],
) -> tuple[list[dict[str, Any]], bool] | None:
    """Run the page's one statement; each row's cursor and parsed nodes, and whether more rows
    follow. None when a related row came out unreadable (the normal path reports it)."""
    fields = page.queryset.model._meta.fields_db_projection
    keys = [fields[spec.removeprefix("-")] for spec in page.order_by]
    projection = [f"c.{key} AS k{i}" for i, key in enumerate(keys)]
    projection += [f"{body} AS n{i}" for i, (body, *_) in enumerate(columns)]
    ordering = ", ".join(
        f"c.{key}{' DESC' if spec.startswith('-') else ''}"
        for key, spec in zip(keys, page.order_by, strict=True)
    )
    source = statement.embed(rows)
    # Identifiers come from the catalogue and the model, values are bound.
    sql = f"SELECT {', '.join(projection)} FROM ({source}) c ORDER BY {ordering}"  # noqa: S608
    result = await rows._db.execute_query_dict(sql, statement.params)
    tag = list_tag(page.queryset.model, page.order_by)
    more = len(result) > page.limit
    found: list[dict[str, Any]] = []
    for row in result[: page.limit]:
        cursor = encode_cursor(tag, [row[f"k{i}"] for i in range(len(keys))])
        built: dict[str, Any] = {"cursor": cursor}
        for index, (_, edges_key, node_key, checks) in enumerate(columns):
            value = orjson.loads(row[f"n{index}"])
            if any(unreadable(value, path) for path in checks):
                return None
            built[f"{edges_key}\0{node_key}"] = value
        found.append(built)
    return found, more


def _edge(
    edges_key: str, selected: list[Selected], type_name: str, built: dict[str, Any]
) -> dict[str, Any]:
    edge: dict[str, Any] = {}
    for item in selected:
        if item.name == "__typename":
            edge[item.key] = type_name
        elif item.name == "cursor":
            edge[item.key] = built["cursor"]
        elif item.name == "node":
            edge[item.key] = built[f"{edges_key}\0{item.key}"]
        else:
            raise Unplannable(item.name)
    return edge


def _page_info(  # noqa: PLR0917 - one call site, every value its own
    item: Selected,
    type_name: str,
    built: list[dict[str, Any]],
    more: bool,
    after: str | None,
    scope: Scope,
) -> dict[str, Any]:
    values = {
        "__typename": type_name,
        "hasNextPage": more,
        "hasPreviousPage": after is not None,
        "startCursor": built[0]["cursor"] if built else None,
        "endCursor": built[-1]["cursor"] if built else None,
    }
    answer: dict[str, Any] = {}
    for field in collect(item.sub_selections(), frozenset({type_name}), scope):
        if field.name not in values:
            raise Unplannable(field.name)
        answer[field.key] = values[field.name]
    return answer
