"""The schema: every domain's queries and mutations merged into one Query and one Mutation."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from schema.accounts.mutations import AccountMutations
from schema.accounts.queries import AccountQueries
from schema.annual_reports.operations import AnnualReportMutations, AnnualReportQueries
from schema.applications.alliance import AllianceMutations
from schema.applications.mutations import ApplicationMutations
from schema.assessments.operations import AssessmentMutations, AssessmentQueries
from schema.audit.queries import AuditQueries
from schema.calendar.queries import CalendarQueries
from schema.calls.operations import CallMutations, CallQueries
from schema.centres.queries import CentreQueries
from schema.compiled.executor import MicExecutionContext
from schema.cultivation.operations import CultivationMutations, CultivationQueries
from schema.error_codes import ErrorCode
from schema.errors import is_expected, log
from schema.funding.operations import FundingMutations, FundingQueries
from schema.funding.totals import FundingTotalsQueries
from schema.hygiene import refused_variables
from schema.ip.operations import IpMutations, IpQueries
from schema.ip.totals import IpTotalsQueries
from schema.nodes import NodeQueries
from schema.reference.mutations import ReferenceMutations
from schema.reference.queries import ReferenceQueries
from schema.reviews.mutations import ReviewMutations
from schema.reviews.queries import ReviewQueries
from schema.scalars import DecimalScalar
from schema.statistics.queries import StatisticsQueries

Query = merge_types(
    "Query",
    (
        AccountQueries,
        CentreQueries,
        ReferenceQueries,
        AuditQueries,
        CallQueries,
        CultivationQueries,
        ReviewQueries,
        CalendarQueries,
        AnnualReportQueries,
        AssessmentQueries,
        FundingQueries,
        FundingTotalsQueries,
        IpQueries,
        IpTotalsQueries,
        StatisticsQueries,
        NodeQueries,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        AccountMutations,
        ReferenceMutations,
        CallMutations,
        ApplicationMutations,
        AllianceMutations,
        ReviewMutations,
        CultivationMutations,
        AnnualReportMutations,
        AssessmentMutations,
        FundingMutations,
        IpMutations,
    ),
)


class MicSchema(strawberry.Schema):
    async def execute(  # noqa: PLR0917 - strawberry's own signature
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        # Control characters in variables are refused before parsing (schema/hygiene.py).
        refused = refused_variables(variable_values) or refused_variables(
            {"operationName": operation_name}
        )
        if refused is not None:
            return ExecutionResult(data=None, errors=[refused])
        return await super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed_operation_types,
            operation_extensions,
        )

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # A refusal we raised on purpose is the client's answer, not a fault: no traceback.
        # Anything else is logged once, with the request id, where shape_error masks it.
        for error in errors:
            if is_expected(error):
                log.debug("refused: %s", error.message)


def build_schema(
    extensions: Sequence[type[SchemaExtension] | Callable[[], SchemaExtension]] = (),
    *,
    production: bool = False,
) -> strawberry.Schema:
    return MicSchema(
        query=Query,
        mutation=Mutation,
        extensions=list(extensions),
        # No field returns ErrorCode: it is in the schema so that clients generate the codes of
        # errors' extensions.code from the SDL (issue 16).
        types=[ErrorCode],
        config=StrawberryConfig(
            disable_field_suggestions=production, scalar_map={Decimal: DecimalScalar}
        ),
        execution_context_class=MicExecutionContext,
    )


def sdl() -> str:
    """The SDL committed as schema/schema.graphql (independent of settings)."""
    return build_schema().as_str() + "\n"
