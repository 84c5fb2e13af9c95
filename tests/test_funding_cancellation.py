"""Cancellation (R-FUND-2): a centre whose cultivation failed (by the deadline or by staff) or
that the assessment revoked has its unpaid instalments cancelled in the move itself, with the
reason and who made it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from models.accounts import RoleName
from models.audit import AuditEntry
from models.base import programme_today
from models.centres import Centre, CentreStatus
from models.funding import EntryKind, LedgerEntry
from services.deadlines import expire_cultivation
from tests.helpers import Api, World, error_codes, gid
from tests.test_assessments import Setup as AssessmentSetup
from tests.test_funding import DECISION, Funding, build_funding, funding

MOVE = """mutation($id: ID!, $m: CentreMove!, $c: String!) {
  transitionCentre(id: $id, move: $m, comment: $c) { status } }"""

__all__ = ["funding"]  # the fixture, shared


# --- failure: the deadline's move and staff's ---------------------------------------------


async def _past_deadline(centre: Centre) -> None:
    today = programme_today()
    await Centre.filter(id=centre.id).update(
        listed_on=today.replace(year=today.year - 3) - timedelta(days=2)
    )


async def test_r_fund_2_the_deadline_cancels_the_unpaid_instalment(funding: Funding) -> None:
    # given the first instalment paid and the cultivation period over
    await funding.decide()
    await funding.pay(1)
    await _past_deadline(funding.centre)
    # when the deadline's sweep fails the centre
    assert await expire_cultivation() == [funding.centre.id]
    # then the second instalment is cancelled by the system, with the move's reason
    cancellation = await LedgerEntry.get(kind=EntryKind.CANCELLATION)
    assert (cancellation.instalment, cancellation.amount_fen) == (2, 100_000_000)
    assert cancellation.recorded_by_id is None
    assert "cultivation period ended" in cancellation.reason
    audited = await AuditEntry.get(action="funding.cancel_instalment")
    assert (audited.actor, audited.object_id) == ("deadline", str(cancellation.id))
    state = await funding.ok("bureau", DECISION, c=gid(funding.centre))
    second = state["subsidyDecision"]["secondInstalment"]
    assert (second["state"], second["paid"]) == ("CANCELLED", "0.00")
    assert state["subsidyDecision"]["firstInstalment"]["state"] == "PAID"
    # and nothing more is paid to the failed centre
    assert error_codes(await funding.pay(2)) == ["INVALID_TRANSITION"]


async def test_r_fund_2_fail_cultivation_by_staff_cancels_both_unpaid(funding: Funding) -> None:
    # given a decided subsidy, nothing paid, the period over
    await funding.decide()
    await _past_deadline(funding.centre)
    # when staff fail the centre
    await funding.ok("staff", MOVE, id=gid(funding.centre), m="FAIL_CULTIVATION", c="未通过评估")
    # then both instalments are cancelled by staff, with their comment
    rows = await LedgerEntry.filter(kind=EntryKind.CANCELLATION).order_by("instalment")
    assert [(r.instalment, r.amount_fen, r.reason) for r in rows] == [
        (1, 100_000_000, "未通过评估"),
        (2, 100_000_000, "未通过评估"),
    ]
    assert {r.recorded_by_id for r in rows} == {funding.users["staff"].id}


async def test_r_fund_2_a_failure_without_a_decision_records_nothing(funding: Funding) -> None:
    await _past_deadline(funding.centre)
    assert await expire_cultivation() == [funding.centre.id]
    assert not await LedgerEntry.exists()


# --- R-FUND-2: revocation by the assessment ------------------------------------------------


async def test_r_fund_2_revocation_cancels_the_unpaid_instalment(api: Api, world: World) -> None:
    # given an established centre whose first instalment is paid
    funding = await build_funding(api, world)
    centre = funding.centre
    await prepare_established(centre)
    await funding.decide()
    assert not (await funding.pay(1)).get("errors")
    experts = []
    for _ in range(4):
        home = await world.organisation("450300")
        experts.append(await world.user(RoleName.EXPERT, organisation=home))
    staff = funding.users["staff"]
    setup = AssessmentSetup(
        api, world, staff, experts, funding.lead, await Centre.get(id=centre.id), {"staff": staff}
    )
    # when it fails the periodic assessment and then the reassessment
    await setup.assess("FAIL")
    revoked = await setup.assess("FAIL", kind="REASSESSMENT")
    assert revoked["centre"]["status"] == "REVOKED"
    # then the second instalment is cancelled by the grading staff, in the same move
    rows = await LedgerEntry.filter(kind=EntryKind.CANCELLATION)
    assert [(r.instalment, r.amount_fen, r.recorded_by_id) for r in rows] == [
        (2, 100_000_000, staff.id)
    ]
    assert rows[0].reason
    # and nothing more is paid to the revoked centre
    assert error_codes(await funding.pay(2)) == ["INVALID_TRANSITION"]


async def prepare_established(centre: Centre) -> None:
    await Centre.filter(id=centre.id).update(
        status=CentreStatus.ESTABLISHED,
        established_on=programme_today() - timedelta(days=3 * 365),
        fixed_asset_investment=Decimal("3000000.00"),
    )
