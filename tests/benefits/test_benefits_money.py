"""Benefit formulas in integer won: the programs of DOMAIN.md §2–5 by hand, and properties.

Every hand-checked case sits at and around a cap, where a float or a wrong order of
rounding and bounding would be off by a won. The properties compare every result with
an independent ``decimal.Decimal`` computation of the same rule.
"""

from __future__ import annotations

import doctest
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import examples

from selectlib.benefits import (
    ROUNDING_MODES,
    BenefitError,
    Rounding,
    as_amounts,
    as_rate,
    as_share,
    baekmanwon,
    benefit,
    chunwon,
    interest_subsidy,
    matching,
    money,
)
from selectlib.benefits.money import bound_one

DECIMAL_MODES = {"floor": ROUND_FLOOR, "half_up": ROUND_HALF_UP, "ceil": ROUND_CEILING}


def amounts(trace: Any) -> list[int]:
    return [int(a) for a in trace.amount.tolist()]


# -- the programs, by hand -----------------------------------------------------------


def test_seoul_pl_insurance_20_percent_at_most_1_000_000() -> None:
    # §2/§3: 20 % of the premium, at most 1,000,000 won; the cap is reached at 5,000,000
    premiums = [4_999_995, 4_999_999, 5_000_000, 5_000_001, 5_000_005, 20_000_000]
    trace = benefit(premiums, "20%", cap=1_000_000)
    assert trace.raw() == [
        Fraction(999_999),
        Fraction(4_999_999, 5),  # 999,999.8
        Fraction(1_000_000),
        Fraction(5_000_001, 5),  # 1,000,000.2
        Fraction(1_000_001),
        Fraction(4_000_000),
    ]
    assert trace.rounded.tolist() == [999_999, 999_999, 1_000_000, 1_000_000, 1_000_001, 4_000_000]
    assert amounts(trace) == [999_999, 999_999, 1_000_000, 1_000_000, 1_000_000, 1_000_000]
    # the cap "applies" only where it lowered the rounded amount
    assert trace.bounds() == [None, None, None, None, "cap", "cap"]
    assert trace.cap == 1_000_000
    assert trace.rate == Fraction(1, 5)


def test_seoul_pl_rounding_units_and_modes() -> None:
    premium = [4_999_995]  # 20 % = 999,999 won exactly
    assert amounts(benefit(premium, "20%", rounding=Rounding(unit=10))) == [999_990]
    assert amounts(benefit(premium, "20%", rounding=Rounding(unit=100))) == [999_900]
    assert amounts(benefit(premium, "20%", rounding=Rounding(unit=1000))) == [999_000]
    assert amounts(benefit(premium, "20%", rounding=Rounding(1000, "half_up"))) == [1_000_000]
    # 5,000,001 × 20 % = 1,000,000.2: rounded up it passes the cap, which then applies
    ceil = benefit([5_000_001], "20%", cap=1_000_000, rounding=Rounding(mode="ceil"))
    assert ceil.rounded.tolist() == [1_000_001]
    assert amounts(ceil) == [1_000_000]
    assert ceil.bounds() == ["cap"]


def test_pl_regional_table_2020_jeju_80_percent() -> None:
    # §2: Jeonnam and Gyeongnam 20 % like Seoul; Jeju 80 %, all at most 1,000,000 won
    premiums = [1_249_999, 1_250_000, 1_250_001, 1_250_002]
    jeju = benefit(premiums, "80%", cap=1_000_000)
    assert jeju.raw() == [
        Fraction(4_999_996, 5),  # 999,999.2
        Fraction(1_000_000),
        Fraction(5_000_004, 5),  # 1,000,000.8
        Fraction(5_000_008, 5),  # 1,000,001.6
    ]
    assert amounts(jeju) == [999_999, 1_000_000, 1_000_000, 1_000_000]
    assert jeju.bounds() == [None, None, None, "cap"]
    assert amounts(benefit(premiums, "20%", cap=1_000_000)) == [249_999, 250_000, 250_000, 250_000]


