"""A datetime field's column: the vectorized parse gives the scalar coercer's answers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import examples

from selectlib.dates import KST, epoch_seconds, moment
from selectlib.eligibility.coerce import MISSING, Invalid, scalar_coercer
from selectlib.eligibility.columns import coerce_column
from selectlib.profile.model import Field, FieldKind, Text

FIELD = Field("submitted_at", FieldKind.DATETIME, Text("신청 시각", "Filing time"))
_times = st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2100, 1, 1))
texts = st.one_of(
    _times.map(lambda t: t.strftime("%Y-%m-%d %H:%M")),
    _times.map(lambda t: t.isoformat()),
    _times.map(lambda t: t.replace(tzinfo=KST).isoformat()),
    _times.map(lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")),
    st.sampled_from(["2024-05-10", " 2024-05-10 18:00", "soon", "", "2024-02-30 10:00"]),
    st.none(),
)


def _expected(value: object) -> tuple[int, bool, bool]:
    """(seconds, missing, invalid) as the scalar coercer decides one value."""
    typed = scalar_coercer(FIELD)(value)
    if typed is MISSING:
        return 0, True, False
    if isinstance(typed, Invalid):
        return 0, False, True
    return epoch_seconds(typed), False, False


def _assert_agrees(column: pd.Series, values: list[object]) -> None:
    got = coerce_column(FIELD, column)
    for row, value in enumerate(values):
        seconds, missing, invalid = _expected(value)
        assert bool(got.missing is not None and got.missing[row]) == missing, (row, value)
        assert bool(got.invalid is not None and got.invalid[row]) == invalid, (row, value)
        if not (missing or invalid):
            assert got.values[row] == seconds, (row, value)


@settings(max_examples=examples(200), deadline=None)
@given(values=st.lists(texts, min_size=1, max_size=8), storage=st.sampled_from(["object", "str"]))
def test_text_columns_agree_with_the_scalar_coercer(values, storage):
    column = pd.Series(values, dtype=object)
    if storage == "str":
        column = column.astype("string[pyarrow]")
    _assert_agrees(column, values)


@settings(max_examples=examples(100), deadline=None)
@given(times=st.lists(st.one_of(_times, st.none()), min_size=1, max_size=8), aware=st.booleans())
def test_datetime64_columns_agree_with_the_scalar_coercer(times, aware):
    column = pd.Series(pd.to_datetime(times))
    if aware:
        column = column.dt.tz_localize("UTC")
    _assert_agrees(column, list(column))


def test_a_clean_column_takes_the_fast_path_without_calling_the_coercer(monkeypatch):
    values = [f"2024-05-{day:02d} 17:59:59" for day in range(1, 29)] * 100
    calls = []
    coerce = scalar_coercer(FIELD)
    got = coerce_column(FIELD, pd.Series(values), lambda v: calls.append(v) or coerce(v))
    assert calls == []
    assert got.missing is None
    assert got.invalid is None
    assert got.values[0] == epoch_seconds(moment("2024-05-01 17:59:59"))
    assert got.values.dtype == np.int64


@pytest.mark.parametrize(
    ("text", "kst"),
    [
        ("2024-05-10 18:00", "2024-05-10 18:00"),
        ("2024-05-10T09:00:00Z", "2024-05-10 18:00"),
        ("2024-05-10T12:00:00+03:00", "2024-05-10 18:00"),
        ("2024-05-10T18:00:00.999", "2024-05-10 18:00"),  # fractions of a second dropped
    ],
)
def test_zones_are_read_and_kst_is_the_default(text, kst):
    assert moment(text) == dt.datetime.fromisoformat(kst).replace(tzinfo=KST)
    assert coerce_column(FIELD, pd.Series([text] * 3)).values[0] == epoch_seconds(moment(kst))
