"""Documents and their versions as GraphQL types (bytes move over /documents, not GraphQL)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from uuid import UUID

import strawberry

from models import documents as m
from schema.context import Info
from schema.convert import FromRow
from schema.node import Node


@strawberry.enum(description="Kind of document / 材料类型")
class DocumentKind(Enum):
    CONSTRUCTION_PLAN = strawberry.enum_value(
        "construction_plan", description="Construction plan / 建设方案"
    )
    BUSINESS_LICENCE = strawberry.enum_value(
        "business_licence", description="Business licence / 营业执照"
    )
    FINANCIAL_STATEMENT = strawberry.enum_value(
        "financial_statement", description="Financial statement / 财务报表"
    )
    TASK_AGREEMENT = strawberry.enum_value("task_agreement", description="Task agreement / 任务书")
    INSPECTION_RECORD = strawberry.enum_value(
        "inspection_record", description="Inspection record / 检查记录"
    )
    OTHER = strawberry.enum_value("other", description="Other / 其他")


@strawberry.type(description="One stored version of a document / 材料版本")
class DocumentVersion(Node, FromRow[m.DocumentVersion]):
    id: strawberry.ID
    version: int
    file_name: str
    media_type: str = strawberry.field(description="Read from the content / 按内容识别")
    size: int = strawberry.field(description="Bytes / 字节")
    sha256: str
    created_at: datetime
    uploaded_by_id: strawberry.Private[UUID]

    @strawberry.field(description="Who uploaded it / 上传人")
    async def uploaded_by(self, info: Info) -> str:
        user = await (await info.context.loaders()).uploader.load(self.uploaded_by_id)
        return user.display_name if user else ""

    @strawberry.field(description="GET with the bearer token to download / 下载地址")
    def download_path(self) -> str:
        return f"/documents/versions/{self.id}/content"


@strawberry.type(description="A document attached to a record, with all its versions / 材料")
class Document(Node, FromRow[m.Document]):
    id: strawberry.ID
    kind: DocumentKind
    title: str
    current_version: int
    created_at: datetime
    updated_at: datetime

    @strawberry.field(description="Every version, oldest first / 全部版本")
    async def versions(self, info: Info) -> list[DocumentVersion]:
        rows = await (await info.context.loaders()).versions_by_document.load(self.pk())
        return [DocumentVersion.of(r) for r in rows]

    @strawberry.field(description="The current version / 当前版本")
    async def current(self, info: Info) -> DocumentVersion | None:
        rows = await (await info.context.loaders()).versions_by_document.load(self.pk())
        return next(
            (DocumentVersion.of(r) for r in rows if r.version == self.current_version), None
        )