def test_guro_kotra_50_percent_at_most_1_750_000() -> None:
    # §5: 50 % of the participation fee, at most 1,750,000 won
    fees = [3_499_999, 3_500_000, 3_500_001, 3_500_002, 2_500_000]
    trace = benefit(fees, "50%", cap=1_750_000)
    assert trace.raw()[:3] == [
        Fraction(3_499_999, 2),  # 1,749,999.5
        Fraction(1_750_000),
        Fraction(3_500_001, 2),  # 1,750,000.5
    ]
    assert amounts(trace) == [1_749_999, 1_750_000, 1_750_000, 1_750_000, 1_250_000]
    assert trace.bounds() == [None, None, None, "cap", None]
    half_up = benefit(fees[:3], "50%", cap=1_750_000, rounding=Rounding(mode="half_up"))
    assert half_up.rounded.tolist() == [1_750_000, 1_750_000, 1_750_001]
    assert amounts(half_up) == [1_750_000, 1_750_000, 1_750_000]
    assert half_up.bounds() == [None, None, "cap"]


def test_coop_collaboration_10_percent_of_the_trade() -> None:
    # §2/§3: 10 % of the transaction amount; trades from the 2017 results table
    trades = [439_240_956, 9_869_995, 1_581_794_178]  # the last: all 36 trades of 2017
    assert amounts(benefit(trades, "10%")) == [43_924_095, 986_999, 158_179_417]
    assert amounts(benefit(trades, "10%", rounding=Rounding(mode="half_up"))) == [
        43_924_096,
        987_000,
        158_179_418,
    ]
    assert amounts(benefit(trades, "10%", rounding=Rounding(unit=1000))) == [
        43_924_000,
        986_000,
        158_179_000,
    ]


def test_industry_specialised_smart_factory_5_to_5() -> None:
    # §4: new build at most 100,000,000, upgrade at most 150,000,000; government : firm 5 : 5
    new = matching([199_999_998, 199_999_999, 200_000_000, 200_000_002], "5:5", cap=100_000_000)
    assert new.government.tolist() == [99_999_999, 99_999_999, 100_000_000, 100_000_000]
    assert new.firm.tolist() == [99_999_999, 100_000_000, 100_000_000, 100_000_002]
    assert new.support.bounds() == [None, None, None, "cap"]
    upgrade = matching([299_999_999, 300_000_000, 300_000_001], "5:5", cap=150_000_000)
    assert upgrade.government.tolist() == [149_999_999, 150_000_000, 150_000_000]
    assert upgrade.firm.tolist() == [150_000_000, 150_000_000, 150_000_001]


def test_samsung_model_6_to_4_and_type_c_fully_funded() -> None:
    # §4: A at most 100,000,000 and B at most 60,000,000 at 6 : 4; C at most 20,000,000, 100 %
    a = matching([166_666_666, 166_666_667, 166_666_668, 166_666_669], "6:4", cap=100_000_000)
    assert a.support.raw() == [
        Fraction(499_999_998, 5),  # 99,999,999.6
        Fraction(500_000_001, 5),  # 100,000,000.2
        Fraction(500_000_004, 5),  # 100,000,000.8
        Fraction(500_000_007, 5),  # 100,000,001.4
    ]
    assert a.government.tolist() == [99_999_999, 100_000_000, 100_000_000, 100_000_000]
    assert a.firm.tolist() == [66_666_667, 66_666_667, 66_666_668, 66_666_669]
    assert a.support.bounds() == [None, None, None, "cap"]
    b = matching([99_999_999, 100_000_000, 100_000_001, 100_000_002], "6:4", cap=60_000_000)
    assert b.government.tolist() == [59_999_999, 60_000_000, 60_000_000, 60_000_000]
    assert b.support.bounds() == [None, None, None, "cap"]
    c = matching([19_999_999, 20_000_000, 20_000_001], "100%", cap=20_000_000)
    assert c.government.tolist() == [19_999_999, 20_000_000, 20_000_000]
    assert c.firm.tolist() == [0, 0, 1]
    assert c.support.bounds() == [None, None, "cap"]


