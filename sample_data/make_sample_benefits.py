"""Write sample_data/benefits/<profile>.csv: a sample input for every benefit profile.

Deterministic (one seeded random generator per profile): run it again and you get the
same files. Each file starts with applicants that meet every criterion, their amounts
drawn from plausible ranges (premiums, loans, fees, project costs), then one row per
way to fail: each changes one thing, and the `note` column says which. A row with a
required value left empty shows the `incomplete` outcome. The firm names are invented.

Run from anywhere:  python sample_data/make_sample_benefits.py [FOLDER]
"""

from __future__ import annotations

import csv
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

ELIGIBLE_ROWS = 8
"""Rows per file that meet every criterion (before the failing variants)."""

PLACES = ("성수", "문래", "을지로", "창신", "가산", "구로", "신설", "성내", "마장", "장안")
GOODS = ("수제화", "정밀", "인쇄", "봉제", "금속", "가구", "전자", "기계", "섬유", "목공")
KINDS = ("(주)", "산업", "공방", "상사", "테크", "협동조합")


@dataclass(frozen=True)
class Sample:
    """One profile's sample: the day to evaluate on, an eligible row, and variants.

    ``amounts`` maps a field to the range an eligible row's value is drawn from, ``cycle``
    a field to values the rows take in turn; ``variants`` are (changes, note) rows that
    each break one thing.
    """

    on: str
    identifier: str
    base: dict[str, str]
    amounts: dict[str, tuple[int, int, int]]
    variants: list[tuple[dict[str, str], str]]
    cycle: dict[str, tuple[str, ...]] = field(default_factory=dict)
    budget: int | None = None  # for `benefits --budget`, where the profile names none


def won(low: int, high: int, step: int) -> tuple[int, int, int]:
    """An amount range: from ``low`` to ``high`` won in steps of ``step``."""
    return (low, high, step)


YES = "yes"
NO = "no"

SAMPLES: dict[str, Sample] = {
    "seoul_pl_insurance": Sample(
        on="2021-06-01",
        identifier="applicant_id",
        base={"is_sme": YES, "located_in_seoul": YES, "pl_insured": YES},
        amounts={"premium": won(300_000, 6_500_000, 10_000)},
        variants=[
            ({"is_sme": NO}, "ineligible: not an SME"),
            ({"located_in_seoul": NO}, "ineligible: located outside Seoul"),
            ({"pl_insured": NO}, "ineligible: not insured under the SME PL group insurance"),
            ({"premium": "0"}, "ineligible: no premium paid"),
            ({"premium": ""}, "incomplete: premium missing"),
        ],
    ),
    "pl_insurance_regions_2020": Sample(
        on="2020-07-01",
        identifier="applicant_id",
        base={"is_sme": YES, "pl_insured": YES, "is_exporter": NO},
        amounts={"premium": won(200_000, 4_000_000, 10_000)},
        cycle={"region": ("서울", "전남", "제주", "서울")},
        variants=[
            ({"region": "경남", "is_exporter": YES}, "eligible: 경남 supports exporters only"),
            ({"region": "경남", "is_exporter": NO}, "ineligible: 경남 and not an exporter"),
            ({"region": "부산"}, "ineligible: 부산 is not in the 2020 comparison table"),
            ({"pl_insured": NO}, "ineligible: not PL insured"),
            ({"is_sme": ""}, "incomplete: SME status missing"),
        ],
    ),
    "interest_subsidy": Sample(
        on="2021-06-01",
        identifier="applicant_id",
        base={"is_sme": YES, "fund_member": YES, "local_government": "서울"},
        amounts={"principal": won(10_000_000, 300_000_000, 1_000_000), "loan_days": (60, 365, 1)},
        cycle={"loan_type": ("어음수표대출", "단기운영자금대출")},
        variants=[
            ({"local_government": "제주", "loan_type": "bill"}, "eligible: 제주 pays 1.6 %"),
            ({"fund_member": NO}, "ineligible: not a Mutual Aid Fund member"),
            ({"loan_type": "other"}, "ineligible: a loan type without a subsidy"),
            (
                {"local_government": "인천", "loan_type": "bill"},
                "ineligible: 인천 pays nothing on bill loans",
            ),
            ({"loan_days": ""}, "incomplete: loan term missing"),
        ],
    ),
    "coop_collaboration": Sample(
        on="2021-05-01",
        identifier="trade_id",
        base={"both_cooperatives": YES, "has_contract": YES, "seller_region": "서울"},
        amounts={"trade_amount": won(5_000_000, 150_000_000, 100_000)},
        cycle={"buyer_region": ("서울", "서울", "부산", "대구")},
        variants=[
            (
                {"buyer_region": "서울", "seller_region": "경기"},
                "eligible: the Seoul buyer of a trade with 경기",
            ),
            (
                {"buyer_region": "경기", "seller_region": "인천"},
                "ineligible: neither side in Seoul",
            ),
            ({"has_contract": NO}, "ineligible: no contract for the joint business"),
            ({"both_cooperatives": NO}, "ineligible: one side is not a cooperative"),
            ({"has_contract": ""}, "incomplete: contract missing"),
        ],
    ),
    "guro_kotra_branch": Sample(
        on="2018-05-01",
        identifier="applicant_id",
        base={"is_sme": YES, "located_in_guro": YES},
        amounts={"participation_fee": won(1_500_000, 4_500_000, 50_000)},
        variants=[
            ({"located_in_guro": NO}, "ineligible: located outside Guro-gu"),
            ({"is_sme": NO}, "ineligible: not an SME"),
            ({"participation_fee": "0"}, "ineligible: no fee paid"),
            ({"participation_fee": ""}, "incomplete: fee missing"),
        ],
    ),
    "guro_loans": Sample(
        on="2018-03-02",
        identifier="applicant_id",
        base={"business_kind": "sme", "located_in_guro": YES, "has_collateral": YES},
        amounts={
            "loan_amount": won(20_000_000, 300_000_000, 5_000_000),
            "balance": won(10_000_000, 20_000_000, 1_000_000),
            "interest_days": (90, 365, 1),
        },
        cycle={"loan_kind": ("woori_bank", "development_fund")},
        budget=500_000,
        variants=[
            (
                {
                    "business_kind": "small_business",
                    "loan_kind": "special_guarantee",
                    "has_collateral": NO,
                    "loan_amount": "50000000",
                },
                "eligible: a small business's special guarantee at its cap of 50,000,000",
            ),
            (
                {"business_kind": "sme", "loan_kind": "special_guarantee", "has_collateral": NO},
                "ineligible: the special guarantee is for small businesses only",
            ),
            ({"located_in_guro": NO}, "ineligible: located outside Guro-gu"),
            ({"has_collateral": NO}, "ineligible: no collateral for a secured loan"),
            ({"loan_amount": ""}, "incomplete: loan amount missing"),
        ],
    ),
    "seoul_fixed_grants": Sample(
        on="2021-03-02",
        identifier="applicant_id",
        base={"located_in_seoul": YES},
        amounts={"cost": won(2_000_000, 20_000_000, 100_000)},
        cycle={
            "program": ("홈쇼핑", "해외마케팅", "언론홍보", "공동사업", "역량강화"),
            "applicant_kind": ("sme", "sme", "cooperative", "cooperative", "sme"),
        },
        variants=[
            (
                {"program": "공동사업", "applicant_kind": "sme"},
                "ineligible: joint business is for cooperatives",
            ),
            (
                {"program": "홈쇼핑", "applicant_kind": "cooperative"},
                "ineligible: home shopping is for SMEs",
            ),
            ({"located_in_seoul": NO}, "ineligible: located outside Seoul"),
            ({"cost": ""}, "incomplete: cost missing"),
        ],
    ),
    "smart_factory": Sample(
        on="2020-06-01",
        identifier="applicant_id",
        base={"is_manufacturer": YES, "consortium_size": "6", "target_level": "중간1"},
        amounts={"project_cost": won(30_000_000, 400_000_000, 1_000_000)},
        cycle={
            "project_type": ("industry_new", "samsung_a", "posco_a", "smart_services"),
            "applicant_kind": ("cooperative", "small", "medium", "small"),
        },
        budget=500_000_000,
        variants=[
            (
                {"project_type": "samsung_c", "applicant_kind": "medium"},
                "ineligible: Samsung model C is for small firms",
            ),
            (
                {
                    "project_type": "industry_new",
                    "applicant_kind": "cooperative",
                    "consortium_size": "4",
                },
                "ineligible: a consortium of 4, below 5",
            ),
            (
                {"project_type": "samsung_a", "applicant_kind": "small", "target_level": "기초"},
                "ineligible: Samsung model A aims at intermediate 1 at least",
            ),
            (
                {"project_type": "posco_a", "applicant_kind": "large"},
                "ineligible: a large firm",
            ),
            ({"project_cost": ""}, "incomplete: project cost missing"),
        ],
    ),
}
"""Every bundled benefit profile's sample, by profile id."""


