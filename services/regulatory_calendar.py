"""The regulatory calendar (R-ASM-6): what is due, per centre in the caller's calendar scope.

Three statements after the caller's own two (user, bindings), whatever the number of centres:
the centres in scope (filtered), their annual reports, their assessments. The items are then
computed in Python by the predicates of ``models/regulatory_calendar.py`` and sorted by due day,
centre (name, then id), kind and year — a total, deterministic order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode
from uuid import UUID

from tortoise.expressions import Q, Subquery

from models.annual_reports import AnnualReport, ReportStatus
from models.assessments import Assessment, AssessmentKind, AssessmentStatus, Grade
from models.base import programme_today
from models.centres import Centre, CentreStatus
from models.regulatory_calendar import (
    CALENDAR_STATUSES,
    KIND_RANK,
    AssessmentFacts,
    CalendarItem,
    CalendarKind,
    CentreFacts,
    ReportFacts,
    centre_items,
)
from policies import scopes
from policies.vocabulary import Action, Resource
from services.actor import Actor
from services.sessions import Security

SortKey = tuple[date, str, str, int, int]


@dataclass(frozen=True, slots=True)
class CalendarFilter:
    """Narrows the calendar: ``kinds`` (empty = every kind), the centres' city, overdue or not,
    and ``due_by`` (items due on or before that day, UTC+8)."""

    kinds: frozenset[CalendarKind] = frozenset()
    city_id: UUID | None = None
    overdue: bool | None = None
    due_by: date | None = None

    def keeps(self, item: CalendarItem, today: date) -> bool:
        if self.kinds and item.kind not in self.kinds:
            return False
        if self.overdue is not None and item.overdue(today) is not self.overdue:
            return False
        return self.due_by is None or item.due_on <= self.due_by


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One item with its centre's row and the days left from the day the calendar was read."""

    item: CalendarItem
    centre: Centre
    days_left: int  # days; negative once overdue
    overdue: bool

    @property
    def sort_key(self) -> SortKey:
        """Due day, centre name, centre id, kind (``CalendarKind`` order), year (0 if none)."""
        item = self.item
        return (
            item.due_on,
            self.centre.name,
            str(self.centre.id),
            KIND_RANK[item.kind],
            item.year or 0,
        )


def _with_items() -> Q:
    # Live centres, and any centre whose report still awaits its bureau.
    pending = AnnualReport.filter(status=ReportStatus.SUBMITTED).values("centre_id")
    return Q(status__in=list(CALENDAR_STATUSES)) | Q(id__in=Subquery(pending))


async def regulatory_calendar(
    actor: Actor, flt: CalendarFilter | None = None, today: date | None = None
) -> list[CalendarEntry]:
    """R-ASM-6: every calendar item of the centres in the caller's calendar scope (staff all,
    a bureau its city's, an enterprise its alliances'), filtered by ``flt`` and sorted; days
    left are counted from ``today`` (default ``programme_today()``, UTC+8).

    Raises NotAllowed (audited) when no role of the caller reads the calendar (experts), as
    every list without a policy line does; Unauthenticated without a caller."""
    flt = flt or CalendarFilter()
    today = today or programme_today()
    authz = await actor.require(Resource.CALENDAR, Action.READ)
    centres_q = scopes.calendar_centres(authz).filter(_with_items())
    if flt.city_id is not None:
        centres_q = centres_q.filter(city_id=flt.city_id)
    in_scope = Subquery(centres_q.values("id"))
    centres = await centres_q
    reports = await AnnualReport.filter(centre_id__in=in_scope).values(
        "id", "centre_id", "year", "status", "submitted_at"
    )
    assessments = await Assessment.filter(centre_id__in=in_scope).values(
        "id", "centre_id", "kind", "cycle", "status", "grade", "rectification_due"
    )
    reports_of: dict[UUID, list[ReportFacts]] = defaultdict(list)
    for r in reports:
        reports_of[r["centre_id"]].append(
            ReportFacts(
                r["id"], r["centre_id"], r["year"], ReportStatus(r["status"]), r["submitted_at"]
            )
        )
    assessments_of: dict[UUID, list[AssessmentFacts]] = defaultdict(list)
    for a in assessments:
        assessments_of[a["centre_id"]].append(
            AssessmentFacts(
                a["id"],
                a["centre_id"],
                AssessmentKind(a["kind"]),
                a["cycle"],
                AssessmentStatus(a["status"]),
                None if a["grade"] is None else Grade(a["grade"]),
                a["rectification_due"],
            )
        )
    entries = []
    for centre in centres:
        facts = CentreFacts(
            centre.id, CentreStatus(centre.status), centre.listed_on, centre.established_on
        )
        for item in centre_items(facts, reports_of[centre.id], assessments_of[centre.id], today):
            if flt.keeps(item, today):
                entries.append(
                    CalendarEntry(item, centre, item.days_left(today), item.overdue(today))
                )
    entries.sort(key=lambda e: e.sort_key)
    return entries


FEED_PATH = "/calendar.ics"  # the iCalendar feed (api/calendar_feed.py)


async def calendar_feed_path(actor: Actor, security: Security) -> tuple[str, datetime]:
    """R-ASM-6: the caller's calendar feed path with a feed token in its query
    (``/calendar.ics?token=…``) and when that token expires (UTC; 180 days). The token is good
    only for the feed, for this user, until they sign out, change their password or are disabled.
    Raises NotAllowed (audited) for roles without the calendar (experts)."""
    await actor.require(Resource.CALENDAR, Action.READ)
    user = (await actor.caller()).user
    issued = security.issue_feed_token(user.id, user.token_version)
    return f"{FEED_PATH}?{urlencode({'token': issued.token})}", issued.expires_at