def test_posco_model_typical_projects_reach_their_caps_exactly() -> None:
    # §4: A ~300,000,000 → at most 180,000,000; B-1 ~200,000,000 → 120,000,000;
    # B-2 ~100,000,000 → 60,000,000 (all 6 : 4); C ~20,000,000 → 20,000,000 (100 %)
    types = {
        "A": (300_000_000, "6:4", 180_000_000),
        "B-1": (200_000_000, "6:4", 120_000_000),
        "B-2": (100_000_000, "6:4", 60_000_000),
        "C": (20_000_000, "100%", 20_000_000),
    }
    for cost, ratio, cap in types.values():
        split = matching([cost - 1, cost, cost + 2], ratio, cap=cap)
        assert split.government[1] == cap
        assert split.support.bounds()[1] is None  # reached by the formula, not the cap
        assert split.government[0] < cap
        assert split.government[2] == cap
        assert split.support.bounds()[2] == "cap"
        assert (split.government + split.firm).tolist() == [cost - 1, cost, cost + 2]
    a = matching([300_000_001], "6:4", cap=180_000_000)  # 180,000,000.6 → rounds to the cap
    assert a.government.tolist() == [180_000_000]
    assert a.firm.tolist() == [120_000_001]
    assert a.support.bounds() == [None]


def test_smart_services_50_percent_at_most_60_000_000() -> None:
    split = matching([119_999_999, 120_000_000, 120_000_002], "50%", cap=60_000_000)
    assert split.government.tolist() == [59_999_999, 60_000_000, 60_000_000]
    assert split.firm.tolist() == [60_000_000, 60_000_000, 60_000_002]
    assert split.support.bounds() == [None, None, "cap"]


def test_interest_subsidy_2018_table_rates() -> None:
    # §2/§3: principal × rate × days / 365; Seoul 1 % (bills) / 2 % (short-term loans)
    seoul = interest_subsidy([100_000_000, 100_000_000], "2%", 365)
    assert amounts(seoul) == [2_000_000, 2_000_000]
    assert amounts(interest_subsidy([100_000_000], "1%", 365)) == [1_000_000]
    # Jeju 1.6 %: 50,000,000 × 0.016 × 180 / 365 = 394,520.547...
    jeju = interest_subsidy([50_000_000], "1.6%", [180])
    assert jeju.raw() == [Fraction(144_000_000, 365)]
    assert amounts(jeju) == [394_520]
    assert jeju.rate == Fraction(2, 125)
    assert jeju.days is not None
    assert jeju.days.tolist() == [180]
    assert jeju.year_days == 365
    # Chuncheon 3 %: 30,000,000 × 0.03 × 90 / 365 = 221,917.808...; Incheon 1.5 %: a year
    assert amounts(interest_subsidy([30_000_000], "3%", 90)) == [221_917]
    assert amounts(interest_subsidy([20_000_000], "1.5%", 365)) == [300_000]
    # a leap year counted as 366 days: 2,000,000 × 366 / 365 = 2,005,479.45...
    assert amounts(interest_subsidy([100_000_000], "2%", 366)) == [2_005_479]
    assert amounts(interest_subsidy([100_000_000], "2%", 366, year_days=366)) == [2_000_000]
    # days per row with one principal, and the 1 %p of the text
    per_row = interest_subsidy(36_500_000, "1%p", [1, 10, 100])
    assert amounts(per_row) == [1_000, 10_000, 100_000]
    half_up = interest_subsidy([50_000_000], "1.6%", 180, rounding=Rounding(mode="half_up"))
    assert amounts(half_up) == [394_521]


def test_minimum_applies_to_positive_bases_and_never_exceeds_the_base() -> None:
    trace = benefit([0, 30_000, 100_000, 400_000, 600_000], "20%", cap=100_000, minimum=50_000)
    assert amounts(trace) == [0, 30_000, 50_000, 80_000, 100_000]
    assert trace.bounds() == [None, "minimum", "minimum", None, "cap"]
    with pytest.raises(BenefitError, match="above the cap"):
        benefit([1], "20%", cap=10, minimum=11)


def test_rounding_up_never_pays_more_than_the_base() -> None:
    trace = benefit([1, 999, 1_001], "100%", rounding=Rounding(unit=1000, mode="ceil"))
    assert amounts(trace) == [1, 999, 1_001]
    assert amounts(benefit([1_500], "50%", rounding=Rounding(1000, "ceil"))) == [1_000]


# -- exact numbers and units ---------------------------------------------------------


@pytest.mark.parametrize(
    "written", ["20%", "20 %", " 0.2 ", "1/5", Decimal("0.2"), Fraction(1, 5), 0.2, "2e-1"]
)
def test_every_way_of_writing_20_percent_is_exactly_one_fifth(written: Any) -> None:
    assert as_rate(written) == Fraction(1, 5)


