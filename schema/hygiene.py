"""Control characters are refused at the edge of the API, before anything runs.

Inline string literals are checked by a validation rule; variable values (JSON) by
``refused_variables`` before execution. Tabs and line breaks stay allowed (long texts).
"""

from __future__ import annotations

from typing import Any

from graphql import ASTValidationRule, GraphQLError, StringValueNode

from services.text import control_characters, strings_in


class NoControlCharactersRule(ASTValidationRule):
    """Refuse a string literal holding a control character or a lone surrogate."""

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> None:
        found = control_characters(node.value)
        if found:
            self.report_error(
                GraphQLError(
                    f"a string holds control characters ({', '.join(sorted(set(found)))})",
                    node,
                    extensions={"code": "BAD_USER_INPUT"},
                )
            )


def refused_variables(variables: dict[str, Any] | None) -> GraphQLError | None:
    """The error for variable values holding control characters, or None when clean."""
    for value in strings_in(variables or {}):
        found = control_characters(value)
        if found:
            return GraphQLError(
                f"a variable holds control characters ({', '.join(sorted(set(found)))})",
                extensions={"code": "BAD_USER_INPUT"},
            )
    return None
