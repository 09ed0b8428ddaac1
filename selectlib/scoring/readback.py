"""Reading filled score sheets back: every score, or every problem with its file and cell.

:func:`read_scores` turns the workbooks of :func:`~selectlib.scoring.write_sheets` and
long tables (CSV or Excel) into the long format the pipeline reads. A workbook's layout
comes from its hidden sheet ``_selectlib``, never from text an evaluator can edit; the
visible header row is compared with it to catch columns that were moved or renamed.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zipfile
from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import pandas as pd
from openpyxl.utils.exceptions import InvalidFileException

from selectlib.errors import InputError
from selectlib.io.tables import read_csv
from selectlib.profile.evaluation import EvaluationSpec, ScoreCriterion
from selectlib.scoring.errors import EvaluationInputError, InputProblem
from selectlib.scoring.exact import off_step
from selectlib.scoring.inputs import text_cell
from selectlib.scoring.sheets import (
    FORMAT,
    ID_COLUMNS,
    ID_HEADER,
    LONG_COLUMNS,
    META,
    SHEET,
    SUFFIXES,
    Layout,
    criterion_header,
    points_text,
)

__all__ = ["read_scores"]


@attrs.frozen
class _Cell:
    """A value read from a file and where it came from, for messages."""

    value: Any
    where: str


@attrs.frozen
class _Entry:
    """One score as read: the cells naming it, the score cell, and its location."""

    stage: _Cell
    evaluator: _Cell
    applicant: _Cell
    criterion: _Cell
    score: _Cell
    where: str

    @property
    def ids(self) -> tuple[_Cell, _Cell, _Cell, _Cell]:
        """The four cells that name the score, in :data:`ID_COLUMNS` order."""
        return self.stage, self.evaluator, self.applicant, self.criterion

    @property
    def key(self) -> tuple[str, ...]:
        """(stage, evaluator, applicant, criterion): what may be scored only once."""
        return tuple(text_cell(cell.value) for cell in self.ids)


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


def _score(cell: _Cell, place: tuple[ScoreCriterion, float] | None) -> float | InputProblem:
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
        return InputProblem(cell.where, number, hint)
    if criterion is None or step is None or math.isnan(number):  # a blank is no score
        return number
    if number < 0 or number > criterion.max_points:
        message = f"{number:g} is outside 0–{points_text(criterion.max_points)} ({criterion.id})"
        return InputProblem(cell.where, message, hint)
    if bool(off_step(number, step)):
        message = f"{number!r} is not a whole number of steps of {points_text(step)}"
        return InputProblem(cell.where, message, hint)
    return number


def _id_problems(
    entry: _Entry,
    spec: EvaluationSpec,
    applicants: Collection[str] | None,
    evaluators: Collection[str] | None,
) -> Iterator[InputProblem]:
    for cell, column in zip(entry.ids, ID_COLUMNS, strict=True):
        if not text_cell(cell.value):
            yield InputProblem(cell.where, f"no {column}", f"write the {column}")
    stage_id, evaluator_id, applicant_id, criterion_id = entry.key
    if stage_id and stage_id not in spec.stage_ids:
        yield InputProblem(
            entry.stage.where, f"unknown stage {stage_id!r}", f"use {', '.join(spec.stage_ids)}"
        )
    elif stage_id and criterion_id and criterion_id not in spec.stage(stage_id).criterion_ids:
        yield InputProblem(
            entry.criterion.where,
            f"stage {stage_id!r} has no criterion {criterion_id!r}",
            f"use {', '.join(spec.stage(stage_id).criterion_ids)}",
        )
    if applicants is not None and applicant_id and applicant_id not in applicants:
        yield InputProblem(
            entry.applicant.where,
            f"unknown applicant {applicant_id!r}",
            "check the id against the applicants table",
        )
    if evaluators is not None and evaluator_id and evaluator_id not in evaluators:
        yield InputProblem(
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
    entry: _Entry,
    spec: EvaluationSpec,
    applicants: Collection[str] | None,
    evaluators: Collection[str] | None,
    problems: list[InputProblem],
) -> float | None:
    """The entry's score, or None after adding its problems to ``problems``."""
    found = list(_id_problems(entry, spec, applicants, evaluators))
    stage_id, _, _, criterion_id = entry.key
    score = _score(entry.score, _place(spec, stage_id, criterion_id))
    problems += found
    if isinstance(score, InputProblem):
        problems.append(score)
        return None
    return None if found else score


def _unique(
    entries: Sequence[_Entry], scores: Sequence[float], problems: list[InputProblem]
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
            InputProblem(
                entry.where,
                f"{evaluator}'s score of {applicant} for {stage}.{criterion} is given twice"
                f" (also at {entries[first].where})",
                "keep one of the two scores and clear the other",
            )
        )
    return sorted(kept.values())


