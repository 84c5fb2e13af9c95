"""Alliance management by the lead unit (R-CTR-1): add, change, remove; exactly one lead."""

from __future__ import annotations

from datetime import date

import strawberry
from tortoise.transactions import in_transaction

from models.base import programme_today
from models.centres import AllianceMember, Centre, MemberRole
from models.lifecycle import EDITABLE, LIVE
from policies import scopes
from policies.vocabulary import Action, Resource
from schema.applications.guard import centre_for, locked
from schema.centres.types import AllianceMember as MemberType
from schema.centres.types import MemberRole as MemberRoleType
from schema.context import Context, Info
from schema.enums import value_of
from schema.errors import BadInput, Conflict, InvalidMove
from schema.ids import find, parse_id

# The alliance is part of the application: the lead changes it while drafting or returned, and
# once the centre is listed; under review it is frozen, so that reviewers (and the experts'
# conflict check, R-REV-1) judge the alliance that was submitted.
CHANGEABLE = EDITABLE | LIVE


def _member_snapshot(row: AllianceMember) -> dict[str, object]:
    return {
        "centre_id": str(row.centre_id),
        "organisation_id": str(row.organisation_id),
        "member_role": str(row.member_role),
        "joined_on": row.joined_on.isoformat(),
        "left_on": row.left_on.isoformat() if row.left_on else None,
    }


async def _editable_centre(ctx: Context, centre_id: strawberry.ID) -> Centre:
    _, centre = await centre_for(ctx, parse_id(centre_id, "centre"), Resource.CENTRE, Action.UPDATE)
    if centre.status not in CHANGEABLE:
        raise InvalidMove(
            f"the centre is {centre.status}: its alliance changes only while the application is"
            " a draft or returned, or once the centre is listed",
            currentStatus=str(centre.status),
        )
    return centre


def _not_future(day: date | None, field: str) -> date:
    today = programme_today()
    if day is not None and day > today:
        raise BadInput(f"{field} cannot be in the future", field=field)
    return day or today


async def _member_of(ctx: Context, member_id: strawberry.ID) -> tuple[Centre, AllianceMember]:
    authz = await ctx.authz()
    row = await find(scopes.visible_alliance_members(authz), member_id, "member")
    # The member is reached through its centre, which must be editable by the caller.
    centre = await _editable_centre(ctx, strawberry.ID(str(row.centre_id)))
    return centre, row


@strawberry.type
class AllianceMutations:
    @strawberry.mutation(description="Add a member unit to the alliance / 添加联盟成员")
    async def add_alliance_member(
        self,
        info: Info,
        centre_id: strawberry.ID,
        organisation_id: strawberry.ID,
        member_role: MemberRoleType,
        joined_on: date | None = None,
    ) -> MemberType:
        ctx = info.context
        centre = await _editable_centre(ctx, centre_id)
        role = MemberRole(value_of(member_role))
        if role is MemberRole.LEAD:
            raise BadInput(
                "there is exactly one lead: use changeAllianceMemberRole to hand it over"
            )
        joined = _not_future(joined_on, "joinedOn")
        authz = await ctx.authz()
        org = await find(scopes.invitable_organisations(authz), organisation_id, "organisation")
        async with in_transaction() as conn:
            await locked(centre)
            if (
                await AllianceMember.filter(
                    centre_id=centre.id, organisation_id=org.id, left_on=None
                )
                .using_db(conn)
                .exists()
            ):
                raise Conflict("this organisation is already a member")
            row = await AllianceMember.create(
                centre_id=centre.id,
                organisation_id=org.id,
                member_role=role,
                joined_on=joined,
                using_db=conn,
            )
            await ctx.audit_change(
                conn,
                Resource.CENTRE,
                Action.UPDATE,
                centre.id,
                after=_member_snapshot(row),
                name="alliance.add",
            )
        return MemberType.of(row)

    @strawberry.mutation(description="Change a role; a new lead demotes the old one / 变更成员角色")
    async def change_alliance_member_role(
        self, info: Info, member_id: strawberry.ID, member_role: MemberRoleType
    ) -> MemberType:
        ctx = info.context
        centre, row = await _member_of(ctx, member_id)
        role = MemberRole(value_of(member_role))
        if row.left_on is not None:
            raise Conflict("this organisation has left the alliance")
        async with in_transaction() as conn:
            centre = await locked(centre)
            before = _member_snapshot(row)
            if role is MemberRole.LEAD and row.member_role is not MemberRole.LEAD:
                # Hand-over in one transaction: exactly one lead at any time.
                await (
                    AllianceMember.filter(
                        centre_id=centre.id, member_role=MemberRole.LEAD, left_on=None
                    )
                    .using_db(conn)
                    .update(member_role=MemberRole.CORE)
                )
                centre.lead_organisation_id = row.organisation_id
                centre.version += 1
                await centre.save(
                    update_fields=["lead_organisation_id", "version", "updated_at"], using_db=conn
                )
            elif row.member_role is MemberRole.LEAD and role is not MemberRole.LEAD:
                raise BadInput("make another member the lead instead: there is always one lead")
            row.member_role = role
            await row.save(update_fields=["member_role"], using_db=conn)
            await ctx.audit_change(
                conn,
                Resource.CENTRE,
                Action.UPDATE,
                centre.id,
                before=before,
                after=_member_snapshot(row),
                name="alliance.change_role",
            )
        return MemberType.of(row)

    @strawberry.mutation(description="A member leaves; its record stays / 成员退出")
    async def remove_alliance_member(
        self, info: Info, member_id: strawberry.ID, left_on: date | None = None
    ) -> MemberType:
        ctx = info.context
        centre, row = await _member_of(ctx, member_id)
        if row.member_role is MemberRole.LEAD:
            raise BadInput("the lead cannot leave: hand the lead over first")
        if row.left_on is not None:
            raise Conflict("this organisation has already left")
        leaving = _not_future(left_on, "leftOn")
        if leaving < row.joined_on:
            raise BadInput("leftOn is before the member joined", field="leftOn")
        async with in_transaction() as conn:
            await locked(centre)
            before = _member_snapshot(row)
            row.left_on = leaving
            await row.save(update_fields=["left_on"], using_db=conn)
            await ctx.audit_change(
                conn,
                Resource.CENTRE,
                Action.UPDATE,
                centre.id,
                before=before,
                after=_member_snapshot(row),
                name="alliance.remove",
            )
        return MemberType.of(row)
