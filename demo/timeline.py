"""An application's history: the call it answered and every move from the draft to its state,
with its time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from demo.assessment_plan import outcome_moves
from demo.centres import NEARING_DEADLINE, NEARING_WINDOW
from demo.helpers import CST, at_hour, det, office_hours, spread, years_after
from demo.moves import DATED_MOVES, MOVE_COMMENTS, OPEN_CALL_STATUSES, PATHS, PROVINCIAL_SELECTION
from demo.specs import CentreSpec
from models.calls import Call
from models.centres import CentreStatus
from models.lifecycle import CULTIVATION_YEARS, Move, apply, cultivation_deadline


def open_year(now: datetime) -> int:
    return now.astimezone(CST).year


def call_window(year: int, now: datetime) -> tuple[datetime, datetime]:
    """Past calls ran from mid-January to March; the current one opened a month ago."""
    if year >= open_year(now):
        hour = now.astimezone(CST).replace(minute=0, second=0, microsecond=0)
        return hour - timedelta(days=30), hour + timedelta(days=60)
    return datetime(year, 1, 15, 9, tzinfo=CST), datetime(year, 3, 31, 17, tzinfo=CST)


@dataclass(frozen=True, slots=True)
class HistoryStep:
    move: Move | None  # None: the lead enterprise created the application (a draft)
    status: CentreStatus
    at: datetime
    comment: str


@dataclass(frozen=True, slots=True)
class Timeline:
    call_year: int
    steps: tuple[HistoryStep, ...]

    @property
    def created(self) -> datetime:
        return self.steps[0].at

    def at(self, move: Move) -> datetime | None:
        return next((step.at for step in self.steps if step.move is move), None)

    @property
    def decided(self) -> datetime | None:
        """When the province decided after the expert review."""
        return self.at(Move.LIST_FOR_CULTIVATION) or self.at(Move.REJECT_AFTER_REVIEW)


def listing_date(spec: CentreSpec, today: date) -> date | None:
    """The listing date; the NEARING_DEADLINE centre's is moved so its 3 years end soon."""
    if spec.name != NEARING_DEADLINE or spec.listed_on is None:
        return spec.listed_on
    soonest, latest = (today + days for days in NEARING_WINDOW)
    if soonest <= cultivation_deadline(spec.listed_on) <= latest:
        return spec.listed_on
    return years_after(today + sum(NEARING_WINDOW, timedelta()) / 2, -CULTIVATION_YEARS)


def application_year(status: CentreStatus, listed_on: date | None, now: datetime) -> int:
    if listed_on is not None:
        # Applied in the spring of the listing year, or of the year before if listed by April.
        return listed_on.year if listed_on.month >= 5 else listed_on.year - 1
    return open_year(now) - (0 if status in OPEN_CALL_STATUSES else 1)


def build_timeline(
    status: CentreStatus,
    listed_on: date | None,
    established_on: date | None,
    window: tuple[datetime, datetime],
    *,
    call_year: int,
    now: datetime,
    key: str,
) -> Timeline:
    """Every move from the draft to ``status``, along models/lifecycle.TABLE, with its time."""
    path = PATHS[status]
    opens, closes = window
    if listed_on is not None or status is CentreStatus.REJECTED:
        # A past selection: submitted within the call, decided months later.
        if listed_on is not None:
            decided = at_hour(listed_on)
            submitted = min(
                max(decided - timedelta(days=90), opens + timedelta(days=14)),
                closes - timedelta(days=3),
            )
        else:
            submitted = opens + (closes - opens) * 0.6
            decided = submitted + timedelta(days=150)
        created = max(opens + timedelta(days=2), submitted - timedelta(days=30))
        bureau = submitted + timedelta(days=21)
        provincial = [move for move in path if move in PROVINCIAL_SELECTION]
        times = {Move.SUBMIT: submitted, Move.RECOMMEND: bureau, Move.RETURN: bureau}
        times.update(zip(provincial, spread(bureau, decided, len(provincial)), strict=True))
    else:
        # An application under the open call, moving along these weeks.
        first = opens + timedelta(days=1)
        last = max(
            first + timedelta(days=1),
            min(closes, now) - timedelta(days=2 + det(key, "last") % 5),
        )
        created = first if path else first + (last - first) * 0.6
        times = dict(zip(path, spread(first, last, len(path)), strict=True))
    if listed_on is not None:
        established = established_on or years_after(listed_on, 2)
        deadline = cultivation_deadline(listed_on)
        times[Move.ESTABLISH] = at_hour(established)
        times[Move.FAIL_CULTIVATION] = min(
            at_hour(deadline - timedelta(days=10)), now - timedelta(days=1)
        )
    # The rectification moves are the outcomes of the demo's assessments (R-ASM-5): made on the
    # day each was graded, saying which assessment and its opinion.
    outcomes = outcome_moves(key, status, established_on, now.astimezone(CST).date())
    for move, assessment in outcomes.items():
        times[move] = at_hour(assessment.graded_on, 15)
    for move, days in ((Move.START_RECTIFICATION, 30), (Move.REVOKE, 5)):
        times.setdefault(move, now - timedelta(days=days))  # no assessment planned (too early)
    steps = [HistoryStep(None, CentreStatus.DRAFT, office_hours(created, f"{key}/create"), "")]
    for move in path:
        outcome = outcomes.get(move)
        comment = outcome.comment if outcome else MOVE_COMMENTS.get(move, "")
        at = office_hours(times[move], f"{key}/{move}", keep_date=move in DATED_MOVES)
        at = max(at, steps[-1].at + timedelta(minutes=7))  # two moves on one day keep order
        steps.append(HistoryStep(move, apply(steps[-1].status, move, comment), at, comment))
    assert steps[-1].status is status, (status, path)
    return Timeline(call_year, tuple(steps))


def window_of(call: Call | None, year: int, now: datetime) -> tuple[datetime, datetime]:
    return (call.opens_at, call.closes_at) if call else call_window(year, now)
