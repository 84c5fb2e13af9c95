"""The programme's target (R-CTR-6, plan 一 and 二(一)) as data, and its arithmetic as predicates.

到2030年建成并稳定运行创新中心20家: 20 centres established and running by the end of 2030; and over
time a centre in each of the ten key industries (R-REF-2, ``models.reference.Industry``).

Design choices (the plan names the target, not how to count it):

- **running** (稳定运行) = status ``established``. A ``rectifying`` centre failed its periodic
  assessment (R-ASM-5): it is still designated but not running *stably*, so it does not count
  towards the 20; it is reported beside them.
- **designated** (已建成, for industry coverage) = ``established`` or ``rectifying``: the industry
  has a centre the province established and has not revoked.
- **in cultivation** (培育中) = ``cultivating``.
- **years left** = the calendar years from the current one (UTC+8) to 2030, both included: in 2026
  five (2026 … 2030), in 2030 one, after 2030 none.
- **pace needed** = the centres still missing, divided by the years left, rounded up: whole
  centres per year. With no year left it is the whole shortfall (overdue).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from models.centres import CentreStatus

TARGET_CENTRES = 20  # 建成并稳定运行创新中心20家
TARGET_YEAR = 2030  # 到2030年, inclusive
TARGET_INDUSTRIES = 10  # the ten key industries of 二(一)

RUNNING = frozenset({CentreStatus.ESTABLISHED})
DESIGNATED = frozenset({CentreStatus.ESTABLISHED, CentreStatus.RECTIFYING})
IN_CULTIVATION = frozenset({CentreStatus.CULTIVATING})


class Coverage(StrEnum):
    """How far an industry is covered (R-CTR-6, 二(一))."""

    ESTABLISHED = "established"  # at least one designated centre
    CULTIVATING = "cultivating"  # centres in cultivation only
    NONE = "none"  # neither


def years_left(current_year: int, target_year: int = TARGET_YEAR) -> int:
    """Calendar years from ``current_year`` to ``target_year``, both included; never negative."""
    return max(0, target_year - current_year + 1)


def shortfall(running: int, target: int = TARGET_CENTRES) -> int:
    """Centres still missing to reach the target; 0 once it is met."""
    return max(0, target - running)


def pace_needed(running: int, current_year: int, target: int = TARGET_CENTRES) -> int:
    """Whole centres to establish per year from now to reach the target in time (rounded up);
    the whole shortfall when no year is left; 0 once the target is met."""
    missing = shortfall(running, target)
    left = years_left(current_year)
    if missing == 0:
        return 0
    if left == 0:
        return missing
    return -(-missing // left)


def coverage(statuses: frozenset[CentreStatus] | set[CentreStatus]) -> Coverage:
    """The coverage an industry's centres (their statuses) give it."""
    if statuses & DESIGNATED:
        return Coverage.ESTABLISHED
    if statuses & IN_CULTIVATION:
        return Coverage.CULTIVATING
    return Coverage.NONE


@dataclass(frozen=True, slots=True)
class TargetProgress:
    """Progress against the target: ``running`` centres (in the caller's scope) in ``year``."""

    running: int
    rectifying: int
    year: int

    @property
    def target(self) -> int:
        return TARGET_CENTRES

    @property
    def target_year(self) -> int:
        return TARGET_YEAR

    @property
    def shortfall(self) -> int:
        return shortfall(self.running)

    @property
    def years_left(self) -> int:
        return years_left(self.year)

    @property
    def pace_needed(self) -> int:
        return pace_needed(self.running, self.year)

    @property
    def met(self) -> bool:
        return self.shortfall == 0
