"""The regulatory calendar's GraphQL types (R-ASM-6)."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry

from models.regulatory_calendar import VERIFICATION_DAYS
from schema.centres.types import Centre
from services.ids import global_id
from services.regulatory_calendar import CalendarEntry


@strawberry.enum(description="What falls due / 到期事项类型")
class CalendarItemKind(Enum):
    ANNUAL_REPORT_DUE = strawberry.enum_value(
        "annual_report_due",
        description=(
            "Annual report on `year` due 31 May of the next year, missing, draft or returned"
            " (R-ASM-2)"
            " / 年度报告截止(5月31日)"
        ),
    )
    REPORT_VERIFICATION_PENDING = strawberry.enum_value(
        "report_verification_pending",
        description=(
            f"Submitted report awaiting the city bureau, due {VERIFICATION_DAYS} days after its"
            " latest submission (UTC+8) / 年度报告待市级审核"
        ),
    )
    PERIODIC_ASSESSMENT_DUE = strawberry.enum_value(
        "periodic_assessment_due",
        description="Next periodic assessment, every 3 years from establishment (R-ASM-4)"
        " / 定期考核到期",
    )
    CULTIVATION_ENDS = strawberry.enum_value(
        "cultivation_ends",
        description="Cultivation's 3 years end (R-CUL-2) / 培育期届满",
    )
    RECTIFICATION_ENDS = strawberry.enum_value(
        "rectification_ends",
        description="Rectification's year ends; re-assessment due (R-ASM-5)"
        " / 整改期届满,应重新考核",
    )


@strawberry.type(description="One thing due for one centre (R-ASM-6) / 监管日历事项")
class CalendarItem:
    kind: CalendarItemKind = strawberry.field(description="What falls due / 事项类型")
    centre: Centre = strawberry.field(description="The centre concerned / 创新中心")
    due_on: date = strawberry.field(description="Due day, UTC+8 calendar / 截止日期(北京时间)")
    days_left: int = strawberry.field(
        description="Days from today (UTC+8) to the due day; 0 on the day, negative when overdue"
        " / 剩余天数"
    )
    overdue: bool = strawberry.field(description="Past the due day / 已逾期")
    year: int | None = strawberry.field(
        description="The report's calendar year (report kinds only) / 报告年度"
    )
    report_id: strawberry.ID | None = strawberry.field(
        description="The annual report concerned, if one exists / 相关年度报告"
    )
    assessment_id: strawberry.ID | None = strawberry.field(
        description="The assessment concerned (open periodic one; failed one for rectification)"
        " / 相关考核"
    )

    @classmethod
    def of(cls, entry: CalendarEntry) -> CalendarItem:
        item = entry.item
        return cls(
            kind=CalendarItemKind(item.kind.value),
            centre=Centre.of(entry.centre),
            due_on=item.due_on,
            days_left=entry.days_left,
            overdue=entry.overdue,
            year=item.year,
            report_id=_id("AnnualReport", item.report_id),
            assessment_id=_id("Assessment", item.assessment_id),
        )


def _id(type_name: str, pk: object) -> strawberry.ID | None:
    return None if pk is None else strawberry.ID(global_id(type_name, str(pk)))


@strawberry.input(description="Narrow the regulatory calendar / 监管日历筛选")
class CalendarFilter:
    kinds: list[CalendarItemKind] | None = strawberry.field(
        default=None, description="Only these kinds (empty or null: all) / 事项类型"
    )
    city_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only centres of this city / 所在城市"
    )
    overdue: bool | None = strawberry.field(
        default=None, description="true: only overdue items; false: only the others / 是否逾期"
    )
    due_by: date | None = strawberry.field(
        default=None, description="Only items due on or before this day (UTC+8) / 截止日期不晚于"
    )


@strawberry.type(description="The caller's iCalendar subscription address / 日历订阅地址")
class CalendarFeedLink:
    path: str = strawberry.field(
        description=(
            "Path and query of the feed (`/calendar.ics?token=…`), to append to the service's"
            " origin; the token works only for this feed. Keep it private / 订阅路径(含专用令牌)"
        )
    )
    expires_at: datetime = strawberry.field(
        description="When the token stops working (UTC); ask again for a new one / 令牌到期时间"
    )
