"""Scopes of the selection and cultivation programme: documents, calls, status events, expert
panels and their assignments and scores, cultivation, alliance members, organisations."""

from __future__ import annotations

from dataclasses import replace

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count, Sum
from tortoise.queryset import QuerySet

from models.accounts import RoleBinding, User
from models.assessments import Assessment, AssessmentStatus
from models.calls import Call
from models.centres import AllianceMember, Centre, CentreStatusEvent
from models.cultivation import Indicator, IndicatorProgress, Inspection, TaskAgreement
from models.documents import Document, DocumentVersion, OwnerType
from models.reference import Organisation
from models.reviews import PanelSubject, Review, ReviewAssignment, Score, live_assignments
from policies.enforcer import Authorizer
from policies.scopes.after_establishment import visible_annual_reports
from policies.scopes.base import (
    assigned_centres,
    centre_filter,
    current_member_centres,
    nothing,
    through_centre,
)
from policies.scopes.funding_ip import visible_ip_assets
from policies.vocabulary import Action, Resource, Role


def visible_documents(authz: Authorizer, action: Action = Action.READ) -> QuerySet[Document]:
    """Documents follow their owning record: READ as the centre, annual report or IP asset is
    read, ATTACH as it is edited (a report's attachments: ``annual_report`` ATTACH; an asset's:
    ``ip_asset`` UPDATE, whether the caller co-owns it being the operation's check)."""
    ip_action = Action.UPDATE if action is Action.ATTACH else action
    centres = centre_filter(authz.access(Resource.CENTRE, action), authz.user_id)
    reports = centre_filter(authz.access(Resource.ANNUAL_REPORT, action), authz.user_id)
    assets = centre_filter(authz.access(Resource.IP_ASSET, ip_action), authz.user_id)
    if centres is None and reports is None and assets is None:
        return Document.all()
    of_centres = Q(owner_type=OwnerType.CENTRE)
    if centres is not None:
        of_centres &= Q(owner_id__in=Subquery(Centre.filter(centres).values("id")))
    of_reports = Q(owner_type=OwnerType.ANNUAL_REPORT)
    if reports is not None:
        of_reports &= Q(owner_id__in=Subquery(visible_annual_reports(authz, action).values("id")))
    of_assets = Q(owner_type=OwnerType.IP_ASSET)
    if assets is not None:
        of_assets &= Q(owner_id__in=Subquery(visible_ip_assets(authz, ip_action).values("id")))
    return Document.filter(Q(of_centres, of_reports, of_assets, join_type=Q.OR))


def visible_document_versions(authz: Authorizer) -> QuerySet[DocumentVersion]:
    if authz.access(Resource.CENTRE, Action.READ).everywhere:
        return DocumentVersion.all()
    return DocumentVersion.filter(document_id__in=Subquery(visible_documents(authz).values("id")))


async def stored_document_totals() -> tuple[int, int]:
    """Operator-wide, with no tenant filter: (document versions stored, their bytes) over every
    tenant, in one aggregate statement. For the service's /metrics only (api/metrics.py, itself
    protected), never for a caller's answer."""
    rows = (
        await DocumentVersion.all()
        .annotate(versions=Count("id"), bytes=Sum("size"))
        .values("versions", "bytes")
    )
    row = rows[0] if rows else {}
    return int(row.get("versions") or 0), int(row.get("bytes") or 0)


def document_uploaders(authz: Authorizer) -> QuerySet[User]:
    """Users who uploaded a version the caller can read (their display names are shown)."""
    return User.filter(id__in=Subquery(visible_document_versions(authz).values("uploaded_by_id")))


def visible_calls(authz: Authorizer) -> QuerySet[Call]:
    """Published calls for everyone signed in; drafts too for those who manage calls."""
    if authz.access(Resource.CALL, Action.CREATE).everywhere:
        return Call.all()
    if authz.access(Resource.CALL, Action.READ).allowed:
        return Call.filter(published_at__not_isnull=True)
    return Call.filter(nothing())


def visible_status_events(authz: Authorizer) -> QuerySet[CentreStatusEvent]:
    return through_centre(CentreStatusEvent, authz)


def visible_reviews(
    authz: Authorizer, subject_type: PanelSubject | None = None
) -> QuerySet[Review]:
    """Reviews (expert panels) of the centres the caller reads, of one subject type if given
    (a centre's ``review`` is its selection panel); an assessment's panel only once the
    assessment is graded (R-ASM-4), but to staff at once; an expert only the panels they sit on
    now, not the centre's other panels (R-ACC-4: of a centre, only what the assignment needs). What
    of a review each role sees is decided in the review's fields (blind scoring), not here."""
    access = authz.access(Resource.CENTRE, Action.READ)
    flt = centre_filter(replace(access, assigned=False), authz.user_id)
    if flt is None:
        reviews = Review.all()
    else:
        # An assessment's panel (its result and opinion) reaches the centre's readers once
        # staff graded the assessment: the grade is the province's decision, not the panel's.
        graded = Assessment.filter(status=AssessmentStatus.GRADED).values("id")
        decided = Q(subject_type=PanelSubject.SELECTION) | Q(subject_id__in=Subquery(graded))
        parts = [Q(Q(centre_id__in=Subquery(Centre.filter(flt).values("id"))), decided)]
        if access.assigned:
            sitting = live_assignments().filter(expert_id=authz.user_id).values("review_id")
            parts.append(Q(id__in=Subquery(sitting)))
        reviews = Review.filter(Q(*parts, join_type=Q.OR))
    return reviews if subject_type is None else reviews.filter(subject_type=subject_type)


