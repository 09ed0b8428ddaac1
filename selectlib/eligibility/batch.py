"""Evaluating a whole table at once: numpy over columns, never a Python loop over rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from selectlib._typing import TableLike
from selectlib.eligibility.coerce import scalar_coercer
from selectlib.eligibility.columns import Column, check_text, coerce_column, missing_column
from selectlib.eligibility.engine import Engine, wide_names
from selectlib.eligibility.results import (
    STATUS_CATEGORIES,
    categorical,
    column_problems,
    result_columns,
    status_codes,
)
from selectlib.eligibility.small import decide_records, small_records
from selectlib.errors import InputError
from selectlib.expr import Compiled, Kind
from selectlib.profile.model import Field, FieldKind, Text
from selectlib.profile.params import Env

__all__ = [
    "STATUS_CATEGORIES",
    "as_frame",
    "categorical",
    "evaluate_table",
    "typed_vectors",
]

_FLAG: Final = Field("flag", FieldKind.BOOLEAN, Text("", ""))


def as_frame(table: TableLike) -> pd.DataFrame:
    """A DataFrame from a DataFrame, a mapping of columns, or a list of record mappings.

    Columns built from Python values keep each value's own type: a column of ints
    with a None in it stays ints-and-None (pandas alone would make it floats), so
    the batch path sees exactly what :meth:`Profile.evaluate` sees.
    """
    if isinstance(table, pd.DataFrame):
        unique = table.columns.is_unique
        repeated = [] if unique else table.columns[table.columns.duplicated()].unique().tolist()
        if repeated:
            raise InputError(
                f"column(s) {', '.join(map(str, repeated))} appear more than once; keep one of each"
            )
        return table
    if isinstance(table, Mapping):
        columns = {str(key): _column_data(value, str(key)) for key, value in table.items()}
        lengths = {len(column) for column in columns.values()}
        if len(lengths) > 1:
            sizes = ", ".join(f"{key}: {len(column)}" for key, column in columns.items())
            raise InputError(f"columns have different lengths ({sizes}); give each the same")
        return pd.DataFrame(columns)
    if isinstance(table, Sequence) and not isinstance(table, str | bytes):
        bad = next((i for i, row in enumerate(table) if not isinstance(row, Mapping)), None)
        if bad is not None:
            raise InputError("every record must be a mapping of field names to values", row=bad)
        keys = list(dict.fromkeys(key for row in table for key in row))
        columns = {
            str(key): _column_data([row.get(key) for row in table], str(key)) for key in keys
        }
        return pd.DataFrame(columns, index=pd.RangeIndex(len(table)))
    raise InputError(
        "expected a DataFrame, a mapping of columns or a list of records, "
        f"got {type(table).__name__}"
    )


_NATIVE: Final = {int: np.int64, float: np.float64, bool: np.bool_}


def _column_data(value: Any, name: str) -> Any:
    """A column for pandas: a typed array when every value has one native type, else objects.

    Columns line up by position: a Series' own index is not used to align them.
    """
    if isinstance(value, pd.Series):
        value = value.to_numpy()
    if isinstance(value, np.ndarray):
        if value.ndim != 1:
            raise InputError(f"column {name!r} must be one-dimensional, got shape {value.shape}")
        return value
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InputError(
            f"column {name!r} must be a list of values, one per row, got {type(value).__name__}"
        )
    values = list(value)
    types = {type(v) for v in values}
    if len(types) == 1:
        (only,) = types
        if only in _NATIVE:
            try:
                return np.array(values, dtype=_NATIVE[only])
            except OverflowError:  # ints beyond int64: keep them as Python objects
                pass
        if only is str:
            return values
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _wide_column(field: Field, frame: pd.DataFrame, n: int) -> Column | None:
    """A set field given as one yes/no column per code, with the scalar path's meaning."""
    names = wide_names(field)
    if not any(name in frame.columns for name in names):
        return None
    coerce = scalar_coercer(_FLAG)
    matrix = np.empty((n, len(names)), dtype=bool, order="F")
    missing: np.ndarray | None = None
    invalid: np.ndarray | None = None
    problems: np.ndarray | None = None
    for index, name in enumerate(names):
        if name not in frame.columns:
            matrix[:, index] = False
            missing = np.ones(n, dtype=bool)
            continue
        column = coerce_column(_FLAG, frame[name], coerce)
        matrix[:, index] = column.values
        if column.missing is not None:
            missing = column.missing.copy() if missing is None else missing | column.missing
        if column.invalid is not None and column.problems is not None:
            fresh = column.invalid if invalid is None else column.invalid & ~invalid
            if problems is None:
                problems = np.full(n, None, dtype=object)
            problems[fresh] = [f"{name}: {p}" for p in column.problems[fresh]]
            invalid = column.invalid.copy() if invalid is None else invalid | column.invalid
    if missing is not None and invalid is not None:
        missing &= ~invalid
    if missing is not None and not missing.any():
        missing = None
    return Column(matrix, missing, invalid, problems)


