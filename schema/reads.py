"""Reading a connection: compiled when its selection allows, else field by field, preloaded."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from schema.compiled.catalogue import TYPES
from schema.compiled.connection import compiled_connection
from schema.context import Info
from schema.pagination import Connection, paginate
from schema.preload import preload_page

NodeT = TypeVar("NodeT")


async def read_connection(
    info: Info,
    node_type: str,
    queryset: Any,
    *,
    first: int | None,
    after: str | None,
    order_by: Sequence[str],
    to_node: Callable[[Any], NodeT],
) -> Connection[NodeT]:
    """One page of ``queryset`` (the caller's scoped rows of GraphQL type ``node_type``) in
    ``order_by`` after the cursor ``after``, ``first`` rows at most.

    Built in one SQL statement when every selected field is in the compiled catalogue
    (schema/compiled); otherwise resolved field by field with each level preloaded in one batch
    (schema/preload.py). Both give the same answer. Raises BadInput for ``first`` beyond the page
    size or a cursor this list did not make."""
    if node_type in TYPES:
        compiled = await compiled_connection(
            info, node_type, queryset, first=first, after=after, order_by=order_by
        )
        if compiled is not None:
            return cast("Connection[NodeT]", compiled)
    return await paginate(
        queryset,
        first=first,
        after=after,
        max_page_size=info.context.max_page_size,
        order_by=order_by,
        to_node=to_node,
        prepare=lambda rows: preload_page(info, node_type, rows),
    )
