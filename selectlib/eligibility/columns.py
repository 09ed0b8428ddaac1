"""Turning a whole column of raw values into a typed :class:`Column`, without a row loop.

The meaning comes from :mod:`selectlib.eligibility.coerce`: the general path runs its scalar
coercer once per *distinct* value, and the fast paths (native numeric dtypes, Arrow
text matched against category codes) give the same answers in one vectorized pass
and hand any value they cannot settle to the general path, which alone words problems.
"""

from __future__ import annotations

from typing import Any, Final

import attrs
import numpy as np
import pandas as pd

from selectlib.eligibility.coerce import LARGEST, MISSING, Coercer, Invalid, scalar_coercer
from selectlib.profile.model import Field, FieldKind

__all__ = ["Column", "coerce_column", "missing_column"]


@attrs.frozen(eq=False)
class Column:
    """A typed column: values, which rows are missing, which are invalid and why.

    ``values`` is int64 (integer), float64 (number), bool (boolean), int64 codes into
    the field's choices (category), a 2-D bool matrix rows x choices (set) or an
    object array (text). Entries that are missing or invalid hold a harmless filler.
    ``missing`` and ``invalid`` are None when no row is missing or invalid, which
    saves a pass over the data in the common clean case.
    """

    values: np.ndarray
    missing: np.ndarray | None = None
    invalid: np.ndarray | None = None
    problems: np.ndarray | None = None

    def unusable(self) -> np.ndarray | None:
        """Rows whose value cannot be used (missing or invalid), or None if all can."""
        if self.missing is None:
            return self.invalid
        if self.invalid is None:
            return self.missing
        either: np.ndarray = np.logical_or(self.missing, self.invalid)
        return either


def _filler(field: Field, n: int) -> np.ndarray:
    if field.kind is FieldKind.SET:
        # column-major: each code's flags are contiguous, so per-code sums are fast
        return np.zeros((n, len(field.choices)), dtype=bool, order="F")
    dtype = {
        FieldKind.INTEGER: np.int64,
        FieldKind.NUMBER: np.float64,
        FieldKind.BOOLEAN: np.bool_,
        FieldKind.CATEGORY: np.int64,
        FieldKind.TEXT: object,
    }[field.kind]
    return np.zeros(n, dtype=dtype) if dtype is not object else np.empty(n, dtype=object)


def _encode(field: Field, typed: Any) -> Any:
    """A typed scalar as it is stored in a column."""
    if field.kind is FieldKind.CATEGORY:
        return field.codes.index(typed)
    if field.kind is FieldKind.SET:
        return np.array([code in typed for code in field.codes], dtype=bool)
    return typed


def missing_column(field: Field, n: int) -> Column:
    """A column of ``n`` missing values (its values are a read-only filler view)."""
    filler = _filler(field, 1)
    return Column(np.broadcast_to(filler, (n, *filler.shape[1:])), np.ones(n, dtype=bool))


def _numeric_fast_path(field: Field, array: np.ndarray) -> Column | None:
    """Native numeric/bool dtypes, vectorized with the scalar coercer's meaning.

    Returns None (take the general path) as soon as any value would be invalid,
    so the general path alone words the problems.
    """
    kind = array.dtype.kind
    if field.kind is FieldKind.BOOLEAN and kind == "b":
        return Column(array.astype(bool, copy=False))
    if field.kind in (FieldKind.INTEGER, FieldKind.NUMBER) and kind in "iu":
        target = np.int64 if field.kind is FieldKind.INTEGER else np.float64
        values = array.astype(target, copy=False)
        return None if _out_of_bounds(field, values) else Column(values)
    if field.kind in (FieldKind.INTEGER, FieldKind.NUMBER) and kind == "f":
        missing = np.isnan(array)
        usable = np.where(missing, 0.0, array) if missing.any() else array
        if not np.isfinite(usable).all() or _out_of_bounds(field, usable):
            return None
        if field.kind is FieldKind.INTEGER:
            if not (np.floor(usable) == usable).all():
                return None
            usable = usable.astype(np.int64)
        return Column(usable, missing if missing.any() else None)
    return None


def _out_of_bounds(field: Field, values: np.ndarray) -> bool:
    """Whether any value lies outside the field's minimum/maximum or beyond LARGEST."""
    if not len(values):
        return False
    low, high = values.min(), values.max()
    if low < -LARGEST or high > LARGEST:
        return True
    if field.minimum is not None and low < field.minimum:
        return True
    return field.maximum is not None and bool(high > field.maximum)


