"""Global object identification: ``node(id:)`` and ``nodes(ids:)`` through the typed scopes.

Each Node type is read from the same scope in ``policies/scopes/`` as its typed look-up
(``centre(id:)`` and ``node(id:)`` can never disagree). An id that is malformed, of an unknown
type, absent or outside the caller's scope gives null with NOT_FOUND and nothing else (R-ACC-5).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import strawberry
from tortoise.queryset import QuerySet

from models.base import utcnow
from models.reference import City as CityRow
from models.reference import Industry as IndustryRow
from policies import scopes
from policies.enforcer import Authorizer
from schema.accounts.types import RoleBinding, User
from schema.annual_reports.types import AnnualReport
from schema.assessments.types import Assessment
from schema.audit.queries import entry_of
from schema.calls.types import Call
from schema.centres.types import AllianceMember, Centre
from schema.context import Info
from schema.cultivation.types import Indicator, Inspection, TaskAgreement
from schema.documents.types import Document, DocumentVersion
from schema.errors import BadInput
from schema.funding.types import LedgerEntry, NationalSupportPlan, SubsidyDecision
from schema.ip.types import IpAsset, IpTransfer
from schema.node import Node
from schema.reference.types import City, Industry, Organisation
from schema.reviews.types import Review
from services.errors import NotFound
from services.ids import split_global_id


@dataclass(frozen=True, slots=True)
class NodeSource:
    """Where records of one Node type are read from, and how one becomes GraphQL."""

    scope: Callable[[Authorizer], QuerySet[Any]]
    to_node: Callable[[Any], Node]


SOURCES: dict[str, NodeSource] = {
    "Centre": NodeSource(scopes.visible_centres, Centre.of),
    "AllianceMember": NodeSource(scopes.visible_alliance_members, AllianceMember.of),
    "Organisation": NodeSource(scopes.visible_organisations, Organisation.of),
    # Cities and industries are public reference data for every signed-in caller.
    "City": NodeSource(lambda _authz: CityRow.all(), City.of),
    "Industry": NodeSource(lambda _authz: IndustryRow.all(), Industry.of),
    "Call": NodeSource(scopes.visible_calls, lambda row: Call.of(row, utcnow())),
    "Review": NodeSource(scopes.visible_reviews, Review.of),
    "TaskAgreement": NodeSource(scopes.visible_cultivation, TaskAgreement.of),
    "Indicator": NodeSource(scopes.visible_indicators, Indicator.of),
    "Inspection": NodeSource(scopes.visible_inspections, Inspection.of),
    "Document": NodeSource(scopes.visible_documents, Document.of),
    "DocumentVersion": NodeSource(scopes.visible_document_versions, DocumentVersion.of),
    "User": NodeSource(scopes.visible_users, User.of),
    "RoleBinding": NodeSource(scopes.visible_role_bindings, RoleBinding.of),
    "AuditEntry": NodeSource(scopes.visible_audit_entries, entry_of),
    "AnnualReport": NodeSource(scopes.visible_annual_reports, AnnualReport.of),
    "Assessment": NodeSource(scopes.visible_assessments, Assessment.of),
    "SubsidyDecision": NodeSource(scopes.visible_subsidy_decisions, SubsidyDecision.of),
    "LedgerEntry": NodeSource(scopes.visible_ledger, LedgerEntry.of),
    "NationalSupportPlan": NodeSource(scopes.visible_support_plans, NationalSupportPlan.of),
    "IpAsset": NodeSource(scopes.visible_ip_assets, IpAsset.of),
    "IpTransfer": NodeSource(scopes.visible_ip_transfers, IpTransfer.of),
}


async def _load(authz: Authorizer, ids: list[strawberry.ID]) -> list[Node | NotFound]:
    """Each id's record, or NotFound in its place; one statement per type asked for."""
    wanted: dict[str, list[UUID]] = defaultdict(list)
    for value in ids:
        parsed = split_global_id(value)
        if parsed is not None and parsed[0] in SOURCES:
            wanted[parsed[0]].append(parsed[1])
    found: dict[tuple[str, UUID], Node] = {}
    for type_name, pks in wanted.items():
        source = SOURCES[type_name]
        for row in await source.scope(authz).filter(id__in=list(dict.fromkeys(pks))):
            found[(type_name, row.pk)] = source.to_node(row)
    answers: list[Node | NotFound] = []
    for value in ids:
        parsed = split_global_id(value)
        node = None if parsed is None else found.get(parsed)
        answers.append(NotFound("node") if node is None else node)
    return answers


@strawberry.type
class NodeQueries:
    @strawberry.field(
        description=(
            "Any record by its global id, read through the same scope as its typed look-up; "
            "outside scope, absent or malformed: null with NOT_FOUND / 按全局标识读取"
        )
    )
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        authz = await info.context.authz()
        (answer,) = await _load(authz, [id])
        if isinstance(answer, NotFound):
            raise answer
        return answer

    @strawberry.field(
        description=(
            "Records by global id, in the order asked (at most the page size); each one outside "
            "scope, absent or malformed is null with its own NOT_FOUND / 按全局标识批量读取"
        )
    )
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > info.context.max_page_size:
            raise BadInput(f"ask for at most {info.context.max_page_size} ids", argument="ids")
        authz = await info.context.authz()
        # graphql-core raises an Exception found in a list as that item's error (null, located).
        return await _load(authz, list(ids))  # type: ignore[return-value]
