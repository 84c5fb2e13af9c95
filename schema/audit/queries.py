"""Reading the audit log (provincial administrators), filtered and paginated."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from models import audit as m
from policies import scopes
from policies.vocabulary import Action, Resource
from schema.context import Info
from schema.convert import FromRow
from schema.enums import value_of
from schema.ids import parse_id
from schema.node import Node
from schema.pagination import Connection, paginate
from services.ids import global_id


@strawberry.enum(description="How an audited action ended / 结果")
class AuditOutcome(Enum):
    SUCCESS = strawberry.enum_value("success", description="Done / 成功")
    FAILURE = strawberry.enum_value("failure", description="Failed / 失败")
    DENIED = strawberry.enum_value("denied", description="Refused by authorization / 拒绝")


@strawberry.type(description="One entry of the hash-chained audit log / 审计记录")
class AuditEntry(Node, FromRow[m.AuditEntry]):
    id: strawberry.ID
    seq: int
    at: datetime
    actor_id: strawberry.ID | None
    actor: str
    role: str
    tenant: str
    action: str
    object_type: str
    object_id: str
    before: JSON | None
    after: JSON | None
    outcome: AuditOutcome
    request_id: str
    client_addr: str
    hash: str
    prev_hash: str


def entry_of(row: m.AuditEntry) -> AuditEntry:
    """An entry as GraphQL; the actor's id is a User global id like everywhere else."""
    actor = None if row.actor_id is None else strawberry.ID(global_id("User", row.actor_id))
    return AuditEntry.of(row, actor_id=actor)


@strawberry.input(description="Narrow the audit log / 筛选")
class AuditFilter:
    action: str | None = None
    actor_id: strawberry.ID | None = None
    object_type: str | None = None
    object_id: str | None = None
    outcome: AuditOutcome | None = None
    since: datetime | None = None
    until: datetime | None = None


@strawberry.type
class AuditQueries:
    @strawberry.field(description="The audit log, newest first / 审计日志")
    async def audit_log(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: AuditFilter | None = None,
    ) -> Connection[AuditEntry]:
        authz = await info.context.require(Resource.AUDIT_LOG, Action.READ)
        queryset = scopes.visible_audit_entries(authz)
        if filter is not None:
            if filter.action:
                queryset = queryset.filter(action=filter.action)
            if filter.actor_id:
                queryset = queryset.filter(actor_id=parse_id(filter.actor_id, "user"))
            if filter.object_type:
                queryset = queryset.filter(object_type=filter.object_type)
            if filter.object_id:
                queryset = queryset.filter(object_id=filter.object_id)
            if filter.outcome:
                queryset = queryset.filter(outcome=m.Outcome(value_of(filter.outcome)))
            if filter.since:
                queryset = queryset.filter(at__gte=filter.since)
            if filter.until:
                queryset = queryset.filter(at__lt=filter.until)
        return await paginate(
            queryset,
            first=first,
            after=after,
            max_page_size=info.context.max_page_size,
            order_by=("-seq",),
            to_node=entry_of,
        )
