"""Depth and alias limits measured in time linear in the document.

Each fragment is measured once (memoised), however many paths spread it, so a document whose
fragments spread each other twice over (2^n expansions in n fragments) costs n steps, not 2^n.
Unknown fragments and cycles count as nothing here: graphql-core's own rules
(KnownFragmentNames, NoFragmentCycles) report them as client errors.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
)


@dataclass(frozen=True, slots=True)
class Shape:
    """How deep a selection set reaches (nested fields below it) and how many aliases it holds
    once every fragment is spread (capped: counting stops past the limit)."""

    depth: int
    aliases: int


class _Measure:
    def __init__(self, document: DocumentNode, alias_cap: int) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.alias_cap = alias_cap
        self.memo: dict[str, Shape] = {}
        self.visiting: set[str] = set()

    def fragment(self, name: str) -> Shape:
        known = self.memo.get(name)
        if known is not None:
            return known
        definition = self.fragments.get(name)
        if definition is None or name in self.visiting:
            return Shape(0, 0)  # unknown or cyclic: reported by graphql-core's rules
        self.visiting.add(name)
        shape = self.selections(definition.selection_set)
        self.visiting.discard(name)
        self.memo[name] = shape
        return shape

    def selections(self, selection_set: SelectionSetNode | None) -> Shape:
        depth = aliases = 0
        for node in selection_set.selections if selection_set else ():
            if isinstance(node, FieldNode):
                if node.alias is not None:
                    aliases += 1
                # Introspection fields do not count towards depth (as strawberry's limiter).
                if node.selection_set is not None and not node.name.value.startswith("__"):
                    inner = self.selections(node.selection_set)
                    depth, aliases = max(depth, 1 + inner.depth), aliases + inner.aliases
                elif node.selection_set is not None:
                    aliases += self.selections(node.selection_set).aliases
            elif isinstance(node, InlineFragmentNode):
                inner = self.selections(node.selection_set)
                depth, aliases = max(depth, inner.depth), aliases + inner.aliases
            elif isinstance(node, FragmentSpreadNode):
                inner = self.fragment(node.name.value)
                depth, aliases = max(depth, inner.depth), aliases + inner.aliases
            aliases = min(aliases, self.alias_cap)
        return Shape(depth, aliases)


def shape_rule(max_depth: int, max_aliases: int) -> type[ASTValidationRule]:
    """A validation rule refusing documents deeper than ``max_depth`` nested fields or with more
    than ``max_aliases`` aliases across all operations (each spread counted where it lands)."""

    class DocumentShapeRule(ASTValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            measure = _Measure(context.document, max_aliases + 1)
            total_aliases = 0
            for definition in context.document.definitions:
                if not isinstance(definition, OperationDefinitionNode):
                    continue
                shape = measure.selections(definition.selection_set)
                name = definition.name.value if definition.name else "anonymous"
                if shape.depth > max_depth:
                    context.report_error(
                        GraphQLError(
                            f"'{name}' exceeds maximum operation depth of {max_depth}",
                            [definition],
                        )
                    )
                    return
                total_aliases = min(total_aliases + shape.aliases, max_aliases + 1)
                if total_aliases > max_aliases:
                    context.report_error(
                        GraphQLError(
                            f"more than {max_aliases} aliases found. Allowed: {max_aliases}"
                        )
                    )
                    return

    return DocumentShapeRule
