"""Small helpers of the demo: stable pseudo-random numbers, Guangxi dates and office hours,
credit codes, amounts in 万元."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from demo.specs import COMPANY, PUBLIC, SOCIAL, OrgSpec
from models.credit_code import make_credit_code
from models.reference import City
from models.reviews import CENT

# Guangxi wall-clock time: the demo's moves happen in office hours there.
CST = timezone(timedelta(hours=8), "CST")


# How the organisation-code part of real codes of each registrar usually starts.
_BODY_PREFIX = {COMPANY: "MA5", PUBLIC: "498", SOCIAL: "MJ0"}


def credit_code(index: int, spec: OrgSpec, city: City) -> str:
    # 7919 is prime, so the 5-digit tails differ for the first 100 000 rows yet look unordered.
    body = f"{_BODY_PREFIX[spec.registrar]}{(index + 1) * 7919 % 100_000:05d}"
    return make_credit_code(spec.registrar, city.code, body)


def det(*parts: object) -> int:
    """A stable pseudo-random number for the parts: the same on every run and platform."""
    text = "|".join(str(part) for part in parts)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def at_hour(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=CST)


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def wan(amount: Decimal) -> str:
    """CNY as 万元 without needless decimals: 6850, 748.5."""
    return f"{(amount / 10000).quantize(CENT):f}".rstrip("0").rstrip(".")


def spread(start: datetime, end: datetime, count: int) -> list[datetime]:
    """``count`` moments after ``start``, evenly spaced, the last one at ``end``."""
    return [start + (end - start) * (i + 1) / count for i in range(count)]


def office_hours(moment: datetime, key: str, *, keep_date: bool = False) -> datetime:
    """``moment`` moved into office hours in Guangxi, on its day or the weekday before it."""
    day = moment.astimezone(CST).date()
    if not keep_date and day.weekday() >= 5:
        day -= timedelta(days=day.weekday() - 4)
    hour, minute = 9 + det(key, "hour") % 8, det(key, "minute") % 60
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CST)
