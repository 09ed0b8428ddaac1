"""Budgets: allocation by rank, arrival and pro rata; capacity and targets from DOMAIN.md.

The hand-checked cases are the budgets of the source plans (357 PL firms at 280,000 won,
454 interest subsidies at 440,000 won, 30 collaboration grants of 7,000 천원). The
properties check what must hold for any requests: the budget is never exceeded, nobody
gets more than asked, the funding order is respected, and a tie in the order is refused
exactly when the row order would decide who is funded.
"""

from __future__ import annotations

import doctest
import itertools
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import examples

from selectlib.benefits import (
    ROUNDING_MODES,
    BenefitError,
    allocate,
    baekmanwon,
    budget,
    capacity,
    chunwon,
    target,
)

PL_AVERAGE = baekmanwon("0.28")  # prior-year average PL support per firm, 280,000 won
PL_BUDGET = chunwon(100_000)
INTEREST_AVERAGE = baekmanwon("0.44")
INTEREST_BUDGET = chunwon(200_000)


# -- capacity and targets ------------------------------------------------------------


def test_capacity_of_the_2021_seoul_budgets() -> None:
    # §2: 100,000 천원 / 280 천원 → 357 firms; 200,000 천원 / 440 천원 → 454 firms
    assert capacity(PL_BUDGET, PL_AVERAGE, mode="floor") == 357  # 357.14...
    assert capacity(INTEREST_BUDGET, INTEREST_AVERAGE, mode="floor") == 454  # 454.54...
    assert capacity(baekmanwon(100), chunwon(280), mode="floor") == 357
    # grants of 7,000 천원: 210,000 → 30; sales and marketing 15,000 × 6, 12,500 × 10, 6,000 × 5
    assert capacity(chunwon(210_000), chunwon(7_000), mode="floor") == 30
    assert capacity(chunwon(90_000), chunwon(15_000), mode="floor") == 6
    assert capacity(chunwon(125_000), chunwon(12_500), mode="floor") == 10
    assert capacity(chunwon(30_000), chunwon(6_000), mode="floor") == 5
    # consulting: 100 천원 × 48 = 4,800 천원, 200 천원 × 86 = 17,200 천원;
    # 2018: 250 천원 × 90 cooperatives × 3 rounds = 67,500 천원
    assert capacity(chunwon(4_800), chunwon(100), mode="floor") == 48
    assert capacity(chunwon(17_200), chunwon(200), mode="floor") == 86
    assert capacity(chunwon(67_500), chunwon(250), mode="floor") == 90 * 3
    # Guro KOTRA: 15,000 천원 funds 8 firms at the 1,750,000 won cap
    assert capacity(chunwon(15_000), 1_750_000, mode="floor") == 8
    # one won less than the exact product funds one firm fewer
    assert capacity(357 * PL_AVERAGE - 1, PL_AVERAGE, mode="floor") == 356
    assert capacity(0, PL_AVERAGE, mode="floor") == 0


def test_capacity_refuses_a_zero_average_and_non_won() -> None:
    with pytest.raises(BenefitError, match="more than 0"):
        capacity(PL_BUDGET, 0, mode="floor")
    with pytest.raises(BenefitError, match="whole won"):
        capacity(100.0, 1, mode="floor")  # type: ignore[arg-type]
    with pytest.raises(BenefitError, match="between 0"):
        capacity(-1, 1, mode="floor")


def test_targets_from_percentages_round_down() -> None:
    # §2: 96 cooperatives × 50 % → 48; × 90 % = 86.4 → 86
    assert target(96, "50%", mode="floor") == 48
    assert target(96, "90%", mode="floor") == 86
    assert target(96, Decimal("0.9"), mode="floor") == 86
    assert target(96, "90%", mode="ceil") == 87


def test_growth_targets_of_the_2021_plan_round_half_up() -> None:
    # 2021 plan (seed 000): "prior-year result + 5 % / + 15 %" from the 2020 results:
    # 1,133 participants → 1,190; 21 collaborations → 24; 17 joint businesses → 20;
    # 119 network participants → 125. Only half up reproduces all four.
    cases = [(1_133, "105%", 1_190), (21, "115%", 24), (17, "115%", 20), (119, "105%", 125)]
    for count, share, expected in cases:
        assert target(count, share, mode="half_up") == expected
    assert [target(c, s, mode="floor") for c, s, _ in cases] == [1_189, 24, 19, 124]
    assert [target(c, s, mode="ceil") for c, s, _ in cases] == [1_190, 25, 20, 125]


# -- allocation, by hand -------------------------------------------------------------


