"""Exports (issue 15 item 3): GET /exports/{name}.{xlsx|csv}, scoped like the lists (R-ACC-5)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from graphql import GraphQLEnumType, build_schema
from openpyxl import load_workbook

from models.accounts import RoleName, User
from models.annual_reports import AnnualReport, ReportStatus
from models.audit import AuditEntry
from models.centres import Centre
from models.funding import EntryKind, FundingProgramme, LedgerEntry
from models.ip_register import IpAsset, IpKind, IpShare, IpShareSet, LegalStatus
from models.reference import Organisation
from services import export_sheets
from tests.helpers import World

NANNING, LIUZHOU = "450100", "450200"
SDL = build_schema(Path("schema/schema.graphql").read_text(encoding="utf-8"))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Programme:
    staff: User
    bureau: User  # Nanning's
    nanning: Centre
    liuzhou: Centre
    lead: Organisation  # leads the Nanning centre
    partner: Organisation  # co-owns the Nanning patent


@pytest.fixture
async def programme(world: World) -> Programme:
    # given a Nanning centre and a Liuzhou centre, each with a report, ledger entries and an IP
    # asset; provincial staff and the Nanning bureau
    lead, partner = await world.organisation(NANNING), await world.organisation(LIUZHOU)
    nanning = await world.centre(lead, members=[partner], name="南宁智能装备创新中心")
    liuzhou = await world.centre(await world.organisation(LIUZHOU), name="柳州汽车创新中心")
    await Centre.filter(id=nanning.id).update(
        listed_on=date(2023, 4, 1),
        established_on=date(2025, 6, 30),
        fixed_asset_investment=Decimal("12345678.90"),
        software_investment=Decimal("0.10"),
        operating_company='=HYPERLINK("http://x")',
    )
    staff = await world.user(RoleName.PROVINCIAL_STAFF)
    for centre, revenue in ((nanning, "1500000.25"), (liuzhou, "99.00")):
        await AnnualReport.create(
            centre_id=centre.id,
            year=2025,
            status=ReportStatus.FORWARDED,
            revenue_technology_transfer=Decimal(revenue),
            rd_spending=Decimal("800000.00"),
            ip_created=7,
            rd_staff=42,
            late=centre is liuzhou,
            # 31 May 2026 20:00 UTC is 1 June in the province (UTC+8)
            first_submitted_at=datetime(2026, 5, 31, 20, 0, tzinfo=UTC),
            submitted_at=datetime(2026, 5, 31, 20, 0, tzinfo=UTC),
            forwarded_at=datetime(2026, 6, 3, 1, 0, tzinfo=UTC),
        )
        await AnnualReport.create(centre_id=centre.id, year=2024, status=ReportStatus.RECEIVED)
        await LedgerEntry.create(
            centre_id=centre.id,
            programme=FundingProgramme.SUBSIDY,
            kind=EntryKind.DISBURSEMENT,
            instalment=1,
            amount_fen=500_000_050,
            value_date=date(2025, 7, 1),
            year=2025,
            payment_reference="PAY-1",
        )
        asset = await IpAsset.create(
            centre_id=centre.id,
            kind=IpKind.SOFTWARE_COPYRIGHT,
            title=f"{centre.name}软件",
            number=f"2025SR{centre.name[:2]}",
            filed_on=date(2025, 3, 1),
            granted_on=date(2025, 9, 1),
            legal_status=LegalStatus.GRANTED,
            recorded_by_id=staff.id,
        )
        first = await IpShareSet.create(
            asset_id=asset.id, number=1, effective_on=date(2025, 3, 1), recorded_by_id=staff.id
        )
        await IpShare.create(
            share_set_id=first.id, organisation_id=centre.lead_organisation_id, share=100
        )
    # the Nanning patent was later shared 60/40 with the partner (share set 2 is current)
    nanning_asset = await IpAsset.get(centre_id=nanning.id)
    second = await IpShareSet.create(
        asset_id=nanning_asset.id, number=2, effective_on=date(2025, 8, 1), recorded_by_id=staff.id
    )
    await IpShare.create(share_set_id=second.id, organisation_id=lead.id, share=Decimal("60"))
    await IpShare.create(share_set_id=second.id, organisation_id=partner.id, share=Decimal("40"))
    # a reversal of the Nanning payment
    paid = await LedgerEntry.get(centre_id=nanning.id)
    await LedgerEntry.create(
        centre_id=nanning.id,
        programme=FundingProgramme.SUBSIDY,
        kind=EntryKind.REVERSAL,
        instalment=1,
        amount_fen=-500_000_050,
        value_date=date(2026, 1, 5),
        year=2026,
        reason="-误付冲正",
        reverses_id=paid.id,
    )
    bureau = await world.user(RoleName.MUNICIPAL_BUREAU, city_code=NANNING)
    return Programme(staff, bureau, nanning, liuzhou, lead, partner)


async def _get(
    client: httpx.AsyncClient, world: World, user: User | None, path: str
) -> httpx.Response:
    headers = {"authorization": f"Bearer {world.token(user)}"} if user is not None else {}
    return await client.get(path, headers=headers)


def _sheet(response: httpx.Response) -> list[tuple[object, ...]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    book = load_workbook(BytesIO(response.content), read_only=True)
    return [tuple(c.value for c in row) for row in book.active.iter_rows()]


def _csv(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_r_acc_5_the_centre_register_workbook_has_typed_cells_and_a_frozen_header(
    client: httpx.AsyncClient, world: World, programme: Programme
) -> None:
    # when provincial staff export the centre register as a workbook
    response = await _get(client, world, programme.staff, "/exports/centres.xlsx")
    rows = _sheet(response)
    # then the header is Chinese and every centre is a row, by name
    assert rows[0][:5] == ("中心名称", "所在城市", "所属产业", "状态", "状态代码")
    assert [r[0] for r in rows[1:]] == ["南宁智能装备创新中心", "柳州汽车创新中心"]
    nanning = rows[1]
    assert (nanning[1], nanning[5]) == ((await world.city(NANNING)).name_zh, programme.lead.name)
    assert (nanning[3], nanning[4]) == ("批复成立", "ESTABLISHED")  # the label, then the term
    assert nanning[7] == '=HYPERLINK("http://x")'  # a string, never a formula
    # and dates are date cells, amounts exact number cells with two places
    book = load_workbook(BytesIO(response.content), read_only=True)
    cells = next(iter(book.active.iter_rows(min_row=2, max_row=2)))
    assert cells[9].is_date and cells[9].value == datetime(2023, 4, 1)
    assert cells[11].data_type == "n" and cells[11].number_format == "#,##0.00"
    assert Decimal(str(cells[11].value)) == Decimal("12345678.90")
    assert Decimal(str(cells[12].value)) == Decimal("0.10")
    assert cells[7].data_type == "s"
    # and the header row is frozen
    assert load_workbook(BytesIO(response.content)).active.freeze_panes == "A2"
    # and the download is named in Chinese and never cached
    name = quote("创新中心名册.xlsx")
    assert f"filename*=UTF-8''{name}" in response.headers["content-disposition"]
    assert "no-store" in response.headers["cache-control"]


async def test_r_acc_5_a_bureau_exports_its_city_only_in_every_export(
    client: httpx.AsyncClient, world: World, programme: Programme
) -> None:
    # when the Nanning bureau takes every export in both formats
    for name in ("centres", "annual-reports", "funding-ledger", "ip-register"):
        sheet = _sheet(await _get(client, world, programme.bureau, f"/exports/{name}.xlsx"))
        table = _csv(await _get(client, world, programme.bureau, f"/exports/{name}.csv"))
        # then only Nanning's centre appears, and the csv holds the same rows as the workbook
        assert {r[0] for r in sheet[1:]} == {"南宁智能装备创新中心"}, name
        assert {r[0] for r in table[1:]} == {"南宁智能装备创新中心"}, name
        assert (
            "柳州" not in (await _get(client, world, programme.bureau, f"/exports/{name}.csv")).text
        )
        assert len(sheet) == len(table)
    # and staff see Liuzhou's rows too
    table = _csv(await _get(client, world, programme.staff, "/exports/funding-ledger.csv"))
    assert {r[0] for r in table[1:]} == {"南宁智能装备创新中心", "柳州汽车创新中心"}


async def test_r_asm_3_the_annual_report_summary_of_a_year(
    client: httpx.AsyncClient, world: World, programme: Programme
) -> None:
    # when staff export the summary of 2025
    response = await _get(client, world, programme.staff, "/exports/annual-reports.xlsx?year=2025")
    rows = _sheet(response)
    header = rows[0]
    # then each centre's 2025 report is one row (2024's are not), dates in UTC+8
    assert [r[0] for r in rows[1:]] == ["南宁智能装备创新中心", "柳州汽车创新中心"]
    nanning, liuzhou = (dict(zip(header, r, strict=True)) for r in rows[1:])
    assert nanning["报告年度"] == 2025 and nanning["状态"] == "已审核报送"
    assert nanning["状态代码"] == "FORWARDED"
    assert nanning["逾期"] == "否" and liuzhou["逾期"] == "是"
    assert nanning["首次提交日期"] == datetime(2026, 6, 1)
    assert nanning["市局报送日期"] == datetime(2026, 6, 3)
    assert nanning["省级接收日期"] is None
    assert Decimal(str(nanning["收入-技术成果转化(元)"])) == Decimal("1500000.25")
    assert nanning["新增知识产权(项)"] == 7 and nanning["研发人员(人)"] == 42
    assert (
        f"filename*=UTF-8''{quote('年度报告汇总-2025.xlsx')}"
        in response.headers["content-disposition"]
    )
    # and the csv of 2024 holds 2024's reports only, amounts in canonical form
    table = _csv(
        await _get(client, world, programme.staff, "/exports/annual-reports.csv?year=2024")
    )
    assert [r[2] for r in table[1:]] == ["2024", "2024"]
    assert table[1][10] == "0.00"


async def test_r_fund_4_the_ledger_csv_has_exact_signed_amounts(
    client: httpx.AsyncClient, world: World, programme: Programme
) -> None:
    # when the bureau exports the ledger as csv
    table = _csv(await _get(client, world, programme.bureau, "/exports/funding-ledger.csv"))
    # then its header is Chinese, and the payment and its reversal are exact, in the order recorded
    assert table[0] == [
        "中心名称",
        "资金类别",
        "资金类别代码",
        "类型",
        "类型代码",
        "期次",
        "用途",
        "用途代码",
        "金额(元)",
        "起息日期",
        "支付凭证号",
        "原因",
    ]
    assert [(r[3], r[4], r[8], r[9]) for r in table[1:]] == [
        ("拨付", "DISBURSEMENT", "5000000.50", "2025-07-01"),
        ("冲正", "REVERSAL", "-5000000.50", "2026-01-05"),
    ]
    # and text that a spreadsheet would run is quoted
    assert table[2][11] == "'-误付冲正"
    # when the ledger of 2026 is asked for as a workbook, then only the reversal is there
    rows = _sheet(
        await _get(client, world, programme.bureau, "/exports/funding-ledger.xlsx?year=2026")
    )
    assert [(r[3], r[8]) for r in rows[1:]] == [("冲正", -5000000.5)]


async def test_r_ip_2_the_ip_register_shows_the_current_owners_and_shares(
    client: httpx.AsyncClient, world: World, programme: Programme
) -> None:
    # when staff export the IP register
    rows = _sheet(await _get(client, world, programme.staff, "/exports/ip-register.xlsx"))
    by_centre = {r[0]: r for r in rows[1:]}
    # then the Nanning asset shows its latest share set, largest share first
    nanning = by_centre["南宁智能装备创新中心"]
    assert nanning[1:3] == ("软件著作权", "SOFTWARE_COPYRIGHT")
    assert nanning[7:9] == ("已授权", "GRANTED")
    assert nanning[5] == datetime(2025, 3, 1)
    assert nanning[9] == f"{programme.lead.name} 60.0000%；{programme.partner.name} 40.0000%"
    assert by_centre["柳州汽车创新中心"][9].endswith(" 100.0000%")


async def test_r_acc_5_exports_are_read_in_keyset_batches(
    client: httpx.AsyncClient, world: World, programme: Programme, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given batches of one row
    original = export_sheets.keyset_batches

    def one_by_one(*args: object, **kwargs: object) -> object:
        return original(*args, size=1)  # type: ignore[arg-type]

    monkeypatch.setattr(export_sheets, "keyset_batches", one_by_one)
    # when staff export the ledger, then every entry comes once, in order
    table = _csv(await _get(client, world, programme.staff, "/exports/funding-ledger.csv"))
    assert [r[3] for r in table[1:]] == ["拨付", "拨付", "冲正"]
    rows = _sheet(await _get(client, world, programme.staff, "/exports/centres.xlsx"))
    assert len(rows) == 3


async def test_r_acc_5_every_export_is_audited_with_its_row_count(
    client: httpx.AsyncClient, world: World, programme: Programme
) -> None:
    # when the bureau exports the ledger as csv and the register as a workbook
    _csv(await _get(client, world, programme.bureau, "/exports/funding-ledger.csv?year=2025"))
    _sheet(await _get(client, world, programme.bureau, "/exports/ip-register.xlsx"))
    # then each is in the audit log with its name, format, year and rows
    entries = await AuditEntry.filter(object_type="export").order_by("seq")
    assert [(e.action, e.object_id, e.after, e.role) for e in entries] == [
        (
            "funding.export",
            "funding-ledger",
            {"format": "csv", "year": 2025, "rows": 1},
            "municipal_bureau",
        ),
        (
            "ip_asset.export",
            "ip-register",
            {"format": "xlsx", "year": None, "rows": 1},
            "municipal_bureau",
        ),
    ]


async def test_r_acc_5_without_a_token_an_export_is_401(
    client: httpx.AsyncClient, world: World, programme: Programme
) -> None:
    for path in ("/exports/centres.xlsx", "/exports/funding-ledger.csv", "/exports/nothing.pdf"):
        response = await _get(client, world, None, path)
        assert response.status_code == 401, path
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_r_acc_5_roles_without_the_export_right_get_403(
    client: httpx.AsyncClient, world: World, programme: Programme
) -> None:
    # given an expert, a member enterprise's user and a provincial administrator
    expert = await world.user(RoleName.EXPERT)
    member = await world.user(RoleName.ENTERPRISE, organisation=programme.lead)
    admin = await world.user(RoleName.PROVINCIAL_ADMIN)
    for user in (expert, member, admin):
        for path in (
            "/exports/centres.xlsx",
            "/exports/ip-register.csv?year=1",
            "/exports/annual-reports.csv",
        ):
            # then each is refused before anything else (even a bad year), and the denial audited
            response = await _get(client, world, user, path)
            assert response.status_code == 403, (user.username, path)
            assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await AuditEntry.filter(outcome="denied", action="centre.export").count() == 3


async def test_r_acc_5_an_unknown_export_or_format_is_404(
    client: httpx.AsyncClient, world: World, programme: Programme
) -> None:
    for path in (
        "/exports/users.xlsx",
        "/exports/centres.pdf",
        "/exports/centres",
        "/exports/.csv",
    ):
        response = await _get(client, world, programme.staff, path)
        assert response.status_code == 404, path


async def test_r_acc_5_a_year_out_of_range_is_400(
    client: httpx.AsyncClient, world: World, programme: Programme
) -> None:
    for path in (
        "/exports/annual-reports.xlsx?year=1989",
        "/exports/funding-ledger.csv?year=3000",
        "/exports/ip-register.csv?year=２０２５",
        "/exports/annual-reports.csv?year=-1",
        "/exports/centres.csv?year=2025",  # the register takes no year
    ):
        response = await _get(client, world, programme.staff, path)
        assert response.status_code == 400, path
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_r_acc_5_every_code_column_reads_as_the_schema_enums(
    client: httpx.AsyncClient, world: World, programme: Programme
) -> None:
    # given the names of every enum value in the committed schema
    enum_values = {
        name for t in SDL.type_map.values() if isinstance(t, GraphQLEnumType) for name in t.values
    }
    for export in ("centres", "annual-reports", "funding-ledger", "ip-register"):
        # when staff take the export
        header, *rows = _csv(await _get(client, world, programme.staff, f"/exports/{export}.csv"))
        codes = [i for i, title in enumerate(header) if title.endswith("代码")]
        # then it has code columns, each beside its Chinese label, holding enum values only,
        # present exactly where the label is
        assert codes, export
        for i in codes:
            assert header[i] == header[i - 1] + "代码", export
            assert all((row[i] == "") == (row[i - 1] == "") for row in rows), (export, header[i])
            assert {row[i] for row in rows} - {""} <= enum_values, (export, header[i])
        assert any(row[i] for i in codes for row in rows), export
