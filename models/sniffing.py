"""Media types decided by content, never by the file name.

The first bytes say "a zip"; for zip-based formats (OOXML, OFD) ``package_kind`` then reads the
archive's directory and its small XML manifests, and accepts only what an ordinary document
holds (issue 9, kind 7):

- every part's path must match the ALLOW-LIST of its format (``_PARTS``): the parts Word, Excel,
  PowerPoint, WPS and LibreOffice write for text, tables, images, charts, comments, headers and
  footers, themes and properties; for OFD the parts of GB/T 33190. Anything else — a VBA project,
  Excel 4.0 macro or dialog sheets, ActiveX controls, OLE objects, web add-ins, external links
  and data connections, programs or scripts under any name — is refused because it is not listed;
- an embedded package (chart data in Word and PowerPoint) must itself be a clean XLSX;
- ``[Content_Types].xml``: the main part's type must be the ordinary (not macro-enabled) one,
  and no part may be typed as macro, VBA, ActiveX or OLE content;
- every ``.rels``: no relationship of those types, and an external target only for a hyperlink
  or for the template a document was made from when that is a path on the reader's own disk
  (a remote template, an OLE link, a frame or a picture is fetched or run when the file opens).

The manifests are scanned, not parsed: a tag the scanner cannot read is refused, and a file with
no tags at all carries no evidence either way (Office cannot open it).
"""

from __future__ import annotations

import html
import io
import re
import urllib.parse
import zipfile
from collections.abc import Iterable

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

MAX_ENTRIES = 20_000  # parts in one package; a 500-slide deck has a few thousand
MAX_MANIFEST_BYTES = 1024 * 1024  # one [Content_Types].xml or .rels, uncompressed
MAX_MANIFESTS_BYTES = 16 * 1024 * 1024  # all of them together
MAX_EMBEDDED_BYTES = 10 * 1024 * 1024  # one embedded chart workbook, read into memory

# The main part each OOXML package must have, and the types it may be declared with.
_OOXML_MAIN_PARTS = {
    "word/document.xml": DOCX,
    "xl/workbook.xml": XLSX,
    "ppt/presentation.xml": PPTX,
}
_OXML = "application/vnd.openxmlformats-officedocument."
_MAIN_TYPES = {
    DOCX: {_OXML + f"wordprocessingml.{t}.main+xml" for t in ("document", "template")},
    XLSX: {_OXML + f"spreadsheetml.{t}.main+xml" for t in ("sheet", "template")},
    PPTX: {
        _OXML + f"presentationml.{t}.main+xml" for t in ("presentation", "slideshow", "template")
    },
}
# A content type or relationship type naming any of these is active content.
_ACTIVE_TYPES = re.compile(
    r"macroenabled|vba|activex|oleobject|macrosheet|dialogsheet|attachedtoolbars|keymapcustom"
    r"|/control$|webextension|x-msdownload|javascript"
)
# External targets: a hyperlink (followed only when clicked), and the template a document was
# made from when it is a file on the reader's own disk (Word for Windows and Mac write those);
# any other external target is fetched or run when the file is opened.
_HYPERLINK = re.compile(r"/relationships/hyperlink$")
_TEMPLATE = re.compile(r"/relationships/attachedTemplate$")
_LOCAL_FILE = re.compile(r"(?i:file:///)?(?:[A-Za-z]:[\\/])?[^\\/:]+(?:[\\/][^\\/:]+)*")

