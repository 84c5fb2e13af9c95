"""Tenant scopes: the ONLY place where an Access is turned into a query filter (this package).

Every list, count, look-up and DataLoader starts from one of these querysets, so what a role may
not see is absent everywhere (R-ACC-5).
"""

from __future__ import annotations

from policies.scopes.accounts import (
    own_account,
    own_organisation,
    own_role_bindings,
    visible_audit_entries,
    visible_role_bindings,
    visible_users,
)
from policies.scopes.after_establishment import (
    calendar_centres,
    visible_annual_reports,
    visible_assessments,
    visible_report_verifications,
    visible_report_versions,
)
from policies.scopes.base import (
    centres_for,
    through_centre,
    visible_centres,
)
from policies.scopes.funding_ip import (
    approved_subsidies,
    visible_ip_assets,
    visible_ip_revenue,
    visible_ip_share_sets,
    visible_ip_shares,
    visible_ip_transfers,
    visible_ledger,
    visible_subsidy_decisions,
    visible_support_plans,
)
from policies.scopes.programme import (
    all_assignments,
    all_scores,
    assignable_experts,
    assigned_experts,
    declarable_organisations,
    document_uploaders,
    invitable_organisations,
    own_assignments,
    own_scores,
    stored_document_totals,
    visible_alliance_members,
    visible_calls,
    visible_cultivation,
    visible_document_versions,
    visible_documents,
    visible_indicators,
    visible_inspections,
    visible_organisations,
    visible_progress,
    visible_reviews,
    visible_status_events,
)

__all__ = [
    "all_assignments",
    "all_scores",
    "approved_subsidies",
    "assignable_experts",
    "assigned_experts",
    "calendar_centres",
    "centres_for",
    "declarable_organisations",
    "document_uploaders",
    "invitable_organisations",
    "own_account",
    "own_assignments",
    "own_organisation",
    "own_role_bindings",
    "own_scores",
    "stored_document_totals",
    "through_centre",
    "visible_alliance_members",
    "visible_annual_reports",
    "visible_assessments",
    "visible_audit_entries",
    "visible_calls",
    "visible_centres",
    "visible_cultivation",
    "visible_document_versions",
    "visible_documents",
    "visible_indicators",
    "visible_inspections",
    "visible_ip_assets",
    "visible_ip_revenue",
    "visible_ip_share_sets",
    "visible_ip_shares",
    "visible_ip_transfers",
    "visible_ledger",
    "visible_organisations",
    "visible_progress",
    "visible_report_verifications",
    "visible_report_versions",
    "visible_reviews",
    "visible_role_bindings",
    "visible_status_events",
    "visible_subsidy_decisions",
    "visible_support_plans",
    "visible_users",
]