def test_rates_from_the_documents() -> None:
    assert as_rate("1.6%") == Fraction(16, 1000)
    assert as_rate("1%p") == Fraction(1, 100)
    assert as_rate("80%") == Fraction(4, 5)
    assert as_rate(1) == 1
    assert as_rate(0) == 0
    assert as_rate("105%", maximum=None) == Fraction(21, 20)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (20, "2000 %, above 100 %"),
        ("-1%", "negative"),
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        (Decimal("NaN"), "finite"),
        (True, "must be a number"),
        (None, "must be a number"),
        ("twenty", "not a number"),
        ("1/0", "not a number"),
    ],
)
def test_bad_rates_are_refused_with_the_reason(value: Any, message: str) -> None:
    with pytest.raises(BenefitError, match=message) as info:
        as_rate(value)
    assert info.value.argument == "rate"
    assert isinstance(info.value, ValueError)


def test_matching_ratios() -> None:
    assert as_share("5:5") == Fraction(1, 2)
    assert as_share("6 : 4") == Fraction(3, 5)
    assert as_share((6, 4)) == Fraction(3, 5)
    assert as_share("10:0") == 1
    assert as_share("100%") == 1
    for bad in ["0:0", "6:4:1", "-1:2", "a:b"]:
        with pytest.raises(BenefitError):
            as_share(bad)


def test_units_of_the_documents_to_won() -> None:
    assert chunwon(100_000) == baekmanwon(100) == 100_000_000
    assert baekmanwon("0.28") == chunwon(280) == 280_000
    assert baekmanwon("0.44") == chunwon(440) == 440_000
    assert chunwon(7_000) * 30 == chunwon(210_000)  # collaboration grants, 2021
    assert chunwon(17_500) * 2 + chunwon(15_000) + chunwon(1_000) * 5 == chunwon(55_000)
    assert baekmanwon(400) + baekmanwon(400) + baekmanwon(600) == baekmanwon(1_400)
    assert chunwon(Decimal("13900")) == 13_900_000
    with pytest.raises(BenefitError, match="not a whole number of won"):
        chunwon("0.0001")


def test_amounts_must_be_whole_non_negative_won() -> None:
    assert as_amounts([1, 2]).dtype == np.int64
    assert as_amounts(5).tolist() == [5]
    assert as_amounts([]).tolist() == []
    assert as_amounts(np.array([10**15], dtype=object)).tolist() == [10**15]
    with pytest.raises(BenefitError, match="floats"):
        as_amounts([1.0, 2.0])
    with pytest.raises(BenefitError, match="floats"):
        as_amounts([1, np.nan])
    with pytest.raises(BenefitError, match="booleans"):
        as_amounts([True])
    with pytest.raises(BenefitError) as info:
        as_amounts([5, -1, 3, -2], "base")
    assert info.value.problems == ("row 1: -1 is negative", "row 3: -2 is negative")
    with pytest.raises(BenefitError, match="row 1: '3' is not a whole number"):
        as_amounts(np.array([1, "3"], dtype=object))
    with pytest.raises(BenefitError, match="above"):
        as_amounts([10**15 + 1])
    with pytest.raises(BenefitError, match="one amount per row"):
        as_amounts([[1, 2]])
    with pytest.raises(BenefitError) as many:
        as_amounts(-np.arange(1, 30))
    assert many.value.problems[-1] == "... and 19 more rows"


def test_rounding_rules_are_checked_when_made() -> None:
    for unit in [0, 3, 20, -10, True, 1.0]:
        with pytest.raises(BenefitError, match="unit"):
            Rounding(unit=unit)
    with pytest.raises(BenefitError, match="mode"):
        Rounding(mode="nearest")  # type: ignore[arg-type]
    with pytest.raises(BenefitError, match="negative"):
        Rounding().apply(Fraction(-1, 2))
    assert Rounding(10, "half_up").apply(Fraction(15)) == 20
    assert Rounding(10, "half_up").apply(Fraction(149, 10)) == 10


def test_the_days_must_match_the_rows() -> None:
    with pytest.raises(BenefitError, match="one per row"):
        interest_subsidy([1, 2, 3], "1%", [30, 60])
    with pytest.raises(BenefitError, match="year_days"):
        interest_subsidy([1], "1%", 30, year_days=0)


