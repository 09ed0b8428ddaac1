"""Turning one raw input value into a typed value: the scalar side of reading inputs.

One definition per field kind: :func:`scalar_coercer` builds the per-value function,
and :mod:`selectlib.eligibility.columns` applies exactly that function to the distinct values of
a column, so the scalar and batch paths cannot disagree. Missing (None, NaN, empty
text) is never an error here: it becomes :data:`MISSING`; a value of the wrong type
becomes :class:`Invalid`.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs
import numpy as np
import pandas as pd

from selectlib.dates import moment
from selectlib.profile.model import Field, FieldKind

__all__ = ["LARGEST", "MISSING", "Coercer", "Invalid", "scalar_coercer", "shown"]


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        """Unpickled as the one MISSING (a worker process or thread compares by identity)."""
        return "MISSING"


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
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3}){1,10}(?:\.\d+)?")
"""A number written with thousands separators in groups of three: 2,500,000 or 1,234.5."""
_SPLIT = re.compile(r"[;,]")
TRUE_WORDS: Final = frozenset({"true", "t", "yes", "y", "1", "예", "네", "o", "있음", "해당"})
FALSE_WORDS: Final = frozenset({"false", "f", "no", "n", "0", "아니오", "아니요", "x", "없음"})
_BOOLS: Final = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}


def _is_missing(value: Any) -> bool:
    """None, NaN, NaT, NA (as pandas sees them, so both paths agree) or blank text.

    A container (a list, an array, a Series, a DataFrame) is never missing: it is a
    value, of the wrong type for any field but a set.
    """
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | frozenset | dict | np.ndarray):
        return False
    found = pd.isna(value)
    if np.ndim(found) != 0:  # a Series, an Index or another container: one answer per item
        return False
    return bool(found)


_TEXT_LIMIT: Final = 10**4_000
"""Whole numbers from here on are not written as text: Python refuses past 4,300 digits."""


def shown(value: Any, limit: int = 40) -> str:
    """``repr(value)`` on one line, cut to ``limit`` characters, for messages; never raises.

    A huge int's repr raises (Python's limit on int-to-text digits), and so may the repr
    of any object given as a value: then the type stands for the value.
    """
    if isinstance(value, int) and abs(value) >= _TEXT_LIMIT:
        return f"a {value.bit_length():,}-bit integer"
    if isinstance(value, np.generic) and not isinstance(value, np.datetime64 | np.timedelta64):
        value = value.item()  # 2.5, as one record shows it, not np.float64(2.5) from a column
    try:
        text = " ".join(repr(value).split())  # a Series' repr has one line per item
    except Exception:  # whatever an object's __repr__ raises, the message must not
        return f"a {type(value).__name__}"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _ungrouped(text: str) -> str:
    """``text`` without its thousands separators when it is a number written with them
    (2,500,000 as --budget takes it); any other text as it is."""
    return text.replace(",", "") if "," in text and _GROUPED.fullmatch(text) else text


def _number(value: Any) -> float | int | Invalid:
    """A finite number from an int, float or numeric text; Invalid otherwise."""
    if isinstance(value, bool | np.bool_):
        return Invalid(f"expected a number, got {shown(value)} (a yes/no value)")
    if isinstance(value, np.timedelta64 | np.datetime64):
        return Invalid(f"expected a number, got {shown(value)} (a time)")
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            return Invalid(f"expected a finite number, got {shown(value)}")
        return float(value)
    if isinstance(value, str):
        text = _ungrouped(value.strip())
        if _NUMBER.fullmatch(text):
            number = float(text)
            if math.isfinite(number):
                return number
        if "," in text:
            return Invalid(
                f"expected a number, got {shown(value)}: write thousands in groups of three "
                "(2,500,000) and decimals with a point (2.5)"
            )
        return Invalid(f"expected a number, got {shown(value)}")
    return Invalid(f"expected a number, got {shown(value)} ({type(value).__name__})")


def _bounded(field: Field, number: float | int) -> float | int | Invalid:
    if abs(number) > LARGEST:
        return Invalid(f"{shown(number)} is too large: the limit is ±{LARGEST:,} (2**53)")
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
        if isinstance(value, str) and _INTEGER.fullmatch(text := _ungrouped(value.strip())):
            return _bounded(field, int(text))
        number = _number(value)
        if isinstance(number, Invalid):
            return Invalid(number.problem.replace("a number", "a whole number"))
        if isinstance(number, float):
            if not number.is_integer():
                return Invalid(f"expected a whole number, got {shown(value)}")
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
        return Invalid(f"expected yes/no (true/false, 1/0, 예/아니오), got {shown(value)}")

    return coerce


def _number_as_text(value: Any) -> Any:
    """Whole numbers as text ("1001" from 1001 or 1001.0, as spreadsheets give ids); else as is."""
    if isinstance(value, bool | np.bool_):
        return value
    if isinstance(value, int | np.integer):
        return str(int(value)) if abs(int(value)) < _TEXT_LIMIT else value
    if isinstance(value, float | np.floating) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return value


def _choice_lookup(field: Field) -> dict[str, str]:
    """Every accepted spelling of a field's choices (code, labels, aliases), casefolded."""
    lookup: dict[str, str] = {}
    for choice in field.choices:
        for spelling in (choice.code, choice.label.ko, choice.label.en, *choice.aliases):
            lookup.setdefault(spelling.strip().casefold(), choice.code)
    return lookup


def _category_coercer(field: Field) -> Coercer:
    lookup = _choice_lookup(field)
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
        return Invalid(f"{shown(value)} is not one of {allowed}")

    return coerce


def _set_coercer(field: Field) -> Coercer:
    lookup = _choice_lookup(field)
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
            return Invalid(f"expected a list of codes, got {shown(value)}")
        found: set[str] = set()
        unknown: list[str] = []
        for item in items:
            code = lookup.get(item.strip().casefold()) if isinstance(item, str) else None
            if code is None:
                unknown.append(shown(item))
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
        return Invalid(f"expected text, got {shown(value)}")

    return coerce


def _datetime_coercer(field: Field) -> Coercer:
    def coerce(value: Any) -> Any:
        if _is_missing(value):
            return MISSING
        try:
            if isinstance(value, np.datetime64):  # from a datetime64 column
                value = pd.Timestamp(value)
            if isinstance(value, pd.Timestamp):
                value = value.to_pydatetime(warn=False)
            return moment(value)
        except ValueError as error:
            return Invalid(str(error))

    return coerce


_SCALAR_FACTORIES: Final[Mapping[FieldKind, Callable[[Field], Coercer]]] = {
    FieldKind.INTEGER: _integer_coercer,
    FieldKind.NUMBER: _number_coercer,
    FieldKind.BOOLEAN: _boolean_coercer,
    FieldKind.CATEGORY: _category_coercer,
    FieldKind.SET: _set_coercer,
    FieldKind.TEXT: _text_coercer,
    FieldKind.DATETIME: _datetime_coercer,
}


@functools.lru_cache(maxsize=1024)
def scalar_coercer(field: Field) -> Coercer:
    """The function that turns one raw value of ``field`` into a typed value.

    It returns the typed value, :data:`MISSING`, or an :class:`Invalid`. Built once
    per field (fields are frozen values): a table calls it for every column.
    """
    return _SCALAR_FACTORIES[field.kind](field)
