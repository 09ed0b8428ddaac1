"""Whole-column checks that give the scalar coercer's answers without calling it per value.

Each function here either settles a column in a few array passes or returns None, and
then :func:`selectlib.eligibility.columns.coerce_column` takes the general path (the
scalar coercer once per distinct value), which alone words problems. A fast path may
therefore only accept what the scalar coercer accepts, with the same typed value.
"""

from __future__ import annotations

import warnings
from typing import Any, Final

import numpy as np
import pandas as pd

from selectlib.dates import EARLIEST, KST, LATEST, epoch_seconds
from selectlib.eligibility.coerce import LARGEST
from selectlib.profile.model import Field, FieldKind

__all__ = ["arrow_chunks", "arrow_text", "datetimes", "is_arrow_text", "numeric", "text_is_valid"]


def numeric(field: Field, array: np.ndarray) -> tuple[np.ndarray, np.ndarray | None] | None:
    """Values and missing rows of a native numeric/bool array, or None if any is invalid."""
    kind = array.dtype.kind
    if field.kind is FieldKind.BOOLEAN and kind == "b":
        return array.astype(bool, copy=False), None
    if field.kind in (FieldKind.INTEGER, FieldKind.NUMBER) and kind in "iu":
        target = np.int64 if field.kind is FieldKind.INTEGER else np.float64
        values = array.astype(target, copy=False)
        return None if _out_of_bounds(field, values) else (values, None)
    if field.kind in (FieldKind.INTEGER, FieldKind.NUMBER) and kind == "f":
        missing = np.isnan(array)
        usable = np.where(missing, 0.0, array) if missing.any() else array
        if not np.isfinite(usable).all() or _out_of_bounds(field, usable):
            return None
        if field.kind is FieldKind.INTEGER:
            if not (np.floor(usable) == usable).all():
                return None
            usable = usable.astype(np.int64)
        return usable, missing if missing.any() else None
    return None


def _out_of_bounds(field: Field, values: np.ndarray) -> bool:
    """Whether any value lies outside the field's minimum/maximum or beyond LARGEST."""
    if not len(values):
        return False
    if values.dtype == np.int64 and field.minimum == 0 and field.maximum is None:
        # one pass: as unsigned, a negative number is huge, so max() <= LARGEST is 0..LARGEST
        return bool(values.view(np.uint64).max() > LARGEST)
    low, high = values.min(), values.max()
    if low < -LARGEST or high > LARGEST:
        return True
    if field.minimum is not None and low < field.minimum:
        return True
    return field.maximum is not None and bool(high > field.maximum)


def is_arrow_text(dtype: Any) -> bool:
    """Whether a column holds Arrow strings (pandas' ``str``/``string[pyarrow]`` dtypes)."""
    if isinstance(dtype, pd.StringDtype):
        return dtype.storage == "pyarrow"
    if isinstance(dtype, pd.ArrowDtype):
        import pyarrow as pa

        return bool(pa.types.is_string(dtype.pyarrow_dtype)) or bool(
            pa.types.is_large_string(dtype.pyarrow_dtype)
        )
    return False


