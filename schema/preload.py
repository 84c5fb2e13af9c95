"""Preloading a page level by level, so that its nested fields answer synchronously.

When a connection is resolved field by field (the compiled path did not plan it), the page's
rows are known before graphql-core walks them. ``preload_page`` reads the selection of the page's
nodes and loads each selected relation for every row at once — one batch per relation and level,
from the same scoped batches as the DataLoaders (schema/loaders.py) — then the relation's
resolver finds its answer with ``Loaders.peek`` and returns it at once: no coroutine and no future
per row. Whatever is not preloaded (another relation, a selection it does not read) still loads
through the DataLoaders.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from graphql import SelectionSetNode

from schema.compiled.selection import Scope, Selected, Unplannable, collect, select_connection
from schema.context import Info
from schema.loaders import MISSING

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Relation:
    """A nested field answered from a batch: ``batch`` keyed by the row's ``key`` attribute."""

    batch: str
    key: str
    target: str
    many: bool = False


RELATIONS: dict[str, dict[str, Relation]] = {
    "Centre": {
        "city": Relation("city", "city_id", "City"),
        "industry": Relation("industry", "industry_id", "Industry"),
        "leadOrganisation": Relation("organisation", "lead_organisation_id", "Organisation"),
        "members": Relation("members_by_centre", "id", "AllianceMember", many=True),
    },
    "AllianceMember": {"organisation": Relation("organisation", "organisation_id", "Organisation")},
    "Organisation": {"city": Relation("city", "city_id", "City")},
}


async def preload_page(info: Info, type_name: str, rows: Sequence[Any]) -> None:
    """Load every selected relation of ``rows`` (nodes of GraphQL type ``type_name``) and of
    the rows they lead to, level by level. Never raises for a selection it does not read."""
    document = Scope(info._raw_info.fragments, info.variable_values)
    try:
        asked = select_connection(info._raw_info, document)
        nodes = [selection for _, node in asked.nodes() for selection in node.sub_selections()]
        level: list[tuple[str, Sequence[Any], list[SelectionSetNode]]] = [(type_name, rows, nodes)]
    except Unplannable:
        return
    loaders = await info.context.loaders()
    while level:
        below: list[tuple[str, Sequence[Any], list[SelectionSetNode]]] = []
        for name, parents, selections in level:
            relations = RELATIONS.get(name, {})
            try:
                selected: list[Selected] = collect(selections, frozenset({name, "Node"}), document)
            except Unplannable:
                continue
            for item in selected:
                relation = relations.get(item.name)
                if relation is None or not parents:
                    continue
                keys = [k for k in (getattr(p, relation.key) for p in parents) if k is not None]
                found = await loaders.preload(relation.batch, keys)
                children = (
                    [child for group in found for child in group]
                    if relation.many
                    else [child for child in found if child is not None]
                )
                below.append((relation.target, children, item.sub_selections()))
        level = below


def preloaded(info: Info, batch: str, key: Any) -> Any:
    """The answer a level preloaded for ``key``, or MISSING (then load it the usual way)."""
    loaders = info.context.ready_loaders()
    return MISSING if loaders is None else loaders.peek(batch, key)


def later(awaitable: Awaitable[T]) -> T:
    """What a synchronous resolver returns when nothing was preloaded: graphql-core awaits an
    awaitable a resolver returns, so the field's type stays what strawberry declares."""
    return cast("T", awaitable)
