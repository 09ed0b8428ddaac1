"""Reading filled score sheets back: every score, or every problem with its file and cell.

:func:`read_scores` turns the workbooks of :func:`~selectlib.scoring.write_sheets` and
long tables (CSV or Excel) into the long format the pipeline reads: the cells come from
:mod:`.entries`, and every one is checked here (a number, in range, on the step, naming
a known stage, evaluator, applicant and criterion, given once).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from selectlib.errors import Problem
from selectlib.profile.evaluation import EvaluationSpec, ScoreCriterion
from selectlib.scoring.entries import Cell, Entry, csv_entries, score_files, xlsx_entries
from selectlib.scoring.errors import EvaluationInputError
from selectlib.scoring.exact import off_step
from selectlib.scoring.inputs import text_cell
from selectlib.scoring.sheets import (
    ID_COLUMNS,
    LONG_COLUMNS,
    points_text,
)

__all__ = ["read_scores"]


_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def _number(value: Any) -> float | str:
    """The number in a score cell (NaN when blank), or why it is not one."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return math.nan
    if isinstance(value, bool):
        return f"{value} is a true/false value, not a score"
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        return f"{value} (a {type(value).__name__}) is not a number"
    text = value.strip()
    if not text:
        return math.nan
    if _NUMBER.fullmatch(text):
        return float(text)
    if text.startswith("="):
        return f"the formula {text!r} is not a score"
    if _NUMBER.fullmatch(unicodedata.normalize("NFKC", text)):
        return f"{text!r} is written with full-width characters"
    return f"{text!r} is not a number"


def _score(cell: Cell, place: tuple[ScoreCriterion, float] | None) -> float | Problem:
    """The score of a cell, checked against the criterion's range and the stage's step
    when they are known (``place`` is the criterion and the step)."""
    if place is None:
        hint = "write a number from 0 to the criterion's points"
        criterion, step = None, None
    else:
        criterion, step = place
        top = points_text(criterion.max_points)
        hint = f"write a number from 0 to {top} in steps of {points_text(step)}"
    number = _number(cell.value)
    if isinstance(number, str):
        return Problem(cell.where, number, hint)
    if criterion is None or step is None or math.isnan(number):  # a blank is no score
        return number
    if number < 0 or number > criterion.max_points:
        message = f"{number:g} is outside 0–{points_text(criterion.max_points)} ({criterion.id})"
        return Problem(cell.where, message, hint)
    if bool(off_step(number, step)):
        message = f"{number!r} is not a whole number of steps of {points_text(step)}"
        return Problem(cell.where, message, hint)
    return number


def _id_problems(
    entry: Entry,
    spec: EvaluationSpec,
    applicants: Collection[str] | None,
    evaluators: Collection[str] | None,
) -> Iterator[Problem]:
    for cell, column in zip(entry.ids, ID_COLUMNS, strict=True):
        if not text_cell(cell.value):
            yield Problem(cell.where, f"no {column}", f"write the {column}")
    stage_id, evaluator_id, applicant_id, criterion_id = entry.key
    if stage_id and stage_id not in spec.stage_ids:
        yield Problem(
            entry.stage.where, f"unknown stage {stage_id!r}", f"use {', '.join(spec.stage_ids)}"
        )
    elif stage_id and criterion_id and criterion_id not in spec.stage(stage_id).criterion_ids:
        yield Problem(
            entry.criterion.where,
            f"stage {stage_id!r} has no criterion {criterion_id!r}",
            f"use {', '.join(spec.stage(stage_id).criterion_ids)}",
        )
    if applicants is not None and applicant_id and applicant_id not in applicants:
        yield Problem(
            entry.applicant.where,
            f"unknown applicant {applicant_id!r}",
            "check the id against the applicants table",
        )
    if evaluators is not None and evaluator_id and evaluator_id not in evaluators:
        yield Problem(
            entry.evaluator.where,
            f"unknown evaluator {evaluator_id!r}",
            "check the id against the evaluators table",
        )


def _place(
    spec: EvaluationSpec, stage_id: str, criterion_id: str
) -> tuple[ScoreCriterion, float] | None:
    """The criterion and the stage's step of a score, if both are known."""
    if stage_id not in spec.stage_ids:
        return None
    stage = spec.stage(stage_id)
    criterion = next((c for c in stage.criteria if c.id == criterion_id), None)
    return None if criterion is None else (criterion, stage.step)


