"""The ``evaluation:`` section of a profile: stages, panels, adjustments, final selection.

These frozen classes only hold data, as the rest of the profile model does; the
checks that need the whole section (references between stages, criteria and tie-break
rules) are in :func:`evaluation_problems`, so loading reports every problem at once.

A profile file writes stages and criteria as mappings keyed by id, in evaluation order::

    evaluation:
      stages:
        document:
          label: {ko: 서류검토, en: Document review}
          criteria:
            plan: {ko: 사업계획, en: Business plan, max_points: 40, floor: 16}
          pass_mark: 60
          advance: {multiple: 2}
      final: {slots: 5, reserves: 2}
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Literal

import attrs
import numpy as np
import numpy.typing as npt

from selectlib._typing import BoolArray
from selectlib.decimals import MAX_PLACES, fraction, places_of
from selectlib.profile.assumed import Assumed
from selectlib.text import Text

__all__ = [
    "AGGREGATE_NAMES",
    "DEFAULT_STEP",
    "Adjustment",
    "Advancement",
    "AtLine",
    "Constraint",
    "EvaluationSpec",
    "FinalRules",
    "Panel",
    "ScoreCriterion",
    "Stage",
    "TieBreakRule",
    "evaluation_problems",
]

KeyPath = tuple[str | int, ...]
Problem = tuple[KeyPath, str, str]
"""A problem in the section: key path under ``evaluation``, message, hint to fix it."""

AGGREGATE_NAMES = ("trimmed_mean", "mean", "median")
"""The panel aggregates a stage may name (:data:`selectlib.scoring.AGGREGATES` has them)."""
AtLine = Literal["include", "exclude"]
"""Ties at a cut line: ``"include"`` every tied applicant, or ``"exclude"`` them all."""


@attrs.frozen
class ScoreCriterion:
    """One scored criterion of a stage: points and an optional floor (과락)."""

    id: str
    ko: str
    en: str
    max_points: float
    floor: float | None = None
    guide: Text | None = None

    @property
    def label(self) -> Text:
        """The criterion's name in Korean and English."""
        return Text(self.ko, self.en)


@attrs.frozen
class Panel:
    """How a stage's evaluators are combined, and the quorum after recusal.

    ``min_size`` evaluators must score each applicant, and at least ``min_external_share``
    of them must be external members, or the stage cannot decide that applicant.
    """

    aggregate: str = "trimmed_mean"
    min_size: int = 1
    min_external_share: float = 0.0

    def quorate(self, size: npt.ArrayLike, external: npt.ArrayLike) -> BoolArray:
        """Where a panel of ``size`` members, ``external`` of them external, has a quorum:
        enough members and a large enough external share, compared exactly (2 of 3 is
        not 0.6666666667)."""
        share = fraction(self.min_external_share)
        members = np.asarray(size)
        result: BoolArray = (members >= max(self.min_size, 1)) & (
            np.asarray(external) * share.denominator >= share.numerator * members
        )
        return result


@attrs.frozen
class Advancement:
    """Who goes on: the top ``multiple``× of the final slots, or a fixed ``count``.

    ``at_line`` says what a tie across the line does: ``include`` takes every tied
    applicant, ``exclude`` none of them.
    """

    multiple: float | None = None
    count: int | None = None
    at_line: AtLine = "include"

    def size(self, slots: int) -> int:
        """How many advance, given the final slots."""
        if self.count is not None:
            return self.count
        multiple = self.multiple if self.multiple is not None else 1.0
        return math.ceil(slots * fraction(multiple))


@attrs.frozen
class Adjustment:
    """Bonus (가점) or penalty (감점) points read from an applicants' column.

    ``cap`` is the most points counted: a penalty of 8 with a cap of 5 subtracts 5.
    """

    field: str
    cap: float | None = None


DEFAULT_STEP = 0.01
"""The step of a stage's scores when the profile gives none: two decimal places."""


@attrs.frozen
class Stage:
    """One stage: its criteria, panel, score step, pass mark, adjustments and advancement.

    ``step`` is the smallest unit of a score (0.5: 27.5 is a score, 27.3 is not); every
    score is a whole number of steps, which keeps totals exact and comparable.
    """

    id: str
    label: Text
    criteria: tuple[ScoreCriterion, ...]
    panel: Panel = Panel()
    step: float = DEFAULT_STEP
    pass_mark: float | None = None
    bonus: Adjustment | None = None
    penalty: Adjustment | None = None
    advance: Advancement | None = None

    @property
    def max_points(self) -> float:
        """The most points the criteria can give, before bonus."""
        return float(sum(c.max_points for c in self.criteria))

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        """The criterion ids in order (the columns of the score arrays)."""
        return tuple(c.id for c in self.criteria)


@attrs.frozen
class TieBreakRule:
    """One rule of the final tie-break chain; exactly one of ``stage``, ``criterion``, ``field``.

    ``stage: presentation`` compares that stage's total, ``criterion: presentation.capability``
    one aggregated criterion score, ``field: received_no`` a column of the applicants table.
    ``order: higher`` means the higher value wins.
    """

    stage: str | None = None
    criterion: str | None = None
    field: str | None = None
    order: str = "higher"
    label: Text | None = None

    @property
    def name(self) -> str:
        """A short name for reports, e.g. ``stage:presentation``."""
        for kind in ("stage", "criterion", "field"):
            value = getattr(self, kind)
            if value is not None:
                return f"{kind}:{value}"
        return "?"


@attrs.frozen
class Constraint:
    """A portfolio constraint: at most ``at_most`` selected per value of ``field``."""

    field: str
    at_most: int
    label: Text | None = None


