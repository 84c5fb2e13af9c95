"""Scopes after establishment (R-ASM-1…6): annual reports with their versions and
verifications, assessments, and the centres whose regulatory calendar the caller reads."""

from __future__ import annotations

from dataclasses import replace

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from models.annual_reports import AnnualReport, AnnualReportVersion, ReportVerification
from models.assessments import PANEL_SUBJECT, Assessment
from models.centres import Centre
from models.reviews import Review, live_assignments
from policies.enforcer import Authorizer
from policies.scopes.base import centre_filter, centres_for, through_centre
from policies.vocabulary import Action, Resource


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
    flt = centre_filter(replace(access, assigned=False), authz.user_id)
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


def calendar_centres(authz: Authorizer) -> QuerySet[Centre]:
    """Centres whose regulatory calendar the caller reads (R-ASM-6): staff all, a bureau its
    city's, an enterprise its alliances'; experts none."""
    return centres_for(authz, Resource.CALENDAR, Action.READ)
