"""One stage's scores as an array ``(applicants, panel, criteria)``, every score checked.

:func:`score_rows` indexes the long score table once: each id column becomes integer
codes into its distinct clean texts (each text cleaned once, ids repeat a lot).
:func:`stage_cube` places each stage's rows in the cube with numpy alone, reporting every
score that has no place (an unknown applicant, an evaluator not on the panel, an unknown
criterion), is given twice, is out of range or is off the stage's step. Locations for
messages (``scores, row 7`` or the table's own ``where``) are written only when needed.
"""

from __future__ import annotations

import functools
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

__all__ = ["SCORE_COLUMNS", "Locations", "ScoreRows", "StageCube", "score_rows", "stage_cube"]

SCORE_COLUMNS = ("stage", "evaluator_id", "applicant_id", "criterion", "score")


@attrs.frozen(eq=False)
class Locations:
    """Where each row of the long score table is, for messages: the table's own ``where``
    column when it has one (score sheets read back), else ``scores, row N`` (row 1 the
    header), written only for the rows a message or a table shows."""

    written: ObjectArray | None = None

    def of(self, rows: IntArray) -> ObjectArray:
        """The locations of ``rows`` (positions in the score table)."""
        if self.written is not None:
            located: ObjectArray = self.written[rows]
            return located
        return np.array([f"scores, row {r + 2}" for r in rows.tolist()], dtype=object)


@attrs.frozen(eq=False)
class StageCube:
    """One stage's raw scores over every applicant: ``(applicants, panel, criteria)``.

    ``scores`` is ``NaN`` where no score was given; ``recused`` is ``(applicants, panel)``,
    ``True`` where a recusal removes the evaluator for that applicant at this stage.
    ``rows`` is each score's row in the score table (-1 where none), and :attr:`where`
    its location, for messages.
    """

    stage: Stage
    evaluator_ids: tuple[str, ...]
    external: BoolArray
    scores: FloatArray
    recused: BoolArray
    rows: IntArray
    locations: Locations = Locations()

    @functools.cached_property
    def where(self) -> ObjectArray:
        """The location of each score (``""`` where none), written once when first read."""
        cells = np.full(self.rows.shape, "", dtype=object)
        given = self.rows >= 0
        cells[given] = self.locations.of(self.rows[given])
        return cells


@attrs.frozen(eq=False)
class IdColumn:
    """An id column of the score table as ``codes`` into its distinct clean ``texts``."""

    codes: IntArray
    texts: tuple[str, ...]

    @classmethod
    def of(cls, column: pd.Series) -> IdColumn:
        """Factorize ``column`` once and clean each distinct value (empty cells are ``""``;
        values that clean to the same text, such as ``7`` and ``"7 "``, share a code)."""
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        position: dict[str, int] = {}
        cleaned = [text_cell(u) for u in uniques] + [""]  # the last one for code -1
        remap = np.array([position.setdefault(t, len(position)) for t in cleaned], np.int64)
        return cls(remap[codes], tuple(position))

    def index_in(self, names: Sequence[str], rows: IntArray) -> IntArray:
        """Each of ``rows``' position in ``names``: -1 where its text is not one of them."""
        wanted = {name: i for i, name in enumerate(names)}
        lookup = np.array([wanted.get(t, -1) for t in self.texts], np.int64)
        found: IntArray = lookup[self.codes[rows]]
        return found

    def rows_of(self, text: str) -> IntArray:
        """The positions of the rows whose text is ``text``, in order."""
        if text not in self.texts:
            return np.zeros(0, np.int64)
        return np.flatnonzero(self.codes == self.texts.index(text))

    def present(self) -> list[str]:
        """The texts that occur, in code order."""
        counts = np.bincount(self.codes, minlength=len(self.texts))
        return [t for t, n in zip(self.texts, counts.tolist(), strict=True) if n]


@attrs.frozen(eq=False)
class ScoreRows:
    """The long score table indexed once: id codes, numeric scores and the rows' places."""

    stage: IdColumn
    evaluator: IdColumn
    applicant: IdColumn
    criterion: IdColumn
    score: FloatArray
    locations: Locations

    def text(self, column: IdColumn, row: int) -> str:
        """The clean text of ``column`` at ``row``."""
        return column.texts[int(column.codes[row])]


