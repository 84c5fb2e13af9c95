"""The blob store behind documents: one interface, two real backends through obstore.

``file:PATH`` keeps blobs on the local file system (the embedded default); ``s3://BUCKET`` uses
S3-compatible object storage. Everything above this module is the same for both.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Protocol

import obstore
from obstore.exceptions import BaseError
from obstore.store import LocalStore, ObjectStore, S3Store

from services.errors import StorageUnavailable

CHUNK = 256 * 1024
PROBE_TIMEOUT_S = 3.0  # a readiness probe of the store that takes longer counts as a failure
_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
_FULL_TEXT = ("no space left", "os error 28", "quota exceeded", "os error 122", "file too large")

log = logging.getLogger("mic.storage")


def storage_fault(exc: BaseException, storage: str) -> StorageUnavailable:
    """The domain exception for a failed write to ``storage`` (``blobs`` or ``spool``), logged
    with its cause: ``reason`` is ``full`` (no space or quota left) or ``unwritable``."""
    code = getattr(exc, "errno", None)
    full = code in _FULL or any(text in str(exc).lower() for text in _FULL_TEXT)
    reason = "full" if full else "unwritable"
    log.error("document storage (%s) failed: %s: %s", storage, reason, exc, exc_info=exc)
    what = "the document storage is full" if full else "the document storage cannot be written"
    return StorageUnavailable(
        f"{what}; nothing was saved, try again later", storage=storage, reason=reason
    )


class StorageSettings(Protocol):
    """The storage part of the service's settings (MIC_STORAGE_*)."""

    storage_url: str
    storage_s3_region: str
    storage_s3_endpoint: str | None
    storage_s3_access_key_id: str | None
    storage_s3_secret_access_key: str | None
    storage_s3_allow_http: bool


class BlobStore:
    def __init__(self, store: ObjectStore, description: str) -> None:
        self._store, self.description = store, description

    async def put_file(self, key: str, path: Path) -> None:
        """Store the file under ``key``; StorageUnavailable when the store refuses or fails."""
        # obstore streams the file itself (multipart for large objects): never all in memory.
        try:
            await obstore.put_async(self._store, key, path)
        except (OSError, BaseError) as exc:
            raise storage_fault(exc, "blobs") from exc

    async def check_writable(self) -> None:
        """Write and remove a small probe object; raises what the store raises."""
        key = f"_probe/ready-{os.getpid()}"
        await obstore.put_async(self._store, key, b"ready")
        await self.delete(key)

    async def exists(self, key: str) -> bool:
        try:
            await obstore.head_async(self._store, key)
        except FileNotFoundError:
            return False
        return True

    async def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            await obstore.delete_async(self._store, key)

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        result = await obstore.get_async(self._store, key)
        async for chunk in result.stream(min_chunk_size=CHUNK):
            yield bytes(chunk)


def open_blob_store(settings: StorageSettings) -> BlobStore:
    """The store MIC_STORAGE_URL names (``file:PATH`` or ``s3://BUCKET``); ValueError otherwise."""
    url = settings.storage_url
    if url.startswith("file:"):
        root = Path(url.removeprefix("file:").removeprefix("//")).resolve()
        root.mkdir(parents=True, exist_ok=True)
        return BlobStore(LocalStore(str(root), mkdir=True), f"file:{root}")
    if url.startswith("s3://"):
        bucket = url.removeprefix("s3://").strip("/")
        if not bucket or "/" in bucket:
            raise ValueError("MIC_STORAGE_URL must be s3://BUCKET")
        store = S3Store(
            bucket,
            region=settings.storage_s3_region,
            endpoint=settings.storage_s3_endpoint,
            access_key_id=settings.storage_s3_access_key_id,
            secret_access_key=settings.storage_s3_secret_access_key,
            client_options={"allow_http": settings.storage_s3_allow_http},
        )
        return BlobStore(store, f"s3://{bucket}")
    raise ValueError(f"MIC_STORAGE_URL must start with file: or s3://, got {url!r}")


def _check_spool(spool_dir: Path) -> None:
    with tempfile.NamedTemporaryFile(prefix="probe-", dir=spool_dir) as probe:
        probe.write(b"ready")
        probe.flush()


async def storage_problem(store: BlobStore, spool_dir: Path) -> str | None:
    """What keeps document storage from taking an upload now (for ``/readyz``): ``spool`` or
    ``blobs``, or None. Each must accept a small write within PROBE_TIMEOUT_S."""
    checks: dict[str, Callable[[], Awaitable[None]]] = {
        "spool": lambda: asyncio.to_thread(_check_spool, spool_dir),
        "blobs": store.check_writable,
    }
    for name, check in checks.items():
        try:
            await asyncio.wait_for(check(), PROBE_TIMEOUT_S)
        except Exception as exc:  # any failure means "cannot take uploads"
            log.warning("storage readiness (%s) failed: %s", name, exc, exc_info=exc)
            return name
    return None