def _check(
    entry: Entry,
    spec: EvaluationSpec,
    applicants: Collection[str] | None,
    evaluators: Collection[str] | None,
    problems: list[Problem],
) -> float | None:
    """The entry's score, or None after adding its problems to ``problems``."""
    found = list(_id_problems(entry, spec, applicants, evaluators))
    stage_id, _, _, criterion_id = entry.key
    score = _score(entry.score, _place(spec, stage_id, criterion_id))
    problems += found
    if isinstance(score, Problem):
        problems.append(score)
        return None
    return None if found else score


def _unique(
    entries: Sequence[Entry], scores: Sequence[float], problems: list[Problem]
) -> list[int]:
    """One entry per key, in reading order: a blank gives way to a number, two numbers clash.

    A blank template next to filled sheets is thus no conflict; the same score twice is.
    """
    kept: dict[tuple[str, ...], int] = {}
    for index, entry in enumerate(entries):
        first = kept.setdefault(entry.key, index)
        if first == index or math.isnan(scores[index]):
            continue
        if math.isnan(scores[first]):
            kept[entry.key] = index
            continue
        stage, evaluator, applicant, criterion = entry.key
        problems.append(
            Problem(
                entry.where,
                f"{evaluator}'s score of {applicant} for {stage}.{criterion} is given twice"
                f" (also at {entries[first].where})",
                "keep one of the two scores and clear the other",
            )
        )
    return sorted(kept.values())


_CELL = re.compile(r"(.*), cell ([A-Z]+)([0-9]+)$")


def _score_cells(entries: Sequence[Entry]) -> str:
    """Where a file's scores go: ``C6:G16 on sheet 점수표`` or ``column score``."""
    found = [m for e in entries if (m := _CELL.fullmatch(e.score.where))]
    if len(found) < len(entries) or not found:
        return "column score"
    columns = sorted({m[2] for m in found}, key=lambda c: (len(c), c))
    rows = sorted(int(m[3]) for m in found)
    sheet = found[0][1].rpartition(", ")[2]
    return f"{columns[0]}{rows[0]}:{columns[-1]}{rows[-1]} on {sheet}"


def _all_empty(files: Sequence[Sequence[Entry]]) -> Problem | None:
    """One problem when every score file read has no score at all (blank sheets sent back
    as they were written), instead of a missing score for each of their cells later."""
    if not files or any(text_cell(e.score.value) for f in files for e in f):
        return None
    places = sorted({_score_cells(f) for f in files})
    names = sorted({f[0].where.split(",")[0] for f in files})
    count = len(files)
    return Problem(
        ", ".join(names) if len(names) <= 3 else f"{names[0]} … {names[-1]}",
        f"all {count} score sheets are empty" if count > 1 else "the score sheet is empty",
        f"fill in the score cells ({'; '.join(places)}) and save",
    )


def read_scores(
    sources: str | Path | Sequence[str | Path],
    spec: EvaluationSpec,
    *,
    applicants: Collection[str] | None = None,
    evaluators: Collection[str] | None = None,
) -> pd.DataFrame:
    """Read score sheets and long score tables into one long table, checking every cell.

    ``sources`` are files (.xlsx score sheets from :func:`write_sheets`, or long tables
    as .csv or .xlsx) or folders of them, read in name order; Excel lock files (``~$``)
    are skipped. Ids are checked against ``applicants`` and ``evaluators`` when given.
    Blank cells come back as NaN: whether a blank is missing is for the pipeline to say.

    Returns columns stage, evaluator_id, applicant_id, criterion, score (float) and
    where (the file and cell or row). Raises :class:`EvaluationInputError` listing
    every problem found.
    """
    problems: list[Problem] = []
    entries: list[Entry] = []
    files: list[list[Entry]] = []
    for path in score_files(sources, problems):
        if path.suffix.lower() == ".csv":
            files.append(csv_entries(path, problems))
        else:
            files.append(xlsx_entries(path, spec, problems))
        entries += files[-1]
    if not problems and (empty := _all_empty([f for f in files if f])) is not None:
        raise EvaluationInputError([empty])
    checked = [_check(e, spec, applicants, evaluators, problems) for e in entries]
    valid = [(e, s) for e, s in zip(entries, checked, strict=True) if s is not None]
    kept = [valid[i] for i in _unique([e for e, _ in valid], [s for _, s in valid], problems)]
    if problems:
        raise EvaluationInputError(list(dict.fromkeys(problems)))
    records = [(*entry.key, score, entry.where) for entry, score in kept]
    return pd.DataFrame(records, columns=[*LONG_COLUMNS, "where"]).astype({"score": "float64"})
