"""The demo's assessments (R-ASM-4, R-ASM-5): every grade on show, one centre rectifying with its
deadline ahead, one revoked after a failed re-assessment, and every rectification move in the
status history the outcome of a graded assessment."""

from __future__ import annotations

from demo import seed_demo
from models.assessment_calendar import assessment_allowed, province_date
from models.assessments import Assessment, AssessmentKind, AssessmentStatus, Grade, outcome_move
from models.base import programme_today
from models.centres import Centre, CentreStatus, CentreStatusEvent
from models.lifecycle import Move
from models.reviews import Review, ReviewStatus
from tests.helpers import Api
from tests.test_demo_seed import DEMO_PASSWORD

TO_STATUS = {
    CentreStatus.RECTIFYING: Move.START_RECTIFICATION,
    CentreStatus.REVOKED: Move.REVOKE,
}


async def test_r_asm_5_the_demo_rectifies_and_revokes_only_through_assessments(api: Api) -> None:
    # given the seeded demo
    await seed_demo(DEMO_PASSWORD)
    rows = await Assessment.all()
    # then every grade is on show, each graded with its finalised panel and a result in band
    assert {r.grade for r in rows} == set(Grade)
    for row in rows:
        centre = await Centre.get(id=row.centre_id)
        panel = await Review.get(subject_type=row.panel_subject, subject_id=row.id)
        assert row.status is AssessmentStatus.GRADED and panel.status is ReviewStatus.FINALISED
        assert row.panel_result == panel.result and panel.expert_count == 3
        assert assessment_allowed(centre.established_on, row.onsite_on)  # R-ASM-1
        assert row.graded_on is not None and row.graded_on < programme_today()
    # and the rectifying centre's deadline is ahead
    rectifying = await Centre.get(status=CentreStatus.RECTIFYING)
    failed = await Assessment.get(centre_id=rectifying.id, grade=Grade.FAIL)
    assert failed.rectification_due is not None and failed.rectification_due > programme_today()
    # and the revoked centre failed a periodic assessment and then its re-assessment
    revoked = await Centre.get(status=CentreStatus.REVOKED)
    kinds = {
        (r.kind, r.grade)
        for r in await Assessment.filter(centre_id=revoked.id)
        if r.grade is Grade.FAIL
    }
    assert kinds == {
        (AssessmentKind.PERIODIC, Grade.FAIL),
        (AssessmentKind.REASSESSMENT, Grade.FAIL),
    }
    # and every rectification move in a status history is an assessment's outcome, that day
    events = await CentreStatusEvent.filter(
        to_status__in=[CentreStatus.RECTIFYING, CentreStatus.REVOKED]
    )
    assert len(events) == 3  # two rectifications, one revocation
    for event in events:
        day = province_date(event.created_at)
        outcome = [
            r
            for r in rows
            if r.centre_id == event.centre_id
            and r.graded_on == day
            and r.grade is not None
            and outcome_move(r.kind, r.grade) is TO_STATUS[event.to_status]
        ]
        assert len(outcome) == 1, event.to_status
        assert outcome[0].opinion in event.comment
