"""graphql-core's executor, taught to take a compiled field's answer as it is."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLOutputType, GraphQLResolveInfo
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.compiled.connection import Precompiled


class MicExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Completes a ``Precompiled`` answer without walking it: its dicts and lists were built
    for exactly this selection (schema/compiled/connection.py)."""

    def complete_value(  # noqa: PLR0917 - graphql-core's own signature
        self,
        return_type: GraphQLOutputType,
        field_details_list: Any,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if type(result) is Precompiled:
            return result.value
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )
