"""Type aliases shared by the whole package: numpy arrays by dtype, and what a table may be."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["BoolArray", "FloatArray", "IntArray", "ObjectArray", "TableLike"]

BoolArray: TypeAlias = npt.NDArray[np.bool_]
FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
ObjectArray: TypeAlias = npt.NDArray[np.object_]

TableLike: TypeAlias = (
    pd.DataFrame | Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]] | Any
)
"""What a table of applicants may be: a DataFrame, a mapping of column names to values,
a list of records, or anything else pandas turns into a DataFrame (a pyarrow table)."""
