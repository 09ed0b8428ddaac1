"""A stage's totals: criterion points, floors (과락), bonus (가점), penalty (감점), pass mark.

Input is one aggregated score per applicant and criterion, each on that criterion's own
scale (a 30-point criterion is scored 0–30), shaped ``(applicants, criteria)``. The rules
are applied in the order Korean evaluation notices state them:

1. **Floors** — an applicant below any criterion's floor fails, whatever its total.
2. **Bonus and penalty** — the bonus, capped, is added *after* the floor check, so it can
   help an applicant over the pass mark but never over a floor; the penalty, capped, is
   subtracted.
3. **Pass mark** — the adjusted total must reach it.

Everything is exact (:mod:`selectlib.scoring.exact`): a value equal to a floor or to the
pass mark is never below it, and two equal totals are equal whatever order their points
were added in.

>>> rules = StageRules(
...     criteria=(StageCriterion("plan", 60, floor=24), StageCriterion("team", 40)),
...     pass_mark=60,
...     bonus_cap=3,
... )
>>> result = score_stage(rules, [[50, 30], [20, 39], [40, 18]], bonus=[0, 0, 5])
>>> result.totals.tolist(), result.passed.tolist(), result.reasons()
([80.0, 59.0, 61.0], [True, False, True], ['', 'floor:plan', ''])
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from selectlib._typing import BoolArray, FloatArray, IntArray
from selectlib.decimals import fraction
from selectlib.profile.evaluation import Stage
from selectlib.scoring.errors import ScoringError
from selectlib.scoring.exact import Exact, common, from_decimals

__all__ = ["StageCriterion", "StageResult", "StageRules", "score_stage", "weighted_total"]


def _finite_non_negative(_: object, attribute: attrs.Attribute[float], value: object) -> None:
    number = math.nan
    if isinstance(value, bool):
        pass  # True is not 1 point
    elif isinstance(value, numbers.Real):
        number = float(value)
    if not (math.isfinite(number) and number >= 0):
        raise ScoringError(attribute.name, [f"must be a finite number >= 0 (got {value!r})"])


def _optional_finite_non_negative(
    instance: object, attribute: attrs.Attribute[float], value: float | None
) -> None:
    if value is not None:
        _finite_non_negative(instance, attribute, value)


@attrs.frozen
class StageCriterion:
    """One criterion of a stage: its id, its maximum points, and an optional floor (과락).

    Validated when built, so a criterion that cannot work fails when the profile loads.
    """

    id: str
    max_points: float = attrs.field(validator=_finite_non_negative)
    floor: float | None = attrs.field(default=None, validator=_optional_finite_non_negative)

    def __attrs_post_init__(self) -> None:
        if self.max_points <= 0:
            raise ScoringError("max_points", [f"criterion {self.id!r}: must be > 0"])
        if self.floor is not None and self.floor > self.max_points:
            raise ScoringError(
                "floor",
                [f"criterion {self.id!r}: floor {self.floor} exceeds max {self.max_points}"],
            )


def _criteria(value: Sequence[StageCriterion]) -> tuple[StageCriterion, ...]:
    return tuple(value)


@attrs.frozen
class StageRules:
    """How a stage turns criterion scores into a total and a pass or fail.

    Attributes
    ----------
    criteria:
        The criteria in column order of the scores array; ids must be unique.
    pass_mark:
        The adjusted total needed to pass; ``None`` for no pass mark.
    bonus_cap:
        The most bonus (가점) counted; ``None`` for no cap.
    penalty_cap:
        The most penalty (감점) counted; ``None`` for no cap.
    """

    criteria: tuple[StageCriterion, ...] = attrs.field(converter=_criteria)
    pass_mark: float | None = attrs.field(default=None, validator=_optional_finite_non_negative)
    bonus_cap: float | None = attrs.field(default=None, validator=_optional_finite_non_negative)
    penalty_cap: float | None = attrs.field(default=None, validator=_optional_finite_non_negative)

    def __attrs_post_init__(self) -> None:
        ids = [c.id for c in self.criteria]
        problems = []
        if not ids:
            problems.append("a stage needs at least one criterion")
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            problems.append(f"criterion ids must be unique (repeated: {', '.join(duplicates)})")
        if self.pass_mark is not None and self.pass_mark > self.max_total:
            problems.append(
                f"pass_mark {self.pass_mark} exceeds the most points possible ({self.max_total})"
            )
        if problems:
            raise ScoringError("criteria", problems)

    @property
    def max_total(self) -> float:
        """The most points the criteria can give, before any bonus."""
        return float(sum(c.max_points for c in self.criteria))

    @classmethod
    def of(cls, stage: Stage) -> StageRules:
        """The rules of a profile's stage."""
        return cls(
            criteria=tuple(StageCriterion(c.id, c.max_points, c.floor) for c in stage.criteria),
            pass_mark=stage.pass_mark,
            bonus_cap=stage.bonus.cap if stage.bonus else None,
            penalty_cap=stage.penalty.cap if stage.penalty else None,
        )


