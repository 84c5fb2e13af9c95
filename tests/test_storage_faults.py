"""Storage faults: a store or spool that cannot take the bytes is a JSON 503, never a bare 500.

Tests run as root, where a read-only folder still takes writes; the faults are made instead: a
blob store whose writes fail as a read-only folder or a full disk would, obstore itself failing,
a spool path that is a regular file, and a spool file whose writes hit a full disk. Every case
must answer with a stable code and the request id, and leave no row, no blob and no spooled file.
"""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, BinaryIO

import httpx
import pytest
from obstore.exceptions import GenericError

from api.app import create_app
from api.settings import Settings
from models.accounts import RoleName
from models.centres import Centre
from models.documents import Document, DocumentVersion, PendingBlob, storage_key
from services import blobstore, uploads
from services.blobstore import BlobStore, open_blob_store
from tests.helpers import World

PDF = b"%PDF-1.7\n" + os.urandom(20_000) + b"\n%%EOF\n"
REQUEST_ID = "storage-fault-0001"


class FailingStore(BlobStore):
    """The real store, except that writes (and the readiness probe) raise ``error``."""

    def __init__(self, real: BlobStore, error: BaseException) -> None:
        super().__init__(real._store, f"failing {real.description}")
        self.error = error

    async def put_file(self, key: str, path: Path) -> None:
        raise self.error

    async def check_writable(self) -> None:
        raise self.error


@pytest.fixture
def real_store(settings: Settings) -> BlobStore:
    return open_blob_store(settings)


@pytest.fixture
def spool(settings: Settings) -> Path:
    return Path(settings.upload_tmp_dir)


@pytest.fixture
async def uploader(world: World) -> tuple[Centre, str]:
    lead_org = await world.organisation("450200")
    centre = await world.centre(lead_org)
    lead = await world.user(RoleName.ENTERPRISE, organisation=lead_org)
    return centre, world.token(lead)


def _client(settings: Settings) -> httpx.AsyncClient:
    app = create_app(settings, manage_db=False)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://mic.test")


@pytest.fixture
def http_with(
    settings: Settings, database: None, monkeypatch: pytest.MonkeyPatch
) -> Callable[[BlobStore | None], httpx.AsyncClient]:
    """A client of the service whose blob store is ``store`` (the configured one if None)."""

    def make(store: BlobStore | None) -> httpx.AsyncClient:
        if store is not None:
            monkeypatch.setattr("api.app.open_blob_store", lambda _settings: store)
        return _client(settings)

    return make


async def _upload(http: httpx.AsyncClient, centre: Centre, token: str) -> httpx.Response:
    return await http.post(
        "/documents",
        content=PDF,
        headers={"authorization": f"Bearer {token}", "x-request-id": REQUEST_ID},
        params={"centreId": str(centre.id), "kind": "CONSTRUCTION_PLAN", "title": "建设方案"}
        | {"fileName": "plan.pdf"},
    )


def _spooled(spool: Path) -> list[Path]:
    return list(spool.glob("upload-*")) if spool.is_dir() else []


async def _assert_refused(
    response: httpx.Response, store: BlobStore, spool: Path, storage: str, reason: str
) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["x-request-id"] == REQUEST_ID
    assert response.headers["retry-after"]
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAVAILABLE"
    assert error["extensions"]["requestId"] == REQUEST_ID
    assert (error["extensions"]["storage"], error["extensions"]["reason"]) == (storage, reason)
    # nothing was committed, nothing is left behind
    assert await Document.all().count() == 0
    assert await DocumentVersion.all().count() == 0
    assert await PendingBlob.all().count() == 0
    assert not await store.exists(storage_key(hashlib.sha256(PDF).hexdigest()))
    assert not _spooled(spool)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), "unwritable"),  # read-only folder
        (OSError(errno.EROFS, "Read-only file system"), "unwritable"),
        (OSError(errno.ENOSPC, "No space left on device"), "full"),
        (
            GenericError("Generic LocalFileSystem error: No space left on device (os error 28)"),
            "full",
        ),
    ],
)
async def test_storage_a_blob_store_that_cannot_write_is_503_and_leaves_nothing(
    http_with: Callable[[BlobStore | None], httpx.AsyncClient],
    real_store: BlobStore,
    spool: Path,
    uploader: tuple[Centre, str],
    error: BaseException,
    reason: str,
) -> None:
    # given a blob store whose writes fail
    centre, token = uploader
    async with http_with(FailingStore(real_store, error)) as http:
        # when a document is uploaded
        response = await _upload(http, centre, token)
    # then the answer is a JSON 503 with a stable code and the request id, and nothing remains
    await _assert_refused(response, real_store, spool, "blobs", reason)


