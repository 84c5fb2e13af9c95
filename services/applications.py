"""Applications (申报): create under an open call, edit while draft or returned, mark
national-level once established (R-CTR-1…5, R-LIFE-2)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from models.base import programme_today, utcnow
from models.calls import Call
from models.centres import AllianceMember, Centre, CentreStatus, MemberRole
from models.lifecycle import application_editable
from models.reference import Industry, Organisation
from models.vocabulary import term
from policies import scopes
from policies.vocabulary import Action, Resource
from services import values
from services.access import centre_for
from services.actor import Actor
from services.changes import changing_centre, creating
from services.errors import BadInput, Conflict, InvalidMove, NotFound
from services.ids import parse_id
from services.moves import record_event
from services.values import count, money, text


class PersonTerms(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def organisation(self) -> str: ...


class ApplicationTerms(Protocol):
    """What an application says (R-CTR-2 company + alliance, R-CTR-3 plan, R-CTR-5 governance);
    amounts in CNY."""

    @property
    def name(self) -> str: ...

    @property
    def industry(self) -> str: ...

    @property
    def direction(self) -> str: ...

    @property
    def operating_company(self) -> str: ...

    @property
    def plan_goals(self) -> str: ...

    @property
    def plan_key_technologies(self) -> str: ...

    @property
    def plan_roadmap(self) -> str: ...

    @property
    def fixed_asset_investment(self) -> Decimal: ...

    @property
    def software_investment(self) -> Decimal: ...

    @property
    def decision_body(self) -> Sequence[PersonTerms]: ...

    @property
    def expert_committee(self) -> Sequence[PersonTerms]: ...


def _people(members: Sequence[PersonTerms], field: str) -> list[dict[str, str]]:
    count(members, field, most=50)
    return [
        {
            "name": text(p.name, f"{field}.name", 64),
            "title": text(p.title, f"{field}.title", 64, required=False),
            "organisation": text(p.organisation, f"{field}.organisation", 200, required=False),
        }
        for p in members
    ]


async def check_application(terms: ApplicationTerms) -> tuple[dict[str, object], Industry]:
    """The application's fields as stored, and its industry; BadInput naming the field."""
    industry = await Industry.get_or_none(code=terms.industry)
    if industry is None:
        raise BadInput(f"unknown industry code {terms.industry}", field="industry")
    fields: dict[str, object] = {
        "name": text(terms.name, "name", 200),
        "direction": text(terms.direction, "direction", 200),
        "operating_company": text(terms.operating_company, "operatingCompany", 200),
        "plan_goals": text(terms.plan_goals, "planGoals", 20000, required=False),
        "plan_key_technologies": text(
            terms.plan_key_technologies, "planKeyTechnologies", 20000, required=False
        ),
        "plan_roadmap": text(terms.plan_roadmap, "planRoadmap", 20000, required=False),
        "fixed_asset_investment": money(terms.fixed_asset_investment, "fixedAssetInvestment"),
        "software_investment": money(terms.software_investment, "softwareInvestment"),
        "decision_body": _people(terms.decision_body, "decisionBody"),
        "expert_committee": _people(terms.expert_committee, "expertCommittee"),
        "industry_id": industry.id,
    }
    return fields, industry


async def create_application(
    actor: Actor, call_id: str, terms: ApplicationTerms, lead_organisation_id: str | None = None
) -> Centre:
    """A draft application under an open call, led by one of the caller's organisations, with
    the lead as the alliance's first member (R-CTR-1).

    Raises NotAllowed (not an enterprise), NotFound (call or organisation outside scope),
    BadInput (call closed, industry not in the call, several organisations and none chosen)."""
    authz = await actor.require(Resource.CENTRE, Action.CREATE)
    leads = authz.access(Resource.CENTRE, Action.CREATE).lead_organisations
    if lead_organisation_id is not None:
        org_id = parse_id(lead_organisation_id, "organisation")
        if org_id not in leads:
            raise NotFound("organisation")
    elif len(leads) == 1:
        (org_id,) = leads
    else:
        raise BadInput("you act for several organisations: give leadOrganisationId")
    call = await scopes.visible_calls(authz).get_or_none(id=parse_id(call_id, "call"))
    if call is None:
        raise NotFound("call")
    if not call.is_open(utcnow()):
        raise BadInput("this call is not open for applications", field="callId")
    fields, industry = await check_application(terms)
    if call.industries and industry.code not in call.industries:
        raise BadInput("this call is not for that industry", field="industry")
    lead = await Organisation.get(id=org_id)
    async with creating(
        actor, resource=Resource.CENTRE, action=Action.CREATE, name="centre.create"
    ) as created:
        centre = await Centre.create(
            **fields,
            call_id=call.id,
            city_id=lead.city_id,
            lead_organisation_id=lead.id,
            status=CentreStatus.DRAFT,
            using_db=created.conn,
        )
        await AllianceMember.create(
            centre_id=centre.id,
            organisation_id=lead.id,
            member_role=MemberRole.LEAD,
            joined_on=programme_today(),
            using_db=created.conn,
        )
        await record_event(
            actor,
            created.conn,
            centre=centre,
            from_status=None,
            action=Action.CREATE,
            comment="",
        )
        created.row, created.extra["comment"] = centre, ""
    return centre


async def update_application(
    actor: Actor, centre_id: str, version: int, terms: ApplicationTerms
) -> Centre:
    """Edit one's draft or returned application (``application_editable``), optimistic on
    ``version``. Raises InvalidMove (other states), Conflict (stale version), BadInput."""
    _, centre = await centre_for(
        actor, parse_id(centre_id, "centre"), Resource.CENTRE, Action.UPDATE
    )
    fields, industry = await check_application(terms)
    async with changing_centre(
        actor,
        centre.id,
        resource=Resource.CENTRE,
        action=Action.UPDATE,
    ) as change:
        centre = change.row
        if not application_editable(centre.status):
            raise InvalidMove(
                "an application is edited only while DRAFT or RETURNED; it is "
                f"{term(centre.status)}",
                currentStatus=term(centre.status),
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
        for key, value in fields.items():
            setattr(centre, key, value)
        centre.version += 1
        await centre.save(using_db=change.conn)
    return centre


async def mark_national(actor: Actor, centre_id: str, comment: str) -> Centre:
    """R-LIFE-2: provincial staff mark an established centre national-level (国家级), once.

    Raises BadInput (no comment), InvalidMove (not established), Conflict (already)."""
    _, centre = await centre_for(
        actor, parse_id(centre_id, "centre"), Resource.CENTRE, Action.DECIDE
    )
    comment = values.comment(comment)
    if not comment:
        raise BadInput("say which national recognition this is", field="comment")
    async with changing_centre(
        actor,
        centre.id,
        resource=Resource.CENTRE,
        action=Action.DECIDE,
        name="centre.mark_national",
    ) as change:
        centre = change.row
        if centre.status is not CentreStatus.ESTABLISHED:
            raise InvalidMove(
                f"only an established centre becomes national-level; it is {term(centre.status)}",
                currentStatus=term(centre.status),
            )
        if centre.is_national:
            raise Conflict("the centre is already national-level")
        centre.is_national = True
        centre.version += 1
        await centre.save(
            update_fields=["is_national", "version", "updated_at"], using_db=change.conn
        )
        change.note(comment=comment)
    return centre