@attrs.frozen(eq=False)
class StageResult:
    """Per-applicant outcome of a stage; every array has one entry per applicant row.

    Attributes
    ----------
    exact_raw_totals:
        Sum of the criterion points, before bonus and penalty, exactly.
    exact_totals:
        ``raw + min(bonus, bonus_cap) - min(penalty, penalty_cap)``, exactly.
    bonus, penalty:
        The bonus and penalty counted (after their caps), exactly.
    below_floor:
        ``(applicants, criteria)``: ``True`` where a criterion is below its floor.
    below_pass_mark:
        ``True`` where the adjusted total is below the pass mark.
    passed:
        No floor failed and the pass mark was reached.
    criterion_ids:
        The criterion ids, in column order, to name failed floors.
    """

    exact_raw_totals: Exact
    exact_totals: Exact
    bonus: Exact
    penalty: Exact
    below_floor: BoolArray
    below_pass_mark: BoolArray
    passed: BoolArray
    criterion_ids: tuple[str, ...]

    @property
    def raw_totals(self) -> FloatArray:
        """The raw totals as floats, for display."""
        return self.exact_raw_totals.values

    @property
    def totals(self) -> FloatArray:
        """The adjusted totals as floats, for display."""
        return self.exact_totals.values

    @property
    def failed_floor(self) -> IntArray:
        """Column of the first criterion below its floor per row; -1 where none is."""
        first = np.argmax(self.below_floor, axis=1).astype(np.int64)
        return np.where(self.below_floor.any(axis=1), first, -1)

    def reasons(self) -> list[str]:
        """Why each row failed: ``"floor:<id>"``, ``"pass_mark"``, or ``""`` if it passed.

        A floor is named before the pass mark because it fails the applicant whatever its
        total; only the first failed floor is named, :attr:`below_floor` has them all.
        """
        labels = np.array([f"floor:{i}" for i in self.criterion_ids] + [""], dtype=object)
        floor = labels[self.failed_floor]  # -1 picks the trailing ""
        fallback = np.where(self.below_pass_mark, "pass_mark", "")
        return [str(x) for x in np.where(self.failed_floor >= 0, floor, fallback)]

    def reason(self, row: int) -> str:
        """:meth:`reasons` for one row."""
        return self.reasons()[row]


def _per_applicant(name: str, value: npt.ArrayLike | Exact, count: int) -> Exact:
    """A non-negative finite amount per applicant (a scalar is everyone's), exactly."""
    if not isinstance(value, Exact):
        try:
            array = np.broadcast_to(np.asarray(value, dtype=np.float64), (count,))
        except ValueError:
            shape = np.shape(value)
            raise ScoringError(
                name, [f"must be a number or {count} numbers (got shape {shape})"]
            ) from None
        _refuse(name, array, np.flatnonzero(~np.isfinite(array)))
        value = from_decimals(array)
    if value.shape != (count,):
        raise ScoringError(name, [f"must be {count} numbers (got shape {value.shape})"])
    _refuse(name, value.values, np.flatnonzero(~(value.numerators >= 0)))  # NaN too
    return value


def _refuse(name: str, values: FloatArray, bad: IntArray) -> None:
    """Refuse the amounts at rows ``bad``, if any."""
    if bad.size:
        raise ScoringError(
            name, [f"row {r}: must be a finite number >= 0 (got {values[r]})" for r in bad]
        )


def _check_scores(rules: StageRules, scores: npt.ArrayLike | Exact) -> Exact:
    exact = scores if isinstance(scores, Exact) else None
    array = exact.numerators if exact is not None else np.asarray(scores, dtype=np.float64)
    width = len(rules.criteria)
    if array.ndim != 2 or array.shape[1] != width:
        raise ScoringError(
            "scores",
            [f"must be shaped (applicants, {width} criteria) (got shape {array.shape})"],
        )
    if exact is None:
        try:
            exact = from_decimals(array)
        except ScoringError as error:
            raise ScoringError(
                "scores",
                [
                    *error.problems,
                    "pass exact aggregates (PanelAggregate.exact), not their float values",
                ],
            ) from None
    maxima = np.array([float(fraction(c.max_points) * exact.denominator) for c in rules.criteria])
    numerators = exact.numerators
    if ((numerators >= 0) & (numerators <= maxima)).all():  # NaN fails both
        return exact
    outside = ~np.isnan(numerators) & ((numerators < 0) | (numerators > maxima))
    problems = []
    for r, c in np.argwhere(np.isnan(numerators)).tolist():
        problems.append(f"row {r}, criterion {rules.criteria[c].id!r}: no score")
    for r, c in np.argwhere(outside).tolist():
        crit = rules.criteria[c]
        value = exact.values[r, c]
        problems.append(f"row {r}, criterion {crit.id!r}: {value} is outside 0..{crit.max_points}")
    raise ScoringError("scores", problems)


