"""The centre lifecycle as pure rules (RULES.md "Lifecycle", R-LIFE-1, R-CUL-2, R-CTR-4):
the move table, refused moves, required comments, the cultivation deadline and the
normalisation used to compare domain directions. No database is touched."""

from __future__ import annotations

from datetime import date
from itertools import product

import pytest

from models.assessments import ASSESSMENT_MOVES, AssessmentKind, Grade, outcome_move
from models.centres import CentreStatus as S
from models.lifecycle import (
    EDITABLE,
    LIVE,
    TABLE,
    Authority,
    CommentRequired,
    InvalidTransition,
    Move,
    apply,
    cultivation_deadline,
    normalise_direction,
)

# RULES.md "Lifecycle", written out independently of models.lifecycle:
# move -> (from-states, to-state, comment required).
# Comments: the table requires one to return; rejections, failing cultivation, starting a
# rectification and revoking are design choices ("a rejection always says why").
EXPECTED: dict[str, tuple[frozenset[str], str, bool]] = {
    "submit": (frozenset({"draft", "returned"}), "submitted", False),
    "recommend": (frozenset({"submitted"}), "recommended", False),
    "return": (frozenset({"submitted"}), "returned", True),
    "pass_formal_review": (frozenset({"recommended"}), "formal_review_passed", False),
    "reject_formal_review": (frozenset({"recommended"}), "rejected", True),
    "start_expert_review": (frozenset({"formal_review_passed"}), "expert_review", False),
    "list_for_cultivation": (frozenset({"expert_review"}), "cultivating", False),
    "reject_after_review": (frozenset({"expert_review"}), "rejected", True),
    "establish": (frozenset({"cultivating"}), "established", False),
    "fail_cultivation": (frozenset({"cultivating"}), "cultivation_failed", True),
    "start_rectification": (frozenset({"established"}), "rectifying", True),
    "pass_reassessment": (frozenset({"rectifying"}), "established", False),
    "revoke": (frozenset({"rectifying"}), "revoked", True),
}

# RULES.md "who" column: the lead enterprise submits, the city's bureau recommends or returns,
# provincial staff make every other move.
EXPECTED_AUTHORITY: dict[str, str] = {
    "submit": "lead",
    "recommend": "bureau",
    "return": "bureau",
} | {m: "province" for m in EXPECTED if m not in {"submit", "recommend", "return"}}
AUTHORITY_OF_WHO = {
    "lead": Authority.LEAD_ENTERPRISE,
    "bureau": Authority.CITY_BUREAU,
    "province": Authority.PROVINCE,
}

VALID = [(S(s), Move(m)) for m, (sources, _, _) in EXPECTED.items() for s in sorted(sources)]
INVALID = [(s, m) for s, m in product(S, Move) if s.value not in EXPECTED[m.value][0]]
NEEDS_COMMENT = [Move(m) for m, (_, _, needs) in EXPECTED.items() if needs]
NO_COMMENT_NEEDED = [Move(m) for m, (_, _, needs) in EXPECTED.items() if not needs]
BLANK_COMMENTS = ["", " ", "   ", "\t\n", "\u3000"]  # the last: an ideographic space


def _a_source(move: Move) -> S:
    return S(sorted(EXPECTED[move.value][0])[0])


def _words(move: Move) -> str:
    return move.value.replace("_", " ")


# --- the table ----------------------------------------------------------------------------


def test_lifecycle_table_has_exactly_the_moves_of_rules_md() -> None:
    assert {m.value for m in Move} == set(EXPECTED)
    assert {m.value for m in TABLE} == set(EXPECTED)


@pytest.mark.parametrize("move", list(Move), ids=str)
def test_lifecycle_table_row_matches_rules_md(move: Move) -> None:
    # given the row of RULES.md for this move
    sources, target, needs_comment = EXPECTED[move.value]
    # when we read the model's row
    step = TABLE[move]
    # then sources, target and the comment rule are exactly those of the spec
    assert {s.value for s in step.sources} == sources
    assert all(isinstance(s, S) for s in step.sources)
    assert step.target == S(target)
    assert isinstance(step.target, S)
    assert step.comment_required is needs_comment


@pytest.mark.parametrize("move", list(Move), ids=str)
def test_lifecycle_each_move_belongs_to_the_authority_named_in_rules_md(move: Move) -> None:
    assert TABLE[move].authority is AUTHORITY_OF_WHO[EXPECTED_AUTHORITY[move.value]]


def test_lifecycle_only_rejected_cultivation_failed_and_revoked_are_final() -> None:
    with_a_move_out = {s for step in TABLE.values() for s in step.sources}
    assert set(S) - with_a_move_out == {S.REJECTED, S.CULTIVATION_FAILED, S.REVOKED}


@pytest.mark.parametrize(("current", "move"), VALID, ids=str)
def test_lifecycle_every_move_of_the_table_is_applied(current: S, move: Move) -> None:
    # given a centre in a state the move starts from, and a comment
    # when the move is applied
    after = apply(current, move, "reason given")
    # then the centre is in the move's target state
    assert after is S(EXPECTED[move.value][1])


