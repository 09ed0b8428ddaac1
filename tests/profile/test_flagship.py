"""Hand-checked decisions for every criterion of the flagship profile (DOMAIN.md §1).

Each threshold is tried at, just below and just above its value; every case is
worked out by hand from the 2024 press notice, not from the engine.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
import pytest
from strategies import AUTONOMOUS, CRITERIA, MANDATORY, ON

import selectlib
from selectlib import CriterionStatus, Outcome

PASSED, FAILED, MISSING = CriterionStatus.PASSED, CriterionStatus.FAILED, CriterionStatus.MISSING
EFFECTIVE = dt.date(2024, 4, 15)

FIELD_CRITERION = {
    "area_type": "cluster_size",
    "cluster_count": "cluster_size",
    "operator_type": "nonprofit_operator",
    "has_dedicated_space": "dedicated_space",
    "has_equipment": "dedicated_equipment",
    "staff": "operating_staff",
    "mandatory_programs": "mandatory_programs",
    "offers_education": "education_program",
    "autonomous_programs": "autonomous_programs",
    "micro_manufacturer_related": "micro_manufacturer_related",
}
"""Which criterion each required input decides."""


def statuses(decision: selectlib.Decision) -> dict[str, CriterionStatus]:
    return {result.id: result.status for result in decision.criteria}


def only_failures(decision: selectlib.Decision) -> dict[str, CriterionStatus]:
    return {cid: status for cid, status in statuses(decision).items() if status is not PASSED}


def test_good_record_is_eligible(flagship, good_record):
    decision = flagship.evaluate(good_record(), on=ON)
    assert decision.outcome is Outcome.ELIGIBLE
    assert decision.eligible is True
    assert [r.id for r in decision.criteria] == list(CRITERIA)
    assert all(r.status is PASSED for r in decision.criteria)
    assert decision.failed == ()
    assert decision.problems == ()
    assert decision.missing_fields == ()
    assert decision.applicant == "A-001"


# -- ② cluster size by area type -------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "count", "threshold", "status"),
    [
        ("metro", 49, 50, FAILED),
        ("metro", 50, 50, PASSED),
        ("metro", 51, 50, PASSED),
        ("city", 39, 40, FAILED),
        ("city", 40, 40, PASSED),
        ("city", 41, 40, PASSED),
        ("county", 19, 20, FAILED),
        ("county", 20, 20, PASSED),
        ("county", 21, 20, PASSED),
        ("군", 19, 20, FAILED),
        ("군", 20, 20, PASSED),
        ("군", 21, 20, PASSED),
        ("시", 39, 40, FAILED),
        ("시", 40, 40, PASSED),
        ("광역시", 49, 50, FAILED),
        ("특별·광역시", 50, 50, PASSED),
        ("특별시", 49, 50, FAILED),
        ("County", 20, 20, PASSED),
    ],
)
def test_cluster_size_thresholds(flagship, good_record, area, count, threshold, status):
    decision = flagship.evaluate(good_record(area_type=area, cluster_count=count), on=ON)
    result = decision.criterion("cluster_size")
    assert result.status is status
    assert result.value == count
    assert result.threshold == threshold
    assert result.operator == ">="
    assert result.parameters == ("cluster_min",)
    assert only_failures(decision) == ({} if status is PASSED else {"cluster_size": FAILED})
    assert decision.outcome is (Outcome.ELIGIBLE if status is PASSED else Outcome.INELIGIBLE)


def test_county_minimum_of_20_applies_to_county_and_gun_only(flagship, good_record):
    # 20 firms are enough in a county (군) but not in a city (40) or a metro (50)
    results = {
        area: flagship.evaluate(good_record(area_type=area, cluster_count=20), on=ON)
        for area in ("county", "군", "city", "시", "metro", "광역시")
    }
    assert {area: d.criterion("cluster_size").status for area, d in results.items()} == {
        "county": PASSED,
        "군": PASSED,
        "city": FAILED,
        "시": FAILED,
        "metro": FAILED,
        "광역시": FAILED,
    }
    assert {area: d.criterion("cluster_size").threshold for area, d in results.items()} == {
        "county": 20,
        "군": 20,
        "city": 40,
        "시": 40,
        "metro": 50,
        "광역시": 50,
    }


def test_cluster_count_given_as_text_or_float(flagship, good_record):
    for raw in ("50", " 50 ", 50.0, "50.0"):
        decision = flagship.evaluate(good_record(cluster_count=raw), on=ON)
        assert decision.outcome is Outcome.ELIGIBLE, raw
        assert decision.criterion("cluster_size").value == 50
    assert flagship.evaluate(good_record(cluster_count="49"), on=ON).outcome is Outcome.INELIGIBLE


# -- ③ non-profit operator ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "status"),
    [
        ("nonprofit_corporation", PASSED),
        ("university", PASSED),
        ("local_government_body", PASSED),
        ("for_profit", FAILED),
        ("individual", FAILED),
        ("비영리법인", PASSED),
        ("대학", PASSED),
        ("대학교", PASSED),
        ("지자체 산하기관", PASSED),
        ("영리법인", FAILED),
        ("개인", FAILED),
        ("개인사업자", FAILED),
    ],
)
def test_operator_types(flagship, good_record, operator, status):
    decision = flagship.evaluate(good_record(operator_type=operator), on=ON)
    result = decision.criterion("nonprofit_operator")
    assert result.status is status
    assert result.operator == "in"
    assert result.threshold == frozenset(
        {"nonprofit_corporation", "university", "local_government_body"}
    )
    assert result.value in {
        "nonprofit_corporation",
        "university",
        "local_government_body",
        "for_profit",
        "individual",
    }
    assert only_failures(decision) == ({} if status is PASSED else {"nonprofit_operator": FAILED})


# -- ④ dedicated space and equipment, education ------------------------------------------


@pytest.mark.parametrize(
    ("field", "criterion"),
    [
        ("has_dedicated_space", "dedicated_space"),
        ("has_equipment", "dedicated_equipment"),
        ("offers_education", "education_program"),
    ],
)
@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (True, PASSED),
        (False, FAILED),
        ("yes", PASSED),
        ("no", FAILED),
        ("예", PASSED),
        ("아니오", FAILED),
        ("O", PASSED),
        ("X", FAILED),
        (1, PASSED),
        (0, FAILED),
        ("true", PASSED),
        ("FALSE", FAILED),
    ],
)
def test_yes_no_requirements(flagship, good_record, field, criterion, raw, status):
    decision = flagship.evaluate(good_record(**{field: raw}), on=ON)
    assert decision.criterion(criterion).status is status
    assert only_failures(decision) == ({} if status is PASSED else {criterion: FAILED})
    assert decision.eligible is (status is PASSED)


# -- ⑤ operating staff ------------------------------------------------------------------


@pytest.mark.parametrize(("staff", "status"), [(2, FAILED), (3, PASSED), (4, PASSED), (0, FAILED)])
def test_operating_staff(flagship, good_record, staff, status):
    decision = flagship.evaluate(good_record(staff=staff), on=ON)
    result = decision.criterion("operating_staff")
    assert (result.status, result.value, result.threshold) == (status, staff, 3)
    assert result.parameters == ("min_staff",)
    assert decision.eligible is (status is PASSED)


# -- programs ---------------------------------------------------------------------------


def test_all_five_mandatory_programs_pass(flagship, good_record):
    result = flagship.evaluate(good_record(), on=ON).criterion("mandatory_programs")
    assert (result.status, result.value, result.threshold) == (PASSED, 5, 5)


@pytest.mark.parametrize("left_out", MANDATORY)
def test_four_mandatory_programs_fail(flagship, good_record, left_out):
    four = [code for code in MANDATORY if code != left_out]
    decision = flagship.evaluate(good_record(mandatory_programs=four), on=ON)
    result = decision.criterion("mandatory_programs")
    assert (result.status, result.value, result.threshold) == (FAILED, 4, 5)
    assert decision.outcome is Outcome.INELIGIBLE


def test_empty_mandatory_list_fails_not_missing(flagship, good_record):
    # an empty list is an answer ("none of them"), not a missing answer
    result = flagship.evaluate(good_record(mandatory_programs=[]), on=ON).criterion(
        "mandatory_programs"
    )
    assert (result.status, result.value) == (FAILED, 0)


@pytest.mark.parametrize(
    ("programs", "status"),
    [
        (["network", "marketing"], FAILED),
        (["network", "marketing", "promotion"], PASSED),
        (["network", "marketing", "promotion", "consulting"], PASSED),
        (list(AUTONOMOUS), PASSED),
        ([], FAILED),
        (["network", "network", "marketing"], FAILED),  # duplicates count once
    ],
)
def test_autonomous_programs(flagship, good_record, programs, status):
    decision = flagship.evaluate(good_record(autonomous_programs=programs), on=ON)
    result = decision.criterion("autonomous_programs")
    assert (result.status, result.value, result.threshold) == (status, len(set(programs)), 3)
    assert decision.eligible is (status is PASSED)


def _wide(field: str, codes: tuple[str, ...], chosen: list[str], yes: Any, no: Any) -> dict:
    return {f"{field}.{code}": (yes if code in chosen else no) for code in codes}


SET_CASES = [
    ("mandatory_programs", MANDATORY, list(MANDATORY), PASSED),
    ("mandatory_programs", MANDATORY, list(MANDATORY[:4]), FAILED),
    ("mandatory_programs", MANDATORY, ["survey"], FAILED),
    ("autonomous_programs", AUTONOMOUS, ["network", "tech_exchange"], FAILED),
    ("autonomous_programs", AUTONOMOUS, ["network", "tech_exchange", "regional"], PASSED),
    ("autonomous_programs", AUTONOMOUS, list(AUTONOMOUS[:4]), PASSED),
]


@pytest.mark.parametrize(("field", "codes", "chosen", "status"), SET_CASES)
def test_set_field_forms_agree(flagship, good_record, field, codes, chosen, status):
    forms = {
        "list": good_record(**{field: chosen}),
        "tuple": good_record(**{field: tuple(reversed(chosen))}),
        "semicolon text": good_record(**{field: ";".join(chosen)}),
        "comma text": good_record(**{field: ", ".join(chosen)}),
        "wide bools": good_record(**{field: ...}, **_wide(field, codes, chosen, True, False)),
        "wide yes/no": good_record(**{field: ...}, **_wide(field, codes, chosen, "yes", "no")),
        "wide 예/아니오": good_record(
            **{field: ...}, **_wide(field, codes, chosen, "예", "아니오")
        ),
        "wide 1/0": good_record(**{field: ...}, **_wide(field, codes, chosen, 1, 0)),
    }
    results = {form: flagship.evaluate(r, on=ON).criterion(field) for form, r in forms.items()}
    scalar = {form: (result.status, result.value) for form, result in results.items()}
    assert scalar == dict.fromkeys(forms, (status, len(chosen)))
    # the batch path reads each form the same way (one table per form)
    for form, record in forms.items():
        row = flagship.evaluate_many([record], on=ON).iloc[0]
        assert row[field] == status.value, form


def test_wide_columns_with_a_missing_flag_make_the_set_missing(flagship, good_record):
    wide = _wide("mandatory_programs", MANDATORY, list(MANDATORY), "yes", "no")
    wide["mandatory_programs.roadmap"] = ""
    decision = flagship.evaluate(good_record(mandatory_programs=..., **wide), on=ON)
    assert decision.criterion("mandatory_programs").status is MISSING
    assert decision.outcome is Outcome.INCOMPLETE
    assert "mandatory_programs" in decision.missing_fields


def test_wide_columns_with_an_invalid_flag_are_invalid(flagship, good_record):
    wide = _wide("mandatory_programs", MANDATORY, list(MANDATORY), "yes", "no")
    wide["mandatory_programs.survey"] = "maybe"
    record = good_record(mandatory_programs=..., **wide)
    decision = flagship.evaluate(record, on=ON)
    assert decision.outcome is Outcome.INVALID
    assert [p.key for p in decision.problems] == ["mandatory_programs"]
    assert "mandatory_programs.survey" in decision.problems[0].message
    row = flagship.evaluate_many([record], on=ON).iloc[0]
    assert row["status"] == "invalid"
    assert "mandatory_programs.survey" in row["problems"]


# -- explanations ---------------------------------------------------------------------------


def test_explanation_carries_value_threshold_operator_date_source_and_messages(
    flagship, good_record
):
    decision = flagship.evaluate(good_record(area_type="city", cluster_count=39, staff=2), on=ON)
    spec = {c.id: c for c in flagship.criteria}
    cluster = decision.criterion("cluster_size")
    assert cluster.value == 39
    assert cluster.threshold == 40
    assert cluster.operator == ">="
    assert cluster.effective == EFFECTIVE
    assert cluster.source == "004 ② 예산 지원대상 ①"
    assert cluster.label == selectlib.Text("집적지 규모", "Cluster size")
    assert cluster.message == spec["cluster_size"].messages.failed
    assert cluster.message.ko == "집적지 소공인 수가 구역크기별 기준에 미달합니다."
    assert cluster.message.en.startswith("The cluster has fewer micro-manufacturers")
    staff = decision.criterion("operating_staff")
    assert (staff.value, staff.threshold, staff.operator, staff.effective) == (
        2,
        3,
        ">=",
        EFFECTIVE,
    )
    assert staff.source == "004 ⑤"
    for result in decision.criteria:
        assert result.source == spec[result.id].source
        assert result.label == spec[result.id].label
        expected = spec[result.id].messages.passed if result.passed else None
        if expected is not None:
            assert result.message == expected
    for result in decision.criteria:
        if result.operator is not None:
            assert result.effective == EFFECTIVE, result.id
    en = decision.explain("en")
    ko = decision.explain("ko")
    assert en.splitlines()[0] == "A-001: ineligible"
    assert "Cluster size (004 ② 예산 지원대상 ①): failed [39 >= 40; since 2024-04-15]" in en
    assert "Operating staff (004 ⑤): failed [2 >= 3; since 2024-04-15]" in en
    assert "The cluster has fewer micro-manufacturers" in en
    assert "집적지 규모 (004 ② 예산 지원대상 ①): failed [39 >= 40; 시행 2024-04-15]" in ko
    assert "집적지 소공인 수가 구역크기별 기준에 미달합니다." in ko
    assert len(en.splitlines()) == 1 + len(CRITERIA)
    assert cluster.explain("en") in en


def test_explanation_of_a_passed_yes_no_criterion(flagship, good_record):
    result = flagship.evaluate(good_record(), on=ON).criterion("dedicated_space")
    assert result.operator is None
    assert result.value is True
    assert result.message.en == "The center has a dedicated space."
    assert result.explain("ko").startswith("전용 공간 (004 ④): passed")


# -- missing input ----------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["absent", None, math.nan, "", "  "])
@pytest.mark.parametrize("field", list(FIELD_CRITERION))
def test_missing_input_is_incomplete_never_failed(flagship, good_record, field, how):
    record = good_record(**{field: ... if how == "absent" else how})
    decision = flagship.evaluate(record, on=ON)
    criterion = FIELD_CRITERION[field]
    assert only_failures(decision) == {criterion: MISSING}
    assert decision.outcome is Outcome.INCOMPLETE
    assert decision.eligible is None
    assert decision.problems == ()
    assert decision.missing_fields == (field,)
    spec = next(c for c in flagship.criteria if c.id == criterion)
    assert decision.criterion(criterion).message == spec.messages.missing
    assert decision.criterion(criterion).value is None or criterion == "cluster_size"
    row = flagship.evaluate_many([record], on=ON).iloc[0]
    assert row["outcome"] == "incomplete"
    assert row["eligible"] is pd.NA
    assert row[criterion] == "missing"
    assert row["status"] == "ok"
    assert spec.messages.missing.en in row["reasons_en"]
    assert spec.messages.missing.ko in row["reasons_ko"]


@pytest.mark.parametrize("field", list(FIELD_CRITERION))
def test_missing_input_with_a_failure_elsewhere_is_ineligible(flagship, good_record, field):
    failing = {"staff": 1} if field != "staff" else {"has_equipment": False}
    failed = "operating_staff" if field != "staff" else "dedicated_equipment"
    record = good_record(**{field: None}, **failing)
    decision = flagship.evaluate(record, on=ON)
    assert decision.outcome is Outcome.INELIGIBLE
    assert decision.eligible is False
    assert decision.criterion(failed).status is FAILED
    assert decision.criterion(FIELD_CRITERION[field]).status is MISSING
    row = flagship.evaluate_many([record], on=ON).iloc[0]
    assert (row["outcome"], row["eligible"]) == ("ineligible", False)


def test_optional_identifier_may_be_missing(flagship, good_record):
    decision = flagship.evaluate(good_record(applicant_id=...), on=ON)
    assert decision.outcome is Outcome.ELIGIBLE
    assert decision.applicant is None
    assert decision.missing_fields == ()


def test_empty_record_is_incomplete_in_every_criterion(flagship):
    decision = flagship.evaluate({}, on=ON)
    assert decision.outcome is Outcome.INCOMPLETE
    assert set(statuses(decision).values()) == {MISSING}
    assert set(decision.missing_fields) == set(FIELD_CRITERION)


# -- invalid input ----------------------------------------------------------------------------

INVALID_CASES = [
    ("area_type", "metroo"),
    ("area_type", 3),
    ("cluster_count", -1),
    ("cluster_count", "many"),
    ("cluster_count", True),
    ("cluster_count", 49.5),
    ("cluster_count", math.inf),
    ("operator_type", "corporation"),
    ("operator_type", ["university"]),
    ("has_dedicated_space", "maybe"),
    ("has_equipment", 2),
    ("offers_education", "없다"),
    ("staff", -3),
    ("staff", 2.5),
    ("staff", False),
    ("staff", "three"),
    ("mandatory_programs", ["survey", "nope"]),
    ("mandatory_programs", 5),
    ("autonomous_programs", "network;marketting;promotion"),
    ("autonomous_programs", [1, 2, 3]),
    ("applicant_id", 1.5),
]


@pytest.mark.parametrize(("field", "value"), INVALID_CASES)
def test_invalid_value_is_invalid_and_named(flagship, good_record, field, value):
    record = good_record(**{field: value})
    decision = flagship.evaluate(record, on=ON)
    assert decision.outcome is Outcome.INVALID
    assert decision.eligible is None
    assert [p.key for p in decision.problems] == [field]
    assert decision.problems[0].message
    assert field in decision.explain("en")
    row = flagship.evaluate_many([record], on=ON).iloc[0]
    assert row["outcome"] == "invalid"
    assert row["status"] == "invalid"
    assert row["eligible"] is pd.NA
    assert row["problems"].startswith(f"{field}: ")


def test_invalid_wins_over_failed_and_missing(flagship, good_record):
    record = good_record(staff=-1, has_equipment=False, offers_education=None)
    decision = flagship.evaluate(record, on=ON)
    assert decision.outcome is Outcome.INVALID
    assert decision.criterion("dedicated_equipment").status is FAILED
    assert decision.criterion("education_program").status is MISSING
    assert [p.key for p in decision.problems] == ["staff"]


def test_every_invalid_field_is_named(flagship, good_record):
    record = good_record(staff="x", area_type="metroo", has_equipment="maybe")
    decision = flagship.evaluate(record, on=ON)
    assert [p.key for p in decision.problems] == ["area_type", "has_equipment", "staff"]
    problems = flagship.evaluate_many([record], on=ON).iloc[0]["problems"]
    for field in ("area_type", "has_equipment", "staff"):
        assert f"{field}: " in problems


# -- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("on", ["2024-01-01", "2024-04-14", dt.date(2023, 12, 31)])
def test_before_the_rules_took_effect_is_an_error(flagship, good_record, on):
    with pytest.raises(selectlib.ValidityError, match="2024-04-15") as info:
        flagship.evaluate(good_record(), on=on)
    assert info.value.valid_from == EFFECTIVE
    with pytest.raises(selectlib.ValidityError):
        flagship.evaluate_many([good_record()], on=on)


def test_a_parameter_with_no_value_yet_is_an_error(flagship, good_record):
    """Within the profile's period, a parameter whose history starts later still has no value."""
    later = flagship.to_dict()
    later["parameters"]["min_staff"]["history"] = {"2024-06-01": 3}
    profile = selectlib.Profile.from_dict(later)
    with pytest.raises(selectlib.ParameterError, match="2024-06-01") as info:
        profile.evaluate(good_record(), on="2024-05-01")
    assert info.value.name == "min_staff"


def test_first_day_of_the_rules_works(flagship, good_record):
    decision = flagship.evaluate(good_record(), on="2024-04-15")
    assert decision.outcome is Outcome.ELIGIBLE
    assert decision.on == EFFECTIVE


# -- reform: thresholds 30/20/10 and staff 2 ------------------------------------------------------

REFORM = {"cluster_min": {"metro": 30, "city": 20, "county": 10}, "min_staff": 2}


def _applicants(good_record) -> list[dict[str, Any]]:
    return [
        good_record(applicant_id="eligible-anyway"),
        good_record(applicant_id="metro-35", cluster_count=35),
        good_record(applicant_id="city-25-staff-2", area_type="city", cluster_count=25, staff=2),
        good_record(applicant_id="county-10", area_type="county", cluster_count=10),
        good_record(applicant_id="county-9", area_type="county", cluster_count=9),
        good_record(applicant_id="staff-1", staff=1),
        good_record(
            applicant_id="for-profit-metro-35", operator_type="for_profit", cluster_count=35
        ),
        good_record(applicant_id="metro-30-no-staff", cluster_count=30, staff=None),
        good_record(applicant_id="metro-29", cluster_count=29),
    ]


def test_reform_flips_the_expected_applicants(flagship, good_record):
    before = flagship.to_dict()
    reform = flagship.with_params(REFORM)
    table = _applicants(good_record)
    cmp = selectlib.compare(flagship, reform, table, on=ON)
    got = {
        row.applicant_id: (row.before, row.after, row.change, row.changed_criteria)
        for row in cmp.itertuples()
    }
    assert got == {
        "eligible-anyway": ("eligible", "eligible", "unchanged", ""),
        "metro-35": ("ineligible", "eligible", "gained", "cluster_size: failed→passed"),
        "city-25-staff-2": (
            "ineligible",
            "eligible",
            "gained",
            "cluster_size: failed→passed; operating_staff: failed→passed",
        ),
        "county-10": ("ineligible", "eligible", "gained", "cluster_size: failed→passed"),
        "county-9": ("ineligible", "ineligible", "unchanged", ""),
        "staff-1": ("ineligible", "ineligible", "unchanged", ""),
        "for-profit-metro-35": (
            "ineligible",
            "ineligible",
            "unchanged",
            "cluster_size: failed→passed",
        ),
        "metro-30-no-staff": ("ineligible", "incomplete", "other", "cluster_size: failed→passed"),
        "metro-29": ("ineligible", "ineligible", "unchanged", ""),
    }
    assert list(cmp.index) == list(range(len(table)))
    summary = selectlib.summarize_comparison(cmp)
    counts = {
        (row.before, row.after, row.changed_criteria): row.applicants
        for row in summary.itertuples()
    }
    assert counts == {
        ("ineligible", "eligible", "cluster_size: failed→passed"): 2,
        (
            "ineligible",
            "eligible",
            "cluster_size: failed→passed; operating_staff: failed→passed",
        ): 1,
        ("ineligible", "incomplete", "cluster_size: failed→passed"): 1,
    }
    # the original profile is untouched and still applies 50/40/20 and 3
    assert flagship.to_dict() == before
    assert flagship.parameter("min_staff").history[0].value == 3
    assert flagship.parameter("cluster_min").history[0].value.as_dict() == {
        "metro": 50,
        "city": 40,
        "county": 20,
    }
    again = flagship.evaluate(table[1], on=ON).criterion("cluster_size")
    assert (again.status, again.threshold) == (FAILED, 50)
    reformed = reform.evaluate(table[1], on=ON).criterion("cluster_size")
    assert (reformed.status, reformed.threshold) == (PASSED, 30)
    assert reform.evaluate(table[2], on=ON).criterion("operating_staff").threshold == 2


def test_reform_of_one_table_entry(flagship, good_record):
    before = flagship.to_dict()
    reform = flagship.with_params({"cluster_min.metro": 30})
    assert reform.parameter("cluster_min").history[-1].value.as_dict() == {
        "metro": 30,
        "city": 40,
        "county": 20,
    }
    assert reform.evaluate(good_record(cluster_count=30), on=ON).eligible is True
    city = good_record(area_type="city", cluster_count=30)
    assert reform.evaluate(city, on=ON).eligible is False
    assert flagship.to_dict() == before
    assert flagship.evaluate(good_record(cluster_count=30), on=ON).eligible is False


def test_dated_reform_keeps_the_old_value_before_its_date(flagship, good_record):
    reform = flagship.with_params({"min_staff": 2}, since="2024-06-01")
    record = good_record(staff=2)
    old = reform.evaluate(record, on="2024-05-31").criterion("operating_staff")
    new = reform.evaluate(record, on="2024-06-01").criterion("operating_staff")
    assert (old.status, old.threshold, old.effective) == (FAILED, 3, EFFECTIVE)
    assert (new.status, new.threshold, new.effective) == (PASSED, 2, dt.date(2024, 6, 1))
    assert [entry.since for entry in flagship.parameter("min_staff").history] == [EFFECTIVE]


@pytest.mark.parametrize(
    "changes",
    [
        {"cluster_min": {"metro": 30, "city": 20}},  # lacks county
        {"cluster_min.town": 5},
        {"min_staff": [1, 2]},
        {"min_staf": 2},
        {"nonprofit_operator_types": ["university", "charity"]},
        {"min_staff": {"metro": 1}},
    ],
)
def test_bad_reforms_are_rejected_and_leave_the_profile_alone(flagship, changes):
    before = flagship.to_dict()
    with pytest.raises(selectlib.ParameterError):
        flagship.with_params(changes)
    assert flagship.to_dict() == before


# -- the application window (004: 5월 10일(금) 공고 마감시간(18:00) 전까지) ---------------------


@pytest.mark.parametrize(
    ("submitted_at", "status"),
    [
        ("2024-04-15 00:00", PASSED),  # opens at the start of the press notice's day
        ("2024-04-14 23:59:59", FAILED),
        ("2024-05-10 17:59:59", PASSED),  # the last second before the close
        ("2024-05-10 18:00", FAILED),  # "18:00 전까지": 18:00 itself is late
        ("2024-05-10T08:59:59Z", PASSED),  # 17:59:59 KST written in UTC
        ("2024-05-10T09:00:00Z", FAILED),  # 18:00 KST written in UTC
        ("2024-05-10T17:59:59+09:00", PASSED),
        (dt.datetime(2024, 5, 10, 17, 59), PASSED),  # a datetime without a zone is KST
        (pd.Timestamp("2024-05-10 18:00:00"), FAILED),
    ],
)
def test_application_window(flagship, good_record, submitted_at, status):
    decision = flagship.evaluate(good_record(submitted_at=submitted_at), on=ON)
    assert only_failures(decision) == ({} if status is PASSED else {"application_window": status})
    assert decision.outcome is (Outcome.ELIGIBLE if status is PASSED else Outcome.INELIGIBLE)


@pytest.mark.parametrize("submitted_at", [..., None, "", "  ", math.nan])
def test_no_filing_time_leaves_the_window_unchecked_and_the_outcome_decided(
    flagship, good_record, submitted_at
):
    decision = flagship.evaluate(good_record(submitted_at=submitted_at), on=ON)
    window = decision.criterion("application_window")
    assert window.status is MISSING
    assert window.message.en.startswith("Not checked")
    assert decision.outcome is Outcome.ELIGIBLE  # a self-assessment before filing still works
    assert decision.missing_fields == ()
    late = flagship.evaluate(good_record(submitted_at=submitted_at, staff=2), on=ON)
    assert late.outcome is Outcome.INELIGIBLE


@pytest.mark.parametrize(
    "submitted_at", ["2024-05-10", "tomorrow", "2024-13-01 10:00", 1715331600, True]
)
def test_an_unusable_filing_time_is_invalid_with_a_fix(flagship, good_record, submitted_at):
    decision = flagship.evaluate(good_record(submitted_at=submitted_at), on=ON)
    assert decision.outcome is Outcome.INVALID
    (problem,) = decision.problems
    assert problem.key == "submitted_at"
    assert "YYYY-MM-DD HH:MM" in problem.message


def test_the_window_in_a_table_agrees_and_keeps_other_rows_decided(flagship, good_record):
    times = ["2024-05-10 17:59:59", "2024-05-10 18:00", None, "2024-05-10T09:00:00Z", "x"]
    rows = [good_record(applicant_id=f"A-{i}", submitted_at=t) for i, t in enumerate(times)]
    results = flagship.evaluate_many(pd.DataFrame(rows * 4), on=ON)
    assert list(results["application_window"][:5].astype(str)) == [
        "passed",
        "failed",
        "missing",
        "failed",
        "missing",
    ]
    assert list(results["outcome"][:5].astype(str)) == [
        "eligible",
        "ineligible",
        "eligible",
        "ineligible",
        "invalid",
    ]
    for row, record in enumerate(rows):
        assert flagship.evaluate(record, on=ON).outcome.value == results["outcome"].iloc[row]


def test_a_reform_moves_the_deadline(flagship, good_record):
    extended = flagship.with_params({"application_closes": "2024-05-17 18:00"})
    record = good_record(submitted_at="2024-05-13 10:00")
    assert flagship.evaluate(record, on=ON).outcome is Outcome.INELIGIBLE
    assert extended.evaluate(record, on=ON).outcome is Outcome.ELIGIBLE
    with pytest.raises(selectlib.ParameterError, match="YYYY-MM-DD HH:MM"):
        flagship.with_params({"application_closes": "2024-05-17"})
