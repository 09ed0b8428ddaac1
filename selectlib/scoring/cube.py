"""One stage's scores as an array ``(applicants, panel, criteria)``, every score checked.

:func:`score_frame` cleans the long score table once; :func:`stage_cube` places each
stage's rows in the cube, vectorized, reporting every score that has no place (an
unknown applicant, an evaluator not on the panel, an unknown criterion), is given twice,
is out of range or is off the stage's step.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import attrs
import numpy as np
import pandas as pd

from selectlib._typing import BoolArray, FloatArray, IntArray, ObjectArray
from selectlib.errors import Problem
from selectlib.profile.evaluation import Stage
from selectlib.scoring.errors import EvaluationInputError
from selectlib.scoring.exact import off_step
from selectlib.scoring.inputs import Evaluator, Recusal, text_cell

__all__ = ["SCORE_COLUMNS", "StageCube", "score_frame", "stage_cube"]

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
    where: ObjectArray


def score_frame(scores: pd.DataFrame) -> pd.DataFrame:
    """The long score table with clean id texts, numeric scores and each row's place."""
    missing = [c for c in SCORE_COLUMNS if c not in scores.columns]
    if missing:
        raise EvaluationInputError(
            [
                Problem(
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


def _id_texts(column: pd.Series) -> ObjectArray:
    """A column of ids as clean text, each distinct value cleaned once (ids repeat a lot)."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    cleaned = np.array([text_cell(u) for u in uniques] + [""], dtype=object)
    return cleaned[codes]


def _placement_problem(
    stage: Stage, evaluators: Sequence[Evaluator], record: Sequence[Any], kind: int
) -> Problem:
    """Why a score row has no place in the stage's cube: ``kind`` 0 applicant, 1 evaluator,
    2 criterion."""
    applicant, evaluator, criterion, at = record
    if kind == 0:
        return Problem(at, f"unknown applicant {applicant!r}", "check the id")
    if kind == 1:
        if any(x.id == evaluator for x in evaluators):
            return Problem(
                at,
                f"evaluator {evaluator!r} does not sit on {stage.id}",
                "check the evaluators table (its stages column)",
            )
        return Problem(
            at, f"unknown evaluator {evaluator!r}", "add the evaluator to the evaluators table"
        )
    return Problem(
        at,
        f"stage {stage.id} has no criterion {criterion!r}",
        f"use one of {', '.join(stage.criterion_ids)}",
    )


def _placed(
    stage: Stage,
    rows: pd.DataFrame,
    ids: Sequence[str],
    panel_ids: Sequence[str],
    evaluators: Sequence[Evaluator],
    problems: list[Problem],
) -> IntArray:
    """Each score row's (applicant, seat, criterion) index, ``-1`` where it has no place
    (every such row reported)."""
    index = np.stack(
        [
            pd.Index(ids).get_indexer(pd.Index(rows["applicant_id"])),
            pd.Index(panel_ids).get_indexer(pd.Index(rows["evaluator_id"])),
            pd.Index(stage.criterion_ids).get_indexer(pd.Index(rows["criterion"])),
        ]
    ).astype(np.int64)
    records = rows[["applicant_id", "evaluator_id", "criterion", "where"]].to_numpy()
    for row in np.flatnonzero((index < 0).any(axis=0)).tolist():
        kind = int(np.argmax(index[:, row] < 0))
        problems.append(_placement_problem(stage, evaluators, records[row], kind))
    return index


def _repeats(
    flat: IntArray, placed: IntArray, where: ObjectArray, problems: list[Problem]
) -> BoolArray:
    """Per placed row, whether an earlier row already scored its cell (each reported)."""
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    starts = np.ones(order.size, bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    first = placed[order][np.maximum.accumulate(np.where(starts, np.arange(order.size), 0))]
    for row, original in zip(placed[order][~starts].tolist(), first[~starts].tolist(), strict=True):
        problems.append(
            Problem(
                where[row],
                f"a second score for the same cell (first at {where[original]})",
                "keep one score per evaluator, applicant and criterion",
            )
        )
    repeat = np.zeros(placed.size, bool)
    repeat[order[~starts]] = True
    return repeat


def _value_problems(
    stage: Stage, values: FloatArray, criteria: IntArray, where: ObjectArray
) -> Iterator[Problem]:
    """Placed scores outside the criterion's points, or off the stage's step."""
    maxima = np.array([c.max_points for c in stage.criteria])
    bad = ~np.isnan(values) & ((values < 0) | (values > maxima[criteria]))
    for row in np.flatnonzero(bad).tolist():
        criterion = stage.criteria[int(criteria[row])]
        yield Problem(
            where[row],
            f"{values[row]:g} is outside 0–{criterion.max_points:g} ({criterion.id})",
            f"write a score from 0 to {criterion.max_points:g}",
        )
    for row in np.flatnonzero(off_step(values, stage.step) & ~bad).tolist():
        yield Problem(
            where[row],
            f"{values[row]!r} is not a whole number of steps of {stage.step:g} "
            f"({stage.criteria[int(criteria[row])].id})",
            f"round the score to a multiple of {stage.step:g}",
        )


def _recused(
    stage: Stage, ids: Sequence[str], panel_ids: Sequence[str], recusals: Sequence[Recusal]
) -> BoolArray:
    """``(applicants, panel)``: where a recusal removes the evaluator at this stage."""
    recused = np.zeros((len(ids), len(panel_ids)), bool)
    applicant_index = {a: i for i, a in enumerate(ids)}
    evaluator_index = {x: i for i, x in enumerate(panel_ids)}
    for recusal in recusals:
        row = applicant_index.get(recusal.applicant_id, -1)
        seat = evaluator_index.get(recusal.evaluator_id, -1)
        if recusal.applies(stage.id) and row >= 0 and seat >= 0:
            recused[row, seat] = True
    return recused


def stage_cube(
    stage: Stage,
    frame: pd.DataFrame,
    ids: Sequence[str],
    evaluators: Sequence[Evaluator],
    recusals: Sequence[Recusal],
    problems: list[Problem],
) -> StageCube:
    """The stage's scores placed in an ``(applicants, panel, criteria)`` array, vectorized;
    every score without a place, given twice, out of range or off the step reported."""
    panel = [e for e in evaluators if e.sits_on(stage.id)]
    panel_ids = [e.id for e in panel]
    shape = (len(ids), len(panel), len(stage.criteria))
    rows = frame[frame["stage"] == stage.id]
    where = rows["where"].to_numpy(dtype=object)
    index = _placed(stage, rows, ids, panel_ids, evaluators, problems)
    placed = np.flatnonzero((index >= 0).all(axis=0))
    flat = np.ravel_multi_index(tuple(index[:, placed]), shape) if placed.size else placed
    repeat = _repeats(flat, placed, where, problems)
    values = rows["score"].to_numpy(dtype=np.float64)
    problems.extend(_value_problems(stage, values[placed], index[2, placed], where[placed]))
    keep = placed[~repeat]
    cube = np.full(shape, np.nan)
    cube.flat[flat[~repeat]] = values[keep]
    cells = np.full(shape, "", dtype=object)
    cells.flat[flat[~repeat]] = where[keep]
    return StageCube(
        stage=stage,
        evaluator_ids=tuple(panel_ids),
        external=np.array([x.external for x in panel], dtype=bool),
        scores=cube,
        recused=_recused(stage, ids, panel_ids, recusals),
        where=cells,
    )
