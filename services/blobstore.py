"""The blob store behind documents: one interface, two real backends through obstore.

``file:PATH`` keeps blobs on the local file system (the embedded default); ``s3://BUCKET`` uses
S3-compatible object storage. Everything above this module is the same for both.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

import obstore
from obstore.store import LocalStore, ObjectStore, S3Store

CHUNK = 256 * 1024


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
        # obstore streams the file itself (multipart for large objects): never all in memory.
        await obstore.put_async(self._store, key, path)

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
