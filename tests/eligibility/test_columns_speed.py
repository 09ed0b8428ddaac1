"""Columns, not values: every input form gives the same results, with or without ids.

A table's id and name columns are checked as whole columns, categoricals are coerced
once per category and Arrow text is parsed by Arrow; none of it may change a result.
The reference is the general path: object columns, each distinct value coerced by the
scalar coercer (which tests/eligibility/test_properties.py ties to one-record decisions).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import (
    AREA_SPELLINGS,
    AUTONOMOUS,
    FLAGSHIP,
    MANDATORY,
    ON,
    OPERATOR_SPELLINGS,
    examples,
)

import selectlib
from selectlib.eligibility import columns as column_paths
from selectlib.eligibility.results import _base3

PROFILE = selectlib.load_profile(FLAGSHIP)
PROPERTY = settings(
    max_examples=examples(50), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
NOTHING = [None, "", "  "]
"""Text cells that say "no value": absent, empty, blank."""

TEXT_CELLS: dict[str, list[Any]] = {
    "area_type": [*AREA_SPELLINGS, "town", "0", *NOTHING],
    "operator_type": [*OPERATOR_SPELLINGS, "nonprofit corp", *NOTHING],
    "cluster_count": ["0", "45", "120", " 7 ", "+3", "5.0", "-1", "3.5", "0x10", "abc", *NOTHING],
    "staff": ["0", "3", "007", "1e1", "9007199254740993", "three", *NOTHING],
    "has_dedicated_space": ["True", "false", "TRUE", "1", "0", "예", " yes ", "maybe", *NOTHING],
    "has_equipment": ["true", "False", "y", "2", *NOTHING],
    "offers_education": ["True", "False", *NOTHING],
    "mandatory_programs": [";".join(MANDATORY), "survey, roadmap", "survey;nonsense", *NOTHING],
    **{
        f"autonomous_programs.{code}": ["True", "False", "x", "no", *NOTHING] for code in AUTONOMOUS
    },
}
"""Per column, the text a CSV cell may hold: usable, other spellings, invalid, missing."""


@st.composite
def text_tables(draw: st.DrawFn) -> dict[str, list[Any]]:
    """A small table of text cells (a column per field, some columns left out)."""
    n = draw(st.integers(1, 8))
    names = [name for name in TEXT_CELLS if draw(st.integers(0, 6))]
    return {
        name: draw(st.lists(st.sampled_from(TEXT_CELLS[name]), min_size=n, max_size=n))
        for name in names
    } or {"staff": ["3"] * n}


def _objects(columns: dict[str, list[Any]]) -> pd.DataFrame:
    data = {}
    for name, values in columns.items():
        array = np.empty(len(values), dtype=object)
        array[:] = values
        data[name] = array
    return pd.DataFrame(data)


def _as(form: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s text columns as Arrow strings, categoricals or plain objects."""
    if form == "arrow":
        return frame.astype("str")
    if form == "categorical":
        return frame.astype("category")
    return frame


def _with_ids(frame: pd.DataFrame, ids: Any) -> pd.DataFrame:
    n = len(frame)
    names = pd.Series([f"이름 {i}" for i in range(n)], dtype=object)
    return frame.assign(applicant_id=ids, name=names)


def _results(frame: pd.DataFrame) -> pd.DataFrame:
    return PROFILE.evaluate_many(frame, on=ON).drop(columns="applicant_id", errors="ignore")


@PROPERTY
@given(columns=text_tables(), form=st.sampled_from(["arrow", "categorical", "objects"]))
def test_every_form_with_or_without_ids_gives_the_object_columns_results(columns, form):
    frame = _objects(columns)
    expected = _results(frame)
    ids = [f"APP-{i:03d}" for i in range(len(frame))]
    for id_form in ("arrow", "categorical", "objects"):
        given_ = _as(form, _with_ids(frame, _as(id_form, pd.DataFrame({"i": ids}))["i"]))
        pd.testing.assert_frame_equal(_results(given_), expected)
    pd.testing.assert_frame_equal(
        _results(_with_ids(_as(form, frame), range(len(frame)))), expected
    )


@pytest.mark.parametrize(
    "ids",
    [
        pd.Series(["A-1", None, "  ", "A-4"], dtype="str"),
        pd.Series(["A-1", None, "A-3", "A-4"], dtype="category"),
        pd.Series(["A-1", None, math.nan, "A-4"], dtype=object),
        pd.Series([1001, 1002, 1003, 1004], dtype=np.int64),
        pd.Series([1001.0, math.nan, 1003.0, 1004.0]),
        pd.Series([1001, None, 1003, 1004], dtype="Int64"),
    ],
    ids=["arrow", "categorical", "objects", "integers", "whole-floats", "nullable-integers"],
)
def test_an_id_column_changes_nothing_but_is_passed_through_as_given(ids):
    frame = pd.DataFrame(
        {"staff": ["3", "1", None, "x"], "area_type": pd.Categorical(["metro", "군", None, "x"])}
    )
    result = PROFILE.evaluate_many(frame.assign(applicant_id=ids), on=ON)
    pd.testing.assert_frame_equal(result.drop(columns="applicant_id"), _results(frame))
    kept = result["applicant_id"]
    if ids.dtype != object:  # pandas itself reads an object column of text as str
        pd.testing.assert_series_equal(kept, ids, check_names=False)
    for name in ("outcome", "status", "reasons_en", "cluster_size"):
        assert isinstance(result[name].dtype, pd.CategoricalDtype), name