def arrow_text(field: Field, series: pd.Series) -> tuple[np.ndarray, np.ndarray | None] | None:
    """Values and missing rows of Arrow text for a yes/no or number field, parsed by Arrow.

    Arrow's parsers accept a subset of what the scalar coercer does (``true``/``false``
    in any case and ``1``/``0``; plain decimal numbers), with the same value, and fail
    on anything else (other words, stray spaces, empty text), which sends the whole
    column to the general path. Integers are parsed as floats, because Arrow's integer
    parser also reads hexadecimal; whole floats below 2**53 are exact.
    """
    if not len(series) or field.kind not in (
        FieldKind.BOOLEAN,
        FieldKind.INTEGER,
        FieldKind.NUMBER,
    ):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    target = pa.bool_() if field.kind is FieldKind.BOOLEAN else pa.float64()
    try:
        parsed = pc.cast(arrow_chunks(series), target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if field.kind is FieldKind.BOOLEAN:
        if not parsed.null_count:
            return parsed.to_numpy(), None
        missing = parsed.is_null().to_numpy()
        return pc.fill_null(parsed, False).to_numpy(), missing
    values = parsed.to_numpy()  # nulls become NaN: missing
    if len(values) and np.nanmax(np.abs(values), initial=0.0) >= LARGEST:
        return None  # "9007199254740993" parses to 2**53: let the exact path decide
    return numeric(field, values)


def arrow_chunks(series: pd.Series) -> Any:
    """The column's Arrow data as one chunked array, without a copy."""
    import pyarrow as pa

    data = pa.array(series.array)  # the array's own chunks
    return data if isinstance(data, pa.ChunkedArray) else pa.chunked_array([data])


def text_is_valid(series: pd.Series) -> bool:
    """Whether every value of a column is acceptable text or missing, checked as a whole.

    Text of any storage always is; so are native integers (written as text) and floats
    that are missing or whole (a spreadsheet's ``1001.0``); an object column is when
    every value that is not missing is a ``str``. Anything else may hold a value the
    scalar coercer refuses (``True``, ``1.5``, a list), and is left to it.
    """
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype) or is_arrow_text(dtype):
        return True
    if pd.api.types.is_integer_dtype(dtype):  # numpy or pandas' nullable integers
        return True
    if pd.api.types.is_float_dtype(dtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        finite = values[~np.isnan(values)]
        return bool(np.isfinite(finite).all() and (np.floor(finite) == finite).all())
    if isinstance(dtype, np.dtype) and dtype.kind == "O":
        return pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty")
    return False


def datetimes(series: pd.Series) -> tuple[np.ndarray, np.ndarray | None] | None:
    """Seconds since 1970 UTC and missing rows of a datetime column, parsed by pandas.

    Takes datetime64 columns (with or without a zone) and text that is all ISO 8601 with a
    time of day and one zone convention; without a zone a time is KST, as in
    :func:`selectlib.dates.moment`. Anything else (a bare date, stray spaces, mixed
    zones, Python objects, a year out of bounds) returns None for the general path.
    """
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype) or (isinstance(dtype, np.dtype) and dtype.kind == "M"):
        parsed: pd.Series | None = series
    elif _is_text(series):
        parsed = _iso_times(series)
    else:
        return None
    if parsed is None:
        return None
    local = parsed.dt.tz_localize(KST) if parsed.dt.tz is None else parsed
    try:
        nanoseconds = local.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[ns]")
    except (ValueError, OverflowError):  # beyond what nanoseconds hold: out of bounds anyway
        return None
    missing = np.isnat(nanoseconds)
    seconds = np.floor_divide(nanoseconds.view(np.int64), 10**9)
    usable = seconds[~missing]
    if usable.size and not (usable.min() >= _EARLIEST and usable.max() < _LATEST):
        return None
    if missing.any():
        seconds[missing] = 0
        return seconds, missing
    return seconds, None


def _is_text(series: pd.Series) -> bool:
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype) or is_arrow_text(dtype):
        return True
    if isinstance(dtype, np.dtype) and dtype.kind == "O":
        return pd.api.types.infer_dtype(series, skipna=True) == "string"
    return False


def _iso_times(series: pd.Series) -> pd.Series | None:
    """The column's text parsed as ISO 8601 date-times, or None if any is not so simple."""
    text = series.astype("string")
    if bool((text.str.len() <= 10).any()) or bool(text.str.strip().ne(text).any()):
        return None  # a bare date, empty or padded text: the scalar coercer words it
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # mixed zones only warn: refuse them
            parsed = pd.to_datetime(text, format="ISO8601")
    except (ValueError, TypeError, OverflowError, FutureWarning, UserWarning):
        return None
    dtype = parsed.dtype
    ok = isinstance(dtype, pd.DatetimeTZDtype) or (
        isinstance(dtype, np.dtype) and dtype.kind == "M"
    )
    return parsed if ok else None


_EARLIEST: Final = epoch_seconds(EARLIEST)
_LATEST: Final = epoch_seconds(LATEST)
