"""Small tables decided record by record: a handful of rows in microseconds, not milliseconds.

Typing a table column by column costs pandas a few milliseconds whatever the row count.
For a few rows it is cheaper to decide each record as :meth:`Engine.evaluate` does (the
path the batch path is tested against, row by row) and give its statuses, invalid rows
and problems to the result assembly the batch path uses, so both build the same frame.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from selectlib.eligibility.decision import CriterionStatus
from selectlib.eligibility.engine import Engine
from selectlib.eligibility.results import text_problems
from selectlib.profile.params import Env

__all__ = ["MAX_SMALL_ROWS", "Decided", "small_records"]

MAX_SMALL_ROWS: Final = 16
"""Tables up to this many rows are decided record by record (about 20 µs a row); from
here on the batch path's fixed cost of a few milliseconds is the cheaper one."""

_SMALL_DTYPES: Final = frozenset(
    {np.dtype(object), np.dtype(bool), np.dtype(np.int64), np.dtype(np.float64)}
)
"""Numpy column dtypes whose cells read back as the plain Python values a record holds."""

_CODES: Final = {
    CriterionStatus.PASSED: 0,
    CriterionStatus.FAILED: 1,
    CriterionStatus.MISSING: 2,
}

Decided = tuple[np.ndarray, np.ndarray, "pd.Categorical[Any]"]
"""Statuses (rows x criteria, int8), invalid rows, and the problems column."""


def small_records(table: Any) -> list[Mapping[str, Any]] | None:
    """A small table's rows as records, or None when the batch path should take it.

    A list of mappings with text keys qualifies as it is; a DataFrame when its column
    names are unique text and each column is plain numpy (object, bool, int64, float64,
    datetime64), text or categorical, whose cells read back as the values a record would hold.
    """
    if isinstance(table, pd.DataFrame):
        return _frame_records(table)
    if not isinstance(table, list) or not 0 < len(table) <= MAX_SMALL_ROWS:
        return None
    for row in table:
        if not isinstance(row, Mapping) or not all(type(key) is str for key in row):
            return None
    return table


def _frame_records(frame: pd.DataFrame) -> list[Mapping[str, Any]] | None:
    if not 0 < len(frame) <= MAX_SMALL_ROWS or not frame.columns.is_unique:
        return None
    for dtype in frame.dtypes:
        # datetime64 cells read back as Timestamps, which a datetime field reads as a record does
        plain = (
            (dtype in _SMALL_DTYPES or dtype.kind == "M") if isinstance(dtype, np.dtype) else False
        )
        if not (
            plain or isinstance(dtype, pd.StringDtype | pd.CategoricalDtype | pd.DatetimeTZDtype)
        ):
            return None
    names = frame.columns.tolist()
    if not all(type(name) is str for name in names):
        return None
    return [dict(zip(names, row, strict=True)) for row in frame.to_numpy(dtype=object)]


def decide_records(engine: Engine, records: Sequence[Mapping[str, Any]], env: Env) -> Decided:
    """Each record decided as :meth:`Engine.evaluate` does, as the batch path's arrays."""
    n, k = len(records), len(engine.criteria)
    statuses = np.empty((n, k), dtype=np.int8, order="F")
    invalid = np.zeros(n, dtype=bool)
    texts: list[str | None] = []
    for row, record in enumerate(records):
        decision = engine.evaluate(record, env)
        statuses[row] = [_CODES[status] for status in decision.statuses]
        if decision.problems:
            invalid[row] = True
            texts.append("; ".join(f"{p.where}: {p.message}" for p in decision.problems))
        else:
            texts.append(None)
    return statuses, invalid, text_problems(texts)
