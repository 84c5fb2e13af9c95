"""Tenant scopes: the ONLY place where an Access is turned into a query filter.

Every list, count, look-up and DataLoader starts from one of these querysets, so what a role may
not see is absent everywhere (R-ACC-5).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar
from uuid import UUID

from tortoise.expressions import Q, Subquery
from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.accounts import RoleBinding, User
from models.annual_reports import AnnualReport, AnnualReportVersion, ReportVerification
from models.assessments import PANEL_SUBJECT, Assessment, AssessmentStatus
from models.audit import AuditEntry
from models.calls import Call
from models.centres import AllianceMember, Centre, CentreStatusEvent
from models.cultivation import Indicator, IndicatorProgress, Inspection, TaskAgreement
from models.documents import Document, DocumentVersion, OwnerType
from models.funding import LedgerEntry, NationalSupportPlan, SubsidyDecision
from models.ip_register import IpAsset, IpRevenueShare, IpShare, IpShareSet, IpTransfer
from models.reference import Organisation
from models.reviews import PanelSubject, Review, ReviewAssignment, Score, live_assignments
from policies.enforcer import Access, Authorizer
from policies.vocabulary import Action, Resource, Role


def _nothing() -> Q:
    # An always-false filter that still yields a valid query (and a constant statement count).
    return Q(id__in=[])


def _current_member_centres(organisations: frozenset[UUID]) -> Subquery:
    return Subquery(
        AllianceMember.filter(organisation_id__in=organisations, left_on=None).values("centre_id")
    )


def _assigned_centres(expert_id: UUID) -> Subquery:
    return Subquery(live_assignments().filter(expert_id=expert_id).values("centre_id"))


def _centre_filter(access: Access, user_id: UUID) -> Q | None:
    """None = no restriction (province-wide)."""
    if access.everywhere:
        return None
    parts: list[Q] = []
    if access.assigned:
        parts.append(Q(id__in=_assigned_centres(user_id)))
    if access.cities:
        parts.append(Q(city_id__in=access.cities))
    if access.organisations:
        parts.append(Q(id__in=_current_member_centres(access.organisations)))
    if access.lead_organisations:
        parts.append(Q(lead_organisation_id__in=access.lead_organisations))
    return Q(*parts, join_type=Q.OR) if parts else _nothing()


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
    flt = _centre_filter(authz.access(resource, action), authz.user_id)
    if flt is None:
        return model.all()
    return model.filter(**{f"{field}__in": Subquery(Centre.filter(flt).values("id"))})


def visible_centres(authz: Authorizer, action: Action = Action.READ) -> QuerySet[Centre]:
    """Centres the caller may take ``action`` on as a centre (READ: R-ACC-1…4)."""
    return centres_for(authz, Resource.CENTRE, action)


def visible_documents(authz: Authorizer, action: Action = Action.READ) -> QuerySet[Document]:
    """Documents follow their owning record: READ as the centre, annual report or IP asset is
    read, ATTACH as it is edited (a report's attachments: ``annual_report`` ATTACH; an asset's:
    ``ip_asset`` UPDATE, whether the caller co-owns it being the operation's check)."""
    ip_action = Action.UPDATE if action is Action.ATTACH else action
    centres = _centre_filter(authz.access(Resource.CENTRE, action), authz.user_id)
    reports = _centre_filter(authz.access(Resource.ANNUAL_REPORT, action), authz.user_id)
    assets = _centre_filter(authz.access(Resource.IP_ASSET, ip_action), authz.user_id)
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


def document_uploaders(authz: Authorizer) -> QuerySet[User]:
    """Users who uploaded a version the caller can read (their display names are shown)."""
    return User.filter(id__in=Subquery(visible_document_versions(authz).values("uploaded_by_id")))


def centres_for(authz: Authorizer, resource: Resource, action: Action) -> QuerySet[Centre]:
    """Centres on which the caller may take ``action`` of ``resource`` (reviews, cultivation)."""
    flt = _centre_filter(authz.access(resource, action), authz.user_id)
    return Centre.all() if flt is None else Centre.filter(flt)


def visible_calls(authz: Authorizer) -> QuerySet[Call]:
    """Published calls for everyone signed in; drafts too for those who manage calls."""
    if authz.access(Resource.CALL, Action.CREATE).everywhere:
        return Call.all()
    if authz.access(Resource.CALL, Action.READ).allowed:
        return Call.filter(published_at__not_isnull=True)
    return Call.filter(_nothing())


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
    flt = _centre_filter(replace(access, assigned=False), authz.user_id)
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
    return ReviewAssignment.filter(_nothing())


def assigned_experts(authz: Authorizer) -> QuerySet[User]:
    """Experts whose names stand beside their scores: provincial staff only (R-REV-3)."""
    return User.filter(id__in=Subquery(all_assignments(authz).values("expert_id")))


def assignable_experts(authz: Authorizer) -> QuerySet[User]:
    """Active users holding an active expert binding, for those who assign reviews (R-REV-1)."""
    if not authz.access(Resource.REVIEW, Action.ASSIGN).everywhere:
        return User.filter(_nothing())
    experts = RoleBinding.filter(role=Role.EXPERT, revoked_at=None).values("user_id")
    return User.filter(is_active=True, id__in=Subquery(experts))


def invitable_organisations(authz: Authorizer) -> QuerySet[Organisation]:
    """Organisations a centre's editor may bring into its alliance (R-CTR-1): any registered
    one, since a new member is by definition outside the alliance the editor already sees."""
    if not authz.access(Resource.CENTRE, Action.UPDATE).allowed:
        return Organisation.filter(_nothing())
    return Organisation.all()


def declarable_organisations(authz: Authorizer) -> QuerySet[Organisation]:
    """Organisations an expert may name as conflicts (R-REV-1): any of the province's, since a
    conflict is declared before the expert is assigned anywhere. Only the ids are checked."""
    if not authz.access(Resource.USER, Action.DECLARE).allowed:
        return Organisation.filter(_nothing())
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


def visible_annual_reports(
    authz: Authorizer, action: Action = Action.READ
) -> QuerySet[AnnualReport]:
    """Annual reports of the centres the caller may take ``action`` of ``annual_report`` on
    (R-ASM-2): READ by members of the alliance, the city's bureau and provincial staff; UPDATE
    by the lead; VERIFY by the city's bureau; RECEIVE by provincial staff. Experts: none."""
    return through_centre(AnnualReport, authz, resource=Resource.ANNUAL_REPORT, action=action)


def visible_report_versions(authz: Authorizer) -> QuerySet[AnnualReportVersion]:
    """The submitted versions of the reports the caller reads."""
    return AnnualReportVersion.filter(
        report_id__in=Subquery(visible_annual_reports(authz).values("id"))
    )


def visible_report_verifications(authz: Authorizer) -> QuerySet[ReportVerification]:
    """The bureau's verifications (checks and comments) of the reports the caller reads."""
    return ReportVerification.filter(
        report_id__in=Subquery(visible_annual_reports(authz).values("id"))
    )


def visible_assessments(authz: Authorizer, action: Action = Action.READ) -> QuerySet[Assessment]:
    """Assessments (R-ASM-4/5) the caller may take ``action`` on: through the centre for staff,
    bureaus and members; an expert only those whose panel they sit on now — not every
    assessment of a centre they once reviewed (R-ACC-4)."""
    access = authz.access(Resource.ASSESSMENT, action)
    flt = _centre_filter(replace(access, assigned=False), authz.user_id)
    if flt is None:
        return Assessment.all()
    parts = [Q(centre_id__in=Subquery(Centre.filter(flt).values("id")))]
    if access.assigned:
        sitting = Review.filter(
            subject_type__in=list(PANEL_SUBJECT.values()),
            id__in=Subquery(live_assignments().filter(expert_id=authz.user_id).values("review_id")),
        )
        parts.append(Q(id__in=Subquery(sitting.values("subject_id"))))
    return Assessment.filter(Q(*parts, join_type=Q.OR))


def visible_subsidy_decisions(authz: Authorizer) -> QuerySet[SubsidyDecision]:
    """Subsidy decisions with their basis and instalments (R-FUND-1): staff all, a bureau its
    city's, the lead enterprise its centre's; other members only the approved total
    (``approved_subsidies``); experts nothing."""
    return through_centre(SubsidyDecision, authz, resource=Resource.FUNDING)


def approved_subsidies(authz: Authorizer) -> QuerySet[SubsidyDecision]:
    """Decisions whose approved amount alone the caller may read (R-FUND-1): every member of the
    alliance as well as those who read the ledger. Only ``approved_fen`` may be shown from it."""
    return through_centre(SubsidyDecision, authz, resource=Resource.FUNDING_TOTAL)


def visible_support_plans(authz: Authorizer) -> QuerySet[NationalSupportPlan]:
    """National support plans (R-FUND-3), read as the ledger is."""
    return through_centre(NationalSupportPlan, authz, resource=Resource.FUNDING)


def visible_ledger(authz: Authorizer) -> QuerySet[LedgerEntry]:
    """Ledger entries (R-FUND-2, R-FUND-3): staff all, a bureau its city's centres', the lead
    enterprise its centre's; other members and experts none. Totals start from here too."""
    return through_centre(LedgerEntry, authz, resource=Resource.FUNDING)


def visible_ip_assets(authz: Authorizer, action: Action = Action.READ) -> QuerySet[IpAsset]:
    """IP assets (R-IP-1) of the centres the caller may take ``action`` of ``ip_asset`` on: READ
    by the alliance's members, the city's bureau, staff, and an expert only for a centre whose
    application or assessment they are assigned to; CREATE and UPDATE by members (whether the
    caller co-owns the asset or leads the centre is the operation's check)."""
    return through_centre(IpAsset, authz, resource=Resource.IP_ASSET, action=action)


def visible_ip_share_sets(authz: Authorizer) -> QuerySet[IpShareSet]:
    """Every share set (who held what, from when) of the assets the caller reads (R-IP-2)."""
    return IpShareSet.filter(asset_id__in=Subquery(visible_ip_assets(authz).values("id")))


def visible_ip_shares(authz: Authorizer) -> QuerySet[IpShare]:
    """The shares of those sets (R-IP-2)."""
    return IpShare.filter(share_set_id__in=Subquery(visible_ip_share_sets(authz).values("id")))


def visible_ip_transfers(authz: Authorizer) -> QuerySet[IpTransfer]:
    """Transfers of the assets the caller reads (R-IP-3)."""
    return through_centre(IpTransfer, authz, resource=Resource.IP_ASSET)


def visible_ip_revenue(authz: Authorizer) -> QuerySet[IpRevenueShare]:
    """Each owner's part of each transfer's revenue, of the centres whose register the caller
    reads (R-IP-3); totals per organisation, centre and year start from here."""
    return through_centre(IpRevenueShare, authz, resource=Resource.IP_ASSET)


def calendar_centres(authz: Authorizer) -> QuerySet[Centre]:
    """Centres whose regulatory calendar the caller reads (R-ASM-6): staff all, a bureau its
    city's, an enterprise its alliances'; experts none."""
    return centres_for(authz, Resource.CALENDAR, Action.READ)


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
                        centre_id__in=_current_member_centres(access.organisations)
                    ).values("organisation_id")
                )
            )
        )
    if access.assigned:
        # The alliances of the applications the expert reviews (R-ACC-4).
        parts.append(
            Q(
                id__in=Subquery(
                    AllianceMember.filter(centre_id__in=_assigned_centres(authz.user_id)).values(
                        "organisation_id"
                    )
                )
            )
        )
    return Organisation.filter(Q(*parts, join_type=Q.OR) if parts else _nothing())


