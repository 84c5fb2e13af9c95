"""Per-request DataLoaders. Every batch starts from a scope in policies/scopes/.

One batch = one SQL statement (per 500 keys: SQLite caps bound variables), so the number of
statements depends on the query's shape, not on how many rows come back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar
from uuid import UUID

from strawberry.dataloader import DataLoader
from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.accounts import RoleBinding
from models.annual_reports import AnnualReportVersion, ReportVerification
from models.centres import AllianceMember, Centre, CentreStatusEvent
from models.cultivation import Indicator, IndicatorProgress, Inspection, TaskAgreement
from models.documents import Document, DocumentVersion
from models.funding import LedgerEntry, NationalSupportPlan, SubsidyDecision
from models.ip_register import IpRevenueShare, IpShare, IpShareSet, IpTransfer
from models.lifecycle import LIVE, duplicates_direction
from models.reference import City, Industry
from models.reviews import PanelSubject, Review, ReviewAssignment, Score
from policies import scopes
from policies.enforcer import Authorizer

ModelT = TypeVar("ModelT", bound=Model)
CHUNK = 500


def _chunks(keys: Sequence[UUID]) -> Iterable[Sequence[UUID]]:
    for start in range(0, len(keys), CHUNK):
        yield keys[start : start + CHUNK]


def _by_id(
    source: Callable[[], QuerySet[ModelT]],
) -> Callable[[list[UUID]], Awaitable[list[ModelT | None]]]:
    async def load(keys: list[UUID]) -> list[ModelT | None]:
        found: dict[UUID, ModelT] = {}
        for chunk in _chunks(keys):
            for row in await source().filter(id__in=chunk):
                found[row.pk] = row
        return [found.get(k) for k in keys]

    return load


def _grouped(
    source: Callable[[], QuerySet[ModelT]], key_field: str
) -> Callable[[list[UUID]], Awaitable[list[list[ModelT]]]]:
    async def load(keys: list[UUID]) -> list[list[ModelT]]:
        groups: dict[UUID, list[ModelT]] = defaultdict(list)
        for chunk in _chunks(keys):
            for row in await source().filter(**{f"{key_field}__in": chunk}):
                groups[getattr(row, key_field)].append(row)
        return [groups.get(k, []) for k in keys]

    return load


def _single(
    source: Callable[[], QuerySet[ModelT]], key_field: str
) -> Callable[[list[UUID]], Awaitable[list[ModelT | None]]]:
    grouped = _grouped(source, key_field)

    async def load(keys: list[UUID]) -> list[ModelT | None]:
        return [rows[0] if rows else None for rows in await grouped(keys)]

    return load


def _own_scores_by_review(
    authz: Authorizer,
) -> Callable[[list[UUID]], Awaitable[list[list[Score]]]]:
    """The caller's own scores on each panel (R-REV-3): two statements, whatever the batch."""

    async def load(keys: list[UUID]) -> list[list[Score]]:
        assignments = await scopes.own_assignments(authz).filter(review_id__in=keys)
        by_assignment = {a.id: a.review_id for a in assignments}
        groups: dict[UUID, list[Score]] = defaultdict(list)
        if by_assignment:
            scores = await scopes.own_scores(authz).filter(assignment_id__in=list(by_assignment))
            for score in scores:
                groups[by_assignment[score.assignment_id]].append(score)
        return [groups.get(k, []) for k in keys]

    return load


def _duplicates_by_centre(
    authz: Authorizer,
) -> Callable[[list[UUID]], Awaitable[list[list[Centre]]]]:
    """R-CTR-4 warnings for a batch of centres: two statements, whatever the batch size."""

    async def load(keys: list[UUID]) -> list[list[Centre]]:
        centres = {c.id: c for c in await scopes.visible_centres(authz).filter(id__in=keys)}
        industries = list({c.industry_id for c in centres.values()})
        live = (
            await scopes.visible_centres(authz).filter(
                industry_id__in=industries, status__in=list(LIVE)
            )
            if industries
            else []
        )
        return [
            [other for other in live if duplicates_direction(centres[key], other)]
            if key in centres
            else []
            for key in keys
        ]

    return load


