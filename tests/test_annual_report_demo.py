"""The demo's annual reports (R-ASM-2): every state shows, whatever the day it is seeded on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from tortoise.transactions import in_transaction

from demo import seed_demo
from demo.seed_reports import seed_reports
from models.annual_reports import (
    AnnualReport,
    AnnualReportVersion,
    ReportStatus,
    ReportVerification,
    VerificationOutcome,
)
from models.assessment_calendar import annual_report_late, province_date
from models.base import utcnow
from tests.helpers import Api

DEMO_PASSWORD = "Demo-Password-2026!"


async def test_r_asm_2_the_demo_shows_each_state_of_a_report(api: Api) -> None:
    # when the demo is seeded
    await seed_demo(DEMO_PASSWORD)
    reports = await AnnualReport.all().prefetch_related("versions", "verifications")
    # then its reports show the states a centre leaves them in, one of them late: received
    # (verified and forwarded before), awaiting the bureau, returned with comments
    states = {r.status for r in reports}
    assert {ReportStatus.RECEIVED, ReportStatus.SUBMITTED, ReportStatus.RETURNED} <= states
    assert sum(r.late for r in reports) == 1
    # and one centre that must report on the year just ended has no report yet: its lead
    # drafts it (the README's first step)
    last = province_date(utcnow()).year - 1
    reporting = {r.centre_id for r in reports}
    assert len({r.centre_id for r in reports if r.year == last}) == len(reporting) - 1
    # and the returned one keeps two versions and the bureau's comments
    (returned,) = [r for r in reports if r.status is ReportStatus.RETURNED]
    assert [v.number for v in returned.versions] == [1, 2]
    assert [v.outcome for v in returned.verifications] == [VerificationOutcome.RETURNED] * 2
    assert all(v.comment for v in returned.verifications)
    # and every date is consistent: nothing after now, lateness as the rule says
    now = utcnow()
    for report in reports:
        assert report.year < province_date(now).year
        for moment in (report.submitted_at, report.forwarded_at, report.received_at):
            assert moment is None or moment <= now
        if report.first_submitted_at is not None:
            assert report.late == annual_report_late(report.first_submitted_at, report.year)
    # and seeding again adds nothing
    assert "nothing created" in await seed_demo(DEMO_PASSWORD)
    assert await AnnualReport.all().count() == len(reports)


@pytest.mark.parametrize(
    "now",
    [
        datetime(2027, 1, 1, 2, 0, tzinfo=UTC),  # 10:00 on New Year's Day in the province
        datetime(2027, 3, 1, 2, 0, tzinfo=UTC),
        datetime(2027, 12, 30, 8, 0, tzinfo=UTC),
    ],
)
async def test_r_asm_2_demo_reports_are_dated_from_the_day_seeded(api: Api, now: datetime) -> None:
    # given the demo seeded on another day of the year
    await seed_demo(DEMO_PASSWORD)
    await AnnualReportVersion.all().delete()
    await ReportVerification.all().delete()
    await AnnualReport.all().delete()
    async with in_transaction() as conn:
        await seed_reports(conn, now)
    # then nothing is dated after that day, and the year just ended has its reports
    reports = await AnnualReport.all()
    assert max(r.year for r in reports) == province_date(now).year - 1
    for report in reports:
        for moment in (report.submitted_at, report.forwarded_at, report.received_at):
            assert moment is None or moment <= now
