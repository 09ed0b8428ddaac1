"""A table's result columns from per-row criterion statuses, invalid rows and problems.

The batch path and the small-table path both end here, so their frames are built by
one piece of code: same columns, order, dtypes and categories.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from selectlib.eligibility.columns import Column, narrowest
from selectlib.eligibility.decision import CriterionStatus, Outcome
from selectlib.eligibility.engine import Engine
from selectlib.expr.gather import gather

__all__ = [
    "OUTCOME_CATEGORIES",
    "STATUS_CATEGORIES",
    "blank_where_none",
    "categorical",
    "column_problems",
    "result_columns",
    "status_codes",
    "text_problems",
]

STATUS_CATEGORIES: Final = [s.value for s in CriterionStatus]
OUTCOME_CATEGORIES: Final = [o.value for o in Outcome]
_FAILED: Final = 1
_NO_PROBLEMS: Final = pd.CategoricalDtype([])
_FEW_ROWS: Final = 64

MAX_CACHED_CATEGORIES: Final = 256
"""Category lists up to this long keep their pandas dtype for reuse (the 256 last used):
building one costs 100 µs or more, more than deciding a small table, and a table's
reasons have one category per combination of statuses. Longer ones are built each time."""


MAX_CACHED_REASONS: Final = 4096
"""Combinations of statuses whose reasons a profile keeps once worked out (see
``Engine.reasons``); beyond them reasons are worked out each time, so memory stays
bounded however many criteria a profile has."""

_OK_INVALID: Final = ["ok", "invalid"]
_FIXED_DTYPES: Final = {
    id(labels): pd.CategoricalDtype(labels)
    for labels in (STATUS_CATEGORIES, OUTCOME_CATEGORIES, _OK_INVALID)
}
"""The dtypes of the status, outcome and ok/invalid columns, by their label lists."""


@functools.lru_cache(maxsize=256)
def _dtype(categories: tuple[str, ...]) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(list(categories))


def status_codes(values: Any, missing: Any, out: np.ndarray) -> None:
    """Write 0 passed, 1 failed, 2 missing into ``out`` (int8) from values and missing mask.

    One value for every row (a criterion decided once, see ``batch._statuses``) is one
    fill: numpy's passes over a broadcast value are ten times slower than over a column.
    """
    n = len(out)
    values = np.asarray(values, dtype=bool)
    if values.size == 1 and (missing is None or np.size(missing) == 1):
        absent = missing is not None and bool(np.asarray(missing).reshape(-1)[0])
        out.fill(2 if absent else 0 if values.reshape(-1)[0] else 1)
        return
    passed = np.broadcast_to(values, (n,))
    flags = out.view(np.bool_)
    if missing is None:
        np.logical_not(passed, out=flags)
        return
    missing = np.broadcast_to(missing, (n,))
    np.logical_or(np.logical_not(passed), missing, out=flags)
    np.add(out, missing.view(np.int8), out=out)


def _combinations(statuses: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes per row for each distinct combination of criterion statuses, and those combinations.

    Each row's statuses (0, 1 or 2) are read as one base-3 number, so finding the
    distinct combinations is a counting pass rather than a sort or a hash of rows.
    """
    n, k = statuses.shape
    key = _base3(statuses)
    if 3**k <= 4 * max(n, 1024):
        present = np.flatnonzero(np.bincount(key, minlength=3**k))
        lookup = np.zeros(3**k, dtype=narrowest(len(present)))
        lookup[present] = np.arange(len(present))
        keys, uniques = np.take(lookup, key), present  # take: twice as fast as [] here
    else:
        keys, uniques = _factorize(key.astype(np.int64))
    digits = np.asarray(uniques, dtype=np.int64)[:, None] // 3 ** np.arange(k, dtype=np.int64)
    return keys, (digits % 3).astype(np.int8).reshape(len(uniques), k)


