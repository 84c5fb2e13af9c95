"""Calls for applications (申报通知) as GraphQL types."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models import calls as m
from schema.convert import convert
from schema.documents.types import DocumentKind
from schema.node import Node


@strawberry.type(description="A call for applications / 申报通知")
class Call(Node):
    id: strawberry.ID
    year: int
    title: str
    opens_at: datetime
    closes_at: datetime
    industries: list[str] = strawberry.field(description="Industry codes; empty = all / 产业")
    conditions: str = strawberry.field(description="Application conditions / 申报条件")
    required_documents: list[DocumentKind] = strawberry.field(
        description="Required materials / 必备材料"
    )
    support_policy: str = strawberry.field(description="Support policy / 支持政策")
    published_at: datetime | None
    is_open: bool = strawberry.field(description="Accepting applications now / 正在受理")

    @classmethod
    def of(cls, row: m.Call, now: datetime) -> Call:
        """The call as GraphQL, open or not at `now`."""
        return convert(cls, row, is_open=row.is_open(now))
