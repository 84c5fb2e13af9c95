"""Annual reports (R-ASM-1, R-ASM-2, R-ASM-3): drafting, submission and lateness, the bureau's
verification, the province's receipt, the content's figures, and who sees what (R-ACC-5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from api.statements import StatementCounter
from models.accounts import RoleName, User
from models.annual_reports import (
    AnnualReport,
    AnnualReportVersion,
    ReportStatus,
    ReportVerification,
    VerificationOutcome,
)
from models.audit import AuditEntry
from models.centres import Centre, CentreStatus
from models.reference import Organisation, OrganisationKind
from services import annual_reports
from services.errors import BadInput
from services.report_content import clean_content
from tests.helpers import Api, World, error_codes, gid, pk

UTC8 = timezone(timedelta(hours=8))
# The clock of these tests: autumn 2026 (UTC+8), so the report on 2025 may be written.
AUTUMN = datetime(2026, 10, 15, 10, 0, tzinfo=UTC8)

FIELDS = """id year status version late dueOn firstSubmittedAt submittedAt forwardedAt receivedAt
  content { revenue { technologyTransfer incubation contractRd testingInspection publicServices
  other total } rdSpending ipCreated standards { international national industry group total }
  rdStaff highLevelTalent enterprisesIncubated seedFinancing narrative }
  versions { number late submittedAt content { rdSpending narrative } }
  verifications { version truthful accurate conforming outcome comment }"""
DRAFT = f"""mutation($c: ID!, $y: Int!, $content: ReportContentInput) {{
  draftAnnualReport(centreId: $c, year: $y, content: $content) {{ {FIELDS} }} }}"""
UPDATE = f"""mutation($id: ID!, $content: ReportContentInput!) {{
  updateAnnualReport(id: $id, content: $content) {{ {FIELDS} }} }}"""
SUBMIT = f"""mutation($id: ID!) {{ submitAnnualReport(id: $id) {{ {FIELDS} }} }}"""
VERIFY = f"""mutation($id: ID!, $checks: VerificationChecks!, $d: VerificationDecision!,
  $comment: String! = "") {{ verifyAnnualReport(id: $id, checks: $checks, decision: $d,
  comment: $comment) {{ {FIELDS} }} }}"""
RECEIVE = f"""mutation($id: ID!) {{ receiveAnnualReport(id: $id) {{ {FIELDS} }} }}"""
READ = f"""query($id: ID!) {{ annualReport(id: $id) {{ {FIELDS} centre {{ name }} }} }}"""
NODE = """query($id: ID!) { node(id: $id) { id } }"""
LIST = """query { annualReports(first: 50) { totalCount edges { node { id year } } } }"""
ALL_PASS = {"truthful": True, "accurate": True, "conforming": True}
CONTENT = {
    "revenue": {
        "technologyTransfer": "1200000.50",
        "incubation": "300000",
        "contractRd": "800000.25",
        "testingInspection": "0",
        "publicServices": "100000",
        "other": "5000.1",
    },
    "rdSpending": "2500000.00",
    "ipCreated": 12,
    "standards": {"international": 0, "national": 2, "industry": 3, "group": 5},
    "rdStaff": 85,
    "highLevelTalent": 6,
    "enterprisesIncubated": 4,
    "seedFinancing": "1500000",
    "narrative": "年度工作总结：完成中试平台建设。",
}


@dataclass
class Setting:
    api: Api
    world: World
    centre: Centre
    users: dict[str, User]
    orgs: dict[str, Organisation]

    async def run(self, who: str, query: str, **variables: Any) -> dict[str, Any]:
        return await self.api.gql(query, variables, token=self.world.token(self.users[who]))

    async def ok(self, who: str, query: str, **variables: Any) -> dict[str, Any]:
        body = await self.run(who, query, **variables)
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def error(self, who: str, query: str, **variables: Any) -> dict[str, Any]:
        body = await self.run(who, query, **variables)
        assert len(body.get("errors") or []) == 1, body
        extensions: dict[str, Any] = body["errors"][0]["extensions"]
        return extensions

    async def draft(self, year: int = 2025, content: dict[str, Any] | None = None) -> str:
        data = await self.ok("lead", DRAFT, c=gid(self.centre), y=year, content=content or CONTENT)
        report_id: str = data["draftAnnualReport"]["id"]
        return report_id


def set_clock(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """The operations' clock (services/annual_reports.py reads models.base.utcnow)."""
    monkeypatch.setattr(annual_reports, "utcnow", lambda: moment.astimezone(UTC))


