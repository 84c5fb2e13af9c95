"""Documents attached to records, their versions, and the intent log that keeps storage clean.

A document belongs to an owning record (today a centre's application; later an annual report, a
review, an assessment or an IP asset) and has numbered versions; a new version never replaces an
old one. Bytes live in a blob store under content-addressed keys; a ``PendingBlob`` row is written
before the bytes and removed in the transaction that commits the version, so a crash in between
leaves a trace that ``sweep`` cleans up.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from uuid import UUID

from tortoise import fields
from tortoise.models import Model

from models.accounts import User
from models.base import Entity


class DocumentKind(StrEnum):
    CONSTRUCTION_PLAN = "construction_plan"
    BUSINESS_LICENCE = "business_licence"
    FINANCIAL_STATEMENT = "financial_statement"
    TASK_AGREEMENT = "task_agreement"
    INSPECTION_RECORD = "inspection_record"
    OTHER = "other"


class OwnerType(StrEnum):
    # The records documents can be attached to.
    CENTRE = "centre"
    ANNUAL_REPORT = "annual_report"  # R-ASM-2: a report's attachments
    IP_ASSET = "ip_asset"  # R-IP-1: an asset's certificate, contracts


class Document(Entity):
    owner_type = fields.CharEnumField(OwnerType, max_length=32)
    owner_id = fields.UUIDField(db_index=True)
    kind = fields.CharEnumField(DocumentKind, max_length=32)
    title = fields.CharField(max_length=200)
    current_version = fields.IntField(default=0)
    created_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="documents", on_delete=fields.RESTRICT
    )
    created_by_id: UUID
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "document"
        ordering = ["kind", "title", "id"]


class DocumentVersion(Entity):
    document: fields.ForeignKeyRelation[Document] = fields.ForeignKeyField(
        "models.Document", related_name="versions", on_delete=fields.RESTRICT
    )
    document_id: UUID
    version = fields.IntField()
    file_name = fields.CharField(max_length=255)
    media_type = fields.CharField(max_length=128)
    size = fields.BigIntField()
    sha256 = fields.CharField(max_length=64, db_index=True)
    storage_key = fields.CharField(max_length=200, db_index=True)
    uploaded_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="uploads", on_delete=fields.RESTRICT
    )
    uploaded_by_id: UUID

    class Meta:
        table = "document_version"
        ordering = ["document_id", "version"]
        unique_together = (("document_id", "version"),)


class PendingBlob(Model):
    # Written before bytes go to the store; deleted when the version row commits.
    id = fields.UUIDField(primary_key=True)
    storage_key = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "pending_blob"


def storage_key(sha256: str) -> str:
    """Content-addressed key: the same bytes are stored once, whoever uploads them."""
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def missing_kinds(
    required: Iterable[DocumentKind], present: Iterable[DocumentKind]
) -> list[DocumentKind]:
    """Required kinds of document with no current version among ``present`` (used at submission)."""
    have = set(present)
    return [kind for kind in dict.fromkeys(required) if kind not in have]


async def missing_for(
    owner_type: OwnerType, owner_id: UUID, required: Iterable[DocumentKind]
) -> list[DocumentKind]:
    """Required kinds the record has no current document of (the check made at submission)."""
    present = await Document.filter(
        owner_type=owner_type, owner_id=owner_id, current_version__gt=0
    ).values_list("kind", flat=True)
    return missing_kinds(required, (DocumentKind(str(k)) for k in present))
