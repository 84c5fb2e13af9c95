"""The alliance (联盟) by the lead unit (R-CTR-1): add, change a role, remove; exactly one lead.

The alliance changes only while the application is a draft or returned, and once the centre is
listed; under review it is frozen (``frozen_under_review``)."""

from __future__ import annotations

from datetime import date

from models.centres import AllianceMember, Centre, MemberRole
from models.lifecycle import frozen_under_review
from models.vocabulary import term
from policies import scopes
from policies.vocabulary import Action, Resource
from services.access import centre_for
from services.actor import Actor
from services.changes import changing_centre
from services.errors import BadInput, Conflict, InvalidMove, NotFound
from services.ids import parse_id
from services.values import not_future


async def _editable_centre(actor: Actor, centre_id: object) -> Centre:
    _, centre = await centre_for(
        actor, parse_id(centre_id, "centre"), Resource.CENTRE, Action.UPDATE
    )
    if frozen_under_review(centre.status):
        raise InvalidMove(
            f"the centre is {term(centre.status)}: its alliance changes only while the application"
            " is a draft or returned, or once the centre is listed",
            currentStatus=term(centre.status),
        )
    return centre


async def _member_of(actor: Actor, member_id: str) -> tuple[Centre, AllianceMember]:
    authz = await actor.authz()
    row = await scopes.visible_alliance_members(authz).get_or_none(id=parse_id(member_id, "member"))
    if row is None:
        raise NotFound("member")
    # The member is reached through its centre, which must be editable by the caller.
    return await _editable_centre(actor, row.centre_id), row


async def add_member(
    actor: Actor,
    centre_id: str,
    organisation_id: str,
    role: MemberRole,
    joined_on: date | None = None,
) -> AllianceMember:
    """A member unit joins (joinedOn not in the future, UTC+8). Raises BadInput (a second lead),
    NotFound (organisation), Conflict (already a member), InvalidMove (frozen)."""
    centre = await _editable_centre(actor, centre_id)
    if role is MemberRole.LEAD:
        raise BadInput("there is exactly one lead: use changeAllianceMemberRole to hand it over")
    joined = not_future(joined_on, "joinedOn")
    authz = await actor.authz()
    org = await scopes.invitable_organisations(authz).get_or_none(
        id=parse_id(organisation_id, "organisation")
    )
    if org is None:
        raise NotFound("organisation")
    async with changing_centre(
        actor,
        centre.id,
        resource=Resource.CENTRE,
        action=Action.UPDATE,
        name="alliance.add",
    ) as change:
        members = AllianceMember.filter(centre_id=centre.id, organisation_id=org.id, left_on=None)
        if await members.using_db(change.conn).exists():
            raise Conflict("this organisation is already a member")
        row = await AllianceMember.create(
            centre_id=centre.id,
            organisation_id=org.id,
            member_role=role,
            joined_on=joined,
            using_db=change.conn,
        )
        change.record(before=None, after=row.snapshot())
    return row


async def change_member_role(actor: Actor, member_id: str, role: MemberRole) -> AllianceMember:
    """Change a member's role; a new lead demotes the old one to core in the same transaction
    (exactly one lead, R-CTR-1). Raises Conflict (left), BadInput (demoting the lead)."""
    centre, row = await _member_of(actor, member_id)
    if row.left_on is not None:
        raise Conflict("this organisation has left the alliance")
    async with changing_centre(
        actor,
        centre.id,
        resource=Resource.CENTRE,
        action=Action.UPDATE,
        name="alliance.change_role",
    ) as change:
        centre = change.row
        before = row.snapshot()
        if role is MemberRole.LEAD and row.member_role is not MemberRole.LEAD:
            await (
                AllianceMember.filter(
                    centre_id=centre.id, member_role=MemberRole.LEAD, left_on=None
                )
                .using_db(change.conn)
                .update(member_role=MemberRole.CORE)
            )
            centre.lead_organisation_id = row.organisation_id
            centre.version += 1
            await centre.save(
                update_fields=["lead_organisation_id", "version", "updated_at"],
                using_db=change.conn,
            )
        elif row.member_role is MemberRole.LEAD and role is not MemberRole.LEAD:
            raise BadInput("make another member the lead instead: there is always one lead")
        row.member_role = role
        await row.save(update_fields=["member_role"], using_db=change.conn)
        change.record(before=before, after=row.snapshot())
    return row


async def remove_member(
    actor: Actor, member_id: str, left_on: date | None = None
) -> AllianceMember:
    """A member leaves (leftOn not in the future, not before joining); its record stays.
    Raises BadInput (the lead, or dates), Conflict (already left)."""
    centre, row = await _member_of(actor, member_id)
    if row.member_role is MemberRole.LEAD:
        raise BadInput("the lead cannot leave: hand the lead over first")
    if row.left_on is not None:
        raise Conflict("this organisation has already left")
    leaving = not_future(left_on, "leftOn")
    if leaving < row.joined_on:
        raise BadInput("leftOn is before the member joined", field="leftOn")
    async with changing_centre(
        actor,
        centre.id,
        resource=Resource.CENTRE,
        action=Action.UPDATE,
        name="alliance.remove",
    ) as change:
        before = row.snapshot()
        row.left_on = leaving
        await row.save(update_fields=["left_on"], using_db=change.conn)
        change.record(before=before, after=row.snapshot())
    return row