def test_pl_budget_by_arrival_funds_357_and_part_of_the_358th() -> None:
    requests = [PL_AVERAGE] * 358
    arrival = allocate(requests, PL_BUDGET, method="arrival")
    assert arrival.granted[:357].tolist() == [280_000] * 357
    assert arrival.granted[357] == 40_000  # 100,000,000 − 357 × 280,000
    assert arrival.status[356:].tolist() == ["full", "partial"]
    assert (arrival.total, arrival.remaining) == (PL_BUDGET, 0)
    whole = allocate(requests, PL_BUDGET, method="arrival", partial=False)
    assert whole.status[357] == "none"
    assert whole.remaining == 40_000
    thousands = allocate([PL_AVERAGE] * 357 + [280_000], PL_BUDGET - 1, method="arrival", unit=1000)
    assert thousands.granted[357] == 39_000  # 39,999 won left, rounded down to 1,000 won
    assert thousands.remaining == 999


def test_pl_budget_pro_rata() -> None:
    requests = [PL_AVERAGE] * 358
    kept = allocate(requests, PL_BUDGET, method="pro_rata")
    # 280,000 × 100,000,000 / 100,240,000 = 279,329.6...
    assert set(kept.granted.tolist()) == {279_329}
    assert kept.remaining == 100_000_000 - 358 * 279_329 == 218
    assert set(kept.status.tolist()) == {"partial"}
    largest = allocate(requests, PL_BUDGET, method="pro_rata", remainder="largest")
    # equal remainders: the leftover 218 won go one each to the first 218 rows
    assert largest.granted[:218].tolist() == [279_330] * 218
    assert largest.granted[218:].tolist() == [279_329] * 140
    assert largest.remaining == 0
    in_thousands = allocate(requests, PL_BUDGET, method="pro_rata", unit=1000)
    assert set(in_thousands.granted.tolist()) == {279_000}
    assert in_thousands.remaining == 100_000_000 - 358 * 279_000


def test_interest_budget_funds_454_average_subsidies() -> None:
    requests = [INTEREST_AVERAGE] * 455
    result = allocate(requests, INTEREST_BUDGET, method="rank", order=np.arange(1, 456))
    assert (result.status == "full").sum() == 454
    assert result.granted[454] == 240_000  # 200,000,000 − 454 × 440,000
    assert result.remaining == 0


def test_collaboration_grants_by_rank_stop_at_30() -> None:
    # §2: 7,000 천원 × 30 cases = 210,000 천원; the 31st ranked case gets nothing
    ranks = np.array([31, *range(1, 31)])
    result = allocate([chunwon(7_000)] * 31, chunwon(210_000), method="rank", order=ranks)
    assert result.status[0] == "none"
    assert (result.status[1:] == "full").all()
    assert result.remaining == 0


def test_guro_kotra_2017_grants_fit_the_budget() -> None:
    # §5: 9 firms, 13,900 천원 in 2017, within a 15,000 천원 budget
    grants = [1_750_000, 1_250_000, 1_900_000, 1_250_000, 1_750_000]
    grants += [1_500_000, 1_500_000, 1_750_000, 1_250_000]
    result = allocate(grants, chunwon(15_000), method="arrival")
    assert result.total == chunwon(13_900)
    assert result.remaining == chunwon(1_100)
    assert (result.status == "full").all()
    exact = allocate(grants, chunwon(13_900), method="pro_rata")
    assert exact.granted.tolist() == grants


def test_rank_order_funds_the_best_first_and_never_skips() -> None:
    requests = [300, 500, 200, 50]
    result = allocate(requests, 600, method="rank", order=[2, 1, 3, 4])
    assert result.granted.tolist() == [100, 500, 0, 0]
    assert result.status.tolist() == ["partial", "full", "none", "none"]
    whole = allocate(requests, 600, method="rank", order=[2, 1, 3, 4], partial=False)
    # 300 does not fit after 500: nobody after it is funded, even the 50 that would fit
    assert whole.granted.tolist() == [0, 500, 0, 0]
    assert whole.remaining == 100


def test_zero_requests_are_full_and_unranked_rows_are_refused() -> None:
    result = allocate([0, 500, 0], 100, method="rank", order=[3, 1, 2])
    assert result.status.tolist() == ["full", "partial", "full"]
    with pytest.raises(BenefitError, match="row 1: rank 0; ranks start at 1"):
        allocate([1, 2], 10, method="rank", order=[1, 0])
    with pytest.raises(BenefitError, match="needs the ranks"):
        allocate([1, 2], 10, method="rank")
    with pytest.raises(BenefitError, match="whole numbers"):
        allocate([1, 2], 10, method="rank", order=[1.0, 2.0])


