"""Work a table's evaluation skips or remembers gives the answers of doing it row by row.

A criterion that reads only fields the table lacks is decided on one row and spread;
outcomes come from the statuses' bits, not from a lookup per combination; reasons are
worked out once per profile and combination of statuses. None may change a result.
"""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import FLAGSHIP, ON, examples

import selectlib
from selectlib.eligibility import results, small
from selectlib.eligibility.columns import set_rows
from selectlib.profile.compiled import from_text

TEXT = {"ko": "가", "en": "a"}
FIELDS = {
    "x": {"kind": "integer"},
    "t": {"kind": "datetime", "required": False},
    "s": {"kind": "set", "choices": {"a": TEXT, "b": TEXT}},
}
CONDITIONS = [
    "x >= 1",
    "t < deadline",
    "t < deadline or true",
    "not (t < deadline) and false",
    "size(s) >= 1 or x >= 2",
    "'a' in s or true",
    "deadline > deadline",
]
"""Conditions on given columns, on absent ones only (with definite answers too), on
both, and on none."""


def _profile(if_missing: str = "incomplete") -> selectlib.Profile:
    data = {
        "id": "absent",
        "name": TEXT,
        "valid_from": "2024-01-01",
        "fields": {name: {"description": TEXT, **spec} for name, spec in FIELDS.items()},
        "parameters": {
            "deadline": {"description": TEXT, "kind": "datetime", "value": "2024-05-10 18:00"}
        },
        "criteria": [
            {
                "id": f"c{i}",
                "label": TEXT,
                "source": "s",
                "condition": condition,
                "if_missing": if_missing,
                "messages": {
                    "passed": TEXT,
                    "failed": {"ko": f"실패{i}", "en": f"f{i}"},
                    "missing": {"ko": f"없음{i}", "en": f"m{i}"},
                },
            }
            for i, condition in enumerate(CONDITIONS)
        ],
    }
    return from_text(json.dumps(data), None)


def _row_by_row(profile: selectlib.Profile, table: pd.DataFrame) -> pd.DataFrame:
    records: list[dict[str, Any]] = [
        {k: v for k, v in row.items() if v is not None and v == v}
        for row in table.to_dict("records")
    ]
    return pd.DataFrame(
        [
            {
                "outcome": str(decision.outcome),
                **{c.id: str(c.status) for c in decision.criteria},
            }
            for decision in (profile.evaluate(record, on=ON) for record in records)
        ]
    )


@pytest.mark.parametrize("if_missing", ["incomplete", "not_checked"])
@pytest.mark.parametrize("given_columns", [["x"], ["x", "s.a"], ["x", "t"], []])
def test_criteria_on_absent_columns_decide_as_one_record_does(given_columns, if_missing):
    profile = _profile(if_missing)
    rows = 40  # above small.MAX_SMALL_ROWS: the batch path
    full = pd.DataFrame(
        {
            "x": pd.array([None if i % 7 == 0 else i % 3 for i in range(rows)], dtype="Int64"),
            "t": pd.Series(
                [None if i % 5 == 0 else f"2024-05-{1 + i % 20:02d} 12:00" for i in range(rows)],
                dtype=object,
            ),
            "s.a": [i % 2 == 0 for i in range(rows)],
        }
    )
    table = full[given_columns] if given_columns else pd.DataFrame(index=range(rows))
    assert len(table) > small.MAX_SMALL_ROWS
    got = profile.evaluate_many(table, on=ON)
    expected = _row_by_row(profile, table)
    for name in expected.columns:
        assert got[name].astype(str).tolist() == expected[name].tolist(), name
    assert not got.loc[:, "c6"].eq("passed").any()  # no fields: decided once, spread too


def test_an_empty_table_without_the_columns_gives_no_rows():
    result = _profile().evaluate_many(pd.DataFrame({"x": pd.Series([], dtype="int64")}), on=ON)
    assert len(result) == 0
    assert list(result.columns[:3]) == ["eligible", "outcome", "status"]


