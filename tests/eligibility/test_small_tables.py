"""Small tables, decided record by record, give exactly the batch path's frame.

Same columns, order, values, dtypes, categories (and their order) and index, for lists
of records and for DataFrames as pandas infers them, as object columns and with text
as categoricals or Arrow strings.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import FLAGSHIP, ON, batches, examples, object_frame

import selectlib
from selectlib.eligibility import small

PROFILE = selectlib.load_profile(FLAGSHIP)
PROPERTY = settings(
    max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
small_batches = batches(max_size=small.MAX_SMALL_ROWS)


def _assert_same_as_batch(table: Any) -> None:
    assert small.small_records(table) is not None  # the small path is the one taken
    got = PROFILE.evaluate_many(table, on=ON)
    with mock.patch.object(small, "MAX_SMALL_ROWS", 0):
        assert small.small_records(table) is None
        expected = PROFILE.evaluate_many(table, on=ON)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    for name in expected.columns:
        if isinstance(expected[name].dtype, pd.CategoricalDtype):
            assert list(got[name].cat.categories) == list(expected[name].cat.categories)


def _text_only(frame: pd.DataFrame) -> list[str]:
    return [
        name
        for name in frame.columns
        if all(value is None or isinstance(value, str) for value in frame[name])
    ]


@PROPERTY
@given(rows=small_batches.filter(bool))
def test_a_list_of_records_gives_the_batch_frame(rows):
    _assert_same_as_batch(rows)


@PROPERTY
@given(rows=small_batches.filter(bool), form=st.sampled_from(["inferred", "objects"]))
def test_a_dataframe_gives_the_batch_frame(rows, form):
    frame = pd.DataFrame(rows) if form == "inferred" else object_frame(rows)
    assume(small.small_records(frame) is not None)  # not a uint64 column, say
    _assert_same_as_batch(frame)


@PROPERTY
@given(
    rows=small_batches.filter(bool),
    form=st.sampled_from(["category", "str"]),
    labels=st.lists(st.integers(-20, 20), unique=True, min_size=small.MAX_SMALL_ROWS),
)
def test_text_as_categoricals_or_arrow_strings_gives_the_batch_frame(rows, form, labels):
    frame = object_frame(rows, index=labels[: len(rows)])
    text = _text_only(frame)
    _assert_same_as_batch(frame.astype(dict.fromkeys(text, form)))


def test_larger_tables_and_other_inputs_take_the_batch_path():
    row = {"staff": 3}
    assert small.small_records([row] * (small.MAX_SMALL_ROWS + 1)) is None
    assert small.small_records([]) is None
    assert small.small_records({"staff": [3]}) is None
    assert small.small_records([{1: 3}]) is None
    assert small.small_records(pd.DataFrame({("staff", "n"): [3]})) is None
    assert small.small_records(pd.DataFrame({"staff": pd.array([3], dtype="Int64")})) is None
