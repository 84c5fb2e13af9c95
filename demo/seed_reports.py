"""The demo's annual reports (R-ASM-2, R-ASM-3): every established or rectifying demo centre
reports on each year it must (R-ASM-1), dated from today so that every state shows whatever the
date the demo is seeded on.

Years whose cycle is over were received, on time but for one (late, never refused); on the year
just ended the first centre's report is submitted and awaits its bureau, the second centre has
none yet (the README drafts it), the third's was returned twice with comments (two versions).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from tortoise.backends.base.client import BaseDBAsyncClient

from demo.centres import CENTRES
from demo.helpers import CST, at_hour, det, spread
from demo.plans import PLANS
from demo.specs import CentreSpec
from models.accounts import User
from models.annual_reports import (
    AnnualReport,
    AnnualReportVersion,
    ReportStatus,
    ReportVerification,
    RevenueSource,
    VerificationOutcome,
)
from models.assessment_calendar import annual_report_due, annual_report_late, annual_report_required
from models.centres import Centre, CentreStatus
from models.reference import City

_REPORTING = frozenset({CentreStatus.ESTABLISHED, CentreStatus.RECTIFYING})
_RETURNS = (
    "研发投入与年度财务审计报告口径不一致，请按审计数核实后重新填报。",
    "收入构成中“检验检测”收入未附合同清单，标准制定情况请补充标准编号。",
)


def _yuan(*parts: object, low: int, high: int) -> Decimal:
    """A stable amount of CNY from ``low`` to ``high`` yuan, with cents."""
    cents = low * 100 + det(*parts) % ((high - low) * 100)
    return Decimal(cents) / 100


def _fill(report: AnnualReport, spec: CentreSpec, year: int, edition: int = 0) -> None:
    """The report's figures and narrative (R-ASM-3); ``edition`` > 0 is a corrected version."""
    key = (spec.name, year)
    plan = PLANS[spec.lead]
    for source, (low, high) in zip(
        RevenueSource,
        (
            (2_000_000, 9_000_000),
            (300_000, 2_000_000),
            (3_000_000, 12_000_000),
            (500_000, 3_000_000),
            (200_000, 1_500_000),
            (0, 400_000),
        ),
        strict=True,
    ):
        setattr(report, f"revenue_{source.value}", _yuan(*key, source, low=low, high=high))
    report.rd_spending = _yuan(*key, "rd", low=8_000_000, high=30_000_000) - edition * Decimal(
        "350000.00"
    )
    report.ip_created = 8 + det(*key, "ip") % 30
    report.standards_international = det(*key, "intl") % 2
    report.standards_national = 1 + det(*key, "national") % 3
    report.standards_industry = 1 + det(*key, "industry") % 4
    report.standards_group = 2 + det(*key, "group") % 6 + edition
    report.rd_staff = 60 + det(*key, "staff") % 120
    report.high_level_talent = 3 + det(*key, "talent") % 12
    report.enterprises_incubated = det(*key, "incubated") % 6
    report.seed_financing = _yuan(*key, "seed", low=0, high=5_000_000)
    first, second, third = plan.technologies
    report.narrative = (
        f"{year}年，中心围绕{first}、{second}开展联合攻关，{plan.platform}全年对外开放服务；"
        f"完成{third}中试验证并实现首次商业化应用，联盟成员按季度会商，运营公司收入稳步增长。"
    )


class _Rows:
    def __init__(self) -> None:
        self.reports: list[AnnualReport] = []
        self.versions: list[AnnualReportVersion] = []
        self.verifications: list[ReportVerification] = []

    def submit(self, report: AnnualReport, at: datetime, by: User) -> None:
        report.version += 1
        report.status = ReportStatus.SUBMITTED
        report.first_submitted_at = report.first_submitted_at or at
        report.submitted_at = at
        report.late = annual_report_late(report.first_submitted_at, report.year)
        self.versions.append(
            AnnualReportVersion(
                report_id=report.id,
                number=report.version,
                content=report.content(),
                submitted_at=at,
                submitted_by_id=by.id,
                late=annual_report_late(at, report.year),
                created_at=at,
            )
        )

    def verify(self, report: AnnualReport, at: datetime, by: User, comment: str = "") -> None:
        forward = not comment
        self.verifications.append(
            ReportVerification(
                report_id=report.id,
                version=report.version,
                outcome=VerificationOutcome.FORWARDED if forward else VerificationOutcome.RETURNED,
                truthful=True,
                accurate=forward or report.version > 1,
                conforming=forward or report.version == 1,
                comment=comment,
                verified_by_id=by.id,
                created_at=at,
            )
        )
        report.status = ReportStatus.FORWARDED if forward else ReportStatus.RETURNED
        report.forwarded_at = at if forward else None

    async def save(self, conn: BaseDBAsyncClient) -> dict[str, int]:
        await AnnualReport.bulk_create(self.reports, using_db=conn)
        await AnnualReportVersion.bulk_create(self.versions, using_db=conn)
        await ReportVerification.bulk_create(self.verifications, using_db=conn)
        return {
            "annual_reports": len(self.reports),
            "report_versions": len(self.versions),
            "report_verifications": len(self.verifications),
        }


