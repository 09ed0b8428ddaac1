"""One table decided at every point of a sweep's grid, each piece of work done once.

The table is coerced once (once per distinct setting of the derivation's parameters when
a context computes derived fields); a criterion is evaluated once per distinct value of
the varied keys it reads, so a criterion no varied key touches is evaluated once for the
whole grid.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
import pandas as pd

from selectlib.dates import DateLike
from selectlib.eligibility.batch import typed_vectors
from selectlib.eligibility.derive import derive_table
from selectlib.eligibility.results import status_codes
from selectlib.errors import InputError
from selectlib.simulate.grid import Grid

if TYPE_CHECKING:
    from selectlib.profile.compiled import Profile
    from selectlib.profile.params import Env

__all__ = ["Decided", "Evaluator", "row_groups"]

_RANK: Final = np.array([0, 2, 1], dtype=np.int8)
"""A status's weight in the outcome (passed 0, missing 1, failed 2): the worst decides."""
_RANK_NOT_CHECKED: Final = np.array([0, 2, 0], dtype=np.int8)
"""The weights of a criterion left unchecked when its input is missing
(``if_missing: not_checked``): missing weighs as passed, the decision does not wait."""
_OUTCOME: Final = np.array([0, 2, 1], dtype=np.int8)
"""The outcome code of the worst rank: eligible, incomplete, ineligible."""


@attrs.frozen(eq=False)
class Decided:
    """One grid point's decisions: each row's outcome code (0 eligible, 1 ineligible,
    2 incomplete, 3 invalid) and each criterion's statuses (0 passed, 1 failed, 2 missing)."""

    outcome: np.ndarray
    statuses: tuple[np.ndarray, ...]


def _base(key: str) -> str:
    return key.partition(".")[0]


@attrs.define
class Evaluator:
    """Decides ``frame`` under ``profile`` at the points of ``grid`` (or at the baseline)."""

    profile: Profile
    frame: pd.DataFrame
    grid: Grid
    on: DateLike = None
    context: Any = None
    _vectors: dict[Any, tuple[dict[str, Any], np.ndarray]] = attrs.field(factory=dict)
    _statuses: dict[Any, np.ndarray] = attrs.field(factory=dict)
    _ranks: dict[Any, np.ndarray] = attrs.field(factory=dict)
    _worsts: dict[Any, np.ndarray] = attrs.field(factory=dict)

    def _derived_keys(self) -> list[int]:
        """The grid keys that change a derived field (none without a context)."""
        spec = self.profile.spec
        if self.context is None or not spec.derived:
            return []
        names = {name for d in spec.derived for _, name in d.parameters}
        return [k for k, key in enumerate(self.grid.keys) if _base(key) in names]

    def _reads_derived(self, index: int) -> bool:
        spec = self.profile.spec
        outputs = {field for d in spec.derived for _, field in d.outputs}
        fields = self.profile.engine.criteria[index].condition.whole.fields
        return bool(self.context is not None and outputs & set(fields))

    def _typed(self, key: Any, env: Env) -> tuple[dict[str, Any], np.ndarray]:
        """The typed columns for one setting of the derivation's parameters, made once."""
        found = self._vectors.get(key)
        if found is None:
            frame = self.frame
            spec = self.profile.spec
            if self.context is not None and spec.derived:
                frame = derive_table(spec.derived, frame, env, self.context)
            found = self._vectors[key] = typed_vectors(self.profile.engine, frame)
        return found

    def _column(self, key: Any, index: int, vectors: Any, env: Env) -> np.ndarray:
        """A criterion's statuses under one cache key, evaluated the first time only."""
        column = self._statuses.get(key)
        if column is None:
            item = self.profile.engine.criteria[index]
            values, unusable = item.condition.whole.vector(vectors, env)
            column = np.empty(len(self.frame), dtype=np.int8)
            status_codes(values, unusable, column)
            self._statuses[key] = column
            ranks = _RANK if item.criterion.blocking else _RANK_NOT_CHECKED
            self._ranks[key] = ranks[column]
        return column

    def _worst(self, keys: tuple[Any, ...]) -> np.ndarray:
        """The worst rank over the columns of ``keys`` (those no varied key changes), once."""
        found = self._worsts.get(keys)
        if found is None:
            found = np.zeros(len(self.frame), dtype=np.int8)
            for key in keys:
                np.maximum(found, self._ranks[key], out=found)
            self._worsts[keys] = found
        return found

    def decide(self, point: int | None) -> Decided:
        """The decisions at grid point ``point``, or under the profile as given (None)."""
        grid = self.grid
        profile = self.profile if point is None else self.profile.with_params(grid.changes(point))
        env = profile.params_on(self.on)
        # the baseline's values are index -1: not a point's value, but the same key as the
        # points for what no varied key changes
        indexes = (-1,) * len(grid.keys) if point is None else grid.points[point]
        derived = tuple(indexes[k] for k in self._derived_keys())
        vectors, invalid = self._typed(derived, env)
        statuses: list[np.ndarray] = []
        fixed: list[Any] = []  # cache keys of the criteria no varied key changes
        varying: list[Any] = []
        for index, item in enumerate(self.profile.engine.criteria):
            params = item.condition.whole.params
            reads = tuple(indexes[k] for k, key in enumerate(grid.keys) if _base(key) in params)
            key = (index, derived if self._reads_derived(index) else None, reads)
            statuses.append(self._column(key, index, vectors, env))
            (varying if reads or key[1] else fixed).append(key)
        worst = self._worst(tuple(fixed)).copy()
        for key in varying:
            np.maximum(worst, self._ranks[key], out=worst)
        outcome = _OUTCOME[worst]
        if invalid.any():
            outcome[invalid] = 3
        return Decided(outcome, tuple(statuses))


def row_groups(frame: pd.DataFrame, by: str | None) -> tuple[np.ndarray, list[Any]]:
    """Each row's group number and the groups' values in order of first appearance (one
    group, no values, without ``by``). A missing value is a group of its own."""
    if by is None:
        return np.zeros(len(frame), dtype=np.intp), []
    if by not in frame.columns:
        columns = [str(c) for c in frame.columns]
        close = difflib.get_close_matches(str(by), columns, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"columns: {', '.join(columns[:20])}"
        raise InputError(f"by={by!r} is not a column of the table; {hint}", field=str(by))
    codes, labels = pd.factorize(frame[by], use_na_sentinel=False)
    return codes, list(labels)
