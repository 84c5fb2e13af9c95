"""The row sources of the exports (issue 15): one per export, each starting from the scope the
matching GraphQL list starts from (``policies/scopes/``), read in keyset batches.

A source yields batches of rows; a row is a tuple of plain values in its sheet's column order:
``str``, ``int``, ``Decimal`` (CNY, two places), ``date`` (UTC+8 calendar day) or ``None``.
Each batch costs a fixed number of statements (the page, then the names it refers to), never
one per row. The export is not a snapshot: a row written while it runs may or may not appear,
exactly as with paging through the GraphQL list.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

from tortoise.expressions import Q, Subquery
from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.annual_reports import AnnualReport, ReportStatus, RevenueSource, StandardLevel
from models.assessment_calendar import province_date
from models.centres import CentreStatus
from models.funding import EntryKind, FundingProgramme, LedgerEntry, SupportPurpose
from models.ip_register import SHARE_PLACES, IpAsset, IpKind, IpShare, LegalStatus
from models.money import to_cny
from models.reference import City, Industry
from models.vocabulary import term
from policies import scopes
from policies.enforcer import Authorizer
from policies.vocabulary import Action, Resource

BATCH = 500  # rows per statement (SQLite's bound-variable cap is far above the names it needs)

Cell = str | int | Decimal | date | None
Row = tuple[Cell, ...]
RowT = TypeVar("RowT", bound=Model)

# Chinese labels of the codes a sheet shows, each beside its term (models/vocabulary.py); the
# GraphQL enums' descriptions give the same labels (tests/test_vocabulary.py).
CENTRE_STATUS: dict[CentreStatus, str] = {
    CentreStatus.DRAFT: "申报草稿",
    CentreStatus.SUBMITTED: "已提交",
    CentreStatus.RETURNED: "退回修改",
    CentreStatus.RECOMMENDED: "市局推荐",
    CentreStatus.FORMAL_REVIEW_PASSED: "形式审查通过",
    CentreStatus.EXPERT_REVIEW: "专家评审中",
    CentreStatus.REJECTED: "未通过",
    CentreStatus.CULTIVATING: "培育中",
    CentreStatus.CULTIVATION_FAILED: "培育未通过",
    CentreStatus.ESTABLISHED: "批复成立",
    CentreStatus.RECTIFYING: "整改中",
    CentreStatus.REVOKED: "摘牌撤销",
}
REPORT_STATUS: dict[ReportStatus, str] = {
    ReportStatus.DRAFT: "起草中",
    ReportStatus.SUBMITTED: "已提交, 待市级审核",
    ReportStatus.RETURNED: "退回修改",
    ReportStatus.FORWARDED: "已审核报送",
    ReportStatus.RECEIVED: "省级已接收",
}
REVENUE_SOURCE: dict[RevenueSource, str] = {
    RevenueSource.TECHNOLOGY_TRANSFER: "技术成果转化",
    RevenueSource.INCUBATION: "企业孵化",
    RevenueSource.CONTRACT_RD: "企业委托研发",
    RevenueSource.TESTING_INSPECTION: "检验检测",
    RevenueSource.PUBLIC_SERVICES: "公共服务",
    RevenueSource.OTHER: "其他",
}
STANDARD_LEVEL: dict[StandardLevel, str] = {
    StandardLevel.INTERNATIONAL: "国际标准",
    StandardLevel.NATIONAL: "国家标准",
    StandardLevel.INDUSTRY: "行业标准",
    StandardLevel.GROUP: "团体标准",
}
PROGRAMME: dict[FundingProgramme, str] = {
    FundingProgramme.SUBSIDY: "省级财政补助",
    FundingProgramme.NATIONAL_SUPPORT: "国家级创新中心支持",
}
ENTRY_KIND: dict[EntryKind, str] = {
    EntryKind.DISBURSEMENT: "拨付",
    EntryKind.REVERSAL: "冲正",
    EntryKind.CANCELLATION: "取消拨付",
}
PURPOSE: dict[SupportPurpose, str] = {
    SupportPurpose.TALENT: "人才队伍建设",
    SupportPurpose.GENERAL: "其他建设内容",
}
IP_KIND: dict[IpKind, str] = {
    IpKind.INVENTION_PATENT: "发明专利",
    IpKind.UTILITY_MODEL: "实用新型专利",
    IpKind.DESIGN_PATENT: "外观设计专利",
    IpKind.SOFTWARE_COPYRIGHT: "软件著作权",
    IpKind.STANDARD: "标准",
    IpKind.TECHNICAL_SECRET: "技术秘密",
    IpKind.OTHER: "其他",
}
LEGAL_STATUS: dict[LegalStatus, str] = {
    LegalStatus.PENDING: "申请中",
    LegalStatus.GRANTED: "已授权",
    LegalStatus.LAPSED: "已失效",
    LegalStatus.TRANSFERRED: "已转让",
}


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def _day(moment: datetime | None) -> date | None:
    return None if moment is None else province_date(moment)


def _after(fields: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows strictly after ``values`` in the ascending order of ``fields`` (the last is unique)."""
    (first, *rest), (value, *others) = fields, values
    if not rest:
        return Q(**{f"{first}__gt": value})
    return Q(
        Q(**{f"{first}__gt": value}),
        Q(Q(**{first: value}), _after(rest, others)),
        join_type=Q.OR,
    )


