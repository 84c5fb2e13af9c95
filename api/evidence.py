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

from api.blobstore import BlobStore


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
