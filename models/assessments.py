"""Periodic assessment (定期考核, R-ASM-4) and re-assessment after rectification (R-ASM-5).

An assessment is opened by provincial staff with an on-site date; an expert panel
(``models/reviews.py`` ``Review`` with subject type ``assessment`` or ``reassessment`` and the
assessment's id as subject) scores the three areas; staff then record the grade with an opinion,
the panel's result and the guidance bands shown beside it. The grade of a periodic assessment
decides whether the centre rectifies; the grade of a re-assessment whether it is restored or
revoked (``outcome_move``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from tortoise import fields

from models.accounts import User
from models.base import Entity
from models.centres import Centre
from models.lifecycle import Move
from models.reviews import PanelSubject


class AssessmentKind(StrEnum):
    PERIODIC = "periodic"  # 定期考核: every 3 years from establishment (R-ASM-4)
    REASSESSMENT = "reassessment"  # 整改后重新考核: at the end of rectification (R-ASM-5)


PANEL_SUBJECT: dict[AssessmentKind, PanelSubject] = {
    AssessmentKind.PERIODIC: PanelSubject.ASSESSMENT,
    AssessmentKind.REASSESSMENT: PanelSubject.REASSESSMENT,
}


class Grade(StrEnum):
    """R-ASM-4: the grades of an assessment."""

    EXCELLENT = "excellent"  # 优秀
    GOOD = "good"  # 良好
    PASS = "pass"  # noqa: S105 - a grade, not a password  # 合格
    FAIL = "fail"  # 不合格


class AssessmentStatus(StrEnum):
    OPEN = "open"  # 考核中: the panel is staffed and scores
    GRADED = "graded"  # 已评定: staff recorded the grade; the outcome move was made


@dataclass(frozen=True, slots=True)
class GradeBand:
    """Guidance shown beside a panel's result: results from ``lowest`` (inclusive, 0-100)
    usually earn ``grade``. Staff decide the grade; the bands only inform them."""

    grade: Grade
    lowest: Decimal
    name_zh: str
    name_en: str


# Design choice (the plan names the grades, not their thresholds): the province's customary
# 90 / 80 / 60 bands. Data, not logic: nothing grades by them.
GRADE_BANDS: tuple[GradeBand, ...] = (
    GradeBand(Grade.EXCELLENT, Decimal("90.00"), "优秀", "Excellent"),
    GradeBand(Grade.GOOD, Decimal("80.00"), "良好", "Good"),
    GradeBand(Grade.PASS, Decimal("60.00"), "合格", "Pass"),
    GradeBand(Grade.FAIL, Decimal("0.00"), "不合格", "Fail"),
)


def guidance_grade(result: Decimal) -> Grade:
    """The band a panel result (0-100) falls in (``GRADE_BANDS``): guidance for staff only."""
    for band in GRADE_BANDS:
        if result >= band.lowest:
            return band.grade
    return Grade.FAIL


def outcome_move(kind: AssessmentKind, grade: Grade) -> Move | None:
    """R-ASM-5: the centre move an assessment's grade makes, if any.

    A failed periodic assessment starts rectification; a re-assessment restores the centre when
    it passes (any grade but fail) and revokes it when it fails; a passed periodic assessment
    moves nothing."""
    if kind is AssessmentKind.PERIODIC:
        return Move.START_RECTIFICATION if grade is Grade.FAIL else None
    return Move.REVOKE if grade is Grade.FAIL else Move.PASS_REASSESSMENT


# The moves that happen only as an assessment's outcome, never as a bare move (R-ASM-5).
ASSESSMENT_MOVES = frozenset({Move.START_RECTIFICATION, Move.PASS_REASSESSMENT, Move.REVOKE})


class Assessment(Entity):
    # One assessment of one centre: the n-th periodic one (``cycle``), or the re-assessment
    # after the rectification that the cycle's failure opened (same ``cycle``).
    centre: fields.ForeignKeyRelation[Centre] = fields.ForeignKeyField(
        "models.Centre", related_name="assessments", on_delete=fields.RESTRICT
    )
    centre_id: UUID
    kind = fields.CharEnumField(AssessmentKind, max_length=16)
    cycle = fields.IntField()
    onsite_on = fields.DateField()  # the on-site assessment's day (UTC+8 calendar)
    status = fields.CharEnumField(AssessmentStatus, max_length=16, default=AssessmentStatus.OPEN)
    opened_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="opened_assessments", on_delete=fields.RESTRICT
    )
    opened_by_id: UUID
    grade = fields.CharEnumField(Grade, max_length=16, null=True)
    opinion = fields.TextField(default="")
    panel_result = fields.DecimalField(max_digits=6, decimal_places=2, null=True)
    graded_on = fields.DateField(null=True)  # UTC+8 calendar day the grade was recorded
    graded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="graded_assessments", null=True, on_delete=fields.RESTRICT
    )
    graded_by_id: UUID | None
    # Set when a periodic assessment fails: the day rectification ends and re-assessment is due.
    rectification_due = fields.DateField(null=True)

    SNAPSHOT = (
        "centre_id",
        "kind",
        "cycle",
        "onsite_on",
        "status",
        "grade",
        "opinion",
        "panel_result",
        "graded_on",
        "rectification_due",
    )

    class Meta:
        table = "assessment"
        unique_together = (("centre_id", "kind", "cycle"),)
        indexes = (("status",),)
        ordering = ["-onsite_on", "id"]

    @property
    def panel_subject(self) -> PanelSubject:
        return PANEL_SUBJECT[self.kind]
