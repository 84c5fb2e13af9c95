"""The demo's IP-sharing register (R-IP-1…4): it keeps every rule and shows every state, whatever
the day it is seeded on, and seeding again adds nothing."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from uuid import UUID

from demo import seed_demo
from models.assessment_calendar import province_date
from models.base import utcnow
from models.centres import AllianceMember, Centre, CentreStatus
from models.ip_register import (
    PATENT_KINDS,
    IpAsset,
    IpKind,
    IpRevenueShare,
    IpShare,
    IpShareSet,
    IpTransfer,
    LegalStatus,
    TransferKind,
    patent_number_problem,
    share_sum_problem,
    split_revenue_fen,
)
from models.money import to_cny
from services.ip_register import GRANTED_STATES

DEMO_PASSWORD = "Demo-Password-2026!"
THREE_WAY = sorted([Decimal("33.3334"), Decimal("33.3333"), Decimal("33.3333")])
_MODELS = (IpAsset, IpShareSet, IpShare, IpTransfer, IpRevenueShare)


async def _counts() -> list[int]:
    return [await model.all().count() for model in _MODELS]


async def test_r_ip_3_the_demo_register_keeps_every_rule_and_shows_each_state() -> None:
    # when the demo is seeded
    await seed_demo(DEMO_PASSWORD)
    today = province_date(utcnow())
    centres = {c.id: c for c in await Centre.all()}
    assets = {a.id: a for a in await IpAsset.all()}
    sets = await IpShareSet.all().order_by("asset_id", "number")
    shares: dict[UUID, dict[UUID, Decimal]] = defaultdict(dict)
    for share in await IpShare.all():
        shares[share.share_set_id][share.organisation_id] = share.share
    transfers = await IpTransfer.all()
    parts: dict[UUID, dict[UUID, int]] = defaultdict(dict)
    for part in await IpRevenueShare.all():
        parts[part.transfer_id][part.organisation_id] = part.amount_fen
        transfer = next(t for t in transfers if t.id == part.transfer_id)
        assert (part.centre_id, part.year) == (transfer.centre_id, transfer.year)
    membership = {(m.centre_id, m.organisation_id): m for m in await AllianceMember.all()}
    # then there are a few dozen assets over established, rectifying and cultivating centres
    assert 24 <= len(assets) <= 48
    statuses = {centres[a.centre_id].status for a in assets.values()}
    assert {CentreStatus.ESTABLISHED, CentreStatus.RECTIFYING, CentreStatus.CULTIVATING} <= statuses
    # and every kind, legal status and kind of transfer shows
    assert {a.kind for a in assets.values()} == set(IpKind)
    assert {a.legal_status for a in assets.values()} == set(LegalStatus)
    assert {t.kind for t in transfers} == set(TransferKind)
    # and numbers are valid CNIPA numbers for patents, present but for secrets, unique per kind
    numbered = Counter((a.kind, a.number) for a in assets.values() if a.number is not None)
    assert set(numbered.values()) == {1}
    for a in assets.values():
        if a.kind in PATENT_KINDS:
            assert a.number is not None and patent_number_problem(a.kind, a.number) is None
            assert a.filed_on is not None
        if a.kind is IpKind.TECHNICAL_SECRET:
            assert a.number is None
        # and its dates hold: never after today, a grant only when granted, not before filing
        assert a.filed_on is None or a.filed_on <= today
        assert (a.granted_on is not None) == (a.legal_status in GRANTED_STATES)
        if a.filed_on is not None and a.granted_on is not None:
            assert a.filed_on <= a.granted_on <= today
    # and every set sums to exactly 100, numbered 1, 2, … per asset; owners were members of the
    # centre's alliance on the day their set took effect (R-IP-2, R-IP-4)
    sets_of: dict[UUID, list[IpShareSet]] = defaultdict(list)
    for share_set in sets:
        sets_of[share_set.asset_id].append(share_set)
        assert share_sum_problem(shares[share_set.id]) is None
        assert share_set.effective_on <= today
        centre_id = assets[share_set.asset_id].centre_id
        for org in shares[share_set.id]:
            member = membership[centre_id, org]
            assert member.joined_on <= share_set.effective_on
            assert member.left_on is None or share_set.effective_on < member.left_on
    assert set(sets_of) == set(assets)
    for asset_sets in sets_of.values():
        assert [s.number for s in asset_sets] == list(range(1, len(asset_sets) + 1))
        assert [s.effective_on for s in asset_sets] == sorted(s.effective_on for s in asset_sets)
    # and three-way shares and a share change show
    assert any(sorted(held.values()) == THREE_WAY for held in shares.values())
    assert any(len(asset_sets) >= 2 for asset_sets in sets_of.values())
    # and each transfer uses the set in force on its day, and its parts add up to its amount,
    # split exactly as the rule says (R-IP-3); some leave fen over
    by_id = {s.id: s for s in sets}
    remainders = 0
    for t in transfers:
        asset = assets[t.asset_id]
        assert t.centre_id == asset.centre_id and t.year == t.transferred_on.year
        assert t.transferred_on <= today and t.amount_fen > 0 and t.contract_reference
        in_force = [s for s in sets_of[t.asset_id] if s.effective_on <= t.transferred_on][-1]
        assert by_id[t.share_set_id] == in_force
        held = shares[t.share_set_id]
        assert sum(parts[t.id].values()) == t.amount_fen
        assert parts[t.id] == split_revenue_fen(t.amount_fen, held)
        floors = sum(int(t.amount_fen * s // 100) for s in held.values())
        remainders += floors < t.amount_fen
    assert remainders >= 2
    # and an assigned asset is transferred, its assignment its last transfer
    for t in transfers:
        if t.kind is TransferKind.ASSIGNMENT:
            assert assets[t.asset_id].legal_status is LegalStatus.TRANSFERRED
            later = [u for u in transfers if u.asset_id == t.asset_id and u.id != t.id]
            assert all(u.transferred_on < t.transferred_on for u in later)
    # and a former member keeps its share and is paid after it left (R-IP-2)
    paid_after_leaving = [
        (t, org)
        for t in transfers
        for org, fen in parts[t.id].items()
        if fen > 0
        and (left := membership[t.centre_id, org].left_on) is not None
        and t.transferred_on > left
    ]
    assert paid_after_leaving
    t, org = paid_after_leaving[0]
    assert to_cny(parts[t.id][org]) > 0 and org in shares[sets_of[t.asset_id][-1].id]


async def test_r_ip_1_seeding_the_demo_again_adds_no_ip_record() -> None:
    # given the seeded demo
    await seed_demo(DEMO_PASSWORD)
    before = await _counts()
    # when it is seeded again
    summary = await seed_demo(DEMO_PASSWORD)
    # then nothing is added
    assert await _counts() == before
    assert summary == "demo programme already present: nothing created"
    assert before[0] > 0 and before[3] > 0
