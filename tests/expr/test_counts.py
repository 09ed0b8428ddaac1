"""Counting a set's codes per row gives the plain sum, in the same dtype, however it is summed."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import examples

from selectlib.expr.functions import _count


@settings(max_examples=examples(200), deadline=None)
@given(
    rows=st.lists(st.lists(st.booleans(), min_size=6, max_size=6), max_size=30),
    mask=st.lists(st.booleans(), min_size=6, max_size=6),
    order=st.sampled_from(["C", "F"]),
)
def test_count_is_the_sum_of_the_chosen_columns(rows, mask, order):
    matrix = np.array(rows, dtype=bool, order=order).reshape(len(rows), 6)
    chosen = np.array(mask)
    got = _count(matrix, chosen)
    assert got.dtype == np.int16
    np.testing.assert_array_equal(got, matrix[:, chosen].sum(axis=1))


def test_a_broadcast_missing_column_counts_zero():
    matrix = np.broadcast_to(np.zeros((1, 6), dtype=bool, order="F"), (4, 6))
    np.testing.assert_array_equal(_count(matrix, np.ones(6, dtype=bool)), [0, 0, 0, 0])
