"""The regulatory calendar (R-ASM-6) and the address of its iCalendar feed."""

from __future__ import annotations

import strawberry

from models.regulatory_calendar import CalendarKind
from schema.calendar.paging import calendar_page
from schema.calendar.types import CalendarFeedLink, CalendarFilter, CalendarItem
from schema.context import Info
from schema.enums import value_of
from schema.pagination import Connection
from services import regulatory_calendar as calendar
from services.ids import parse_id


def _filter(flt: CalendarFilter | None) -> calendar.CalendarFilter:
    if flt is None:
        return calendar.CalendarFilter()
    return calendar.CalendarFilter(
        kinds=frozenset(CalendarKind(value_of(k)) for k in flt.kinds or ()),
        city_id=None if flt.city_id is None else parse_id(flt.city_id, "city"),
        overdue=flt.overdue,
        due_by=flt.due_by,
    )


@strawberry.type
class CalendarQueries:
    @strawberry.field(
        description=(
            "What is due, per centre in the caller's scope (R-ASM-6): annual reports (31 May),"
            " bureau verification (30 days after submission), periodic assessments (every 3"
            " years), end of cultivation (3 years) and of rectification (1 year); due days in"
            " UTC+8, days left from today (UTC+8), overdue flagged. Ordered by due day, centre,"
            " kind. Experts: FORBIDDEN / 监管日历"
        )
    )
    async def regulatory_calendar(
        self,
        info: Info,
        filter: CalendarFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[CalendarItem]:
        entries = await calendar.regulatory_calendar(info.context, _filter(filter))
        return calendar_page(
            entries, first=first, after=after, max_page_size=info.context.max_page_size
        )

    @strawberry.field(
        description=(
            "The caller's calendar feed (iCalendar, `text/calendar`) path with a token good only"
            " for that feed, for 180 days or until sign-out (R-ASM-6). Experts: FORBIDDEN"
            " / 日历订阅地址"
        )
    )
    async def calendar_feed_url(self, info: Info) -> CalendarFeedLink:
        path, expires_at = await calendar.calendar_feed_path(info.context, info.context.security)
        return CalendarFeedLink(path=path, expires_at=expires_at)
