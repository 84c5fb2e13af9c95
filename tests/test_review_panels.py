"""The expert panel as one mechanism over a subject and a criteria set (R-REV-1…5).

The selection review is one ``PanelKind``; here the pieces moved into ``models/`` and
``services/`` are proved on their own, and a second, test-only kind (a two-criterion panel over
an established centre) goes through the whole mechanism by calling the services directly:
assigning with conflicts checked, blind scoring, the trimmed mean of five experts, frozen scores.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from models.accounts import RoleName, User
from models.audit import AuditEntry
from models.centres import Centre, CentreStatus
from models.reference import Organisation
from models.reviews import (
    CRITERIA,
    CRITERIA_SETS,
    SELECTION_CRITERIA,
    Criterion,
    InvalidCriteria,
    InvalidScore,
    PanelSubject,
    Review,
    ReviewAssignment,
    ReviewStatus,
    Score,
    check_criteria,
    check_score,
    scores_digest,
    weighted_total,
)
from policies import scopes
from services import panel, panel_scoring
from services.actor import Actor
from services.errors import BadInput, InvalidMove, NotFound
from services.panel import PanelKind, Window, in_conflict, scores_evidence
from services.reviews import SELECTION, distinct_organisation_ids
from tests.helpers import Api, World

D = Decimal
PAIR = "test_pair"  # the test-only criteria set
PAIR_CRITERIA = (
    Criterion("depth", "深度", "Depth", D("0.60")),
    Criterion("reach", "广度", "Reach", D("0.40")),
)
OPEN_WHILE_ESTABLISHED = frozenset({CentreStatus.ESTABLISHED})


@dataclass(frozen=True)
class Mark:
    """A score as the services take it (``ScoreTerms``)."""

    criterion: str
    score: Decimal
    comment: str = ""


def _actor(user: User) -> Actor:
    # Built as schema.context.Context builds the request's Actor from a verified token.
    return Actor(user_id=user.id, token_version=user.token_version, request_id="test")


def _trial_kind(subjects: dict[UUID, UUID]) -> PanelKind:
    """A panel kind that exists only in these tests: subject -> centre from ``subjects``."""

    async def centre_of(subject: UUID) -> UUID | None:
        return subjects.get(subject)

    return PanelKind(
        subject_type=PanelSubject.ASSESSMENT,
        criteria_set=PAIR,
        centre_of=centre_of,
        subject="trial",
        assigning=Window(OPEN_WHILE_ESTABLISHED, "trial experts join established centres"),
        unassigning=Window(OPEN_WHILE_ESTABLISHED, "trial experts leave established centres"),
        scoring=Window(OPEN_WHILE_ESTABLISHED, "trials are scored while {status}"),
        finalising=Window(OPEN_WHILE_ESTABLISHED, "trials are finalised while {status}"),
        audit="trial_panel",
    )


@pytest.fixture
def pair_set() -> Iterator[None]:
    CRITERIA_SETS[PAIR] = check_criteria(PAIR_CRITERIA)
    yield
    del CRITERIA_SETS[PAIR]


# --- R-REV-2: criteria sets are data ---------------------------------------------------------


def test_r_rev_2_the_selection_set_is_the_six_conditions_and_the_selection_panels() -> None:
    # given the registered criteria sets, then the selection set is today's six criteria
    assert CRITERIA_SETS[SELECTION_CRITERIA] == CRITERIA
    assert len(CRITERIA) == 6
    # and the selection panel scores on it
    assert SELECTION.subject_type is PanelSubject.SELECTION
    assert SELECTION.criteria == CRITERIA


@pytest.mark.parametrize(
    "criteria",
    [
        (),
        (Criterion("a", "甲", "A", D("0.50")), Criterion("a", "乙", "B", D("0.50"))),
        (Criterion("a", "甲", "A", D("0.50")), Criterion("b", "乙", "B", D("0.49"))),
        (Criterion("a", "甲", "A", D("1.10")), Criterion("b", "乙", "B", D("-0.10"))),
        (Criterion("x" * 33, "甲", "A", D("1")),),
        (Criterion("", "甲", "A", D("1")),),
    ],
)
def test_r_rev_2_a_criteria_set_has_distinct_codes_and_positive_weights_summing_to_one(
    criteria: tuple[Criterion, ...],
) -> None:
    # when a set that cannot be scored is checked, then it is refused
    with pytest.raises(InvalidCriteria):
        check_criteria(criteria)


def test_r_rev_2_check_score_knows_only_the_criteria_of_the_set_given() -> None:
    # given the two-criterion set, then its own criteria are accepted
    check_score("depth", D("87.5"), PAIR_CRITERIA)  # no InvalidScore
    # and a selection criterion is unknown to it, with the set's codes named
    with pytest.raises(InvalidScore, match=r"^unknown criterion 'core_function'; use one of "):
        check_score("core_function", D("80"), PAIR_CRITERIA)
    # and the bounds are the same for every set
    with pytest.raises(InvalidScore, match=r"^reach: a score is between 0 and 100$"):
        check_score("reach", D("100.01"), PAIR_CRITERIA)


def test_r_rev_4_weighted_total_weighs_the_criteria_of_the_set_given() -> None:
    # given depth 70.5 and reach 80: 0.60 x 70.5 + 0.40 x 80 = 42.30 + 32.00 = 74.30
    total = weighted_total({"depth": D("70.5"), "reach": D("80")}, PAIR_CRITERIA)
    assert total == D("74.30") and total.as_tuple().exponent == -2
    # and a set's missing criterion is named
    with pytest.raises(InvalidScore, match=r"^not every criterion is scored: reach$"):
        weighted_total({"depth": D("70")}, PAIR_CRITERIA)


# --- R-REV-1 / R-REV-3: the checks moved into services ----------------------------------------


def test_r_rev_1_in_conflict_names_each_expert_with_the_reason() -> None:
    # given an alliance, one expert from a member, one who declared the lead, one unrelated
    lead, member = uuid4(), uuid4()
    inside = User(id=uuid4(), username="a", organisation_id=member, declared_conflicts=[])
    declared = User(id=uuid4(), username="b", organisation_id=None, declared_conflicts=[str(lead)])
    free = User(id=uuid4(), username="c", organisation_id=uuid4(), declared_conflicts=[])
    # when checked, then exactly the two are in conflict, each with its reason
    found = in_conflict([inside, declared, free], [lead, member])
    assert set(found) == {inside.id, declared.id}
    assert "organisation is the lead or a member" in found[inside.id]
    assert "declared a conflict" in found[declared.id]


def test_r_rev_1_declared_organisations_are_distinct_ids_at_most_100() -> None:
    # given ids spelt in several ways, then each is kept once, in the order given
    first, second = uuid4(), uuid4()
    assert distinct_organisation_ids([str(first), str(second), str(first).upper()]) == [
        first,
        second,
    ]
    # and anything that is no id, or more than 100 organisations, is the caller's error
    with pytest.raises(BadInput, match=r"organisationIds\[1\] is not an organisation id"):
        distinct_organisation_ids([str(first), "nope"])
    with pytest.raises(BadInput, match="at most 100"):
        distinct_organisation_ids([str(uuid4()) for _ in range(101)])


def test_r_rev_3_the_scores_evidence_is_criteria_and_digest_never_values() -> None:
    # given an expert's scores and comments
    assignment = uuid4()
    values = {"reach": (D("91.25"), "秘密"), "depth": (D("64.50"), "")}
    # when the audit log's evidence is made
    evidence = scores_evidence(assignment, values)
    # then it names the criteria and proves the values by the digest, and holds nothing else
    assert evidence == {
        "criteria": ["depth", "reach"],
        "digest": scores_digest(assignment, values),
    }
    assert "91.25" not in json.dumps(evidence) and "秘密" not in json.dumps(evidence)
    assert scores_evidence(assignment, {}) is None


def test_r_rev_1_a_window_refuses_steps_outside_its_centre_states() -> None:
    # given a centre still under formal review and one in expert review
    recommended = Centre(status=CentreStatus.RECOMMENDED)
    in_review = Centre(status=CentreStatus.EXPERT_REVIEW)
    # then the selection review assigns only after formal review, naming the state
    with pytest.raises(InvalidMove) as refused:
        SELECTION.assigning.check(recommended)
    assert refused.value.message == (
        "experts are assigned after formal review; the centre is RECOMMENDED"
    )
    assert refused.value.details == {"currentStatus": "RECOMMENDED"}
    SELECTION.assigning.check(in_review)  # no InvalidMove
    SELECTION.finalising.check(in_review)


# --- the mechanism over a second kind of panel -----------------------------------------------


@dataclass
class Trial:
    kind: PanelKind
    subject: UUID
    centre: Centre
    staff: User
    experts: list[User]
    conflicted: User


@pytest.fixture
async def trial(world: World, pair_set: None) -> Trial:
    lead, member = await world.organisation("450200"), await world.organisation("450300")
    centre = await world.centre(lead, members=[member], status=CentreStatus.ESTABLISHED)
    subject = uuid4()
    staff = await world.user(RoleName.PROVINCIAL_STAFF)
    experts = []
    for _ in range(6):
        institute: Organisation = await world.organisation("450100")
        experts.append(await world.user(RoleName.EXPERT, organisation=institute))
    conflicted = experts.pop()
    conflicted.declared_conflicts = [str(member.id)]
    await conflicted.save(update_fields=["declared_conflicts"])
    return Trial(_trial_kind({subject: centre.id}), subject, centre, staff, experts, conflicted)


async def test_r_rev_4_a_second_panel_kind_assigns_scores_blind_trims_and_freezes(
    trial: Trial,
) -> None:
    kind, subject, staff = trial.kind, trial.subject, _actor(trial.staff)
    # given an established centre that already has its finalised selection review
    selection = await Review.create(
        centre_id=trial.centre.id, status=ReviewStatus.FINALISED, result=D("80.00")
    )
    assert (selection.subject_type, selection.subject_id) == (
        PanelSubject.SELECTION,
        trial.centre.id,
    )
    # when staff assign an expert who declared a conflict with an alliance member (R-REV-1)
    with pytest.raises(BadInput, match="declared a conflict"):
        await panel.assign_expert(kind, staff, subject, trial.conflicted.id)
    # and five experts without a conflict
    for expert in trial.experts:
        opened = await panel.assign_expert(kind, staff, subject, expert.id)
    # then the trial panel is a second panel of the centre, on the two-criterion set
    assert opened.id != selection.id and opened.centre_id == trial.centre.id
    assert (opened.subject_type, opened.subject_id) == (PanelSubject.ASSESSMENT, subject)
    assert opened.criteria_set == PAIR and opened.expert_count == 5
    # when each expert scores only the trial's criteria (a selection criterion is unknown)
    first = _actor(trial.experts[0])
    with pytest.raises(BadInput, match="unknown criterion 'core_function'"):
        await panel_scoring.submit_scores(kind, first, subject, [Mark("core_function", D(80))])
    # totals: 0.6 x depth + 0.4 x reach = 50, 74, 78, 82, 100
    marks = [(50, 50), (70, 80), (90, 60), (80, 85), (100, 100)]
    for expert, (depth, reach) in zip(trial.experts, marks, strict=True):
        scored = [Mark("depth", D(depth), "d"), Mark("reach", D(reach))]
        await panel_scoring.submit_scores(kind, _actor(expert), subject, scored)
    # then scoring was blind: each expert's scope holds their own two scores and nothing else
    for expert, (depth, _) in zip(trial.experts, marks, strict=True):
        own = await scopes.own_scores(await _actor(expert).authz())
        assert sorted(s.criterion for s in own) == ["depth", "reach"]
        assert {s.score for s in own if s.criterion == "depth"} == {D(depth)}
    # and an expert on no panel of the centre cannot score it
    with pytest.raises(NotFound):
        await panel_scoring.submit_scores(
            kind, _actor(trial.conflicted), subject, [Mark("depth", D(1))]
        )
    # when staff finalise, then the result is the mean trimmed of 50 and 100: 234 / 3 = 78.00
    done = await panel_scoring.finalise(kind, staff, subject, "现场核验", "通过")
    assert done.status is ReviewStatus.FINALISED and done.result == D("78.00")
    assert done.finalised_by_id == trial.staff.id and done.expert_count == 5
    # and the scores are frozen: no more scores, experts or finalising
    before = sorted((s.assignment_id, s.criterion, s.score) for s in await Score.all())
    with pytest.raises(InvalidMove, match="scores are frozen"):
        await panel_scoring.submit_scores(kind, first, subject, [Mark("depth", D(99))])
    with pytest.raises(InvalidMove, match="frozen"):
        await panel.unassign_expert(kind, staff, subject, trial.experts[0].id)
    with pytest.raises(InvalidMove, match="already finalised"):
        await panel_scoring.finalise(kind, staff, subject, "现场核验", "通过")
    assert sorted((s.assignment_id, s.criterion, s.score) for s in await Score.all()) == before
    # and the selection review was not touched
    assert (await Review.get(id=selection.id)).result == D("80.00")
    # and the audit log names the kind's steps and keeps no score value
    entries = await AuditEntry.filter(action__startswith="trial_panel.").order_by("seq")
    assert [e.action for e in entries] == ["trial_panel.assign"] * 5 + ["trial_panel.score"] * 5 + [
        "trial_panel.finalise"
    ]
    assert {e.object_id for e in entries} == {str(done.id)}
    assert all(set(e.after) == {"criteria", "digest", "changed"} for e in entries[5:10])
    assert entries[-1].after == {"result": "78.00", "experts": 5}


async def test_r_rev_1_a_withdrawn_expert_of_any_kind_comes_back_with_the_same_assignment(
    trial: Trial,
) -> None:
    kind, subject, staff = trial.kind, trial.subject, _actor(trial.staff)
    # given an expert who scored on the trial panel and was then withdrawn
    expert = trial.experts[0]
    await panel.assign_expert(kind, staff, subject, expert.id)
    await panel_scoring.submit_scores(kind, _actor(expert), subject, [Mark("depth", D(60))])
    withdrawn = await panel.unassign_expert(kind, staff, subject, expert.id)
    assert withdrawn.expert_count == 0
    entry = await AuditEntry.get(action="trial_panel.unassign")
    assert set(entry.before["scores"]) == {"criteria", "digest"}
    # when assigned again, then the same assignment is live again with its score
    back = await panel.assign_expert(kind, staff, subject, expert.id)
    rows = await ReviewAssignment.filter(expert_id=expert.id)
    assert [r.withdrawn_at for r in rows] == [None] and back.expert_count == 1
    assert await Score.filter(assignment_id=rows[0].id).count() == 1


async def test_r_rev_1_an_unknown_subject_of_a_kind_is_not_found(trial: Trial) -> None:
    # when staff assign to a subject the kind does not know, or to no id at all
    for subject in (uuid4(), "not-an-id"):
        with pytest.raises(NotFound, match=r"^trial not found$"):
            await panel.assign_expert(trial.kind, _actor(trial.staff), subject, trial.experts[0].id)
    # then no panel was opened
    assert not await Review.filter(subject_type=PanelSubject.ASSESSMENT).exists()


CENTRE_REVIEW = """query($id: ID!) { centre(id: $id) { review { status result expertCount
  criteria { code } expertScores { weightedTotal } } } }"""


async def test_r_rev_5_a_centres_review_is_its_selection_review_whatever_other_panels_exist(
    api: Api, world: World, trial: Trial
) -> None:
    kind, subject, staff = trial.kind, trial.subject, _actor(trial.staff)
    token = world.token(trial.staff)
    # given a centre with only a trial panel, then it has no (selection) review
    for expert in trial.experts[:3]:
        await panel.assign_expert(kind, staff, subject, expert.id)
    data = await api.ok(CENTRE_REVIEW, {"id": str(trial.centre.id)}, token=token)
    assert data["centre"]["review"] is None
    # when its selection review exists too, then that one is the centre's review
    await Review.create(centre_id=trial.centre.id, status=ReviewStatus.FINALISED, result=D("80.00"))
    data = await api.ok(CENTRE_REVIEW, {"id": str(trial.centre.id)}, token=token)
    review = data["centre"]["review"]
    assert review["result"] == "80.00" and review["expertCount"] == 0
    assert [c["code"] for c in review["criteria"]] == [c.code for c in CRITERIA]
    assert review["expertScores"] == []  # the trial panel's experts are not the review's
