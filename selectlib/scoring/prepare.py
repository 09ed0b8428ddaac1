"""Checking an evaluation's inputs once: ids, panels, recusals, columns, every score.

:func:`prepare_evaluation` reads the applicants, the long score table, the evaluators
and the recusals, reports every problem at once (:class:`EvaluationInputError`, each with
its file and cell or row), decides eligibility, and places each stage's scores in an
``(applicants, panel, criteria)`` array. The result, :class:`Prepared`, is what
:func:`selectlib.scoring.run_evaluation` runs — and reruns without an evaluator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from selectlib._typing import BoolArray
from selectlib.dates import DateLike, as_date
from selectlib.decimals import MAX_PLACES, places_of
from selectlib.errors import Problem
from selectlib.profile.compiled import Profile
from selectlib.profile.evaluation import EvaluationSpec
from selectlib.scoring.cube import StageCube, score_rows, stage_cube
from selectlib.scoring.errors import EvaluationInputError, ScoringError
from selectlib.scoring.exact import Exact, common
from selectlib.scoring.inputs import Evaluator, Recusal, text_cell

__all__ = ["Prepared", "prepare_evaluation"]


@attrs.frozen(eq=False)
class Prepared:
    """Checked inputs of an evaluation, ready to run (and to re-run without an evaluator)."""

    profile: Profile
    spec: EvaluationSpec
    on: dt.date
    applicants: pd.DataFrame
    ids: tuple[str, ...]
    eligibility: pd.DataFrame
    cubes: tuple[StageCube, ...]
    evaluators: tuple[Evaluator, ...]
    recusals: tuple[Recusal, ...]
    adjustments: Mapping[str, tuple[Exact, Exact]]
    tie_keys: tuple[npt.NDArray[Any], ...]
    groups: tuple[npt.NDArray[np.object_], ...]
    notes: tuple[str, ...]


def _ids(applicants: pd.DataFrame, column: str) -> tuple[str, ...]:
    if column not in applicants.columns:
        raise EvaluationInputError(
            [Problem("applicants", f"no column {column!r}", "add the applicant ids")]
        )
    ids = [text_cell(v) for v in applicants[column]]
    problems = []
    seen: dict[str, int] = {}
    for number, value in enumerate(ids, start=2):
        where = f"applicants, row {number}, column {column}"
        if not value:
            problems.append(Problem(where, "empty applicant id", "give every row an id"))
        elif value in seen:
            problems.append(
                Problem(where, f"{value!r} repeats row {seen[value]}", "make ids unique")
            )
        seen.setdefault(value, number)
    if problems:
        raise EvaluationInputError(problems)
    return tuple(ids)


def _points(text: str) -> Fraction | None:
    """Points written in a cell as an exact decimal ≥ 0 (empty = 0); ``None`` if it is not."""
    if not text:
        return Fraction(0)
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        return None
    ok = value >= 0 and places_of(value) <= MAX_PLACES and "/" not in text
    return value if ok else None


def _number_column(applicants: pd.DataFrame, column: str, problems: list[Problem]) -> Exact:
    """A column of points ≥ 0 (empty = 0), exactly as written; every bad cell reported.

    Each distinct text is read once (points repeat: 0, 1, 2 ...)."""
    if column not in applicants.columns:
        problems.append(
            Problem("applicants", f"no column {column!r}", "add it (empty cells mean 0)")
        )
        return Exact(np.zeros(len(applicants)), 1)
    texts = [text_cell(cell) for cell in applicants[column]]
    points = {text: _points(text) for text in dict.fromkeys(texts)}
    if None in points.values():
        for index, text in enumerate(texts):
            if points[text] is None:
                problems.append(
                    Problem(
                        f"applicants, row {index + 2}, column {column}",
                        f"{text!r} is not a number of points >= 0 "
                        f"with at most {MAX_PLACES} decimal places",
                        "write points such as 2 or 0.5, or leave it empty",
                    )
                )
    values = {text: Fraction(0) if v is None else v for text, v in points.items()}
    shared = common(values.values())
    numerators = {text: float(v * shared) for text, v in values.items()}
    return Exact(np.array([numerators[t] for t in texts], dtype=np.float64), shared)


def _field_keys(
    spec: EvaluationSpec,
    applicants: pd.DataFrame,
    eligible: BoolArray,
    problems: list[Problem],
) -> tuple[tuple[npt.NDArray[Any], ...], tuple[npt.NDArray[np.object_], ...]]:
    """The tie-break field keys and the constraint values, one per applicant.

    A tie-break key is compared as a number when every eligible applicant's cell is one
    (an ineligible row's "미접수" does not turn receipt numbers into text). An eligible
    applicant without a constraint value is an input problem: a blank is not a region.
    """
    keys = []
    for rule in spec.final.tie_breaks:
        if rule.field is None:
            keys.append(np.zeros(0))
            continue
        if rule.field not in applicants.columns:
            problems.append(
                Problem("applicants", f"no column {rule.field!r}", "the tie-break needs it")
            )
            keys.append(np.zeros(0))
            continue
        texts = np.array([text_cell(v) for v in applicants[rule.field]], dtype=object)
        numbers = pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce").to_numpy(
            dtype=np.float64
        )
        counted = eligible & (texts != "")
        if counted.any() and not np.isnan(numbers[counted]).any():
            keys.append(np.where(eligible, numbers, np.nan))
        else:
            keys.append(texts)
    groups = []
    for constraint in spec.final.constraints:
        if constraint.field not in applicants.columns:
            problems.append(
                Problem("applicants", f"no column {constraint.field!r}", "the constraint needs it")
            )
            groups.append(np.array([""] * len(applicants), dtype=object))
            continue
        values = np.array([text_cell(v) for v in applicants[constraint.field]], dtype=object)
        for row in np.flatnonzero(eligible & (values == "")).tolist():
            problems.append(
                Problem(
                    f"applicants, row {row + 2}, column {constraint.field}",
                    f"no {constraint.field} for an eligible applicant",
                    f"fill it: the constraint 'at most {constraint.at_most} per "
                    f"{constraint.field}' needs it",
                )
            )
        groups.append(values)
    return tuple(keys), tuple(groups)


def _panel_problems(spec: EvaluationSpec, evaluators: Sequence[Evaluator]) -> list[Problem]:
    """Unique evaluator ids, stages that exist, and someone on every stage."""
    problems = []
    seen: set[str] = set()
    for evaluator in evaluators:
        if evaluator.id in seen:
            problems.append(
                Problem("evaluators", f"evaluator {evaluator.id!r} is listed twice", "")
            )
        seen.add(evaluator.id)
        for name in evaluator.stages:
            if name not in spec.stage_ids:
                problems.append(
                    Problem(
                        "evaluators",
                        f"{evaluator.id} sits on {name!r}, which is not a stage",
                        f"use the stage ids {', '.join(spec.stage_ids)}, or leave it empty",
                    )
                )
    for stage in spec.stages:
        if evaluators and not any(e.sits_on(stage.id) for e in evaluators):
            problems.append(
                Problem(
                    "evaluators",
                    f"nobody sits on stage {stage.id}",
                    "add the stage to someone's stages column, or leave the column empty",
                )
            )
    return problems


def _recusal_problems(
    spec: EvaluationSpec,
    recusals: Sequence[Recusal],
    ids: Collection[str],
    evaluators: Sequence[Evaluator],
) -> list[Problem]:
    known = {e.id for e in evaluators}
    problems = []
    for recusal in recusals:
        where = recusal.where or "recusals"
        if recusal.evaluator_id not in known:
            problems.append(
                Problem(where, f"unknown evaluator {recusal.evaluator_id!r}", "check the id")
            )
        if recusal.applicant_id not in ids:
            problems.append(
                Problem(where, f"unknown applicant {recusal.applicant_id!r}", "check the id")
            )
        if recusal.stage is not None and recusal.stage not in spec.stage_ids:
            problems.append(
                Problem(
                    where,
                    f"unknown stage {recusal.stage!r}",
                    f"use one of {', '.join(spec.stage_ids)}, or leave it empty for all",
                )
            )
    return problems


def prepare_evaluation(
    profile: Profile,
    applicants: pd.DataFrame,
    scores: pd.DataFrame,
    evaluators: Sequence[Evaluator],
    recusals: Sequence[Recusal] = (),
    *,
    on: DateLike = None,
    context: Any = None,
) -> Prepared:
    """Check every input and decide eligibility; raise listing every problem at once.

    ``scores`` is the long format (see :func:`selectlib.scoring.read_scores`).
    """
    spec = profile.spec.evaluation
    if spec is None:
        raise ScoringError("profile", [f"{profile.id} has no evaluation section"])
    date = as_date(on)
    applicants = applicants.reset_index(drop=True)
    ids = _ids(applicants, profile.spec.identifier or "applicant_id")
    problems: list[Problem] = []
    if not evaluators:
        problems.append(Problem("evaluators", "no evaluators", "list the committee"))
    adjustments = {}
    for stage in spec.stages:
        bonus = _number_column(applicants, stage.bonus.field, problems) if stage.bonus else None
        penalty = (
            _number_column(applicants, stage.penalty.field, problems) if stage.penalty else None
        )
        zeros = Exact(np.zeros(len(ids)), 1)
        adjustments[stage.id] = (
            zeros if bonus is None else bonus,
            zeros if penalty is None else penalty,
        )
    eligibility = profile.evaluate_many(applicants, on=date, context=context)
    eligible = (eligibility["outcome"].astype(str) == "eligible").to_numpy()
    tie_keys, groups = _field_keys(spec, applicants, eligible, problems)
    problems += _panel_problems(spec, evaluators)
    problems += _recusal_problems(spec, recusals, set(ids), evaluators)
    table = score_rows(scores)
    for name in sorted(set(table.stage.present()) - set(spec.stage_ids)):
        first = table.locations.of(table.stage.rows_of(name)[:1])[0]
        problems.append(
            Problem(first, f"unknown stage {name!r}", f"use {', '.join(spec.stage_ids)}")
        )
    if len({e.id for e in evaluators}) < len(evaluators):
        raise EvaluationInputError(problems)  # the scores cannot be placed by evaluator
    cubes = tuple(
        stage_cube(stage, table, ids, evaluators, recusals, problems) for stage in spec.stages
    )
    if problems:
        raise EvaluationInputError(problems)
    return Prepared(
        profile=profile,
        spec=spec,
        on=date,
        applicants=applicants,
        ids=ids,
        eligibility=eligibility,
        cubes=cubes,
        evaluators=tuple(evaluators),
        recusals=tuple(recusals),
        adjustments=adjustments,
        tie_keys=tie_keys,
        groups=groups,
        notes=(),
    )
