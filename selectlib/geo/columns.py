"""Columns as arrays, fast: text factorized once, numbers parsed in one pass, WKB points read.

A registry of half a million firms repeats a few thousand codes, holds its numbers as
text (CSV) and its points as WKB (GeoParquet); these helpers turn such columns into
numpy arrays without a Python step per row.
"""

from __future__ import annotations

from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from selectlib._typing import BoolArray, FloatArray, IntArray, ObjectArray

__all__ = ["WKB_ATTR", "Coded", "decode_points", "numbers"]

WKB_ATTR: Final = "selectlib_wkb_points"
"""``DataFrame.attrs`` key naming a table's column of 2D WKB points, and its CRS (JSON)."""

_POINT_BYTES: Final = 21  # byte order, type (uint32), x, y (float64)
_POINT_HEADER: Final = np.array([1, 1, 0, 0, 0], dtype=np.uint8)  # little-endian, 2D point


@attrs.frozen(eq=False)
class Coded:
    """A column as its distinct values and each row's position among them (-1: missing).

    Registries repeat a few thousand codes over hundreds of thousands of rows: checks
    run once per distinct value and reach the rows by one ``take``.
    """

    at: IntArray
    values: ObjectArray

    @classmethod
    def of(cls, codes: ObjectArray) -> Coded:
        """The codes of each row (None: missing), factorized."""
        at, values = pd.factorize(np.asarray(codes, dtype=object), use_na_sentinel=True)
        return cls(at.astype(np.int64), np.asarray(values, dtype=object))

    def rows(self, per_value: npt.NDArray[Any], missing: object) -> npt.NDArray[Any]:
        """``per_value`` (one item per distinct value) spread over the rows."""
        return np.append(per_value, np.asarray([missing], dtype=per_value.dtype))[self.at]

    def text(self, per_value: ObjectArray | None = None) -> pd.api.extensions.ExtensionArray:
        """``per_value`` (default: the values) per row as a ``str`` array; missing is NaN."""
        shown = self.values if per_value is None else per_value
        with_missing = np.append(shown, np.array([None], dtype=object))
        return pd.array(with_missing, dtype="str").take(self.at, allow_fill=False)


def numbers(series: pd.Series) -> tuple[FloatArray, BoolArray]:
    """Numbers from a column, and where a non-blank value was not a number."""
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype=np.float64, na_value=np.nan), np.zeros(len(series), bool)
    text = series.astype("str").str.strip().str.replace(",", "", regex=False)
    text = text.where(series.notna() & (text != ""))
    values = _parse(text)
    return values, np.isnan(values) & text.notna().to_numpy()


_PLAIN = np.zeros(256, dtype=bool)
_PLAIN[np.frombuffer(b"0123456789.+-eE", dtype=np.uint8)] = True
"""Bytes of plain decimal numbers: text made of them is parsed alike by pyarrow and pandas."""


def _parse(text: pd.Series) -> FloatArray:
    """Text (``str``, NaN where blank) as numbers, NaN where not a number.

    Plain decimal text is cast by pyarrow in one pass (pandas' ``to_numeric`` goes value
    by value, 15× slower); anything else ("1_000", "inf", "١٢") by ``to_numeric``.
    """
    arrow = pa.array(text.array) if len(text) else None
    arrow = pa.chunked_array([arrow]) if isinstance(arrow, pa.Array) else arrow
    if arrow is not None and all(_plain_bytes(chunk) for chunk in arrow.chunks):
        try:
            cast = pc.cast(arrow, pa.float64())
            return np.asarray(cast.to_numpy(), dtype=np.float64)
        except pa.ArrowInvalid:
            pass
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _plain_bytes(chunk: pa.Array) -> bool:
    if not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
        return False
    _, offsets_buffer, data_buffer = chunk.buffers()
    wide = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    offsets = np.frombuffer(offsets_buffer, dtype=wide)
    offsets = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
    if data_buffer is None or offsets[-1] == offsets[0]:
        return True
    data = np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0] : offsets[-1]]
    return bool(_PLAIN[data].all())


def decode_points(column: object) -> tuple[FloatArray, FloatArray, BoolArray] | None:
    """x, y (NaN where null) and presence of 2D little-endian WKB points, or None when a
    value is anything else (then shapely must read them)."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if isinstance(array, pa.ExtensionArray):
        array = array.storage
    if not isinstance(array, pa.Array):
        return None
    large = pa.types.is_large_binary(array.type)
    if not (large or pa.types.is_binary(array.type)):
        return None
    n = len(array)
    present = ~array.is_null().to_numpy(zero_copy_only=False)
    _, offsets_buffer, data_buffer = array.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64 if large else np.int32)
    offsets = offsets[array.offset : array.offset + n + 1].astype(np.int64)
    lengths = np.diff(offsets)
    m = int(present.sum())
    if (lengths != np.where(present, _POINT_BYTES, 0)).any():
        return None  # not all points, or null slots holding bytes: let shapely decide
    x, y = np.full(n, np.nan), np.full(n, np.nan)
    if m == 0:
        return x, y, present
    data = np.frombuffer(data_buffer, dtype=np.uint8)
    records = data[offsets[0] : offsets[0] + m * _POINT_BYTES].reshape(m, _POINT_BYTES)
    if (records[:, :5] != _POINT_HEADER).any():
        return None
    xy = records[:, 5:].copy().view("<f8").astype(np.float64)
    x[present], y[present] = xy[:, 0], xy[:, 1]
    return x, y, present
