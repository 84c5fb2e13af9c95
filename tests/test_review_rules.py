"""Expert review as pure rules (RULES.md "Expert review"): the six weighted criteria and score
bounds (R-REV-2), an expert's weighted total, the (trimmed) mean that finalising records
(R-REV-4) and conflicts of interest (R-REV-1). All arithmetic is Decimal; no database."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from models.reviews import (
    CRITERIA,
    MIN_EXPERTS,
    TRIM_FROM,
    InvalidScore,
    aggregate,
    check_score,
    conflict_of_interest,
    weighted_total,
)

CODES = [
    "innovation_resources",
    "core_function",
    "collaboration",
    "market_operation",
    "transfer_channels",
    "industry_driving",
]


D = Decimal  # reads like a literal: D("80.00")


def _two_places(value: Decimal) -> bool:
    return isinstance(value, Decimal) and value.as_tuple().exponent == -2


def _scores(**overrides: str) -> dict[str, Decimal]:
    """Every criterion at 80, some changed."""
    return {code: D(overrides.get(code, "80")) for code in CODES}


# --- R-REV-2: criteria, weights and score bounds ------------------------------------------


def test_r_rev_2_six_criteria_follow_the_six_selection_conditions() -> None:
    assert [c.code for c in CRITERIA] == CODES
    assert [c.name_en.casefold() for c in CRITERIA] == [
        "innovation resource base",
        "core function",
        "collaboration mechanism",
        "market operation model",
        "transfer and application channels",
        "industry driving effect",
    ]
    assert all(c.name_zh for c in CRITERIA)


def test_r_rev_2_weights_are_positive_decimals_summing_to_exactly_one() -> None:
    assert all(isinstance(c.weight, Decimal) for c in CRITERIA)
    assert all(c.weight > 0 for c in CRITERIA)
    assert sum((c.weight for c in CRITERIA), Decimal(0)) == D("1.00")


@pytest.mark.parametrize("score", ["0", "0.00", "0.01", "87.5", "87.50", "99.99", "100"])
@pytest.mark.parametrize("criterion", CODES)
def test_r_rev_2_check_score_accepts_0_to_100_with_two_places(criterion: str, score: str) -> None:
    assert check_score(criterion, D(score)) is None


@pytest.mark.parametrize("score", ["-0.01", "-1", "-100", "100.01", "101", "1000", "Infinity"])
def test_r_rev_2_check_score_refuses_outside_0_to_100(score: str) -> None:
    with pytest.raises(InvalidScore, match=r"^core_function: a score is between 0 and 100$"):
        check_score("core_function", D(score))


@pytest.mark.parametrize("score", ["87.505", "0.001", "99.999", "50.125"])
def test_r_rev_2_check_score_refuses_three_decimal_places(score: str) -> None:
    with pytest.raises(InvalidScore, match=r"^collaboration: a score has at most two decimal"):
        check_score("collaboration", D(score))


@pytest.mark.parametrize("criterion", ["innovation", "", "Core_Function", "core function"])
def test_r_rev_2_check_score_refuses_an_unknown_criterion(criterion: str) -> None:
    with pytest.raises(InvalidScore) as caught:
        check_score(criterion, D("80"))
    message = str(caught.value)
    assert message.startswith(f"unknown criterion {criterion!r}")
    assert all(code in message for code in CODES)


@pytest.mark.parametrize("score", ["NaN", "sNaN"])
def test_r_rev_2_check_score_refuses_not_a_number(score: str) -> None:
    with pytest.raises(InvalidScore):
        check_score("core_function", D(score))


# --- R-REV-2 / R-REV-4: an expert's weighted total -----------------------------------------


def test_r_rev_4_weighted_total_is_the_exact_weighted_sum() -> None:
    # given one expert's scores
    scores = {
        "innovation_resources": D("88.5"),
        "core_function": D("92.25"),
        "collaboration": D("76"),
        "market_operation": D("81.4"),
        "transfer_channels": D("69.9"),
        "industry_driving": D("73.3"),
    }
    # when the total is computed, by hand:
    #   0.20 x 88.50 = 17.700
    #   0.20 x 92.25 = 18.450
    #   0.15 x 76.00 = 11.400
    #   0.15 x 81.40 = 12.210
    #   0.15 x 69.90 = 10.485
    #   0.15 x 73.30 = 10.995
    #   sum          = 81.240 -> 81.24
    total = weighted_total(scores)
    # then
    assert total == D("81.24")
    assert _two_places(total)


def test_r_rev_4_weighted_total_of_round_scores_has_two_places() -> None:
    # 0.20 x 90 + 0.20 x 85 + 0.15 x (80 + 75 + 70 + 60) = 18 + 17 + 42.75 = 77.75
    total = weighted_total(
        {
            "innovation_resources": D("90"),
            "core_function": D("85"),
            "collaboration": D("80"),
            "market_operation": D("75"),
            "transfer_channels": D("70"),
            "industry_driving": D("60"),
        }
    )
    assert str(total) == "77.75"
    assert _two_places(weighted_total(_scores()))
    assert str(weighted_total(_scores())) == "80.00"


def test_r_rev_4_weighted_total_rounds_half_up_at_the_end() -> None:
    # given innovation_resources 80.05 and collaboration 80.10, everything else 80:
    #   0.20 x 80.05 = 16.010
    #   0.20 x 80.00 = 16.000
    #   0.15 x 80.10 = 12.015
    #   0.15 x 80.00 x 3 = 36.000
    #   sum          = 80.025 -> 80.03 half-up (half-even or truncation would give 80.02)
    total = weighted_total(_scores(innovation_resources="80.05", collaboration="80.10"))
    assert total == D("80.03")
    assert _two_places(total)


def test_r_rev_4_weighted_total_rounds_down_below_the_half() -> None:
    # collaboration 80.01, the rest 80: 68.00 + 0.15 x 80.01 = 68.00 + 12.0015 = 80.0015 -> 80.00
    assert str(weighted_total(_scores(collaboration="80.01"))) == "80.00"
    # collaboration 80.03: 68.00 + 12.0045 = 80.0045 -> 80.00 (rounded once, at the end)
    assert str(weighted_total(_scores(collaboration="80.03"))) == "80.00"


@pytest.mark.parametrize("missing", CODES)
def test_r_rev_4_weighted_total_refuses_a_missing_criterion(missing: str) -> None:
    scores = _scores()
    del scores[missing]
    with pytest.raises(InvalidScore, match=rf"^not every criterion is scored: {missing}$"):
        weighted_total(scores)


def test_r_rev_4_weighted_total_names_every_missing_criterion() -> None:
    with pytest.raises(InvalidScore) as caught:
        weighted_total({})
    assert str(caught.value) == f"not every criterion is scored: {', '.join(CODES)}"


def test_r_rev_4_weighted_total_takes_no_float() -> None:
    scores: dict[str, object] = {code: 80.0 for code in CODES}
    with pytest.raises(TypeError):
        weighted_total(scores)  # type: ignore[arg-type]


# --- R-REV-4: aggregating the experts' totals ----------------------------------------------


def test_r_rev_4_thresholds() -> None:
    assert MIN_EXPERTS == 3
    assert TRIM_FROM == 5


def test_r_rev_4_plain_mean_with_three_experts() -> None:
    # (72.50 + 80.00 + 90.10) / 3 = 242.60 / 3 = 80.8666... -> 80.87
    result = aggregate([D("90.10"), D("72.50"), D("80.00")])
    assert result == D("80.87")
    assert _two_places(result)


def test_r_rev_4_plain_mean_with_four_experts() -> None:
    # (60 + 70 + 80 + 95) / 4 = 305 / 4 = 76.25; a trimmed mean would be (70 + 80) / 2 = 75.00
    result = aggregate([D("95.00"), D("60.00"), D("80.00"), D("70.00")])
    assert result == D("76.25")
    assert _two_places(result)


def test_r_rev_4_trimmed_mean_with_five_or_more_experts() -> None:
    # given five totals, the lowest 10.00 and the highest 99.00
    totals = [D("80.00"), D("10.00"), D("99.00"), D("75.00"), D("70.00")]
    # when aggregated: (70 + 75 + 80) / 3 = 225 / 3 = 75.00
    # (the plain mean would be 334 / 5 = 66.80)
    result = aggregate(totals)
    # then exactly one highest and one lowest were dropped
    assert result == D("75.00")
    assert _two_places(result)


def test_r_rev_4_trimmed_mean_with_six_experts() -> None:
    # drop 60 and 100: (65 + 70 + 75 + 80) / 4 = 290 / 4 = 72.50 (plain mean: 450 / 6 = 75.00)
    assert aggregate([D(t) for t in ("100", "65", "80", "60", "75", "70")]) == D("72.50")


def test_r_rev_4_trimmed_mean_with_ties_at_the_extremes_drops_only_one_of_each() -> None:
    # given seven totals with two lowest at 50 and two highest at 95
    totals = [D(t) for t in ("95.00", "50.00", "80.00", "95.00", "70.00", "50.00", "90.00")]
    # when aggregated: drop one 50 and one 95 -> (50 + 70 + 80 + 90 + 95) / 5 = 385 / 5 = 77.00
    # (dropping every tie would give 240 / 3 = 80.00; the plain mean is 530 / 7 = 75.71)
    result = aggregate(totals)
    assert result == D("77.00")
    assert _two_places(result)


def test_r_rev_4_all_equal_totals_aggregate_to_that_total() -> None:
    assert str(aggregate([D("80")] * 5)) == "80.00"
    assert str(aggregate([D("80")] * 3)) == "80.00"


@pytest.mark.parametrize("count", [0, 1, 2])
def test_r_rev_4_fewer_than_three_experts_is_refused(count: int) -> None:
    with pytest.raises(InvalidScore, match=r"^a review needs at least 3 experts' totals$"):
        aggregate([D("80.00")] * count)


def test_r_rev_4_mean_rounds_half_up_to_two_places() -> None:
    # (80.00 + 80.00 + 80.00 + 80.50) / 4 = 320.50 / 4 = 80.125 -> 80.13 (half-even: 80.12)
    result = aggregate([D("80.00"), D("80.00"), D("80.00"), D("80.50")])
    assert result == D("80.13")
    assert _two_places(result)
    # (80.00 + 80.00 + 80.37) / 3 = 240.37 / 3 = 80.1233... -> 80.12
    assert aggregate([D("80.00"), D("80.00"), D("80.37")]) == D("80.12")
    # trimmed: drop 0 and 100 -> (79.00 + 80.00 + 81.00 + 80.50) / 4 = 320.50 / 4 = 80.125 -> 80.13
    trimmed = aggregate([D(t) for t in ("0", "79.00", "80.00", "81.00", "80.50", "100")])
    assert trimmed == D("80.13")


def test_r_rev_4_aggregate_accepts_any_iterable_and_stays_decimal() -> None:
    result = aggregate(t for t in (D("70.00"), D("80.00"), D("90.00")))
    assert type(result) is Decimal
    assert str(result) == "80.00"


def test_r_rev_4_aggregate_takes_no_float() -> None:
    with pytest.raises(TypeError):
        aggregate([70.0, 80.0, 90.0])  # type: ignore[list-item]


# --- R-REV-1: conflicts of interest ---------------------------------------------------------

ORGANISATION_REASON = "the expert's organisation is the lead or a member of the centre's alliance"
DECLARED_REASON = "the expert declared a conflict with an organisation of the centre's alliance"


@pytest.fixture
def alliance() -> tuple[UUID, UUID]:
    return uuid4(), uuid4()  # lead, member


def test_r_rev_1_expert_from_the_lead_organisation_is_in_conflict(
    alliance: tuple[UUID, UUID],
) -> None:
    lead, _ = alliance
    assert conflict_of_interest(lead, [], alliance) == ORGANISATION_REASON


def test_r_rev_1_expert_from_a_member_organisation_is_in_conflict(
    alliance: tuple[UUID, UUID],
) -> None:
    _, member = alliance
    assert conflict_of_interest(member, [], iter(alliance)) == ORGANISATION_REASON


def test_r_rev_1_declared_conflict_with_a_member_is_a_conflict(
    alliance: tuple[UUID, UUID],
) -> None:
    # given an expert from an unrelated organisation who declared the member (as a str UUID)
    _, member = alliance
    # when checked
    reason = conflict_of_interest(uuid4(), [str(uuid4()), str(member)], alliance)
    # then the declaration is the reason
    assert reason == DECLARED_REASON


def test_r_rev_1_declared_conflict_matches_however_the_uuid_is_spelt(
    alliance: tuple[UUID, UUID],
) -> None:
    lead, _ = alliance
    assert conflict_of_interest(None, [str(lead).upper()], alliance) == DECLARED_REASON
    assert conflict_of_interest(None, [lead.hex], alliance) == DECLARED_REASON


def test_r_rev_1_own_organisation_is_reported_before_a_declaration(
    alliance: tuple[UUID, UUID],
) -> None:
    lead, member = alliance
    assert conflict_of_interest(lead, [str(member)], alliance) == ORGANISATION_REASON


def test_r_rev_1_unrelated_expert_has_no_conflict(alliance: tuple[UUID, UUID]) -> None:
    assert conflict_of_interest(uuid4(), [str(uuid4()), str(uuid4())], alliance) is None


def test_r_rev_1_expert_without_organisation_or_declarations_has_no_conflict(
    alliance: tuple[UUID, UUID],
) -> None:
    assert conflict_of_interest(None, [], alliance) is None


def test_r_rev_1_empty_alliance_has_no_conflict() -> None:
    organisation = uuid4()
    assert conflict_of_interest(organisation, [str(organisation)], []) is None
