"""Applications and the lifecycle: create, edit (draft/returned only), and every move.

Each resolver parses, calls one operation in ``services/``, and converts the result."""

from __future__ import annotations

import strawberry

from models.lifecycle import Move
from schema.applications.inputs import ApplicationInput
from schema.applications.types import CentreMove, TaskAgreementInput
from schema.centres.types import Centre as CentreType
from schema.context import Info
from schema.enums import value_of
from services import applications
from services.ids import parse_id
from services.moves import MoveRequest, move_centre


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
        centre = await applications.create_application(
            info.context, call_id, input, lead_organisation_id
        )
        return CentreType.of(centre)

    @strawberry.mutation(description="Edit one's draft or returned application / 修改申报")
    async def update_application(
        self, info: Info, id: strawberry.ID, version: int, input: ApplicationInput
    ) -> CentreType:
        return CentreType.of(
            await applications.update_application(info.context, id, version, input)
        )

    @strawberry.mutation(description="Move a centre through its lifecycle / 流程操作")
    async def transition_centre(
        self,
        info: Info,
        id: strawberry.ID,
        move: CentreMove,
        comment: str = "",
        override_reason: str | None = None,
    ) -> CentreType:
        request = MoveRequest(Move(value_of(move)), comment, override_reason)
        return CentreType.of(await move_centre(info.context, parse_id(id, "centre"), request))

    @strawberry.mutation(
        description="Mark an established centre national-level (R-LIFE-2) / 认定国家级创新中心"
    )
    async def mark_national(self, info: Info, id: strawberry.ID, comment: str) -> CentreType:
        return CentreType.of(await applications.mark_national(info.context, id, comment))

    @strawberry.mutation(
        description="List for cultivation with the signed task agreement / 列入培育名单"
    )
    async def list_for_cultivation(
        self, info: Info, id: strawberry.ID, agreement: TaskAgreementInput, comment: str = ""
    ) -> CentreType:
        request = MoveRequest(Move.LIST_FOR_CULTIVATION, comment, agreement=agreement)
        return CentreType.of(await move_centre(info.context, parse_id(id, "centre"), request))