async def keyset_batches(
    queryset: Callable[[], QuerySet[RowT]],
    order: Sequence[str],
    key_of: Callable[[RowT], Sequence[Any]],
    size: int = BATCH,
) -> AsyncIterator[list[RowT]]:
    """The rows of ``queryset()`` (a scoped queryset, built afresh per batch) in ``order``,
    ``size`` per statement, each batch strictly after the last row of the previous one."""
    last: Sequence[Any] | None = None
    while True:
        query = queryset()
        if last is not None:
            query = query.filter(_after(order, last))
        rows = await query.order_by(*order).limit(size)
        if rows:
            yield rows
        if len(rows) < size:
            return
        last = key_of(rows[-1])


def exportable(
    rows: QuerySet[RowT], authz: Authorizer, resource: Resource, field: str = "centre_id"
) -> QuerySet[RowT]:
    """``rows`` (a READ scope) narrowed to the centres the caller may export ``resource`` of:
    the export right's reach and the list's reach intersect, so a caller who reads more than
    they may export (a bureau that is also an enterprise's user) exports only the former's."""
    centres = scopes.centres_for(authz, resource, Action.EXPORT).values("id")
    return rows.filter(**{f"{field}__in": Subquery(centres)})


async def _names(authz: Authorizer, ids: set[UUID]) -> dict[UUID, str]:
    """Names of the organisations the caller may read, among ``ids`` (one statement)."""
    if not ids:
        return {}
    rows = await scopes.visible_organisations(authz).filter(id__in=ids).values_list("id", "name")
    return {row[0]: row[1] for row in rows}


async def _reference() -> tuple[dict[UUID, str], dict[UUID, str]]:
    """City and industry names (public reference data: a few dozen rows)."""
    cities = dict(await City.all().values_list("id", "name_zh"))
    industries = dict(await Industry.all().values_list("id", "name_zh"))
    return cities, industries


async def centre_rows(authz: Authorizer, year: int | None) -> AsyncIterator[list[Row]]:
    """The centre register: every centre the caller lists in ``centres``, by name."""
    cities, industries = await _reference()
    async for batch in keyset_batches(
        lambda: exportable(scopes.visible_centres(authz), authz, Resource.CENTRE, "id"),
        ("name", "id"),
        lambda c: (c.name, c.id),
    ):
        leads = await _names(authz, {c.lead_organisation_id for c in batch})
        yield [
            (
                c.name,
                cities.get(c.city_id),
                industries.get(c.industry_id),
                CENTRE_STATUS[c.status],
                term(c.status),
                leads.get(c.lead_organisation_id),
                _yes_no(c.is_national),
                c.operating_company,
                c.direction,
                c.listed_on,
                c.established_on,
                c.fixed_asset_investment,
                c.software_investment,
            )
            for c in batch
        ]


def _report_figures(report: AnnualReport) -> tuple[Cell, ...]:
    return (
        *(getattr(report, f"revenue_{s.value}") for s in RevenueSource),
        report.rd_spending,
        report.ip_created,
        *(getattr(report, f"standards_{level.value}") for level in StandardLevel),
        report.rd_staff,
        report.high_level_talent,
        report.enterprises_incubated,
        report.seed_financing,
    )


