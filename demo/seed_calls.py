"""Seeding the yearly calls for applications."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient

from demo.call_terms import (
    CALL_CONDITIONS,
    FIRST_CALL_YEAR,
    LAST_CALL_INDUSTRIES,
    OPEN_CALL_INDUSTRIES,
    REQUIRED_DOCUMENTS,
    SUPPORT_POLICY,
)
from demo.timeline import call_window, open_year
from models.accounts import User
from models.calls import Call


def _call_title(year: int) -> str:
    return f"关于组织申报{year}年度广西壮族自治区制造业创新中心的通知"


def _call_industries(year: int, now: datetime) -> list[str]:
    if year == open_year(now):
        return list(OPEN_CALL_INDUSTRIES)
    if year == open_year(now) - 1:
        return list(LAST_CALL_INDUSTRIES)
    return []  # every industry


async def seed_calls(
    conn: BaseDBAsyncClient, staff: User, now: datetime
) -> tuple[dict[int, Call], int]:
    """One published call a year; a call with the same title is reused as it is."""
    years = range(FIRST_CALL_YEAR, open_year(now) + 1)
    titles = {_call_title(year): year for year in years}
    rows = await Call.filter(title__in=list(titles)).using_db(conn).order_by("created_at")
    found: dict[int, Call] = {}
    for row in rows:
        found.setdefault(titles[row.title], row)
    new: list[Call] = []
    for year in years:
        if year in found:
            continue
        opens, closes = call_window(year, now)
        published = opens - timedelta(days=7)
        call = Call(
            year=year,
            title=_call_title(year),
            opens_at=opens,
            closes_at=closes,
            industries=_call_industries(year, now),
            conditions=CALL_CONDITIONS,
            required_documents=list(REQUIRED_DOCUMENTS),
            support_policy=SUPPORT_POLICY,
            published_at=published,
            created_by_id=staff.id,
            created_at=published - timedelta(days=1),
        )
        new.append(call)
        found[year] = call
    await Call.bulk_create(new, using_db=conn)
    return found, len(new)
