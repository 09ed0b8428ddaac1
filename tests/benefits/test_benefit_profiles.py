"""Hand-checked benefits of the built-in program profiles (DOMAIN.md §2-5).

Every amount below is worked out by hand from the Korean sources (shared/seeds/000-003),
not from the engine: rates are exact, amounts are cut down to the whole won (원 미만
절사), and caps are tried at, just below and just above their value.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

import selectlib
from selectlib import Outcome
from selectlib.cli import app as cli
from selectlib.profile.compiled import profiles_dir

PROFILES = (
    "seoul_pl_insurance",
    "pl_insurance_regions_2020",
    "interest_subsidy",
    "coop_collaboration",
    "smart_factory",
    "guro_kotra_branch",
)


def decide(profile_id: str, on: str, **record: Any) -> selectlib.Decision:
    return selectlib.load_profile(profile_id).evaluate(record, on=on)


def only_line(decision: selectlib.Decision) -> selectlib.BenefitLine:
    """The one benefit line of an eligible decision with a single amount."""
    assert decision.outcome is Outcome.ELIGIBLE, decision.explain("en")
    (line,) = decision.benefits
    return line


def lines(decision: selectlib.Decision) -> dict[str, selectlib.BenefitLine]:
    assert decision.outcome is Outcome.ELIGIBLE, decision.explain("en")
    return {line.id: line for line in decision.benefits}


def pots(funding: Any) -> dict[str | None, Any]:
    return {pot.key: pot for pot in funding.pots}


# -- every profile ---------------------------------------------------------------------


@pytest.mark.parametrize("profile_id", PROFILES)
def test_profile_loads_with_floor_rounding_to_the_won(profile_id: str) -> None:
    profile = selectlib.load_profile(profile_id)
    assert profile_id in selectlib.list_profiles()
    assert profile.id == profile_id == Path(profile.path or "").stem
    assert profile.name.ko
    assert profile.name.en
    assert profile.spec.benefits is not None
    # 원 미만 절사 (an assumption each profile labels): amounts are cut down to the won.
    rounding = profile.spec.benefits.rounding
    assert (rounding.unit, rounding.mode) == (1, "floor")


def test_profiles_validate_accepts_every_benefit_profile() -> None:
    paths = [str(profiles_dir() / f"{profile_id}.yaml") for profile_id in PROFILES]
    result = CliRunner().invoke(cli.app, ["profiles", "validate", *paths])
    assert result.exit_code == 0, result.output


# -- Seoul PL insurance (000 ②-3, 002) -------------------------------------------------

PL = "seoul_pl_insurance"
PL_FIRM = {"is_sme": True, "located_in_seoul": True, "pl_insured": True}


@pytest.mark.parametrize(
    ("premium", "amount", "bound"),
    [
        (4_999_995, 999_999, None),  # 20 % = 999,999 exactly
        (4_999_999, 999_999, None),  # 999,999.8 → 999,999 (floor, not rounded up)
        (5_000_000, 1_000_000, None),  # 1,000,000 = the cap, reached by the rate itself
        (5_000_004, 1_000_000, None),  # 1,000,000.8 → 1,000,000: rounding, not the cap
        (5_000_005, 1_000_000, "cap"),  # 1,000,001 → cap 1,000,000
        (30_000_000, 1_000_000, "cap"),  # 6,000,000 → cap
        (1, 0, None),  # 0.2 → 0
        (123_456, 24_691, None),  # 24,691.2 → 24,691
    ],
)
def test_seoul_pl_premium_support_20_percent_capped_at_one_million(
    premium: int, amount: int, bound: str | None
) -> None:
    line = only_line(decide(PL, "2021-03-02", **PL_FIRM, premium=premium))
    assert (line.status, line.amount, line.bound) == ("paid", amount, bound)
    assert line.rate == Fraction(1, 5)
    assert line.cap == 1_000_000
    assert line.base == premium
    assert line.raw == Fraction(premium, 5)
    assert line.beneficiary is None


def test_seoul_pl_same_rule_in_2018() -> None:
    decision = decide(PL, "2018-05-01", **PL_FIRM, premium=5_000_005)
    assert decision.benefit_total == 1_000_000
    assert only_line(decision).effective == dt.date(2018, 1, 1)


@pytest.mark.parametrize(
    ("changes", "outcome", "failed"),
    [
        ({"located_in_seoul": False}, Outcome.INELIGIBLE, ["seoul_location"]),
        ({"is_sme": "아니오"}, Outcome.INELIGIBLE, ["sme"]),
        ({"pl_insured": "X"}, Outcome.INELIGIBLE, ["pl_group_insurance"]),
        ({"premium": 0}, Outcome.INELIGIBLE, ["premium_paid"]),
        ({"premium": None}, Outcome.INCOMPLETE, ["premium_paid"]),  # missing, not failed
    ],
)
def test_seoul_pl_who_is_not_paid(
    changes: dict[str, Any], outcome: Outcome, failed: list[str]
) -> None:
    decision = decide(PL, "2021-03-02", **{**PL_FIRM, "premium": 1_000_000, **changes})
    assert decision.outcome is outcome
    assert [c.id for c in decision.failed] == failed
    assert decision.benefits == ()
    assert decision.benefit_total is None


@pytest.mark.parametrize(
    ("on", "budget", "since"),
    [
        ("2018-01-01", 20_000_000, "2018-01-01"),  # 002: 20,000천원
        ("2019-07-01", None, "2019-01-01"),  # no 2019 budget in the sources: none
        ("2020-06-30", 200_000_000, "2020-01-01"),  # 000 line 120: plan 100 + 추경 100 백만원
        ("2021-01-01", 100_000_000, "2021-01-01"),  # 000: 100,000천원
        ("2023-01-01", None, "2022-01-01"),  # the sources end with 2021: none
    ],
)
def test_seoul_pl_budget_by_year(on: str, budget: int | None, since: str) -> None:
    env = selectlib.load_profile(PL).params_on(on)
    assert env.values["budget"] == budget
    assert env.effective["budget"] == dt.date.fromisoformat(since)


def test_seoul_pl_starts_in_2018() -> None:
    with pytest.raises(selectlib.ValidityError):
        selectlib.load_profile(PL).params_on("2017-12-31")


def pl_rows(premiums: list[int], received: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "applicant_id": [f"P{i}" for i in range(len(premiums))],
            **dict.fromkeys(PL_FIRM, True),
            "premium": premiums,
            "received_no": received,
        }
    )


def test_seoul_pl_capacity_357_firms_in_2021() -> None:
    # 100,000,000 / 280,000 = 357.14 → 357 (000: 357개사)
    funding = selectlib.fund(selectlib.load_profile(PL), pl_rows([5_000_000], [1]), on="2021-04-01")
    (pot,) = funding.pots
    assert (pot.budget, pot.capacity) == (100_000_000, 357)


def test_seoul_pl_2018_budget_without_an_average() -> None:
    # The 0.28 million average is the 2021 plan's: no capacity before 2021.
    funding = selectlib.fund(selectlib.load_profile(PL), pl_rows([5_000_000], [1]), on="2018-04-01")
    (pot,) = funding.pots
    assert (pot.budget, pot.capacity) == (20_000_000, None)


def test_seoul_pl_budget_goes_by_receipt_number() -> None:
    # 2018 budget 20,000,000; 21 firms asking 1,000,000 each, received in reverse row
    # order: the last row (received 1st) to row 1 (20th) are paid in full, row 0 gets nothing.
    rows = pl_rows([5_000_000] * 21, list(range(21, 0, -1)))
    funding = selectlib.fund(selectlib.load_profile(PL), rows, on="2018-06-01")
    table = funding.table
    assert table["requested"].tolist() == [1_000_000] * 21
    assert table["granted"].tolist() == [0] + [1_000_000] * 20
    assert table["funding"].tolist() == ["none"] + ["full"] * 20
    assert (funding.granted, funding.remaining) == (20_000_000, 0)


def test_seoul_pl_partial_grant_and_ineligible_rows() -> None:
    # Budget 2,500,000: received 1 and 2 get 1,000,000; received 3 gets the 500,000 left.
    rows = pl_rows([5_000_000, 5_000_000, 5_000_000, 5_000_000], [3, 1, 4, 2])
    rows.loc[2, "located_in_seoul"] = False
    funding = selectlib.fund(selectlib.load_profile(PL), rows, on="2021-04-01", budget=2_500_000)
    table = funding.table
    assert table["requested"].tolist() == [1_000_000, 1_000_000, 0, 1_000_000]
    assert table["granted"].tolist() == [500_000, 1_000_000, 0, 1_000_000]
    assert table["funding"].tolist() == ["partial", "full", "not_eligible", "full"]


def test_seoul_pl_batch_benefit_columns() -> None:
    rows = pl_rows([4_999_999, 5_000_005, 100], [1, 2, 3])
    rows.loc[2, "is_sme"] = False
    result = selectlib.load_profile(PL).evaluate_many(rows, on="2021-04-01")
    assert str(result["benefit"].dtype) == "Int64"
    assert result["benefit"].tolist()[:2] == [999_999, 1_000_000]
    assert result["benefit"].isna().tolist() == [False, False, True]
    assert result["benefit.premium_support"].tolist()[:2] == [999_999, 1_000_000]


# -- PL insurance by region, 2020 (000 table '20년; 001) -------------------------------

REGIONS = "pl_insurance_regions_2020"
IN_2020 = "2020-07-01"
REGION_FIRM = {"is_sme": True, "pl_insured": True}


@pytest.mark.parametrize(
    ("region", "premium", "amount", "bound"),
    [
        ("seoul", 5_000_000, 1_000_000, None),  # 20 %
        ("서울특별시", 5_000_005, 1_000_000, "cap"),  # 1,000,001 → cap
        ("전남", 4_999_999, 999_999, None),  # 20 %: 999,999.8 → 999,999
        ("jeonnam", 2_000_000, 400_000, None),
        ("jeju", 1_250_000, 1_000_000, None),  # 80 % = 1,000,000 = the cap
        ("제주특별자치도", 1_249_999, 999_999, None),  # 999,999.2 → 999,999
        ("jeju", 1_250_002, 1_000_000, "cap"),  # 1,000,001.6 → 1,000,001 → cap
        ("제주", 500_000, 400_000, None),  # 80 % of 500,000
    ],
)
def test_regional_pl_rate_and_cap(region: str, premium: int, amount: int, bound: str) -> None:
    line = only_line(decide(REGIONS, IN_2020, **REGION_FIRM, region=region, premium=premium))
    assert (line.amount, line.bound, line.cap) == (amount, bound, 1_000_000)
    expected_rate = Fraction(4, 5) if "제주" in region or region == "jeju" else Fraction(1, 5)
    assert line.rate == expected_rate


def test_gyeongnam_supports_exporters_only() -> None:
    firm = {**REGION_FIRM, "region": "경남", "premium": 5_000_000}
    exporter = decide(REGIONS, IN_2020, **firm, is_exporter=True)
    assert only_line(exporter).amount == 1_000_000  # 20 %, cap 1,000,000
    assert only_line(exporter).rate == Fraction(1, 5)
    other = decide(REGIONS, IN_2020, **firm, is_exporter=False)
    assert other.outcome is Outcome.INELIGIBLE
    assert [c.id for c in other.failed] == ["exporter"]
    unknown = decide(REGIONS, IN_2020, **firm)
    assert unknown.outcome is Outcome.INCOMPLETE
    assert unknown.criterion("exporter").status is selectlib.CriterionStatus.MISSING


def test_exporter_rule_applies_in_gyeongnam_only() -> None:
    for region in ("seoul", "jeonnam", "jeju"):
        decision = decide(REGIONS, IN_2020, **REGION_FIRM, region=region, premium=100_000)
        assert decision.outcome is Outcome.ELIGIBLE, region


@pytest.mark.parametrize("region", ["busan", "gwangju", "jeonbuk", "gyeonggi", "강원도", "daegu"])
def test_regions_without_a_2020_program(region: str) -> None:
    decision = decide(REGIONS, IN_2020, **REGION_FIRM, region=region, premium=1_000_000)
    assert decision.outcome is Outcome.INELIGIBLE
    assert [c.id for c in decision.failed] == ["regional_program"]
    assert decision.benefits == ()


def test_regional_table_only_valid_in_2020() -> None:
    profile = selectlib.load_profile(REGIONS)
    profile.params_on("2020-01-01")
    profile.params_on("2020-12-31")
    for day in ("2019-12-31", "2021-01-01"):
        with pytest.raises(selectlib.ValidityError):
            profile.params_on(day)


# 001 line 907, the amounts of the year (백만원): 서울 200 (100 + 추경 100), 경남 50,
# 전남 10, 제주 24
REGION_BUDGETS = {"seoul": 200_000_000, "jeonnam": 10_000_000, "gyeongnam": 50_000_000}
REGION_BUDGETS["jeju"] = 24_000_000
NO_RULE_BUDGETS = {"busan": 30_000_000, "gwangju": 20_000_000, "jeonbuk": 10_000_000}


def test_regional_rates_caps_and_budgets_2020() -> None:
    values = selectlib.load_profile(REGIONS).params_on(IN_2020).values
    for region, budget in REGION_BUDGETS.items():
        assert values["budget"][region] == budget
        assert values["premium_cap"][region] == 1_000_000
    others = set(values["budget"]) - set(REGION_BUDGETS)
    assert len(others) == 13  # 17 시도 in all
    assert {r: values["budget"][r] for r in NO_RULE_BUDGETS} == NO_RULE_BUDGETS
    assert all(values["budget"][r] is None for r in others - set(NO_RULE_BUDGETS))
    assert all(values["premium_rate"][r] is None for r in others)
    assert all(values["premium_cap"][r] is None for r in others)


def test_regional_budgets_are_separate_pots() -> None:
    # Jeonnam: 10,000,000 for 11 firms asking 1,000,000 → received 1-10 paid, 11 not.
    # Jeju: two firms at 80 % of 1,250,000 → 1,000,000 each, well within 24,000,000.
    # Busan: no program, not eligible, no pot money.
    regions = ["jeonnam"] * 11 + ["jeju", "jeju", "busan"]
    rows = pd.DataFrame(
        {
            "region": regions,
            **dict.fromkeys(REGION_FIRM, True),
            "premium": [5_000_000] * 11 + [1_250_000, 1_250_000, 5_000_000],
            "received_no": [11, *range(1, 11), 12, 13, 14],
        }
    )
    funding = selectlib.fund(selectlib.load_profile(REGIONS), rows, on=IN_2020)
    by_key = pots(funding)
    budgets = {key: pot.budget for key, pot in by_key.items() if pot.budget}
    assert budgets == REGION_BUDGETS | NO_RULE_BUDGETS
    assert len(by_key) == 17
    assert (by_key["jeonnam"].granted, by_key["jeonnam"].unfunded) == (10_000_000, 1)
    assert (by_key["jeju"].granted, by_key["jeju"].funded_full) == (2_000_000, 2)
    assert by_key["seoul"].granted == 0
    table = funding.table
    assert table["pot"].tolist() == regions
    assert table["funding"].tolist() == ["none"] + ["full"] * 12 + ["not_eligible"]
    assert table["granted"].tolist() == [0] + [1_000_000] * 12 + [0]


# -- Mutual-aid fund interest subsidy (002 table; 000 ②-2) ------------------------------

INTEREST = "interest_subsidy"
BORROWER = {"is_sme": True, "fund_member": True}

# 002 lines 930-948: 보전이율 (어음수표대출, 단기운영자금대출); "-" = 0, not subsidised.
RATES_2018 = {
    "seoul": ("1%", "2%"),
    "busan": ("1%", "2%"),
    "daegu": ("1%", "2%"),
    "gyeongbuk": ("1%", "2%"),
    "gwangju": ("1%", "2%"),
    "jeonnam": ("1%", "2%"),
    "daejeon": ("1%", "2%"),
    "chungnam": ("1%", "2%"),
    "gangwon": ("1%", "2%"),
    "chungbuk": ("1%", "2%"),
    "jeonbuk": ("1%", "2%"),
    "gyeongnam": ("1%", "2%"),
    "jeju": ("1.6%", "1.6%"),
    "ulsan": ("1%", "2%"),
    "incheon": ("0%", "1.5%"),
    "gyeonggi": ("0%", "1%"),
    "chuncheon": ("3%", "3%"),
    "sejong": ("1%", "2%"),
    "wonju": ("3%", "3%"),
}


def percent(text: str) -> Fraction:
    return Fraction(text.rstrip("%")) / 100


def test_interest_rate_tables_match_the_2018_source() -> None:
    values = selectlib.load_profile(INTEREST).params_on("2018-03-01").values
    assert set(values["bill_loan_rate"]) == set(RATES_2018)
    for government, (bill, operating) in RATES_2018.items():
        assert Fraction(str(values["bill_loan_rate"][government])) == percent(bill), government
        assert Fraction(str(values["operating_loan_rate"][government])) == percent(operating)


@pytest.mark.parametrize(
    ("government", "loan_type", "principal", "days", "amount", "rate"),
    [
        # principal × rate × days / 365, cut down to the won
        ("seoul", "bill", 100_000_000, 365, 1_000_000, "1%"),
        ("seoul", "operating", 100_000_000, 365, 2_000_000, "2%"),
        ("서울", "어음수표대출", 50_000_000, 90, 123_287, "1%"),  # 123,287.67…
        ("seoul", "단기운영자금대출", 50_000_000, 90, 246_575, "2%"),  # 246,575.34…
        ("jeju", "bill", 10_000_000, 100, 43_835, "1.6%"),  # 160,000 × 100/365 = 43,835.6…
        ("제주", "operating", 10_000_000, 100, 43_835, "1.6%"),
        ("jeju", "bill", 1_000_000, 100, 4_383, "1.6%"),  # 4,383.56…
        ("incheon", "operating", 20_000_000, 180, 147_945, "1.5%"),  # 300,000 × 180/365
        ("gyeonggi", "operating", 40_000_000, 365, 400_000, "1%"),
        ("chuncheon", "bill", 30_000_000, 200, 493_150, "3%"),  # 900,000 × 200/365
        ("원주", "operating", 30_000_000, 200, 493_150, "3%"),
        ("busan", "operating", 1, 1, 0, "2%"),  # 0.0000547… → 0
    ],
)
def test_interest_subsidy_amounts(
    government: str, loan_type: str, principal: int, days: int, amount: int, rate: str
) -> None:
    decision = decide(
        INTEREST,
        "2018-06-01",
        **BORROWER,
        local_government=government,
        loan_type=loan_type,
        principal=principal,
        loan_days=days,
    )
    by_id = lines(decision)
    kind = "bill" if loan_type in ("bill", "어음수표대출") else "operating"
    paid, other = (
        by_id[f"{kind}_interest"],
        by_id["operating_interest" if kind == "bill" else "bill_interest"],
    )
    assert (paid.status, paid.amount, paid.rate) == ("paid", amount, percent(rate))
    assert (paid.days, paid.year_days, paid.formula) == (days, 365, "interest")
    assert paid.raw == principal * percent(rate) * days / 365
    assert other.status == "not_applicable"
    assert decision.benefit_total == amount


@pytest.mark.parametrize(
    ("government", "loan_type"),
    [("incheon", "bill"), ("gyeonggi", "bill"), ("경기도", "어음수표대출"), ("seoul", "other")],
)
def test_loan_types_not_subsidised(government: str, loan_type: str) -> None:
    # 002: Incheon and Gyeonggi write "-" for bill loans; other fund loans are not listed.
    decision = decide(
        INTEREST,
        "2021-03-01",
        **BORROWER,
        local_government=government,
        loan_type=loan_type,
        principal=10_000_000,
        loan_days=100,
    )
    assert decision.outcome is Outcome.INELIGIBLE
    assert [c.id for c in decision.failed] == ["subsidised_loan"]
    assert decision.benefits == ()


def test_interest_subsidy_needs_fund_membership() -> None:
    loan = {"local_government": "seoul", "loan_type": "bill", "principal": 1, "loan_days": 1}
    decision = decide(INTEREST, "2021-03-01", is_sme=True, fund_member=False, **loan)
    assert [c.id for c in decision.failed] == ["fund_member"]


def test_2018_rates_carry_on_in_2021() -> None:
    # 000 gives "1-2 %p" without a table: Seoul stays at 1 % / 2 %.
    loan = {"local_government": "seoul", "principal": 100_000_000, "loan_days": 365}
    bill = decide(INTEREST, "2021-06-01", **BORROWER, **loan, loan_type="bill")
    operating = decide(INTEREST, "2021-06-01", **BORROWER, **loan, loan_type="operating")
    assert (bill.benefit_total, operating.benefit_total) == (1_000_000, 2_000_000)


@pytest.mark.parametrize(
    ("on", "seoul", "jeju", "gyeonggi"),
    [
        ("2018-01-01", 150_000_000, 13_000_000, None),  # 002 '18년 예산; Gyeonggi 미정
        ("2019-05-01", None, None, None),  # no 2019 budget in the sources, for anyone
        ("2020-05-01", 500_000_000, None, None),  # 000 line 119: Seoul 200 + 추경 300 백만원
        ("2021-05-01", 200_000_000, None, None),  # 000: 200,000천원; only Seoul's is given
        ("2022-05-01", None, None, None),  # the sources end with 2021
    ],
)
def test_interest_budget_by_local_government(
    on: str, seoul: int | None, jeju: int | None, gyeonggi: int | None
) -> None:
    budget = selectlib.load_profile(INTEREST).params_on(on).values["budget"]
    assert (budget["seoul"], budget["jeju"], budget["gyeonggi"]) == (seoul, jeju, gyeonggi)
    in_2018 = on.startswith("2018")
    assert budget["chungbuk"] == (130_000_000 if in_2018 else None)
    assert budget["incheon"] == (100_000_000 if in_2018 else None)  # 2017 "-", 2018 100,000천원


def test_interest_capacity_454_firms_in_seoul_2021() -> None:
    # 200,000,000 / 440,000 = 454.5 → 454 (000: 454개사)
    rows = [
        {
            **BORROWER,
            "local_government": "seoul",
            "loan_type": "operating",
            "principal": 100_000_000,
            "loan_days": 365,
            "received_no": 1,
        }
    ]
    funding = selectlib.fund(selectlib.load_profile(INTEREST), rows, on="2021-03-01")
    seoul = pots(funding)["seoul"]
    assert (seoul.budget, seoul.capacity, seoul.granted) == (200_000_000, 454, 2_000_000)
    assert funding.table["pot"].tolist() == ["seoul"]


def test_interest_profile_starts_in_2018() -> None:
    with pytest.raises(selectlib.ValidityError):
        selectlib.load_profile(INTEREST).params_on("2017-06-01")


# -- Inter-cooperative collaboration (000 ③-1; 002) ------------------------------------

COOP = "coop_collaboration"
TRADE = {"buyer_id": "BUY", "seller_id": "SELL", "both_cooperatives": True, "has_contract": True}


def coop(on: str = "2021-05-01", **record: Any) -> selectlib.Decision:
    return decide(COOP, on, **{**TRADE, **record})


def test_seoul_to_seoul_trade_supports_the_buyer() -> None:
    decision = coop(buyer_region="seoul", seller_region="서울", trade_amount=123_456_789)
    by_id = lines(decision)
    buyer = by_id["buyer_support"]
    assert (buyer.status, buyer.amount, buyer.beneficiary) == ("paid", 12_345_678, "BUY")
    assert buyer.raw == Fraction(123_456_789, 10)  # 12,345,678.9 → 12,345,678
    assert buyer.rate == Fraction(1, 10)
    assert by_id["seller_support"].status == "not_applicable"
    assert decision.benefit_total == 12_345_678


def test_seoul_seller_with_an_outside_buyer_is_supported() -> None:
    decision = coop(buyer_region="부산", seller_region="seoul", trade_amount=50_000_000)
    by_id = lines(decision)
    seller = by_id["seller_support"]
    assert (seller.status, seller.amount, seller.beneficiary) == ("paid", 5_000_000, "SELL")
    assert by_id["buyer_support"].status == "not_applicable"
    assert decision.benefit_total == 5_000_000


def test_seoul_buyer_with_an_outside_seller_is_supported() -> None:
    decision = coop(buyer_region="seoul", seller_region="경기도", trade_amount=50_000_001)
    by_id = lines(decision)
    assert (by_id["buyer_support"].amount, by_id["buyer_support"].beneficiary) == (
        5_000_000,  # 5,000,000.1 → 5,000,000
        "BUY",
    )
    assert by_id["seller_support"].status == "not_applicable"


def test_trade_without_a_seoul_cooperative_is_ineligible() -> None:
    decision = coop(buyer_region="busan", seller_region="incheon", trade_amount=50_000_000)
    assert decision.outcome is Outcome.INELIGIBLE
    assert [c.id for c in decision.failed] == ["seoul_party"]
    assert decision.benefits == ()


def test_unknown_buyer_region_leaves_the_trade_undecided() -> None:
    # A Seoul seller is supported only if the buyer is not in Seoul: unknown until told.
    decision = coop(seller_region="seoul", trade_amount=50_000_000)
    assert decision.outcome is Outcome.INCOMPLETE
    assert decision.criterion("seoul_party").status is selectlib.CriterionStatus.MISSING


@pytest.mark.parametrize("field", ["has_contract", "both_cooperatives"])
def test_trade_needs_a_contract_between_cooperatives(field: str) -> None:
    decision = coop(buyer_region="seoul", seller_region="seoul", trade_amount=1, **{field: False})
    assert decision.outcome is Outcome.INELIGIBLE


# 002 lines 309-333: the 16 trades of 2017, 1,581,794,178 won in all.
TRADES_2017 = [
    439_240_956,
    363_796_994,
    351_592_923,
    146_858_100,
    64_435_910,
    20_287_000,
    50_230_000,
    50_000_000,
    11_440_000,
    9_869_995,
    22_000_000,
    18_956_300,
    4_316_000,
    14_556_000,
    10_560_000,
    3_654_000,
]


def test_2017_trades_under_the_ten_percent_rule() -> None:
    assert sum(TRADES_2017) == 1_581_794_178
    rows = pd.DataFrame(
        {
            "trade_id": [f"T{n}" for n in range(1, 17)],
            **{key: [value] * 16 for key, value in TRADE.items()},
            "buyer_region": "seoul",
            "seller_region": "seoul",
            "trade_amount": TRADES_2017,
        }
    )
    result = selectlib.load_profile(COOP).evaluate_many(rows, on="2017-06-01")
    # 10 % of each trade, cut to the won: the fractions .6, .4, .3 and .5 are lost.
    assert result["benefit"].tolist()[:3] == [43_924_095, 36_379_699, 35_159_292]
    assert int(result["benefit"].sum()) == 158_179_416
    # 002 reports 157,639,540 won paid: 539,876 won less than the rule gives.
    assert int(result["benefit"].sum()) - 157_639_540 == 539_876


@pytest.mark.parametrize(
    ("on", "budget"),
    [
        ("2017-01-01", 165_000_000),  # 002: 2017 plan 165,000,000 원
        ("2018-03-01", 290_000_000),  # 002: 협업사업 지원금 290,000천원
        ("2019-03-01", None),  # not in the sources: no budget
        ("2020-03-01", 492_000_000),  # 000: 2020 plan 492 백만원
        ("2021-03-01", 210_000_000),  # 000: 7,000 × 30회 = 210,000천원
        ("2022-03-01", None),  # the sources end with 2021
    ],
)
def test_coop_budget_by_year(on: str, budget: int | None) -> None:
    assert selectlib.load_profile(COOP).params_on(on).values["budget"] == budget


def coop_rows(count: int, amount: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "trade_id": [f"T{n:02d}" for n in range(count)],
            "buyer_id": [f"B{n:02d}" for n in range(count)],
            "seller_id": [f"S{n:02d}" for n in range(count)],
            "buyer_region": "seoul",
            "seller_region": "gyeonggi",
            "both_cooperatives": True,
            "has_contract": True,
            "trade_amount": amount,
            "received_no": range(1, count + 1),
            "rank": range(count, 0, -1),
        }
    )


def test_coop_2021_budget_funds_30_average_grants() -> None:
    # 31 trades of 70,000,000 → 7,000,000 each; 210,000,000 pays 30 (capacity 30).
    funding = selectlib.fund(
        selectlib.load_profile(COOP), coop_rows(31, 70_000_000), on="2021-05-01"
    )
    (pot,) = funding.pots
    assert (pot.budget, pot.capacity, pot.funded_full, pot.unfunded) == (210_000_000, 30, 30, 1)
    assert funding.table["funding"].tolist() == ["full"] * 30 + ["none"]


def test_coop_rank_allocation_on_request() -> None:
    # Ranked in reverse row order: rank 1 (the last row) is paid first.
    funding = selectlib.fund(
        selectlib.load_profile(COOP),
        coop_rows(3, 70_000_000),
        on="2021-05-01",
        budget=10_000_000,
        method="rank",
    )
    assert funding.table["granted"].tolist() == [0, 3_000_000, 7_000_000]
    assert funding.table["funding"].tolist() == ["none", "partial", "full"]


# -- Smart factories (001 II-9) ---------------------------------------------------------

SMART = "smart_factory"
IN_2020_SMART = "2020-09-01"
APPLICANT = {
    "industry_new": {"applicant_kind": "cooperative", "consortium_size": 5},
    "industry_upgrade": {"applicant_kind": "mid_sized", "consortium_size": 7},
    "samsung_a": {"applicant_kind": "medium", "target_level": "intermediate1"},
    "samsung_b": {"applicant_kind": "small", "target_level": "basic"},
    "samsung_c": {"applicant_kind": "small"},
    "posco_a": {"applicant_kind": "mid_sized"},
    "posco_b1": {"applicant_kind": "medium"},
    "posco_b2": {"applicant_kind": "small"},
    "posco_c": {"applicant_kind": "medium"},
    "smart_services": {"applicant_kind": "small", "is_manufacturer": False},
}
"""An eligible applicant for each project type."""


def smart(project_type: str, cost: int, **changes: Any) -> selectlib.Decision:
    record = {"is_manufacturer": True, **APPLICANT[project_type], **changes}
    return decide(SMART, IN_2020_SMART, project_type=project_type, project_cost=cost, **record)


@pytest.mark.parametrize(
    ("project_type", "cost", "support", "bound"),
    [
        # industry-specialised, 5:5: new build ≤ 100,000,000
        ("industry_new", 199_999_999, 99_999_999, None),  # 99,999,999.5 → 99,999,999
        ("industry_new", 200_000_000, 100_000_000, None),
        ("industry_new", 200_000_001, 100_000_000, None),  # 100,000,000.5 → 100,000,000
        ("industry_new", 200_000_002, 100_000_000, "cap"),  # 100,000,001 → cap
        # upgrade ≤ 150,000,000
        ("industry_upgrade", 300_000_000, 150_000_000, None),
        ("industry_upgrade", 300_000_002, 150_000_000, "cap"),
        ("industry_upgrade", 299_999_998, 149_999_999, None),
        # Samsung A, 6:4, ≤ 100,000,000
        ("samsung_a", 166_666_666, 99_999_999, None),  # 99,999,999.6
        ("samsung_a", 166_666_667, 100_000_000, None),  # 100,000,000.2 → 100,000,000
        ("samsung_a", 166_666_669, 100_000_000, "cap"),  # 100,000,001.4 → cap
        # Samsung B, 6:4, ≤ 60,000,000
        ("samsung_b", 99_999_999, 59_999_999, None),  # 59,999,999.4
        ("samsung_b", 100_000_000, 60_000_000, None),
        ("samsung_b", 100_000_002, 60_000_000, "cap"),  # 60,000,001.2 → cap
        # Samsung C, 100 %, ≤ 20,000,000
        ("samsung_c", 19_999_999, 19_999_999, None),
        ("samsung_c", 20_000_000, 20_000_000, None),
        ("samsung_c", 20_000_001, 20_000_000, "cap"),
        # POSCO, 6:4: A ≤ 180,000,000 (about 300,000,000 projects), B-1 ≤ 120,000,000,
        # B-2 ≤ 60,000,000; C 100 % ≤ 20,000,000
        ("posco_a", 300_000_000, 180_000_000, None),
        ("posco_a", 300_000_002, 180_000_000, "cap"),  # 180,000,001.2 → cap
        ("posco_b1", 200_000_000, 120_000_000, None),
        ("posco_b1", 200_000_002, 120_000_000, "cap"),
        ("posco_b2", 100_000_000, 60_000_000, None),
        ("posco_b2", 100_000_002, 60_000_000, "cap"),
        ("posco_c", 20_000_000, 20_000_000, None),
        ("posco_c", 20_000_001, 20_000_000, "cap"),
        # smart services, 50 %, ≤ 60,000,000
        ("smart_services", 119_999_999, 59_999_999, None),  # 59,999,999.5
        ("smart_services", 120_000_000, 60_000_000, None),
        ("smart_services", 120_000_002, 60_000_000, "cap"),
    ],
)
def test_smart_factory_matching_and_caps(
    project_type: str, cost: int, support: int, bound: str | None
) -> None:
    line = only_line(smart(project_type, cost))
    assert (line.formula, line.amount, line.bound) == ("matching", support, bound)
    assert line.firm == cost - support  # the firm pays the rest, rounding included


@pytest.mark.parametrize(
    ("project_type", "share", "cap"),
    [
        ("industry_new", Fraction(1, 2), 100_000_000),
        ("industry_upgrade", Fraction(1, 2), 150_000_000),
        ("samsung_a", Fraction(3, 5), 100_000_000),
        ("samsung_b", Fraction(3, 5), 60_000_000),
        ("samsung_c", Fraction(1), 20_000_000),
        ("posco_a", Fraction(3, 5), 180_000_000),
        ("posco_b1", Fraction(3, 5), 120_000_000),
        ("posco_b2", Fraction(3, 5), 60_000_000),
        ("posco_c", Fraction(1), 20_000_000),
        ("smart_services", Fraction(1, 2), 60_000_000),
    ],
)
def test_smart_factory_share_and_cap_per_type(project_type: str, share: Fraction, cap: int) -> None:
    line = only_line(smart(project_type, 10_000_000))
    assert (line.rate, line.cap) == (share, cap)
    assert line.amount == 10_000_000 * share
    assert line.firm == 10_000_000 * (1 - share)


@pytest.mark.parametrize(
    ("project_type", "changes", "failed"),
    [
        ("industry_new", {"consortium_size": 4}, "consortium"),
        ("industry_upgrade", {"consortium_size": 0}, "consortium"),
        ("samsung_c", {"applicant_kind": "medium"}, "small_firm"),
        ("samsung_a", {"target_level": "basic"}, "target_level"),
        ("samsung_a", {"applicant_kind": "mid_sized"}, "applicant_kind"),
        ("samsung_b", {"applicant_kind": "cooperative"}, "applicant_kind"),
        ("posco_c", {"applicant_kind": "mid_sized"}, "applicant_kind"),
        ("posco_a", {"applicant_kind": "large"}, "applicant_kind"),
        ("posco_b1", {"is_manufacturer": False}, "manufacturer"),
        ("smart_services", {"applicant_kind": "mid_sized"}, "applicant_kind"),
    ],
)
def test_smart_factory_who_may_not_apply(
    project_type: str, changes: dict[str, Any], failed: str
) -> None:
    decision = smart(project_type, 100_000_000, **changes)
    assert decision.outcome is Outcome.INELIGIBLE
    assert [c.id for c in decision.failed] == [failed]


@pytest.mark.parametrize(
    ("project_type", "changes"),
    [
        ("industry_new", {"consortium_size": 5}),  # at least 5 adopting firms
        ("industry_new", {"applicant_kind": "중소기업협동조합", "is_manufacturer": None}),
        ("industry_upgrade", {"applicant_kind": "small", "consortium_size": 12}),
        ("samsung_a", {"target_level": "중간2", "consortium_size": None}),
        ("samsung_b", {"target_level": "기초", "applicant_kind": "중기업"}),
        ("samsung_c", {"consortium_size": 1}),  # consortia only for industry types
        ("posco_a", {"applicant_kind": "중견기업", "target_level": None}),
        ("smart_services", {"is_manufacturer": None}),
    ],
)
def test_smart_factory_who_may_apply(project_type: str, changes: dict[str, Any]) -> None:
    assert smart(project_type, 10_000_000, **changes).outcome is Outcome.ELIGIBLE


def test_consortium_size_is_needed_for_industry_types() -> None:
    decision = smart("industry_new", 10_000_000, consortium_size=None)
    assert decision.outcome is Outcome.INCOMPLETE
    assert decision.criterion("consortium").status is selectlib.CriterionStatus.MISSING


# -- Guro-gu KOTRA overseas branch (003 ③) ---------------------------------------------

GURO = "guro_kotra_branch"
GURO_FIRM = {"is_sme": True, "located_in_guro": True}


@pytest.mark.parametrize(
    ("fee", "amount", "bound"),
    [
        (3_499_999, 1_749_999, None),  # 1,749,999.5 → 1,749,999
        (3_500_000, 1_750_000, None),
        (3_500_001, 1_750_000, None),  # 1,750,000.5 → 1,750,000: rounding, not the cap
        (3_500_002, 1_750_000, "cap"),  # 1,750,001 → cap
        (3_800_000, 1_750_000, "cap"),  # 2017's 1,900,000 grant is out of reach
        (2_500_000, 1_250_000, None),  # 2017 grants of 1,250,000 and 1,500,000
        (3_000_000, 1_500_000, None),
    ],
)
def test_guro_fee_support_half_capped(fee: int, amount: int, bound: str | None) -> None:
    line = only_line(decide(GURO, "2018-05-01", **GURO_FIRM, participation_fee=fee))
    assert (line.amount, line.bound, line.rate, line.cap) == (
        amount,
        bound,
        Fraction(1, 2),
        1_750_000,
    )


def test_guro_only_for_firms_in_guro() -> None:
    decision = decide(GURO, "2018-05-01", is_sme=True, located_in_guro=False, participation_fee=1)
    assert [c.id for c in decision.failed] == ["guro_location"]
    assert decision.benefit_total is None


def guro_rows(fees: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "applicant_id": [f"G{n}" for n in range(len(fees))],
            **dict.fromkeys(GURO_FIRM, True),
            "participation_fee": fees,
            "received_no": range(1, len(fees) + 1),
        }
    )


def test_guro_budget_funds_about_ten_firms() -> None:
    # 15,000,000 / 1,500,000 = 10 (10개사 내외); at 1,750,000 each, 8 full (14,000,000),
    # the 9th gets the 1,000,000 left, the 10th nothing.
    funding = selectlib.fund(
        selectlib.load_profile(GURO), guro_rows([3_500_000] * 10), on="2018-05-01"
    )
    (pot,) = funding.pots
    assert (pot.budget, pot.capacity) == (15_000_000, 10)
    assert funding.table["granted"].tolist() == [1_750_000] * 8 + [1_000_000, 0]
    assert funding.table["funding"].tolist() == ["full"] * 8 + ["partial", "none"]
    assert (pot.funded_full, pot.funded_partly, pot.unfunded) == (8, 1, 1)


def test_guro_profile_starts_in_2018() -> None:
    with pytest.raises(selectlib.ValidityError):
        selectlib.load_profile(GURO).params_on("2017-06-01")
