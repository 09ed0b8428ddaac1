"""Benefits in profiles: amounts on decisions and tables, checks on load, reforms, funding.

The program is ``fixtures/benefits_program.yaml``: one amount of each formula (a capped
rate with a minimum, a matching share by project type, an interest subsidy by region),
each applying to one ``program``. Every expected number is worked out by hand in a
comment.
"""

from __future__ import annotations

import copy
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paths import FIXTURES
from strategies import examples

import selectlib
from selectlib.benefits import BenefitError

FIXTURE = FIXTURES / "benefits_program.yaml"
ON = "2021-03-02"


@pytest.fixture(scope="module")
def program() -> selectlib.Profile:
    return selectlib.load_profile(FIXTURE)


def raw_profile() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    return data


def applicant(**fields: Any) -> dict[str, Any]:
    record = {"applicant_id": "A", "region": "seoul", "program": "premium", "base": 1_000_000}
    record.update(fields)
    return record


def line(decision: selectlib.Decision, amount: str) -> selectlib.BenefitLine:
    return next(item for item in decision.benefits if item.id == amount)


# -- amounts on one decision ----------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "premium", "amount", "bound"),
    [
        # 20 % in Seoul, at most 1,000,000: the cap is reached at a premium of 5,000,000
        ("seoul", 4_999_995, 999_999, None),  # 999,999.0
        ("seoul", 4_999_999, 999_999, None),  # 999,999.8 floored
        ("seoul", 5_000_000, 1_000_000, None),  # exactly the cap: not capped
        ("seoul", 5_000_005, 1_000_000, "cap"),  # 1,000,001 → 1,000,000
        # 80 % in Jeju: the cap is reached at 1,250,000
        ("jeju", 1_249_999, 999_999, None),  # 999,999.2 floored
        ("jeju", 1_250_000, 1_000_000, None),
        ("jeju", 1_250_002, 1_000_000, "cap"),  # 1,000,001.6 → 1,000,001 → cap
        # at least 10,000 won, but never more than the premium itself
        ("seoul", 49_999, 10_000, "minimum"),  # 9,999.8 → 9,999 → raised to 10,000
        ("seoul", 50_000, 10_000, None),  # exactly 10,000 by the rate
        ("seoul", 9_000, 9_000, "minimum"),  # 1,800 raised, but only up to the premium
        ("seoul", 0, 0, None),
    ],
)
def test_premium_support_at_and_around_its_bounds(
    program: selectlib.Profile, region: str, premium: int, amount: int, bound: str | None
) -> None:
    decision = program.evaluate(applicant(region=region, base=premium), on=ON)
    support = line(decision, "premium_support")
    assert (support.status, support.amount, support.bound) == ("paid", amount, bound)
    assert decision.benefit_total == amount
    assert support.raw == Fraction(premium) * (
        Fraction(1, 5) if region == "seoul" else Fraction(4, 5)
    )
    assert (support.cap, support.minimum) == (1_000_000, 10_000)
    assert support.parameters == ("premium_rate", "premium_cap", "min_support")


def test_matching_shares_and_the_firm_part(program: selectlib.Profile) -> None:
    # type A: 6:4 of 150,000,000 = 90,000,000 (cap 100,000,000), the firm pays 60,000,000
    project = {"program": "smart", "partner_id": "P-1"}
    a = program.evaluate(applicant(**project, base=150_000_000, project_type="a"), on=ON)
    smart = line(a, "smart_support")
    assert (smart.amount, smart.firm, smart.bound, smart.rate) == (
        90_000_000,
        60_000_000,
        None,
        Fraction(3, 5),
    )
    # type A at 200,000,000: 120,000,000 → capped at 100,000,000; the firm pays the rest
    big = line(
        program.evaluate(applicant(**project, base=200_000_000, project_type="a"), on=ON),
        "smart_support",
    )
    assert (big.amount, big.firm, big.bound) == (100_000_000, 100_000_000, "cap")
    # type C is funded 100 % up to 20,000,000
    c = line(
        program.evaluate(
            applicant(program="smart", base=25_000_000, project_type="c", partner_id="P-9"), on=ON
        ),
        "smart_support",
    )
    assert (c.amount, c.firm, c.bound, c.beneficiary) == (20_000_000, 5_000_000, "cap", "P-9")
    # an amount paid to a named beneficiary cannot be paid to nobody
    nobody = program.evaluate(applicant(program="smart", base=10**8, project_type="c"), on=ON)
    assert (line(nobody, "smart_support").status, nobody.benefit_total) == ("missing", None)