def visible_users(authz: Authorizer, action: Action = Action.READ) -> QuerySet[User]:
    access = authz.access(Resource.USER, action)
    if access.everywhere:
        return User.all()
    if access.own:
        return User.filter(id=authz.user_id)
    return User.filter(_nothing())


def visible_role_bindings(authz: Authorizer) -> QuerySet[RoleBinding]:
    access = authz.access(Resource.ROLE_BINDING, Action.READ)
    if access.everywhere:
        return RoleBinding.all()
    return RoleBinding.filter(_nothing())


def visible_audit_entries(authz: Authorizer) -> QuerySet[AuditEntry]:
    access = authz.access(Resource.AUDIT_LOG, Action.READ)
    if access.everywhere:
        return AuditEntry.all()
    return AuditEntry.filter(_nothing())


def own_account(authz: Authorizer) -> QuerySet[User]:
    """The caller's own user row (``me``, password change): always self, never anyone else."""
    return User.filter(id=authz.user_id)


def own_role_bindings(authz: Authorizer) -> QuerySet[RoleBinding]:
    return RoleBinding.filter(user_id=authz.user_id, revoked_at=None)


def own_organisation(authz: Authorizer, organisation_id: UUID) -> QuerySet[Organisation]:
    """The caller's own organisation (shown by ``me``)."""
    return Organisation.filter(id=organisation_id, users__id=authz.user_id)