def score_rows(scores: pd.DataFrame) -> ScoreRows:
    """The long score table with its ids coded, numeric scores and each row's place."""
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
    written = scores["where"].to_numpy(dtype=object) if "where" in scores.columns else None
    stage, evaluator, applicant, criterion = (IdColumn.of(scores[c]) for c in SCORE_COLUMNS[:4])
    return ScoreRows(
        stage=stage,
        evaluator=evaluator,
        applicant=applicant,
        criterion=criterion,
        score=pd.to_numeric(scores["score"], errors="coerce").to_numpy(np.float64),
        locations=Locations(written),
    )


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
    table: ScoreRows,
    members: IntArray,
    ids: Sequence[str],
    panel_ids: Sequence[str],
    evaluators: Sequence[Evaluator],
    problems: list[Problem],
) -> IntArray:
    """Each of the stage's rows' (applicant, seat, criterion) index, ``-1`` where it has no
    place (every such row reported). ``members`` are the rows' positions in the table."""
    index = np.stack(
        [
            table.applicant.index_in(ids, members),
            table.evaluator.index_in(panel_ids, members),
            table.criterion.index_in(stage.criterion_ids, members),
        ]
    )
    lost = np.flatnonzero((index < 0).any(axis=0))
    for row, at in zip(lost.tolist(), table.locations.of(members[lost]).tolist(), strict=True):
        kind = int(np.argmax(index[:, row] < 0))
        position = int(members[row])
        record = (
            table.text(table.applicant, position),
            table.text(table.evaluator, position),
            table.text(table.criterion, position),
            at,
        )
        problems.append(_placement_problem(stage, evaluators, record, kind))
    return index


def _repeats(
    flat: IntArray,
    placed: IntArray,
    members: IntArray,
    locations: Locations,
    problems: list[Problem],
) -> BoolArray:
    """Per placed row, whether an earlier row already scored its cell (each reported)."""
    repeat = np.zeros(placed.size, bool)
    if not flat.size or np.bincount(flat).max() <= 1:  # the usual case: no sort needed
        return repeat
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    starts = np.ones(order.size, bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    first = placed[order][np.maximum.accumulate(np.where(starts, np.arange(order.size), 0))]
    seconds = locations.of(members[placed[order][~starts]]).tolist()
    firsts = locations.of(members[first[~starts]]).tolist()
    for here, there in zip(seconds, firsts, strict=True):
        problems.append(
            Problem(
                here,
                f"a second score for the same cell (first at {there})",
                "keep one score per evaluator, applicant and criterion",
            )
        )
    repeat[order[~starts]] = True
    return repeat


def _value_problems(
    stage: Stage, values: FloatArray, criteria: IntArray, at: IntArray, locations: Locations
) -> Iterator[Problem]:
    """Placed scores outside the criterion's points, or off the stage's step; ``at`` are
    their rows in the score table."""
    maxima = np.array([c.max_points for c in stage.criteria])
    bad = ~np.isnan(values) & ((values < 0) | (values > maxima[criteria]))
    rows = np.flatnonzero(bad)
    for row, where in zip(rows.tolist(), locations.of(at[rows]).tolist(), strict=True):
        criterion = stage.criteria[int(criteria[row])]
        yield Problem(
            where,
            f"{values[row]:g} is outside 0–{criterion.max_points:g} ({criterion.id})",
            f"write a score from 0 to {criterion.max_points:g}",
        )
    rows = np.flatnonzero(off_step(values, stage.step) & ~bad)
    for row, where in zip(rows.tolist(), locations.of(at[rows]).tolist(), strict=True):
        yield Problem(
            where,
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
    table: ScoreRows,
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
    members = table.stage.rows_of(stage.id)
    index = _placed(stage, table, members, ids, panel_ids, evaluators, problems)
    placed = np.flatnonzero((index >= 0).all(axis=0))
    flat = np.ravel_multi_index(tuple(index[:, placed]), shape) if placed.size else placed
    repeat = _repeats(flat, placed, members, table.locations, problems)
    values = table.score[members]
    problems.extend(
        _value_problems(stage, values[placed], index[2, placed], members[placed], table.locations)
    )
    keep = placed[~repeat]
    cube = np.full(shape, np.nan)
    cube.flat[flat[~repeat]] = values[keep]
    rows = np.full(shape, -1, np.int64)
    rows.flat[flat[~repeat]] = members[keep]
    return StageCube(
        stage=stage,
        evaluator_ids=tuple(panel_ids),
        external=np.array([x.external for x in panel], dtype=bool),
        scores=cube,
        recused=_recused(stage, ids, panel_ids, recusals),
        rows=rows,
        locations=table.locations,
    )