def test_interest_subsidy_by_region_and_days(program: selectlib.Profile) -> None:
    # 100,000,000 × 2 % × 180 / 365 = 986,301.369... → 986,301
    seoul = program.evaluate(applicant(program="loan", base=100_000_000, loan_days=180), on=ON)
    subsidy = line(seoul, "loan_subsidy")
    assert (subsidy.amount, subsidy.days, subsidy.year_days) == (986_301, 180, 365)
    assert subsidy.raw == Fraction(100_000_000 * 2 * 180, 100 * 365)
    # Jeju 1.6 %: 50,000,000 × 0.016 × 365 / 365 = 800,000 exactly
    jeju = program.evaluate(
        applicant(region="jeju", program="loan", base=50_000_000, loan_days=365), on=ON
    )
    assert line(jeju, "loan_subsidy").amount == 800_000
    # a literal cap of 5,000,000: 1,000,000,000 × 2 % × 365 / 365 = 20,000,000 → 5,000,000
    large = program.evaluate(applicant(program="loan", base=10**9, loan_days=365), on=ON)
    assert (line(large, "loan_subsidy").amount, line(large, "loan_subsidy").bound) == (
        5_000_000,
        "cap",
    )
    # a rate of 0 pays 0 (the table says Busan subsidises nothing)
    busan = program.evaluate(
        applicant(region="busan", program="loan", base=10**8, loan_days=30), on=ON
    )
    assert (line(busan, "loan_subsidy").status, busan.benefit_total) == ("paid", 0)


def test_when_missing_entries_and_ineligible_applicants(program: selectlib.Profile) -> None:
    decision = program.evaluate(applicant(), on=ON)
    assert [item.status for item in decision.benefits] == ["paid", "not_applicable"] * 1 + [
        "not_applicable"
    ]
    # Busan has no premium rate (null in the table): the amount cannot be worked out
    busan = program.evaluate(applicant(region="busan"), on=ON)
    assert line(busan, "premium_support").status == "missing"
    assert busan.benefit_total is None
    # no loan days: the interest subsidy is missing, not 0
    no_days = program.evaluate(applicant(program="loan"), on=ON)
    assert line(no_days, "loan_subsidy").status == "missing"
    # the program decides which amount applies; missing program: every `when` is missing
    unknown = program.evaluate(applicant(program=None), on=ON)
    assert {item.status for item in unknown.benefits} == {"missing"}
    # undecided applicants get no amounts at all
    incomplete = program.evaluate(applicant(region=None), on=ON)
    assert incomplete.outcome is selectlib.Outcome.INCOMPLETE
    assert (incomplete.benefits, incomplete.benefit_total) == ((), None)


def test_explanations_show_the_calculation(program: selectlib.Profile) -> None:
    decision = program.evaluate(applicant(base=5_000_005), on=ON)
    assert (
        "Premium support (test 2) → A: 1,000,000 won "
        "[20 % × 5,000,005 = 1,000,001 → cap 1,000,000 (premium_cap)]" in decision.explain("en")
    )
    jeju = program.evaluate(applicant(region="jeju", base=1_249_999), on=ON)
    assert "80 % × 1,249,999 = 999,999.20… → 999,999 (1원 미만 절사)" in jeju.explain("ko")


def test_decisions_with_benefits_round_trip_through_json(program: selectlib.Profile) -> None:
    for record in (
        applicant(base=5_000_005),
        applicant(program="loan", base=10**8, loan_days=100),
        applicant(program="smart", base=10**8, project_type="c", partner_id="P"),
        applicant(region="busan"),
    ):
        decision = program.evaluate(record, on=ON)
        data = selectlib.decision_to_dict(decision)
        assert selectlib.decision_from_dict(data) == decision
        assert all(isinstance(item["rate"], str | None) for item in data["benefits"])