def _base3(statuses: np.ndarray) -> np.ndarray:
    """Each row's statuses as one number, the sum of ``status[i] * 3**i``.

    Five criteria at a time are combined in bytes (at most 3**5 - 1 = 242), so most
    passes run over bytes; the narrowest unsigned integer that holds 3**k (uint16 up
    to ten criteria) takes the groups. A few rows take one matrix product instead.
    """
    n, k = statuses.shape
    if n <= _FEW_ROWS:  # one call instead of a few per criterion
        weights = 3 ** np.arange(k, dtype=np.int64)
        product: np.ndarray = statuses.astype(np.int64) @ weights
        return product
    dtype = np.uint16 if k <= 10 else np.uint32 if k <= 20 else np.int64
    digits = statuses.view(np.uint8)
    key: np.ndarray = np.zeros(n, dtype=dtype)
    for start in range(((k - 1) // 5) * 5, -1, -5):
        stop = min(start + 5, k)
        group = np.array(digits[:, stop - 1])
        for index in range(stop - 2, start - 1, -1):
            np.multiply(group, 3, out=group)
            np.add(group, digits[:, index], out=group)
        np.multiply(key, 3 ** (stop - start), out=key)
        np.add(key, group, out=key)
    return key


def _factorize(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize`` of int64 keys (codes in order of first appearance), for a few rows
    by a dict, which costs microseconds where pandas costs tens of them."""
    if len(key) > _FEW_ROWS:
        codes, uniques = pd.factorize(key)
        return codes, uniques
    position: dict[int, int] = {}
    codes = np.array([position.setdefault(k, len(position)) for k in key.tolist()], np.intp)
    return codes, np.array(list(position), dtype=np.int64)


def _reason_texts(engine: Engine, combos: np.ndarray) -> tuple[list[str], list[str]]:
    """Each combination's reasons in Korean and in English: the failed or missing
    criteria's messages, in order; worked out once per profile and combination (up to
    :data:`MAX_CACHED_REASONS` of them), since a table meets the same ones again."""
    known = engine.reasons
    weights = 3 ** np.arange(combos.shape[1], dtype=np.int64)
    numbers = (combos.astype(np.int64) @ weights).tolist()
    fresh = [i for i, number in enumerate(numbers) if number not in known]
    rows = combos[fresh].tolist()
    texts = zip(_said(engine, rows, "ko"), _said(engine, rows, "en"), strict=True)
    said = dict(zip(fresh, texts, strict=True))
    pairs = [said[i] if i in said else known[number] for i, number in enumerate(numbers)]
    for i in fresh:
        if len(known) < MAX_CACHED_REASONS:
            known[numbers[i]] = said[i]
    return [ko for ko, _ in pairs], [en for _, en in pairs]


def _said(engine: Engine, combos: list[list[int]], lang: str) -> list[str]:
    """Each combination's reasons in ``lang``."""
    sep = " "  # each message is a sentence ending in a full stop
    said = [
        (
            "",
            f"{item.criterion.label.get(lang)}: {item.criterion.messages.failed.get(lang)}",
            f"{item.criterion.label.get(lang)}: {item.criterion.messages.missing.get(lang)}",
        )
        for item in engine.criteria
    ]
    return [
        sep.join(said[i][status] for i, status in enumerate(combo) if status) for combo in combos
    ]


def categorical(codes: np.ndarray, labels: Sequence[str]) -> pd.Categorical[Any]:
    """A categorical from per-row indexes into ``labels`` (which may repeat)."""
    fixed = _FIXED_DTYPES.get(id(labels))
    if fixed is not None:
        return pd.Categorical.from_codes(codes, dtype=fixed, validate=False)
    categories = list(dict.fromkeys(labels))
    if len(categories) != len(labels):
        position = {label: i for i, label in enumerate(categories)}
        remap = np.array([*(position[label] for label in labels), -1], dtype=np.int64)
        codes = remap[codes]  # a code of -1 (no value) stays -1
    if len(categories) <= MAX_CACHED_CATEGORIES:
        dtype = _dtype(tuple(categories))
    else:
        dtype = pd.CategoricalDtype(categories)
    return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)


def column_problems(columns: Mapping[str, Column], invalid: np.ndarray) -> pd.Categorical[Any]:
    """Per invalid row, 'field: problem' for each bad field; missing (NaN) for valid rows.

    Texts are built once per distinct combination of problems, not once per row.
    """
    bad = [(name, col.problems) for name, col in columns.items() if col.problems is not None]
    rows = np.flatnonzero(invalid)
    if not bad or not len(rows):
        codes = np.full(len(invalid), -1, dtype=np.int8)
        return pd.Categorical.from_codes(codes, dtype=_NO_PROBLEMS, validate=False)
    codes = np.full(len(invalid), -1, dtype=np.int64)
    key = np.zeros(len(rows), dtype=np.int64)
    per_field = []
    for _, problems in bad:
        field_codes, vocabulary = pd.factorize(problems[rows], use_na_sentinel=True)
        # re-factorize at each step so the combined key stays below rows x (vocabulary + 1)
        key, _ = pd.factorize(key * (len(vocabulary) + 1) + (field_codes + 1))
        per_field.append((field_codes, vocabulary))
    firsts = np.unique(key, return_index=True)[1]
    texts = [
        "; ".join(
            f"{name}: {vocabulary[codes_[row]]}"
            for (name, _), (codes_, vocabulary) in zip(bad, per_field, strict=True)
            if codes_[row] >= 0
        )
        for row in firsts
    ]
    codes[rows] = key
    return categorical(codes, texts)


def text_problems(texts: Sequence[str | None]) -> pd.Categorical[Any]:
    """Per row, its problems text (None for a valid row), as :func:`column_problems` gives it.

    Categories come in order of first appearance, as there.
    """
    if not any(texts):
        codes = np.full(len(texts), -1, dtype=np.int8)
        return pd.Categorical.from_codes(codes, dtype=_NO_PROBLEMS, validate=False)
    position: dict[str, int] = {}
    codes = np.array(
        [-1 if text is None else position.setdefault(text, len(position)) for text in texts],
        dtype=np.int64,
    )
    return categorical(codes, list(position))


def result_columns(
    engine: Engine, statuses: np.ndarray, invalid: np.ndarray, problems: pd.Categorical[Any]
) -> tuple[dict[str, Any], np.ndarray]:
    """The decided columns (eligible to problems) and each row's outcome code.

    ``statuses`` is rows x criteria (int8: 0 passed, 1 failed, 2 missing); an invalid
    row's outcome is invalid whatever its statuses.
    """
    keys, combos = _combinations(statuses)
    outcome = gather(_outcomes(engine, combos), keys)
    if invalid.any():
        outcome = np.where(invalid, np.int8(3), outcome)
    data: dict[str, Any] = {
        "eligible": pd.arrays.BooleanArray(outcome == 0, outcome >= 2),
        "outcome": categorical(outcome, OUTCOME_CATEGORIES),
        "status": categorical(invalid.view(np.int8), _OK_INVALID),
    }
    for index, item in enumerate(engine.criteria):
        data[item.criterion.id] = categorical(statuses[:, index], STATUS_CATEGORIES)
    ko, en = _reason_texts(engine, combos)
    data["reasons_ko"] = categorical(keys, ko)
    data["reasons_en"] = categorical(keys, en)
    data["problems"] = blank_where_none(problems)
    return data, outcome


def _outcomes(engine: Engine, statuses: np.ndarray) -> np.ndarray:
    """Each combination's outcome code: 1 (ineligible) if a criterion failed, else 2
    (incomplete) if one that waits for its input is missing, else 0 (eligible).

    The statuses' bits are or-ed together (1 failed, 2 missing; a criterion left
    unchecked when its input is missing adds only its failed bit). Rows take their
    combination's outcome through its code: a few comparisons of the codes when most
    combinations share one outcome (see :func:`~selectlib.expr.gather.gather`).
    """
    seen = np.zeros(len(statuses), dtype=np.uint8)
    for index, item in enumerate(engine.criteria):
        column = statuses[:, index].view(np.uint8)
        np.bitwise_or(seen, column if item.criterion.blocking else column & _FAILED, out=seen)
    # a failure wins: where bit 1 (failed) is set, clear bit 2 (missing)
    seen &= ~((seen & _FAILED) << 1)
    return seen.view(np.int8)


def blank_where_none(texts: pd.Categorical[Any]) -> pd.Categorical[Any]:
    """``texts`` with '' (not missing) in the rows that have none, as the reasons have:
    a filter or a join on the column needs no ``isna``."""
    codes = np.asarray(texts.codes)
    if not len(texts.categories):  # no row has problems: one pass fewer
        return categorical(np.zeros(len(codes), dtype=np.int8), [""])
    if not (codes < 0).any():
        return texts
    labels = [*texts.categories.astype(str)]
    if "" not in labels:
        labels.append("")
    return categorical(np.where(codes < 0, labels.index(""), codes), labels)
