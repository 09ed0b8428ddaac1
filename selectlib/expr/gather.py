"""``table[codes]`` for the small tables a category indexes, in a few comparisons.

numpy's gather converts int8 codes to intp and copies one element at a time, about
1.4 ns a row; comparing the codes with each entry of a table of a few entries costs a
tenth of that per comparison. The answer is the same as ``table[codes]``.
"""

from __future__ import annotations

from typing import Final

import numpy as np

__all__ = ["MAX_COMPARED", "MIN_ROWS", "gather"]

MAX_COMPARED: Final = 4
"""Tables needing more comparisons than this (a yes/no table's rarer value, or an int8
table's entries other than its commonest, at more entries) are gathered by numpy
instead."""


MIN_ROWS: Final = 8192
"""Fewer codes than this are gathered by numpy: choosing the entries to compare costs
tens of µs, more than numpy's gather of a few thousand rows."""


def gather(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``table[codes]`` for a yes/no or int8 table and non-negative int8/int16 codes."""
    small = codes.dtype.kind == "i" and codes.dtype.itemsize <= 2
    if not small or table.ndim != 1 or len(codes) < MIN_ROWS:
        return _take(table, codes)
    if table.dtype == np.bool_:
        return _yes_no(table, codes)
    if table.dtype == np.int8:
        return _int8(table, codes)
    return _take(table, codes)  # wider numbers: a pass per entry costs more than numpy's


def _yes_no(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Either the entries that are true or those that are false, compared with the codes."""
    trues = np.flatnonzero(table)
    falses = np.flatnonzero(~table)
    chosen = trues if len(trues) <= len(falses) else falses
    if len(chosen) > MAX_COMPARED or codes.min() < 0:
        return _take(table, codes)
    out = np.zeros(len(codes), dtype=bool)
    for index in chosen.tolist():  # a Python int: a numpy int64 would compare in int64
        np.logical_or(out, codes == index, out=out)
    return out if chosen is trues else np.logical_not(out, out=out)


def _int8(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The table's commonest entry everywhere, and each other entry's difference from it
    added where the codes pick that entry (a category's codes recoded, an outcome per
    combination of statuses)."""
    values, counts = np.unique(table, return_counts=True)
    common = values[np.argmax(counts)]
    others = np.flatnonzero(table != common)
    if len(others) > MAX_COMPARED or codes.min() < 0:
        return _take(table, codes)
    out = np.full(len(codes), common, dtype=np.int8)
    # int8 sums wrap around, and each row adds at most one difference: exact
    differences = (table.astype(np.int16) - common).astype(np.int8)
    for index in others.tolist():  # a Python int: a numpy int64 would compare in int64
        hit = np.equal(codes, index).view(np.int8)
        np.multiply(hit, differences[index], out=hit)
        np.add(out, hit, out=out)
    return out


def _take(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    taken: np.ndarray = table[codes]
    return taken
