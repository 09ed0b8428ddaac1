"""Sweeps: one table decided at every point of a grid of parameter values, counted.

``sweep`` answers "if the cluster threshold for cities were 30 instead of 40, how many
more operators could apply, where, and what would the budget fund?" for a whole grid at
once: one row per grid point (and per group with ``by=``) with the outcome counts, who
is gained and lost against the profile as given, each criterion's failures, and for a
profile with benefits what the budget funds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from selectlib._typing import TableLike
from selectlib.dates import DateLike
from selectlib.eligibility.batch import as_frame
from selectlib.simulate.counts import Progress, finish, partial_counts
from selectlib.simulate.distributed import is_dask
from selectlib.simulate.funded import FUNDED_COLUMNS, funded_counts
from selectlib.simulate.grid import Grid, build_grid

if TYPE_CHECKING:
    from selectlib.profile.compiled import Profile

__all__ = ["sweep", "sweep_table"]


def sweep_table(
    profile: Profile,
    frame: pd.DataFrame,
    grid: Grid,
    on: DateLike = None,
    *,
    by: str | None = None,
    context: Any = None,
    budget: int | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """:func:`sweep` on a pandas table and a built grid (the command line shows progress)."""
    counts = partial_counts(profile, frame, grid, on, by=by, context=context, progress=progress)
    if profile.engine.benefits is not None:
        funded = funded_counts(profile, frame, grid, on, by=by, context=context, budget=budget)
        counts = pd.concat([counts.reset_index(drop=True), funded[list(FUNDED_COLUMNS)]], axis=1)
        if "capacity" in funded.columns:
            counts["capacity"] = funded["capacity"].array
    return finish(grid, counts, by)


def sweep(
    profile: Profile,
    table: TableLike,
    vary: Mapping[str, Any],
    on: DateLike = None,
    by: str | None = None,
    context: Any = None,
    budget: int | None = None,
    zip: bool = False,
) -> pd.DataFrame:
    """Decide ``table`` at every combination of ``vary``'s values and count the outcomes.

    ``vary`` maps parameter names (``name.key`` for one entry of a table; ``budget`` and
    ``allocation`` for a profile with benefits) to lists of values; with ``zip=True``
    the lists are paired instead of combined. Returns one row per grid point (and per
    value of the column ``by``, in sorted order): the varied values, the counts of each
    outcome, ``gained`` and ``lost`` against ``profile`` as given, ``failed.<criterion>``
    for each criterion and, for a profile with benefits, what is requested and granted
    under the budget (``budget`` replaces the profile's). A Dask DataFrame is decided
    partition by partition (see :mod:`selectlib.simulate.distributed`).

    >>> import selectlib
    >>> profile = selectlib.load_profile("micro_manufacturer_center_2024")
    >>> table = [{"staff": s, "area_type": "city", "cluster_count": 45} for s in range(5)]
    >>> selectlib.sweep(profile, table, {"min_staff": [1, 3]}, on="2024-05-01")[
    ...     ["min_staff", "ineligible", "failed.operating_staff"]]
       min_staff  ineligible  failed.operating_staff
    0          1           1                       1
    1          3           3                       3
    """
    grid = build_grid(profile, vary, zip)
    if is_dask(table):
        from selectlib.simulate.distributed import sweep_dask

        return sweep_dask(profile, table, grid, on, by=by, context=context, budget=budget)
    return sweep_table(profile, as_frame(table), grid, on, by=by, context=context, budget=budget)
