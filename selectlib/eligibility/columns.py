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

from selectlib.dates import epoch_seconds
from selectlib.eligibility import fastpaths
from selectlib.eligibility.coerce import MISSING, Coercer, Invalid, scalar_coercer
from selectlib.expr.gather import gather
from selectlib.profile.model import Field, FieldKind

__all__ = ["Column", "check_text", "coerce_column", "missing_column", "narrowest", "set_rows"]


@attrs.frozen(eq=False)
class Column:
    """A typed column: values, which rows are missing, which are invalid and why.

    ``values`` is int64 (integer), float64 (number), bool (boolean), codes into the
    field's choices in the narrowest integer type that holds them (category), a 2-D
    bool matrix rows x choices (set), an object array (text) or int64 seconds since
    1970-01-01 UTC (datetime). Entries that are
    missing or invalid hold a harmless filler.
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


def narrowest(count: int) -> type[np.signedinteger[Any]]:
    """The narrowest signed integer type that holds codes 0 to ``count`` (and -1)."""
    return np.int8 if count < 2**7 else np.int16 if count < 2**15 else np.int64


def _filler(field: Field, n: int) -> np.ndarray:
    if field.kind is FieldKind.SET:
        # column-major: each code's flags are contiguous, so per-code sums are fast
        return np.zeros((n, len(field.choices)), dtype=bool, order="F")
    dtype = {
        FieldKind.INTEGER: np.int64,
        FieldKind.NUMBER: np.float64,
        FieldKind.BOOLEAN: np.bool_,
        FieldKind.CATEGORY: narrowest(len(field.choices)),
        FieldKind.TEXT: object,
        FieldKind.DATETIME: np.int64,
    }[field.kind]
    return np.zeros(n, dtype=dtype) if dtype is not object else np.empty(n, dtype=object)


def _encode(field: Field, typed: Any) -> Any:
    """A typed scalar as it is stored in a column."""
    if field.kind is FieldKind.CATEGORY:
        return field.codes.index(typed)
    if field.kind is FieldKind.SET:
        return np.array([code in typed for code in field.codes], dtype=bool)
    if field.kind is FieldKind.DATETIME:
        return epoch_seconds(typed)
    return typed


def missing_column(field: Field, n: int) -> Column:
    """A column of ``n`` missing values (values and mask are read-only views of one entry)."""
    filler = _filler(field, 1)
    missing = np.broadcast_to(np.True_, (n,))
    return Column(np.broadcast_to(filler, (n, *filler.shape[1:])), missing)


def coerce_column(field: Field, data: Any, coerce: Coercer | None = None) -> Column:
    """Coerce a whole column (pandas Series, numpy array or list) for ``field``.

    Categoricals (and Parquet dictionary columns, which pandas reads as categoricals) are
    coerced once per category and mapped through their codes; native numeric dtypes and
    Arrow text a yes/no, number or category field can parse take vectorized paths;
    anything else is factorized and the scalar coercer runs once per *distinct* value,
    never once per row.
    """
    series = data if isinstance(data, pd.Series) else pd.Series(_as_object_list(data))
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return _from_categories(field, series, coerce)
    fast = None
    if field.kind is FieldKind.DATETIME:
        fast = fastpaths.datetimes(series)
    elif isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        fast = fastpaths.numeric(field, series.to_numpy())
    elif fastpaths.is_arrow_text(dtype):
        if field.kind is FieldKind.CATEGORY:
            return _category_fast_path(field, series, coerce or scalar_coercer(field))
        fast = fastpaths.arrow_text(field, series)
    if fast is not None:
        return Column(*fast)
    return _by_distinct(field, series, coerce or scalar_coercer(field))


def check_text(field: Field, data: pd.Series) -> Column:
    """Which rows of a text column are invalid, for a field no criterion reads.

    An identifier or a name is checked as a whole column (its type, see
    :func:`~selectlib.eligibility.fastpaths.text_is_valid`), never once per distinct
    value, which for an id is once per row. The column's values and missing rows are
    not computed: nothing reads them.
    """
    if isinstance(data.dtype, pd.CategoricalDtype):
        part = check_text(field, pd.Series(data.cat.categories))
        if part.invalid is None:
            return missing_column(field, len(data))
    elif fastpaths.text_is_valid(data):
        return missing_column(field, len(data))
    column = coerce_column(field, data)
    return Column(missing_column(field, len(data)).values, None, column.invalid, column.problems)


def _from_categories(field: Field, series: pd.Series, coerce: Coercer | None) -> Column:
    """A categorical column: each category coerced once, rows mapped through their codes.

    The categories are used as they are (unused ones, any order); code -1 (missing)
    picks the entry appended last, by numpy's negative indexing.
    """
    categories = series.cat.categories
    part = _coerced_categories(field, categories, coerce)
    codes = series.array.codes
    absent = bool(len(codes)) and bool(codes.min() < 0)
    table = np.asarray(part.values)
    if _same_codes(field, table, absent, part):
        return Column(codes)  # the categories are the field's codes, in order: no copy
    lookup = np.concatenate([table, _filler(field, 1)])
    values = set_rows(lookup, codes) if field.kind is FieldKind.SET else gather(lookup, codes)
    missing = None
    if absent or part.missing is not None:
        table = np.zeros(len(categories), bool) if part.missing is None else part.missing
        missing = gather(np.append(table, True), codes)
    if part.invalid is None or part.problems is None:
        return Column(values, missing)
    invalid = np.append(part.invalid, False)[codes]
    problems = np.append(part.problems, np.array([None], object))[codes]
    if not invalid.any():
        return Column(values, missing)
    return Column(values, missing, invalid, problems)


MAX_REMEMBERED_CATEGORIES: Final = 256
"""Categorical columns whose categories (up to this many of them) are coerced once and
remembered, by field and categories: a table read in batches, or evaluated again, has
the same ones each time. At most this many sets are kept; then they are forgotten."""

_REMEMBERED: dict[tuple[Any, ...], Column] = {}


def _coerced_categories(field: Field, categories: pd.Index, coerce: Coercer | None) -> Column:
    """The categories coerced as a column, remembered when few (see above).

    The key holds each category's type and ``repr`` as well as its value: ``1``, ``1.0``
    and ``True`` are equal keys that a field may read differently, and ``Decimal('2.5')``
    and ``Decimal('2.50')`` are equal values that a problem message quotes differently.
    """
    if coerce is not None or len(categories) > MAX_REMEMBERED_CATEGORIES:
        return coerce_column(field, pd.Series(categories, dtype=categories.dtype), coerce)
    values = tuple(categories)
    key = (field, str(categories.dtype), values, tuple((type(v), repr(v)) for v in values))
    found = _REMEMBERED.get(key)
    if found is None:
        found = coerce_column(field, pd.Series(categories, dtype=categories.dtype))
        for array in (found.values, found.missing, found.invalid, found.problems):
            if array is not None and array.flags.writeable:
                array.flags.writeable = False  # shared by every table with these categories
        if len(_REMEMBERED) >= MAX_REMEMBERED_CATEGORIES:
            _REMEMBERED.clear()
        _REMEMBERED[key] = found
    return found


_BYTES: Final = (1, 2, 4, 4, 8, 8, 8, 8)
"""Bytes of the unsigned integer that packs up to 8, 16, ... 64 flags."""


def set_rows(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``table[codes]`` for a set's yes/no table (one row per distinct value), column-major.

    Each row's flags are packed into one unsigned integer (up to 64 codes), gathered
    once, and unpacked code by code into contiguous columns: a gather of one small
    number per row instead of one of a whole row, then a copy to column-major (6 ms
    for a million rows and six codes, 1.5 ms so).
    """
    width = table.shape[1]
    if width > 64 or not len(codes):
        return np.asfortranarray(np.take(table, codes, axis=0))
    dtype = np.dtype(f"u{_BYTES[(width - 1) // 8]}")
    packed = np.zeros(len(table), dtype=dtype)
    for j in range(width):  # shifts in the unsigned type: 1 << 63 fits a uint64
        np.bitwise_or(packed, np.left_shift(table[:, j].astype(dtype), dtype.type(j)), out=packed)
    rows = np.take(packed, codes)
    out = np.empty((len(codes), width), dtype=bool, order="F")
    bit = np.empty(len(codes), dtype=dtype)
    for j in range(width):
        np.right_shift(rows, dtype.type(j), out=bit)
        np.bitwise_and(bit, dtype.type(1), out=bit)
        out[:, j] = bit
    return out


