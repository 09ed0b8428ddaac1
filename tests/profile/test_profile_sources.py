"""The built-in profiles are honest about their numbers: every parameter cites a source or
labels an assumption, the flagship's open readings are labelled, and the key figures are
the ones the seed documents print."""

from __future__ import annotations

import datetime as dt

import pytest

import selectlib
from selectlib.profile.assumptions import unsourced
from selectlib.profile.model import Parameter, ParamTable, ParamValue

PROFILES = selectlib.list_profiles()
BENEFIT_PROFILES = [p for p in PROFILES if selectlib.load_profile(p).spec.benefits is not None]

# Profiles whose won rounding a seed states (no assumption needed). Empty: no seed has a
# 절사/절상/반올림 rule for the support amounts (000 uses rounding only for its counts and
# targets, e.g. 357 = 100백만원 / 0.28백만원), so every benefit profile labels its rounding.
ROUNDING_STATED_BY_A_SEED: frozenset[str] = frozenset()

FLAGSHIP_ASSUMPTIONS = {
    "parameters.cluster_unit",  # 읍면동
    "parameters.cluster_ksic_level",  # 5 KSIC digits make "동종업종"
    "parameters.cluster_radius_m",  # 500 m
    "parameters.cluster_exclude_urban",  # C12, C19, C21, C30, C31 left out
    "parameters.metro_county_policy",  # a 군 in a 광역시 counts as a county (20)
    "parameters.sejong_policy",  # 세종 is metro
    "evaluation.final",  # "5개 내외" read as 5 slots
}


def parameter(profile_id: str, name: str) -> Parameter:
    """The named parameter of a built-in profile."""
    spec = selectlib.load_profile(profile_id).spec
    return next(p for p in spec.parameters if p.name == name)


def value_on(profile_id: str, name: str, on: str) -> ParamValue | None:
    """The parameter's value in force on a day."""
    entry = parameter(profile_id, name).at(dt.date.fromisoformat(on))
    assert entry is not None
    return entry.value


def entry(profile_id: str, name: str, key: str, on: str) -> object:
    """One entry of a table parameter on a day."""
    table = value_on(profile_id, name, on)
    assert isinstance(table, ParamTable)
    return table.as_dict()[key]


@pytest.mark.parametrize("profile_id", PROFILES)
def test_every_parameter_has_a_source_or_an_assumption(profile_id: str) -> None:
    assert unsourced(selectlib.load_profile(profile_id).spec) == ()


@pytest.mark.parametrize("profile_id", PROFILES)
def test_every_source_cites_a_document_the_profile_lists(profile_id: str) -> None:
    spec = selectlib.load_profile(profile_id).spec
    listed = {source.id for source in spec.sources}
    cited = [p.source for p in spec.parameters if p.source] + [c.source for c in spec.criteria]
    for source in cited:
        for part in source.split("; "):
            assert part.split(" ", 1)[0] in listed, f"{source!r} cites no listed document"


def test_the_flagship_labels_every_reading_the_notice_leaves_open() -> None:
    profile = selectlib.load_profile("micro_manufacturer_center_2024")
    found = {a.where for a in profile.assumptions(on="2024-05-01")}
    assert found >= FLAGSHIP_ASSUMPTIONS
    (slots,) = [a for a in profile.assumptions() if "about 5" in a.text.en]
    assert slots.where == "evaluation.final"
    assert "5개 내외" in slots.text.ko


def test_the_flagship_sources_the_figures_the_notice_gives() -> None:
    for name in ("cluster_min", "cluster_employee_limit", "min_staff", "min_autonomous_programs"):
        found = parameter("micro_manufacturer_center_2024", name)
        assert (found.source or "").startswith("004 ")
        assert not found.assumption


@pytest.mark.parametrize("profile_id", BENEFIT_PROFILES)
def test_every_benefit_rounding_is_labelled_unless_a_seed_states_it(profile_id: str) -> None:
    benefits = selectlib.load_profile(profile_id).spec.benefits
    assert benefits is not None
    labelled = bool(benefits.rounding.assumption)
    assert labelled != (profile_id in ROUNDING_STATED_BY_A_SEED)


def test_a_dated_assumption_is_in_force_only_on_its_dates() -> None:
    # The 2020 Seoul PL budget includes a 추경 the sources do not date.
    profile = selectlib.load_profile("seoul_pl_insurance")
    dated = "parameters.budget[2020-01-01]"
    assert dated in [a.where for a in profile.assumptions(on="2020-06-01")]
    assert dated not in [a.where for a in profile.assumptions(on="2021-06-01")]
    assert "benefits.rounding" in [a.where for a in profile.assumptions(on="2021-06-01")]


def test_a_keyed_assumption_names_its_entry() -> None:
    # 000's 2020 table gives Gyeongnam 20 백만원, 001 gives 50: the 50 is assumed final.
    found = [a.where for a in selectlib.load_profile("pl_insurance_regions_2020").assumptions()]
    assert "parameters.budget[gyeongnam]" in found
    assert "parameters.budget" not in found


@pytest.mark.parametrize(
    ("profile_id", "name", "on", "key", "expected"),
    [
        # 000 "라. 중소기업 PL보험 지원 … 100 100" (plan + 추경, 백만원); 001 "서울(200백만원)"
        ("seoul_pl_insurance", "budget", "2020-06-01", None, 200_000_000),
        # 000 ②-3 "□ 소요예산 : 100,000천원"
        ("seoul_pl_insurance", "budget", "2021-06-01", None, 100_000_000),
        # 000 ②-3 "주요내용 : 보험료의 20% 지원. 단, 업체당 최대 100만원 한도"
        ("seoul_pl_insurance", "premium_cap", "2021-06-01", None, 1_000_000),
        # 000 "지자체별 PL보험료 지원현황('20년)": "제주 24 … 보험료 80%(100만원/업체)"
        ("pl_insurance_regions_2020", "premium_rate", "2020-06-01", "jeju", "80%"),
        # 001 "경남(50백만원)"
        ("pl_insurance_regions_2020", "budget", "2020-06-01", "gyeongnam", 50_000_000),
        # 002 "13 제주 10,000 13,000 1.6% 1.6%"
        ("interest_subsidy", "bill_loan_rate", "2018-06-01", "jeju", 0.016),
        # 003 ③ "참가비의 50%(최대 175만원)지원"
        ("guro_kotra_branch", "fee_cap", "2018-06-01", None, 1_750_000),
        # 001 II-9 포스코 모델 "A … 최대 1.8억원"
        ("smart_factory", "support_cap", "2020-06-01", "posco_a", 180_000_000),
        # 004 "구역크기별 소공인 수 : 특별·광역시(50), 시(40), 군(20)개 이상"
        ("micro_manufacturer_center_2024", "cluster_min", "2024-05-01", "county", 20),
        # 004 "⑤ 3인 이상의 운영인력"
        ("micro_manufacturer_center_2024", "min_staff", "2024-05-01", None, 3),
    ],
)
def test_key_figures_are_the_seeds(
    profile_id: str, name: str, on: str, key: str | None, expected: object
) -> None:
    found = value_on(profile_id, name, on) if key is None else entry(profile_id, name, key, on)
    assert found == expected
