"""Issue 9, kind 7: Office (DOCX/XLSX/PPTX) and OFD files with active content are refused (415),
decided by an allow-list of the parts each format may hold and by the types its manifests
declare — while ordinary files, as Office, WPS and LibreOffice write them, are accepted.

The fixtures are built with ``zipfile`` and mimic real packages: manifests with the real
namespaces, content types and relationship types, parts linked from the parts that use them.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from models.accounts import RoleName
from models.sniffing import DOCX, OFD, PPTX, XLSX, RefusedPackage, package_kind
from tests.helpers import World, error_codes

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
MS = "http://schemas.microsoft.com/office/2006/relationships/"
O11 = "http://schemas.microsoft.com/office/2011/relationships/"
O17 = "http://schemas.microsoft.com/office/2017/10/relationships/"
PKG = "http://schemas.openxmlformats.org/package/2006/"
OX = "application/vnd.openxmlformats-officedocument."
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MAIN = {
    "word/document.xml": OX + "wordprocessingml.document.main+xml",
    "xl/workbook.xml": OX + "spreadsheetml.sheet.main+xml",
    "ppt/presentation.xml": OX + "presentationml.presentation.main+xml",
}
ML = {"word": "wordprocessingml", "xl": "spreadsheetml", "ppt": "presentationml"}
BOOK, DOC, PRES = "xl/workbook.xml", "word/document.xml", "ppt/presentation.xml"
SHEET, SLIDE = "xl/worksheets/sheet1.xml", "ppt/slides/slide1.xml"


def ml(folder: str, name: str) -> str:
    """An ordinary part's content type, e.g. ml("word", "settings")."""
    return f"{OX}{ML[folder]}.{name}+xml"


@dataclass(frozen=True)
class Package:
    """An OOXML package: parts, content-type overrides, relationships (rels part -> links)."""

    parts: dict[str, bytes] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    links: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)

    def add(
        self,
        name: str,
        content_type: str | None = None,
        owner: str | None = None,
        rel: str = R + "customXml",
        data: bytes | None = None,
        external: str | None = None,
    ) -> Package:
        """A copy with part ``name`` (none when "") typed ``content_type``, linked from part
        ``owner`` ("" = the package) by a relationship of type ``rel`` (to ``external``, an
        external target, when given)."""
        parts, types, links = dict(self.parts), dict(self.types), dict(self.links)
        if name:
            parts[name] = data if data is not None else PNG if name.endswith(".png") else b"<x/>"
        if content_type:
            types["/" + name] = content_type
        if owner is not None:
            folder, _, base = owner.rpartition("/")
            rels = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
            target = external or posixpath.relpath(name, posixpath.dirname(owner) or ".")
            links[rels] = [*links.get(rels, []), (rel, target, "External" if external else "")]
        return replace(self, parts=parts, types=types, links=links)

    def typed(self, **defaults: str) -> Package:
        return replace(self, defaults={**self.defaults, **defaults})

    def zip(self) -> bytes:
        defaults = {"rels": "application/vnd.openxmlformats-package.relationships+xml"}
        defaults |= {"xml": "application/xml", "png": "image/png", **self.defaults}
        types = DECL + f'<Types xmlns="{PKG}content-types">'
        types += "".join(f'<Default Extension="{e}" ContentType="{t}"/>' for e, t in defaults.items())  # fmt: skip
        types += "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in self.types.items())  # fmt: skip
        files = {"[Content_Types].xml": (types + "</Types>").encode()}
        for rels, links in self.links.items():
            body = "".join(
                f'<Relationship Id="rId{i}" Type="{t}" Target="{target}"'
                + (f' TargetMode="{mode}"/>' if mode else "/>")
                for i, (t, target, mode) in enumerate(links, 1)
            )
            files[rels] = f'{DECL}<Relationships xmlns="{PKG}relationships">{body}</Relationships>'.encode()  # fmt: skip
        return _zip(files | self.parts)


