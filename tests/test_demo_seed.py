"""`mic seed-demo`: a believable programme, created once, visible through each role's scope."""

from __future__ import annotations

from itertools import pairwise

from demo import seed_demo
from models.accounts import RoleBinding, RoleName, User
from models.audit import AuditEntry, verify_chain
from models.calls import Call
from models.centres import AllianceMember, Centre, CentreStatus, CentreStatusEvent, MemberRole
from models.credit_code import normalise_credit_code
from models.cultivation import TaskAgreement
from models.reference import City, Organisation, OrganisationKind
from models.reviews import Review, ReviewStatus
from services.accounts import ensure_admin
from tests.helpers import Api

DEMO_PASSWORD = "Demo-Password-2026!"


async def _counts() -> tuple[int, ...]:
    return (
        await Organisation.all().count(),
        await Centre.all().count(),
        await User.all().count(),
        await RoleBinding.all().count(),
        await AllianceMember.all().count(),
    )


async def test_seed_demo_creates_a_believable_programme_once(api: Api) -> None:
    # when the demo is seeded twice
    await seed_demo(DEMO_PASSWORD)
    first = await _counts()
    assert "nothing created" in await seed_demo(DEMO_PASSWORD)
    assert "not seeded" in await seed_demo(DEMO_PASSWORD, only_if_empty=True)
    # then the second run created nothing
    assert await _counts() == first
    orgs = await Organisation.all()
    centres = await Centre.all()
    assert len(orgs) >= 30 and {o.kind for o in orgs} == set(OrganisationKind)
    assert all(normalise_credit_code(o.credit_code) == o.credit_code for o in orgs)
    assert len(centres) >= 10
    assert len({c.city_id for c in centres}) >= 5 and len({c.industry_id for c in centres}) >= 6
    # issue 4: every lifecycle state is on show, each with its whole status history
    assert {c.status for c in centres} == set(CentreStatus)
    for centre in centres:
        events = await CentreStatusEvent.filter(centre_id=centre.id).order_by("created_at", "id")
        assert events and events[0].from_status is None and events[-1].to_status == centre.status
        assert all(a.to_status == b.from_status for a, b in pairwise(events))
    # reviews both in progress and finalised; a finalised one carries its result
    reviews = await Review.all()
    assert {r.status for r in reviews} == set(ReviewStatus)
    assert all(r.result is not None for r in reviews if r.status is ReviewStatus.FINALISED)
    assert await Call.all().count() >= 2
    assert await TaskAgreement.all().count() >= 1
    # R-CTR-1: exactly one current lead per centre, and it is the lead organisation
    for centre in centres:
        leads = await AllianceMember.filter(
            centre_id=centre.id, member_role=MemberRole.LEAD, left_on=None
        )
        assert [m.organisation_id for m in leads] == [centre.lead_organisation_id]
    # accounts: admin, staff, one bureau per city, experts, enterprises
    for city in await City.all():
        bureau = await User.get(username=f"bureau-{city.pinyin}")
        binding = await RoleBinding.get(user_id=bureau.id)
        assert (binding.role, binding.city_id) == (RoleName.MUNICIPAL_BUREAU, city.id)
    assert await RoleBinding.filter(role=RoleName.EXPERT).count() >= 8
    assert await User.filter(username__startswith="ent-").count() >= 10
    # the seed is audited and the chain is intact
    assert await AuditEntry.filter(action="demo.seed").count() == 1
    assert (await verify_chain())[1] == []


async def test_demo_accounts_sign_in_and_see_their_scope(api: Api) -> None:
    await seed_demo(DEMO_PASSWORD)
    login = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }"
    token = (await api.ok(login, {"u": "bureau-liuzhou", "p": DEMO_PASSWORD}))["login"]["token"]
    data = await api.ok(
        "{ centres(first: 100) { totalCount edges { node { city { pinyin } } } } }", token=token
    )
    cities = {e["node"]["city"]["pinyin"] for e in data["centres"]["edges"]}
    assert data["centres"]["totalCount"] > 0 and cities == {"liuzhou"}
    admin = (await api.ok(login, {"u": "admin", "p": DEMO_PASSWORD}))["login"]["token"]
    everything = await api.ok("{ centres { totalCount } }", token=admin)
    assert everything["centres"]["totalCount"] == await Centre.all().count()
    assert await Centre.filter(status=CentreStatus.ESTABLISHED, is_national=True).exists()


async def test_create_admin_creates_once(api: Api) -> None:
    assert await ensure_admin("root-admin", "Root", "Root-Admin-Pass-1") is True
    assert await ensure_admin("root-admin", "Root", "Other-Pass-22222") is False
    user = await User.get(username="root-admin")
    assert (await RoleBinding.get(user_id=user.id)).role == RoleName.PROVINCIAL_ADMIN