def test_a_rate_too_fine_for_int64_is_refused() -> None:
    with pytest.raises(BenefitError, match="too large"):
        benefit([10**15], Fraction(10**12 - 1, 10**12))


def test_module_doctests() -> None:
    assert doctest.testmod(money).failed == 0


# -- properties against the Decimal reference ----------------------------------------

bases = st.lists(st.integers(0, 10**12), min_size=1, max_size=20)
rates = st.decimals(min_value=0, max_value=1, places=4)
roundings = st.builds(
    Rounding, st.sampled_from([1, 10, 100, 1000]), st.sampled_from(ROUNDING_MODES)
)


def written(rate: Decimal, form: int) -> Any:
    """The same rate in another notation."""
    return [rate, str(rate), f"{rate * 100}%", Fraction(rate)][form]


def round_decimal(raw: Decimal, rounding: Rounding) -> Decimal:
    unit = Decimal(rounding.unit)
    return (raw / unit).to_integral_value(rounding=DECIMAL_MODES[rounding.mode]) * unit


def reference(
    base: int, raw: Decimal, cap: int | None, minimum: int | None, rounding: Rounding
) -> int:
    """The stated rule, in Decimal: round, keep within the base, then minimum and cap."""
    amount = min(round_decimal(raw, rounding), Decimal(base))
    if minimum is not None:
        amount = max(amount, Decimal(min(minimum, base)))
    if cap is not None:
        amount = min(amount, Decimal(cap))
    return int(amount)


@settings(max_examples=examples(300), deadline=None)
@given(
    bases,
    rates,
    st.integers(0, 3),
    st.none() | st.integers(0, 10**9),
    st.none() | st.integers(0, 10**8),
    roundings,
)
def test_benefit_equals_the_decimal_reference(
    base: list[int],
    rate: Decimal,
    form: int,
    cap: int | None,
    minimum: int | None,
    rounding: Rounding,
) -> None:
    if cap is not None and minimum is not None and minimum > cap:
        minimum, cap = cap, minimum
    trace = benefit(base, written(rate, form), cap=cap, minimum=minimum, rounding=rounding)
    raw = [Decimal(b) * rate for b in base]  # exact: rate has four decimal places
    assert trace.raw() == [Fraction(r) for r in raw]
    assert amounts(trace) == [
        reference(b, r, cap, minimum, rounding) for b, r in zip(base, raw, strict=True)
    ]
    assert trace.amount.dtype == np.int64
    # bounded: never above the cap or the base, never negative
    assert (trace.amount >= 0).all()
    assert (trace.amount <= trace.base).all()
    if cap is not None:
        assert (trace.amount <= cap).all()
    # the trace says which bound changed the amount, and only then
    for row, bound in enumerate(trace.bounds()):
        if bound == "cap":
            assert trace.amount[row] == cap < trace.rounded[row]
        elif bound == "minimum":
            assert trace.rounded[row] < trace.amount[row] == min(minimum or 0, base[row])
        else:
            assert trace.amount[row] == trace.rounded[row]


@settings(max_examples=examples(300), deadline=None)
@given(
    bases,
    rates,
    st.none() | st.integers(0, 10**9),
    st.none() | st.integers(0, 10**8),
    roundings,
    st.none() | st.integers(0, 800),
)
def test_one_amount_at_a_time_agrees_with_the_array_path(
    base: list[int],
    rate: Decimal,
    cap: int | None,
    minimum: int | None,
    rounding: Rounding,
    days: int | None,
) -> None:
    """bound_one (single decisions) and the array path (tables) give the same amounts."""
    if cap is not None and minimum is not None and minimum > cap:
        minimum, cap = cap, minimum
    share = Fraction(rate)
    if days is None:
        trace = benefit(base, share, cap=cap, minimum=minimum, rounding=rounding)
    else:
        minimum = None  # interest subsidies take a cap only
        trace = interest_subsidy(base, share, [days] * len(base), cap=cap, rounding=rounding)
    for row, b in enumerate(base):
        raw = b * share if days is None else b * share * Fraction(days, 365)
        assert raw == trace.raw()[row]
        one = bound_one(raw, b, cap=cap, minimum=minimum, rounding=rounding)
        assert one == (int(trace.rounded[row]), int(trace.amount[row]), trace.bounds()[row])