def _read_fields(engine: Engine) -> frozenset[str] | None:
    """The fields the criteria read; None (every field) when benefits may read any."""
    if engine.benefits is not None:
        return None
    return frozenset().union(*(item.condition.whole.fields for item in engine.criteria))


def _typed_columns(engine: Engine, frame: pd.DataFrame) -> dict[str, Column]:
    """Every field's column; text that no criterion reads (an id, a name) is only checked."""
    n = len(frame)
    read = _read_fields(engine)
    columns = {}
    for field in engine.fields:
        wide = _wide_column(field, frame, n) if field.kind is FieldKind.SET else None
        unread = read is not None and field.name not in read
        if unread and field.kind is FieldKind.TEXT and field.name in frame.columns:
            column = check_text(field, frame[field.name])
        elif field.name in frame.columns:
            column = coerce_column(field, frame[field.name])
            if wide is not None and column.missing is not None:
                column = _fill_missing(column, wide)
        else:
            column = wide or missing_column(field, n)
        columns[field.name] = column
    return columns


def typed_vectors(
    engine: Engine, frame: pd.DataFrame
) -> tuple[dict[str, tuple[Any, Any]], np.ndarray]:
    """What the criteria read (each field's typed values and unusable rows) and the invalid
    rows: coerced once, for callers that evaluate one table many times (a sweep)."""
    columns = _typed_columns(engine, frame)
    invalid = np.zeros(len(frame), dtype=bool)
    for col in columns.values():
        if col.invalid is not None:
            invalid |= col.invalid
    return {name: (col.values, col.unusable()) for name, col in columns.items()}, invalid


def _fill_missing(column: Column, other: Column) -> Column:
    """``column`` with its missing rows taken from ``other`` (a set's yes/no columns)."""
    rows = column.missing
    assert rows is not None
    values = column.values.copy(order="K")
    values[rows] = other.values[rows]
    missing = rows & (other.missing if other.missing is not None else False)
    invalid = column.invalid
    problems = column.problems
    if other.invalid is not None and other.problems is not None:
        taken = rows & other.invalid
        invalid = taken if invalid is None else invalid | taken
        problems = np.full(len(rows), None, object) if problems is None else problems.copy()
        problems[taken] = other.problems[taken]
    return Column(values, missing if missing.any() else None, invalid, problems)


def _side(compiled: Compiled, vectors: Mapping[str, Any], env: Env, n: int) -> Any:
    """One side of a comparison as a column (NA where missing), or None if not shown as one.

    Numbers, yes/no values and categories make columns; lists and sets are left to
    the criterion's message.
    """
    values, missing = compiled.vector(vectors, env)
    mask = np.zeros(n, dtype=bool) if missing is None else np.array(np.broadcast_to(missing, (n,)))
    kind = compiled.type.kind
    if kind is Kind.NUMBER:
        array = np.array(np.broadcast_to(np.asarray(values), (n,)))
        if array.dtype.kind in "iu":
            return pd.arrays.IntegerArray(array.astype(np.int64), mask)
        return pd.arrays.FloatingArray(array.astype(np.float64), mask)
    if kind is Kind.BOOL:
        return pd.arrays.BooleanArray(np.array(np.broadcast_to(values, (n,)), dtype=bool), mask)
    domain = compiled.type.domain
    if kind is Kind.STRING and domain is not None and isinstance(values, np.ndarray):
        return categorical(np.where(mask, -1, values), domain)
    return None


