"""Relay connections with keyset cursors, a capped page size and a scoped totalCount.

A cursor carries the sort key of its row (the values of the list's order fields, the id last),
so the next page starts strictly after that row, wherever it now stands: rows added or removed
before it move nothing and are never served twice or skipped (an offset cursor did both).
Cursors are opaque: ``base64url("k2:" + JSON [list tag, [the key's values]])``, the tag naming the
table and the order; anything else — another list's cursor, a value that does not read back
exactly as written — is refused as BAD_USER_INPUT (argument ``after``).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

import strawberry
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from schema.errors import BadInput
from services.text import control_characters

NodeT = TypeVar("NodeT")
RowT = TypeVar("RowT", bound=Model)

_PREFIX = "k2:"
_MAX_CURSOR = 2048  # characters; a real cursor is a sort key of a few short values


def _plain(value: object) -> object:
    """A sort-key value as JSON can hold it (read back by the column's own type)."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def list_tag(model: type[Model], order_by: Sequence[str]) -> str:
    """Which list a cursor belongs to: the table and its order (a cursor of another is refused)."""
    return f"{model._meta.db_table}/{','.join(order_by)}"


def encode_cursor(tag: str, key: Sequence[object]) -> str:
    """The opaque cursor of the row whose sort key is ``key`` in the list ``tag``."""
    body = json.dumps([tag, [_plain(v) for v in key]], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode((_PREFIX + body).encode()).decode()


def _refused() -> BadInput:
    return BadInput("invalid cursor", argument="after")


def decode_cursor(cursor: str, tag: str, size: int) -> list[object]:
    """The sort key in a cursor of the list ``tag`` ordered by ``size`` fields.

    Raises BadInput ("invalid cursor", argument ``after``) for anything this list did not issue:
    not base64 or JSON, another list's or another version's cursor, nested or oversized values,
    text no column holds (control characters, lone surrogates)."""
    if len(cursor) > _MAX_CURSOR:
        raise _refused()
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode()
        if not text.startswith(_PREFIX):
            raise ValueError(cursor)
        found = json.loads(text.removeprefix(_PREFIX))
    except (ValueError, binascii.Error, UnicodeError, RecursionError):
        raise _refused() from None
    if not (isinstance(found, list) and len(found) == 2 and found[0] == tag):
        raise _refused()
    key = found[1]
    if not isinstance(key, list) or len(key) != size:
        raise _refused()
    for value in key:
        # bool is an int in Python: refused like every other type no sort key holds.
        # control_characters also finds lone surrogates: text no column (and no UTF-8) holds.
        if type(value) not in (str, int) or (isinstance(value, str) and control_characters(value)):
            raise _refused()
    return key


@strawberry.type(description="Where this page sits in the whole list / 本页在列表中的位置")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More rows follow / 还有下一页")
    has_previous_page: bool = strawberry.field(
        description="Rows come before this page (true whenever `after` was given) / 有上一页"
    )
    start_cursor: str | None = strawberry.field(description="The first row's cursor / 首行游标")
    end_cursor: str | None = strawberry.field(
        description="The last row's cursor: give it as `after` for the next page / 末行游标"
    )


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(
        description="Opaque; give it as `after` for the rows after this one / 游标(不透明)"
    )
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
    total_count: int = strawberry.field(
        description="How many items the caller may see in all / 可见总数"
    )


def page_size(first: int | None, max_page_size: int) -> int:
    """How many rows a page holds; refuses sizes beyond the cap (BadInput, argument ``first``)."""
    size = max_page_size if first is None else first
    if size < 0 or size > max_page_size:
        raise BadInput(f"first must be between 0 and {max_page_size}", argument="first")
    return size


def _in_range(constraints: dict[str, Any], value: object) -> bool:
    # A number past its column (an integer beyond 64 bits) is a forged cursor, not a fault.
    if not isinstance(value, int) or isinstance(value, bool):
        return True
    return bool(constraints.get("ge", value) <= value <= constraints.get("le", value))


def after_key(model: type[Model], order_by: Sequence[str], cursor: str) -> Q:
    """The filter "strictly after the row with this cursor" in the order ``order_by``.

    Lexicographic: (a > x) or (a = x and b > y) or …; a field named ``-f`` sorts descending.
    Each value must read back exactly as this list writes it (a canonical round trip), so a
    cursor is either one this list issued or BadInput."""
    values = decode_cursor(cursor, list_tag(model, order_by), len(order_by))
    fields = model._meta.fields_map
    parsed: list[tuple[str, bool, Any]] = []
    for spec, raw in zip(order_by, values, strict=True):
        name = spec.removeprefix("-")
        field = fields[name]
        try:
            value = field.to_python_value(raw)
            canonical = _plain(value) == raw and _in_range(field.constraints, value)
        except Exception:
            canonical = False
        if not canonical:
            raise _refused()
        parsed.append((name, spec.startswith("-"), value))
    ors: list[Q] = []
    for index, (name, descending, value) in enumerate(parsed):
        equal = {n: v for n, _, v in parsed[:index]}
        ors.append(Q(**equal, **{f"{name}__{'lt' if descending else 'gt'}": value}))
    return Q(*ors, join_type=Q.OR)


async def paginate(
    queryset: QuerySet[RowT],
    *,
    first: int | None,
    after: str | None,
    max_page_size: int,
    order_by: Sequence[str],
    to_node: Callable[[RowT], NodeT],
    prepare: Callable[[list[RowT]], Awaitable[None]] | None = None,
) -> Connection[NodeT]:
    """One page of ``queryset`` (already scoped) in the order ``order_by`` (which must end in a
    unique field), with the scoped total. Two statements: the count and the page."""
    limit = page_size(first, max_page_size)
    model = queryset.model
    total = await queryset.count()
    page = queryset if after is None else queryset.filter(after_key(model, order_by, after))
    # One row more than the page tells whether another page follows (first: 0 included).
    rows = list(await page.order_by(*order_by).limit(limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    if prepare is not None and rows:
        await prepare(rows)
    names = [spec.removeprefix("-") for spec in order_by]
    tag = list_tag(model, order_by)
    edges = [
        Edge(cursor=encode_cursor(tag, [getattr(r, n) for n in names]), node=to_node(r))
        for r in rows
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=more,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )
