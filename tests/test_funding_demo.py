"""The demo's funding ledger (R-FUND-1…4): it keeps every rule and shows every state, whatever
the day it is seeded on."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from demo import seed_demo
from models.accounts import User
from models.assessment_calendar import province_date
from models.base import utcnow
from models.centres import Centre, CentreStatus
from models.funding import (
    EntryKind,
    FundingProgramme,
    LedgerEntry,
    NationalSupportPlan,
    SubsidyDecision,
    SupportPurpose,
    national_plan_problem,
    split_instalments_fen,
    subsidy_cap_fen,
)
from models.money import to_fen
from tests.helpers import Api, World

DEMO_PASSWORD = "Demo-Password-2026!"
_LISTED = {
    CentreStatus.CULTIVATING,
    CentreStatus.CULTIVATION_FAILED,
    CentreStatus.ESTABLISHED,
    CentreStatus.RECTIFYING,
    CentreStatus.REVOKED,
}


async def test_r_fund_2_the_demo_ledger_keeps_every_rule_and_shows_each_state(api: Api) -> None:
    # when the demo is seeded
    await seed_demo(DEMO_PASSWORD)
    centres = {c.id: c for c in await Centre.all()}
    decisions = {d.centre_id: d for d in await SubsidyDecision.all()}
    plans = {p.centre_id: p for p in await NationalSupportPlan.all()}
    entries = await LedgerEntry.all()
    today = province_date(utcnow())
    # then every listed centre has a decision, and only those, but one cultivating centre
    # whose decision the README makes
    listed = {c.id for c in centres.values() if c.status in _LISTED}
    (undecided,) = listed - set(decisions)
    assert set(decisions) < listed
    assert centres[undecided].status is CentreStatus.CULTIVATING
    # and each decision's cap comes from the centre's recorded investment (R-FUND-1), the
    # approved amount is within it and its halves add up exactly (R-FUND-2, R-FUND-4)
    for centre_id, d in decisions.items():
        centre = centres[centre_id]
        assert centre.fixed_asset_investment is not None
        assert centre.software_investment is not None
        assert d.fixed_asset_investment_fen == to_fen(centre.fixed_asset_investment)
        assert d.software_investment_fen == to_fen(centre.software_investment)
        assert d.cap_fen == subsidy_cap_fen(
            d.fixed_asset_investment_fen + d.software_investment_fen
        )
        assert 0 < d.approved_fen <= d.cap_fen
        assert (d.first_instalment_fen, d.second_instalment_fen) == split_instalments_fen(
            d.approved_fen
        )
        assert centre.listed_on is not None and centre.listed_on <= d.decided_on <= today
    # and every entry is dated by its value date, never after today
    by_id = {e.id: e for e in entries}
    paid: dict[tuple[object, int | None], int] = defaultdict(int)
    cancelled: dict[tuple[object, int | None], int] = defaultdict(int)
    for e in entries:
        centre = centres[e.centre_id]
        assert e.year == e.value_date.year and e.value_date <= today
        if e.programme is FundingProgramme.SUBSIDY:
            assert e.instalment in (1, 2) and e.purpose is None
            assert centre.listed_on is not None and e.value_date >= centre.listed_on
        else:
            assert e.instalment is None and e.purpose is not None
        if e.kind is EntryKind.DISBURSEMENT:
            assert e.amount_fen > 0 and e.payment_reference and e.reverses_id is None
            paid[e.centre_id, e.instalment] += e.amount_fen
        elif e.kind is EntryKind.REVERSAL:
            # a reversal undoes one disbursement of the same centre and instalment, with reason
            assert e.reverses_id is not None and e.reason
            undone = by_id[e.reverses_id]
            assert undone.kind is EntryKind.DISBURSEMENT and e.amount_fen == -undone.amount_fen
            assert (undone.centre_id, undone.instalment) == (e.centre_id, e.instalment)
            assert undone.value_date <= e.value_date
            paid[e.centre_id, e.instalment] += e.amount_fen
        else:
            # a cancellation only when cultivation failed or the centre was revoked, with reason
            assert centre.status in {CentreStatus.CULTIVATION_FAILED, CentreStatus.REVOKED}
            assert e.reason and e.amount_fen > 0
            cancelled[e.centre_id, e.instalment] += e.amount_fen
    # and no instalment is paid more than once, nor beyond its amount; the second only after
    # establishment; a cancelled instalment is the unpaid one, whole
    for centre_id, d in decisions.items():
        centre = centres[centre_id]
        for number in (1, 2):
            net = paid[centre_id, number]
            assert net in (0, d.instalment_fen(number)), (centre.name, number)
            if cancelled[centre_id, number]:
                assert net == 0 and cancelled[centre_id, number] == d.instalment_fen(number)
        assert paid[centre_id, 1] + paid[centre_id, 2] <= d.approved_fen
        seconds = [
            e
            for e in entries
            if e.centre_id == centre_id and e.instalment == 2 and e.kind is EntryKind.DISBURSEMENT
        ]
        if seconds:
            assert centre.established_on is not None
            assert all(e.value_date >= centre.established_on for e in seconds)
    # and the national-level plan keeps its bounds (R-FUND-3), its payments within them
    assert set(plans) == {c.id for c in centres.values() if c.is_national}
    for centre_id, p in plans.items():
        assert national_plan_problem(p.total_fen, p.talent_fen) is None
        assert centres[centre_id].established_on is not None
        support = [e for e in entries if e.centre_id == centre_id and e.purpose is not None]
        talent = sum(e.amount_fen for e in support if e.purpose is SupportPurpose.TALENT)
        assert 0 < talent <= p.talent_fen
        assert sum(e.amount_fen for e in support) <= p.total_fen
        assert {e.purpose for e in support} == {SupportPurpose.TALENT, SupportPurpose.GENERAL}
    # and each state shows: first instalment only, both, a reversal and a repayment, a
    # cancellation, an odd fen
    statuses = {
        status: {
            (paid[c, 1] > 0, paid[c, 2] > 0, cancelled[c, 2] > 0)
            for c in decisions
            if centres[c].status is status
        }
        for status in _LISTED
    }
    assert statuses[CentreStatus.CULTIVATING] == {(True, False, False)}
    assert statuses[CentreStatus.ESTABLISHED] == {(True, True, False)}
    assert statuses[CentreStatus.CULTIVATION_FAILED] == {(True, False, True)}
    (reversal,) = [e for e in entries if e.kind is EntryKind.REVERSAL]
    assert (
        sum(
            1
            for e in entries
            if (e.centre_id, e.instalment, e.kind)
            == (reversal.centre_id, reversal.instalment, EntryKind.DISBURSEMENT)
        )
        == 2
    )
    assert any(e.amount_fen % 2 for e in entries)
    # and seeding again adds nothing
    assert "nothing created" in await seed_demo(DEMO_PASSWORD)
    assert await LedgerEntry.all().count() == len(entries)
    assert await SubsidyDecision.all().count() == len(decisions)


TOTALS = """{ fundingTotals(groupBy: CENTRE) { centre { name } committed paid outstanding }
  fundingGrandTotal { committed paid cancelled outstanding } }"""


async def test_r_fund_4_the_demo_totals_add_up_and_nothing_is_overpaid(
    api: Api, world: World
) -> None:
    # given the demo and its provincial staff
    await seed_demo(DEMO_PASSWORD)
    token = world.token(await User.get(username="staff"))
    # when the totals per centre and overall are read
    data = await api.ok(TOTALS, token=token)
    rows, total = data["fundingTotals"], data["fundingGrandTotal"]
    # then every listed centre has a row with nothing overpaid, and the rows add up exactly
    assert len(rows) == await SubsidyDecision.all().count()
    assert all(not r["outstanding"].startswith("-") for r in rows)
    for name in ("committed", "paid", "outstanding"):
        assert sum(Decimal(r[name]) for r in rows) == Decimal(total[name])
    assert Decimal(total["cancelled"]) > 0