async def annual_report_rows(authz: Authorizer, year: int | None) -> AsyncIterator[list[Row]]:
    """The annual-report summary of ``year``: the reports the caller lists in ``annualReports``
    with that year, by centre name."""
    cities, _ = await _reference()
    async for batch in keyset_batches(
        lambda: (
            exportable(scopes.visible_annual_reports(authz), authz, Resource.ANNUAL_REPORT)
            .filter(year=year)
            .select_related("centre")
        ),
        ("centre__name", "id"),
        lambda r: (r.centre.name, r.id),
    ):
        yield [
            (
                r.centre.name,
                cities.get(r.centre.city_id),
                r.year,
                REPORT_STATUS[r.status],
                term(r.status),
                _yes_no(r.late),
                _day(r.first_submitted_at),
                _day(r.submitted_at),
                _day(r.forwarded_at),
                _day(r.received_at),
                *_report_figures(r),
            )
            for r in batch
        ]


async def ledger_rows(authz: Authorizer, year: int | None) -> AsyncIterator[list[Row]]:
    """The funding ledger: the entries the caller lists in ``ledger`` (of the value date's
    ``year`` when given), in the order recorded. Amounts are signed (a reversal is negative)."""

    def scope() -> QuerySet[LedgerEntry]:
        entries = exportable(scopes.visible_ledger(authz), authz, Resource.FUNDING)
        entries = entries.select_related("centre")
        return entries if year is None else entries.filter(year=year)

    async for batch in keyset_batches(scope, ("created_at", "id"), lambda e: (e.created_at, e.id)):
        yield [
            (
                e.centre.name,
                PROGRAMME[e.programme],
                term(e.programme),
                ENTRY_KIND[e.kind],
                term(e.kind),
                e.instalment,
                PURPOSE[e.purpose] if e.purpose is not None else None,
                term(e.purpose) if e.purpose is not None else None,
                to_cny(e.amount_fen),
                e.value_date,
                e.payment_reference,
                e.reason,
            )
            for e in batch
        ]


async def _current_owners(authz: Authorizer, assets: list[IpAsset]) -> dict[UUID, str]:
    """Each asset's owners in its latest share set, largest share first: ``名称 60.0000%``
    joined by ``；`` (two statements for the batch, plus one for the names)."""
    sets = await (
        scopes.visible_ip_share_sets(authz)
        .filter(asset_id__in=[a.id for a in assets])
        .order_by("asset_id", "number")
        .values_list("asset_id", "id")
    )
    latest: dict[UUID, UUID] = {}
    for asset_id, set_id in sets:
        latest[asset_id] = set_id  # ordered by number: the last one wins
    shares: list[IpShare] = await (
        scopes.visible_ip_shares(authz)
        .filter(share_set_id__in=list(latest.values()))
        .order_by("-share", "organisation_id")
    )
    names = await _names(authz, {s.organisation_id for s in shares})
    by_set: dict[UUID, list[str]] = {}
    for s in shares:
        name = names.get(s.organisation_id, "")
        by_set.setdefault(s.share_set_id, []).append(f"{name} {s.share.quantize(SHARE_PLACES)}%")
    return {asset: "；".join(by_set.get(set_id, [])) for asset, set_id in latest.items()}


async def ip_rows(authz: Authorizer, year: int | None) -> AsyncIterator[list[Row]]:
    """The IP register: the assets the caller lists in ``ipAssets`` (filed in ``year`` when
    given), in the order recorded, with their current owners and shares (R-IP-1, R-IP-2)."""

    def scope() -> QuerySet[IpAsset]:
        assets = exportable(scopes.visible_ip_assets(authz), authz, Resource.IP_ASSET)
        assets = assets.select_related("centre")
        if year is None:
            return assets
        return assets.filter(filed_on__gte=date(year, 1, 1), filed_on__lte=date(year, 12, 31))

    async for batch in keyset_batches(scope, ("created_at", "id"), lambda a: (a.created_at, a.id)):
        owners = await _current_owners(authz, batch)
        yield [
            (
                a.centre.name,
                IP_KIND[a.kind],
                term(a.kind),
                a.number,
                a.title,
                a.filed_on,
                a.granted_on,
                LEGAL_STATUS[a.legal_status],
                term(a.legal_status),
                owners.get(a.id, ""),
            )
            for a in batch
        ]


RowSource = Callable[[Authorizer, int | None], AsyncIterator[list[Row]]]
__all__ = ["Row", "RowSource", "annual_report_rows", "centre_rows", "ip_rows", "ledger_rows"]