def _capped(amount: Exact, cap: float | None) -> Exact:
    if cap is None:
        return amount
    return Exact(
        np.minimum(amount.numerators, amount.numerator_of(fraction(cap))), amount.denominator
    )


def score_stage(
    rules: StageRules,
    scores: npt.ArrayLike | Exact,
    *,
    bonus: npt.ArrayLike | Exact = 0.0,
    penalty: npt.ArrayLike | Exact = 0.0,
) -> StageResult:
    """Total a stage and decide who passes, exactly, vectorized over applicants.

    ``scores`` is ``(applicants, criteria)`` in each criterion's own points, as an
    :class:`~selectlib.scoring.exact.Exact` array or as decimals; every cell must be
    present and within ``0..max_points`` (all problems are reported at once). ``bonus``
    and ``penalty`` are amounts per applicant (or one for all), ``>= 0``, each counted up
    to its cap. The adjusted total is not clipped: a penalty may take it below zero.
    A value equal to a floor or to the pass mark is not below it.
    """
    points = _check_scores(rules, scores)
    count = points.shape[0]
    bonus_points = _per_applicant("bonus", bonus, count)
    penalty_points = _per_applicant("penalty", penalty, count)
    rule_numbers = [
        fraction(x)
        for x in (
            *(c.floor for c in rules.criteria),
            rules.pass_mark,
            rules.bonus_cap,
            rules.penalty_cap,
        )
        if x is not None
    ]
    shared = common([points, bonus_points, penalty_points, *rule_numbers])
    points, bonus_points, penalty_points = (
        x.over(shared) for x in (points, bonus_points, penalty_points)
    )
    bonus_points = _capped(bonus_points, rules.bonus_cap)
    penalty_points = _capped(penalty_points, rules.penalty_cap)
    floors = np.array(
        [
            -np.inf if c.floor is None else points.numerator_of(fraction(c.floor))
            for c in rules.criteria
        ]
    )
    below_floor = points.numerators < floors
    # whole numerators add up exactly in any order: einsum's sum is numpy's, only faster
    raw = Exact(np.einsum("ac->a", points.numerators), shared)
    totals = Exact(raw.numerators + bonus_points.numerators - penalty_points.numerators, shared)
    mark = -np.inf if rules.pass_mark is None else totals.numerator_of(fraction(rules.pass_mark))
    below_pass_mark = totals.numerators < mark
    return StageResult(
        exact_raw_totals=raw,
        exact_totals=totals,
        bonus=bonus_points,
        penalty=penalty_points,
        below_floor=below_floor,
        below_pass_mark=below_pass_mark,
        passed=~below_floor.any(axis=1) & ~below_pass_mark,
        criterion_ids=tuple(c.id for c in rules.criteria),
    )


def weighted_total(totals: Sequence[npt.ArrayLike | Exact], weights: Sequence[float]) -> Exact:
    """Combine stage totals into a final score by relative weights, exactly.

    Weights are relative: ``[30, 70]`` and ``[0.3, 0.7]`` give the same result, which
    stays on the stages' common scale (two 100-point stages give a 100-point final).
    Using only the last stage is ``weighted_total([last], [1])``.

    >>> weighted_total([[80, 60], [70, 90]], [30, 70]).values.tolist()
    [73.0, 81.0]
    """
    problems = []
    if len(totals) != len(weights) or not weights:
        problems.append(f"need one weight per stage (got {len(totals)} stages, {len(weights)})")
    elif any(not math.isfinite(w) or w < 0 for w in weights) or sum(weights) <= 0:
        problems.append(f"weights must be finite, >= 0 and not all 0 (got {list(weights)})")
    if problems:
        raise ScoringError("weights", problems)
    parts = [t if isinstance(t, Exact) else from_decimals(t) for t in totals]
    shapes = {p.shape for p in parts}
    if len(shapes) != 1 or len(next(iter(shapes))) != 1:
        raise ScoringError(
            "totals", [f"every stage needs one total per applicant (got shapes {sorted(shapes)})"]
        )
    if any(np.isnan(p.numerators).any() for p in parts):
        raise ScoringError("totals", ["each stage must be one number per applicant, no NaN"])
    shares = [fraction(w) for w in weights]
    scale = common(shares)
    integral = [int(w * scale) for w in shares]  # the weights as integers, same ratios
    shared = common(parts)
    combined = np.zeros(parts[0].shape)
    for weight, part in zip(integral, parts, strict=True):
        combined += float(weight) * part.over(shared).numerators
    return Exact(combined, shared * sum(integral))
