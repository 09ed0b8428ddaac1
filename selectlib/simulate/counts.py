"""A sweep's counts: outcomes, flips and failures per grid point and group.

The counts of a table are the sums of its parts' counts, so the same function counts a
pandas table and each partition of a Dask one (:mod:`selectlib.simulate.distributed`);
:func:`finish` turns them into the sweep table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from selectlib.dates import DateLike
from selectlib.simulate.grid import Grid
from selectlib.simulate.points import Evaluator, row_groups

if TYPE_CHECKING:
    from selectlib.profile.compiled import Profile

__all__ = ["OUTCOME_COLUMNS", "POINT", "Progress", "finish", "partial_counts"]

OUTCOME_COLUMNS: Final = ("eligible", "ineligible", "incomplete", "invalid")
"""The outcome counts of a sweep table, in outcome code order."""
POINT: Final = "_point"
"""The grid point's number in a partial table (dropped from the finished one)."""

Progress = Callable[[int], None]
"""Called with the number of the grid point just counted."""


def _per_group(mask: np.ndarray, groups: np.ndarray, size: int) -> np.ndarray:
    """How many rows of each group ``mask`` holds (one count without groups: no gather)."""
    if size == 1:
        return np.array([np.count_nonzero(mask)], dtype=np.int64)
    return np.bincount(groups[mask], minlength=size).astype(np.int64)


def partial_counts(
    profile: Profile,
    frame: pd.DataFrame,
    grid: Grid,
    on: DateLike = None,
    *,
    by: str | None = None,
    context: Any = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """The eligibility counts of ``frame`` at every grid point and group (``_point`` and
    ``by`` columns): a table that adds up over partitions of the applicants."""
    groups, labels = row_groups(frame, by)
    size = 1 if by is None else len(labels)
    evaluator = Evaluator(profile, frame, grid, on, context)
    base = evaluator.decide(None).outcome == 0
    base_count = _per_group(base, groups, size)
    ids = [item.criterion.id for item in profile.engine.criteria]
    failed: dict[int, np.ndarray] = {}
    columns: dict[str, list[Any]] = {name: [] for name in (POINT, *OUTCOME_COLUMNS)}
    columns.update({"gained": [], "lost": [], **{f"failed.{i}": [] for i in ids}})
    for point in range(len(grid.points)):
        decided = evaluator.decide(point)
        codes = decided.outcome if size == 1 else groups * 4 + decided.outcome
        outcomes = np.bincount(codes, minlength=size * 4).reshape(size, 4).astype(np.int64)
        columns[POINT].append(np.full(size, point, dtype=np.int64))
        for index, name in enumerate(OUTCOME_COLUMNS):
            columns[name].append(outcomes[:, index])
        kept = _per_group((decided.outcome == 0) & base, groups, size)
        columns["gained"].append(outcomes[:, 0] - kept)
        columns["lost"].append(base_count - kept)
        for criterion_id, column in zip(ids, decided.statuses, strict=True):
            # a status column shared by grid points (evaluated once) is counted once
            found = failed.get(id(column))
            if found is None:
                found = failed[id(column)] = _per_group(column == 1, groups, size)
            columns[f"failed.{criterion_id}"].append(found)
        if progress is not None:
            progress(point)
    data: dict[str, Any] = {name: np.concatenate(parts) for name, parts in columns.items()}
    if by is not None:
        data = {POINT: data.pop(POINT), by: labels * len(grid.points), **data}
    return pd.DataFrame(data)


def finish(grid: Grid, counts: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """The sweep table: the varied keys' values first, rows in grid then group order."""
    counts = counts.sort_values(
        [POINT] if by is None else [POINT, by],
        kind="stable",
        na_position="last",
        key=lambda column: column if column.name == POINT else column.astype("string"),
    )
    points = counts[POINT].to_numpy()
    columns: dict[str, Any] = {}
    for k, key in enumerate(grid.keys):
        chosen = [grid.values[k][grid.points[p][k]] for p in points.tolist()]
        columns[key] = pd.Series(chosen, dtype=_dtype(grid.values[k]))
    table = pd.concat(
        [pd.DataFrame(columns), counts.drop(columns=POINT).reset_index(drop=True)], axis=1
    )
    return table


def _dtype(values: tuple[Any, ...]) -> Any:
    """A column's dtype for a key's values: int64, float64 or text as given, else objects."""
    kinds = {type(v) for v in values}
    if kinds == {int}:
        return "int64"
    if kinds <= {int, float}:
        return "float64"
    return object
