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

from selectlib._typing import BoolArray, FloatArray
from selectlib.dates import DateLike, as_date
from selectlib.decimals import MAX_PLACES, places_of
from selectlib.profile.compiled import Profile
from selectlib.profile.evaluation import EvaluationSpec, Stage
from selectlib.scoring.errors import EvaluationInputError, InputProblem, ScoringError
from selectlib.scoring.exact import Exact, common, off_step
from selectlib.scoring.inputs import Evaluator, Recusal, text_cell

__all__ = ["SCORE_COLUMNS", "Prepared", "StageCube", "prepare_evaluation"]


SCORE_COLUMNS = ("stage", "evaluator_id", "applicant_id", "criterion", "score")


@attrs.frozen(eq=False)
class StageCube:
    """One stage's raw scores over every applicant: ``(applicants, panel, criteria)``.

    ``scores`` is ``NaN`` where no score was given; ``recused`` is ``(applicants, panel)``,
    ``True`` where a recusal removes the evaluator for that applicant at this stage.
    ``where`` holds the location of each score (or of the blank cell) for messages.
    """

    stage: Stage
    evaluator_ids: tuple[str, ...]
    external: BoolArray
    scores: FloatArray
    recused: BoolArray
    where: npt.NDArray[np.object_]


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
            [InputProblem("applicants", f"no column {column!r}", "add the applicant ids")]
        )
    ids = [text_cell(v) for v in applicants[column]]
    problems = []
    seen: dict[str, int] = {}
    for number, value in enumerate(ids, start=2):
        where = f"applicants, row {number}, column {column}"
        if not value:
            problems.append(InputProblem(where, "empty applicant id", "give every row an id"))
        elif value in seen:
            problems.append(
                InputProblem(where, f"{value!r} repeats row {seen[value]}", "make ids unique")
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


def _number_column(applicants: pd.DataFrame, column: str, problems: list[InputProblem]) -> Exact:
    """A column of points ≥ 0 (empty = 0), exactly as written; every bad cell reported."""
    if column not in applicants.columns:
        problems.append(
            InputProblem("applicants", f"no column {column!r}", "add it (empty cells mean 0)")
        )
        return Exact(np.zeros(len(applicants)), 1)
    values: list[Fraction] = []
    for index, cell in enumerate(applicants[column]):
        text = text_cell(cell)
        number = _points(text)
        if number is None:
            problems.append(
                InputProblem(
                    f"applicants, row {index + 2}, column {column}",
                    f"{text!r} is not a number of points >= 0 "
                    f"with at most {MAX_PLACES} decimal places",
                    "write points such as 2 or 0.5, or leave it empty",
                )
            )
            number = Fraction(0)
        values.append(number)
    shared = common(values)
    return Exact(np.array([float(v * shared) for v in values]), shared)


def _field_keys(
    spec: EvaluationSpec,
    applicants: pd.DataFrame,
    eligible: BoolArray,
    problems: list[InputProblem],
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
                InputProblem("applicants", f"no column {rule.field!r}", "the tie-break needs it")
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
                InputProblem(
                    "applicants", f"no column {constraint.field!r}", "the constraint needs it"
                )
            )
            groups.append(np.array([""] * len(applicants), dtype=object))
            continue
        values = np.array([text_cell(v) for v in applicants[constraint.field]], dtype=object)
        for row in np.flatnonzero(eligible & (values == "")).tolist():
            problems.append(
                InputProblem(
                    f"applicants, row {row + 2}, column {constraint.field}",
                    f"no {constraint.field} for an eligible applicant",
                    f"fill it: the constraint 'at most {constraint.at_most} per "
                    f"{constraint.field}' needs it",
                )
            )
        groups.append(values)
    return tuple(keys), tuple(groups)


def _panel_problems(spec: EvaluationSpec, evaluators: Sequence[Evaluator]) -> list[InputProblem]:
    """Unique evaluator ids, stages that exist, and someone on every stage."""
    problems = []
    seen: set[str] = set()
    for evaluator in evaluators:
        if evaluator.id in seen:
            problems.append(
                InputProblem("evaluators", f"evaluator {evaluator.id!r} is listed twice", "")
            )
        seen.add(evaluator.id)
        for name in evaluator.stages:
            if name not in spec.stage_ids:
                problems.append(
                    InputProblem(
                        "evaluators",
                        f"{evaluator.id} sits on {name!r}, which is not a stage",
                        f"use the stage ids {', '.join(spec.stage_ids)}, or leave it empty",
                    )
                )
    for stage in spec.stages:
        if evaluators and not any(e.sits_on(stage.id) for e in evaluators):
            problems.append(
                InputProblem(
                    "evaluators",
                    f"nobody sits on stage {stage.id}",
                    "add the stage to someone's stages column, or leave the column empty",
                )
            )
    return problems


def _score_frame(scores: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in SCORE_COLUMNS if c not in scores.columns]
    if missing:
        raise EvaluationInputError(
            [
                InputProblem(
                    "scores",
                    f"no column {', '.join(missing)}",
                    "use the long format stage, evaluator_id, applicant_id, criterion, score",
                )
            ]
        )
    frame = pd.DataFrame(
        {column: _id_texts(scores[column]) for column in SCORE_COLUMNS[:4]}
        | {"score": pd.to_numeric(scores["score"], errors="coerce").to_numpy(np.float64)}
    )
    frame["where"] = (
        scores["where"].to_numpy(dtype=object)
        if "where" in scores.columns
        else np.char.add("scores, row ", np.arange(2, len(frame) + 2).astype(str)).astype(object)
    )
    return frame


def _id_texts(column: pd.Series) -> npt.NDArray[np.object_]:
    """A column of ids as clean text, each distinct value cleaned once (ids repeat a lot)."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    cleaned = np.array([text_cell(u) for u in uniques] + [""], dtype=object)
    return cleaned[codes]


def _placement_problem(
    stage: Stage, evaluators: Sequence[Evaluator], record: Sequence[Any], kind: int
) -> InputProblem:
    """Why a score row has no place in the stage's cube: ``kind`` 0 applicant, 1 evaluator,
    2 criterion."""
    applicant, evaluator, criterion, at = record
    if kind == 0:
        return InputProblem(at, f"unknown applicant {applicant!r}", "check the id")
    if kind == 1:
        if any(x.id == evaluator for x in evaluators):
            return InputProblem(
                at,
                f"evaluator {evaluator!r} does not sit on {stage.id}",
                "check the evaluators table (its stages column)",
            )
        return InputProblem(
            at, f"unknown evaluator {evaluator!r}", "add the evaluator to the evaluators table"
        )
    return InputProblem(
        at,
        f"stage {stage.id} has no criterion {criterion!r}",
        f"use one of {', '.join(stage.criterion_ids)}",
    )


def _cube(
    stage: Stage,
    frame: pd.DataFrame,
    ids: Sequence[str],
    evaluators: Sequence[Evaluator],
    recusals: Sequence[Recusal],
    problems: list[InputProblem],
) -> StageCube:
    """The stage's scores placed in an ``(applicants, panel, criteria)`` array, vectorized."""
    panel = [e for e in evaluators if e.sits_on(stage.id)]
    panel_ids = [e.id for e in panel]
    shape = (len(ids), len(panel), len(stage.criteria))
    cube = np.full(shape, np.nan)
    where = np.full(shape, "", dtype=object)
    rows = frame[frame["stage"] == stage.id]
    index = np.stack(
        [
            pd.Index(ids).get_indexer(pd.Index(rows["applicant_id"])),
            pd.Index(panel_ids).get_indexer(pd.Index(rows["evaluator_id"])),
            pd.Index(stage.criterion_ids).get_indexer(pd.Index(rows["criterion"])),
        ]
    )
    records = rows[["applicant_id", "evaluator_id", "criterion", "where"]].to_numpy()
    unplaced = (index < 0).any(axis=0)
    for row in np.flatnonzero(unplaced).tolist():
        kind = int(np.argmax(index[:, row] < 0))
        problems.append(_placement_problem(stage, evaluators, records[row], kind))
    placed = np.flatnonzero(~unplaced)
    flat = np.ravel_multi_index(tuple(index[:, placed]), shape) if placed.size else placed
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    starts = np.ones(order.size, bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    first = placed[order][np.maximum.accumulate(np.where(starts, np.arange(order.size), 0))]
    for row, original in zip(placed[order][~starts].tolist(), first[~starts].tolist(), strict=True):
        problems.append(
            InputProblem(
                records[row][3],
                f"a second score for the same cell (first at {records[original][3]})",
                "keep one score per evaluator, applicant and criterion",
            )
        )
    repeat = np.zeros(placed.size, bool)
    repeat[order[~starts]] = True
    keep = placed[~repeat]
    maxima = np.array([c.max_points for c in stage.criteria])
    values = rows["score"].to_numpy(dtype=np.float64)
    bad = ~np.isnan(values) & ((values < 0) | (values > maxima[np.maximum(index[2], 0)]))
    for row in np.flatnonzero(bad & ~unplaced).tolist():
        criterion = stage.criteria[int(index[2, row])]
        problems.append(
            InputProblem(
                records[row][3],
                f"{values[row]:g} is outside 0–{criterion.max_points:g} ({criterion.id})",
                f"write a score from 0 to {criterion.max_points:g}",
            )
        )
    for row in np.flatnonzero(off_step(values, stage.step) & ~bad & ~unplaced).tolist():
        problems.append(
            InputProblem(
                records[row][3],
                f"{values[row]!r} is not a whole number of steps of {stage.step:g} "
                f"({stage.criteria[int(index[2, row])].id})",
                f"round the score to a multiple of {stage.step:g}",
            )
        )
    cube.flat[flat[~repeat]] = rows["score"].to_numpy(dtype=np.float64)[keep]
    where.flat[flat[~repeat]] = records[keep, 3]
    recused = np.zeros(shape[:2], bool)
    applicant_index = {a: i for i, a in enumerate(ids)}
    evaluator_index = {x: i for i, x in enumerate(panel_ids)}
    for recusal in recusals:
        row = applicant_index.get(recusal.applicant_id, -1)
        seat = evaluator_index.get(recusal.evaluator_id, -1)
        if recusal.applies(stage.id) and row >= 0 and seat >= 0:
            recused[row, seat] = True
    return StageCube(
        stage=stage,
        evaluator_ids=tuple(panel_ids),
        external=np.array([x.external for x in panel], dtype=bool),
        scores=cube,
        recused=recused,
        where=where,
    )


def _recusal_problems(
    spec: EvaluationSpec,
    recusals: Sequence[Recusal],
    ids: Collection[str],
    evaluators: Sequence[Evaluator],
) -> list[InputProblem]:
    known = {e.id for e in evaluators}
    problems = []
    for recusal in recusals:
        where = recusal.where or "recusals"
        if recusal.evaluator_id not in known:
            problems.append(
                InputProblem(where, f"unknown evaluator {recusal.evaluator_id!r}", "check the id")
            )
        if recusal.applicant_id not in ids:
            problems.append(
                InputProblem(where, f"unknown applicant {recusal.applicant_id!r}", "check the id")
            )
        if recusal.stage is not None and recusal.stage not in spec.stage_ids:
            problems.append(
                InputProblem(
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
    problems: list[InputProblem] = []
    if not evaluators:
        problems.append(InputProblem("evaluators", "no evaluators", "list the committee"))
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
    frame = _score_frame(scores)
    unknown = sorted(set(frame["stage"].unique()) - set(spec.stage_ids))
    for name in unknown:
        first = frame.loc[frame["stage"] == name, "where"].iloc[0]
        problems.append(
            InputProblem(first, f"unknown stage {name!r}", f"use {', '.join(spec.stage_ids)}")
        )
    if len({e.id for e in evaluators}) < len(evaluators):
        raise EvaluationInputError(problems)  # the scores cannot be placed by evaluator
    cubes = tuple(_cube(stage, frame, ids, evaluators, recusals, problems) for stage in spec.stages)
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