def test_lifecycle_resubmission_path_draft_submitted_returned_submitted() -> None:
    # given a draft the lead edits and submits
    assert S.DRAFT in EDITABLE
    status = apply(S.DRAFT, Move.SUBMIT, "")
    assert status is S.SUBMITTED
    assert status not in EDITABLE
    # when the bureau returns it with a comment
    status = apply(status, Move.RETURN, "材料不全，请补充财务审计报告")
    # then the lead may edit it again and resubmit, and the bureau can recommend it
    assert status is S.RETURNED
    assert status in EDITABLE
    status = apply(status, Move.SUBMIT, "")
    assert status is S.SUBMITTED
    assert apply(status, Move.RECOMMEND, "") is S.RECOMMENDED


def test_lifecycle_whole_path_from_draft_to_revoked() -> None:
    path = [
        (Move.SUBMIT, S.SUBMITTED),
        (Move.RECOMMEND, S.RECOMMENDED),
        (Move.PASS_FORMAL_REVIEW, S.FORMAL_REVIEW_PASSED),
        (Move.START_EXPERT_REVIEW, S.EXPERT_REVIEW),
        (Move.LIST_FOR_CULTIVATION, S.CULTIVATING),
        (Move.ESTABLISH, S.ESTABLISHED),
        (Move.START_RECTIFICATION, S.RECTIFYING),
        (Move.PASS_REASSESSMENT, S.ESTABLISHED),
        (Move.START_RECTIFICATION, S.RECTIFYING),
        (Move.REVOKE, S.REVOKED),
    ]
    status = S.DRAFT
    for move, expected in path:
        status = apply(status, move, "recorded reason")
        assert status is expected, move


def test_r_asm_5_the_rectification_moves_are_bound_to_assessment_outcomes() -> None:
    # the table above still has the three moves (the states exist), but only an assessment's
    # grade makes them (services/assessments.py grade_assessment; bare: refused, see
    # tests/test_assessments.py and tests/test_workflow.py)
    assert {Move.START_RECTIFICATION, Move.PASS_REASSESSMENT, Move.REVOKE} == ASSESSMENT_MOVES
    assert outcome_move(AssessmentKind.PERIODIC, Grade.FAIL) is Move.START_RECTIFICATION
    assert {outcome_move(AssessmentKind.PERIODIC, g) for g in Grade if g is not Grade.FAIL} == {
        None
    }
    assert outcome_move(AssessmentKind.REASSESSMENT, Grade.FAIL) is Move.REVOKE
    assert {outcome_move(AssessmentKind.REASSESSMENT, g) for g in Grade if g is not Grade.FAIL} == {
        Move.PASS_REASSESSMENT
    }


def test_lifecycle_editable_and_live_states() -> None:
    # the lead edits its application only while it is a draft or returned to it
    assert frozenset({S.DRAFT, S.RETURNED}) == EDITABLE
    # R-CTR-4 compares a new application with centres being cultivated or established
    assert frozenset({S.CULTIVATING, S.ESTABLISHED, S.RECTIFYING}) == LIVE


# --- R-LIFE-1: any other move is refused --------------------------------------------------


def test_r_life_1_the_refused_combinations_are_all_the_others() -> None:
    # 12 states x 13 moves, of which 14 (submit from two states, every other move from one)
    # are in the table: the parametrised test below must see the remaining 142.
    assert len(S) == 12
    assert len(Move) == 13
    assert len(VALID) == 14
    assert len(INVALID) == 12 * 13 - 14
    assert set(INVALID).isdisjoint(VALID)


@pytest.mark.parametrize(("current", "move"), INVALID, ids=str)
def test_r_life_1_any_other_move_is_refused_naming_the_current_state(
    current: S, move: Move
) -> None:
    allowed = sorted(
        m.upper() for m, (sources, _, _) in EXPECTED.items() if current.value in sources
    )
    # the comment makes no difference: a wrong state is refused with or without one
    for comment in ("a reason", ""):
        # when the move is applied from a state it does not start from
        with pytest.raises(InvalidTransition) as caught:
            apply(current, move, comment)
        # then the error names the move and the current state as the GraphQL enums spell them
        error = caught.value
        message = str(error)
        assert error.current is current
        assert error.move is move
        assert message.startswith(f"cannot {move.name} a centre that is {current.name}")
        # and lists what is possible from there (nothing from a final state)
        if allowed:
            assert message.endswith(
                f"; from {current.name} the possible moves are: {', '.join(allowed)}"
            )
        else:
            assert message == f"cannot {move.name} a centre that is {current.name}"


def test_r_life_1_refused_move_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="that is DRAFT"):
        apply(S.DRAFT, Move.ESTABLISH, "")


# --- comments ------------------------------------------------------------------------------