def _long_entries(
    name: str,
    columns: Sequence[str],
    rows: Iterable[tuple[str, dict[str, _Cell]]],
    problems: list[InputProblem],
) -> list[_Entry]:
    """The entries of a long table: one score per row, blank rows skipped."""
    missing = [c for c in LONG_COLUMNS if c not in columns]
    if missing:
        problems.append(
            InputProblem(
                name,
                f"no column {', '.join(missing)}",
                f"a score table has the columns {', '.join(LONG_COLUMNS)}",
            )
        )
        return []
    return [
        _Entry(
            cells["stage"],
            cells["evaluator_id"],
            cells["applicant_id"],
            cells["criterion"],
            cells["score"],
            where,
        )
        for where, cells in rows
        if any(text_cell(cells[c].value) for c in LONG_COLUMNS)
    ]


def _csv_entries(path: Path, problems: list[InputProblem]) -> list[_Entry]:
    name = path.name
    try:
        frame = read_csv(path)
    except InputError as exc:
        problems.append(InputProblem(name, exc.reason))
        return []
    columns = [str(c).strip().lower() for c in frame.columns]
    rows = (
        (
            f"{name}, row {n}",
            {
                c: _Cell(text_cell(v), f"{name}, row {n}, column {c}")
                for c, v in zip(columns, row, strict=True)
            },
        )
        for n, row in enumerate(frame.itertuples(index=False, name=None), start=2)
    )
    return _long_entries(name, columns, rows, problems)


def _long_xlsx_entries(sheet: Any, name: str, problems: list[InputProblem]) -> list[_Entry]:
    rows = sheet.iter_rows()
    columns = [text_cell(cell.value).lower() for cell in next(rows, ())]
    at = f"{name}, sheet {sheet.title}, cell "

    def located(row: Sequence[Any]) -> tuple[str, dict[str, _Cell]]:
        cells = {
            c: _Cell(cell.value, at + cell.coordinate) for c, cell in zip(columns, row, strict=True)
        }
        return cells["score"].where, cells

    return _long_entries(name, columns, map(located, rows), problems)


def _layout(meta: dict[str, list[str]]) -> Layout:
    """The layout stored in the hidden sheet; KeyError, IndexError or ValueError if damaged."""
    if meta["format"] != [FORMAT]:
        raise ValueError(meta["format"])
    return Layout(
        stage=meta["stage"][0],
        evaluator_id=meta["evaluator_id"][0],
        criteria=tuple(zip(meta["criteria"], meta["columns"], strict=True)),
        sheet=meta["sheet"][0],
        header_row=int(meta["header_row"][0]),
        first_row=int(meta["first_row"][0]),
        id_column=meta["id_column"][0],
    )


def _header_problems(
    sheet: Any, layout: Layout, spec: EvaluationSpec, at: str
) -> list[InputProblem]:
    """Problems with the header row: it must still read what was written for these criteria."""
    expected = [(f"{layout.id_column}{layout.header_row}", ID_HEADER)]
    problems = []
    if layout.stage in spec.stage_ids:
        criteria = {c.id: c for c in spec.stage(layout.stage).criteria}
        expected += [
            (f"{column}{layout.header_row}", criterion_header(criteria[c]))
            for c, column in layout.criteria
            if c in criteria
        ]
        missing = [c for c in criteria if c not in dict(layout.criteria)]
        if missing:
            problems.append(
                InputProblem(
                    f"{at}row {layout.header_row}",
                    f"no column for criterion {', '.join(missing)} of stage {layout.stage!r}",
                    "generate the sheets again from the current profile",
                )
            )
    problems += [
        InputProblem(
            f"{at}cell {cell}",
            f"the header reads {found!r} instead of {text!r}: a column was moved or renamed,"
            " or the profile changed since the sheet was made",
            "undo the change to the header row, or generate the sheets again",
        )
        for cell, text in expected
        if (found := text_cell(sheet[cell].value)) != text
    ]
    return problems


def _sheet_rows(
    sheet: Any, layout: Layout, at: str, ids: tuple[_Cell, _Cell], problems: list[InputProblem]
) -> Iterator[_Entry]:
    """The entries of a score sheet's rows; ``ids`` are the stage and evaluator cells."""
    seen: dict[str, str] = {}
    for row in range(layout.first_row, sheet.max_row + 1):
        id_cell = sheet[f"{layout.id_column}{row}"]
        scores = [sheet[f"{column}{row}"] for _, column in layout.criteria]
        applicant = _Cell(text_cell(id_cell.value), f"{at}cell {id_cell.coordinate}")
        if not applicant.value:
            if any(text_cell(c.value) for c in scores):
                problems.append(
                    InputProblem(applicant.where, "scores without an applicant id", "restore it")
                )
            continue
        if applicant.value in seen:
            problems.append(
                InputProblem(
                    applicant.where,
                    f"applicant {applicant.value!r} is listed twice"
                    f" (also in cell {seen[applicant.value]})",
                    "keep one row per applicant",
                )
            )
            continue
        seen[applicant.value] = id_cell.coordinate
        for (criterion, column), cell in zip(layout.criteria, scores, strict=True):
            where = f"{at}cell {cell.coordinate}"
            header = _Cell(criterion, f"{at}cell {column}{layout.header_row}")
            yield _Entry(*ids, applicant, header, _Cell(cell.value, where), where)