# -- the allow-list ---------------------------------------------------------------------------
_NAME = r"[A-Za-z0-9_][A-Za-z0-9_. ()-]{0,120}"  # a file name, without directory
_N = r"[0-9]{1,6}"
_IMAGE = r"png|jpe?g|jpe|jfif|gif|bmp|dib|tiff?|emf|wmf|emz|wmz|svg|wdp|jxr|webp"
_AV = r"mp4|m4v|mov|wmv|avi|mpe?g|mp3|m4a|wav|wma|aac"
_MEDIA = rf"media/{_NAME}\.(?i:{_IMAGE}|{_AV})"
_CHARTS = rf"charts/(?:chart|chartEx|style|colors){_N}\.xml|drawings/drawing{_N}\.xml"
_DIAGRAMS = rf"diagrams/(?:data|layout|quickStyle|colors|drawing){_N}\.xml"
_SHARED = rf"{_MEDIA}|{_CHARTS}|{_DIAGRAMS}|theme/theme(?:Override)?{_N}\.xml"
_SHARED += rf"|printerSettings/printerSettings{_N}\.bin|ink/ink{_N}\.xml"
_COMMON = (
    r"\[Content_Types\]\.xml",
    r"docProps/(?:core|app|custom)\.xml",
    r"docProps/thumbnail\.(?i:jpe?g|png|emf|wmf)",
    rf"customXml/item(?:Props)?{_N}\.xml",
    r"docMetadata/LabelInfo\.xml",
)
_WORD_PARTS = (
    r"(?:glossary/)?(?:document|styles|stylesWithEffects|settings|webSettings|fontTable"
    r"|numbering|footnotes|endnotes|comments|commentsExtended|commentsIds"
    r"|commentsExtensible|people|intelligence2?)\.xml",
    rf"(?:header|footer){_N}\.xml",
    rf"documenttasks/documenttasks{_N}\.xml",
    rf"(?:glossary/)?{_MEDIA}",
    rf"fonts/{_NAME}\.(?i:odttf|ttf|otf)",
    _SHARED,
)
_EXCEL_PARTS = (
    r"(?:workbook|styles|sharedStrings|calcChain|metadata|volatileDependencies|cellimages)\.xml",
    rf"(?:worksheets|chartsheets)/{_NAME}\.xml",
    rf"comments{_N}\.xml|threadedComments/threadedComment{_N}\.xml|persons/person(?:{_N})?\.xml",
    rf"drawings/(?:drawing{_N}\.xml|(?:vml|comments)Drawing{_N}\.vml)",
    rf"tables/table{_N}\.xml|pivotTables/pivotTable{_N}\.xml",
    rf"pivotCache/pivotCache(?:Definition|Records){_N}\.xml",
    rf"(?:slicers/slicer|slicerCaches/slicerCache|timelines/timeline"
    rf"|timelineCaches/timelineCache|namedSheetViews/namedSheetView){_N}\.xml",
    rf"richData/{_NAME}\.xml|ctrlProps/ctrlProp{_N}\.xml",
    r"featurePropertyBag/featurePropertyBag\.xml",
    _SHARED,
)
_POWERPOINT_PARTS = (
    r"(?:presentation|presProps|viewProps|tableStyles|commentAuthors|authors|revisionInfo)\.xml",
    rf"(?:slides/slide|slideLayouts/slideLayout|slideMasters/slideMaster|notesSlides/notesSlide"
    rf"|notesMasters/notesMaster|handoutMasters/handoutMaster){_N}\.xml",
    rf"comments/(?:comment{_N}|modernComment_{_NAME})\.xml",
    rf"tags/tag{_N}\.xml|changesInfos/changesInfo{_N}\.xml",
    rf"fonts/{_NAME}\.fntdata",
    _SHARED,
)
_EMBEDDED = rf"(?:word|ppt)/embeddings/{_NAME}\.xlsx"  # chart data: checked as an XLSX itself


def _ooxml(prefix: str, parts: Iterable[str]) -> re.Pattern[str]:
    body = "|".join(f"(?:{p})" for p in _COMMON) + "|" + prefix + "/(?:" + "|".join(parts) + ")"
    if prefix in ("word", "ppt"):
        body += "|" + _EMBEDDED
    return re.compile(body)