def coerce_column(field: Field, data: Any, coerce: Coercer | None = None) -> Column:
    """Coerce a whole column (pandas Series, numpy array or list) for ``field``.

    Numeric dtypes take vectorized fast paths; anything else is factorized and the
    scalar coercer runs once per *distinct* value, never once per row.
    """
    series = data if isinstance(data, pd.Series) else pd.Series(_as_object_list(data))
    n = len(series)
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        fast = _numeric_fast_path(field, series.to_numpy())
        if fast is not None:
            return fast
    if field.kind is FieldKind.CATEGORY and _is_arrow_text(dtype):
        return _category_fast_path(field, series, coerce or scalar_coercer(field))
    coerce = coerce or scalar_coercer(field)
    codes, uniques = _distinct(series)
    typed = [coerce(value) for value in uniques]
    # code -1 is pandas' "missing"; put it last so one lookup serves every row
    typed.append(MISSING)
    absent = codes < 0
    any_absent = bool(absent.any())
    if any_absent:
        codes = np.where(absent, len(typed) - 1, codes)
    is_missing = np.fromiter((t is MISSING for t in typed), dtype=bool, count=len(typed))
    is_invalid = np.fromiter((isinstance(t, Invalid) for t in typed), bool, count=len(typed))
    filler = _filler(field, 1)[0]
    encoded = [
        filler if (t is MISSING or isinstance(t, Invalid)) else _encode(field, t) for t in typed
    ]
    table = np.array(encoded, dtype=_filler(field, 0).dtype)
    if field.kind is FieldKind.TEXT:
        table = np.empty(len(encoded), dtype=object)
        table[:] = encoded
    values = table[codes]
    if field.kind is FieldKind.SET:
        values = np.asfortranarray(values)
    if not n:
        return missing_column(field, 0)
    missing = is_missing[codes] if any_absent or is_missing[:-1].any() else None
    if not is_invalid.any():
        return Column(values, missing)
    messages = np.array([t.problem if isinstance(t, Invalid) else None for t in typed], object)
    return Column(values, missing, is_invalid[codes], messages[codes])


def _is_arrow_text(dtype: Any) -> bool:
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def _category_fast_path(field: Field, series: pd.Series, coerce: Coercer) -> Column:
    """Arrow text matched against the codes in one C++ pass; other spellings go the slow way.

    A value equal to a code is exactly what the scalar coercer accepts unchanged, so
    only the rest (labels, aliases, stray spaces, invalid text, missing) needs it.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.index_in(pa.array(series.array), value_set=pa.array(list(field.codes)))
    codes = pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    unresolved = codes < 0
    if not unresolved.any():
        return Column(codes)
    rest = coerce_column(field, series[unresolved].astype(object), coerce)
    codes[unresolved] = rest.values
    return Column(
        codes,
        _spread(rest.missing, unresolved),
        _spread(rest.invalid, unresolved),
        _spread(rest.problems, unresolved),
    )


def _spread(part: np.ndarray | None, rows: np.ndarray) -> np.ndarray | None:
    """A per-row array for all rows from one for the ``rows`` subset (None stays None)."""
    if part is None:
        return None
    whole = np.zeros(len(rows), dtype=bool) if part.dtype == bool else np.empty(len(rows), object)
    whole[rows] = part
    return whole


def _distinct(series: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """Codes per row and one original value per distinct value (-1 for missing).

    Object columns are split by Python type too, because pandas hashes ``True``,
    ``1`` and ``1.0`` alike while a field may accept one and reject another; and
    unhashable cells (lists, dicts) are keyed by their text so they can be grouped.
    """
    try:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    except TypeError:
        codes, uniques = pd.factorize(series.map(_hash_key), use_na_sentinel=True)
    if series.dtype != np.dtype(object) or len(series) == 0:
        return codes, list(uniques)
    type_codes, _ = pd.factorize(series.map(type))
    combined = codes.astype(np.int64) * (int(type_codes.max()) + 1) + type_codes
    combined[codes < 0] = -1
    codes, representatives = pd.factorize(combined)
    firsts = np.unique(codes, return_index=True)[1]
    values = series.to_numpy()
    out_codes = np.where(representatives[codes] < 0, -1, codes)
    return out_codes, [values[i] for i in firsts]


_UNHASHABLE: Final = object()


def _hash_key(value: Any) -> Any:
    """``value`` itself if hashable, else a hashable stand-in built from its text."""
    try:
        hash(value)
    except TypeError:
        return (_UNHASHABLE, type(value).__name__, repr(value))
    return value


def _as_object_list(data: Any) -> Any:
    if isinstance(data, np.ndarray):
        return data
    return pd.array(list(data), dtype=object)
