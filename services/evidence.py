"""The evidence pack: a centre's current documents as a zip, with a manifest of SHA-256 hashes.

The zip is written as it streams (ZIP_STORED: documents are mostly compressed already), so a
pack of any size never sits in memory.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from uuid import UUID

from models.audit import Outcome
from models.centres import Centre
from models.vocabulary import term
from policies import scopes
from policies.vocabulary import Action, Resource
from services.actor import Actor
from services.blobstore import BlobStore
from services.errors import NotFound


@dataclass(frozen=True, slots=True)
class PackEntry:
    path: str
    title: str
    kind: str
    version: int
    file_name: str
    size: int
    sha256: str
    storage_key: str


class _Sink(io.RawIOBase):
    """An unseekable writer whose bytes are taken out as the zip grows."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._buffer += data
        self._written += len(data)
        return len(data)

    def tell(self) -> int:
        return self._written

    def take(self) -> bytes:
        data = bytes(self._buffer)
        self._buffer.clear()
        return data


def entry_path(index: int, kind: str, file_name: str) -> str:
    safe = re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "_", file_name)
    return f"{index:03d}-{kind}/{safe}"


def manifest(centre: dict[str, str], entries: list[PackEntry]) -> tuple[str, str]:
    """(manifest.json, SHA256SUMS): one for people and programs, one for `sha256sum -c`."""
    body = {
        "centre": centre,
        "documents": [
            {
                "path": e.path,
                "title": e.title,
                "kind": e.kind,
                "version": e.version,
                "fileName": e.file_name,
                "size": e.size,
                "sha256": e.sha256,
            }
            for e in entries
        ],
    }
    sums = "".join(f"{e.sha256}  {e.path}\n" for e in entries)
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n", sums


async def stream_pack(
    store: BlobStore, centre: dict[str, str], entries: list[PackEntry]
) -> AsyncIterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as pack:
        for entry in entries:
            with pack.open(entry.path, "w", force_zip64=True) as out:
                async for chunk in store.stream(entry.storage_key):
                    out.write(chunk)
                    if data := sink.take():
                        yield data
        manifest_json, sums = manifest(centre, entries)
        pack.writestr("manifest.json", manifest_json)
        pack.writestr("SHA256SUMS", sums)
    yield sink.take()


async def evidence_pack(actor: Actor, centre_id: UUID) -> tuple[Centre, list[PackEntry]]:
    """The centre and its current documents as pack entries, sorted by kind and title
    (provincial staff: document export). Audited; NotAllowed / NotFound otherwise."""
    authz = await actor.require(Resource.DOCUMENT, Action.EXPORT)
    centre = await scopes.visible_centres(authz).get_or_none(id=centre_id)
    if centre is None:
        raise NotFound("centre")
    docs = await scopes.visible_documents(authz).filter(owner_id=centre.id, current_version__gt=0)
    current = {d.id: d.current_version for d in docs}
    versions = {
        v.document_id: v
        for v in await scopes.visible_document_versions(authz).filter(document_id__in=list(current))
        if v.version == current[v.document_id]
    }
    entries = [
        PackEntry(
            path=entry_path(i, term(d.kind), versions[d.id].file_name),
            title=d.title,
            kind=term(d.kind),
            version=d.current_version,
            file_name=versions[d.id].file_name,
            size=versions[d.id].size,
            sha256=versions[d.id].sha256,
            storage_key=versions[d.id].storage_key,
        )
        for i, d in enumerate(sorted(docs, key=lambda d: (str(d.kind), d.title)), start=1)
    ]
    await actor.audit(
        "document.evidence_pack",
        Outcome.SUCCESS,
        resource=Resource.DOCUMENT,
        decision=Action.EXPORT,
        object_type="centre",
        object_id=str(centre.id),
        after={"documents": len(entries)},
    )
    return centre, entries