@settings(max_examples=examples(300), deadline=None)
@given(
    bases,
    rates,
    st.none() | st.integers(0, 10**9),
    st.none() | st.integers(0, 10**8),
    roundings,
)
def test_benefit_is_monotone_in_its_base(
    base: list[int], rate: Decimal, cap: int | None, minimum: int | None, rounding: Rounding
) -> None:
    if cap is not None and minimum is not None and minimum > cap:
        minimum, cap = cap, minimum
    ordered = sorted(base)
    trace = benefit(ordered, rate, cap=cap, minimum=minimum, rounding=rounding)
    assert (np.diff(trace.amount) >= 0).all()
    # one more won of base never lowers the amount either
    plus_one = benefit([b + 1 for b in ordered], rate, cap=cap, minimum=minimum, rounding=rounding)
    assert (plus_one.amount >= trace.amount).all()


@settings(max_examples=examples(300), deadline=None)
@given(
    bases,
    st.sampled_from(["5:5", "6:4", "100%"]) | st.tuples(st.integers(0, 9), st.integers(1, 9)),
    st.none() | st.integers(0, 10**9),
    roundings,
)
def test_matching_shares_add_up_to_the_cost(
    cost: list[int], ratio: Any, cap: int | None, rounding: Rounding
) -> None:
    split = matching(cost, ratio, cap=cap, rounding=rounding)
    share = as_share(ratio)
    assert (split.government + split.firm).tolist() == cost
    assert (split.firm >= 0).all()
    assert (split.government >= 0).all()
    if cap is not None:
        assert (split.government <= cap).all()
    assert split.support.raw() == [c * share for c in cost]
    with localcontext() as ctx:
        # 80 digits: a quotient like c × 3/7 is never within 1e-60 of a rounding boundary
        # it does not sit on, so rounding the Decimal gives the exact answer
        ctx.prec = 80
        raw = [Decimal(c) * share.numerator / share.denominator for c in cost]
        assert amounts(split.support) == [
            reference(c, r, cap, None, rounding) for c, r in zip(cost, raw, strict=True)
        ]


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(st.integers(0, 10**11), min_size=1, max_size=10),
    st.decimals(min_value=0, max_value=Decimal("0.1"), places=4),
    st.integers(0, 3 * 366),
    st.sampled_from([365, 366]),
    roundings,
)
def test_interest_subsidy_equals_the_decimal_reference(
    principal: list[int], rate: Decimal, days: int, year_days: int, rounding: Rounding
) -> None:
    trace = interest_subsidy(principal, rate, days, year_days=year_days, rounding=rounding)
    percent = interest_subsidy(principal, f"{rate * 100}%", days, year_days=year_days)
    floored = interest_subsidy(principal, rate, days, year_days=year_days)
    assert percent.amount.tolist() == floored.amount.tolist()
    with localcontext() as ctx:
        ctx.prec = 80
        exact = [Decimal(p) * rate * days / year_days for p in principal]
        expected = [
            reference(p, e, None, None, rounding) for p, e in zip(principal, exact, strict=True)
        ]
    assert trace.raw() == [Fraction(p) * Fraction(rate) * days / year_days for p in principal]
    assert amounts(trace) == expected
    # monotone in the principal and in the days
    longer = interest_subsidy(principal, rate, days + 1, year_days=year_days, rounding=rounding)
    assert (longer.amount >= trace.amount).all()
    ordered = interest_subsidy(
        sorted(principal), rate, days, year_days=year_days, rounding=rounding
    )
    assert (np.diff(ordered.amount) >= 0).all()


@settings(max_examples=examples(300), deadline=None)
@given(st.integers(0, 10**15), st.integers(1, 10**6), roundings)
def test_rounding_one_value_and_an_array_agree_with_decimal(
    numerator: int, denominator: int, rounding: Rounding
) -> None:
    exact = Fraction(numerator, denominator)
    with localcontext() as ctx:
        ctx.prec = 80
        expected = int(round_decimal(Decimal(numerator) / Decimal(denominator), rounding))
    assert rounding.apply(exact) == expected
    row = rounding.apply_ratio(np.array([numerator, numerator], np.int64), denominator)
    assert row.tolist() == [expected, expected]
