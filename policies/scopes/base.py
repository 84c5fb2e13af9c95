"""The scope machinery every tenant filter is built from: an Access turned into a centre filter
(``centre_filter``), and ``through_centre``, which scopes any table a centre owns in one line."""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from tortoise.expressions import Q, Subquery
from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.centres import AllianceMember, Centre
from models.reviews import live_assignments
from policies.enforcer import Access, Authorizer
from policies.vocabulary import Action, Resource


def nothing() -> Q:
    # An always-false filter that still yields a valid query (and a constant statement count).
    return Q(id__in=[])


def current_member_centres(organisations: frozenset[UUID]) -> Subquery:
    return Subquery(
        AllianceMember.filter(organisation_id__in=organisations, left_on=None).values("centre_id")
    )


def assigned_centres(expert_id: UUID) -> Subquery:
    return Subquery(live_assignments().filter(expert_id=expert_id).values("centre_id"))


def centre_filter(access: Access, user_id: UUID) -> Q | None:
    """None = no restriction (province-wide)."""
    if access.everywhere:
        return None
    parts: list[Q] = []
    if access.assigned:
        parts.append(Q(id__in=assigned_centres(user_id)))
    if access.cities:
        parts.append(Q(city_id__in=access.cities))
    if access.organisations:
        parts.append(Q(id__in=current_member_centres(access.organisations)))
    if access.lead_organisations:
        parts.append(Q(lead_organisation_id__in=access.lead_organisations))
    return Q(*parts, join_type=Q.OR) if parts else nothing()


RowT = TypeVar("RowT", bound=Model)


def through_centre(
    model: type[RowT],
    authz: Authorizer,
    *,
    field: str = "centre_id",
    resource: Resource = Resource.CENTRE,
    action: Action = Action.READ,
) -> QuerySet[RowT]:
    """Rows of ``model`` whose centre (``field``) the caller may take ``action`` of ``resource``
    on — READ by default. Every table a centre owns (members, events, reviews, agreements,
    inspections, reports, assessments, IP assets, ledgers…) is scoped by this one line."""
    flt = centre_filter(authz.access(resource, action), authz.user_id)
    if flt is None:
        return model.all()
    return model.filter(**{f"{field}__in": Subquery(Centre.filter(flt).values("id"))})


def visible_centres(authz: Authorizer, action: Action = Action.READ) -> QuerySet[Centre]:
    """Centres the caller may take ``action`` on as a centre (READ: R-ACC-1…4)."""
    return centres_for(authz, Resource.CENTRE, action)


def centres_for(authz: Authorizer, resource: Resource, action: Action) -> QuerySet[Centre]:
    """Centres on which the caller may take ``action`` of ``resource`` (reviews, cultivation)."""
    flt = centre_filter(authz.access(resource, action), authz.user_id)
    return Centre.all() if flt is None else Centre.filter(flt)