PROFILE = selectlib.load_profile(FLAGSHIP)
CRITERIA = len(PROFILE.engine.criteria)


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.lists(st.integers(0, 2), min_size=CRITERIA, max_size=CRITERIA), max_size=90))
def test_outcomes_follow_the_statuses(rows):
    statuses = np.asfortranarray(np.array(rows, dtype=np.int8).reshape(len(rows), CRITERIA))
    waits = [item.criterion.blocking for item in PROFILE.engine.criteria]
    assert not all(waits)  # the flagship has a criterion left unchecked when missing
    expected = [
        1 if 1 in row else 2 if any(s == 2 and w for s, w in zip(row, waits, strict=True)) else 0
        for row in rows
    ]
    got = results._outcomes(PROFILE.engine, statuses)
    assert got.dtype == np.int8
    assert got.tolist() == expected


def test_reasons_are_the_same_remembered_or_not():
    table = pd.DataFrame({"x": [i % 4 for i in range(40)], "s.a": [i % 3 == 0 for i in range(40)]})
    fresh = _profile()
    first = fresh.evaluate_many(table, on=ON)
    assert fresh.engine.reasons  # remembered
    again = fresh.evaluate_many(table, on=ON)
    with mock.patch.object(results, "MAX_CACHED_REASONS", 1):
        bounded = _profile()
        once = bounded.evaluate_many(table, on=ON)
        twice = bounded.evaluate_many(table, on=ON)
        assert len(bounded.engine.reasons) == 1
    for other in (again, once, twice):
        pd.testing.assert_frame_equal(first, other, check_exact=True)
    assert first["reasons_en"].iloc[0] == "a: f0 a: m1 a: f3 a: m4 a: f6"
    assert first["reasons_ko"].iloc[0] == "가: 실패0 가: 없음1 가: 실패3 가: 없음4 가: 실패6"


def _shaped(flags: list[bool], shape: str) -> Any:
    """``flags`` as a criterion may give them: one Python value, one-element or whole."""
    if shape == "scalar":
        return flags[0]
    if shape == "one":
        return np.array(flags[:1])
    return np.array(flags)


@settings(max_examples=examples(100), deadline=None)
@given(
    n=st.integers(1, 70),
    data=st.data(),
    value_shape=st.sampled_from(["scalar", "one", "whole"]),
    missing_shape=st.sampled_from([None, "scalar", "one", "whole"]),
)
def test_status_codes_spread_one_value_as_they_write_a_column(n, data, value_shape, missing_shape):
    values = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    absent = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    given_values = _shaped(values, value_shape)
    given_missing = None if missing_shape is None else _shaped(absent, missing_shape)
    row_values = np.broadcast_to(np.asarray(given_values, dtype=bool), (n,))
    row_missing = (
        np.zeros(n, bool) if given_missing is None else np.broadcast_to(given_missing, (n,))
    )
    expected = [2 if m else 0 if v else 1 for v, m in zip(row_values, row_missing, strict=True)]
    out = np.full(n, 7, dtype=np.int8)
    results.status_codes(given_values, given_missing, out)
    assert out.tolist() == expected


def test_remembered_categories_keep_types_apart():
    """Categories equal as Python keys (1 and True) but read differently by a field."""
    numbers = pd.Categorical([1, 0] * 20, categories=pd.Index([1, 0], dtype=object))
    flags = pd.Categorical([True, False] * 20, categories=pd.Index([True, False], dtype=object))
    profile = _profile()
    first = profile.evaluate_many(pd.DataFrame({"x": numbers}), on=ON)
    second = profile.evaluate_many(pd.DataFrame({"x": flags}), on=ON)
    assert set(first["status"]) == {"ok"}
    assert set(second["status"]) == {"invalid"}  # yes/no is not a number
    again = profile.evaluate_many(pd.DataFrame({"x": numbers}), on=ON)
    pd.testing.assert_frame_equal(first, again, check_exact=True)


@settings(max_examples=examples(100), deadline=None)
@given(
    width=st.integers(1, 70),
    distinct=st.integers(1, 9),
    data=st.data(),
)
def test_set_rows_are_the_rows_taken_column_major(width, distinct, data):
    flags = data.draw(st.lists(st.booleans(), min_size=width * distinct, max_size=width * distinct))
    table = np.array(flags, dtype=bool).reshape(distinct, width)
    codes = np.array(data.draw(st.lists(st.integers(-1, distinct - 1), max_size=80)), dtype=np.int8)
    got = set_rows(table, codes)
    assert got.flags.f_contiguous
    assert got.shape == (len(codes), width)
    np.testing.assert_array_equal(got, np.take(table, codes, axis=0))
