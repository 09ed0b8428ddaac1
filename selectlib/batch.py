"""Evaluating a whole table at once: numpy over columns, never a Python loop over rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from .coerce import Column, coerce_column, missing_column, scalar_coercer
from .decision import CriterionStatus, Outcome
from .engine import Engine, wide_names
from .errors import InputError
from .model import Field, FieldKind, Text
from .params import Env

__all__ = ["STATUS_CATEGORIES", "as_frame", "evaluate_table"]

STATUS_CATEGORIES: Final = [s.value for s in CriterionStatus]
OUTCOME_CATEGORIES: Final = [o.value for o in Outcome]
_PASSED, _FAILED, _MISSING = 0, 1, 2
_FLAG: Final = Field("flag", FieldKind.BOOLEAN, Text("", ""))


def as_frame(table: Any) -> pd.DataFrame:
    """A DataFrame from a DataFrame, a mapping of columns, or a list of record mappings."""
    if isinstance(table, pd.DataFrame):
        return table
    if isinstance(table, Mapping):
        try:
            return pd.DataFrame({key: _column_data(value) for key, value in table.items()})
        except ValueError as exc:
            raise InputError(f"columns could not be lined up: {exc}") from None
    if isinstance(table, Sequence) and not isinstance(table, str | bytes):
        bad = next((i for i, row in enumerate(table) if not isinstance(row, Mapping)), None)
        if bad is not None:
            raise InputError("every record must be a mapping of field names to values", row=bad)
        return pd.DataFrame.from_records(list(table)) if table else pd.DataFrame()
    raise InputError(
        f"expected a DataFrame, a mapping of columns or a list of records, got {type(table).__name__}"
    )


def _column_data(value: Any) -> Any:
    if isinstance(value, np.ndarray | pd.Series):
        return value
    values = list(value)
    if any(isinstance(v, list | tuple | set | frozenset) for v in values):
        array = np.empty(len(values), dtype=object)
        array[:] = values
        return array
    return values


def _wide_column(field: Field, frame: pd.DataFrame, n: int) -> Column | None:
    """A set field given as one yes/no column per code, with the scalar path's meaning."""
    names = wide_names(field)
    if not any(name in frame.columns for name in names):
        return None
    coerce = scalar_coercer(_FLAG)
    matrix = np.zeros((n, len(names)), dtype=bool)
    missing = np.zeros(n, dtype=bool)
    invalid = np.zeros(n, dtype=bool)
    problems = np.full(n, None, dtype=object)
    for index, name in enumerate(names):
        if name not in frame.columns:
            missing[:] = True
            continue
        column = coerce_column(_FLAG, frame[name], coerce)
        matrix[:, index] = column.values
        missing |= column.missing
        if column.problems is not None:
            fresh = column.invalid & ~invalid
            problems[fresh] = [f"{name}: {p}" for p in column.problems[fresh]]
            invalid |= column.invalid
    missing &= ~invalid
    return Column(matrix, missing, invalid, problems if invalid.any() else None)


def _typed_columns(engine: Engine, frame: pd.DataFrame) -> dict[str, Column]:
    n = len(frame)
    columns = {}
    for field in engine.fields:
        if field.name in frame.columns:
            column = coerce_column(field, frame[field.name])
        elif field.kind is FieldKind.SET:
            column = _wide_column(field, frame, n) or missing_column(field, n)
        else:
            column = missing_column(field, n)
        columns[field.name] = column
    return columns


def _status_codes(values: Any, missing: Any, n: int) -> np.ndarray:
    passed = np.broadcast_to(np.asarray(values, dtype=bool), (n,))
    codes = np.where(passed, _PASSED, _FAILED).astype(np.int8)
    if missing is not None:
        codes[np.broadcast_to(missing, (n,))] = _MISSING
    return codes


def _reasons(engine: Engine, codes: list[np.ndarray], n: int) -> tuple[pd.Categorical, ...]:
    """Failed and undecided criteria per row as text, built once per distinct combination."""
    mask = np.zeros(n, dtype=np.uint64)
    for index, code in enumerate(codes):
        mask |= code.astype(np.uint64) << np.uint64(2 * index)
    keys, uniques = pd.factorize(mask)
    out = []
    for lang, sep in (("ko", " / "), ("en", "; ")):
        labels = []
        for key in uniques:
            parts = []
            for index, item in enumerate(engine.criteria):
                status = (int(key) >> (2 * index)) & 3
                if status:
                    crit = item.criterion
                    message = crit.messages.failed if status == _FAILED else crit.messages.missing
                    parts.append(f"{crit.label.get(lang)}: {message.get(lang)}")
            labels.append(sep.join(parts))
        categories = list(dict.fromkeys(labels))
        remap = np.array([categories.index(label) for label in labels], dtype=np.int64)
        out.append(pd.Categorical.from_codes(remap[keys], categories=categories))
    return tuple(out)


def _problems(columns: Mapping[str, Column], invalid: np.ndarray) -> np.ndarray:
    """Per invalid row, 'field: problem' for each bad field; None for valid rows."""
    result = np.full(len(invalid), None, dtype=object)
    bad = [(name, col.problems) for name, col in columns.items() if col.problems is not None]
    if not bad:
        return result
    rows = np.flatnonzero(invalid)
    index = pd.MultiIndex.from_arrays([problems[rows] for _, problems in bad])
    keys, uniques = index.factorize()
    texts = [
        "; ".join(f"{name}: {p}" for (name, _), p in zip(bad, combo, strict=True) if p is not None)
        for combo in uniques
    ]
    result[rows] = np.array(texts, dtype=object)[keys]
    return result


def evaluate_table(engine: Engine, table: Any, env: Env) -> pd.DataFrame:
    """Evaluate every row of ``table``; one output row per input row, same index and order."""
    frame = as_frame(table)
    n = len(frame)
    columns = _typed_columns(engine, frame)
    vectors = {
        name: (col.values, _mask(col.missing | col.invalid)) for name, col in columns.items()
    }
    codes = []
    for item in engine.criteria:
        values, missing = item.condition.whole.vector(vectors, env)
        codes.append(_status_codes(values, missing, n))
    invalid = np.zeros(n, dtype=bool)
    for col in columns.values():
        invalid |= col.invalid
    stacked = np.stack(codes) if codes else np.zeros((0, n), dtype=np.int8)
    any_failed = (stacked == _FAILED).any(axis=0)
    any_missing = (stacked == _MISSING).any(axis=0)
    outcome = np.select([invalid, any_failed, any_missing], [3, 1, 2], 0).astype(np.int8)
    eligible = pd.array(outcome == 0, dtype="boolean")
    eligible[(outcome == 2) | (outcome == 3)] = pd.NA
    data: dict[str, Any] = {}
    if engine.identifier is not None and engine.identifier in frame.columns:
        data[engine.identifier] = frame[engine.identifier].to_numpy()
    data["eligible"] = eligible
    data["outcome"] = pd.Categorical.from_codes(outcome, categories=OUTCOME_CATEGORIES)
    data["status"] = pd.Categorical.from_codes(
        invalid.astype(np.int8), categories=["ok", "invalid"]
    )
    for item, code in zip(engine.criteria, codes, strict=True):
        data[item.criterion.id] = pd.Categorical.from_codes(code, categories=STATUS_CATEGORIES)
    data["reasons_ko"], data["reasons_en"] = _reasons(engine, codes, n)
    data["problems"] = _problems(columns, invalid)
    return pd.DataFrame(data, index=frame.index)


def _mask(mask: np.ndarray) -> np.ndarray | None:
    return mask if mask.any() else None
