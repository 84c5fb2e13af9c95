"""Issue 3: allowed media types are checked by content sniffing, not by the name — also inside
zip-based formats, where a name like `.docx` would otherwise vouch for any archive."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from models.sniffing import DOCX, OFD, PPTX, XLSX
from services.uploads import UploadRefused, receive


def _zip(*entries: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in entries:
            archive.writestr(name, b"<x/>" * 400)
    return buffer.getvalue()


async def _chunks(data: bytes) -> object:
    for i in range(0, len(data), 1000):
        yield data[i : i + 1000]


async def _receive(data: bytes, tmp_path: Path) -> str:
    received = await receive(_chunks(data), 10_000_000, tmp_path)  # type: ignore[arg-type]
    os.unlink(received.path)
    return received.media_type


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        (("[Content_Types].xml", "_rels/.rels", "word/document.xml"), DOCX),
        (("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml"), XLSX),
        (("[Content_Types].xml", "_rels/.rels", "ppt/presentation.xml"), PPTX),
        (("OFD.xml", "Doc_0/Document.xml"), OFD),
    ],
)
async def test_zip_based_documents_are_typed_by_their_parts(
    entries: tuple[str, ...], expected: str, tmp_path: Path
) -> None:
    assert await _receive(_zip(*entries), tmp_path) == expected


@pytest.mark.parametrize(
    "entries",
    [
        ("word/x.html", "payload.exe"),  # an OOXML-looking first entry, nothing else of one
        ("[Content_Types].xml", "_rels/.rels"),  # no main part
        ("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"),  # macros
        ("[Content_Types].xml", "word/document.xml", "word/embeddings/run.EXE"),  # a program
        ("[Content_Types].xml", "word/document.xml", "xl/workbook.xml"),  # two kinds at once
        ("OFD.xml", "tools/install.ps1"),
    ],
)
async def test_archives_that_are_not_clean_documents_are_refused(
    entries: tuple[str, ...], tmp_path: Path
) -> None:
    # when an archive that is not a clean document arrives, whatever its name would say
    with pytest.raises(UploadRefused) as refused:
        await _receive(_zip(*entries), tmp_path)
    # then it is refused as an unsupported type and no spooled file is left
    assert refused.value.status == 415
    assert not any(os.scandir(tmp_path))


async def test_a_truncated_archive_is_refused(tmp_path: Path) -> None:
    data = _zip("[Content_Types].xml", "word/document.xml")
    with pytest.raises(UploadRefused):
        await _receive(data[: len(data) - 40], tmp_path)