def test_comment_is_required_for_return_rejections_failure_rectification_and_revocation() -> None:
    assert {m.value for m in NEEDS_COMMENT} == {
        "return",
        "reject_formal_review",
        "reject_after_review",
        "fail_cultivation",
        "start_rectification",
        "revoke",
    }


@pytest.mark.parametrize("blank", BLANK_COMMENTS, ids=repr)
@pytest.mark.parametrize("move", NEEDS_COMMENT, ids=str)
def test_comment_required_blank_or_whitespace_comment_is_refused(move: Move, blank: str) -> None:
    # given a centre in a state the move starts from
    current = _a_source(move)
    # when the move is applied with a blank comment
    with pytest.raises(CommentRequired) as caught:
        apply(current, move, blank)
    # then it is refused, saying a comment is needed for this move
    assert str(caught.value) == f"a comment is required to {_words(move)}"
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("move", NEEDS_COMMENT, ids=str)
def test_comment_required_move_succeeds_with_a_comment(move: Move) -> None:
    current = _a_source(move)
    assert apply(current, move, "  理由：现场核查不合格  ") is S(EXPECTED[move.value][1])


@pytest.mark.parametrize("move", NO_COMMENT_NEEDED, ids=str)
def test_comment_is_optional_for_the_other_moves(move: Move) -> None:
    current = _a_source(move)
    assert apply(current, move, "") is S(EXPECTED[move.value][1])


# --- R-CUL-2: cultivation deadline --------------------------------------------------------


@pytest.mark.parametrize(
    ("listed_on", "deadline"),
    [
        (date(2024, 3, 15), date(2027, 3, 15)),
        (date(2021, 7, 26), date(2024, 7, 26)),
        (date(2026, 1, 1), date(2029, 1, 1)),
        (date(2026, 12, 31), date(2029, 12, 31)),
        (date(2025, 2, 28), date(2028, 2, 28)),  # into a leap year: still the 28th
        (date(2024, 2, 29), date(2027, 2, 28)),  # 29 February falls back to the 28th
        (date(2028, 2, 29), date(2031, 2, 28)),
        (date(2024, 3, 1), date(2027, 3, 1)),
    ],
    ids=str,
)
def test_r_cul_2_cultivation_deadline_is_three_years_after_listing(
    listed_on: date, deadline: date
) -> None:
    assert cultivation_deadline(listed_on) == deadline


# --- R-CTR-4: direction comparison --------------------------------------------------------


@pytest.mark.parametrize(
    ("variant", "normal"),
    [
        ("Intelligent Manufacturing", "intelligentmanufacturing"),
        ("INTELLIGENT-manufacturing!", "intelligentmanufacturing"),
        ("  intelligent   manufacturing.  ", "intelligentmanufacturing"),
        ("新能源汽车，动力电池", "新能源汽车动力电池"),
        ("新能源汽车、动力电池", "新能源汽车动力电池"),
        ("新能源汽车 动力电池。", "新能源汽车动力电池"),
        ("新能源汽车\u3000动力电池", "新能源汽车动力电池"),
        ("《新能源汽车》（动力电池）；“储能”：", "新能源汽车动力电池储能"),
        ("AI 芯片、Edge-Computing！", "ai芯片edgecomputing"),
        ("5G + 工业互联网", "5g工业互联网"),
    ],
    ids=repr,
)
def test_r_ctr_4_direction_ignores_case_spaces_and_punctuation(variant: str, normal: str) -> None:
    assert normalise_direction(variant) == normal


def test_r_ctr_4_same_direction_written_differently_compares_equal() -> None:
    writings = [
        "新能源汽车，动力电池",
        "新能源汽车、动力电池",
        "新能源汽车 动力电池",
        "新能源汽车\u3000动力电池",
        "新能源汽车-动力电池！",
    ]
    assert len({normalise_direction(w) for w in writings}) == 1


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("新能源汽车，动力电池", "新能源汽车，储能电池"),
        ("动力电池、新能源汽车", "新能源汽车、动力电池"),  # word order is meaning
        ("5G 工业互联网", "6G 工业互联网"),
        ("Class 1 bearings", "Class 2 bearings"),
        ("高端装备", "高端装备制造"),
    ],
    ids=repr,
)
def test_r_ctr_4_different_directions_stay_different(one: str, other: str) -> None:
    assert normalise_direction(one) != normalise_direction(other)


def test_r_cul_2_programme_dates_are_the_provinces_not_utc(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from datetime import UTC, datetime

    from models import base

    # given it is 23:30 UTC on 28 February 2027, which is 07:30 on 1 March in Nanning
    monkeypatch.setattr(base, "utcnow", lambda: datetime(2027, 2, 28, 23, 30, tzinfo=UTC))
    # then the programme's today is 1 March: a listing made now runs to 1 March 2030
    assert base.programme_today() == date(2027, 3, 1)
    assert cultivation_deadline(base.programme_today()) == date(2030, 3, 1)