@pytest.fixture
async def setting(api: Api, world: World, monkeypatch: pytest.MonkeyPatch) -> Setting:
    set_clock(monkeypatch, AUTUMN)
    orgs = {
        "lead": await world.organisation("450200"),
        "member": await world.organisation("450300", OrganisationKind.UNIVERSITY),
        "outsider": await world.organisation("450200"),
    }
    users = {
        "lead": await world.user(RoleName.ENTERPRISE, organisation=orgs["lead"]),
        "member": await world.user(RoleName.ENTERPRISE, organisation=orgs["member"]),
        "outsider": await world.user(RoleName.ENTERPRISE, organisation=orgs["outsider"]),
        "bureau": await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450200"),
        "other_bureau": await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450100"),
        "staff": await world.user(RoleName.PROVINCIAL_STAFF),
        "expert": await world.user(RoleName.EXPERT),
    }
    centre = await world.centre(orgs["lead"], members=[orgs["member"]])
    centre.established_on = date(2023, 3, 10)
    await centre.save(update_fields=["established_on"])
    return Setting(api, world, centre, users, orgs)


async def test_r_asm_2_a_report_submitted_after_31_may_is_marked_late_and_accepted(
    setting: Setting, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a draft of the report on 2025, due 31 May 2026
    report = await setting.draft()
    # when the lead submits it one minute after 31 May ends in UTC+8
    set_clock(monkeypatch, datetime(2026, 6, 1, 0, 0, tzinfo=UTC8))
    submitted = (await setting.ok("lead", SUBMIT, id=report))["submitAnnualReport"]
    # then it is accepted, marked late, and its first version is kept as sent
    assert submitted["status"] == "SUBMITTED"
    assert submitted["late"] is True
    assert submitted["dueOn"] == "2026-05-31"
    assert submitted["version"] == 1
    assert [(v["number"], v["late"]) for v in submitted["versions"]] == [(1, True)]
    assert submitted["versions"][0]["content"]["rdSpending"] == "2500000.00"


async def test_r_asm_2_submitted_at_23_59_on_31_may_utc8_is_on_time(
    setting: Setting, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a draft of the report on 2025
    report = await setting.draft()
    # when it is submitted at 23:59 on 31 May in the province (15:59 UTC)
    set_clock(monkeypatch, datetime(2026, 5, 31, 23, 59, tzinfo=UTC8))
    submitted = (await setting.ok("lead", SUBMIT, id=report))["submitAnnualReport"]
    # then it is on time
    assert submitted["late"] is False
    assert submitted["firstSubmittedAt"] == submitted["submittedAt"]


async def test_r_asm_2_late_is_decided_by_the_first_submission(
    setting: Setting, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a report first submitted on time and returned
    report = await setting.draft()
    set_clock(monkeypatch, datetime(2026, 5, 20, 9, 0, tzinfo=UTC8))
    await setting.ok("lead", SUBMIT, id=report)
    await setting.ok(
        "bureau", VERIFY, id=report, checks=ALL_PASS, d="RETURN", comment="补充研发投入明细"
    )
    # when the lead resubmits it after 31 May
    set_clock(monkeypatch, datetime(2026, 6, 10, 9, 0, tzinfo=UTC8))
    again = (await setting.ok("lead", SUBMIT, id=report))["submitAnnualReport"]
    # then the report stays on time; the second version records its own lateness
    assert again["late"] is False
    assert [(v["number"], v["late"]) for v in again["versions"]] == [(1, False), (2, True)]


async def test_r_asm_2_returned_edited_resubmitted_keeps_versions_and_comments(
    setting: Setting,
) -> None:
    # given a submitted report
    report = await setting.draft()
    await setting.ok("lead", SUBMIT, id=report)
    # when the bureau returns it with comments, the lead corrects and resubmits it,
    returned = await setting.ok(
        "bureau",
        VERIFY,
        id=report,
        checks={"truthful": True, "accurate": False, "conforming": True},
        d="RETURN",
        comment="研发投入与财务报表不一致",
    )
    assert returned["verifyAnnualReport"]["status"] == "RETURNED"
    await setting.ok("lead", UPDATE, id=report, content={"rdSpending": "2400000"})
    await setting.ok("lead", SUBMIT, id=report)
    # and the bureau forwards it and provincial staff receive it
    forwarded = await setting.ok("bureau", VERIFY, id=report, checks=ALL_PASS, d="FORWARD")
    assert forwarded["verifyAnnualReport"]["forwardedAt"] is not None
    received = (await setting.ok("staff", RECEIVE, id=report))["receiveAnnualReport"]
    # then both versions and both verifications are kept, in order
    assert received["status"] == "RECEIVED"
    assert received["receivedAt"] is not None
    assert [(v["number"], v["content"]["rdSpending"]) for v in received["versions"]] == [
        (1, "2500000.00"),
        (2, "2400000.00"),
    ]
    assert [
        (v["version"], v["outcome"], v["accurate"], v["comment"]) for v in received["verifications"]
    ] == [(1, "RETURNED", False, "研发投入与财务报表不一致"), (2, "FORWARDED", True, "")]
    # and the unchanged figures kept their canonical form
    assert received["content"]["revenue"]["other"] == "5000.10"
    assert received["content"]["revenue"]["total"] == "2405000.85"
    assert received["content"]["standards"]["total"] == 10


async def test_r_asm_2_forward_with_a_failed_check_is_refused(setting: Setting) -> None:
    # given a submitted report
    report = await setting.draft()
    await setting.ok("lead", SUBMIT, id=report)
    # when the bureau tries to forward it with any one check failed
    for failed in ("truthful", "accurate", "conforming"):
        checks = {**ALL_PASS, failed: False}
        refused = await setting.error("bureau", VERIFY, id=report, checks=checks, d="FORWARD")
        # then it is refused naming that check, and the report stays submitted
        assert refused["code"] == "BAD_USER_INPUT"
        assert refused["field"] == f"checks.{failed}"
    # and a return without comments is refused too
    for blank in ("", "   ", "\u200b"):
        refused = await setting.error(
            "bureau", VERIFY, id=report, checks=ALL_PASS, d="RETURN", comment=blank
        )
        assert (refused["code"], refused["field"]) == ("BAD_USER_INPUT", "comment")
    data = await setting.ok("staff", READ, id=report)
    assert data["annualReport"]["status"] == "SUBMITTED"
    assert data["annualReport"]["verifications"] == []


async def test_r_asm_2_each_step_only_from_its_state(setting: Setting) -> None:
    # given a draft
    report = await setting.draft()
    # when it is verified or received before it was submitted, then refused
    assert (await setting.error("bureau", VERIFY, id=report, checks=ALL_PASS, d="FORWARD"))[
        "code"
    ] == "INVALID_TRANSITION"
    assert (await setting.error("staff", RECEIVE, id=report))["code"] == "INVALID_TRANSITION"
    # and once submitted it cannot be edited or submitted again
    await setting.ok("lead", SUBMIT, id=report)
    assert (await setting.error("lead", UPDATE, id=report, content={"rdStaff": 1}))[
        "code"
    ] == "INVALID_TRANSITION"
    assert (await setting.error("lead", SUBMIT, id=report))["code"] == "INVALID_TRANSITION"


@pytest.mark.parametrize(
    ("content", "field"),
    [
        # negative
        ({"rdSpending": "-0.01"}, "rdSpending"),
        ({"revenue": {"technologyTransfer": "-100"}}, "revenue.technologyTransfer"),
        ({"seedFinancing": "-1"}, "seedFinancing"),
        # not a number
        ({"rdSpending": "NaN"}, "rdSpending"),
        ({"revenue": {"incubation": "Infinity"}}, "revenue.incubation"),
        ({"seedFinancing": "-Infinity"}, "seedFinancing"),
        # more than two places
        ({"rdSpending": "1.001"}, "rdSpending"),
        ({"revenue": {"contractRd": "0.125"}}, "revenue.contractRd"),
        ({"revenue": {"publicServices": "99.999"}}, "revenue.publicServices"),
        # absurd
        ({"rdSpending": "1000000000000"}, "rdSpending"),
        ({"revenue": {"other": "1e15"}}, "revenue.other"),
        ({"seedFinancing": "99999999999999999999999999"}, "seedFinancing"),
        # counts out of range
        ({"ipCreated": -1}, "ipCreated"),
        ({"standards": {"national": -3}}, "standards.national"),
        ({"rdStaff": 1_000_001}, "rdStaff"),
        # a narrative too long
        ({"narrative": "长" * 20_001}, "narrative"),
        ({"narrative": "a" * 20_001}, "narrative"),
        ({"narrative": "总结 " * 6_668}, "narrative"),
    ],
)
async def test_r_asm_3_figures_out_of_range_are_refused_naming_the_field(
    setting: Setting, content: dict[str, Any], field: str
) -> None:
    # given a draft, when the lead enters a figure no report can hold
    report = await setting.draft()
    for body in (
        await setting.run("lead", UPDATE, id=report, content=content),
        await setting.run("lead", DRAFT, c=gid(setting.centre), y=2024, content=content),
    ):
        # then it is refused, naming the field, in the message too
        extensions = body["errors"][0]["extensions"]
        assert extensions["code"] == "BAD_USER_INPUT", body
        assert extensions["field"] == field
        assert field in body["errors"][0]["message"]
    # and nothing changed
    assert await AnnualReport.filter(centre_id=setting.centre.id).count() == 1


@pytest.mark.parametrize("narrative", ["总结\u0000", "\u001b[31m红色", "删除\u007f", "\ud800"])
def test_r_asm_3_a_narrative_with_control_characters_is_refused_naming_it(
    narrative: str,
) -> None:
    # given a narrative holding a control character or a lone surrogate (the GraphQL edge
    # refuses these before the operation runs; the operation refuses them as well)
    # when the content is checked, then it is refused naming the narrative
    with pytest.raises(BadInput) as refused:
        clean_content({"narrative": narrative})
    assert refused.value.details["field"] == "narrative"
    assert "narrative" in refused.value.message


def test_r_asm_3_a_figure_that_is_not_a_number_is_refused_naming_it() -> None:
    # given values a client library might pass for an amount or a count (float, bool, text)
    for column, value, field in (
        ("rd_spending", 1.5, "rdSpending"),
        ("revenue_other", "12", "revenue.other"),
        ("rd_staff", True, "rdStaff"),
        ("standards_group", 2.0, "standards.group"),
    ):
        # when checked, then refused naming the field: never a float in a report
        with pytest.raises(BadInput) as refused:
            clean_content({column: value})
        assert refused.value.details["field"] == field


async def test_r_asm_3_amounts_are_kept_in_one_canonical_form(setting: Setting) -> None:
    # given amounts written with fewer places, a trailing zero and a negative zero
    content = {"rdSpending": "12", "seedFinancing": "-0", "revenue": {"incubation": "3.50"}}
    # when a report is drafted with them
    data = await setting.ok("lead", DRAFT, c=gid(setting.centre), y=2025, content=content)
    drafted = data["draftAnnualReport"]["content"]
    # then each reads back with two places, and figures left out are 0
    assert drafted["rdSpending"] == "12.00"
    assert drafted["seedFinancing"] == "0.00"
    assert drafted["revenue"]["incubation"] == "3.50"
    assert drafted["revenue"]["other"] == "0.00"
    assert drafted["ipCreated"] == 0


async def test_r_asm_2_one_report_per_centre_and_year(setting: Setting) -> None:
    # given the report on 2025
    await setting.draft(2025)
    # when the lead drafts another one on 2025, then it is a conflict
    refused = await setting.error("lead", DRAFT, c=gid(setting.centre), y=2025, content=CONTENT)
    assert refused["code"] == "CONFLICT"
    # and the report on 2024 is another report
    await setting.draft(2024)
    assert await AnnualReport.filter(centre_id=setting.centre.id).count() == 2


async def test_r_asm_1_a_centre_established_less_than_a_year_is_refused(
    setting: Setting,
) -> None:
    # given a centre established on 1 July 2025: by 31 May 2026 it has not run a year
    setting.centre.established_on = date(2025, 7, 1)
    await setting.centre.save(update_fields=["established_on"])
    # when the lead drafts its report on 2025, then refused naming the year
    refused = await setting.error("lead", DRAFT, c=gid(setting.centre), y=2025)
    assert (refused["code"], refused["field"]) == ("BAD_USER_INPUT", "year")
    # and one established on 31 May 2025 has run its year by 31 May 2026: it reports
    setting.centre.established_on = date(2025, 5, 31)
    await setting.centre.save(update_fields=["established_on"])
    await setting.draft(2025)


async def test_r_asm_1_only_established_or_rectifying_centres_report_on_ended_years(
    setting: Setting,
) -> None:
    # given the year 2026 has not ended (the clock is in October 2026)
    for year in (2026, 2027, 2030):
        # when the lead drafts a report on it, then it is refused
        refused = await setting.error("lead", DRAFT, c=gid(setting.centre), y=year)
        assert (refused["code"], refused["field"]) == ("BAD_USER_INPUT", "year")
    # given the centre is rectifying, it still reports
    setting.centre.status = CentreStatus.RECTIFYING
    await setting.centre.save(update_fields=["status"])
    await setting.draft(2025)
    # given it is cultivating or revoked, it does not
    for status in (CentreStatus.CULTIVATING, CentreStatus.REVOKED, CentreStatus.DRAFT):
        setting.centre.status = status
        await setting.centre.save(update_fields=["status"])
        refused = await setting.error("lead", DRAFT, c=gid(setting.centre), y=2024)
        assert refused["code"] == "INVALID_TRANSITION"


async def test_r_acc_5_another_citys_bureau_cannot_see_verify_or_return_a_report(
    setting: Setting,
) -> None:
    # given a submitted report of a Liuzhou centre
    report = await setting.draft()
    await setting.ok("lead", SUBMIT, id=report)
    # when the Nanning bureau reads, verifies or returns it, then NOT_FOUND, as if absent
    for query, variables in (
        (READ, {}),
        (NODE, {}),
        (VERIFY, {"checks": ALL_PASS, "d": "FORWARD"}),
        (VERIFY, {"checks": ALL_PASS, "d": "RETURN", "comment": "退回"}),
    ):
        body = await setting.run("other_bureau", query, id=report, **variables)
        assert error_codes(body) == ["NOT_FOUND"], body
    listed = await setting.ok("other_bureau", LIST)
    assert listed["annualReports"]["totalCount"] == 0
    # and the same for an expert and an enterprise outside the alliance
    for who in ("expert", "outsider"):
        assert error_codes(await setting.run(who, READ, id=report)) == ["NOT_FOUND"], who
        assert (await setting.ok(who, LIST))["annualReports"]["edges"] == [], who
    # while the city's bureau, the members and provincial staff read it
    for who in ("bureau", "lead", "member", "staff"):
        data = await setting.ok(who, READ, id=report)
        assert data["annualReport"]["centre"]["name"] == setting.centre.name, who
        assert (await setting.ok(who, LIST))["annualReports"]["totalCount"] == 1, who
    # and the report is still submitted, with no verification
    assert (await AnnualReport.get(id=pk(report))).status == ReportStatus.SUBMITTED
    assert (await setting.ok("staff", READ, id=report))["annualReport"]["verifications"] == []


async def test_r_acc_5_a_member_that_is_not_the_lead_cannot_edit_or_submit(
    setting: Setting,
) -> None:
    # given a draft the member can read
    report = await setting.draft()
    # when the member edits or submits it, or drafts another year, then FORBIDDEN
    assert (await setting.error("member", UPDATE, id=report, content={"rdStaff": 1}))[
        "code"
    ] == "FORBIDDEN"
    assert (await setting.error("member", SUBMIT, id=report))["code"] == "FORBIDDEN"
    assert (await setting.error("member", DRAFT, c=gid(setting.centre), y=2024))[
        "code"
    ] == "FORBIDDEN"
    # and each denial is audited
    denied = await AuditEntry.filter(
        actor=setting.users["member"].username, outcome="denied"
    ).count()
    assert denied == 3
    # and neither the bureau nor staff may edit, nor the bureau receive
    assert (await setting.error("bureau", UPDATE, id=report, content={"rdStaff": 1}))[
        "code"
    ] == "FORBIDDEN"
    assert (await setting.error("staff", SUBMIT, id=report))["code"] == "FORBIDDEN"
    assert (await setting.error("bureau", RECEIVE, id=report))["code"] == "FORBIDDEN"


NESTED = """query { annualReports(first: 50) { totalCount edges { node { id year status late
  content { revenue { total } rdSpending } centre { name }
  versions { number content { rdSpending } submittedAt late }
  verifications { truthful accurate conforming outcome comment createdAt }
  documents { id } } } } }"""


async def _reports(world: World, lead: Organisation, staff: User, count: int) -> None:
    # ``count`` received reports, each with a version and a verification, in one or more centres
    for n in range(count):
        centre = await world.centre(lead)
        for year in (2024, 2025)[: 1 + n % 2]:
            report = await AnnualReport.create(
                centre_id=centre.id, year=year, status=ReportStatus.FORWARDED, version=1
            )
            await AnnualReportVersion.create(
                report_id=report.id,
                number=1,
                content=report.content(),
                submitted_at=AUTUMN,
                submitted_by_id=staff.id,
                late=False,
            )
            await ReportVerification.create(
                report_id=report.id,
                version=1,
                outcome=VerificationOutcome.FORWARDED,
                truthful=True,
                accurate=True,
                conforming=True,
                verified_by_id=staff.id,
            )


async def _statements(setting: Setting, counter: StatementCounter, who: str, rows: int) -> int:
    counter.statements.clear()
    data = await setting.ok(who, NESTED)
    assert len(data["annualReports"]["edges"]) == rows
    assert all(e["node"]["versions"] for e in data["annualReports"]["edges"])
    return len(counter.statements)


async def test_r_asm_2_the_report_list_statement_count_does_not_grow_with_rows(
    setting: Setting, sql_counter: StatementCounter
) -> None:
    # given 2 reports with their versions and verifications
    staff = setting.users["staff"]
    await _reports(setting.world, setting.orgs["lead"], staff, 1)
    await _reports(setting.world, setting.orgs["outsider"], staff, 1)
    # when provincial staff and the lead read the nested list
    few = await _statements(setting, sql_counter, "staff", 2)
    few_lead = await _statements(setting, sql_counter, "lead", 1)
    # and again with 12 more (in 8 centres)
    await _reports(setting.world, setting.orgs["lead"], staff, 8)
    many = await _statements(setting, sql_counter, "staff", 14)
    many_lead = await _statements(setting, sql_counter, "lead", 13)
    # then the number of statements is the same
    assert few == many, sql_counter.statements
    assert few_lead == many_lead