@attrs.frozen
class FinalRules:
    """The final score and selection.

    ``weights`` maps stage ids to relative weights; empty means the last stage alone.
    """

    slots: int
    reserves: int = 0
    weights: tuple[tuple[str, float], ...] = ()
    tie_breaks: tuple[TieBreakRule, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    reserve_at_line: AtLine = "include"
    assumption: tuple[Assumed, ...] = ()


@attrs.frozen
class EvaluationSpec:
    """A profile's evaluation: stages in order and the final selection.

    ``example`` marks an evaluation written to be edited (e.g. when the notice does not
    publish criteria or points); reports say so on their first page.
    """

    stages: tuple[Stage, ...]
    final: FinalRules
    example: bool = False
    note: Text | None = None

    def stage(self, stage_id: str) -> Stage:
        """The stage with this id; ``KeyError`` if there is none."""
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    @property
    def stage_ids(self) -> tuple[str, ...]:
        """The stage ids, in evaluation order."""
        return tuple(s.id for s in self.stages)

    def final_weights(self) -> tuple[tuple[str, float], ...]:
        """Stage weights of the final score (the last stage alone when none are given)."""
        return self.final.weights or ((self.stages[-1].id, 1.0),)


def _stage_problems(stage: Stage) -> Iterator[Problem]:
    path: KeyPath = ("stages", stage.id)
    if not stage.criteria:
        yield (*path, "criteria"), "a stage needs at least one criterion", "add a criterion"
    for criterion in stage.criteria:
        where: KeyPath = (*path, "criteria", criterion.id)
        if not (math.isfinite(criterion.max_points) and criterion.max_points > 0):
            yield (*where, "max_points"), "max_points must be > 0", "give the criterion's points"
        elif criterion.floor is not None and not 0 <= criterion.floor <= criterion.max_points:
            yield (
                (*where, "floor"),
                f"floor {criterion.floor} is outside 0..{criterion.max_points}",
                "set a floor within the criterion's points, or remove it",
            )
    yield from _step_problems(stage)
    if stage.pass_mark is not None and stage.pass_mark > stage.max_points:
        yield (
            (*path, "pass_mark"),
            f"pass_mark {stage.pass_mark} exceeds the stage's {stage.max_points} points",
            "lower the pass mark or raise the criteria's points",
        )
    panel = stage.panel
    if panel.aggregate not in AGGREGATE_NAMES:
        yield (
            (*path, "panel", "aggregate"),
            f"unknown aggregate {panel.aggregate!r}",
            f"use one of {', '.join(sorted(AGGREGATE_NAMES))}",
        )
    if not 0 <= panel.min_external_share <= 1:
        yield (
            (*path, "panel", "min_external_share"),
            f"min_external_share {panel.min_external_share} is not a share",
            "write a number from 0 to 1 (0.5 = half)",
        )
    advance = stage.advance
    if advance is not None and (advance.multiple is None) == (advance.count is None):
        yield (
            (*path, "advance"),
            "advance needs exactly one of 'multiple' or 'count'",
            "write e.g. {multiple: 2} (twice the slots) or {count: 10}",
        )


def _step_problems(stage: Stage) -> Iterator[Problem]:
    """A step that is a decimal of at most ``MAX_PLACES`` places, and maxima on it."""
    path: KeyPath = ("stages", stage.id, "step")
    if not (math.isfinite(stage.step) and stage.step > 0):
        yield path, f"step {stage.step} must be > 0", "write e.g. 0.5 or 0.1"
        return
    step = fraction(stage.step)
    if places_of(step) > MAX_PLACES:
        yield path, f"step {stage.step} has more than {MAX_PLACES} decimal places", "round it"
        return
    for criterion in stage.criteria:
        points = criterion.max_points
        if math.isfinite(points) and (fraction(points) / step).denominator != 1:
            yield (
                (*path[:2], "criteria", criterion.id, "max_points"),
                f"max_points {points:g} is not a whole number of steps of {stage.step:g}",
                "make the points a multiple of the step, or use a finer step",
            )


def _reference_problems(spec: EvaluationSpec) -> Iterator[Problem]:
    stages = {s.id: s for s in spec.stages}
    for stage_id, weight in spec.final.weights:
        if stage_id not in stages:
            yield (
                ("final", "weights", stage_id),
                f"no stage {stage_id!r}",
                f"weigh one of {', '.join(stages)}",
            )
        elif not (math.isfinite(weight) and weight >= 0):
            yield ("final", "weights", stage_id), "weights must be >= 0", "write e.g. 30 or 0.3"
    scales = {stages[s].max_points for s, w in spec.final.weights if s in stages and w > 0}
    if len(scales) > 1:
        points = ", ".join(
            f"{s} {stages[s].max_points:g}" for s, _ in spec.final.weights if s in stages
        )
        yield (
            ("final", "weights"),
            f"the weighted stages have different points ({points}), so a weight would not "
            "mean a share of the final score",
            "give the weighted stages the same total points (e.g. 100 each)",
        )
    if spec.final.weights and sum(w for _, w in spec.final.weights) <= 0:
        yield ("final", "weights"), "the weights are all 0", "give at least one stage a weight"
    for index, rule in enumerate(spec.final.tie_breaks):
        path: KeyPath = ("final", "tie_breaks", index)
        given = [k for k in ("stage", "criterion", "field") if getattr(rule, k) is not None]
        if len(given) != 1:
            yield (
                path,
                f"a tie-break rule needs exactly one of stage, criterion, field (has {given})",
                "write e.g. {stage: presentation} or {field: received_no, order: lower}",
            )
        elif rule.stage is not None and rule.stage not in stages:
            yield (*path, "stage"), f"no stage {rule.stage!r}", f"use one of {', '.join(stages)}"
        elif rule.criterion is not None:
            stage_id, _, criterion_id = rule.criterion.partition(".")
            if stage_id not in stages or criterion_id not in stages[stage_id].criterion_ids:
                yield (
                    (*path, "criterion"),
                    f"no criterion {rule.criterion!r}",
                    "write <stage>.<criterion>, e.g. presentation.capability",
                )
        if rule.order not in ("higher", "lower"):
            yield (*path, "order"), f"unknown order {rule.order!r}", "use higher or lower"


def evaluation_problems(spec: EvaluationSpec) -> list[Problem]:
    """Every problem of the section that the JSON Schema cannot see, with its key path."""
    problems: list[Problem] = []
    if not spec.stages:
        problems.append((("stages",), "an evaluation needs at least one stage", "add a stage"))
    for stage in spec.stages:
        problems += _stage_problems(stage)
    if spec.stages and spec.stages[-1].advance is not None:
        problems.append(
            (
                ("stages", spec.stages[-1].id, "advance"),
                "the last stage has an advance rule, but nothing comes after it",
                "remove it: final.slots and final.reserves decide who is chosen",
            )
        )
    problems += _reference_problems(spec)
    if spec.final.slots < 1:
        problems.append((("final", "slots"), "slots must be >= 1", "write how many are chosen"))
    return problems
