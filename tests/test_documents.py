"""Documents: stored safely, versioned, as tenant-safe as the records that own them.

Every test runs on both blob backends: the local file system and S3 (moto's server on loopback).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import socket
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from models.accounts import RoleName, User
from models.audit import AuditEntry
from models.centres import Centre, CentreStatus
from models.documents import (
    Document,
    DocumentKind,
    DocumentVersion,
    PendingBlob,
    missing_kinds,
    storage_key,
)
from models.reference import Organisation, OrganisationKind
from services import documents as service
from services.blobstore import BlobStore, open_blob_store
from tests.helpers import World, error_codes, gid

PDF = b"%PDF-1.7\n" + os.urandom(20_000) + b"\n%%EOF\n"
UUID_TEXT = "0b3c5f0e-0000-4000-8000-000000000000"
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(5_000)
EXE = b"MZ\x90\x00" + os.urandom(3_000)
HTML = b"<html><script>alert(1)</script></html>"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3-compatible server, on loopback only, for the whole run."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{endpoint}/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        httpx.put(f"{endpoint}/mic-documents", timeout=5).raise_for_status()
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session", params=["local", "s3"])
def backend(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    if request.param == "local":
        return settings
    endpoint = request.getfixturevalue("s3_endpoint")
    return settings.model_copy(
        update={
            "storage_url": "s3://mic-documents",
            "storage_s3_endpoint": endpoint,
            "storage_s3_access_key_id": "test",
            "storage_s3_secret_access_key": "test",
            "storage_s3_allow_http": True,
        }
    )


@pytest.fixture
def store(backend: Settings) -> BlobStore:
    return open_blob_store(backend)


@pytest.fixture
async def http(backend: Settings, database: None) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(backend, manage_db=False)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://mic.test") as client:
        yield client


@dataclass
class Cast:
    centre: Centre
    other_centre: Centre
    lead: User
    member: User
    other_enterprise: User
    bureau: User
    other_bureau: User
    staff: User
    admin: User
    expert: User
    tokens: dict[str, str]


@pytest.fixture
async def cast(world: World) -> Cast:
    lead_org = await world.organisation("450200")
    member_org = await world.organisation("450300", OrganisationKind.UNIVERSITY)
    other_org: Organisation = await world.organisation("450100")
    centre = await world.centre(lead_org, members=[member_org])
    other_centre = await world.centre(other_org)
    people = {
        "lead": await world.user(RoleName.ENTERPRISE, organisation=lead_org),
        "member": await world.user(RoleName.ENTERPRISE, organisation=member_org),
        "other_enterprise": await world.user(RoleName.ENTERPRISE, organisation=other_org),
        "bureau": await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450200"),
        "other_bureau": await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450100"),
        "staff": await world.user(RoleName.PROVINCIAL_STAFF),
        "admin": await world.user(RoleName.PROVINCIAL_ADMIN),
        "expert": await world.user(RoleName.EXPERT),
    }
    return Cast(
        centre=centre,
        other_centre=other_centre,
        **people,
        tokens={k: world.token(v) for k, v in people.items()},
    )


def _auth(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def _upload(
    http: httpx.AsyncClient,
    token: str,
    centre: Centre,
    body: bytes,
    *,
    kind: str = "CONSTRUCTION_PLAN",
    title: str = "建设方案",
    file_name: str = "建设方案.pdf",
) -> httpx.Response:
    return await http.post(
        "/documents",
        content=body,
        headers=_auth(token),
        params={"centreId": str(centre.id), "kind": kind, "title": title, "fileName": file_name},
    )


async def test_upload_version_and_download_byte_for_byte(
    http: httpx.AsyncClient, cast: Cast
) -> None:
    # given the lead enterprise uploads a construction plan
    first = await _upload(http, cast.tokens["lead"], cast.centre, PDF)
    assert first.status_code == 201, first.text
    created = first.json()
    assert created["version"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert created["version"]["mediaType"] == "application/pdf"
    assert created["version"]["size"] == len(PDF)
    # when it uploads a new version (a PNG this time)
    second = await http.post(
        f"/documents/{created['document']['id']}/versions",
        content=PNG,
        headers=_auth(cast.tokens["lead"]),
        params={"fileName": "plan-v2.png"},
    )
    assert second.status_code == 201, second.text
    assert second.json()["document"]["currentVersion"] == 2
    # then both versions are kept and come back byte for byte, with their hash
    old = await http.get(
        f"/documents/versions/{created['version']['id']}/content",
        headers=_auth(cast.tokens["bureau"]),
    )
    assert old.status_code == 200 and old.content == PDF
    assert old.headers["x-content-sha256"] == hashlib.sha256(PDF).hexdigest()
    assert old.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''%E5%BB%BA" in old.headers["content-disposition"]
    current = await http.get(
        f"/documents/{created['document']['id']}/content", headers=_auth(cast.tokens["member"])
    )
    assert current.content == PNG and current.headers["content-type"] == "image/png"
    # and GraphQL lists the document with both versions for whoever reads the centre
    query = (
        "query($id: ID!) { centre(id: $id) { documents { kind title currentVersion "
        "versions { version sha256 size mediaType downloadPath } current { fileName } } } }"
    )
    body = (
        await http.post(
            "/graphql",
            json={"query": query, "variables": {"id": str(cast.centre.id)}},
            headers=_auth(cast.tokens["bureau"]),
        )
    ).json()
    [doc] = body["data"]["centre"]["documents"]
    assert (doc["kind"], doc["title"], doc["currentVersion"]) == (
        "CONSTRUCTION_PLAN",
        "建设方案",
        2,
    )
    assert [v["sha256"] for v in doc["versions"]] == [
        hashlib.sha256(PDF).hexdigest(),
        hashlib.sha256(PNG).hexdigest(),
    ]
    assert doc["current"] == {"fileName": "plan-v2.png"}
    # and uploads and downloads are audited
    assert await AuditEntry.filter(action="document.upload", outcome="success").count() == 2
    assert await AuditEntry.filter(action="document.download").count() == 2


@pytest.mark.parametrize(
    ("body", "file_name", "status"),
    [
        (EXE, "plan.pdf", 415),  # an executable named .pdf: refused by content
        (HTML, "plan.html", 415),
        (b"", "plan.pdf", 400),
        (b"%PDF-" + b"x" * (600 * 1024), "big.pdf", 413),  # over the 512 KiB test limit
    ],
)
async def test_refusals_leave_nothing_behind(
    http: httpx.AsyncClient, cast: Cast, store: BlobStore, body: bytes, file_name: str, status: int
) -> None:
    response = await _upload(http, cast.tokens["lead"], cast.centre, body, file_name=file_name)
    assert response.status_code == status, response.text
    assert error_codes(response.json()) == ["BAD_USER_INPUT"]
    assert await Document.all().count() == 0 and await PendingBlob.all().count() == 0
    assert not await store.exists(storage_key(hashlib.sha256(body).hexdigest()))


async def test_streamed_upload_over_the_limit_is_refused(
    http: httpx.AsyncClient, cast: Cast
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"%PDF-1.7\n"
        for _ in range(600):
            yield b"x" * 1024

    response = await http.post(
        "/documents",
        content=chunks(),
        headers=_auth(cast.tokens["lead"]),
        params={
            "centreId": str(cast.centre.id),
            "kind": "OTHER",
            "title": "t",
            "fileName": "a.pdf",
        },
    )
    assert response.status_code == 413
    assert await Document.all().count() == 0


async def test_bad_parameters_get_clear_errors(http: httpx.AsyncClient, cast: Cast) -> None:
    bad_kind = await _upload(http, cast.tokens["lead"], cast.centre, PDF, kind="selfie")
    assert bad_kind.status_code == 400 and "kind must be one of" in bad_kind.text
    no_title = await _upload(http, cast.tokens["lead"], cast.centre, PDF, title="  ")
    assert no_title.status_code == 400 and "title" in no_title.text
    no_name = await _upload(http, cast.tokens["lead"], cast.centre, PDF, file_name="")
    assert no_name.status_code == 400 and "fileName" in no_name.text


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("member", 403),  # reads the centre, may not edit it
        ("bureau", 403),  # reads its city's centre, does not edit applications
        ("other_enterprise", 404),  # another centre's enterprise: the centre does not exist for it
        ("other_bureau", 403),  # a bureau may never attach; it is told so before any look-up
        ("expert", 403),
        ("staff", 201),  # provincial staff record inspections and agreements
    ],
)
async def test_only_those_who_may_edit_the_record_upload(
    http: httpx.AsyncClient, cast: Cast, who: str, status: int
) -> None:
    response = await _upload(http, cast.tokens[who], cast.centre, PDF, kind="INSPECTION_RECORD")
    assert response.status_code == status, response.text
    if status != 201:
        assert await Document.all().count() == 0


async def test_outside_scope_cannot_list_or_fetch_even_a_guessed_id(
    http: httpx.AsyncClient, cast: Cast
) -> None:
    created = (await _upload(http, cast.tokens["lead"], cast.centre, PDF)).json()
    version_id, document_id = created["version"]["id"], created["document"]["id"]
    for who in ("other_bureau", "other_enterprise", "expert"):
        for path in (  # both refusals per caller are audited below
            f"/documents/versions/{version_id}/content",
            f"/documents/{document_id}/content",
        ):
            response = await http.get(path, headers=_auth(cast.tokens[who]))
            assert response.status_code == 404, (who, path)
            assert error_codes(response.json()) == ["NOT_FOUND"]
        versions = await http.post(
            f"/documents/{document_id}/versions",
            content=PDF,
            headers=_auth(cast.tokens[who]),
            params={"fileName": "x.pdf"},
        )
        assert versions.status_code in (403, 404)
    # a made-up id reads exactly like one outside scope
    guessed = await http.get(
        "/documents/versions/00000000-0000-4000-8000-000000000000/content",
        headers=_auth(cast.tokens["lead"]),
    )
    assert guessed.status_code == 404
    # and every refused fetch is in the audit log, though the caller only saw 404
    denied = await AuditEntry.filter(action="document.download", outcome="denied").count()
    assert denied == 3 * 2 + 1
    # nobody without a token gets anything
    anonymous = await http.get(f"/documents/versions/{version_id}/content")
    assert anonymous.status_code == 401
    # and the other city's bureau does not see the document in GraphQL either
    query = "{ centres { edges { node { documents { id } } } } }"
    body = (
        await http.post(
            "/graphql", json={"query": query}, headers=_auth(cast.tokens["other_bureau"])
        )
    ).json()
    assert all(not e["node"]["documents"] for e in body["data"]["centres"]["edges"])


async def test_a_failed_commit_leaves_neither_row_nor_blob(
    http: httpx.AsyncClient, cast: Cast, store: BlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(service, "_commit_version", broken)
    response = await _upload(http, cast.tokens["lead"], cast.centre, PDF)
    assert response.status_code == 500
    assert await DocumentVersion.all().count() == 0 and await PendingBlob.all().count() == 0
    assert not await store.exists(storage_key(hashlib.sha256(PDF).hexdigest()))


async def test_a_crash_between_storing_bytes_and_committing_is_swept(
    http: httpx.AsyncClient,
    cast: Cast,
    store: BlobStore,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    # given a process that dies after the bytes are stored: neither commit nor clean-up happens
    class Crash(BaseException):
        pass

    async def crash(*_: object, **__: object) -> None:
        raise Crash

    async def no_cleanup(*_: object, **__: object) -> None:
        return None

    monkeypatch.setattr(service, "_commit_version", crash)
    monkeypatch.setattr(service, "discard", no_cleanup)
    key = storage_key(hashlib.sha256(PDF).hexdigest())
    with pytest.raises(Crash):
        await service.attach(
            (await _context(cast.lead)),
            store,
            service.UploadLimits(max_bytes=1 << 20, tmp_dir=tmp_path),
            _once(PDF),
            file_name="plan.pdf",
            centre_id=cast.centre.id,
            kind=DocumentKind.CONSTRUCTION_PLAN,
            title="建设方案",
        )
    assert await store.exists(key) and await PendingBlob.all().count() == 1
    monkeypatch.undo()
    # when the sweep runs (at start-up, or `mic storage sweep`)
    assert await service.sweep(store, timedelta(0)) == 1
    # then nothing is left behind
    assert not await store.exists(key)
    assert await PendingBlob.all().count() == 0 and await DocumentVersion.all().count() == 0


async def test_the_sweep_keeps_bytes_that_a_committed_version_shares(
    http: httpx.AsyncClient, cast: Cast, store: BlobStore
) -> None:
    assert (await _upload(http, cast.tokens["lead"], cast.centre, PDF)).status_code == 201
    key = storage_key(hashlib.sha256(PDF).hexdigest())
    await PendingBlob.create(id=uuid.uuid4(), storage_key=key)  # a stale twin
    assert await service.sweep(store, timedelta(0)) == 1
    assert await store.exists(key)  # still used by the committed version


async def test_evidence_pack_has_current_documents_and_a_verifiable_manifest(
    http: httpx.AsyncClient, cast: Cast
) -> None:
    plan = (await _upload(http, cast.tokens["lead"], cast.centre, PDF)).json()
    await http.post(
        f"/documents/{plan['document']['id']}/versions",
        content=PNG,
        headers=_auth(cast.tokens["lead"]),
        params={"fileName": "plan.png"},
    )
    await _upload(
        http,
        cast.tokens["lead"],
        cast.centre,
        PDF,
        kind="BUSINESS_LICENCE",
        title="营业执照",
        file_name="licence.pdf",
    )
    await _upload(
        http,
        cast.tokens["other_enterprise"],
        cast.other_centre,
        PNG,
        title="x",
        file_name="other.png",
    )
    response = await http.get(
        f"/centres/{cast.centre.id}/evidence-pack", headers=_auth(cast.tokens["staff"])
    )
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    pack = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = json.loads(pack.read("manifest.json"))
    assert manifest["centre"]["id"] == gid(cast.centre)
    assert {d["title"] for d in manifest["documents"]} == {"建设方案", "营业执照"}
    for doc in manifest["documents"]:
        assert hashlib.sha256(pack.read(doc["path"])).hexdigest() == doc["sha256"]
    plan_entry = next(d for d in manifest["documents"] if d["title"] == "建设方案")
    assert plan_entry["version"] == 2 and pack.read(plan_entry["path"]) == PNG
    sums = pack.read("SHA256SUMS").decode()
    assert all(f"{d['sha256']}  {d['path']}" in sums for d in manifest["documents"])
    # and only provincial roles may take a pack
    for who in ("lead", "bureau"):
        denied = await http.get(
            f"/centres/{cast.centre.id}/evidence-pack", headers=_auth(cast.tokens[who])
        )
        assert denied.status_code == 403


def test_required_materials_check_names_what_is_missing() -> None:
    required = [
        DocumentKind.CONSTRUCTION_PLAN,
        DocumentKind.BUSINESS_LICENCE,
        DocumentKind.FINANCIAL_STATEMENT,
        DocumentKind.CONSTRUCTION_PLAN,
    ]
    present = [DocumentKind.BUSINESS_LICENCE, DocumentKind.OTHER]
    assert missing_kinds(required, present) == [
        DocumentKind.CONSTRUCTION_PLAN,
        DocumentKind.FINANCIAL_STATEMENT,
    ]
    assert missing_kinds([], present) == []


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _context(user: User) -> object:
    from api.security import ServiceSecurity
    from schema.context import Context

    return Context(
        request_id="test",
        client_addr="127.0.0.1",
        security=ServiceSecurity(Settings(token_secret="x" * 40)),
        max_page_size=100,
        user_id=user.id,
        token_version=user.token_version,
    )


async def test_required_materials_are_checked_against_current_documents(
    http: httpx.AsyncClient, cast: Cast
) -> None:
    from models.documents import OwnerType, missing_for

    required = [DocumentKind.CONSTRUCTION_PLAN, DocumentKind.BUSINESS_LICENCE]
    assert await missing_for(OwnerType.CENTRE, cast.centre.id, required) == required
    await _upload(
        http, cast.tokens["lead"], cast.centre, PDF, kind="BUSINESS_LICENCE", title="执照"
    )
    assert await missing_for(OwnerType.CENTRE, cast.centre.id, required) == [
        DocumentKind.CONSTRUCTION_PLAN
    ]


async def test_versions_show_who_uploaded_them(http: httpx.AsyncClient, cast: Cast) -> None:
    await _upload(http, cast.tokens["lead"], cast.centre, PDF)
    query = "query($id: ID!) { centre(id: $id) { documents { versions { uploadedBy } } } }"
    body = (
        await http.post(
            "/graphql",
            json={"query": query, "variables": {"id": str(cast.centre.id)}},
            headers=_auth(cast.tokens["staff"]),
        )
    ).json()
    assert (
        body["data"]["centre"]["documents"][0]["versions"][0]["uploadedBy"]
        == cast.lead.display_name
    )


@pytest.mark.parametrize(
    "status",
    [
        CentreStatus.SUBMITTED,
        CentreStatus.RECOMMENDED,
        CentreStatus.FORMAL_REVIEW_PASSED,
        CentreStatus.EXPERT_REVIEW,
        CentreStatus.REJECTED,
    ],
)
async def test_materials_under_review_stay_those_submitted(
    http: httpx.AsyncClient, cast: Cast, status: CentreStatus
) -> None:
    # given the lead's plan, uploaded while the application was a draft
    await Centre.filter(id=cast.centre.id).update(status=CentreStatus.DRAFT)
    first = await _upload(http, cast.tokens["lead"], cast.centre, PDF)
    assert first.status_code == 201, first.text
    document_id = first.json()["document"]["id"]
    # when the application has moved on and the lead tries a new document or a new version
    await Centre.filter(id=cast.centre.id).update(status=status)
    new = await _upload(http, cast.tokens["lead"], cast.centre, PNG, kind="OTHER", title="补充")
    version = await http.post(
        f"/documents/{document_id}/versions",
        content=PNG,
        headers=_auth(cast.tokens["lead"]),
        params={"fileName": "v2.png"},
    )
    # then both are refused with the centre's state, and nothing changed
    for refused in (new, version):
        assert refused.status_code == 409, refused.text
        assert refused.json()["errors"][0]["extensions"]["code"] == "INVALID_TRANSITION"
    assert await Document.all().count() == 1
    assert await DocumentVersion.all().count() == 1
    # and provincial staff still attach (an inspection record, say)
    staff = await _upload(
        http, cast.tokens["staff"], cast.centre, PDF, kind="INSPECTION_RECORD", title="核查记录"
    )
    assert staff.status_code == 201, staff.text


async def test_the_sweep_removes_spooled_files_a_killed_process_left(
    store: BlobStore, tmp_path: Path
) -> None:
    # given an old spooled upload (its process was killed) and one still being received
    old, fresh, other = tmp_path / "upload-old", tmp_path / "upload-fresh", tmp_path / "keep.txt"
    for path in (old, fresh, other):
        path.write_bytes(b"x")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    os.utime(other, (two_hours_ago, two_hours_ago))
    # when the sweep runs with an hour's grace
    await service.sweep(store, timedelta(hours=1), tmp_path)
    # then only the abandoned upload is gone
    assert not old.exists() and fresh.exists() and other.exists()


@pytest.mark.parametrize(
    ("who", "method", "path", "status"),
    [
        # the given inputs: a malformed id and one of another type were told apart from a
        # well-formed one, before the caller's role was decided
        ("bureau", "GET", "/centres/xyz/evidence-pack", 403),
        ("expert", "POST", f"/documents?centreId=Organisation:{UUID_TEXT}&kind=OTHER", 403),
        ("expert", "POST", "/documents/zzz/versions", 403),
        # and a caller without a token is told so whatever the id
        (None, "GET", f"/documents/Centre:{UUID_TEXT}/content", 401),
        (None, "GET", "/documents/versions/nonsense/content", 401),
        (None, "GET", "/centres/%20/evidence-pack", 401),
    ],
)
async def test_routes_decide_the_caller_before_they_read_the_id(
    http: httpx.AsyncClient, cast: Cast, who: str | None, method: str, path: str, status: int
) -> None:
    headers = {"authorization": f"Bearer {cast.tokens[who]}"} if who else {}
    response = await http.request(method, path, headers=headers, content=PDF)
    assert response.status_code == status, response.text
