"""Media types decided by content, never by the file name.

The first bytes say "a zip"; for zip-based formats (OOXML, OFD) the whole archive's directory
then says which one it is, and refuses macro projects and executables packed inside.
"""

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
ZIP_BASED = frozenset({DOCX, XLSX, PPTX, OFD})
# The main part each OOXML package must have; macro-enabled variants are not accepted.
_OOXML_MAIN_PARTS = {
    "word/document.xml": DOCX,
    "xl/workbook.xml": XLSX,
    "ppt/presentation.xml": PPTX,
}
_FORBIDDEN_INSIDE = (".exe", ".dll", ".bat", ".cmd", ".com", ".scr", ".js", ".vbs", ".ps1", ".msi")


def _first_zip_entry(head: bytes) -> str:
    # Local file header: signature(4) ... name length at 26, extra length at 28, name at 30.
    if len(head) < 30:
        return ""
    name_length = int.from_bytes(head[26:28], "little")
    return head[30 : 30 + name_length].decode("utf-8", "replace")


def sniff(head: bytes) -> str | None:
    """The media type from the first bytes, or None when it is not a known kind. A zip-based
    type is provisional until ``zip_kind`` has read the whole archive."""
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
            return DOCX  # some OOXML package; zip_kind decides which
        return ZIP
    return None


def zip_kind(names: list[str]) -> str | None:
    """The type of a zip-based document from its entry names, or None when it is none of ours
    (no main part, a macro project or an executable inside)."""
    lowered = [n.lower() for n in names]
    if any(n.endswith(_FORBIDDEN_INSIDE) or n.endswith("vbaproject.bin") for n in lowered):
        return None
    if "OFD.xml" in names:
        return OFD
    if "[Content_Types].xml" not in names:
        return None
    kinds = {kind for part, kind in _OOXML_MAIN_PARTS.items() if part in names}
    return kinds.pop() if len(kinds) == 1 else None
