"""What a budget funds at each point of a sweep, for profiles with benefits.

Each grid point is funded with :func:`selectlib.fund` (the point's parameters, and its
``budget`` and ``allocation`` when the sweep varies them), so the figures are the ones
``fund`` gives for that reform; the capacity (budget ÷ average support, as the plans
count it) sits beside them for budget sweeps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from selectlib.dates import DateLike
from selectlib.simulate.grid import Grid
from selectlib.simulate.points import row_groups

if TYPE_CHECKING:
    from selectlib.profile.compiled import Profile

__all__ = ["FUNDED_COLUMNS", "funded_counts"]

FUNDED_COLUMNS: Final = ("requested", "granted", "funded_full", "funded_part", "funded_none")
"""Won requested and granted, and how many eligible applicants are funded in full, in
part or not at all, per grid point and group."""


def _sums(values: np.ndarray, groups: np.ndarray, size: int) -> np.ndarray:
    """Exact int64 sums per group (a float bincount could lose won)."""
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, groups, values)
    return out


def funded_counts(
    profile: Profile,
    frame: pd.DataFrame,
    grid: Grid,
    on: DateLike = None,
    *,
    by: str | None = None,
    context: Any = None,
    budget: int | None = None,
) -> pd.DataFrame:
    """The funded columns per grid point and group, in the order of the sweep's counts;
    with ``capacity`` (nullable) when the budget is given or varied."""
    from selectlib.benefits.funding import fund

    groups, labels = row_groups(frame, by)
    size = 1 if by is None else len(labels)
    with_capacity = budget is not None or "budget" in grid.keys
    parts = []
    for point in range(len(grid.points)):
        reform = profile.with_params(grid.changes(point))
        given = grid.budget_value(point, "budget")
        funding = fund(
            reform,
            frame,
            on,
            budget=budget if given is None else given,
            method=grid.budget_value(point, "allocation"),
            context=context,
        )
        table = funding.table
        status = table["funding"].cat.codes.to_numpy()
        data: dict[str, Any] = {
            "requested": _sums(table["requested"].to_numpy(np.int64), groups, size),
            "granted": _sums(table["granted"].to_numpy(np.int64), groups, size),
        }
        for code, name in enumerate(FUNDED_COLUMNS[2:]):
            data[name] = np.bincount(groups[status == code], minlength=size).astype(np.int64)
        if with_capacity:
            capacities = [pot.capacity for pot in funding.pots]
            total = None if None in capacities else sum(c for c in capacities if c is not None)
            data["capacity"] = pd.array([total] * size, dtype="Int64")
        parts.append(pd.DataFrame(data))
    return pd.concat(parts, ignore_index=True)
