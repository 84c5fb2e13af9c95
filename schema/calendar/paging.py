"""Pages of the regulatory calendar: keyset cursors over computed items.

The items are computed in Python (``services/regulatory_calendar.py``), not read from one table,
so ``schema/pagination.py`` ``after_key`` (a SQL filter through a model's columns) cannot apply.
The cursor format and its strict decoding are reused as they are (``encode_cursor``,
``decode_cursor``, ``page_size``): the list tag names this list and its order, the key holds an
item's sort key (due day, centre name, centre id, kind, year or 0), every value must read back
exactly as written, and the next page holds the items strictly after that key. Anything else is
BAD_USER_INPUT (argument ``after``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from models.regulatory_calendar import KIND_RANK, CalendarKind
from schema.calendar.types import CalendarItem
from schema.errors import BadInput
from schema.pagination import Connection, Edge, PageInfo, decode_cursor, encode_cursor, page_size
from services.regulatory_calendar import CalendarEntry, SortKey

TAG = "regulatory_calendar/due_on,centre_name,centre_id,kind,year"


def _cursor(entry: CalendarEntry) -> str:
    item = entry.item
    key = (item.due_on, entry.centre.name, str(entry.centre.id), item.kind.value, item.year or 0)
    return encode_cursor(TAG, key)


def _after(cursor: str) -> SortKey:
    raw = decode_cursor(cursor, TAG, 5)
    try:
        due_on, name, centre_id, kind, year = raw
        parsed: SortKey = (
            date.fromisoformat(str(due_on)),
            str(name),
            str(UUID(str(centre_id))),
            KIND_RANK[CalendarKind(str(kind))],
            int(str(year)),
        )
        canonical = (
            [
                parsed[0].isoformat(),
                parsed[1],
                parsed[2],
                str(kind),
                parsed[4],
            ]
            == raw
            and isinstance(year, int)
            and 0 <= year <= date.max.year
        )
    except (ValueError, KeyError, TypeError):
        canonical = False
    if not canonical:
        raise BadInput("invalid cursor", argument="after")
    return parsed


def calendar_page(
    entries: Sequence[CalendarEntry], *, first: int | None, after: str | None, max_page_size: int
) -> Connection[CalendarItem]:
    """One page of the sorted ``entries`` after the cursor ``after``; ``totalCount`` counts them
    all. Raises BadInput for a bad ``first`` or ``after``."""
    limit = page_size(first, max_page_size)
    rest = list(entries)
    if after is not None:
        key = _after(after)
        rest = [e for e in entries if e.sort_key > key]
    page = rest[:limit]
    edges = [Edge(cursor=_cursor(e), node=CalendarItem.of(e)) for e in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rest) > limit,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=len(entries),
    )
