"""Receiving an upload: stream the body to a temporary file, hashing, sizing and sniffing it.

The body is never held in memory; a file over the limit or of a refused type stops being read
at once. A spool that cannot be written (missing, read-only, full) is ``StorageUnavailable``.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
import zipfile
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from models.sniffing import ALLOWED, HEAD_BYTES, ZIP_BASED, RefusedPackage, package_kind, sniff
from services.blobstore import storage_fault


class UploadRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True, slots=True)
class Received:
    path: Path
    sha256: str
    size: int
    media_type: str


async def receive(chunks: AsyncIterator[bytes], max_bytes: int, tmp_dir: Path) -> Received:
    """Write the stream to a temporary file (in an existing ``tmp_dir``); the caller deletes it."""
    digest, size, head = hashlib.sha256(), 0, b""
    media_type: str | None = None
    try:
        fd, name = tempfile.mkstemp(prefix="upload-", dir=tmp_dir)
    except OSError as exc:  # the spool is missing, read-only or out of inodes
        raise storage_fault(exc, "spool") from exc
    path = Path(name)
    try:
        try:
            out = os.fdopen(fd, "wb")
        except OSError as exc:
            os.close(fd)
            raise storage_fault(exc, "spool") from exc
        with out:
            async for chunk in chunks:
                if not chunk:
                    continue
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRefused(413, f"the file is larger than {max_bytes} bytes")
                if media_type is None:
                    head += chunk[: HEAD_BYTES - len(head)]
                    if len(head) >= HEAD_BYTES:
                        media_type = _checked(head)
                digest.update(chunk)
                _spool(out, chunk)
            _spool(out, b"")  # flush: a full disk may only show now
        if size == 0:
            raise UploadRefused(400, "the file is empty")
        media_type = media_type or _checked(head)
        if media_type in ZIP_BASED:
            media_type = await asyncio.to_thread(_checked_zip, path)
        return Received(path, digest.hexdigest(), size, media_type)
    except BaseException:
        # Synchronous on purpose: a cancelled request (shutdown, disconnect) must not be able to
        # cancel its own clean-up; removing one file is quick.
        path.unlink(missing_ok=True)  # noqa: ASYNC240
        raise


def _spool(out: BinaryIO, chunk: bytes) -> None:
    """Write (or, with no bytes, flush) to the spooled file; a full or failing disk is
    StorageUnavailable (503), not the client's fault."""
    try:
        if chunk:
            out.write(chunk)
        else:
            out.flush()
    except OSError as exc:
        raise storage_fault(exc, "spool") from exc


REFUSED_TYPE = (
    "this kind of file is not accepted: upload PDF, OFD, PNG, JPEG, DOCX, XLSX or PPTX "
    "(the type is read from the content, not the name; no macros or programs inside)"
)


def _checked(head: bytes) -> str:
    media_type = sniff(head)
    if media_type not in ALLOWED:
        raise UploadRefused(415, REFUSED_TYPE)
    return media_type


# What reading a damaged, encrypted or oddly compressed archive can raise.
_UNREADABLE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    ValueError,
    RuntimeError,
    NotImplementedError,
    EOFError,
    zlib.error,
)


def _checked_zip(path: Path) -> str:
    """The type of a zip-based document, or 415 when it is none, holds active content (macros,
    programs, OLE, ActiveX, executable links: see ``models.sniffing``) or cannot be read.

    Reads the central directory and the package's small manifests, not the documents' text."""
    try:
        with zipfile.ZipFile(path) as archive:
            return package_kind(archive)
    except RefusedPackage as refused:
        raise UploadRefused(415, f"{REFUSED_TYPE}: {refused}") from None
    except _UNREADABLE:
        raise UploadRefused(415, REFUSED_TYPE) from None
