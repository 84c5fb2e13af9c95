"""GET /calendar.ics: the caller's regulatory calendar (R-ASM-6) as an iCalendar feed.

    GET /calendar.ics                    Authorization: Bearer <API token>
    GET /calendar.ics?token=<feed token> (calendar apps cannot send a header)

The feed token comes from the GraphQL field ``calendarFeedUrl``: a signed token with its own
audience and purpose (``api/tokens.py`` ``issue_feed_token``), so the API refuses it and this
route refuses an API token in the URL. No valid credentials: 401; a role without the calendar
(experts): 403, like the GraphQL query's FORBIDDEN. One all-day VEVENT per item, with a UID that
stays the same from one fetch to the next so that calendar apps update events rather than add
them again. The token in the URL never reaches the access log (``RedactToken``).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from uuid import NAMESPACE_URL, uuid5

from icalendar import Calendar, Event
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.context import build_context
from api.problems import error_response, outage_answer, refusal
from api.security import ServiceSecurity
from api.tokens import InvalidToken, Principal, verify_feed_token
from models.base import utcnow
from models.regulatory_calendar import CalendarKind
from models.vocabulary import term
from schema.errors import Code
from services.errors import DomainError
from services.regulatory_calendar import FEED_PATH, CalendarEntry, regulatory_calendar

log = logging.getLogger("mic.calendar")
_UID_NAMESPACE = uuid5(NAMESPACE_URL, "urn:mic:regulatory-calendar")
# Any key, however spelt (``%74oken`` decodes to ``token``): the whole query of the feed's path
# is dropped, and a ``token=`` anywhere else too.
_FEED_QUERY = re.compile(r"(/calendar\.ics)\?[^\s\"]*")
_TOKEN_IN_QUERY = re.compile(r"([?&]token=)[^&#\s\"]*")


def redact(text: str) -> str:
    """A log line without the feed's query or any ``token=`` value."""
    return _TOKEN_IN_QUERY.sub(r"\1[redacted]", _FEED_QUERY.sub(r"\1?[redacted]", text))


# SUMMARY per kind: Chinese, then English; {year} is the report's year.
SUMMARY: dict[CalendarKind, str] = {
    CalendarKind.ANNUAL_REPORT_DUE: "年度报告 {year} 截止 / Annual report {year} due",
    CalendarKind.REPORT_VERIFICATION_PENDING: (
        "年度报告 {year} 待审核 / Annual report {year} awaiting verification"
    ),
    CalendarKind.PERIODIC_ASSESSMENT_DUE: "定期考核到期 / Periodic assessment due",
    CalendarKind.CULTIVATION_ENDS: "培育期届满 / Cultivation ends",
    CalendarKind.RECTIFICATION_ENDS: "整改期届满 / Rectification ends",
}


class RedactToken(logging.Filter):
    """Replaces the value of a ``token`` query parameter in a log line (uvicorn's access log
    writes the path with its query) by ``[redacted]``: a feed URL is a credential."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


REDACT_TOKEN = RedactToken()


def uid_of(entry: CalendarEntry) -> str:
    """The event's UID: the same for the same item (kind, centre, report year or due day) on
    every fetch."""
    item = entry.item
    which = str(item.year) if item.year is not None else item.due_on.isoformat()
    return f"{uuid5(_UID_NAMESPACE, f'{item.kind.value}/{item.centre_id}/{which}')}@mic"


def _description(entry: CalendarEntry) -> str:
    days = entry.days_left
    when = (
        f"已逾期 {-days} 天 / overdue by {-days} days"
        if entry.overdue
        else f"剩余 {days} 天 / {days} days left"
    )
    return f"{entry.centre.name}\n{when} (R-ASM-6)"


def ical_of(entries: list[CalendarEntry]) -> bytes:
    """The entries as an iCalendar document (RFC 5545): one all-day VEVENT each, DTSTART the due
    day (UTC+8 calendar), DTSTAMP now (UTC)."""
    cal = Calendar()
    cal.add("prodid", "-//mic//Regulatory calendar//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "监管日历 / Regulatory calendar")
    stamp = utcnow().replace(microsecond=0)
    for entry in entries:
        item = entry.item
        event = Event()
        event.add("uid", uid_of(entry))
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due_on)
        event.add("dtend", item.due_on + timedelta(days=1))
        summary = SUMMARY[item.kind].format(year=item.year)
        event.add("summary", f"{summary} — {entry.centre.name}")
        event.add("description", _description(entry))
        event.add("categories", [term(item.kind)])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    body: bytes = cal.to_ical()
    return body


class CalendarFeed:
    def __init__(self, security: ServiceSecurity) -> None:
        self.security = security
        # uvicorn's access log writes the query: the feed token must not be kept there.
        logging.getLogger("uvicorn.access").addFilter(REDACT_TOKEN)

    def routes(self) -> list[Route]:
        return [Route(FEED_PATH, self.feed, methods=["GET"])]

    def _principal(self, request: Request) -> Principal | None:
        """The feed token in the URL if there is one (it must be valid), else the bearer token
        the middleware checked; None without either."""
        tokens = request.query_params.getlist("token")
        if not tokens:
            principal: Principal | None = request.scope.get("state", {}).get("principal")
            return principal
        if len(tokens) > 1:
            raise InvalidToken("more than one token")
        return verify_feed_token(self.security.settings, tokens[0])

    async def feed(self, request: Request) -> Response:
        request_id = request.scope.get("state", {}).get("request_id", "-")
        try:
            principal = self._principal(request)
        except InvalidToken as exc:
            log.info("rejected feed token: %s", exc, extra={"request_id": request_id})
            principal = None
        if principal is None:
            return error_response(
                401, Code.UNAUTHENTICATED, "a valid token is required", request_id
            )
        request.scope.setdefault("state", {})["principal"] = principal
        ctx = build_context(request, self.security)
        try:
            entries = await regulatory_calendar(ctx)
        except DomainError as exc:
            return refusal(exc, request_id)
        except Exception as exc:
            if (answer := outage_answer(exc, request_id)) is None:
                raise
            return answer
        return Response(
            ical_of(entries),
            media_type="text/calendar; charset=utf-8",
            headers={"cache-control": "private, no-store", "referrer-policy": "no-referrer"},
        )
