"""Comparing a baseline profile with a reform over the same applicants."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from selectlib._typing import TableLike
from selectlib.eligibility.batch import as_frame, categorical
from selectlib.simulate.distributed import is_dask, map_lazily

if TYPE_CHECKING:
    from selectlib.dates import DateLike
    from selectlib.profile.compiled import Profile

__all__ = ["CHANGES", "compare", "summarize_comparison"]

CHANGES: Final = ["unchanged", "gained", "lost", "other"]
"""``gained``: became eligible; ``lost``: no longer eligible; ``other``: another change
(e.g. ineligible → incomplete)."""


def compare(
    baseline: Profile,
    reform: Profile,
    table: TableLike,
    on: DateLike = None,
    *,
    context: Any = None,
) -> pd.DataFrame:
    """Evaluate ``table`` under both profiles and say who flips, which way, and why.

    Returns one row per input row (same index and order) with ``before`` and
    ``after`` outcomes, ``change`` (unchanged / gained / lost / other) and
    ``changed_criteria``: the ids of criteria whose status differs, with the
    statuses, e.g. ``cluster_size: failed→passed``. A Dask DataFrame is compared
    partition by partition, into a lazy Dask DataFrame.
    """
    if is_dask(table):
        return map_lazily(_compare_part, table, baseline, reform, on, context)  # type: ignore[no-any-return]
    frame = as_frame(table)
    before = baseline.evaluate_many(frame, on=on, context=context)
    after = reform.evaluate_many(frame, on=on, context=context)
    b_eligible = (before["outcome"] == "eligible").to_numpy()
    a_eligible = (after["outcome"] == "eligible").to_numpy()
    same = (before["outcome"].astype(str) == after["outcome"].astype(str)).to_numpy()
    change = np.select(
        [same, ~b_eligible & a_eligible, b_eligible & ~a_eligible], [0, 1, 2], 3
    ).astype(np.int8)
    ids = [c.id for c in baseline.criteria if c.id in after.columns]
    # per row and criterion, the (before, after) statuses as one number 0..8
    pairs = np.zeros((len(frame), len(ids)), dtype=np.int8)
    for index, criterion_id in enumerate(ids):
        b = before[criterion_id].cat.codes.to_numpy()
        a = after[criterion_id].cat.codes.to_numpy()
        pairs[:, index] = b * 3 + a
    data: dict[str, Any] = {}
    identifier = baseline.spec.identifier
    if identifier is not None and identifier in before.columns:
        data[identifier] = before[identifier].to_numpy()
    data["before"] = before["outcome"]
    data["after"] = after["outcome"]
    data["change"] = categorical(change, CHANGES)
    data["changed_criteria"] = _describe(pairs, ids, before[ids[0]].cat.categories if ids else [])
    return pd.DataFrame(data, index=frame.index)


def _compare_part(
    part: pd.DataFrame, baseline: Profile, reform: Profile, on: DateLike, context: Any
) -> pd.DataFrame:
    """:func:`compare` of one partition of a Dask table."""
    return compare(baseline, reform, part, on, context=context)


def _describe(pairs: np.ndarray, ids: list[str], statuses: Any) -> pd.Categorical[Any]:
    """The changed criteria of each row as text, built once per distinct combination."""
    if not len(ids):
        return categorical(np.zeros(len(pairs), dtype=np.int64), [""])
    combos, keys = _distinct_rows(pairs)
    texts = []
    for combo in combos:
        parts = [
            f"{criterion_id}: {statuses[pair // 3]}→{statuses[pair % 3]}"
            for criterion_id, pair in zip(ids, combo, strict=True)
            if pair // 3 != pair % 3
        ]
        texts.append("; ".join(parts))
    return categorical(keys, texts)


_BASE9_CRITERIA: Final = 19
"""Up to this many criteria a row's (before, after) pairs, 0..8 each, fit one int64
(9**19 < 2**63), so its combinations are found by a factorize of numbers."""


def _distinct_rows(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of ``pairs`` and each row's index among them.

    A row is read as one base-9 number and the numbers factorized, which is many times
    faster than ``np.unique(axis=0)``'s sort of rows; wider tables take that path.
    """
    n, k = pairs.shape
    if k > _BASE9_CRITERIA:
        combos, keys = np.unique(pairs, axis=0, return_inverse=True)
        return combos, keys.ravel()
    key = np.zeros(n, dtype=np.int64)
    for index in range(k - 1, -1, -1):
        np.multiply(key, 9, out=key)
        np.add(key, pairs[:, index], out=key)
    codes, uniques = pd.factorize(key)
    digits = np.asarray(uniques, dtype=np.int64)[:, None] // 9 ** np.arange(k, dtype=np.int64)
    return (digits % 9).astype(np.int8), codes


def summarize_comparison(comparison: pd.DataFrame) -> pd.DataFrame:
    """Counts of each (before, after) pair, and which criterion changes drove them."""
    flipped = comparison[comparison["change"] != "unchanged"]
    summary = (
        flipped.groupby(["before", "after", "change", "changed_criteria"], observed=True)
        .size()
        .rename("applicants")
        .reset_index()
        .assign(changed_criteria=lambda frame: frame["changed_criteria"].astype(str))
        .sort_values(["applicants", "changed_criteria"], ascending=[False, True], kind="stable")
    )
    return summary.reset_index(drop=True)