def _zip(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


Spec = tuple[str, str | None, str | None, str]  # part, content type, linked from, relationship
W11, W16 = O11, "http://schemas.microsoft.com/office/2016/09/relationships/"
CORE = ("docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml", "", PKG + "relationships/metadata/core-properties")  # fmt: skip
APP = ("docProps/app.xml", OX + "extended-properties+xml", "", R + "extended-properties")
MINIMAL: dict[str, list[Spec]] = {
    DOC: [("word/theme/theme1.xml", OX + "theme+xml", DOC, R + "theme"), ("word/styles.xml", ml("word", "styles"), DOC, R + "styles")],
    BOOK: [("xl/theme/theme1.xml", OX + "theme+xml", BOOK, R + "theme"), ("xl/styles.xml", ml("xl", "styles"), BOOK, R + "styles"),
           ("xl/worksheets/sheet1.xml", ml("xl", "worksheet"), BOOK, R + "worksheet")],
    PRES: [("ppt/theme/theme1.xml", OX + "theme+xml", PRES, R + "theme"), ("ppt/presProps.xml", ml("ppt", "presProps"), PRES, R + "presProps"),
           ("ppt/slideMasters/slideMaster1.xml", ml("ppt", "slideMaster"), PRES, R + "slideMaster"),
           ("ppt/slideLayouts/slideLayout1.xml", ml("ppt", "slideLayout"), "ppt/slideMasters/slideMaster1.xml", R + "slideLayout"),
           ("ppt/slides/slide1.xml", ml("ppt", "slide"), PRES, R + "slide"),
           ("ppt/slideLayouts/slideLayout1.xml", None, "ppt/slides/slide1.xml", R + "slideLayout")],
}  # fmt: skip
REALISTIC: dict[str, list[Spec]] = {
    # images, a chart, comments, headers and footers, notes, numbering, custom XML
    DOC: [(f"word/{n}.xml", ml("word", n), DOC, R + n) for n in ("settings", "webSettings", "fontTable", "numbering", "footnotes", "endnotes", "comments")]
    + [(f"word/{n}.xml", ml("word", n[:-1]), DOC, R + n[:-1]) for n in ("header1", "header2", "footer1")]
    + [("word/commentsExtended.xml", ml("word", "commentsExtended"), DOC, W11 + "commentsExtended"),
       ("word/commentsIds.xml", ml("word", "commentsIds"), DOC, W16 + "commentsIds"), ("word/people.xml", ml("word", "people"), DOC, W11 + "people"),
       ("word/media/image1.png", None, DOC, R + "image"), ("word/media/image2.jpeg", None, "word/header1.xml", R + "image"),
       ("word/media/image3.emf", None, DOC, R + "image"), ("customXml/item1.xml", None, DOC, R + "customXml"),
       ("customXml/itemProps1.xml", OX + "customXmlProperties+xml", "customXml/item1.xml", R + "customXmlProps"),
       ("docProps/custom.xml", OX + "custom-properties+xml", "", R + "custom-properties")],
    # two sheets, shared strings, a drawing with an image and a chart, comments (VML and
    # threaded), a table, printer settings; WPS's in-cell images
    BOOK: [("xl/worksheets/sheet2.xml", ml("xl", "worksheet"), BOOK, R + "worksheet"),
           ("xl/sharedStrings.xml", ml("xl", "sharedStrings"), BOOK, R + "sharedStrings"),
           ("xl/calcChain.xml", ml("xl", "calcChain"), BOOK, R + "calcChain"),
           ("xl/cellimages.xml", None, BOOK, "http://www.wps.cn/officeDocument/2020/cellImage"),
           ("xl/drawings/drawing1.xml", OX + "drawing+xml", SHEET, R + "drawing"),
           ("xl/media/image1.png", None, "xl/drawings/drawing1.xml", R + "image"),
           ("xl/charts/chart1.xml", OX + "drawingml.chart+xml", "xl/drawings/drawing1.xml", R + "chart"),
           ("xl/comments1.xml", ml("xl", "comments"), SHEET, R + "comments"),
           ("xl/drawings/vmlDrawing1.vml", None, SHEET, R + "vmlDrawing"),
           ("xl/threadedComments/threadedComment1.xml", "application/vnd.ms-excel.threadedcomments+xml", SHEET, O17 + "threadedComment"),
           ("xl/persons/person.xml", "application/vnd.ms-excel.person+xml", BOOK, O17 + "person"),
           ("xl/tables/table1.xml", ml("xl", "table"), "xl/worksheets/sheet2.xml", R + "table"),
           ("xl/printerSettings/printerSettings1.bin", None, SHEET, R + "printerSettings")],
    # slides with notes, an image, a video, a chart, modern comments, an embedded font
    PRES: [(f"ppt/{n}.xml", ml("ppt", n), PRES, R + n) for n in ("viewProps", "tableStyles", "commentAuthors")]
    + [("ppt/notesSlides/notesSlide1.xml", ml("ppt", "notesSlide"), SLIDE, R + "notesSlide"),
       ("ppt/notesMasters/notesMaster1.xml", ml("ppt", "notesMaster"), PRES, R + "notesMaster"),
       ("ppt/media/image1.png", None, SLIDE, R + "image"),
       ("ppt/media/media1.mp4", None, SLIDE, "http://schemas.microsoft.com/office/2007/relationships/media"),
       ("ppt/comments/modernComment_100_5C5E1A2B.xml", "application/vnd.ms-powerpoint.comments+xml", SLIDE, "http://schemas.microsoft.com/office/2018/10/relationships/comments"),
       ("ppt/fonts/font1.fntdata", None, PRES, R + "font")],
}  # fmt: skip
DEFAULTS = {
    DOC: {"jpeg": "image/jpeg", "emf": "image/x-emf"},
    BOOK: {"vml": OX + "vmlDrawing", "bin": OX + "spreadsheetml.printerSettings"},
    PRES: {"mp4": "video/mp4", "fntdata": "application/x-fontdata"},
}


def build(p: Package, specs: list[Spec]) -> Package:
    for spec in specs:
        p = p.add(*spec)
    return p


def minimal(main: str) -> Package:
    """What Office writes for an empty document, workbook or presentation."""
    p = Package().add(main, MAIN[main], "", R + "officeDocument").add(*CORE).add(*APP)
    return build(p, MINIMAL[main])


def realistic(main: str) -> Package:
    """An ordinary package (REALISTIC), a hyperlink, and a chart with its data if it can."""
    p = build(minimal(main), REALISTIC[main]).typed(**DEFAULTS[main])
    owner = {DOC: DOC, BOOK: SHEET, PRES: SLIDE}[main]
    p = p.add("", None, owner, R + "hyperlink", external="https://www.gxzf.gov.cn/")
    if main == BOOK:
        return p
    folder = main.split("/", 1)[0]
    chart, workbook = f"{folder}/charts/chart1.xml", minimal(BOOK).zip()
    p = p.add(chart, OX + "drawingml.chart+xml", owner, R + "chart")
    p = p.add(f"{folder}/charts/style1.xml", "application/vnd.ms-office.chartstyle+xml", chart, O11 + "chartStyle")  # fmt: skip
    p = p.add(f"{folder}/charts/colors1.xml", "application/vnd.ms-office.chartcolorstyle+xml", chart, O11 + "chartColorStyle")  # fmt: skip
    p = p.add(f"{folder}/embeddings/Microsoft_Excel_Worksheet.xlsx", None, chart, R + "package", workbook)  # fmt: skip
    return p.typed(xlsx=OX + "spreadsheetml.sheet")


OFD_PARTS = [
    "OFD.xml", "Doc_0/Document.xml", "Doc_0/PublicRes.xml", "Doc_0/DocumentRes.xml",
    "Doc_0/Pages/Page_0/Content.xml", "Doc_0/Pages/Page_1/Content.xml", "Doc_0/Tpls/Tpl_0/Content.xml",
    "Doc_0/Annots/Annotations.xml", "Doc_0/Annots/Page_0/Annotation.xml", "Doc_0/Tags/CustomTags.xml",
    "Doc_0/Signs/Signatures.xml", "Doc_0/Signs/Sign_0/Signature.xml", "Doc_0/Attachs/Attachments.xml",
    "Doc_0/Attachs/original_invoice.xml", "Doc_0/Res/image_80.png", "Doc_0/Res/image_81.JPG",
    "Doc_0/Res/font_13.ttf", "Doc_0/Pages/Page_0/Res/image_9.jb2", "Doc_0/Signs/Sign_0/SignedValue.dat",
    "Doc_0/Signs/Sign_0/Seal.esl",
]  # fmt: skip


def ofd(*extra: str) -> bytes:
    """An OFD as e-invoice and document systems issue it: pages, a template, resources, a
    signature with its seal, annotations, tags and the invoice's XML attachment."""
    return _zip({name: b"<ofd:x/>" for name in [*OFD_PARTS, *extra]})


def kind_of(data: bytes) -> str:
    return package_kind(zipfile.ZipFile(io.BytesIO(data)))


def _files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


def edited(data: bytes, name: str, old: bytes, new: bytes) -> bytes:
    """``data`` with ``old`` replaced by ``new`` in its part ``name``."""
    files = _files(data)
    assert old in files[name], files[name]
    return _zip(files | {name: files[name].replace(old, new)})


def with_directories(data: bytes) -> bytes:
    """``data`` with an entry for each folder first, as Java and some zip tools write."""
    files = _files(data)
    return _zip({n.rsplit("/", 1)[0] + "/": b"" for n in files if "/" in n} | files)


def utf16(data: bytes) -> bytes:
    """``data`` with its manifests in UTF-16 with a byte-order mark."""
    files = _files(data)
    for name, content in files.items():
        if name.endswith((".rels", "].xml")):
            text = content.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
            files[name] = text.encode("utf-16")
    return _zip(files)


XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
VBA = "application/vnd.ms-office.vbaProject"
ACTIVEX = "application/vnd.ms-office.activeX+xml"
OLE = OX + "oleObject"
GIVEN_XLSM = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<a/>", "xl/macrosheets/sheet1.xml": b"<a/>"}, zipfile.ZIP_STORED)  # fmt: skip
VBA_XLSX = minimal(BOOK).typed(bin=VBA).add("xl/vbaProject.bin", None, BOOK, MS + "vbaProject", b"\xd0\xcf")  # fmt: skip


def plus(main: str, *args: Any) -> Callable[[], bytes]:
    """A realistic package with one more part or link (``Package.add``'s arguments)."""
    return lambda: realistic(main).add(*args).zip()


HOSTILE: dict[str, Callable[[], bytes]] = {
    # Excel 4.0 macro sheets: the given book.xlsm, in a real workbook, at a worksheet's path…
    "macrosheet, the given zip": lambda: GIVEN_XLSM,
    "macrosheet in a real workbook": plus(BOOK, "xl/macrosheets/sheet1.xml", "application/vnd.ms-excel.macrosheet+xml", BOOK, MS + "xlMacrosheet"),
    "intl macrosheet": plus(BOOK, "xl/intlMacrosheets/sheet1.xml", "application/vnd.ms-excel.intlmacrosheet+xml", BOOK, MS + "xlIntlMacrosheet"),
    "macrosheet at a worksheet path": plus(BOOK, "xl/worksheets/sheet3.xml", "application/vnd.ms-excel.macrosheet+xml", BOOK, R + "worksheet"),
    "macrosheet by relationship only": plus(BOOK, "xl/worksheets/sheet3.xml", None, BOOK, MS + "xlMacrosheet"),
    "dialogsheet": plus(BOOK, "xl/dialogsheets/sheet1.xml", ml("xl", "dialogsheet"), BOOK, R + "dialogsheet"),
    "dialogsheet at a worksheet path": plus(BOOK, "xl/worksheets/sheet3.xml", ml("xl", "dialogsheet"), BOOK, R + "worksheet"),
    "dialogsheet by relationship only": plus(BOOK, "xl/chartsheets/sheet1.xml", None, BOOK, R + "dialogsheet"),
    "vbaProject in a workbook": VBA_XLSX.zip,
    "vbaProject in a document": lambda: realistic(DOC).typed(bin=VBA).add("word/vbaProject.bin", None, DOC, MS + "vbaProject").add("word/vbaData.xml", "application/vnd.ms-word.vbaData+xml", "word/vbaProject.bin", MS + "wordVbaData").zip(),
    "vbaProject in a presentation": plus(PRES, "ppt/vbaProject.bin", VBA, PRES, MS + "vbaProject"),
    "vbaProject named as an image": plus(DOC, "word/media/image9.png", None, DOC, MS + "vbaProject", b"\xd0\xcf\x11\xe0"),
    "vbaProject with no links": plus(DOC, "word/vbaProject.bin", None, None),
    # programs and scripts packed inside, under any name
    "jar, the given docx": plus(DOC, "word/tool.jar", None, None, R + "customXml", b"PK\x03\x04"),
    "hta, the given docx": plus(DOC, "word/run.hta", None, None, R + "customXml", b"<hta:application/>"),
    "jar among media": plus(DOC, "word/media/tool.jar", None, DOC, R + "image"),
    "hta as custom xml": plus(DOC, "customXml/run.hta", None, DOC, R + "customXml"),
    "jar in embeddings": plus(PRES, "ppt/embeddings/app.jar", None, None),
    "exe in embeddings": plus(DOC, "word/embeddings/setup.exe", None, None, R + "package", b"MZ\x90\x00"),
    "js among media": plus(BOOK, "xl/media/payload.js", None, None),
    "js in docProps": plus(DOC, "docProps/autorun.js", None, None),
    "exe behind an image name": plus(DOC, "word/media/image1.png.exe", None, None, R + "image", b"MZ"),
    # OLE objects and embedded packages other than clean chart data
    "OLE object in a document": lambda: realistic(DOC).typed(bin=OLE).add("word/embeddings/oleObject1.bin", None, DOC, R + "oleObject").zip(),
    "OLE object in a presentation": plus(PRES, "ppt/embeddings/oleObject1.bin", OLE, "ppt/slides/slide1.xml", R + "oleObject"),
    "document embedded in a workbook": plus(BOOK, "xl/embeddings/Microsoft_Word_Document.docx", None, "xl/worksheets/sheet1.xml", R + "package"),
    "macro workbook embedded": plus(DOC, "word/embeddings/Microsoft_Excel_Macro-Enabled_Worksheet.xlsm", None, DOC, R + "package"),
    "embedded xlsx holding VBA": plus(DOC, "word/embeddings/Microsoft_Excel_Worksheet9.xlsx", None, DOC, R + "package", VBA_XLSX.zip()),
    "embedded xlsx that is a document": plus(DOC, "word/embeddings/Microsoft_Excel_Worksheet9.xlsx", None, DOC, R + "package", minimal(DOC).zip()),
    # ActiveX controls
    "ActiveX in a document": lambda: realistic(DOC).add("word/activeX/activeX1.xml", ACTIVEX, DOC, R + "control").add("word/activeX/activeX1.bin", "application/vnd.ms-office.activeX", "word/activeX/activeX1.xml", MS + "activeXControlBinary").zip(),
    "ActiveX in a workbook": plus(BOOK, "xl/activeX/activeX1.xml", ACTIVEX, "xl/worksheets/sheet1.xml", R + "control"),
    "ActiveX in a presentation": plus(PRES, "ppt/activeX/activeX1.xml", ACTIVEX, "ppt/slides/slide1.xml", R + "control"),
    "ActiveX control at a form-control path": plus(BOOK, "xl/ctrlProps/ctrlProp1.xml", None, "xl/worksheets/sheet1.xml", R + "control"),
    # a macro-enabled type, every part otherwise clean
    "macro-enabled workbook type": lambda: replace(realistic(BOOK), types={**realistic(BOOK).types, "/xl/workbook.xml": XLSM_MAIN}).zip(),
    "macro-enabled document type": lambda: replace(minimal(DOC), types={"/word/document.xml": "application/vnd.ms-word.document.macroEnabled.main+xml"}).zip(),
    "macro-enabled presentation type": lambda: replace(minimal(PRES), types={"/ppt/presentation.xml": "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"}).zip(),
    "macro-enabled type by default": lambda: replace(minimal(BOOK), types={}).typed(xml=XLSM_MAIN).zip(),
    "vbaProject type declared alone": lambda: minimal(BOOK).typed(bin=VBA).zip(),
    # links that fetch or run something when the file is opened
    "external template": plus(DOC, "", None, "word/settings.xml", R + "attachedTemplate", None, "http://203.0.113.9/t.dotm"),
    "template on a share": plus(DOC, "", None, "word/settings.xml", R + "attachedTemplate", None, "file:///%5C%5C203.0.113.9/s/t.dotm"),
    "external OLE link": plus(DOC, "", None, DOC, R + "oleObject", None, "file:///C:/Windows/System32/cmd.exe"),
    "external picture on a share": plus(DOC, "", None, DOC, R + "image", None, "\\\\203.0.113.9\\s\\a.png"),
    "external workbook link": plus(BOOK, "xl/externalLinks/externalLink1.xml", ml("xl", "externalLink"), BOOK, R + "externalLink"),
    "data connection": plus(BOOK, "xl/connections.xml", ml("xl", "connections"), BOOK, R + "connections"),
    "web add-in": plus(DOC, "word/webextensions/webextension1.xml", "application/vnd.ms-office.webextension+xml", DOC, O11 + "webextension"),
    "online video": plus(PRES, "", None, "ppt/slides/slide1.xml", R + "video", None, "https://203.0.113.9/v"),
    # tricks on the manifests themselves
    "type hidden by a character reference": lambda: edited(HOSTILE["vbaProject named as an image"](), "word/_rels/document.xml.rels", b"vbaProject", b"&#118;baProject"),
    "a DTD in the content types": lambda: edited(minimal(BOOK).zip(), "[Content_Types].xml", b"<Types", b'<!DOCTYPE t [<!ENTITY m "macroEnabled">]><Types'),
    "a tag the scanner cannot read": lambda: edited(minimal(DOC).zip(), "_rels/.rels", b'Id="rId1"', b'Id="rId1" Target>'),
    "main part elsewhere": lambda: edited(minimal(BOOK).zip(), "_rels/.rels", b'Target="xl/workbook.xml"', b'Target="xl/worksheets/sheet1.xml"'),
    "two parts differing in case": lambda: _zip({"[Content_Types].xml": b"", "xl/workbook.xml": b"", "XL/Workbook.xml": b""}),
    "OFD with a script resource": lambda: ofd("Doc_0/Res/run.js"),
    "OFD with a program attached": lambda: ofd("Doc_0/Attachs/tool.exe"),
    "OFD with a program behind a font name": lambda: ofd("Doc_0/Res/font_1.ttf.exe"),
}  # fmt: skip

ACCEPTED: dict[str, tuple[Callable[[], bytes], str]] = {
    "minimal docx": (lambda: minimal(DOC).zip(), DOCX),
    "minimal xlsx": (lambda: minimal(BOOK).zip(), XLSX),
    "minimal pptx": (lambda: minimal(PRES).zip(), PPTX),
    "realistic docx": (lambda: realistic(DOC).zip(), DOCX),
    "realistic xlsx": (lambda: realistic(BOOK).zip(), XLSX),
    "realistic pptx": (lambda: realistic(PRES).zip(), PPTX),
    "realistic ofd": (ofd, OFD),
    "docx from a template": (lambda: replace(minimal(DOC), types={"/word/document.xml": ml("word", "template.main")}).zip(), DOCX),
    "xlsx with a BOM and directory entries": (lambda: with_directories(edited(minimal(BOOK).zip(), "[Content_Types].xml", b"<?xml", b"\xef\xbb\xbf<?xml")), XLSX),
    "pptx in UTF-16 manifests": (lambda: utf16(realistic(PRES).zip()), PPTX),
    "docx from a template on the author's disk": (plus(DOC, "", None, "word/settings.xml", R + "attachedTemplate", None, "file:///C:\\Users\\li\\AppData\\Roaming\\Microsoft\\Templates\\公文.dotx"), DOCX),
}  # fmt: skip


@pytest.mark.parametrize("name", list(ACCEPTED))
def test_hostile_office_ordinary_files_are_accepted(name: str) -> None:
    build, expected = ACCEPTED[name]
    assert kind_of(build()) == expected


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_office_active_content_is_refused(name: str) -> None:
    with pytest.raises(RefusedPackage):
        kind_of(HOSTILE[name]())


def test_hostile_office_the_refusal_names_what_is_refused() -> None:
    with pytest.raises(RefusedPackage, match=r"xl/macrosheets/sheet1\.xml"):
        kind_of(GIVEN_XLSM)  # the 384-byte book.xlsm of the finding
    with pytest.raises(RefusedPackage, match=r"word/run\.hta"):
        kind_of(HOSTILE["hta, the given docx"]())
    with pytest.raises(RefusedPackage, match="macroEnabled"):
        kind_of(HOSTILE["macro-enabled workbook type"]())


Upload = Callable[[bytes, str], Awaitable[httpx.Response]]


@pytest.fixture
async def upload(settings: Settings, database: None, world: World) -> AsyncIterator[Upload]:
    """POST /documents as the lead enterprise of a centre, with a file name."""
    lead_org = await world.organisation("450200")
    centre = await world.centre(lead_org)
    token = world.token(await world.user(RoleName.ENTERPRISE, organisation=lead_org))
    app = create_app(settings, manage_db=False)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    headers = {"authorization": f"Bearer {token}"}
    params = {"centreId": str(centre.id), "kind": "CONSTRUCTION_PLAN", "title": "建设方案"}
    async with httpx.AsyncClient(transport=transport, base_url="http://mic.test") as http:

        async def send(body: bytes, file_name: str) -> httpx.Response:
            query = {**params, "fileName": file_name}
            return await http.post("/documents", content=body, params=query, headers=headers)

        yield send


UPLOADED = {  # hostile case: the name it is uploaded under
    "macrosheet, the given zip": "book.xlsm", "jar, the given docx": "方案.docx", "hta, the given docx": "方案.docx",
    "macrosheet at a worksheet path": "book.xlsx", "vbaProject in a presentation": "slides.pptx",
    "OLE object in a document": "plan.docx", "ActiveX in a workbook": "book.xlsx", "macro-enabled workbook type": "book.xlsx",
    "external template": "plan.docx", "OFD with a program attached": "invoice.ofd",
}  # fmt: skip


@pytest.mark.parametrize(("name", "file_name"), list(UPLOADED.items()))
async def test_hostile_office_uploads_with_active_content_get_415(
    upload: Upload, name: str, file_name: str
) -> None:
    response = await upload(HOSTILE[name](), file_name)
    assert response.status_code == 415, response.text
    assert error_codes(response.json()) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("name", [f"realistic {kind}" for kind in ("docx", "xlsx", "pptx", "ofd")])
async def test_hostile_office_ordinary_uploads_are_stored(upload: Upload, name: str) -> None:
    build, expected = ACCEPTED[name]
    response = await upload(build(), "材料")
    assert response.status_code == 201, response.text
    assert response.json()["version"]["mediaType"] == expected
