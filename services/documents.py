"""Documents: attach (upload a new document or version), download, and storage hygiene.

The order of an upload is what keeps storage and database in step: the bytes are received to a
temporary file (hashed, sized, sniffed); a PendingBlob row records the intent; the bytes go to the
blob store; then one transaction writes the version, removes the intent and audits. A failure
removes the blob unless something else uses it; a crash leaves the intent for ``sweep``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from uuid import UUID, uuid4

from obstore.exceptions import BaseError
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from models.audit import Outcome
from models.base import utcnow
from models.centres import Centre
from models.documents import (
    Document,
    DocumentKind,
    DocumentVersion,
    OwnerType,
    PendingBlob,
    storage_key,
)
from models.lifecycle import frozen_under_review
from models.vocabulary import term
from policies import scopes
from policies.enforcer import Access
from policies.vocabulary import Action, Resource
from services.actor import Actor
from services.annual_reports import attachable_report
from services.blobstore import BlobStore, storage_fault
from services.errors import BadInput, InvalidMove, NotAllowed, NotFound
from services.ids import global_id
from services.ip_register import editable_asset
from services.uploads import Received, receive

log = logging.getLogger("mic.documents")

# Weak values: a key's lock lives while an upload holds it, so the map does not grow per hash.
_local_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


@dataclass(frozen=True, slots=True)
class UploadLimits:
    max_bytes: int
    tmp_dir: Path


async def _lock_key(conn: BaseDBAsyncClient, key: str) -> None:
    """Serialise writers of one blob key across processes (PostgreSQL) for this transaction."""
    if conn.capabilities.dialect == "postgres":
        await conn.execute_query("SELECT pg_advisory_xact_lock(hashtext($1))", [key])


def _local_lock(key: str) -> asyncio.Lock:
    # Within one process (and for SQLite, which serves one process) an asyncio lock suffices.
    lock = _local_locks.get(key)
    if lock is None:
        lock = _local_locks[key] = asyncio.Lock()
    return lock


def _version_json(version: DocumentVersion) -> dict[str, object]:
    return {
        "id": global_id("DocumentVersion", version.id),
        "version": version.version,
        "fileName": version.file_name,
        "mediaType": version.media_type,
        "size": version.size,
        "sha256": version.sha256,
    }


def _clean_title(title: str) -> str:
    title = title.strip()
    if not title or len(title) > 200:
        raise BadInput("title must have 1 to 200 characters", field="title")
    return title


def clean_file_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not base or len(base) > 255 or any(ord(c) < 32 for c in base):
        raise BadInput(
            "fileName must be a plain file name of 1 to 255 characters", field="fileName"
        )
    return base


def _check_stage(access: Access, centre: Centre) -> None:
    # Provincial staff attach at any stage (inspection records, task agreements); the lead's
    # materials under review stay the ones submitted.
    if not access.everywhere and frozen_under_review(centre.status):
        raise InvalidMove(
            f"the centre is {term(centre.status)}: its materials change only while the application"
            " is a draft or returned, or once the centre is listed",
            currentStatus=term(centre.status),
        )


async def _attachable_centre(actor: Actor, centre_id: UUID) -> Centre:
    authz = await actor.require(Resource.CENTRE, Action.ATTACH)
    centre = await scopes.visible_centres(authz, Action.ATTACH).get_or_none(id=centre_id)
    if centre is not None:
        _check_stage(authz.access(Resource.CENTRE, Action.ATTACH), centre)
        return centre
    if await scopes.visible_centres(authz).filter(id=centre_id).exists():
        await actor.audit(
            "document.upload", Outcome.DENIED, object_type="centre", object_id=str(centre_id)
        )
        raise NotAllowed("only those who may edit this record may attach documents to it")
    raise NotFound("centre")


async def _attachable_document(actor: Actor, document_id: UUID) -> Document:
    authz = await actor.require(Resource.CENTRE, Action.ATTACH)
    document = await scopes.visible_documents(authz, Action.ATTACH).get_or_none(id=document_id)
    if document is not None:
        if document.owner_type is OwnerType.ANNUAL_REPORT:
            await attachable_report(actor, document.owner_id)  # while draft or returned
            return document
        if document.owner_type is OwnerType.IP_ASSET:
            await editable_asset(actor, document.owner_id, "attach")  # co-owners and the lead
            return document
        owner = await scopes.visible_centres(authz, Action.ATTACH).get(id=document.owner_id)
        _check_stage(authz.access(Resource.CENTRE, Action.ATTACH), owner)
        return document
    if await scopes.visible_documents(authz).filter(id=document_id).exists():
        await actor.audit(
            "document.upload", Outcome.DENIED, object_type="document", object_id=str(document_id)
        )
        raise NotAllowed("only those who may edit this record may add versions")
    raise NotFound("document")


async def discard(store: BlobStore, pending_id: UUID, key: str) -> None:
    """Remove an intent and its blob, unless a version or another upload uses the same bytes."""
    async with _local_lock(key), in_transaction() as conn:
        await _lock_key(conn, key)
        in_use = await DocumentVersion.filter(storage_key=key).using_db(conn).exists()
        others = (
            await PendingBlob.filter(storage_key=key).exclude(id=pending_id).using_db(conn).exists()
        )
        if not in_use and not others:
            await store.delete(key)
        await PendingBlob.filter(id=pending_id).using_db(conn).delete()


async def sweep(store: BlobStore, older_than: timedelta, tmp_dir: Path | None = None) -> int:
    """Clean up after uploads that crashed between storing bytes and committing the row, and
    (with ``tmp_dir``) spooled files a killed process never deleted; the blobs removed."""
    stale = await PendingBlob.filter(created_at__lt=utcnow() - older_than)
    for pending in stale:
        await discard(store, pending.id, pending.storage_key)
    if tmp_dir is not None:
        await asyncio.to_thread(_sweep_spooled, tmp_dir, older_than)
    return len(stale)


def _sweep_spooled(tmp_dir: Path, older_than: timedelta) -> None:
    cutoff = time.time() - older_than.total_seconds()
    for spooled in tmp_dir.glob("upload-*"):
        with contextlib.suppress(FileNotFoundError):
            if spooled.stat().st_mtime < cutoff:
                spooled.unlink()


async def _put(store: BlobStore, key: str, path: Path, *, unless_present: bool = False) -> None:
    """Put the spooled file in the store; a failed write (permission, space, an unreachable
    endpoint) becomes StorageUnavailable."""
    try:
        if unless_present and await store.exists(key):
            return
        await store.put_file(key, path)
    except (OSError, BaseError) as exc:  # permission, full disk, a dead endpoint (obstore)
        raise storage_fault(exc, "blobs") from exc


async def _commit_version(
    actor: Actor,
    store: BlobStore,
    *,
    received: Received,
    pending_id: UUID,
    key: str,
    file_name: str,
    document: Document | None,
    new: tuple[OwnerType, UUID, DocumentKind, str] | None,
) -> tuple[Document, DocumentVersion]:
    user = (await actor.caller()).user
    async with _local_lock(key), in_transaction() as conn:
        await _lock_key(conn, key)
        # a concurrent discard may have removed the same bytes: put them again
        await _put(store, key, received.path, unless_present=True)
        if document is None:
            assert new is not None
            owner_type, owner_id, kind, title = new
            document = await Document.create(
                owner_type=owner_type,
                owner_id=owner_id,
                kind=kind,
                title=title,
                created_by_id=user.id,
                using_db=conn,
            )
        else:
            document = (
                await Document.filter(id=document.id).using_db(conn).select_for_update().get()
            )
        version = await DocumentVersion.create(
            document_id=document.id,
            version=document.current_version + 1,
            file_name=file_name,
            media_type=received.media_type,
            size=received.size,
            sha256=received.sha256,
            storage_key=key,
            uploaded_by_id=user.id,
            using_db=conn,
        )
        document.current_version = version.version
        await document.save(update_fields=["current_version", "updated_at"], using_db=conn)
        await PendingBlob.filter(id=pending_id).using_db(conn).delete()
        await actor.audit(
            "document.upload",
            Outcome.SUCCESS,
            connection=conn,
            resource=Resource.CENTRE,
            decision=Action.ATTACH,
            object_type="document",
            object_id=str(document.id),
            after={
                "owner": f"{document.owner_type}:{document.owner_id}",
                "kind": str(document.kind),
                "title": document.title,
                **_version_json(version),
            },
        )
    return document, version


async def attach(
    actor: Actor,
    store: BlobStore,
    limits: UploadLimits,
    chunks: AsyncIterator[bytes],
    *,
    file_name: str,
    centre_id: UUID | None = None,
    kind: DocumentKind | None = None,
    title: str | None = None,
    document_id: UUID | None = None,
    annual_report_id: UUID | None = None,
    ip_asset_id: UUID | None = None,
) -> tuple[Document, DocumentVersion]:
    """Store a new document (of a centre or of an annual report, kind, title) or a new version
    of ``document_id``. A report's attachments: its lead, while the report is a draft or
    returned (R-ASM-2). An IP asset's (certificate, contract): its co-owners and the centre's
    lead (R-IP-1)."""
    file_name = clean_file_name(file_name)
    document: Document | None = None
    new: tuple[OwnerType, UUID, DocumentKind, str] | None = None
    if document_id is not None:
        document = await _attachable_document(actor, document_id)
    elif annual_report_id is not None and kind is not None and title is not None:
        report = await attachable_report(actor, annual_report_id)
        new = (OwnerType.ANNUAL_REPORT, report.id, kind, _clean_title(title))
    elif ip_asset_id is not None and kind is not None and title is not None:
        _, asset = await editable_asset(actor, ip_asset_id, "attach")
        new = (OwnerType.IP_ASSET, asset.id, kind, _clean_title(title))
    else:
        if centre_id is None or kind is None or title is None:
            raise BadInput("a new document needs centreId, kind and title")
        centre = await _attachable_centre(actor, centre_id)
        new = (OwnerType.CENTRE, centre.id, kind, _clean_title(title))
    received = await receive(chunks, limits.max_bytes, limits.tmp_dir)
    key = storage_key(received.sha256)
    pending = await PendingBlob.create(id=uuid4(), storage_key=key)
    try:
        await _put(store, key, received.path)
        return await _commit_version(
            actor,
            store,
            received=received,
            pending_id=pending.id,
            key=key,
            file_name=file_name,
            document=document,
            new=new,
        )
    except BaseException:
        try:
            await asyncio.shield(discard(store, pending.id, key))
        except Exception:  # the store (or database) is failing: the intent stays for ``sweep``
            log.warning("could not discard upload %s; left for the sweep", key, exc_info=True)
        raise
    finally:
        # Synchronous: a cancelled upload must not cancel its own clean-up.
        received.path.unlink(missing_ok=True)


async def _denied_download(actor: Actor, object_type: str, object_id: UUID) -> None:
    # Absent and outside scope look alike to the caller (404) but not to the audit log.
    await actor.audit(
        "document.download", Outcome.DENIED, object_type=object_type, object_id=str(object_id)
    )


async def readable_version(actor: Actor, version_id: UUID) -> tuple[Document, DocumentVersion]:
    authz = await actor.authz()
    version = await scopes.visible_document_versions(authz).get_or_none(id=version_id)
    if version is None:
        await _denied_download(actor, "document_version", version_id)
        raise NotFound("document version")
    document = await scopes.visible_documents(authz).get(id=version.document_id)
    return document, version


async def readable_current(actor: Actor, document_id: UUID) -> tuple[Document, DocumentVersion]:
    authz = await actor.authz()
    document = await scopes.visible_documents(authz).get_or_none(id=document_id)
    if document is None or document.current_version == 0:
        await _denied_download(actor, "document", document_id)
        raise NotFound("document")
    version = await scopes.visible_document_versions(authz).get(
        document_id=document.id, version=document.current_version
    )
    return document, version


def version_json(version: DocumentVersion) -> dict[str, object]:
    """A version as the routes and the audit log show it: id, version, fileName, mediaType,
    size (bytes), sha256."""
    return _version_json(version)


async def record_download(actor: Actor, version: DocumentVersion) -> None:
    """Every download is audited (R-ACC-6), with the hash of the bytes handed out."""
    await actor.audit(
        "document.download",
        Outcome.SUCCESS,
        object_type="document_version",
        object_id=str(version.id),
        after={"sha256": version.sha256},
    )