def _received(
    rows: _Rows, report: AnnualReport, people: tuple[User, User, User], *, late: bool
) -> None:
    """A past year's report: submitted (by 31 May, or two weeks after it), forwarded, received."""
    lead, bureau, staff = people
    key = (report.centre_id, report.year)
    due = annual_report_due(report.year)
    day = due + timedelta(days=14) if late else due - timedelta(days=8 + det(*key) % 50)
    rows.submit(report, at_hour(day, 15), lead)
    forwarded = at_hour(day + timedelta(days=9 + det(*key, "f") % 10), 11)
    rows.verify(report, forwarded, bureau)
    report.received_at = forwarded + timedelta(days=4 + det(*key, "r") % 6)
    report.received_by_id = staff.id
    report.status = ReportStatus.RECEIVED


def _latest(
    rows: _Rows,
    report: AnnualReport,
    spec: CentreSpec,
    people: tuple[User, User, User],
    *,
    position: int,
    window: tuple[datetime, datetime],
) -> None:
    """The year just ended: submitted and awaiting its bureau (first centre), returned twice with
    comments (third); the second centre has none yet, for the lead to draft (README)."""
    lead, bureau, _ = people
    moments = spread(*window, 5)
    if position % 3 == 0:
        rows.submit(report, moments[1], lead)
    elif position % 3 == 2:
        rows.submit(report, moments[0], lead)
        rows.verify(report, moments[1], bureau, _RETURNS[0])
        _fill(report, spec, report.year, edition=1)
        rows.submit(report, moments[2], lead)
        rows.verify(report, moments[3], bureau, _RETURNS[1])


async def seed_reports(conn: BaseDBAsyncClient, now: datetime) -> dict[str, int]:
    """The demo centres' annual reports, for centres that have none yet (idempotent)."""
    specs = {spec.name: spec for spec in CENTRES if spec.status in _REPORTING}
    centres = [
        centre
        for centre in await Centre.filter(name__in=list(specs)).using_db(conn).order_by("name")
        if centre.status is specs[centre.name].status and centre.established_on is not None
    ]
    reporting = set(
        await AnnualReport.filter(centre_id__in=[c.id for c in centres])
        .using_db(conn)
        .values_list("centre_id", flat=True)
    )
    centres = [c for c in centres if c.id not in reporting]
    cities: dict[UUID, str] = {
        c.id: c.pinyin
        for c in await City.filter(id__in=[c.city_id for c in centres]).using_db(conn)
    }
    names = ["staff", *(f"ent-{specs[c.name].lead}" for c in centres)]
    names += [f"bureau-{cities[c.city_id]}" for c in centres]
    users = {u.username: u for u in await User.filter(username__in=names).using_db(conn)}
    today = now.astimezone(CST).date()
    last = today.year - 1
    # The year just ended: its moves run from early January to now, before 31 May (on time).
    start = min(datetime(today.year, 1, 5, 9, tzinfo=CST), now - timedelta(hours=6))
    end = max(
        start + timedelta(hours=5),
        min(now - timedelta(hours=1), at_hour(annual_report_due(last), 16)),
    )
    rows = _Rows()
    past: list[AnnualReport] = []
    for position, centre in enumerate(centres):
        spec = specs[centre.name]
        lead = users.get(f"ent-{spec.lead}")
        bureau = users.get(f"bureau-{cities[centre.city_id]}")
        if lead is None or bureau is None or "staff" not in users:
            continue
        people = (lead, bureau, users["staff"])
        established = centre.established_on
        assert established is not None
        for year in range(established.year, last + 1):
            if not annual_report_required(established, year) or (year, position % 3) == (last, 1):
                continue
            report = AnnualReport(
                centre_id=centre.id,
                year=year,
                status=ReportStatus.DRAFT,
                version=0,
                created_at=at_hour(date(year + 1, 1, 10)) if year < last else start,
            )
            _fill(report, spec, year)
            rows.reports.append(report)
            if year < last:
                past.append(report)
            else:
                _latest(rows, report, spec, people, position=position, window=(start, end))
    # the past years' reports: received, one of them late
    late = past[1 % len(past)] if past else None
    by_centre = {c.id: c for c in centres}
    for report in past:
        centre = by_centre[report.centre_id]
        people = (
            users[f"ent-{specs[centre.name].lead}"],
            users[f"bureau-{cities[centre.city_id]}"],
            users["staff"],
        )
        _received(rows, report, people, late=report is late)
    return await rows.save(conn)
