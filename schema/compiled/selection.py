"""What a selection set asks for, once fragments, aliases and @skip/@include are applied.

The compiled read path needs the response keys in the order graphql-core would give them
(first occurrence wins, fields of the same key merged), and nothing it cannot plan: any other
directive (``@defer``, ``@stream``, a custom one) gives ``None``, and the caller falls back to
normal resolution.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
)


class Unplannable(Exception):
    """The selection uses something the compiled path does not plan: resolve it normally."""


@dataclass(slots=True)
class Selected:
    """One response key: the field it names and every node merged under it."""

    key: str
    name: str
    nodes: list[FieldNode] = field(default_factory=list)

    def arguments(self, variables: Mapping[str, Any]) -> dict[str, Any]:
        """The literal or variable arguments of the field (merged nodes must agree)."""
        found: dict[str, Any] = {}
        for node in self.nodes:
            for argument in node.arguments or ():
                found[argument.name.value] = value_of(argument.value, variables)
        return found

    def sub_selections(self) -> list[SelectionSetNode]:
        return [n.selection_set for n in self.nodes if n.selection_set is not None]


def value_of(node: ValueNode, variables: Mapping[str, Any]) -> Any:
    """A Boolean literal or a variable's non-null value; anything else is not planned (a null
    or missing variable leaves coercion and its errors to graphql-core)."""
    if isinstance(node, VariableNode):
        value = variables.get(node.name.value)
        if value is None:
            raise Unplannable("a null or missing variable")
        return value
    if isinstance(node, BooleanValueNode):
        return node.value
    raise Unplannable(f"argument {type(node).__name__}")


def _included(directives: Iterable[DirectiveNode], variables: Mapping[str, Any]) -> bool:
    for directive in directives:
        name = directive.name.value
        if name not in ("skip", "include"):
            raise Unplannable(f"@{name}")
        (argument,) = directive.arguments or ()
        condition = value_of(argument.value, variables)
        if (name == "skip") == bool(condition):
            return False
    return True


@dataclass(frozen=True, slots=True)
class Scope:
    """What fragments and variables a document brings along."""

    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]


def collect(
    selection_sets: Iterable[SelectionSetNode], type_names: frozenset[str], scope: Scope
) -> list[Selected]:
    """The response keys selected on an object whose type (and interfaces) are ``type_names``,
    in graphql-core's order. Raises Unplannable for anything not planned."""
    keyed: dict[str, Selected] = {}
    spread: set[str] = set()  # shared by every merged node, as in graphql-core
    for selection_set in selection_sets:
        _visit(selection_set.selections, type_names, scope, keyed, spread)
    return list(keyed.values())


def _visit(
    selections: Iterable[SelectionNode],
    type_names: frozenset[str],
    scope: Scope,
    keyed: dict[str, Selected],
    spread: set[str],
) -> None:
    for node in selections:
        if not _included(node.directives or (), scope.variables):
            continue
        if isinstance(node, FieldNode):
            key = node.alias.value if node.alias else node.name.value
            entry = keyed.get(key)
            if entry is None:
                entry = keyed[key] = Selected(key, node.name.value)
            entry.nodes.append(node)
        elif isinstance(node, InlineFragmentNode):
            condition = node.type_condition
            if condition is None or condition.name.value in type_names:
                _visit(node.selection_set.selections, type_names, scope, keyed, spread)
        elif isinstance(node, FragmentSpreadNode):
            name = node.name.value
            fragment = scope.fragments.get(name)
            # A fragment spread twice on one object is collected once (as graphql-core does).
            if fragment is None or name in spread:
                continue
            spread.add(name)
            if fragment.type_condition.name.value in type_names:
                _visit(fragment.selection_set.selections, type_names, scope, keyed, spread)


@dataclass(frozen=True, slots=True)
class ConnectionSelection:
    """What a connection field asks for: its own keys, and each ``edges`` key's edge keys."""

    type: GraphQLObjectType
    edge_type: GraphQLObjectType
    selected: list[Selected]
    edges: dict[str, list[Selected]]

    def nodes(self) -> Iterator[tuple[str, Selected]]:
        """Each ``node`` key with the ``edges`` key it stands under."""
        for edges_key, items in self.edges.items():
            for item in items:
                if item.name == "node":
                    yield edges_key, item


def object_type(type_: Any) -> GraphQLObjectType:
    """The object type behind a field's type (lists and non-null unwrapped); Unplannable else."""
    named = get_named_type(type_)
    if not isinstance(named, GraphQLObjectType):
        raise Unplannable("not an object type")
    return named


def select_connection(raw: GraphQLResolveInfo[Any], document: Scope) -> ConnectionSelection:
    """The selection of the connection field being resolved; Unplannable for another field."""
    connection = object_type(raw.return_type)
    if "edges" not in connection.fields:
        raise Unplannable("not a connection")
    edge = object_type(connection.fields["edges"].type)
    selected = collect(
        [n.selection_set for n in raw.field_nodes if n.selection_set],
        frozenset({connection.name}),
        document,
    )
    edges = {
        item.key: collect(item.sub_selections(), frozenset({edge.name}), document)
        for item in selected
        if item.name == "edges"
    }
    return ConnectionSelection(connection, edge, selected, edges)
