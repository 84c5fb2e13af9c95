"""Receiving an upload: stream the body to a temporary file, hashing, sizing and sniffing it.

The body is never held in memory; a file over the limit or of a refused type stops being read
at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from models.sniffing import ALLOWED, HEAD_BYTES, sniff


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


async def receive(
    chunks: AsyncIterator[bytes], file_name: str, max_bytes: int, tmp_dir: Path
) -> Received:
    """Write the stream to a temporary file (in an existing ``tmp_dir``); the caller deletes it."""
    digest, size, head = hashlib.sha256(), 0, b""
    media_type: str | None = None
    fd, name = tempfile.mkstemp(prefix="upload-", dir=tmp_dir)
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            async for chunk in chunks:
                if not chunk:
                    continue
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRefused(413, f"the file is larger than {max_bytes} bytes")
                if media_type is None:
                    head += chunk[: HEAD_BYTES - len(head)]
                    if len(head) >= HEAD_BYTES:
                        media_type = _checked(head, file_name)
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRefused(400, "the file is empty")
        media_type = media_type or _checked(head, file_name)
        return Received(path, digest.hexdigest(), size, media_type)
    except BaseException:
        await asyncio.to_thread(path.unlink, missing_ok=True)
        raise


def _checked(head: bytes, file_name: str) -> str:
    media_type = sniff(head, file_name)
    if media_type not in ALLOWED:
        raise UploadRefused(
            415,
            "this kind of file is not accepted: upload PDF, OFD, PNG, JPEG, DOCX, XLSX or PPTX "
            "(the type is read from the content, not the name)",
        )
    return media_type
