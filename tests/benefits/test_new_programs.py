"""The remaining programs as profiles: Seoul's fixed-unit grants (seed 000) and Guro-gu's
low-interest loans (seed 003). Every figure below is typed from the seeds, in their units
(천원, 백만원, 억원), and converted exactly, never read back from the engine."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

import selectlib
from selectlib import Outcome
from selectlib.benefits import (
    PLAN_COLUMNS,
    as_rate,
    baekmanwon,
    capacity,
    chunwon,
    payment_plan,
    repayment_schedule,
    target,
)
from selectlib.cli import app as cli
from selectlib.profile.compiled import profiles_dir

FIXED = "seoul_fixed_grants"
LOANS = "guro_loans"
ON_2021 = "2021-03-02"
ON_2018 = "2018-03-02"

# 000 붙임1 (lines 503-510): program → (unit 천원, count, budget line 천원) as printed.
SEED_000_LINES = {
    "home_shopping": (15_000, 6, 90_000),  # 입점 지원 : 15,000×6개=90,000천원
    "overseas_marketing": (12_500, 10, 125_000),  # 12,500×10개=125,000천원
    "press_advertising": (6_000, 5, 30_000),  # 6,000×5개=30,000천원
    "joint_business": (15_000, 20, 300_000),  # 15,000×20회=300,000천원
    "staff_training": (10_500, 20, 210_000),  # 10,500×20회=210,000천원
    "coop_workshop": (17_500, 2, 35_000),  # 17,500×2회=35,000천원
    "leaders_forum": (15_000, 1, 15_000),  # printed "=35,000천원": a typo (body: 15,000천원(1회))
    "network_meeting": (1_000, 5, 5_000),  # 1,000×5회=5,000천원
    "joint_consulting": (100, 48, 4_800),  # 4,800천원(100천원×48개×1회)
    "operations_consulting": (200, 86, 17_200),  # 17,200천원(200천원×86개×1회)
}


def values(profile_id: str, on: str) -> dict[str, Any]:
    return dict(selectlib.load_profile(profile_id).params_on(on).values)


def decide(profile_id: str, on: str, **record: Any) -> selectlib.Decision:
    return selectlib.load_profile(profile_id).evaluate(record, on=on)


def test_both_profiles_validate_strictly() -> None:
    paths = [str(profiles_dir() / f"{name}.yaml") for name in (FIXED, LOANS)]
    result = CliRunner().invoke(cli.app, ["profiles", "validate", "--strict", *paths])
    assert result.exit_code == 0, result.output


# -- Seoul fixed-unit grants (000) ------------------------------------------------------


@pytest.mark.parametrize("program", SEED_000_LINES)
def test_each_program_unit_times_count_is_its_budget_line(program: str) -> None:
    unit, count, line = SEED_000_LINES[program]
    params = values(FIXED, ON_2021)
    assert params["unit_amount"][program] == chunwon(unit)
    assert params["planned_cases"][program] == count
    assert params["budget"][program] == chunwon(line) == chunwon(unit) * count
    # each program's pot funds exactly its planned cases at its unit amount
    assert capacity(params["budget"][program], chunwon(unit), mode="floor") == count


def test_the_sales_and_marketing_lines_make_the_seeds_totals() -> None:
    params = values(FIXED, ON_2021)
    marketing = ("home_shopping", "overseas_marketing", "press_advertising")
    # 250,000천원 = 95,000 (90,000 entry + 5,000 meetings) + 125,000 + 30,000
    assert sum(params["budget"][p] for p in marketing) + chunwon(5_000) == chunwon(250_000)
    consulting = ("joint_consulting", "operations_consulting")
    assert sum(params["budget"][p] for p in consulting) == chunwon(22_000)  # 컨설턴트 운영비


def test_the_network_events_total_55000_not_the_annexs_typo() -> None:
    params = values(FIXED, ON_2021)
    events = ("coop_workshop", "leaders_forum", "network_meeting")
    assert sum(params["budget"][p] for p in events) == chunwon(55_000)
    assert params["budget"]["leaders_forum"] == chunwon(15_000) != chunwon(35_000)
    notes = " ".join(note.en for note in selectlib.load_profile(FIXED).spec.notes)
    assert "typo" in notes
    assert "15,000×1회=35,000천원" in notes


def test_the_consulting_targets_are_96_cooperatives_times_the_shares_rounded_down() -> None:
    params = values(FIXED, ON_2021)
    assert params["seoul_cooperatives"] == 96
    share = params["consulting_share"]
    assert (
        target(96, "50%", mode="floor") == 48 == target(96, share["joint_consulting"], mode="floor")
    )
    assert (
        target(96, "90%", mode="floor")
        == 86
        == target(96, share["operations_consulting"], mode="floor")
    )
    assert target(96, "90%", mode="half_up") == 86  # 86.4: the rule matters only from .5
    assert params["planned_cases"]["joint_consulting"] == 48
    assert params["planned_cases"]["operations_consulting"] == 86


def test_the_kbiz_grant_is_paid_in_three_dated_instalments_summing_to_1400_million() -> None:
    profile = selectlib.load_profile(FIXED)
    plan = payment_plan(profile, "kbiz_grant")
    assert list(plan.columns) == list(PLAN_COLUMNS)
    assert dict(zip(plan["date"], plan["amount"], strict=True)) == {
        dt.date(2021, 2, 1): baekmanwon(400),
        dt.date(2021, 5, 1): baekmanwon(400),
        dt.date(2021, 7, 1): baekmanwon(600),
    }
    assert plan["paid_to_date"].tolist() == [baekmanwon(n) for n in (400, 800, 1_400)]
    assert plan["remaining"].tolist() == [baekmanwon(n) for n in (1_000, 600, 0)]
    assert values(FIXED, ON_2021)["kbiz_grant"] == baekmanwon(1_400)
    assert "benefits.payment_plans.kbiz_grant" in [a.where for a in profile.assumptions()]


def test_a_payment_plan_must_add_up_to_its_total() -> None:
    data = selectlib.load_profile(FIXED).to_dict()
    data["benefits"]["payment_plans"]["kbiz_grant"]["instalments"]["2021-07-01"] = 1
    with pytest.raises(selectlib.ProfileError, match="add up to 800,000,001 won, not the total"):
        selectlib.Profile.from_dict(data)
    data["benefits"]["payment_plans"]["kbiz_grant"]["total"] = "no_such_parameter"
    with pytest.raises(selectlib.ProfileError, match="'no_such_parameter' is no parameter"):
        selectlib.Profile.from_dict(data)
    with pytest.raises(selectlib.BenefitError, match="has no payment plan 'x'"):
        payment_plan(selectlib.load_profile(FIXED), "x")
    assert sum(line for *_, line in SEED_000_LINES.values()) < 1_400_000  # the rest: other programs


@pytest.mark.parametrize(
    ("program", "kind", "outcome"),
    [
        ("home_shopping", "sme", Outcome.ELIGIBLE),
        ("home_shopping", "cooperative", Outcome.INELIGIBLE),  # 서울 소재 중소기업
        ("press_advertising", "cooperative", Outcome.ELIGIBLE),  # 중소기업 및 협동조합 언론 홍보
        ("joint_business", "sme", Outcome.INELIGIBLE),  # 서울지역 중소기업협동조합
        ("joint_business", "cooperative", Outcome.ELIGIBLE),
        ("staff_training", "sme", Outcome.ELIGIBLE),
        ("operations_consulting", "sme", Outcome.INELIGIBLE),
        ("network_meeting", "other", Outcome.INELIGIBLE),
    ],
)
def test_who_each_program_supports(program: str, kind: str, outcome: Outcome) -> None:
    decision = decide(
        FIXED, ON_2021, program=program, applicant_kind=kind, located_in_seoul=True, cost=1
    )
    assert decision.outcome is outcome, decision.explain("en")


def test_a_case_is_paid_its_cost_up_to_the_unit_amount() -> None:
    firm = {"program": "overseas_marketing", "applicant_kind": "sme", "located_in_seoul": True}
    paid = [
        decide(FIXED, ON_2021, **firm, cost=cost).benefit_total
        for cost in (12_499_999, 12_500_000, 12_500_001)
    ]
    assert paid == [12_499_999, 12_500_000, 12_500_000]
    outside = decide(FIXED, ON_2021, **{**firm, "located_in_seoul": False}, cost=1_000)
    assert outside.outcome is Outcome.INELIGIBLE


def test_funding_is_per_program_and_refused_after_2021() -> None:
    table = pd.DataFrame(
        [{"program": "press_advertising", "applicant_kind": "sme", "located_in_seoul": True,
          "cost": 6_000_000, "received_no": 1}]
    )  # fmt: skip
    funded = selectlib.fund(selectlib.load_profile(FIXED), table, on=ON_2021)
    assert funded.table["granted"].tolist() == [6_000_000]
    pot = {p.key: p for p in funded.pots}["press_advertising"]
    assert (pot.budget, pot.capacity) == (chunwon(30_000), 5)
    with pytest.raises(selectlib.SelectlibError, match="2021-01-01 to 2021-12-31"):
        selectlib.fund(selectlib.load_profile(FIXED), table, on="2022-03-02")


# -- Guro-gu low-interest loans (003) ---------------------------------------------------

WOORI = {
    "business_kind": "sme",
    "located_in_guro": True,
    "loan_kind": "woori_bank",
    "has_collateral": True,
    "loan_amount": 30_000_000,
}
GUARANTEE = {
    **WOORI,
    "business_kind": "small_business",
    "loan_kind": "special_guarantee",
    "has_collateral": False,
}
EOK = 100_000_000  # 억원


def test_the_loan_terms_are_the_seeds() -> None:
    params = values(LOANS, ON_2018)
    assert as_rate(params["fund_rate"]) == as_rate("1.8%")
    assert as_rate(params["woori_compensated_rate"]) == as_rate("1%p")
    assert (as_rate(params["guarantee_rate_min"]), as_rate(params["guarantee_rate_max"])) == (
        as_rate("3%"),
        as_rate("5%"),
    )
    assert params["guarantee_cap"] == 5_000 * 10_000  # 5,000만원
    # 구 출연금 5억원의 10배수 총 50억원
    assert params["guarantee_contribution"] * params["guarantee_multiple"] == 50 * EOK
    scale = params["loan_scale"]
    assert scale == {
        "development_fund": 50 * EOK,
        "woori_bank": 30 * EOK,
        "special_guarantee": 10 * EOK,
    }
    assert sum(scale.values()) == 90 * EOK  # 규모 (총90억)
    assert set(params["grace_years"].values()) == {1}
    assert params["repay_years"] == {"development_fund": 4, "woori_bank": 4, "special_guarantee": 4}
    assert set(params["instalments_per_year"].values()) == {2}  # 연2회
    assert list(params["call_months"]) == [1, 7]


def test_the_unstated_guarantee_terms_are_labelled_assumptions() -> None:
    found = {a.where for a in selectlib.load_profile(LOANS).assumptions(on=ON_2018)}
    assert "parameters.instalments_per_year[special_guarantee]" in found
    assert "parameters.repay_years[special_guarantee]" in found
    assert "benefits.rounding" in found


@pytest.mark.parametrize(
    ("change", "outcome"),
    [
        ({}, Outcome.ELIGIBLE),
        ({"loan_amount": 50_000_000}, Outcome.ELIGIBLE),  # at the cap
        ({"loan_amount": 50_000_001}, Outcome.INELIGIBLE),  # above 5,000만원
        ({"business_kind": "sme"}, Outcome.INELIGIBLE),  # the guarantee is for 소상공인
        ({"has_collateral": True}, Outcome.INELIGIBLE),  # 담보능력 부족 only
        ({"located_in_guro": False}, Outcome.INELIGIBLE),
        ({"loan_amount": 0}, Outcome.INELIGIBLE),
    ],
)
def test_the_special_guarantee_criteria(change: dict[str, Any], outcome: Outcome) -> None:
    decision = decide(LOANS, ON_2018, **{**GUARANTEE, **change})
    assert decision.outcome is outcome, decision.explain("en")


def test_fund_and_bank_loans_have_no_cap_but_need_the_banks_collateral_check() -> None:
    fund_loan = {**WOORI, "loan_kind": "development_fund", "loan_amount": 500_000_000}
    assert decide(LOANS, ON_2018, **fund_loan).outcome is Outcome.ELIGIBLE
    no_collateral = decide(LOANS, ON_2018, **{**fund_loan, "has_collateral": False})
    assert no_collateral.outcome is Outcome.INELIGIBLE


def test_the_woori_compensation_claim_matches_the_schedule() -> None:
    # A claim over the grace year (365 days on the whole principal) is what the schedule's
    # two half-yearly grace periods compensate: 30,000,000 × 1 % = 300,000 won.
    claim = decide(LOANS, ON_2018, **WOORI, balance=30_000_000, interest_days=365)
    assert claim.benefit_total == 300_000
    params = values(LOANS, ON_2018)
    loan = "woori_bank"
    plan = repayment_schedule(
        30_000_000,
        "3.5%",
        params["grace_years"][loan],
        params["instalments_per_year"][loan],
        params["repay_years"][loan],
        compensated_rate=params["woori_compensated_rate"],
        rounding=selectlib.load_profile(LOANS).spec.benefits.rounding,  # type: ignore[union-attr]
    )
    assert len(plan.periods) == 10
    assert sum(p.compensated for p in plan.periods if p.phase == "grace") == 300_000
    assert plan.compensated == 300_000 + 675_000  # 150,000 × (8 + 7 + ... + 1) / 8 after grace
    # a fund loan is at 1.8 % with nothing compensated
    fund_line = decide(LOANS, ON_2018, **{**WOORI, "loan_kind": "development_fund"}).benefits
    assert [line.status for line in fund_line] == ["not_applicable"]
