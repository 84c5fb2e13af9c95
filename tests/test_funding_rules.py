"""The funding arithmetic as pure rules (R-FUND-1…4): the cap, the two instalments, the national
plan's bounds and exact money, with property tests over the whole range of amounts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.funding import (
    NATIONAL_MINIMUM_FEN,
    NATIONAL_TALENT_MAXIMUM_FEN,
    SUBSIDY_CAP_FEN,
    national_plan_problem,
    split_instalments_fen,
    subsidy_cap_fen,
)
from models.money import MAX_FEN, NotAnAmount, to_cny, to_fen

FEN = st.integers(min_value=1, max_value=MAX_FEN)


def test_r_fund_1_the_cap_is_exactly_half_up_to_ten_million() -> None:
    # given total investments around the point where half reaches 10,000,000.00
    # then below it the cap is exactly half, from it on exactly 10,000,000.00
    assert subsidy_cap_fen(to_fen(Decimal("19999999.98"))) == to_fen(Decimal("9999999.99"))
    assert subsidy_cap_fen(to_fen(Decimal("20000000.00"))) == to_fen(Decimal("10000000.00"))
    assert subsidy_cap_fen(to_fen(Decimal("20000000.02"))) == SUBSIDY_CAP_FEN
    assert subsidy_cap_fen(to_fen(Decimal("500000000.00"))) == SUBSIDY_CAP_FEN


def test_r_fund_1_half_of_an_odd_fen_is_rounded_down() -> None:
    # given an investment of an odd number of fen, then the cap never exceeds half of it
    assert subsidy_cap_fen(3) == 1
    assert subsidy_cap_fen(to_fen(Decimal("12345.67"))) == to_fen(Decimal("6172.83"))
    assert subsidy_cap_fen(0) == 0


@given(FEN)
def test_r_fund_1_the_cap_never_exceeds_half_nor_ten_million(total: int) -> None:
    cap = subsidy_cap_fen(total)
    assert 0 <= cap <= SUBSIDY_CAP_FEN
    assert 2 * cap <= total
    assert cap == SUBSIDY_CAP_FEN or total - 2 * cap in (0, 1)  # exactly half, to the fen


def test_r_fund_4_an_odd_fen_approved_amount_is_split_exactly() -> None:
    # given 1,000,000.01 approved, then 500,000.00 and 500,000.01: the second carries the fen
    first, second = split_instalments_fen(to_fen(Decimal("1000000.01")))
    assert (to_cny(first), to_cny(second)) == (Decimal("500000.00"), Decimal("500000.01"))
    assert split_instalments_fen(1) == (0, 1)
    assert split_instalments_fen(to_fen(Decimal("0.03"))) == (1, 2)


@given(FEN)
def test_r_fund_2_instalments_add_up_to_the_approved_amount(approved: int) -> None:
    first, second = split_instalments_fen(approved)
    assert first + second == approved
    assert second - first in (0, 1)


def test_r_fund_3_the_plan_bounds() -> None:
    # given plans at and just across each bound
    ok = national_plan_problem(NATIONAL_MINIMUM_FEN, NATIONAL_TALENT_MAXIMUM_FEN)
    short = national_plan_problem(to_fen(Decimal("49999999.99")), 0)
    talent = national_plan_problem(NATIONAL_MINIMUM_FEN, to_fen(Decimal("10000000.01")))
    # then only the plans inside both bounds hold, and a refusal names its field
    assert ok is None
    assert short is not None and short.field == "total"
    assert talent is not None and talent.field == "talent"
    assert national_plan_problem(NATIONAL_MINIMUM_FEN, -1) is not None


@pytest.mark.parametrize(
    ("text", "fen"),
    [("0.01", 1), ("5", 500), ("5.5", 550), ("5.50", 550), ("1E+2", 10000), ("0.10", 10)],
)
def test_r_fund_4_amounts_have_one_canonical_form(text: str, fen: int) -> None:
    assert to_fen(Decimal(text)) == fen
    assert str(to_cny(fen)) == str(to_cny(to_fen(Decimal(text))))
    assert to_cny(fen).as_tuple().exponent == -2


@pytest.mark.parametrize(
    "text",
    [
        "NaN",
        "Infinity",
        "-Infinity",
        "-0.01",
        "0",
        "-0",
        "0.001",
        "1.005",
        "1E+14",
        "1e400",
        "1E+999999999",
        "1E-999999999",  # would underflow to 0 in the default context
        "1E-30",
    ],
)
def test_r_fund_4_what_is_not_an_amount_is_refused(text: str) -> None:
    with pytest.raises(NotAnAmount):
        to_fen(Decimal(text))


def test_r_fund_4_a_float_never_enters() -> None:
    with pytest.raises(TypeError):
        to_fen(0.1)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=MAX_FEN))
def test_r_fund_4_fen_and_cny_convert_exactly_both_ways(fen: int) -> None:
    assert to_fen(to_cny(fen), allow_zero=True) == fen
