"""``gather`` gives exactly ``table[codes]``, whichever way it takes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import examples

from selectlib.expr.gather import MIN_ROWS, gather


@settings(max_examples=examples(200), deadline=None)
@given(
    table=st.lists(st.booleans(), min_size=1, max_size=12)
    | st.lists(st.integers(-128, 127), min_size=1, max_size=12),
    picks=st.lists(st.integers(0, 11), max_size=40),
    negative=st.booleans(),
    dtype=st.sampled_from([np.int8, np.int16, np.int64]),
)
@pytest.mark.parametrize("rows", [1, MIN_ROWS])  # numpy's gather, then comparisons
def test_gather_is_numpy_indexing(table, picks, negative, dtype, rows):
    array = np.array(table, dtype=bool if isinstance(table[0], bool) else np.int8)
    codes = np.tile(np.array([p % len(table) for p in picks], dtype=dtype), rows)
    if negative and len(codes):
        codes[0] = -1  # numpy's "last entry"
    got = gather(array, codes)
    assert got.dtype == array.dtype
    np.testing.assert_array_equal(got, array[codes])


def test_wider_number_tables_are_gathered_as_numpy_does():
    table = np.array([50, 40, 20])
    codes = np.array([2, 0, 1, 1], dtype=np.int8)
    np.testing.assert_array_equal(gather(table, codes), [20, 50, 40, 40])


def test_entries_beyond_the_codes_type_are_never_picked():
    """An entry the int8 codes cannot reach (index 150) is compared without overflow."""
    table = np.zeros(200, dtype=bool)
    table[150] = True
    codes = np.array([0, 1, 127, 5] * MIN_ROWS, dtype=np.int8)
    np.testing.assert_array_equal(gather(table, codes), table[codes])
    numbers = np.zeros(200, dtype=np.int8)
    numbers[[3, 150]] = [7, 9]
    np.testing.assert_array_equal(gather(numbers, codes), numbers[codes])