def _same_codes(field: Field, table: np.ndarray, absent: bool, part: Column) -> bool:
    """Whether a categorical's codes already are the field's codes, every row usable."""
    if field.kind is not FieldKind.CATEGORY or absent or part.missing is not None:
        return False
    identity = np.arange(len(table))
    return part.invalid is None and bool(np.array_equal(table, identity))


def _by_distinct(field: Field, series: pd.Series, coerce: Coercer) -> Column:
    """The general path: the scalar coercer once per distinct value, rows mapped by code."""
    n = len(series)
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
    values = set_rows(table, codes) if field.kind is FieldKind.SET else table[codes]
    if not n:
        return missing_column(field, 0)
    missing = is_missing[codes] if any_absent or is_missing[:-1].any() else None
    if not is_invalid.any():
        return Column(values, missing)
    messages = np.array([t.problem if isinstance(t, Invalid) else None for t in typed], object)
    return Column(values, missing, is_invalid[codes], messages[codes])


def _category_fast_path(field: Field, series: pd.Series, coerce: Coercer) -> Column:
    """Arrow text matched against the codes in one C++ pass; other spellings go the slow way.

    A value equal to a code is exactly what the scalar coercer accepts unchanged, so
    only the rest (labels, aliases, stray spaces, invalid text, missing) needs it.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.index_in(fastpaths.arrow_chunks(series), value_set=pa.array(list(field.codes)))
    found = pc.fill_null(found, -1).to_numpy(zero_copy_only=False)
    codes = found.astype(narrowest(len(field.choices)))
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
    if pd.api.types.infer_dtype(series, skipna=True) == "string":  # one C pass: all text
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
