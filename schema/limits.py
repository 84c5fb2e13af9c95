"""Query limits: depth, aliases, tokens, directives and total fields; caches; introspection."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from graphql import (
    ASTValidationRule,
    DirectiveNode,
    FieldNode,
    GraphQLError,
    Node,
    ValidationContext,
)
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)

from schema.hygiene import NoControlCharactersRule
from schema.shape import shape_rule


def _counting_rule(node_type: type, limit: int, what: str) -> type[ASTValidationRule]:
    """A validation rule that reports once when a document has more than ``limit`` nodes."""

    class CountingRule(ASTValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.count = 0

        def enter(self, node: Node, *_args: Any) -> None:
            if isinstance(node, node_type):
                self.count += 1
                if self.count == limit + 1:
                    self.report_error(GraphQLError(f"the query has more than {limit} {what}", node))

    CountingRule.__name__ = f"Max{what.title().replace(' ', '')}Rule"
    return CountingRule


def build_extensions(
    *,
    production: bool,
    max_depth: int,
    max_aliases: int,
    max_tokens: int,
    max_directives: int,
    max_fields: int,
) -> Sequence[type[SchemaExtension] | Callable[[], SchemaExtension]]:
    rules = [
        shape_rule(max_depth, max_aliases),
        NoControlCharactersRule,
        _counting_rule(DirectiveNode, max_directives, "directives"),
        _counting_rule(FieldNode, max_fields, "fields"),
    ]
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        ParserCache,
        lambda: MaxTokensLimiter(max_token_count=max_tokens),
        lambda: AddValidationRules(rules),
        ValidationCache,
    ]
    if production:
        extensions.append(DisableIntrospection)
    return extensions
