"""Scopes of the money and the IP register (R-FUND-1…4, R-IP-1…4): subsidy decisions, support
plans, the ledger; IP assets, share sets, transfers and revenue parts."""

from __future__ import annotations

from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from models.funding import LedgerEntry, NationalSupportPlan, SubsidyDecision
from models.ip_register import IpAsset, IpRevenueShare, IpShare, IpShareSet, IpTransfer
from policies.enforcer import Authorizer
from policies.scopes.base import through_centre
from policies.vocabulary import Action, Resource


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