def test_profile_round_trips_with_its_benefits(program: selectlib.Profile) -> None:
    data = program.to_dict()
    assert list(data["benefits"]["amounts"]) == ["premium_support", "smart_support", "loan_subsidy"]
    assert data["benefits"]["average_support"] == {"2021-01-01": 280000}
    assert data["benefits"]["rounding"] == {"unit": 1, "mode": "floor"}
    assert selectlib.Profile.from_dict(data) == program


# -- a table at once -------------------------------------------------------------------


def test_evaluate_many_adds_the_amounts(program: selectlib.Profile) -> None:
    rows = [
        applicant(base=5_000_005),
        applicant(region="busan"),
        applicant(program="smart", base=30_000_000, project_type="a", partner_id="P"),
        applicant(region=None),
        applicant(base="lots"),
    ]
    table = program.evaluate_many(rows, on=ON)
    assert table["benefit"].tolist() == [1_000_000, pd.NA, 18_000_000, pd.NA, pd.NA]
    assert table["benefit.premium_support"].tolist() == [1_000_000, pd.NA, 0, pd.NA, pd.NA]
    assert table["benefit.smart_support"].tolist() == [0, 0, 18_000_000, pd.NA, pd.NA]
    assert str(table["benefit"].dtype) == "Int64"


programs = st.sampled_from(["premium", "smart", "loan", None])
records = st.fixed_dictionaries(
    {
        "applicant_id": st.text("AB0123", min_size=1, max_size=4),
        "region": st.sampled_from(["seoul", "jeju", "busan", "제주", None]),
        "program": programs,
        "base": st.one_of(st.integers(0, 10**10), st.none(), st.just(-5), st.just("x")),
        "project_type": st.sampled_from(["a", "c", None]),
        "loan_days": st.one_of(st.integers(0, 800), st.none()),
        "partner_id": st.sampled_from(["P1", None]),
    }
)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records, min_size=1, max_size=25))
def test_a_table_and_one_decision_at_a_time_agree(
    program: selectlib.Profile, rows: list[dict[str, Any]]
) -> None:
    table = program.evaluate_many(rows, on=ON)
    for index, record in enumerate(rows):
        decision = program.evaluate(record, on=ON)
        total = table["benefit"].iloc[index]
        assert (None if pd.isna(total) else int(total)) == decision.benefit_total
        for item in decision.benefits:
            cell = table[f"benefit.{item.id}"].iloc[index]
            expected = None if item.status == "missing" else item.paid
            assert (None if pd.isna(cell) else int(cell)) == expected
        if not decision.benefits:
            assert pd.isna(total)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records, min_size=1, max_size=25))
def test_one_decision_says_why_in_the_words_of_the_table(
    program: selectlib.Profile, rows: list[dict[str, Any]]
) -> None:
    problems = program.evaluate_many(rows, on=ON)["benefit_problems"]
    for record, problem in zip(rows, problems, strict=True):
        lines = program.evaluate(record, on=ON).benefits
        assert all((item.reason is not None) == (item.status == "missing") for item in lines)
        said = [f"{item.id}: {item.reason.en}" for item in lines if item.reason is not None]
        assert "; ".join(said) == ("" if pd.isna(problem) else problem)


