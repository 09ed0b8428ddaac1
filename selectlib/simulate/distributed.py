"""National tables on Dask: evaluate, compare and sweep partition by partition.

A ``dask.dataframe.DataFrame`` (``dd.read_parquet`` over a folder of partitions, one per
시도 say) is decided with ``map_partitions`` and explicit metadata: ``evaluate_many`` and
``compare`` return a lazy Dask DataFrame, ``sweep`` the finished pandas table, its
partitions' counts added up. Dask is imported only here, and only when a Dask table is
given (``pip install "selectlib[dask]"``); :func:`is_dask` tells one without importing it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from selectlib.dates import DateLike
from selectlib.errors import InputError

if TYPE_CHECKING:
    from selectlib.profile.compiled import Profile
    from selectlib.simulate.grid import Grid

__all__ = ["evaluate_many_dask", "is_dask", "map_lazily", "sweep_dask"]


def is_dask(table: object) -> bool:
    """Whether ``table`` is a Dask collection, told by its type's module (no import)."""
    return type(table).__module__.split(".")[0] in ("dask", "dask_expr")


def _lazy_meta(meta: pd.DataFrame) -> pd.DataFrame:
    """Metadata whose categoricals without fixed categories (reasons, problems: one per
    combination found in a partition) are marked unknown, as Dask expects."""
    from dask.dataframe.utils import clear_known_categories

    varying = [
        name
        for name, dtype in meta.dtypes.items()
        if isinstance(dtype, pd.CategoricalDtype) and not len(dtype.categories)
    ]
    if not varying:
        return meta
    cleared: pd.DataFrame = clear_known_categories(meta, cols=varying)  # type: ignore[no-untyped-call]
    return cleared


def _text_categories(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every categorical's categories as text, so that partitions concatenate
    (a partition with no problems has an empty list of categories, of another dtype)."""
    for name, dtype in frame.dtypes.items():
        if isinstance(dtype, pd.CategoricalDtype) and dtype.categories.dtype != "str":
            categories = pd.Index([str(c) for c in dtype.categories], dtype="str")
            codes = frame[name].cat.codes.to_numpy()
            frame[name] = pd.Categorical.from_codes(codes, categories=categories)
    return frame


def _decide(part: pd.DataFrame, function: Callable[..., pd.DataFrame], *args: Any) -> pd.DataFrame:
    return _text_categories(function(part, *args))


def map_lazily(function: Callable[..., pd.DataFrame], table: Any, *args: Any) -> Any:
    """``function(partition, *args)`` over each partition of ``table``: a lazy Dask
    DataFrame, its metadata what ``function`` gives for the table's (empty) metadata."""
    meta = _lazy_meta(_decide(table._meta, function, *args))
    return table.map_partitions(_decide, function, *args, meta=meta)


def _evaluate_part(
    part: pd.DataFrame, profile: Profile, on: DateLike, explain: bool, context: Any
) -> pd.DataFrame:
    return profile.evaluate_many(part, on, explain=explain, context=context)


def evaluate_many_dask(
    profile: Profile, table: Any, on: DateLike = None, *, explain: bool = False, context: Any = None
) -> Any:
    """:meth:`Profile.evaluate_many` of each partition: a lazy Dask DataFrame."""
    return map_lazily(_evaluate_part, table, profile, on, explain, context)


def _count_part(
    part: pd.DataFrame, profile: Profile, grid: Grid, on: DateLike, by: str | None, context: Any
) -> pd.DataFrame:
    from selectlib.simulate.counts import partial_counts

    return partial_counts(profile, part, grid, on, by=by, context=context)


def sweep_dask(
    profile: Profile,
    table: Any,
    grid: Grid,
    on: DateLike = None,
    *,
    by: str | None = None,
    context: Any = None,
    budget: int | None = None,
) -> pd.DataFrame:
    """:func:`selectlib.sweep` of a Dask DataFrame: each partition counted, the counts added."""
    from selectlib.simulate.counts import POINT, finish

    if profile.engine.benefits is not None or budget is not None:
        raise InputError(
            f"{profile.id!r} spreads a budget over the whole table, which a partition alone "
            "cannot do; sweep a pandas table (table.compute()) for the funded figures"
        )
    meta = _count_part(table._meta, profile, grid, on, by, context).iloc[:0]
    parts = table.map_partitions(_count_part, profile, grid, on, by, context, meta=meta).compute()
    keys = [POINT] if by is None else [POINT, by]
    counts = parts.groupby(keys, dropna=False, sort=False, observed=True, as_index=False).sum()
    return finish(grid, counts, by)
