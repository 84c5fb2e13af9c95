"""Media types decided by content, never by the file name (the name only picks an OOXML subtype)."""

from __future__ import annotations

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
OFD = "application/ofd"  # GB/T 33190 electronic documents, common in Chinese administration
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ZIP = "application/zip"

ALLOWED = frozenset({PDF, PNG, JPEG, OFD, DOCX, XLSX, PPTX})
HEAD_BYTES = 4096  # enough to read the first zip entry's name
_OOXML_BY_EXTENSION = {".docx": DOCX, ".xlsx": XLSX, ".pptx": PPTX}


def _first_zip_entry(head: bytes) -> str:
    # Local file header: signature(4) ... name length at 26, extra length at 28, name at 30.
    if len(head) < 30:
        return ""
    name_length = int.from_bytes(head[26:28], "little")
    return head[30 : 30 + name_length].decode("utf-8", "replace")


def sniff(head: bytes, file_name: str) -> str | None:
    """The media type of a file from its first bytes, or None when it is not a known kind."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        entry = _first_zip_entry(head)
        if entry == "OFD.xml":
            return OFD
        if entry == "[Content_Types].xml" or entry.startswith(("word/", "xl/", "ppt/", "_rels/")):
            suffix = file_name.lower()[file_name.rfind(".") :] if "." in file_name else ""
            return _OOXML_BY_EXTENSION.get(suffix, ZIP)
        return ZIP
    return None