def test_arrival_by_timestamp() -> None:
    arrived = np.array(["2021-03-02T09:00:05", "2021-03-02T09:00:01", "2021-03-02T09:00:03"])
    result = allocate([400, 400, 400], 1_000, method="arrival", order=arrived.astype("M8[s]"))
    assert result.granted.tolist() == [200, 400, 400]
    with pytest.raises(BenefitError, match="row 0: the arrival key is missing"):
        allocate([1, 1], 1, method="arrival", order=np.array(["NaT", "2021-01-01"], "M8[D]"))
    with pytest.raises(BenefitError, match="row 1: the arrival key is missing"):
        allocate([1, 1], 1, method="arrival", order=[1.0, np.nan])
    with pytest.raises(BenefitError, match="comparable"):
        allocate([1, 1], 1, method="arrival", order=np.array([1, "a"], dtype=object))


def test_a_tie_that_decides_who_is_funded_is_refused() -> None:
    with pytest.raises(BenefitError) as info:
        allocate([300, 300, 100], 500, method="rank", order=[1, 2, 2])
    assert info.value.argument == "order"
    assert info.value.problems == (
        "rows [1, 2] share rank 2 and the 200 won left cannot fund all of them (400 won "
        "asked), so the row order would decide; break the tie (a tie-break rule in the "
        "ranking, a finer arrival time) or fund tied rows in row order (ties='row_order', "
        "--row-order-ties)",
    )
    row_order = allocate([300, 300, 100], 500, method="rank", order=[1, 2, 2], ties="row_order")
    assert row_order.granted.tolist() == [300, 200, 0]


def test_ties_that_decide_nothing_are_allowed() -> None:
    # everyone tied fits
    assert allocate([300, 300, 100], 700, order=[1, 2, 2]).granted.tolist() == [300, 300, 100]
    # nothing is left for the tied rows
    assert allocate([500, 300, 100], 500, order=[1, 2, 2]).granted.tolist() == [500, 0, 0]
    # only one tied row asks for anything
    assert allocate([300, 300, 0], 500, order=[1, 2, 2]).granted.tolist() == [300, 200, 0]
    # whole grants only, and neither tied request fits in the 200 won left
    whole = allocate([300, 300, 300], 500, order=[1, 2, 2], partial=False)
    assert whole.granted.tolist() == [300, 0, 0]
    # a partial grant would round to 0 at 1,000 won
    assert allocate([1_000, 900, 900], 1_500, order=[1, 2, 2], unit=1000).remaining == 500


def test_options_that_do_not_fit_the_method_are_refused() -> None:
    with pytest.raises(BenefitError, match="no order"):
        allocate([1], 1, method="pro_rata", order=[1])
    with pytest.raises(BenefitError, match="no order"):
        allocate([1], 1, method="pro_rata", partial=False)
    with pytest.raises(BenefitError, match="pro_rata only"):
        allocate([1], 1, method="rank", order=[1], remainder="largest")
    with pytest.raises(BenefitError, match="method"):
        allocate([1], 1, method="lottery")  # type: ignore[arg-type]
    with pytest.raises(BenefitError, match="ties"):
        allocate([1], 1, method="arrival", ties="coin")  # type: ignore[arg-type]
    with pytest.raises(BenefitError, match="unit"):
        allocate([1], 1, method="arrival", unit=5)
    with pytest.raises(BenefitError, match="one key per row"):
        allocate([1, 2], 1, method="arrival", order=[1])
    with pytest.raises(BenefitError, match="floats"):
        allocate([1.5], 1, method="arrival")


def test_nothing_to_allocate() -> None:
    for method in ("arrival", "pro_rata"):
        empty = allocate([], 1_000, method=method)  # type: ignore[arg-type]
        assert empty.granted.tolist() == []
        assert empty.remaining == 1_000


def test_module_doctests() -> None:
    assert doctest.testmod(budget).failed == 0


# -- properties ----------------------------------------------------------------------

requests_lists = st.lists(st.integers(0, 10**9), min_size=0, max_size=25)
units = st.sampled_from([1, 10, 1000])


@st.composite
def walks(draw: st.DrawFn) -> dict[str, Any]:
    """A rank or arrival allocation with many ties and a budget near the total asked."""
    requests = draw(st.lists(st.integers(0, 1_000), min_size=1, max_size=12))
    keys = draw(st.lists(st.integers(1, 4), min_size=len(requests), max_size=len(requests)))
    return {
        "requests": requests,
        "budget": draw(st.integers(0, sum(requests) + 100)),
        "method": draw(st.sampled_from(["rank", "arrival"])),
        "order": keys,
        "partial": draw(st.booleans()),
        "unit": draw(units),
    }


def check_allocation(result: Any, requests: list[int], budget_won: int) -> None:
    granted = result.granted
    assert granted.dtype == np.int64
    assert result.total <= budget_won
    assert result.total + result.remaining == budget_won
    assert (granted >= 0).all()
    assert (granted <= np.array(requests, np.int64)).all()
    status = result.status.tolist()
    assert len(status) == len(requests)
    for s, g, r in zip(status, granted.tolist(), requests, strict=True):
        assert s == ("full" if g == r else "none" if g == 0 else "partial")


