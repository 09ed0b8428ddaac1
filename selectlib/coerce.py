"""Turning raw input values into typed values, one at a time or a column at a time.

One definition per field kind: :func:`scalar_coercer` builds the per-value function,
and :func:`coerce_column` applies exactly that function to the *distinct* values of a
column (plus fast paths for numeric dtypes with the same meaning), so the scalar and
batch paths cannot disagree. Missing (None, NaN, empty text) is never an error here:
it becomes :data:`MISSING`; a value of the wrong type becomes :class:`Invalid`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs
import numpy as np
import pandas as pd

from .model import Field, FieldKind

__all__ = [
    "MISSING",
    "Column",
    "Invalid",
    "coerce_column",
    "scalar_coercer",
]


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing()
"""The value of an input that was not given (None, NaN, empty text)."""


@attrs.frozen
class Invalid:
    """An input value that cannot be used, and why."""

    problem: str


Coercer = Callable[[Any], Any]

LARGEST: Final = 2**53
"""The largest magnitude an input number may have: exact in int64 and float64 alike."""
_INTEGER = re.compile(r"[+-]?\d{1,30}")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_SPLIT = re.compile(r"[;,]")
TRUE_WORDS: Final = frozenset({"true", "t", "yes", "y", "1", "예", "네", "o", "있음", "해당"})
FALSE_WORDS: Final = frozenset({"false", "f", "no", "n", "0", "아니오", "아니요", "x", "없음"})
_BOOLS: Final = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return bool(math.isnan(value))
    return isinstance(value, str) and not value.strip()


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _number(value: Any) -> float | int | Invalid:
    """A finite number from an int, float or numeric text; Invalid otherwise."""
    if isinstance(value, bool | np.bool_):
        return Invalid(f"expected a number, got {_show(value)} (a yes/no value)")
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            return Invalid(f"expected a finite number, got {_show(value)}")
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if _NUMBER.fullmatch(text):
            number = float(text)
            if math.isfinite(number):
                return number
        return Invalid(f"expected a number, got {_show(value)}")
    return Invalid(f"expected a number, got {_show(value)} ({type(value).__name__})")


def _bounded(field: Field, number: float | int) -> float | int | Invalid:
    if abs(number) > LARGEST:
        return Invalid(f"{number!r} is too large: the limit is ±{LARGEST:,} (2**53)")
    if field.minimum is not None and number < field.minimum:
        return Invalid(f"{number:g} is below the minimum {field.minimum:g}")
    if field.maximum is not None and number > field.maximum:
        return Invalid(f"{number:g} is above the maximum {field.maximum:g}")
    return number


def _integer_coercer(field: Field) -> Coercer:
    def coerce(value: Any) -> Any:
        if type(value) is int:
            return _bounded(field, value)
        if _is_missing(value):
            return MISSING
        if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            return _bounded(field, int(value.strip()))
        number = _number(value)
        if isinstance(number, Invalid):
            return Invalid(number.problem.replace("a number", "a whole number"))
        if isinstance(number, float):
            if not number.is_integer():
                return Invalid(f"expected a whole number, got {_show(value)}")
            number = int(number)
        return _bounded(field, number)

    return coerce


def _number_coercer(field: Field) -> Coercer:
    def coerce(value: Any) -> Any:
        if _is_missing(value):
            return MISSING
        number = _number(value)
        if isinstance(number, Invalid):
            return number
        return _bounded(field, float(number))

    return coerce


def _boolean_coercer(field: Field) -> Coercer:
    def coerce(value: Any) -> Any:
        if value is True or value is False:
            return value
        if _is_missing(value):
            return MISSING
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, int | float | np.integer | np.floating) and value in (0, 1):
            return bool(value)
        if isinstance(value, str):
            found = _BOOLS.get(value.strip().casefold())
            if found is not None:
                return found
        return Invalid(f"expected yes/no (true/false, 1/0, 예/아니오), got {_show(value)}")

    return coerce


def _number_as_text(value: Any) -> Any:
    """Whole numbers as text ("1001" from 1001 or 1001.0, as spreadsheets give ids); else as is."""
    if isinstance(value, bool | np.bool_):
        return value
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return value


def choice_lookup(field: Field) -> dict[str, str]:
    """Every accepted spelling of a field's choices (code, labels, aliases), casefolded."""
    lookup: dict[str, str] = {}
    for choice in field.choices:
        for spelling in (choice.code, choice.label.ko, choice.label.en, *choice.aliases):
            lookup.setdefault(spelling.strip().casefold(), choice.code)
    return lookup


def _category_coercer(field: Field) -> Coercer:
    lookup = choice_lookup(field)
    codes = frozenset(field.codes)
    allowed = ", ".join(field.codes)

    def coerce(value: Any) -> Any:
        if type(value) is str and value in codes:
            return value
        if _is_missing(value):
            return MISSING
        value = _number_as_text(value)
        if isinstance(value, str):
            found = lookup.get(value.strip().casefold())
            if found is not None:
                return found
        return Invalid(f"{_show(value)} is not one of {allowed}")

    return coerce


def _set_coercer(field: Field) -> Coercer:
    lookup = choice_lookup(field)
    allowed = ", ".join(field.codes)

    def coerce(value: Any) -> Any:
        if isinstance(value, list | tuple | frozenset | set):
            try:
                exact = frozenset(value)
            except TypeError:  # unhashable items: the general path words the problem
                exact = frozenset()
            if exact and exact <= codes_set:  # the common case: each item a code as written
                return exact
        if isinstance(value, str):
            if not value.strip():
                return MISSING
            items: list[Any] = [item for item in _SPLIT.split(value) if item.strip()]
        elif isinstance(value, list | tuple | set | frozenset | np.ndarray):
            items = list(value)
        elif _is_missing(value):
            return MISSING
        else:
            return Invalid(f"expected a list of codes, got {_show(value)}")
        found: set[str] = set()
        unknown: list[str] = []
        for item in items:
            code = lookup.get(item.strip().casefold()) if isinstance(item, str) else None
            if code is None:
                unknown.append(_show(item))
            else:
                found.add(code)
        if unknown:
            return Invalid(f"{', '.join(unknown)} not among {allowed}")
        return frozenset(found)

    codes_set = frozenset(field.codes)
    return coerce


def _text_coercer(field: Field) -> Coercer:
    def coerce(value: Any) -> Any:
        if type(value) is str and value and not value[0].isspace() and not value[-1].isspace():
            return value
        if _is_missing(value):
            return MISSING
        text = _number_as_text(value)
        if isinstance(text, str):
            return text.strip()
        return Invalid(f"expected text, got {_show(value)}")

    return coerce


_SCALAR_FACTORIES: Final[Mapping[FieldKind, Callable[[Field], Coercer]]] = {
    FieldKind.INTEGER: _integer_coercer,
    FieldKind.NUMBER: _number_coercer,
    FieldKind.BOOLEAN: _boolean_coercer,
    FieldKind.CATEGORY: _category_coercer,
    FieldKind.SET: _set_coercer,
    FieldKind.TEXT: _text_coercer,
}


def scalar_coercer(field: Field) -> Coercer:
    """The function that turns one raw value of ``field`` into a typed value.

    It returns the typed value, :data:`MISSING`, or an :class:`Invalid`.
    """
    return _SCALAR_FACTORIES[field.kind](field)


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