@pytest.mark.parametrize(
    "ids",
    [
        pd.Series(["A-1", True, 1.5, ["A"]], dtype=object),
        pd.Series([True, False, True, False]),
        pd.Series([1.0, 1.5, math.inf, math.nan]),
        pd.Categorical(["A-1", 1.5, True, "A-1"]),
        pd.Series([1.0, 2.5, None, 4.0], dtype="Float64"),
    ],
    ids=["objects", "booleans", "floats", "categorical", "nullable-floats"],
)
def test_an_invalid_id_makes_its_row_invalid_as_one_record_would(ids):
    frame = pd.DataFrame({"staff": [3, 3, 3, 3]}).assign(applicant_id=ids)
    result = PROFILE.evaluate_many(frame, on=ON)
    for position, record in enumerate(frame.to_dict("records")):
        decision = PROFILE.evaluate(record, on=ON)
        assert result["outcome"].iloc[position] == decision.outcome.value, position
        id_problems = [p.message for p in decision.problems if p.key == "applicant_id"]
        found = result["problems"].iloc[position]
        if id_problems:
            assert f"applicant_id: {id_problems[0]}" in found, (position, found)
        else:
            assert found == "", (position, found)


@pytest.mark.parametrize(
    "values",
    [
        (Decimal("2.50"), Decimal("2.5")),
        (
            dt.datetime(2024, 5, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=9))),
            dt.datetime(2024, 5, 1, 0, tzinfo=dt.UTC),
        ),
    ],
)
def test_categories_equal_but_written_differently_are_quoted_as_written(values):
    """Coerced categories are remembered; equal values a message quotes differently are not
    taken for one another."""
    profile = selectlib.load_profile("micro_manufacturer_center_2024")

    def problems(value: Any) -> str:
        categories = pd.Index([value], dtype=object)  # 20 rows: the whole-column path
        frame = pd.DataFrame({"staff": pd.Categorical([value] * 20, categories=categories)})
        return str(profile.evaluate_many(frame, on="2024-05-01")["problems"].iloc[0])

    for value in values:
        remembered = problems(value)
        column_paths._REMEMBERED.clear()
        assert remembered == problems(value), value


def test_dictionary_columns_with_unused_and_reordered_categories_give_the_same_results():
    frame = _objects(
        {
            "area_type": ["metro", "군", None, "town", "city"],
            "operator_type": ["대학", "for_profit", "nonprofit corp", None, "university"],
            "mandatory_programs": ["survey;roadmap", None, "survey;x", "roadmap", ""],
            "staff": ["3", "0", None, "x", "5"],
        }
    )
    expected = _results(frame)
    unused = {
        "area_type": ["zzz", "  ", "county", "metro"],
        "operator_type": ["bad", "individual"],
        "mandatory_programs": ["nonsense", "workforce"],
        "staff": ["-4", "1"],
    }
    reordered = frame.copy()
    for name, extra in unused.items():
        present = [v for v in frame[name].dropna().unique() if v not in extra]
        categories = [*extra, *reversed(present)]
        reordered[name] = pd.Categorical(frame[name], categories=categories)
    pd.testing.assert_frame_equal(_results(reordered), expected)


def test_a_parquet_dictionary_table_gives_the_text_tables_results(tmp_path):
    frame = _objects(
        {
            "applicant_id": [f"A-{i}" for i in range(6)],
            "area_type": ["metro", "city", "county", "metro", None, "town"],
            "operator_type": ["university", "for_profit", "university", None, "개인", "대학"],
            "cluster_count": ["60", "41", "19", "50", "3", "80"],
            "staff": ["3", "5", "3", "4", "1", "3"],
        }
    ).assign(has_dedicated_space=True, has_equipment=[True, True, False, True, True, True])
    path = tmp_path / "applicants.parquet"
    typed = frame.astype({"area_type": "category", "operator_type": "category"})
    typed.astype({"cluster_count": "int64", "staff": "int64"}).to_parquet(path)
    back = pd.read_parquet(path)
    assert isinstance(back["area_type"].dtype, pd.CategoricalDtype)
    pd.testing.assert_frame_equal(_results(back), _results(frame))


@pytest.mark.parametrize(
    ("field", "text", "usable"),
    [
        ("cluster_count", "0x10", False),  # Arrow reads hexadecimal; the scalar path does not
        ("cluster_count", "9007199254740993", False),  # above 2**53, though a float rounds it
        ("cluster_count", "1e1", True),
        ("cluster_count", " 7 ", True),
        ("has_equipment", "tRuE", True),
        ("has_equipment", " yes ", True),
        ("has_equipment", "maybe", False),
    ],
)
def test_arrow_text_parses_exactly_as_one_record_does(field, text, usable):
    frame = pd.DataFrame({field: pd.Series([text, "1", None], dtype="str")})
    result = PROFILE.evaluate_many(frame, on=ON)
    decision = PROFILE.evaluate({field: text}, on=ON)
    assert (not decision.problems) is usable
    assert (result["status"].iloc[0] == "ok") is usable
    pd.testing.assert_frame_equal(result, _results(frame.astype(object)))


@settings(max_examples=examples(100), deadline=None)
@given(
    statuses=st.integers(0, 31).flatmap(
        lambda k: st.lists(st.lists(st.integers(0, 2), min_size=k, max_size=k), max_size=20)
    )
)
def test_status_combinations_are_read_as_base_3_numbers(statuses):
    k = len(statuses[0]) if statuses else 3
    few = np.array(statuses, dtype=np.int8).reshape(len(statuses), k)
    for matrix in (few, np.tile(few, (70, 1))):  # a few rows, and more than a few
        matrix = np.asfortranarray(matrix)
        expected = [sum(int(s) * 3**i for i, s in enumerate(row)) for row in matrix]
        assert _base3(matrix).tolist() == expected
