"""An annual report's attachments (R-ASM-2, R-ACC-5): the lead attaches while the report is a
draft or returned; readers of the report download them; others get 404, a member 403."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from models.documents import Document
from tests.helpers import gid
from tests.test_annual_reports import SUBMIT, Setting, setting

__all__ = ["setting"]  # the fixture, shared with tests/test_annual_reports.py

PDF = b"%PDF-1.7\nannual report appendix\n%%EOF"
REPORT_DOCUMENTS = """query($id: ID!) { annualReport(id: $id) { documents { id title
  current { downloadPath } } } }"""


async def _upload(setting: Setting, who: str, report: str, **extra: Any) -> httpx.Response:
    return await setting.api.client.post(
        "/documents",
        content=PDF,
        params={
            "annualReportId": report,
            "kind": "FINANCIAL_STATEMENT",
            "title": "年度财务审计报告",
            "fileName": "audit.pdf",
            **extra,
        },
        headers={"authorization": f"Bearer {setting.world.token(setting.users[who])}"},
    )


async def _get(setting: Setting, who: str, path: str) -> httpx.Response:
    token = setting.world.token(setting.users[who])
    return await setting.api.client.get(path, headers={"authorization": f"Bearer {token}"})


async def test_r_asm_2_the_lead_attaches_to_its_report_and_its_readers_download(
    setting: Setting,
) -> None:
    # given a draft report
    report = await setting.draft()
    # when the lead uploads an attachment to it
    uploaded = await _upload(setting, "lead", report)
    # then it is stored, and listed on the report for its readers
    assert uploaded.status_code == 201, uploaded.text
    document = uploaded.json()["document"]["id"]
    for who in ("lead", "member", "bureau", "staff"):
        data = await setting.ok(who, REPORT_DOCUMENTS, id=report)
        (listed,) = data["annualReport"]["documents"]
        assert listed["id"] == document, who
        download = await _get(setting, who, listed["current"]["downloadPath"])
        assert download.status_code == 200 and download.content == PDF, who
        current = await _get(setting, who, f"/documents/{document}/content")
        assert current.status_code == 200, who


async def test_r_acc_5_others_cannot_fetch_or_add_to_a_reports_attachments(
    setting: Setting,
) -> None:
    # given a report with an attachment
    report = await setting.draft()
    uploaded = (await _upload(setting, "lead", report)).json()
    document, version = uploaded["document"]["id"], uploaded["version"]["id"]
    # when another city's bureau, an expert or an outsider fetches it, then 404
    for who in ("other_bureau", "expert", "outsider"):
        for path in (f"/documents/{document}/content", f"/documents/versions/{version}/content"):
            assert (await _get(setting, who, path)).status_code == 404, (who, path)
    # when a member that is not the lead attaches to it or adds a version, then 403
    assert (await _upload(setting, "member", report)).status_code == 403
    token = setting.world.token(setting.users["member"])
    added = await setting.api.client.post(
        f"/documents/{document}/versions",
        content=PDF,
        params={"fileName": "v2.pdf"},
        headers={"authorization": f"Bearer {token}"},
    )
    assert added.status_code == 403, added.text
    # and another city's bureau cannot attach at all (no role of theirs attaches to reports)
    assert (await _upload(setting, "other_bureau", report)).status_code == 403
    # and an outsider enterprise gets 404: the report is not theirs to read
    assert (await _upload(setting, "outsider", report)).status_code == 404


async def test_r_asm_2_attachments_are_frozen_once_the_report_is_submitted(
    setting: Setting,
) -> None:
    # given a report with an attachment, submitted
    report = await setting.draft()
    uploaded = (await _upload(setting, "lead", report)).json()
    await setting.ok("lead", SUBMIT, id=report)
    # when the lead attaches another document or a new version, then it is refused (409)
    assert (await _upload(setting, "lead", report)).status_code == 409
    token = setting.world.token(setting.users["lead"])
    added = await setting.api.client.post(
        f"/documents/{uploaded['document']['id']}/versions",
        content=PDF + b"\n",
        params={"fileName": "v2.pdf"},
        headers={"authorization": f"Bearer {token}"},
    )
    assert added.status_code == 409, added.text
    # and a centre's id is not a report's
    wrong = await _upload(setting, "lead", gid(setting.centre))
    assert wrong.status_code == 404


@pytest.mark.parametrize("owners", ["neither", "both"])
async def test_r_asm_2_a_document_belongs_to_exactly_one_record(
    setting: Setting, owners: str
) -> None:
    # given a report of the lead's centre
    report = await setting.draft()
    params = {"kind": "FINANCIAL_STATEMENT", "title": "审计报告", "fileName": "a.pdf"}
    if owners == "both":
        params |= {"annualReportId": report, "centreId": gid(setting.centre)}
    token = setting.world.token(setting.users["lead"])
    # when the lead uploads naming no record, or both records
    response = await setting.api.client.post(
        "/documents", content=PDF, params=params, headers={"authorization": f"Bearer {token}"}
    )
    # then it is refused naming the parameters (400), and nothing is stored
    assert response.status_code == 400, response.text
    assert "centreId or annualReportId" in response.json()["errors"][0]["message"]
    assert not await Document.exists()
