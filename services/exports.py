"""Exports for provincial staff and city bureaus (issue 15 item 3): the centre register, the
annual-report summary of a year, the funding ledger and the IP register, as ``.xlsx`` or
``.csv``, scoped exactly like the GraphQL lists they mirror (R-ACC-5).

**Who.** Each export needs the ``export`` action on its resource (``centre``, ``annual_report``,
``funding``, ``ip_asset``; policy.csv: provincial staff ``all``, bureaus ``own_city``); anyone
else is NotAllowed before a row is read (the denial audited). The rows come from the caller's
READ scope of the same resource (``services/export_sheets.py``), so an export never holds a row
the matching list would not show. Every export is audited (``<resource>.export``) with its
name, format, year and row count: bulk reads by staff leave a trail.

**Workbook library: openpyxl** (3.1.5, maintained, MIT), in write-only mode
(``Workbook(write_only=True)``): rows go straight to a temporary XML file as they are appended,
so memory stays flat however many rows there are, and the same library reads workbooks back in
the tests. It supports what the sheets need in that mode: typed cells with number formats, a
frozen header row, column widths. (XlsxWriter's ``constant_memory`` would do as well but is
write-only: the tests would need openpyxl anyway.)

**Cells.** Amounts are number cells in CNY with the format ``#,##0.00``. Excel stores every
number as an IEEE double, and openpyxl writes a Decimal as ``%.16g`` of its double: every amount
the programme accepts (at most 10^13 CNY with two places, so at most 15 significant digits)
round-trips exactly, so the cell holds exactly the Decimal's value. Programme dates (UTC+8) are
date cells ``yyyy-mm-dd``; counts are integer cells; text is always a string cell (a name
starting with ``=`` is never taken for a formula). The header row (Chinese) is frozen.

**CSV.** UTF-8 with a byte-order mark (so Excel detects the encoding), ``csv`` module, CRLF
lines; amounts in their canonical two-place form (``1234.50``), dates ISO (``2026-05-31``), empty
for none. Text that a spreadsheet would run as a formula (starting with ``= + - @``, a tab or a
carriage return) gets a leading ``'`` (OWASP's CSV-injection advice).
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from models.audit import Outcome
from models.base import programme_today
from models.money import FEN
from models.vocabulary import term
from policies.enforcer import Authorizer
from policies.vocabulary import Action, Resource
from services import export_sheets as sheets
from services.actor import Actor
from services.errors import BadInput, NotFound
from services.funding_totals import FIRST_YEAR, LAST_YEAR

BOM = "\ufeff".encode()
AMOUNT_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
FORMATS = ("xlsx", "csv")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot hold (openpyxl refuses them); text inputs refuse them already.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class ColumnKind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    AMOUNT = "amount"  # CNY, Decimal with two places
    DATE = "date"  # a UTC+8 calendar day


@dataclass(frozen=True, slots=True)
class Column:
    zh: str  # the header in the sheet
    en: str  # its English name (docs, README)
    kind: ColumnKind = ColumnKind.TEXT
    width: int = 14


@dataclass(frozen=True, slots=True)
class ExportSpec:
    name: str  # in the URL: /exports/{name}.{format}
    title: str  # the file and sheet name (Chinese)
    resource: Resource  # the export needs Action.EXPORT on it
    columns: tuple[Column, ...]
    source: sheets.RowSource
    year: str = "none"  # "none": no year filter; "optional"; "default": last year if none


T, N, A, D = ColumnKind.TEXT, ColumnKind.INTEGER, ColumnKind.AMOUNT, ColumnKind.DATE
_REVENUE = tuple(
    Column(f"收入-{label}(元)", f"Revenue: {term(source)} (CNY)", A)
    for source, label in sheets.REVENUE_SOURCE.items()
)
_STANDARDS = tuple(
    Column(f"{label}(项)", f"Standards: {term(level)}", N, 10)
    for level, label in sheets.STANDARD_LEVEL.items()
)
EXPORTS: dict[str, ExportSpec] = {
    spec.name: spec
    for spec in (
        ExportSpec(
            "centres",
            "创新中心名册",
            Resource.CENTRE,
            (
                Column("中心名称", "Name", T, 30),
                Column("所在城市", "City", T, 10),
                Column("所属产业", "Industry", T, 18),
                Column("状态", "Status", T, 12),
                Column("状态代码", "Status code", T, 16),
                Column("牵头单位", "Lead organisation", T, 28),
                Column("国家级", "National", T, 8),
                Column("运营公司", "Operating company", T, 24),
                Column("研究方向", "Direction", T, 24),
                Column("列入培育日期", "Listed on", D, 12),
                Column("批复成立日期", "Established on", D, 12),
                Column("固定资产投资(元)", "Fixed-asset investment (CNY)", A, 18),
                Column("软件投资(元)", "Software investment (CNY)", A, 18),
            ),
            sheets.centre_rows,
        ),
        ExportSpec(
            "annual-reports",
            "年度报告汇总",
            Resource.ANNUAL_REPORT,
            (
                Column("中心名称", "Centre", T, 30),
                Column("所在城市", "City", T, 10),
                Column("报告年度", "Year", N, 10),
                Column("状态", "Status", T, 12),
                Column("状态代码", "Status code", T, 12),
                Column("逾期", "Late", T, 8),
                Column("首次提交日期", "First submitted on", D, 12),
                Column("最近提交日期", "Last submitted on", D, 12),
                Column("市局报送日期", "Forwarded on", D, 12),
                Column("省级接收日期", "Received on", D, 12),
                *_REVENUE,
                Column("研发投入(元)", "R&D spending (CNY)", A, 16),
                Column("新增知识产权(项)", "IP created", N, 10),
                *_STANDARDS,
                Column("研发人员(人)", "R&D staff", N, 10),
                Column("高层次人才(人)", "High-level talent", N, 10),
                Column("孵化企业(家)", "Enterprises incubated", N, 10),
                Column("种子资金(元)", "Seed financing (CNY)", A, 16),
            ),
            sheets.annual_report_rows,
            year="default",
        ),
        ExportSpec(
            "funding-ledger",
            "资金台账",
            Resource.FUNDING,
            (
                Column("中心名称", "Centre", T, 30),
                Column("资金类别", "Programme", T, 16),
                Column("资金类别代码", "Programme code", T, 16),
                Column("类型", "Kind", T, 8),
                Column("类型代码", "Kind code", T, 14),
                Column("期次", "Instalment", N, 8),
                Column("用途", "Purpose", T, 14),
                Column("用途代码", "Purpose code", T, 10),
                Column("金额(元)", "Amount (CNY)", A, 18),
                Column("起息日期", "Value date", D, 12),
                Column("支付凭证号", "Payment reference", T, 20),
                Column("原因", "Reason", T, 24),
            ),
            sheets.ledger_rows,
            year="optional",
        ),
        ExportSpec(
            "ip-register",
            "知识产权登记簿",
            Resource.IP_ASSET,
            (
                Column("中心名称", "Centre", T, 30),
                Column("类型", "Kind", T, 12),
                Column("类型代码", "Kind code", T, 20),
                Column("编号", "Number", T, 20),
                Column("名称", "Title", T, 30),
                Column("申请日期", "Filed on", D, 12),
                Column("授权日期", "Granted on", D, 12),
                Column("法律状态", "Legal status", T, 10),
                Column("法律状态代码", "Legal status code", T, 12),
                Column("当前共有人及份额", "Current owners and shares", T, 40),
            ),
            sheets.ip_rows,
            year="optional",
        ),
    )
}


@dataclass(slots=True)
class Export:
    """One export in progress: what, for whom, and how many rows went out so far."""

    spec: ExportSpec
    format: str
    authz: Authorizer
    year: int | None
    rows: int = field(default=0)

    @property
    def file_name(self) -> str:
        """``创新中心名册.xlsx``, ``年度报告汇总-2025.csv``."""
        suffix = f"-{self.year}" if self.year is not None else ""
        return f"{self.spec.title}{suffix}.{self.format}"

    async def batches(self) -> AsyncIterator[list[sheets.Row]]:
        async for batch in self.spec.source(self.authz, self.year):
            self.rows += len(batch)
            yield batch


def _year(spec: ExportSpec, value: str | None) -> int | None:
    if value is None or value == "":
        return programme_today().year - 1 if spec.year == "default" else None
    if spec.year == "none":
        raise BadInput(f"the {spec.name} export takes no year", field="year")
    if not value.isascii() or not value.isdigit() or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        raise BadInput(f"a year from {FIRST_YEAR} to {LAST_YEAR}", field="year")
    return int(value)


async def open_export(actor: Actor, name: str, format: str, year: str | None) -> Export:
    """Decide an export before any row is read: signed in (Unauthenticated), a known export and
    format (NotFound("export")), the ``export`` right on its resource (NotAllowed, audited),
    a year from 1990 to 2999 where the export takes one (BadInput(field="year")). The annual-
    report summary defaults to last year (UTC+8)."""
    await actor.caller()
    spec = EXPORTS.get(name)
    if spec is None or format not in FORMATS:
        raise NotFound("export")
    authz = await actor.require(spec.resource, Action.EXPORT)
    return Export(spec, format, authz, _year(spec, year))


async def audit_export(actor: Actor, export: Export) -> None:
    """The trail of one export: ``<resource>.export``, the export's name, format, year, rows."""
    await actor.audit(
        f"{export.spec.resource}.{Action.EXPORT}",
        Outcome.SUCCESS,
        resource=export.spec.resource,
        decision=Action.EXPORT,
        object_type="export",
        object_id=export.spec.name,
        after={"format": export.format, "year": export.year, "rows": export.rows},
    )