MISSING: Any = object()
"""What ``Loaders.peek`` answers for a key no level preloaded."""


class Loaders:
    def __init__(self, authz: Authorizer) -> None:
        # The batches a page's levels are preloaded with (schema/preload.py); each also backs the
        # DataLoader of the same name, for whatever was not preloaded.
        self.batches: dict[str, Callable[[list[UUID]], Awaitable[list[Any]]]] = {
            # Cities and industries are public reference data: every signed-in caller reads them.
            "city": _by_id(City.all),
            "industry": _by_id(Industry.all),
            "organisation": _by_id(lambda: scopes.visible_organisations(authz)),
            "members_by_centre": _grouped(
                lambda: scopes.visible_alliance_members(authz), "centre_id"
            ),
        }
        self.preloaded: dict[str, dict[UUID, Any]] = {name: {} for name in self.batches}
        self.city = DataLoader(load_fn=self.batches["city"])
        self.industry = DataLoader(load_fn=self.batches["industry"])
        self.organisation = DataLoader(load_fn=self.batches["organisation"])
        self.members_by_centre: DataLoader[UUID, list[AllianceMember]] = DataLoader(
            load_fn=self.batches["members_by_centre"]
        )
        self.documents_by_owner: DataLoader[UUID, list[Document]] = DataLoader(
            load_fn=_grouped(lambda: scopes.visible_documents(authz), "owner_id")
        )
        self.versions_by_document: DataLoader[UUID, list[DocumentVersion]] = DataLoader(
            load_fn=_grouped(lambda: scopes.visible_document_versions(authz), "document_id")
        )
        self.uploader = DataLoader(load_fn=_by_id(lambda: scopes.document_uploaders(authz)))
        self.call = DataLoader(load_fn=_by_id(lambda: scopes.visible_calls(authz)))
        self.duplicates_by_centre: DataLoader[UUID, list[Centre]] = DataLoader(
            load_fn=_duplicates_by_centre(authz)
        )
        self.events_by_centre: DataLoader[UUID, list[CentreStatusEvent]] = DataLoader(
            load_fn=_grouped(lambda: scopes.visible_status_events(authz), "centre_id")
        )
        # A centre's review is its selection review; other panels load by their own subject.
        self.review_by_centre: DataLoader[UUID, Review | None] = DataLoader(
            load_fn=_single(
                lambda: scopes.visible_reviews(authz, PanelSubject.SELECTION), "centre_id"
            )
        )
        self.assignments_by_review: DataLoader[UUID, list[ReviewAssignment]] = DataLoader(
            load_fn=_grouped(lambda: scopes.all_assignments(authz), "review_id")
        )
        self.scores_by_assignment: DataLoader[UUID, list[Score]] = DataLoader(
            load_fn=_grouped(lambda: scopes.all_scores(authz), "assignment_id")
        )
        self.own_scores_by_review: DataLoader[UUID, list[Score]] = DataLoader(
            load_fn=_own_scores_by_review(authz)
        )
        self.expert = DataLoader(load_fn=_by_id(lambda: scopes.assigned_experts(authz)))
        self.agreement_by_centre: DataLoader[UUID, TaskAgreement | None] = DataLoader(
            load_fn=_single(lambda: scopes.visible_cultivation(authz), "centre_id")
        )
        self.indicators_by_agreement: DataLoader[UUID, list[Indicator]] = DataLoader(
            load_fn=_grouped(lambda: scopes.visible_indicators(authz), "agreement_id")
        )
        self.progress_by_indicator: DataLoader[UUID, list[IndicatorProgress]] = DataLoader(
            load_fn=_grouped(lambda: scopes.visible_progress(authz), "indicator_id")
        )
        self.inspections_by_centre: DataLoader[UUID, list[Inspection]] = DataLoader(
            load_fn=_grouped(lambda: scopes.visible_inspections(authz), "centre_id")
        )
        self.bindings_by_user: DataLoader[UUID, list[RoleBinding]] = DataLoader(
            load_fn=_grouped(lambda: scopes.visible_role_bindings(authz), "user_id")
        )
        # Assessments (R-ASM-4/5): their panel, a Review whose subject is the assessment's id
        # (their centre loads through ``centre``).
        self.panel_by_assessment: DataLoader[UUID, Review | None] = DataLoader(
            load_fn=_single(
                lambda: scopes.visible_reviews(authz).filter(
                    subject_type__in=[PanelSubject.ASSESSMENT, PanelSubject.REASSESSMENT]
                ),
                "subject_id",
            )
        )
        # Annual reports (R-ASM-2): the centre a report is of, its versions and verifications.
        self.centre = DataLoader(load_fn=_by_id(lambda: scopes.visible_centres(authz)))
        self.versions_by_report: DataLoader[UUID, list[AnnualReportVersion]] = DataLoader(
            load_fn=_grouped(lambda: scopes.visible_report_versions(authz), "report_id")
        )
        self.verifications_by_report: DataLoader[UUID, list[ReportVerification]] = DataLoader(
            load_fn=_grouped(lambda: scopes.visible_report_verifications(authz), "report_id")
        )
        # Funding (R-FUND-1…3): a centre's decision, plan and ledger entries, and the approved
        # amount alone (wider scope: every alliance member; only approved_fen is shown of it).
        self.subsidy_by_centre: DataLoader[UUID, SubsidyDecision | None] = DataLoader(
            load_fn=_single(lambda: scopes.visible_subsidy_decisions(authz), "centre_id")
        )
        self.approved_subsidy_by_centre: DataLoader[UUID, SubsidyDecision | None] = DataLoader(
            load_fn=_single(lambda: scopes.approved_subsidies(authz), "centre_id")
        )
        self.support_plan_by_centre: DataLoader[UUID, NationalSupportPlan | None] = DataLoader(
            load_fn=_single(lambda: scopes.visible_support_plans(authz), "centre_id")
        )
        self.ledger_by_centre: DataLoader[UUID, list[LedgerEntry]] = DataLoader(
            load_fn=_grouped(lambda: scopes.visible_ledger(authz), "centre_id")
        )
        # The IP register (R-IP-1…3): an asset's share sets (oldest first), a set's shares, an
        # asset's transfers (latest first) and a transfer's revenue parts.
        self.ip_share_sets_by_asset: DataLoader[UUID, list[IpShareSet]] = DataLoader(
            load_fn=_grouped(
                lambda: scopes.visible_ip_share_sets(authz).order_by("number"), "asset_id"
            )
        )
        self.ip_shares_by_set: DataLoader[UUID, list[IpShare]] = DataLoader(
            load_fn=_grouped(
                lambda: scopes.visible_ip_shares(authz).order_by("-share", "organisation_id"),
                "share_set_id",
            )
        )
        self.ip_transfers_by_asset: DataLoader[UUID, list[IpTransfer]] = DataLoader(
            load_fn=_grouped(lambda: scopes.visible_ip_transfers(authz), "asset_id")
        )
        self.ip_revenue_by_transfer: DataLoader[UUID, list[IpRevenueShare]] = DataLoader(
            load_fn=_grouped(
                lambda: scopes.visible_ip_revenue(authz).order_by("-amount_fen", "organisation_id"),
                "transfer_id",
            )
        )

    async def preload(self, name: str, keys: Iterable[UUID]) -> list[Any]:
        """Load one level for every key not loaded yet, in one batch (one statement per 500
        keys), and keep each answer for ``peek``. Returns the answers of every key asked for."""
        known = self.preloaded[name]
        asked = list(dict.fromkeys(keys))
        missing = [k for k in asked if k not in known]
        if missing:
            known.update(zip(missing, await self.batches[name](missing), strict=True))
        return [known[k] for k in asked]

    def peek(self, name: str, key: UUID) -> Any:
        """A preloaded answer, synchronously; MISSING when no level loaded ``key``."""
        return self.preloaded[name].get(key, MISSING)
