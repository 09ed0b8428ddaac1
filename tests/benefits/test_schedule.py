"""A loan's repayment and interest-compensation schedule (selectlib.benefits.schedule).

The worked numbers are by hand: half-yearly interest is balance × rate / 2, cut down to
the won; principal is repaid in equal instalments, the last one taking what is left.
"""

from __future__ import annotations

import doctest
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import examples

import selectlib.benefits.schedule as schedule_module
from selectlib.benefits import (
    MAX_INSTALMENTS_PER_YEAR,
    MAX_LOAN_YEARS,
    MAX_WON,
    BenefitError,
    Rounding,
    RoundingMode,
    repayment_schedule,
)
from selectlib.benefits.schedule import COLUMNS

FLOOR = Rounding()
MODES: tuple[RoundingMode, ...] = ("floor", "half_up", "ceil")


def test_the_docstring_example_runs() -> None:
    assert doctest.testmod(schedule_module).failed == 0


def test_a_woori_bank_loan_by_hand() -> None:
    # 30,000,000 won at a bank rate of 3.5 %, the district paying 1 %p: 1 year of grace,
    # then 4 years of half-yearly instalments (003 ①).
    plan = repayment_schedule(30_000_000, "3.5%", 1, 2, 4, compensated_rate="1%p", rounding=FLOOR)
    table = plan.to_frame()
    assert list(table.columns) == list(COLUMNS)
    assert len(table) == 10
    assert list(table["phase"]) == ["grace"] * 2 + ["repayment"] * 8
    assert list(table["principal"]) == [0, 0] + [3_750_000] * 8
    # 30,000,000 × 3.5 % / 2 = 525,000; × 1 % / 2 = 150,000
    assert (plan.periods[0].interest, plan.periods[0].compensated) == (525_000, 150_000)
    assert plan.periods[0].paid_by_firm == 375_000
    # the last period: 3,750,000 × 3.5 % / 2 = 65,625; × 1 % / 2 = 18,750
    last = plan.periods[-1]
    assert (last.interest, last.compensated, last.balance) == (65_625, 18_750, 0)
    # 525,000 × 2 in grace, then 525,000 × (8 + 7 + ... + 1) / 8 = 2,362,500
    assert plan.interest == 1_050_000 + 2_362_500
    assert plan.compensated == 300_000 + 675_000


def test_rounding_is_applied_each_period_and_the_remainder_goes_last() -> None:
    # 10,000,001 won over 8 instalments: 1,250,000 each, 1,250,001 last.
    plan = repayment_schedule(10_000_001, "1.8%", 0, 2, 4, rounding=FLOOR)
    assert [p.principal for p in plan.periods] == [1_250_000] * 7 + [1_250_001]
    # 10,000,001 × 1.8 % / 2 = 90,000.009 → 90,000 (floor), 90,001 (ceil)
    assert plan.periods[0].interest == 90_000
    up = repayment_schedule(10_000_001, "1.8%", 0, 2, 4, rounding=Rounding(mode="ceil"))
    assert up.periods[0].interest == 90_001
    assert plan.annual_rate == Fraction(9, 500)


@pytest.mark.parametrize(
    ("kwargs", "argument", "fragment"),
    [
        ({"principal": -1}, "principal", "between 0 and MAX_WON"),
        ({"principal": MAX_WON + 1}, "principal", "MAX_WON"),
        ({"annual_rate": "180%"}, "rate", "above 100 %"),
        ({"compensated_rate": "2%"}, "compensated_rate", "above the annual rate"),
        ({"grace_years": -1}, "grace_years", "0 to 100"),
        ({"grace_years": 1.5}, "grace_years", "whole number"),
        ({"instalments_per_year": 0}, "instalments_per_year", "1 to 12"),
        ({"instalments_per_year": MAX_INSTALMENTS_PER_YEAR + 1}, "instalments_per_year", "1 to 12"),
        ({"repay_years": 0}, "repay_years", "1 to 100"),
        ({"repay_years": True}, "repay_years", "whole number"),
        ({"grace_years": 1, "repay_years": MAX_LOAN_YEARS}, "repay_years", "MAX_LOAN_YEARS"),
    ],
)
def test_bad_terms_are_refused_naming_the_argument(
    kwargs: dict[str, object], argument: str, fragment: str
) -> None:
    terms: dict[str, object] = {
        "principal": 1_000_000,
        "annual_rate": "1.8%",
        "grace_years": 1,
        "instalments_per_year": 2,
        "repay_years": 4,
        "compensated_rate": "1%",
        **kwargs,
    }
    with pytest.raises(BenefitError, match=fragment) as caught:
        repayment_schedule(rounding=FLOOR, **terms)  # type: ignore[arg-type]
    assert caught.value.argument == argument


terms = st.tuples(
    st.integers(0, 10**12),  # principal
    st.integers(0, 200),  # annual rate in basis points
    st.integers(0, 200),  # compensated rate in basis points (at most the annual rate)
    st.integers(0, 3),  # grace years
    st.sampled_from([1, 2, 4, 12]),  # instalments a year
    st.integers(1, 10),  # repayment years
    st.sampled_from(MODES),
)


@settings(max_examples=examples(200), deadline=None)
@given(terms)
def test_schedule_invariants(
    case: tuple[int, int, int, int, int, int, RoundingMode],
) -> None:
    principal, rate_bp, comp_bp, grace, per_year, repay, mode = case
    rate, compensated = Fraction(rate_bp, 10_000), Fraction(min(comp_bp, rate_bp), 10_000)
    plan = repayment_schedule(
        principal,
        rate,
        grace,
        per_year,
        repay,
        compensated_rate=compensated,
        rounding=Rounding(mode=mode),
    )
    periods = plan.periods
    assert len(periods) == (grace + repay) * per_year
    assert sum(p.principal for p in periods) == principal
    assert all(p.balance >= 0 and p.principal >= 0 for p in periods)
    assert periods[-1].balance == 0
    assert all(p.paid_by_firm + p.compensated == p.interest for p in periods)
    assert all(p.compensated >= 0 and p.paid_by_firm >= 0 for p in periods)
    assert all(p.principal == 0 for p in periods[: grace * per_year])
    balance = principal
    for p in periods:  # interest is the period's rate on the balance at its start, rounded
        assert p.interest == Rounding(mode=mode).apply(balance * rate / per_year)
        balance -= p.principal
        assert p.balance == balance
    assert plan.interest == plan.compensated + plan.paid_by_firm
