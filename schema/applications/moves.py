"""Recording a lifecycle move: the status event and the audit entry, in the move's transaction."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from models.centres import Centre, CentreStatus, CentreStatusEvent
from policies.enforcer import Authorizer
from policies.vocabulary import Action, Resource
from schema.context import Context


def centre_snapshot(centre: Centre) -> dict[str, object]:
    """Everything the application says, so that an audited edit shows what changed (R-ACC-6)."""
    return {
        "name": centre.name,
        "status": str(centre.status),
        "direction": centre.direction,
        "operating_company": centre.operating_company,
        "industry_id": str(centre.industry_id),
        "call_id": str(centre.call_id) if centre.call_id else None,
        "plan_goals": centre.plan_goals,
        "plan_key_technologies": centre.plan_key_technologies,
        "plan_roadmap": centre.plan_roadmap,
        "fixed_asset_investment": str(centre.fixed_asset_investment),
        "software_investment": str(centre.software_investment),
        "decision_body": centre.decision_body,
        "expert_committee": centre.expert_committee,
        "is_national": centre.is_national,
        "listed_on": centre.listed_on.isoformat() if centre.listed_on else None,
        "established_on": centre.established_on.isoformat() if centre.established_on else None,
        "duplicate_override_reason": centre.duplicate_override_reason,
        "version": centre.version,
    }


async def record_move(
    ctx: Context,
    conn: BaseDBAsyncClient,
    *,
    authz: Authorizer,
    action: Action,
    centre: Centre,
    before: dict[str, object] | None,
    from_status: CentreStatus | None,
    comment: str,
    name: str,
) -> None:
    role = next(
        (
            str(g.role)
            for g in authz.grants
            if authz.matrix.scope_for(g.role, Resource.CENTRE, action) is not None
        ),
        "",
    )
    await CentreStatusEvent.create(
        centre_id=centre.id,
        from_status=from_status,
        to_status=centre.status,
        actor_id=authz.user_id,
        role=role,
        comment=comment.strip(),
        using_db=conn,
    )
    await ctx.audit_change(
        conn,
        Resource.CENTRE,
        action,
        centre.id,
        before=before,
        after={**centre_snapshot(centre), "comment": comment.strip()},
        name=name,
    )
