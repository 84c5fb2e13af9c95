"""Relay-style connections with opaque cursors, a capped page size and a scoped totalCount."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

import strawberry
from tortoise.models import Model
from tortoise.queryset import QuerySet

from schema.errors import BadInput

NodeT = TypeVar("NodeT")
RowT = TypeVar("RowT", bound=Model)

_PREFIX = "o:"


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith(_PREFIX):
            raise ValueError(cursor)
        offset = int(text.removeprefix(_PREFIX))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadInput("invalid cursor", argument="after") from None
    if offset < 0:
        raise BadInput("invalid cursor", argument="after")
    return offset


@strawberry.type(description="Where this page sits in the whole list / 本页在列表中的位置")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
    total_count: int = strawberry.field(
        description="How many items the caller may see in all / 可见总数"
    )


def page_window(first: int | None, after: str | None, max_page_size: int) -> tuple[int, int]:
    """(offset, limit) from the arguments; refuses sizes beyond the cap."""
    size = max_page_size if first is None else first
    if size < 0 or size > max_page_size:
        raise BadInput(f"first must be between 0 and {max_page_size}", argument="first")
    return (0 if after is None else decode_cursor(after) + 1), size


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
    offset, limit = page_window(first, after, max_page_size)
    total = await queryset.count()
    rows: list[RowT] = []
    if limit and offset < total:
        rows = await queryset.order_by(*order_by).offset(offset).limit(limit)
    if prepare is not None and rows:
        await prepare(rows)
    edges = [Edge(cursor=encode_cursor(offset + i), node=to_node(r)) for i, r in enumerate(rows)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=offset + len(rows) < total,
            has_previous_page=offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )
