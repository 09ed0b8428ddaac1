"""Edge cases found in review: each once made the library wrong or let a non-selectlib error out."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import selectlib
from selectlib.io import read_table
from selectlib.profile.compiled import from_text
from selectlib.profile.source import read_yaml

ON = "2024-05-01"
TEXT = {"ko": "가", "en": "a"}
MESSAGES = {"passed": TEXT, "failed": TEXT, "missing": TEXT}


def tiny(fields: dict, parameters: dict, conditions: list[str]) -> selectlib.Profile:
    data = {
        "id": "tiny",
        "name": TEXT,
        "valid_from": "2024-01-01",
        "fields": {
            name: {"kind": kind, "description": TEXT, **extra}
            for name, (kind, extra) in fields.items()
        },
        "parameters": {name: {"description": TEXT, **spec} for name, spec in parameters.items()},
        "criteria": [
            {"id": f"c{i}", "label": TEXT, "source": "s", "condition": c, "messages": MESSAGES}
            for i, c in enumerate(conditions)
        ],
    }
    return from_text(json.dumps(data), None)


AREA = ("category", {"choices": {c: TEXT | {"ko": c, "en": c} for c in ("metro", "city")}})


def statuses(profile: selectlib.Profile, rows: list[dict]) -> tuple[list[str], list[str]]:
    scalar = [str(profile.evaluate(r, on=ON).criteria[0].status) for r in rows]
    batch = profile.evaluate_many(rows, on=ON)["c0"].astype(str).tolist()
    return scalar, batch


def test_a_category_compared_with_a_text_field_agrees_row_by_row():
    profile = tiny({"area": AREA, "name": ("text", {})}, {}, ["area == name"])
    rows = [
        {"area": "metro", "name": "city"},
        {"area": "city", "name": "city"},
        {"area": "metro", "name": None},
    ]
    scalar, batch = statuses(profile, rows)
    assert scalar == batch == ["failed", "passed", "missing"]


def test_a_category_compared_with_a_table_of_text_agrees():
    table = {"value": {"metro": "city", "city": None}}
    profile = tiny({"area": AREA}, {"alias": table}, ["area == alias[area]"])
    scalar, batch = statuses(profile, [{"area": "metro"}, {"area": "city"}])
    assert scalar == batch == ["failed", "missing"]


def test_compare_names_changes_beyond_sixteen_criteria():
    conditions = [f"x >= t{i}" for i in range(20)]
    params = {f"t{i}": {"value": 5} for i in range(20)}
    base = tiny({"x": ("integer", {})}, params, conditions)
    reform = base.with_params({"t17": 1})
    changes = selectlib.compare(base, reform, [{"x": 3}], on=ON)
    assert changes["changed_criteria"].tolist() == ["c17: failed→passed"]


def test_problems_stay_with_their_rows_when_many_fields_are_bad():
    fields = {f"f{i}": ("integer", {}) for i in range(9)}
    profile = tiny(fields, {}, ["f0 >= 0"])
    rows = [{f"f{i}": f"bad{row}_{i}" for i in range(9)} for row in range(200)]
    table = profile.evaluate_many(rows, on=ON)
    for row in (0, 3, 197):
        scalar = "; ".join(str(p) for p in profile.evaluate(rows[row], on=ON).problems)
        assert table["problems"].iloc[row] == scalar


def test_parameters_seen_through_params_on_cannot_be_changed(flagship):
    env = flagship.params_on(ON)
    with pytest.raises(TypeError):
        env.values["min_staff"] = 0  # type: ignore[index]
    with pytest.raises(TypeError):
        env.values["cluster_min"]["metro"] = 0
    assert flagship.evaluate({"staff": 2}, on=ON).criterion("operating_staff").status == "failed"


def test_a_trailing_delimiter_does_not_shift_the_columns(tmp_path: Path):
    path = tmp_path / "trailing.csv"
    path.write_text("applicant_id,staff\nA1,3,\n", encoding="utf-8")
    frame = read_table(path)
    assert frame["applicant_id"].tolist() == ["A1"]
    assert frame["staff"].tolist() == ["3"]


def test_columns_line_up_by_position_not_by_series_index(flagship):
    table = {
        "staff": pd.Series([3, 4], index=[0, 1]),
        "cluster_count": pd.Series([60, 70], index=[1, 2]),
    }
    assert len(flagship.evaluate_many(table, on=ON)) == 2


@pytest.mark.parametrize(
    "call",
    [
        lambda p: p.with_params({"cluster_min.metro": [1, 2]}),
        lambda p: p.with_params({"min_staff": float("nan")}),
        lambda p: p.with_params([("min_staff", 2)]),
        lambda p: p.evaluate("[" * 100_000, on=ON),
        lambda p: p.evaluate_many({"staff": 3}, on=ON),
        lambda p: p.evaluate_many({"staff": np.array([[1, 2], [3, 4]])}, on=ON),
        lambda p: p.evaluate_many(pd.DataFrame([[3, 4]], columns=["staff", "staff"]), on=ON),
        lambda p: selectlib.load_profile("a" * 5000),
        lambda p: selectlib.load_profile("../micro_manufacturer_center_2024"),
        lambda p: p.parameter("max_staff"),
        lambda p: p.evaluate({}, on=ON).criterion("nope"),
    ],
)
def test_misuse_raises_a_selectlib_error(flagship, call):
    with pytest.raises(selectlib.SelectlibError):
        call(flagship)


def test_a_time_is_not_a_number(flagship):
    decision = flagship.evaluate({"staff": np.timedelta64(5, "D")}, on=ON)
    assert decision.outcome == "invalid"


@pytest.mark.parametrize("value", [np.datetime64("NaT"), pd.NaT, float("nan"), None, "  "])
def test_every_kind_of_missing_is_missing_on_both_paths(flagship, value):
    scalar = flagship.evaluate({"staff": value}, on=ON).criterion("operating_staff").status
    batch = flagship.evaluate_many([{"staff": value}], on=ON)["operating_staff"].iloc[0]
    assert scalar == batch == "missing"


def test_numbers_with_an_exponent_round_trip_through_json(tmp_path: Path):
    profile = tiny({"x": ("number", {})}, {"rate": {"value": 0.00001}}, ["x >= rate"])
    assert selectlib.Profile.from_dict(profile.to_dict()) == profile
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(profile.to_dict()), encoding="utf-8")
    assert selectlib.load_profile(path).parameter("rate").history[0].value == 0.00001


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id: 0x" + "f" * 4000 + "\n", "too large"),
        ("id: " + ":".join(["59"] * 20_000) + "\n", "longer than"),
        ("a: " + "x" * 1_100_000 + "\n", "larger than"),
    ],
)
def test_hostile_scalars_are_refused_quickly(text, message):
    _, _, problems = read_yaml(text, "x.yaml")
    assert problems
    assert message in problems[0].message


def test_an_impossible_date_is_reported_with_its_path(flagship):
    data = flagship.to_dict()
    data["valid_from"] = "2024-02-30"
    with pytest.raises(selectlib.ProfileError) as info:
        selectlib.Profile.from_dict(data)
    assert [p.key for p in info.value.problems] == ["$.valid_from"]


def test_a_keyword_cannot_name_a_field():
    with pytest.raises(selectlib.ProfileError, match="word of the condition language"):
        tiny({"in": ("integer", {})}, {}, ["true"])


def test_validity_is_checked_before_parameters(flagship):
    with pytest.raises(selectlib.ValidityError) as info:
        flagship.evaluate({}, on=dt.date(2024, 4, 14))
    assert info.value.valid_from == dt.date(2024, 4, 15)