_OFD_DIR = r"Doc_[0-9]{1,4}(?:/[A-Za-z]{1,20}(?:_[0-9]{1,6})?){0,4}"
_PARTS = {
    DOCX: _ooxml("word", _WORD_PARTS),
    XLSX: _ooxml("xl", _EXCEL_PARTS),
    PPTX: _ooxml("ppt", _POWERPOINT_PARTS),
    OFD: re.compile(
        r"OFD\.xml"
        rf"|{_OFD_DIR}/{_NAME}\.(?i:xml)"  # documents, pages, templates, annotations, tags
        rf"|{_OFD_DIR}/Res/{_NAME}\.(?i:{_IMAGE}|jb2|ttf|otf|ttc|cff|pfb|woff2?)"  # images, fonts
        rf"|Doc_[0-9]{{1,4}}/Signs/Sign_{_N}/{_NAME}\.(?i:dat|esl)"  # signed values and seals
    ),
}
_RELS = re.compile(r"(?:(?P<dir>.+)/)?_rels/(?P<name>[^/]*)\.rels")


class RefusedPackage(ValueError):
    """The archive is not a clean document of ours; the message names the part or type."""


def _first_zip_entry(head: bytes) -> str:
    # Local file header: signature(4) ... name length at 26, extra length at 28, name at 30.
    if len(head) < 30:
        return ""
    name_length = int.from_bytes(head[26:28], "little")
    return head[30 : 30 + name_length].decode("utf-8", "replace")


def sniff(head: bytes) -> str | None:
    """The media type from the first bytes, or None when it is not a known kind. A zip-based
    type is provisional until ``package_kind`` has read the whole archive."""
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
            return DOCX  # some OOXML package; package_kind decides which
        return ZIP
    return None


def part_allowed(kind: str, name: str) -> bool:
    """Whether a part at path ``name`` may be in a package of media type ``kind``: it is on the
    format's allow-list, or it is the relationships part of a part that is."""
    if kind != OFD and (rels := _RELS.fullmatch(name)):
        if rels["dir"] is None and rels["name"] == "":
            return True  # _rels/.rels, the package's own relationships
        target = f"{rels['dir']}/{rels['name']}" if rels["dir"] else rels["name"]
        return target != "" and part_allowed(kind, target)
    return _PARTS[kind].fullmatch(name) is not None


def package_kind(archive: zipfile.ZipFile, *, embedded: bool = False) -> str:
    """The media type of a zip-based document (DOCX, XLSX, PPTX or OFD).

    Reads the central directory, ``[Content_Types].xml``, the ``.rels`` parts (each at most
    ``MAX_MANIFEST_BYTES``) and embedded chart workbooks, never the documents' text. Raises
    ``RefusedPackage`` when the archive is none of those kinds or holds anything not allowed
    (see the module), and ``zipfile.BadZipFile`` or ``OSError`` when it cannot be read.
    """
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise RefusedPackage(f"more than {MAX_ENTRIES} parts")
    names = [info.filename for info in infos]
    if len({name.lower() for name in names}) != len(names):
        raise RefusedPackage("two parts with the same name")
    kind = _kind_by_names(names)
    for info in infos:
        if info.is_dir() and info.file_size == 0:
            continue
        if not part_allowed(kind, info.filename):
            raise RefusedPackage(
                f"{info.filename} is not among the parts {_LABEL[kind]} files hold"
            )
        if info.filename.endswith(".xlsx"):
            if embedded or info.file_size > MAX_EMBEDDED_BYTES:
                raise RefusedPackage(f"{info.filename} is not a plain embedded workbook")
            with zipfile.ZipFile(io.BytesIO(archive.read(info))) as inner:
                if package_kind(inner, embedded=True) != XLSX:
                    raise RefusedPackage(f"{info.filename} is not a plain embedded workbook")
    if kind != OFD:
        _check_manifests(archive, infos, kind)
    return kind


_LABEL = {DOCX: "DOCX", XLSX: "XLSX", PPTX: "PPTX", OFD: "OFD"}


def _kind_by_names(names: list[str]) -> str:
    if "OFD.xml" in names:
        return OFD
    if "[Content_Types].xml" not in names:
        raise RefusedPackage("neither an OOXML package nor an OFD document")
    kinds = {kind for part, kind in _OOXML_MAIN_PARTS.items() if part in names}
    if len(kinds) != 1:
        raise RefusedPackage("not exactly one of a document, a workbook or a presentation")
    return kinds.pop()