def own_assignments(authz: Authorizer) -> QuerySet[ReviewAssignment]:
    """The expert's own assignments (R-REV-3: an expert sees only their own scores)."""
    return live_assignments().filter(expert_id=authz.user_id)


def all_assignments(authz: Authorizer) -> QuerySet[ReviewAssignment]:
    """Every expert's assignment and scores: provincial staff only (R-REV-3)."""
    if authz.access(Resource.REVIEW, Action.READ).everywhere:
        return live_assignments()
    return ReviewAssignment.filter(nothing())


def assigned_experts(authz: Authorizer) -> QuerySet[User]:
    """Experts whose names stand beside their scores: provincial staff only (R-REV-3)."""
    return User.filter(id__in=Subquery(all_assignments(authz).values("expert_id")))


def assignable_experts(authz: Authorizer) -> QuerySet[User]:
    """Active users holding an active expert binding, for those who assign reviews (R-REV-1)."""
    if not authz.access(Resource.REVIEW, Action.ASSIGN).everywhere:
        return User.filter(nothing())
    experts = RoleBinding.filter(role=Role.EXPERT, revoked_at=None).values("user_id")
    return User.filter(is_active=True, id__in=Subquery(experts))


def invitable_organisations(authz: Authorizer) -> QuerySet[Organisation]:
    """Organisations a centre's editor may bring into its alliance (R-CTR-1): any registered
    one, since a new member is by definition outside the alliance the editor already sees."""
    if not authz.access(Resource.CENTRE, Action.UPDATE).allowed:
        return Organisation.filter(nothing())
    return Organisation.all()


def declarable_organisations(authz: Authorizer) -> QuerySet[Organisation]:
    """Organisations an expert may name as conflicts (R-REV-1): any of the province's, since a
    conflict is declared before the expert is assigned anywhere. Only the ids are checked."""
    if not authz.access(Resource.USER, Action.DECLARE).allowed:
        return Organisation.filter(nothing())
    return Organisation.all()


def own_scores(authz: Authorizer) -> QuerySet[Score]:
    return Score.filter(assignment_id__in=Subquery(own_assignments(authz).values("id")))


def all_scores(authz: Authorizer) -> QuerySet[Score]:
    return Score.filter(assignment_id__in=Subquery(all_assignments(authz).values("id")))


def visible_cultivation(authz: Authorizer) -> QuerySet[TaskAgreement]:
    return through_centre(TaskAgreement, authz)


def visible_indicators(authz: Authorizer) -> QuerySet[Indicator]:
    return Indicator.filter(agreement_id__in=Subquery(visible_cultivation(authz).values("id")))


def visible_progress(authz: Authorizer) -> QuerySet[IndicatorProgress]:
    return IndicatorProgress.filter(
        indicator_id__in=Subquery(visible_indicators(authz).values("id"))
    )


def visible_inspections(authz: Authorizer) -> QuerySet[Inspection]:
    return through_centre(Inspection, authz)


def visible_alliance_members(authz: Authorizer) -> QuerySet[AllianceMember]:
    """Members of the centres the caller can read."""
    return through_centre(AllianceMember, authz)


def visible_organisations(authz: Authorizer) -> QuerySet[Organisation]:
    access = authz.access(Resource.ORGANISATION, Action.READ)
    if access.everywhere:
        return Organisation.all()
    parts: list[Q] = []
    if access.cities:
        # Organisations of the city, and every member of the city's centres' alliances.
        city_centres = Subquery(Centre.filter(city_id__in=access.cities).values("id"))
        parts.append(Q(city_id__in=access.cities))
        parts.append(
            Q(
                id__in=Subquery(
                    AllianceMember.filter(centre_id__in=city_centres).values("organisation_id")
                )
            )
        )
    if access.organisations:
        # Its own organisation, and the fellow members of the alliances it belongs to.
        parts.append(Q(id__in=access.organisations))
        parts.append(
            Q(
                id__in=Subquery(
                    AllianceMember.filter(
                        centre_id__in=current_member_centres(access.organisations)
                    ).values("organisation_id")
                )
            )
        )
    if access.assigned:
        # The alliances of the applications the expert reviews (R-ACC-4).
        parts.append(
            Q(
                id__in=Subquery(
                    AllianceMember.filter(centre_id__in=assigned_centres(authz.user_id)).values(
                        "organisation_id"
                    )
                )
            )
        )
    return Organisation.filter(Q(*parts, join_type=Q.OR) if parts else nothing())