def _explanations(engine: Engine, vectors: Mapping[str, Any], env: Env, n: int) -> dict[str, Any]:
    """``<criterion>.value`` and ``<criterion>.threshold`` columns for comparison criteria."""
    columns: dict[str, Any] = {}
    for item in engine.criteria:
        condition = item.condition
        if condition.value is None or condition.threshold is None:
            continue
        for side, compiled in (("value", condition.value), ("threshold", condition.threshold)):
            column = _side(compiled, vectors, env, n)
            if column is not None:
                columns[f"{item.criterion.id}.{side}"] = column
    return columns


def evaluate_table(
    engine: Engine, table: TableLike, env: Env, explain: bool = False
) -> pd.DataFrame:
    """Evaluate every row of ``table``; one output row per input row, same index and order.

    A profile with benefits adds ``benefit`` (the total) and ``benefit.<id>`` columns.
    With ``explain``, each comparison criterion also gets ``<id>.value`` and
    ``<id>.threshold`` columns: the value seen and the threshold applied, per row.
    A small table without either is decided record by record (see
    :mod:`selectlib.eligibility.small`), into the same columns.
    """
    records = None if explain or engine.benefits is not None else small_records(table)
    if records is not None:
        return _small_frame(engine, table, records, env)
    frame = as_frame(table)
    n = len(frame)
    columns = _typed_columns(engine, frame)
    vectors = {name: (col.values, col.unusable()) for name, col in columns.items()}
    statuses = _statuses(engine, frame, vectors, env)
    invalid = np.zeros(n, dtype=bool)
    for col in columns.values():
        if col.invalid is not None:
            invalid |= col.invalid
    data, outcome = result_columns(engine, statuses, invalid, column_problems(columns, invalid))
    if engine.benefits is not None:
        data.update(engine.benefits.columns(vectors, env, outcome == 0))
    if explain:
        data.update(_explanations(engine, vectors, env, n))
    return _frame(engine, frame, data, frame.index)


def _statuses(
    engine: Engine, frame: pd.DataFrame, vectors: Mapping[str, tuple[Any, Any]], env: Env
) -> np.ndarray:
    """Rows x criteria statuses (int8: 0 passed, 1 failed, 2 missing).

    A criterion that reads only fields the table lacks (a filing time left out of a
    self-assessment) has one answer for every row: it is evaluated on one row and
    that answer is spread, instead of being worked out a million times.
    """
    n = len(frame)
    absent = frozenset(field.name for field in engine.fields if not _given(field, frame))
    one_row = {name: _first(*vectors[name]) for name in absent}
    statuses = np.empty((n, len(engine.criteria)), dtype=np.int8, order="F")
    for index, item in enumerate(engine.criteria):
        whole = item.condition.whole
        values, missing = whole.vector(one_row if whole.fields <= absent else vectors, env)
        status_codes(values, missing, statuses[:, index])
    return statuses


def _given(field: Field, frame: pd.DataFrame) -> bool:
    """Whether the table has a column for ``field`` (a set's yes/no columns count)."""
    if field.name in frame.columns:
        return True
    return field.kind is FieldKind.SET and any(name in frame.columns for name in wide_names(field))


def _first(values: np.ndarray, missing: np.ndarray | None) -> tuple[Any, Any]:
    """A column's first row (none of an empty one), still a column."""
    return values[:1], None if missing is None else missing[:1]


def _small_frame(
    engine: Engine, table: TableLike, records: list[Mapping[str, Any]], env: Env
) -> pd.DataFrame:
    """A small table's result, its records decided one by one; the batch path's frame."""
    statuses, invalid, problems = decide_records(engine, records, env)
    data, _ = result_columns(engine, statuses, invalid, problems)
    if isinstance(table, pd.DataFrame):
        return _frame(engine, table, data, table.index)
    index = pd.RangeIndex(len(records))
    name = engine.identifier
    if name is None or not any(name in record for record in records):
        return pd.DataFrame(data, index=index, copy=False)
    # given to pandas as as_frame gives it, so that pandas infers the same dtype
    given = _column_data([record.get(name) for record in records], name)
    return pd.DataFrame({name: given, **data}, index=index, copy=False)


def _frame(
    engine: Engine, given: pd.DataFrame | None, data: dict[str, Any], index: pd.Index
) -> pd.DataFrame:
    """The result frame: the identifier column as given (no copy) first, then ``data``."""
    name = engine.identifier
    if name is None or given is None or name not in given.columns:
        return pd.DataFrame(data, index=index, copy=False)
    return pd.DataFrame({name: given[name].array, **data}, index=index, copy=False)
