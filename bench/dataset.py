"""A deterministic programme at a given scale, written fast with bulk inserts.

Scale 1 (the issue's size): 300 centres over the 14 reference cities, ~1,551 organisations,
~7,231 alliance members (about 24 per centre), statuses spread over every ``CentreStatus``;
~31 % of centres in the busiest city, whose bureau user therefore sees ~94 of 300 centres.
Scale 10 is 10x everything. Centres past recommendation get status events and a selection
review (Q2 reads them). Two enterprises (users ``enterprise`` for mic, ``enterprise2`` for the
baseline) each lead ``DRAFTS`` draft centres (the mutation edits them) and nothing else.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from models.accounts import RoleBinding, RoleName, User
from models.centres import AllianceMember, Centre, CentreStatus, CentreStatusEvent, MemberRole
from models.credit_code import make_credit_code
from models.reference import City, Industry, Organisation, OrganisationKind
from models.reviews import Review, ReviewStatus
from services.passwords import hash_password

CENTRES = 300
ORGANISATIONS = 1551
BUSIEST_SHARE = 0.33  # of centres and organisations in the busiest city
DRAFTS = 8  # draft centres led by each bench enterprise (one for mic, one for the baseline)
BATCH = 1000  # rows per bulk INSERT
REVIEWED = {
    CentreStatus.EXPERT_REVIEW,
    CentreStatus.REJECTED,
    CentreStatus.CULTIVATING,
    CentreStatus.CULTIVATION_FAILED,
    CentreStatus.ESTABLISHED,
    CentreStatus.RECTIFYING,
    CentreStatus.REVOKED,
}
PATH = [
    CentreStatus.DRAFT,
    CentreStatus.SUBMITTED,
    CentreStatus.RECOMMENDED,
    CentreStatus.FORMAL_REVIEW_PASSED,
    CentreStatus.EXPERT_REVIEW,
]


@dataclass
class Built:
    """What the benchmark needs to know about the data: its users and row counts."""

    users: dict[str, User] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _city_of(rng: random.Random, cities: list[City]) -> City:
    """The busiest city (first by code) with BUSIEST_SHARE, the others evenly."""
    if rng.random() < BUSIEST_SHARE:
        return cities[0]
    return cities[1 + rng.randrange(len(cities) - 1)]


def _organisations(rng: random.Random, cities: list[City], n: int) -> list[Organisation]:
    kinds = list(OrganisationKind)
    orgs = []
    for i in range(n):
        city = cities[1] if i < 2 else _city_of(rng, cities)
        orgs.append(
            Organisation(
                id=_uuid(rng),
                name=f"基准单位{i:06d}",
                short_name=f"bench{i}",
                credit_code=make_credit_code("91", city.code, f"{i:08d}"),
                kind=kinds[i % len(kinds)],
                city_id=city.id,
            )
        )
    return orgs


def _events(
    rng: random.Random, centre: Centre, actor_id: uuid.UUID, start: datetime
) -> list[CentreStatusEvent]:
    steps = [*PATH, centre.status] if centre.status not in PATH else PATH
    events = []
    for k, (before, after) in enumerate(zip([None, *steps], steps, strict=False)):
        if before == after:
            continue
        events.append(
            CentreStatusEvent(
                id=_uuid(rng),
                centre_id=centre.id,
                from_status=before,
                to_status=after,
                actor_id=actor_id,
                role=RoleName.PROVINCIAL_STAFF.value,
                comment=f"基准 {k}",
                created_at=start + timedelta(days=k),
            )
        )
    return events


async def build(scale: int = 1, seed: int = 7) -> Built:
    """Insert the programme (reference data already loaded); returns its users and counts."""
    rng = random.Random(seed)
    cities = await City.all().order_by("code")
    industries = await Industry.all()
    orgs = _organisations(rng, cities, ORGANISATIONS * scale)
    enterprise_orgs, pool = orgs[:2], orgs[2:]
    by_city: dict[uuid.UUID, list[Organisation]] = {}
    for org in pool:
        by_city.setdefault(org.city_id, []).append(org)
    password = hash_password("Bench-Password-1")
    users = {
        who: User(id=_uuid(rng), username=f"bench-{who}", display_name=who, password_hash=password)
        for who in ("admin", "bureau", "enterprise", "enterprise2")
    }
    bindings = [
        RoleBinding(id=_uuid(rng), user_id=users["admin"].id, role=RoleName.PROVINCIAL_ADMIN),
        # Provincial staff too: reviews are read by provincial staff (Q2 reads one).
        RoleBinding(id=_uuid(rng), user_id=users["admin"].id, role=RoleName.PROVINCIAL_STAFF),
        RoleBinding(
            id=_uuid(rng),
            user_id=users["bureau"].id,
            role=RoleName.MUNICIPAL_BUREAU,
            city_id=cities[0].id,
        ),
        *(
            RoleBinding(
                id=_uuid(rng),
                user_id=users[who].id,
                role=RoleName.ENTERPRISE,
                organisation_id=org.id,
            )
            for who, org in zip(("enterprise", "enterprise2"), enterprise_orgs, strict=True)
        ),
    ]
    statuses = list(CentreStatus)
    centres: list[Centre] = []
    members: list[AllianceMember] = []
    events: list[CentreStatusEvent] = []
    reviews: list[Review] = []
    start = datetime(2025, 1, 6, 2, 0, tzinfo=UTC)
    for i in range(CENTRES * scale):
        draft = i < 2 * DRAFTS
        lead = enterprise_orgs[i % 2] if draft else rng.choice(by_city[_city_of(rng, cities).id])
        status = CentreStatus.DRAFT if draft else statuses[i % len(statuses)]
        centre = Centre(
            id=_uuid(rng),
            name=f"基准创新中心{rng.randrange(10**6):06d}-{i}",
            city_id=lead.city_id,
            industry_id=industries[i % len(industries)].id,
            lead_organisation_id=lead.id,
            status=status,
            direction=f"方向{i % 50}",
        )
        centres.append(centre)
        joined = date(2025, 1, 1) + timedelta(days=i % 200)
        members.append(
            AllianceMember(
                id=_uuid(rng),
                centre_id=centre.id,
                organisation_id=lead.id,
                member_role=MemberRole.LEAD,
                joined_on=joined,
            )
        )
        for k, org in enumerate(rng.sample(pool, rng.randint(20, 26))):
            if org.id == lead.id:
                continue
            members.append(
                AllianceMember(
                    id=_uuid(rng),
                    centre_id=centre.id,
                    organisation_id=org.id,
                    member_role=MemberRole.CORE if k < 3 else MemberRole.MEMBER,
                    joined_on=joined + timedelta(days=1 + k % 30),
                )
            )
        if status in REVIEWED:
            events.extend(_events(rng, centre, users["admin"].id, start))
            finalised = status is not CentreStatus.EXPERT_REVIEW
            reviews.append(
                Review(
                    id=_uuid(rng),
                    subject_id=centre.id,
                    centre_id=centre.id,
                    status=ReviewStatus.FINALISED if finalised else ReviewStatus.OPEN,
                    expert_count=3,
                )
            )
    await Organisation.bulk_create(orgs, batch_size=BATCH)
    await User.bulk_create(list(users.values()), batch_size=BATCH)
    await RoleBinding.bulk_create(bindings, batch_size=BATCH)
    await Centre.bulk_create(centres, batch_size=BATCH)
    await AllianceMember.bulk_create(members, batch_size=BATCH)
    await CentreStatusEvent.bulk_create(events, batch_size=BATCH)
    await Review.bulk_create(reviews, batch_size=BATCH)
    counts = {
        "centres": len(centres),
        "organisations": len(orgs),
        "alliance_members": len(members),
        "status_events": len(events),
        "reviews": len(reviews),
        "bureau_centres": sum(1 for c in centres if c.city_id == cities[0].id),
    }
    return Built(users=users, counts=counts)