def _check_manifests(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], kind: str) -> None:
    budget = MAX_MANIFESTS_BYTES
    main = next(part for part, main_kind in _OOXML_MAIN_PARTS.items() if main_kind == kind)
    for info in infos:
        is_rels = info.filename.endswith(".rels")
        if not is_rels and info.filename != "[Content_Types].xml":
            continue
        if info.file_size > min(MAX_MANIFEST_BYTES, budget):
            raise RefusedPackage(f"{info.filename} is too large")
        budget -= info.file_size
        text = _decode(archive.read(info), info.filename)
        if is_rels:
            _check_relationships(text, info.filename, main)
        else:
            _check_content_types(text, kind, main)


def _check_content_types(text: str, kind: str, main: str) -> None:
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for element, table, key in (
        ("Default", defaults, "Extension"),
        ("Override", overrides, "PartName"),
    ):
        for attributes in _tags(text, element, "[Content_Types].xml"):
            content_type = attributes.get("ContentType", "").strip()
            if _ACTIVE_TYPES.search(content_type.lower()):
                raise RefusedPackage(f"content of type {content_type} is not accepted")
            table[attributes.get(key, "").strip().lstrip("/").lower()] = content_type
    declared = overrides.get(main, defaults.get("xml"))
    if declared is not None and declared.lower() not in _MAIN_TYPES[kind]:
        raise RefusedPackage(f"{main} is declared as {declared}, not a plain {_LABEL[kind]}")


def _check_relationships(text: str, name: str, main: str) -> None:
    for attributes in _tags(text, "Relationship", name):
        rel_type = attributes.get("Type", "").strip()
        if _ACTIVE_TYPES.search(rel_type.lower()):
            raise RefusedPackage(f"{name}: a relationship of type {rel_type} is not accepted")
        external = attributes.get("TargetMode", "").strip().lower() == "external"
        if external and not _external_allowed(rel_type, attributes.get("Target", "")):
            raise RefusedPackage(f"{name}: an external {rel_type.rsplit('/', 1)[-1]} link")
        target = attributes.get("Target", "").strip().lstrip("/")
        if name == "_rels/.rels" and rel_type.endswith("/officeDocument") and target != main:
            raise RefusedPackage("the package's main part is not where its kind puts it")


def _external_allowed(rel_type: str, target: str) -> bool:
    if _HYPERLINK.search(rel_type):
        return True
    # A local path: a drive letter or none, never a host (UNC, file://host, http://…).
    path = urllib.parse.unquote(target.strip())
    return bool(_TEMPLATE.search(rel_type) and _LOCAL_FILE.fullmatch(path))


_ENCODING = re.compile(r"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_OPEN = r"<\s*(?:[A-Za-z_][\w.-]*:)?{}(?![\w.:-])"
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    if data.startswith((b"<\x00", b"\x00<")):
        return data.decode("utf-16-le" if data[0] == 0x3C else "utf-16-be", "replace")
    text = data.decode("utf-8", "replace").lstrip("\ufeff")
    declared = _ENCODING.match(text)
    if declared and declared[1].lower().replace("_", "-") not in ("utf-8", "utf8", "us-ascii"):
        try:
            text = data.decode(declared[1], "replace")
        except LookupError:
            raise RefusedPackage(f"{name} is in an unknown encoding") from None
    if re.search(r"<!\s*(?i:DOCTYPE|ENTITY)", text):
        raise RefusedPackage(f"{name} declares a DTD")  # entities could hide a type
    return text


def _tags(text: str, element: str, name: str) -> list[dict[str, str]]:
    """The attributes (local names, entities resolved) of every ``element`` start tag. A start
    tag that cannot be read whole is refused rather than skipped."""
    opening = re.compile(_OPEN.format(element))
    whole = re.compile(
        _OPEN.format(element) + r"""((?:\s+[^\s=/>"']+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*/?>"""
    )
    found = []
    for start in opening.finditer(text):
        tag = whole.match(text, start.start())
        if tag is None:
            raise RefusedPackage(f"{name}: an unreadable <{element}> tag")
        found.append(
            {
                key.rsplit(":", 1)[-1]: html.unescape(double or single)
                for key, double, single in _ATTRIBUTE.findall(tag[1])
            }
        )
    return found