def _sheet_entries(
    book: Any, name: str, spec: EvaluationSpec, problems: list[InputProblem]
) -> list[_Entry]:
    """The entries of a score sheet written by :func:`write_sheets`."""
    cells = {text_cell(row[0].value): row[1:] for row in book[META].iter_rows() if row}
    meta = {
        key: [text_cell(c.value) for c in row if text_cell(c.value)] for key, row in cells.items()
    }
    try:
        layout = _layout(meta)
    except (KeyError, IndexError, ValueError):
        problems.append(
            InputProblem(
                f"{name}, sheet {META}",
                "the hidden sheet that describes the layout is damaged",
                "generate the sheet again with selectlib and copy the scores into it",
            )
        )
        return []
    if layout.sheet not in book.sheetnames:
        problems.append(InputProblem(name, f"no sheet {layout.sheet!r}", "rename the sheet back"))
        return []
    sheet = book[layout.sheet]
    at = f"{name}, sheet {layout.sheet}, "
    header = _header_problems(sheet, layout, spec, at)
    problems += header
    if header:
        return []

    def located(key: str) -> _Cell:
        cell = cells[key][0]
        return _Cell(cell.value, f"{name}, sheet {META}, cell {cell.coordinate}")

    ids = (located("stage"), located("evaluator_id"))
    return list(_sheet_rows(sheet, layout, at, ids, problems))


def _xlsx_entries(path: Path, spec: EvaluationSpec, problems: list[InputProblem]) -> list[_Entry]:
    """A score sheet (it has the hidden sheet) or else a long table on the first sheet."""
    try:
        book = openpyxl.load_workbook(path)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        problems.append(
            InputProblem(
                path.name,
                f"not a readable .xlsx workbook ({exc})",
                "open it in Excel and save it as 'Excel Workbook (.xlsx)'",
            )
        )
        return []
    if META in book.sheetnames:
        return _sheet_entries(book, path.name, spec, problems)
    first = book.worksheets[0]
    header = {text_cell(cell.value).lower() for cell in next(first.iter_rows(max_row=1), ())}
    if SHEET in book.sheetnames and not header >= set(LONG_COLUMNS):
        problems.append(
            InputProblem(
                path.name,
                f"a score sheet without its hidden sheet {META!r}, which says what each column is",
                "generate the sheet again with selectlib and copy the scores into it",
            )
        )
        return []
    return _long_xlsx_entries(first, path.name, problems)


def _paths(sources: str | Path | Sequence[str | Path], problems: list[InputProblem]) -> list[Path]:
    """The files to read: the given files, and every .xlsx and .csv of the given folders."""
    given = [sources] if isinstance(sources, str | Path) else list(sources)
    paths: list[Path] = []
    for item in map(Path, given):
        if item.is_dir():
            found = sorted(
                p
                for p in item.iterdir()
                if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith("~$")
            )
            if not found:
                problems.append(InputProblem(str(item), "no .xlsx or .csv file in the folder"))
            paths += found
        elif not item.is_file():
            problems.append(InputProblem(str(item), "no such file or folder", "check the path"))
        elif item.suffix.lower() not in SUFFIXES:
            problems.append(InputProblem(str(item), "not a score file", "give .xlsx or .csv files"))
        else:
            paths.append(item)
    return paths


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
    problems: list[InputProblem] = []
    entries: list[_Entry] = []
    for path in _paths(sources, problems):
        if path.suffix.lower() == ".csv":
            entries += _csv_entries(path, problems)
        else:
            entries += _xlsx_entries(path, spec, problems)
    checked = [_check(e, spec, applicants, evaluators, problems) for e in entries]
    valid = [(e, s) for e, s in zip(entries, checked, strict=True) if s is not None]
    kept = [valid[i] for i in _unique([e for e, _ in valid], [s for _, s in valid], problems)]
    if problems:
        raise EvaluationInputError(list(dict.fromkeys(problems)))
    records = [(*entry.key, score, entry.where) for entry, score in kept]
    return pd.DataFrame(records, columns=[*LONG_COLUMNS, "where"]).astype({"score": "float64"})
