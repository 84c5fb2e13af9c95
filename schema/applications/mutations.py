"""Applications and the lifecycle: create, edit (draft/returned only), and every move."""

from __future__ import annotations

from datetime import date

import strawberry
from tortoise.transactions import in_transaction

from models.base import programme_today, utcnow
from models.calls import Call
from models.centres import AllianceMember, Centre, CentreStatus, MemberRole
from models.documents import DocumentKind, OwnerType, missing_for
from models.lifecycle import EDITABLE, TABLE, CommentRequired, InvalidTransition, Move, apply
from models.reference import Organisation
from policies import scopes
from policies.vocabulary import Action, Resource
from schema.applications.guard import centre_for, locked
from schema.applications.inputs import ApplicationInput, check_application
from schema.applications.moves import centre_snapshot, record_move
from schema.applications.rules import check_move_conditions, list_for_cultivation
from schema.applications.types import CentreMove, TaskAgreementInput
from schema.centres.types import Centre as CentreType
from schema.context import Info
from schema.enums import value_of
from schema.errors import BadInput, Conflict, InvalidMove, NotFound
from schema.guard import require
from schema.ids import find, parse_id


def _today() -> date:
    return programme_today()


@strawberry.type
class ApplicationMutations:
    @strawberry.mutation(description="Start an application under an open call / 创建申报")
    async def create_application(
        self,
        info: Info,
        call_id: strawberry.ID,
        input: ApplicationInput,
        lead_organisation_id: strawberry.ID | None = None,
    ) -> CentreType:
        ctx = info.context
        authz = await require(ctx, Resource.CENTRE, Action.CREATE)
        # The organisations the caller may lead an application for (its enterprise bindings).
        leads = authz.access(Resource.CENTRE, Action.CREATE).lead_organisations
        if lead_organisation_id is not None:
            org_id = parse_id(lead_organisation_id, "organisation")
            if org_id not in leads:
                raise NotFound("organisation")
        elif len(leads) == 1:
            (org_id,) = leads
        else:
            raise BadInput("you act for several organisations: give leadOrganisationId")
        call = await find(scopes.visible_calls(authz), call_id, "call")
        if not call.is_open(utcnow()):
            raise BadInput("this call is not open for applications", field="callId")
        fields, industry = await check_application(input)
        if call.industries and industry.code not in call.industries:
            raise BadInput("this call is not for that industry", field="industry")
        lead = await Organisation.get(id=org_id)
        async with in_transaction() as conn:
            centre = await Centre.create(
                **fields,
                call_id=call.id,
                city_id=lead.city_id,
                lead_organisation_id=lead.id,
                status=CentreStatus.DRAFT,
                using_db=conn,
            )
            await AllianceMember.create(
                centre_id=centre.id,
                organisation_id=lead.id,
                member_role=MemberRole.LEAD,
                joined_on=_today(),
                using_db=conn,
            )
            await record_move(
                ctx,
                conn,
                authz=authz,
                action=Action.CREATE,
                centre=centre,
                before=None,
                from_status=None,
                comment="",
                name="centre.create",
            )
        return CentreType.of(centre)

    @strawberry.mutation(description="Edit one's draft or returned application / 修改申报")
    async def update_application(
        self, info: Info, id: strawberry.ID, version: int, input: ApplicationInput
    ) -> CentreType:
        ctx = info.context
        _, centre = await centre_for(ctx, parse_id(id, "centre"), Resource.CENTRE, Action.UPDATE)
        fields, industry = await check_application(input)
        async with in_transaction() as conn:
            centre = await locked(centre)
            if centre.status not in EDITABLE:
                raise InvalidMove(
                    f"an application is edited only while draft or returned; it is {centre.status}",
                    currentStatus=str(centre.status),
                )
            if centre.version != version:
                raise Conflict(
                    "the application changed since you read it: reload and retry",
                    currentVersion=centre.version,
                )
            if centre.call_id is not None:
                call = await Call.get(id=centre.call_id)
                if call.industries and industry.code not in call.industries:
                    raise BadInput("the call is not for that industry", field="industry")
            before = centre_snapshot(centre)
            for key, value in fields.items():
                setattr(centre, key, value)
            centre.version += 1
            await centre.save(using_db=conn)
            await ctx.audit_change(
                conn,
                Resource.CENTRE,
                Action.UPDATE,
                centre.id,
                before=before,
                after=centre_snapshot(centre),
            )
        return CentreType.of(centre)

    @strawberry.mutation(description="Move a centre through its lifecycle / 流程操作")
    async def transition_centre(
        self,
        info: Info,
        id: strawberry.ID,
        move: CentreMove,
        comment: str = "",
        override_reason: str | None = None,
    ) -> CentreType:
        ctx = info.context
        step_move = Move(value_of(move))
        if step_move is Move.LIST_FOR_CULTIVATION:
            raise BadInput("listing needs the task agreement: use listForCultivation")
        action = Action(TABLE[step_move].authority.value)
        authz, centre = await centre_for(ctx, parse_id(id, "centre"), Resource.CENTRE, action)
        async with in_transaction() as conn:
            centre = await locked(centre)
            before, current = centre_snapshot(centre), centre.status
            try:
                target = apply(current, step_move, comment)
            except InvalidTransition as exc:
                raise InvalidMove(str(exc), currentStatus=str(current)) from None
            except CommentRequired as exc:
                raise BadInput(str(exc), field="comment") from None
            await check_move_conditions(
                centre, step_move, override_reason, _today(), scopes.visible_centres(authz)
            )
            if step_move is Move.SUBMIT:
                await _require_materials(centre)
                centre.submitted_at = utcnow()
            if step_move is Move.ESTABLISH:
                centre.established_on = _today()
            centre.status = target
            centre.version += 1
            await centre.save(using_db=conn)
            await record_move(
                ctx,
                conn,
                authz=authz,
                action=action,
                centre=centre,
                before=before,
                from_status=current,
                comment=comment,
                name=f"centre.{step_move}",
            )
        return CentreType.of(centre)

    @strawberry.mutation(
        description="Mark an established centre national-level (R-LIFE-2) / 认定国家级创新中心"
    )
    async def mark_national(self, info: Info, id: strawberry.ID, comment: str) -> CentreType:
        ctx = info.context
        _, centre = await centre_for(ctx, parse_id(id, "centre"), Resource.CENTRE, Action.DECIDE)
        if not comment.strip():
            raise BadInput("say which national recognition this is", field="comment")
        async with in_transaction() as conn:
            centre = await locked(centre)
            if centre.status is not CentreStatus.ESTABLISHED:
                raise InvalidMove(
                    f"only an established centre becomes national-level; it is {centre.status}",
                    currentStatus=str(centre.status),
                )
            if centre.is_national:
                raise Conflict("the centre is already national-level")
            before = centre_snapshot(centre)
            centre.is_national = True
            centre.version += 1
            await centre.save(update_fields=["is_national", "version", "updated_at"], using_db=conn)
            await ctx.audit_change(
                conn,
                Resource.CENTRE,
                Action.DECIDE,
                centre.id,
                before=before,
                after={**centre_snapshot(centre), "comment": comment.strip()},
                name="centre.mark_national",
            )
        return CentreType.of(centre)

    @strawberry.mutation(
        description="List for cultivation with the signed task agreement / 列入培育名单"
    )
    async def list_for_cultivation(
        self, info: Info, id: strawberry.ID, agreement: TaskAgreementInput, comment: str = ""
    ) -> CentreType:
        ctx = info.context
        action = Action(TABLE[Move.LIST_FOR_CULTIVATION].authority.value)
        authz, centre = await centre_for(ctx, parse_id(id, "centre"), Resource.CENTRE, action)
        async with in_transaction() as conn:
            centre = await locked(centre)
            before, current = centre_snapshot(centre), centre.status
            try:
                centre.status = apply(current, Move.LIST_FOR_CULTIVATION, comment)
            except InvalidTransition as exc:
                raise InvalidMove(str(exc), currentStatus=str(current)) from None
            await list_for_cultivation(centre, agreement, _today(), conn)
            centre.version += 1
            await centre.save(using_db=conn)
            await record_move(
                ctx,
                conn,
                authz=authz,
                action=action,
                centre=centre,
                before=before,
                from_status=current,
                comment=comment,
                name="centre.list_for_cultivation",
            )
        return CentreType.of(centre)


async def _require_materials(centre: Centre) -> None:
    if centre.call_id is None:
        return
    call = await Call.get(id=centre.call_id)
    now = utcnow()
    if not call.is_open(now):
        raise BadInput("the call is closed: applications can no longer be submitted")
    missing = await missing_for(
        OwnerType.CENTRE, centre.id, [DocumentKind(k) for k in call.required_documents]
    )
    if missing:
        raise BadInput(
            "required materials are missing: " + ", ".join(k.value for k in missing),
            missing=[k.value for k in missing],
        )