def firm_name(rng: random.Random) -> str:
    """An invented firm name: a Seoul manufacturing neighbourhood, goods and a kind."""
    return rng.choice(PLACES) + rng.choice(GOODS) + rng.choice(KINDS)


def _drawn(rng: random.Random, amounts: dict[str, tuple[int, int, int]]) -> dict[str, str]:
    return {
        name: str(rng.randrange(low, high + 1, step)) for name, (low, high, step) in amounts.items()
    }


def rows(profile: str) -> list[dict[str, str]]:
    """The sample rows of ``profile``: the eligible ones, then one per variant."""
    sample = SAMPLES[profile]
    rng = random.Random(f"selectlib-{profile}")
    result: list[dict[str, str]] = []
    for number in range(ELIGIBLE_ROWS + len(sample.variants)):
        row = {**sample.base, **_drawn(rng, sample.amounts)}
        row |= {key: values[number % len(values)] for key, values in sample.cycle.items()}
        note = "eligible"
        if number >= ELIGIBLE_ROWS:
            changes, note = sample.variants[number - ELIGIBLE_ROWS]
            row |= changes
        prefix = "T" if sample.identifier == "trade_id" else "B"
        names = {"applicant_name": firm_name(rng)}
        if sample.identifier == "trade_id":
            names = {"buyer_id": firm_name(rng), "seller_id": firm_name(rng)}
        result.append(
            {sample.identifier: f"{prefix}{number + 1:02d}", **names, **row, "note": note}
        )
    order = list(range(1, len(result) + 1))
    rng.shuffle(order)  # receipt order: not the file order
    for row, received in zip(result, order, strict=True):
        row["received_no"] = str(received)
        if sample.identifier == "trade_id":
            row["rank"] = str(len(result) + 1 - received)
    return result


def write(profile: str, folder: Path) -> Path:
    """Write ``profile``'s sample to ``folder/<profile>.csv``."""
    table = rows(profile)
    columns = [name for name in table[0] if name != "note"] + ["note"]
    target = folder / f"{profile}.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    return target


def main() -> None:
    """Write every sample to benefits/ next to this script (or to the folder given)."""
    folder = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "benefits"
    )
    folder.mkdir(parents=True, exist_ok=True)
    for profile in SAMPLES:
        print(f"wrote {write(profile, folder)}")


if __name__ == "__main__":
    main()
