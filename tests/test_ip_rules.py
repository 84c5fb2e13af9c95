"""The IP register's rules as pure functions (R-IP-1…3): shares that sum to exactly 100, revenue
split to the fen with a deterministic remainder, Chinese patent application numbers."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.ip_register import (
    IpKind,
    normalise_number,
    patent_check_digit,
    patent_number_problem,
    share_sum_problem,
    split_revenue_fen,
)
from models.money import to_fen

A, B, C = (UUID(int=n) for n in (1, 2, 3))


@pytest.mark.parametrize(
    ("shares", "total"),
    [
        ({A: Decimal("50"), B: Decimal("49.99")}, "99.99"),
        ({A: Decimal("50"), B: Decimal("50.01")}, "100.01"),
        ({A: Decimal("33.3333"), B: Decimal("33.3333"), C: Decimal("33.3333")}, "99.9999"),
    ],
)
def test_r_ip_2_shares_not_summing_to_100_are_refused_with_the_sum(
    shares: dict[UUID, Decimal], total: str
) -> None:
    problem = share_sum_problem(shares)
    assert problem is not None and total in problem


@pytest.mark.parametrize(
    "shares",
    [
        {},
        {A: Decimal("0"), B: Decimal("100")},
        {A: Decimal("-10"), B: Decimal("110")},
        {A: Decimal("33.33333"), B: Decimal("66.66667")},
        {A: Decimal("NaN")},
    ],
)
def test_r_ip_2_an_owner_without_a_positive_share_of_four_places_is_refused(
    shares: dict[UUID, Decimal],
) -> None:
    assert share_sum_problem(shares) is not None


def test_r_ip_2_three_way_shares_summing_exactly_hold() -> None:
    assert (
        share_sum_problem({A: Decimal("33.3334"), B: Decimal("33.3333"), C: Decimal("33.3333")})
        is None
    )
    assert share_sum_problem({A: Decimal("100")}) is None


def test_r_ip_3_left_over_fen_go_to_the_largest_remainders_then_shares_then_ids() -> None:
    # given 100.00 CNY split three ways by 33.3334 / 33.3333 / 33.3333
    shares = {C: Decimal("33.3333"), B: Decimal("33.3333"), A: Decimal("33.3334")}
    # then each gets 33.33 and the left-over fen goes to the largest share
    assert split_revenue_fen(10000, shares) == {A: 3334, B: 3333, C: 3333}
    # and with equal shares the smaller organisation id takes the odd fen
    assert split_revenue_fen(3, {B: Decimal("50"), A: Decimal("50")}) == {A: 2, B: 1}
    # and the fen goes where rounding lost most, not to the largest share: 62,500 fen by
    # 0.0001 / 0.0015 / 99.9984 % are exactly 0.0625, 0.9375 and 62,499 fen
    parts = split_revenue_fen(
        62500, {A: Decimal("0.0001"), B: Decimal("0.0015"), C: Decimal("99.9984")}
    )
    assert parts == {A: 0, B: 1, C: 62499}
    assert split_revenue_fen(0, {A: Decimal("100")}) == {A: 0}


@st.composite
def share_sets(draw: st.DrawFn) -> dict[UUID, Decimal]:
    count = draw(st.integers(min_value=1, max_value=6))
    # units of 0.0001 %: 1,000,000 in all, each owner at least one
    cuts = sorted(draw(st.sets(st.integers(1, 999_999), min_size=count - 1, max_size=count - 1)))
    bounds = [0, *cuts, 1_000_000]
    return {UUID(int=i + 1): Decimal(bounds[i + 1] - bounds[i]) / 10000 for i in range(count)}


@given(share_sets(), st.integers(min_value=0, max_value=10**15))
def test_r_ip_3_parts_add_up_to_the_amount_and_stay_within_a_fen_of_the_share(
    shares: dict[UUID, Decimal], amount: int
) -> None:
    assert share_sum_problem(shares) is None
    parts = split_revenue_fen(amount, shares)
    assert sum(parts.values()) == amount
    for org, part in parts.items():
        exact = Decimal(amount) * shares[org] / 100
        assert exact - 1 < part < exact + 1
    assert split_revenue_fen(amount, dict(reversed(list(shares.items())))) == parts


@pytest.mark.parametrize(
    ("kind", "number"),
    [
        (IpKind.INVENTION_PATENT, "201710601862.3"),
        (IpKind.INVENTION_PATENT, "95115608.X"),
        (IpKind.INVENTION_PATENT, "97101765.4"),
        (IpKind.INVENTION_PATENT, "CN201710601862.3"),
    ],
)
def test_r_ip_1_published_patent_numbers_check(kind: IpKind, number: str) -> None:
    assert patent_number_problem(kind, number) is None


@pytest.mark.parametrize(
    ("kind", "number"),
    [
        (IpKind.INVENTION_PATENT, "201710601862.4"),  # wrong check digit
        (IpKind.UTILITY_MODEL, "201710601862.3"),  # an invention's number
        (IpKind.DESIGN_PATENT, "2017106018623"),  # no dot
        (IpKind.INVENTION_PATENT, "ZL201710601862"),
    ],
)
def test_r_ip_1_malformed_patent_numbers_are_refused(kind: IpKind, number: str) -> None:
    assert patent_number_problem(kind, number) is not None


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_r_ip_1_every_number_has_exactly_one_check_digit(digits: str) -> None:
    check = patent_check_digit(digits)
    kind = {"1": IpKind.INVENTION_PATENT, "2": IpKind.UTILITY_MODEL, "3": IpKind.DESIGN_PATENT}
    if digits[4] in kind:
        assert patent_number_problem(kind[digits[4]], f"{digits}.{check}") is None
        wrong = "X" if check == "0" else "0"
        assert patent_number_problem(kind[digits[4]], f"{digits}.{wrong}") is not None


def test_r_ip_1_numbers_are_compared_in_one_form() -> None:
    assert normalise_number(" cn 2017 1060 1862.3 ") == "201710601862.3"
    assert normalise_number("GB/T 1234-2020") == "GB/T1234-2020"
    assert patent_number_problem(IpKind.STANDARD, "anything") is None


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0.01", {A: 0, B: 0, C: 1}),  # one fen: the 33.34 share loses most in rounding
        ("1000000.01", {A: 33330000, B: 33330000, C: 33340001}),
        ("100.00", {A: 3333, B: 3333, C: 3334}),
    ],
)
def test_r_ip_3_three_owners_at_33_33_33_33_33_34_split_exactly(
    amount: str, expected: dict[UUID, int]
) -> None:
    # given owners at 33.33 / 33.33 / 33.34 and an amount in CNY
    shares = {A: Decimal("33.33"), B: Decimal("33.33"), C: Decimal("33.34")}
    fen = to_fen(Decimal(amount))
    # when the revenue is split, then the parts add up to it exactly, by the stated rule
    parts = split_revenue_fen(fen, shares)
    assert sum(parts.values()) == fen
    assert parts == expected


@given(
    st.integers(min_value=1, max_value=10**12),
    st.permutations([Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]),
)
def test_r_ip_3_any_amount_split_33_33_33_33_33_34_adds_up(
    amount: int, order: list[Decimal]
) -> None:
    shares = dict(zip((A, B, C), order, strict=True))
    assert sum(split_revenue_fen(amount, shares).values()) == amount


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("２０２０1３１２９９１６.1", "202013129916.1"),  # full-width digits
        ("2021SR\u200b0562219", "2021SR0562219"),  # a zero-width space
        ("２０２１ＳＲ０５６２\u00ad２１９", "2021SR0562219"),  # full width and a soft hyphen
    ],
)
def test_r_ip_1_numbers_written_otherwise_compare_as_one(written: str, stored: str) -> None:
    # given a number written with full-width or invisible characters, then it is stored as the
    # plain one, so that a duplicate is found however it is typed
    assert normalise_number(written) == stored
    assert patent_number_problem(IpKind.INVENTION_PATENT, "２０２０1３１２９９１６.1") is not None