async def test_storage_obstore_failing_inside_the_real_store_is_503(
    http_with: Callable[[BlobStore | None], httpx.AsyncClient],
    real_store: BlobStore,
    spool: Path,
    uploader: tuple[Centre, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given the configured store, whose obstore call fails as a full disk does
    async def full(*_args: Any, **_kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(blobstore.obstore, "put_async", full)
    centre, token = uploader
    async with http_with(None) as http:
        response = await _upload(http, centre, token)
    await _assert_refused(response, real_store, spool, "blobs", "full")


async def test_storage_a_spool_that_is_not_a_folder_is_503(
    settings: Settings,
    database: None,
    real_store: BlobStore,
    uploader: tuple[Centre, str],
    tmp_path: Path,
) -> None:
    # given a service whose upload spool became a regular file (nothing can be created in it)
    spool = tmp_path / "spool"
    async with _client(settings.model_copy(update={"upload_tmp_dir": str(spool)})) as http:
        spool.rmdir()
        spool.write_bytes(b"")
        centre, token = uploader
        response = await _upload(http, centre, token)
    await _assert_refused(response, real_store, spool, "spool", "unwritable")


class _FullFile:
    """A spooled file on a disk that fills up after the first write."""

    def __init__(self, real: BinaryIO) -> None:
        self.real, self.writes = real, 0

    def write(self, data: bytes) -> int:
        self.writes += 1
        if self.writes > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return self.real.write(data)

    def flush(self) -> None:
        self.real.flush()

    def __enter__(self) -> _FullFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.real.close()


async def test_storage_a_full_spool_is_503_and_the_spooled_file_is_removed(
    http_with: Callable[[BlobStore | None], httpx.AsyncClient],
    real_store: BlobStore,
    spool: Path,
    uploader: tuple[Centre, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a spool whose disk fills up while the upload is written
    real_fdopen = os.fdopen
    monkeypatch.setattr(
        uploads.os, "fdopen", lambda fd, mode="r", *a, **k: _FullFile(real_fdopen(fd, mode))
    )
    centre, token = uploader

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(PDF), 4096):
            yield PDF[start : start + 4096]

    async with http_with(None) as http:
        response = await http.post(
            "/documents",
            content=chunks(),
            headers={"authorization": f"Bearer {token}", "x-request-id": REQUEST_ID},
            params={"centreId": str(centre.id), "kind": "CONSTRUCTION_PLAN", "title": "方案"}
            | {"fileName": "plan.pdf"},
        )
    monkeypatch.undo()
    await _assert_refused(response, real_store, spool, "spool", "full")


async def test_storage_readiness_reflects_a_store_that_cannot_be_written(
    http_with: Callable[[BlobStore | None], httpx.AsyncClient], real_store: BlobStore
) -> None:
    # given a working store, the service is ready
    async with http_with(None) as http:
        ok = await http.get("/readyz")
    assert (ok.status_code, ok.json()) == (200, {"status": "ok"})
    # when the store refuses writes, it is not
    failing = FailingStore(real_store, PermissionError(errno.EACCES, "Permission denied"))
    async with http_with(failing) as http:
        refused = await http.get("/readyz")
    assert refused.status_code == 503
    assert refused.json() == {"status": "unavailable", "storage": "blobs"}
    assert refused.headers["retry-after"]


async def test_storage_readiness_reflects_a_spool_that_cannot_be_written(
    settings: Settings, database: None, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    async with _client(settings.model_copy(update={"upload_tmp_dir": str(spool)})) as http:
        assert (await http.get("/readyz")).status_code == 200
        spool.rmdir()
        spool.write_bytes(b"")
        refused = await http.get("/readyz")
    assert refused.status_code == 503
    assert refused.json() == {"status": "unavailable", "storage": "spool"}


async def test_storage_an_unmapped_fault_is_a_json_500_with_the_request_id(
    http_with: Callable[[BlobStore | None], httpx.AsyncClient],
    real_store: BlobStore,
    uploader: tuple[Centre, str],
) -> None:
    # given a store with a bug (not an I/O fault): nothing maps it, the service still answers JSON
    centre, token = uploader
    async with http_with(FailingStore(real_store, RuntimeError("a bug"))) as http:
        response = await _upload(http, centre, token)
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["x-request-id"] == REQUEST_ID
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "INTERNAL", "requestId": REQUEST_ID}
    assert await Document.all().count() == 0 and await PendingBlob.all().count() == 0