@settings(max_examples=examples(300), deadline=None)
@given(walks())
def test_a_walk_never_exceeds_the_budget_and_keeps_the_order(case: dict[str, Any]) -> None:
    result = allocate(**case, ties="row_order")
    requests, keys = case["requests"], case["order"]
    check_allocation(result, requests, case["budget"])
    granted = result.granted.tolist()
    # nobody placed later gets anything while somebody placed earlier is not fully funded
    for i, j in itertools.permutations(range(len(requests)), 2):
        if keys[i] < keys[j] and requests[j] > 0 and granted[j] > 0:
            assert granted[i] == requests[i]
    # with partial grants to the won, the budget is spent down to what was asked
    if case["partial"] and case["unit"] == 1:
        assert result.total == min(case["budget"], sum(requests))
    # at most one row is funded in part
    assert (result.status == "partial").sum() <= 1


@settings(max_examples=examples(200), deadline=None)
@given(walks())
def test_a_tie_is_refused_exactly_when_the_row_order_would_decide(case: dict[str, Any]) -> None:
    requests, keys = case["requests"], case["order"]
    assume(len(requests) <= 6)
    options = {k: case[k] for k in ("budget", "method", "partial", "unit")}
    outcomes = set()
    for perm in itertools.permutations(range(len(requests))):
        shuffled = allocate(
            [requests[p] for p in perm], order=[keys[p] for p in perm], ties="row_order", **options
        )
        back = np.empty(len(requests), np.int64)
        back[list(perm)] = shuffled.granted
        outcomes.add(tuple(back.tolist()))
    try:
        result = allocate(requests, order=keys, ties="refuse", **options)
    except BenefitError:
        assert len(outcomes) > 1
    else:
        assert outcomes == {tuple(result.granted.tolist())}


@settings(max_examples=examples(300), deadline=None)
@given(requests_lists, st.integers(0, 10**10), units, st.sampled_from(["keep", "largest"]))
def test_pro_rata_never_exceeds_the_budget_or_a_request(
    requests: list[int], budget_won: int, unit: int, remainder: Any
) -> None:
    result = allocate(requests, budget_won, method="pro_rata", unit=unit, remainder=remainder)
    check_allocation(result, requests, budget_won)
    asked = sum(requests)
    if asked <= budget_won:
        assert result.granted.tolist() == requests
        return
    # floor(request × budget / asked) to the unit, plus at most one unit with "largest"
    floor = [r * budget_won // (asked * unit) * unit for r in requests]
    extra = [g - f for g, f in zip(result.granted.tolist(), floor, strict=True)]
    assert set(extra) <= ({0, unit} if remainder == "largest" else {0})
    assert result.remaining < max(len(requests), 1) * unit
    if remainder == "largest":
        # the leftover is smaller than a unit unless no row can take one more unit
        can_take = [
            f + unit <= r and r * budget_won > f * asked
            for f, r, e in zip(floor, requests, extra, strict=True)
            if e == 0
        ]
        assert result.remaining < unit or not any(can_take)
    # a larger request never gets less
    pairs = sorted(zip(requests, result.granted.tolist(), strict=True))
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(pairs))


@settings(max_examples=examples(200), deadline=None)
@given(requests_lists, st.integers(0, 10**10), st.randoms(use_true_random=False))
def test_arrival_results_follow_the_rows_under_a_shuffle(
    requests: list[int], budget_won: int, rnd: Any
) -> None:
    arrival = list(range(len(requests)))
    rnd.shuffle(arrival)
    before = allocate(requests, budget_won, method="arrival", order=arrival)
    perm = rnd.sample(range(len(requests)), len(requests))
    after = allocate(
        [requests[p] for p in perm], budget_won, method="arrival", order=[arrival[p] for p in perm]
    )
    assert after.granted.tolist() == [before.granted[p] for p in perm]


@settings(max_examples=examples(300), deadline=None)
@given(st.integers(0, 10**15), st.integers(1, 10**9))
def test_capacity_is_the_floor_of_the_quotient(budget_won: int, average: int) -> None:
    count = capacity(budget_won, average, mode="floor")
    assert count * average <= budget_won < (count + 1) * average


@settings(max_examples=examples(300), deadline=None)
@given(
    st.integers(0, 10**6),
    st.decimals(min_value=0, max_value=2, places=3),
    st.sampled_from(ROUNDING_MODES),
)
def test_target_equals_the_decimal_reference(count: int, share: Decimal, mode: Any) -> None:
    rounding = {"floor": ROUND_FLOOR, "half_up": ROUND_HALF_UP, "ceil": ROUND_CEILING}[mode]
    expected = int((count * share).to_integral_value(rounding=rounding))
    assert target(count, f"{share * 100}%", mode=mode) == expected
    assert target(count, share, mode=mode) == expected