def _csv_text(value: sheets.Cell, kind: ColumnKind) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.quantize(FEN), "f")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if kind is ColumnKind.TEXT and text.startswith(_FORMULA_START):
        return "'" + text
    return text


async def csv_chunks(actor: Actor, export: Export) -> AsyncIterator[bytes]:
    """The export as UTF-8 CSV with a BOM, one chunk per batch of rows; audited at the end."""
    kinds = [c.kind for c in export.spec.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.zh for c in export.spec.columns])
    yield BOM + buffer.getvalue().encode()
    async for batch in export.batches():
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(
            [_csv_text(v, k) for v, k in zip(row, kinds, strict=True)] for row in batch
        )
        yield buffer.getvalue().encode()
    await audit_export(actor, export)


def _cell(sheet: WriteOnlyWorksheet, value: sheets.Cell, kind: ColumnKind) -> Cell:
    cell = WriteOnlyCell(sheet)
    if value is None:
        return cell
    if kind is ColumnKind.TEXT:
        cell.value = _ILLEGAL_XML.sub("", str(value))
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell
    cell.value = value
    if kind is ColumnKind.AMOUNT:
        cell.number_format = AMOUNT_FORMAT
    elif kind is ColumnKind.DATE:
        cell.number_format = DATE_FORMAT
    return cell


async def write_xlsx(actor: Actor, export: Export, path: Path) -> None:
    """Write the export as a workbook at ``path`` (write-only: rows go to disk as they come),
    one sheet named after the export, header row bold and frozen; audited once written."""
    book = Workbook(write_only=True)
    sheet: WriteOnlyWorksheet = book.create_sheet(export.spec.title)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(export.spec.columns, start=1):
        # Set up by Worksheet._setup in write-only mode too; the stubs do not list it.
        dimensions = sheet.column_dimensions  # type: ignore[attr-defined]
        dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in export.spec.columns:
        cell = WriteOnlyCell(sheet, value=column.zh)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    kinds = [c.kind for c in export.spec.columns]
    async for batch in export.batches():
        for row in batch:
            sheet.append([_cell(sheet, v, k) for v, k in zip(row, kinds, strict=True)])
    await asyncio.to_thread(book.save, path)  # zips the sheet written so far: off the loop
    await audit_export(actor, export)
