"""The demo's assessments (R-ASM-4, R-ASM-5), planned from today: which centre was assessed when,
with which grade, and the rectification moves those grades made.

Every grade is on show: an excellent and a good periodic assessment of the two established
centres; the rectifying centre failed its periodic assessment about four months ago (so its
rectification ends in the future, whatever the day the demo is seeded); the revoked centre
passed its first assessment, failed the second, and failed the re-assessment after its year of
rectification. The status history (``demo/timeline.py``) takes the days and comments of the
rectification moves from here, so every such move is an assessment's outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from demo.helpers import years_after
from models.assessment_calendar import rectification_deadline
from models.assessments import Assessment, AssessmentKind, Grade, outcome_move
from models.centres import CentreStatus
from models.lifecycle import Move
from services.assessments import move_comment

_PERIODIC, _RE = AssessmentKind.PERIODIC, AssessmentKind.REASSESSMENT
ONSITE_TO_GRADE = timedelta(days=14)  # the panel finalises, staff grade two weeks after the visit

# The established centres' latest periodic grade, by centre name.
ESTABLISHED_GRADES: dict[str, tuple[Grade, int]] = {
    # name: (grade, days before today it was graded, at the latest)
    "广西工程机械制造业创新中心": (Grade.EXCELLENT, 45),
    "广西新能源动力系统制造业创新中心": (Grade.GOOD, 100),
}
RECTIFYING_FAILED_DAYS_AGO = 120
REVOKED_FAILED_DAYS_AGO = 420

OPINIONS: dict[Grade, str] = {
    Grade.EXCELLENT: (
        "专家组现场考核认为，中心创新资源投入持续增长，关键共性技术攻关取得标志性成果并实现"
        "产业化应用，市场化运营良好，技术服务收入占比稳步提高。考核等次：优秀。"
    ),
    Grade.GOOD: (
        "中心研发投入和人才队伍建设达到任务要求，关键共性技术攻关进展顺利；成果转移扩散渠道"
        "仍需拓展，建议加强面向中小企业的公共服务。考核等次：良好。"
    ),
    Grade.PASS: (
        "中心基本完成建设任务，运营公司实体化运作；关键共性技术突破数量偏少，市场化收入增长"
        "较慢，需在下一考核周期重点改进。考核等次：合格。"
    ),
    Grade.FAIL: (
        "定期考核结果为不合格：关键共性技术攻关进展滞后，技术服务收入连续两年下降，决策机构未按"
        "章程履职。给予1年整改期限，期满后重新考核。"
    ),
}
REASSESSMENT_FAIL = (
    "整改期满后经专家组重新考核，整改措施落实不到位，关键指标仍未达到要求，整改结果未通过，"
    "按程序予以摘牌撤销。"
)


@dataclass(frozen=True, slots=True)
class PlannedAssessment:
    kind: AssessmentKind
    cycle: int
    grade: Grade
    onsite_on: date
    opinion: str

    @property
    def graded_on(self) -> date:
        return self.onsite_on + ONSITE_TO_GRADE

    @property
    def rectification_due(self) -> date | None:
        if self.kind is _PERIODIC and self.grade is Grade.FAIL:
            return rectification_deadline(self.graded_on)
        return None

    @property
    def move(self) -> Move | None:
        return outcome_move(self.kind, self.grade)

    @property
    def comment(self) -> str:
        """The status event's comment of its outcome move (as ``grade_assessment`` writes it)."""
        row = Assessment(kind=self.kind, cycle=self.cycle, grade=self.grade, opinion=self.opinion)
        return move_comment(row)


def _graded(kind: AssessmentKind, cycle: int, grade: Grade, graded_on: date) -> PlannedAssessment:
    if graded_on.weekday() >= 5:  # graded on a working day: the Friday before a weekend
        graded_on -= timedelta(days=graded_on.weekday() - 4)
    opinion = REASSESSMENT_FAIL if kind is _RE and grade is Grade.FAIL else OPINIONS[grade]
    return PlannedAssessment(kind, cycle, grade, graded_on - ONSITE_TO_GRADE, opinion)


def assessment_plan(
    name: str, status: CentreStatus, established_on: date | None, today: date
) -> tuple[PlannedAssessment, ...]:
    """The graded assessments of a demo centre, oldest first (none for most centres).

    Each is at least a year after establishment (R-ASM-1) and before today."""
    if established_on is None:
        return ()
    earliest = years_after(established_on, 1) + timedelta(days=30)
    if status is CentreStatus.ESTABLISHED and name in ESTABLISHED_GRADES:
        grade, days_ago = ESTABLISHED_GRADES[name]
        due = years_after(established_on, 3) + ONSITE_TO_GRADE
        graded = max(min(due, today - timedelta(days=days_ago)), earliest)
        return (_graded(_PERIODIC, 1, grade, graded),) if graded < today else ()
    if status is CentreStatus.RECTIFYING:
        graded = today - timedelta(days=RECTIFYING_FAILED_DAYS_AGO)
        return (_graded(_PERIODIC, 1, Grade.FAIL, graded),) if graded > earliest else ()
    if status is CentreStatus.REVOKED:
        failed = today - timedelta(days=REVOKED_FAILED_DAYS_AGO)
        passed = min(years_after(established_on, 3), failed - timedelta(days=365))
        if passed < earliest:
            return ()
        reassessed = rectification_deadline(failed) + timedelta(days=24)
        return (
            _graded(_PERIODIC, 1, Grade.PASS, passed),
            _graded(_PERIODIC, 2, Grade.FAIL, failed),
            _graded(_RE, 2, Grade.FAIL, reassessed),
        )
    return ()


def outcome_moves(
    name: str, status: CentreStatus, established_on: date | None, today: date
) -> dict[Move, PlannedAssessment]:
    """The rectification moves of a demo centre, each with the assessment it is the outcome of."""
    return {
        p.move: p
        for p in assessment_plan(name, status, established_on, today)
        if p.move is not None
    }