def floor_decimal(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


@settings(max_examples=examples(200), deadline=None)
@given(st.sampled_from(["seoul", "jeju"]), st.integers(0, 10**12), st.integers(0, 10**12))
def test_premium_support_is_capped_monotone_and_equals_decimal(
    program: selectlib.Profile, region: str, low: int, high: int
) -> None:
    low, high = sorted((low, high))
    amounts = []
    for premium in (low, high):
        support = line(
            program.evaluate(applicant(region=region, base=premium), on=ON), "premium_support"
        )
        rate = Decimal("0.2") if region == "seoul" else Decimal("0.8")
        expected = min(max(floor_decimal(Decimal(premium) * rate), min(premium, 10_000)), 1_000_000)
        assert support.amount == expected
        assert support.amount is not None
        assert support.amount <= 1_000_000
        amounts.append(support.amount)
    assert amounts[0] <= amounts[1]


# -- reforms ---------------------------------------------------------------------------


def test_reforms_change_amounts_and_are_checked(program: selectlib.Profile) -> None:
    lower_cap = program.with_params({"premium_cap": 500_000})
    assert lower_cap.evaluate(applicant(base=5_000_000), on=ON).benefit_total == 500_000
    jeju_half = program.with_params({"premium_rate.jeju": "50%"})
    assert jeju_half.evaluate(applicant(region="jeju", base=1_000_000), on=ON).benefit_total == (
        500_000
    )
    with pytest.raises(selectlib.ParameterError, match=r"premium_rate.*above 100 %"):
        program.with_params({"premium_rate.seoul": "120%"})
    with pytest.raises(selectlib.ParameterError, match=r"premium_cap.*whole won"):
        program.with_params({"premium_cap": 1.5})
    with pytest.raises(selectlib.ParameterError, match="smart_ratio"):
        program.with_params({"smart_ratio.a": "6:-4"})
    # a minimum above its cap, by either side of a reform
    with pytest.raises(selectlib.ParameterError, match=r"minimum 10,000 won is above|can be above"):
        program.with_params({"premium_cap": 5_000})
    with pytest.raises(selectlib.ParameterError, match="can be above a cap of 1,000,000 won"):
        program.with_params({"min_support": 2_000_000}, since="2022-01-01")


# -- checks when the profile loads -----------------------------------------------------


def _amount(data: dict[str, Any], name: str = "premium_support") -> dict[str, Any]:
    amounts: dict[str, Any] = data["benefits"]["amounts"]
    return amounts[name]  # type: ignore[no-any-return]


BROKEN: list[tuple[str, Any, str, str]] = [
    (
        "base is not an integer field",
        lambda d: _amount(d).update(base="region"),
        "$.benefits.amounts.premium_support.base",
        "'region' is not an integer field",
    ),
    (
        "base may be negative",
        lambda d: d["fields"]["base"].pop("minimum"),
        "$.benefits.amounts.premium_support.base",
        "may be negative",
    ),
    (
        "unknown parameter",
        lambda d: _amount(d).update(rate="premium_rates"),
        "$.benefits.amounts.premium_support.rate",
        "no parameter named 'premium_rates'",
    ),
    (
        "a percentage without its sign",
        lambda d: _amount(d).update(rate=20),
        "$.benefits.amounts.premium_support.rate",
        "above 100 %",
    ),
    (
        "a table without keyed_by, by its bare name",
        lambda d: (
            d["parameters"]["smart_cap"].pop("keyed_by")
            and _amount(d, "smart_support").update(cap="smart_cap")
        ),
        "$.benefits.amounts.smart_support.cap",
        "look it up by a category field",
    ),
    (
        "a lookup by a field that is not a category",
        lambda d: _amount(d, "smart_support").update(cap="smart_cap[partner_id]"),
        "$.benefits.amounts.smart_support.cap",
        "'partner_id' is not a category field",
    ),
    (
        "a table lacking a code",
        lambda d: d["parameters"]["smart_cap"]["value"].pop("c"),
        "$.parameters.smart_cap.value",
        "lacks key(s) c",
    ),
    (
        "a ratio on the rate formula",
        lambda d: _amount(d).update(ratio="6:4"),
        "$.benefits.amounts.premium_support.ratio",
        "takes 'rate', not 'ratio'",
    ),
    (
        "days on the rate formula",
        lambda d: _amount(d).update(days="loan_days"),
        "$.benefits.amounts.premium_support.days",
        "days belongs to the interest formula",
    ),
    (
        "an interest formula without days",
        lambda d: _amount(d, "loan_subsidy").pop("days"),
        "$.benefits.amounts.loan_subsidy.days",
        "the interest formula needs it",
    ),
    (
        "a cap that is not whole won",
        lambda d: _amount(d, "loan_subsidy").update(cap=12.5),
        "$.benefits.amounts.loan_subsidy.cap",
        "whole won",
    ),
    (
        "a broken when",
        lambda d: _amount(d).update(when="program = 'premium'"),
        "$.benefits.amounts.premium_support.when",
        "",
    ),
    (
        "an unknown beneficiary",
        lambda d: _amount(d, "smart_support").update(beneficiary="partner"),
        "$.benefits.amounts.smart_support.beneficiary",
        "no field named 'partner'",
    ),
    (
        "an unknown budget",
        lambda d: d["benefits"].update(budget="budgets"),
        "$.benefits.budget",
        "no parameter named 'budgets'",
    ),
    (
        "rank without the field of ranks",
        lambda d: d["benefits"]["allocation"].update(method="rank", rank=None),
        "$.benefits.allocation",
        "",
    ),
    (
        "no rounding rule",
        lambda d: d["benefits"].pop("rounding"),
        "$.benefits",
        "'rounding' is a required property",
    ),
    (
        "a minimum above the cap",
        lambda d: _amount(d).update(minimum=2_000_000),
        "$.benefits.amounts.premium_support.minimum",
        "can be above a cap of 1,000,000 won",
    ),
    (
        "a days field that may be negative",
        lambda d: d["fields"]["loan_days"].pop("minimum"),
        "$.benefits.amounts.loan_subsidy.days",
        "may be negative",
    ),
    (
        "a when that leaves a table's codes",
        lambda d: _amount(d).update(when="program == 'premium' and region in ['seoul', 'mars']"),
        "$.benefits.amounts.premium_support.when",
        "mars",
    ),
    (
        "an unknown formula",
        lambda d: _amount(d).update(formula="percent"),
        "$.benefits.amounts.premium_support.formula",
        "'percent' is not one of",
    ),
]


@pytest.mark.parametrize(
    ("mistake", "path", "message"),
    [(b[1], b[2], b[3]) for b in BROKEN],
    ids=[b[0] for b in BROKEN],
)
def test_mistakes_in_benefits_are_reported_where_they_are(
    mistake: Any, path: str, message: str
) -> None:
    data = copy.deepcopy(raw_profile())
    mistake(data)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    with pytest.raises(selectlib.ProfileError) as caught:
        selectlib.profile.compiled.from_text(text, "broken.yaml")
    problems = caught.value.problems
    assert any(str(p.key).startswith(path) and message in p.message for p in problems), problems
    assert all(p.line is not None for p in problems)


# -- funding under a budget ------------------------------------------------------------


def premium_rows(count: int, premium: int = 1_400_000) -> list[dict[str, Any]]:
    """``count`` Seoul applicants asking 280,000 won each, arriving in row order."""
    return [
        applicant(applicant_id=f"A{i:03}", base=premium, received_no=i + 1) for i in range(count)
    ]


def test_the_dated_budget_funds_by_arrival(program: selectlib.Profile) -> None:
    rows = premium_rows(400)  # 20 % of 1,400,000 = 280,000 each
    funding = selectlib.fund(program, rows, on="2021-03-02")
    (pot,) = funding.pots
    # 100,000,000 / 280,000 = 357.14: 357 funded in full, the 358th gets 40,000, 42 get nothing
    assert (pot.budget, pot.funded_full, pot.funded_partly, pot.unfunded) == (10**8, 357, 1, 42)
    assert (pot.capacity, pot.granted, pot.remaining) == (357, 10**8, 0)
    assert funding.table["granted"].iloc[357] == 100_000_000 - 357 * 280_000
    assert funding.table["funding"].iloc[[0, 356, 357, 358]].tolist() == [
        "full",
        "full",
        "partial",
        "none",
    ]
    # the 2018 budget is 20,000,000 and no average support is given for 2018
    early = selectlib.fund(program, rows, on="2018-06-01")
    assert (early.budget, early.pots[0].capacity, early.pots[0].funded_full) == (
        2 * 10**7,
        None,
        71,
    )


def test_arrival_follows_the_receipt_numbers_not_the_rows(program: selectlib.Profile) -> None:
    rows = premium_rows(3, premium=5_000_000)  # 1,000,000 each
    rows[0]["received_no"], rows[2]["received_no"] = 9, 1
    funding = selectlib.fund(program, rows, on=ON, budget=1_500_000)
    assert funding.table["granted"].tolist() == [0, 500_000, 1_000_000]


def test_every_row_comes_back_with_its_funding(program: selectlib.Profile) -> None:
    rows = [
        applicant(applicant_id="ok", base=5_000_000, received_no=1),
        applicant(applicant_id="busan", region="busan", received_no=2),
        applicant(applicant_id="nowhere", region=None, received_no=3),
        applicant(applicant_id="bad", base=-1, received_no=4),
        applicant(
            applicant_id="smart",
            program="smart",
            base=10**8,
            project_type="c",
            partner_id="P",
            received_no=5,
        ),
    ]
    funding = selectlib.fund(program, rows, on=ON, budget=10**7)
    table = funding.table
    assert table["applicant_id"].tolist() == ["ok", "busan", "nowhere", "bad", "smart"]
    assert table["funding"].tolist() == [
        "full",
        "missing",
        "not_eligible",
        "not_eligible",
        "partial",
    ]
    assert table["requested"].tolist() == [1_000_000, 0, 0, 0, 20_000_000]
    assert table["granted"].tolist() == [1_000_000, 0, 0, 0, 9_000_000]
    payments = funding.payments
    assert payments[["applicant", "amount", "beneficiary", "granted"]].values.tolist() == [
        ["ok", "premium_support", "ok", 1_000_000],
        ["smart", "smart_support", "P", 9_000_000],
    ]


def test_pro_rata_and_rank(program: selectlib.Profile) -> None:
    rows = premium_rows(3, premium=5_000_000)
    for row, rank in zip(rows, (3, 1, 2), strict=True):
        row["rank"] = rank
    by_rank = selectlib.fund(program, rows, on=ON, budget=1_500_000, method="rank")
    assert by_rank.table["granted"].tolist() == [0, 1_000_000, 500_000]
    pro_rata = selectlib.fund(program, rows, on=ON, budget=1_500_000, method="pro_rata")
    assert pro_rata.table["granted"].tolist() == [500_000] * 3
    assert pro_rata.table["funding"].tolist() == ["partial"] * 3


def test_funding_refuses_what_it_cannot_do_fairly(program: selectlib.Profile) -> None:
    rows = premium_rows(3, premium=5_000_000)
    rows[1]["received_no"] = rows[2]["received_no"] = 2
    with pytest.raises(BenefitError, match=r"rows \['A001', 'A002'\] share arrival key 2 "):
        selectlib.fund(program, rows, on=ON, budget=1_500_000)
    in_row_order = selectlib.fund(program, rows, on=ON, budget=1_500_000, ties="row_order")
    assert in_row_order.table["granted"].tolist() == [1_000_000, 500_000, 0]
    rows[1].pop("received_no")
    with pytest.raises(selectlib.InputError, match=r"rows \['A001'\] are eligible but have no"):
        selectlib.fund(program, rows, on=ON, budget=1_500_000)
    flagship = selectlib.load_profile("micro_manufacturer_center_2024")
    with pytest.raises(BenefitError, match="no 'benefits' section"):
        selectlib.fund(flagship, [{}], on="2024-05-01")


def test_a_budget_kept_per_region(program: selectlib.Profile) -> None:
    data = program.to_dict()
    data["parameters"]["budget"] = {
        "description": {"ko": "지역별 예산", "en": "Budget by region"},
        "keyed_by": "region",
        "value": {"seoul": 1_000_000, "jeju": 3_000_000, "busan": 0},
    }
    regional = selectlib.Profile.from_dict(data)
    rows = [
        applicant(applicant_id="s1", base=5_000_000, received_no=1),
        applicant(applicant_id="s2", base=5_000_000, received_no=2),
        applicant(applicant_id="j1", region="jeju", base=1_250_000, received_no=3),
    ]
    funding = selectlib.fund(regional, rows, on=ON)
    assert [(p.key, p.budget, p.granted) for p in funding.pots] == [
        ("seoul", 1_000_000, 1_000_000),
        ("jeju", 3_000_000, 1_000_000),
        ("busan", 0, 0),
    ]
    assert funding.table["pot"].tolist() == ["seoul", "seoul", "jeju"]
    assert funding.table["funding"].tolist() == ["full", "none", "full"]


funding_rows = st.lists(
    st.fixed_dictionaries(
        {
            "region": st.sampled_from(["seoul", "jeju", "busan", None]),
            "program": programs,
            "base": st.one_of(st.integers(0, 10**9), st.none()),
            "project_type": st.sampled_from(["a", "c"]),
            "loan_days": st.integers(0, 400),
        }
    ),
    max_size=30,
).map(lambda rows: [{**row, "received_no": i} for i, row in enumerate(rows)])


@settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(funding_rows, st.integers(0, 10**9), st.sampled_from(["arrival", "pro_rata"]))
def test_funding_never_exceeds_the_budget_and_accounts_for_every_row(
    program: selectlib.Profile, rows: list[dict[str, Any]], budget: int, method: Any
) -> None:
    funding = selectlib.fund(program, rows, on=ON, budget=budget, method=method)
    table = funding.table
    assert len(table) == len(rows)
    granted = table["granted"].to_numpy(np.int64)
    requested = table["requested"].to_numpy(np.int64)
    assert granted.sum() <= budget
    assert funding.granted == granted.sum()
    assert (granted <= requested).all()
    assert (granted >= 0).all()
    status = table["funding"].astype(str).to_numpy()
    assert ((status == "full") == ((granted == requested) & np.isin(status, ["full"]))).all()
    assert (granted[np.isin(status, ["none", "missing", "not_eligible"])] == 0).all()
    assert (status[table["eligible"].fillna(False).to_numpy(bool)] != "not_eligible").all()
    assert funding.payments["granted"].sum() == granted.sum()


def test_amounts_too_large_for_int64_are_still_exact_in_a_table() -> None:
    subsidy = selectlib.load_profile("interest_subsidy")
    row = {
        "applicant_id": "big",
        "local_government": "seoul",
        "is_sme": True,
        "fund_member": True,
        "loan_type": "operating",
        "principal": 10**15,
        "loan_days": 36_600,
    }
    # 10**15 × 2 % × 36,600 / 365 = 2,005,479,452,054,794.52…: beyond int64 on the way, and
    # more than the principal itself, which is as much as a subsidy ever pays
    expected = min(10**15 * 2 * 36_600 // (100 * 365), 10**15)
    assert subsidy.evaluate(row, on=ON).benefit_total == expected
    assert subsidy.evaluate_many([row], on=ON)["benefit"].tolist() == [expected]


def test_a_null_budget_entry_funds_nobody_and_says_so(program: selectlib.Profile) -> None:
    data = program.to_dict()
    data["parameters"]["budget"] = {
        "description": {"ko": "지역별 예산", "en": "Budget by region"},
        "keyed_by": "region",
        "value": {"seoul": 1_000_000, "jeju": None, "busan": 0},
    }
    rows = [
        applicant(applicant_id="s1", base=1_000_000, received_no=1),
        applicant(applicant_id="j1", region="jeju", base=1_000_000, received_no=2),
    ]
    funding = selectlib.fund(selectlib.Profile.from_dict(data), rows, on=ON)
    assert funding.table["funding"].tolist() == ["full", "missing"]
    jeju = next(pot for pot in funding.pots if pot.key == "jeju")
    assert (jeju.budget, jeju.remaining, jeju.requested, jeju.granted) == (None, None, 800_000, 0)
    assert funding.summary()["budget"].tolist() == [1_000_000, pd.NA, 0]


def test_payments_follow_the_rows_and_errors_name_applicants(
    program: selectlib.Profile,
) -> None:
    rows = pd.DataFrame(premium_rows(3, premium=5_000_000), index=[30, 20, 10])
    funding = selectlib.fund(program, rows, on=ON, budget=10**7)
    assert funding.payments["row"].tolist() == [30, 20, 10]
    assert funding.payments["applicant"].tolist() == ["A000", "A001", "A002"]
    rows["rank"] = [1, 0, 2]
    with pytest.raises(BenefitError, match="row A001: rank 0"):
        selectlib.fund(program, rows, on=ON, budget=10**7, method="rank")
