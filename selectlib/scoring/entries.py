"""Where scores come from: the cells of score sheets and long tables, each with its place.

A workbook from :func:`~selectlib.scoring.write_sheets` is read by the layout in its
hidden sheet ``_selectlib``, never by text an evaluator can edit; the visible header row
is compared with it to catch columns that were moved or renamed. A long table (CSV or
Excel) is read by its column names. What the cells say is checked in :mod:`.readback`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import attrs
from openpyxl.utils import column_index_from_string, get_column_letter

from selectlib.errors import InputError, Problem
from selectlib.io.limits import MAX_SCORE_SHEET_COLUMNS, MAX_SCORE_SHEET_ROWS
from selectlib.io.tables import read_csv
from selectlib.io.xlsx import Bound, Bounds, Sheet, read_sheets
from selectlib.profile.evaluation import EvaluationSpec
from selectlib.scoring.inputs import text_cell
from selectlib.scoring.layout import read_layout
from selectlib.scoring.sheets import (
    ID_HEADER,
    LONG_COLUMNS,
    META,
    SHEET,
    SUFFIXES,
    Layout,
    criterion_header,
)

__all__ = ["Cell", "Entry", "csv_entries", "score_files", "xlsx_entries"]


@attrs.frozen
class Cell:
    """A value read from a file and where it came from, for messages."""

    value: Any
    where: str


@attrs.frozen
class Entry:
    """One score as read: the cells naming it, the score cell, and its location."""

    stage: Cell
    evaluator: Cell
    applicant: Cell
    criterion: Cell
    score: Cell
    where: str

    @property
    def ids(self) -> tuple[Cell, Cell, Cell, Cell]:
        """The four cells that name the score, in :data:`ID_COLUMNS` order."""
        return self.stage, self.evaluator, self.applicant, self.criterion

    @property
    def key(self) -> tuple[str, ...]:
        """(stage, evaluator, applicant, criterion): what may be scored only once."""
        return tuple(text_cell(cell.value) for cell in self.ids)


def _long_entries(
    name: str,
    columns: Sequence[str],
    rows: Iterable[tuple[str, dict[str, Cell]]],
    problems: list[Problem],
) -> list[Entry]:
    """The entries of a long table: one score per row, blank rows skipped."""
    missing = [c for c in LONG_COLUMNS if c not in columns]
    if missing:
        problems.append(
            Problem(
                name,
                f"no column {', '.join(missing)}",
                f"a score table has the columns {', '.join(LONG_COLUMNS)}",
            )
        )
        return []
    return [
        Entry(
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


def csv_entries(path: Path, problems: list[Problem]) -> list[Entry]:
    name = path.name
    try:
        frame = read_csv(path)
    except InputError as exc:
        problems.append(Problem(name, exc.reason))
        return []
    columns = [str(c).strip().lower() for c in frame.columns]
    rows = (
        (
            f"{name}, row {n}",
            {
                c: Cell(text_cell(v), f"{name}, row {n}, column {c}")
                for c, v in zip(columns, row, strict=True)
            },
        )
        for n, row in enumerate(frame.itertuples(index=False, name=None), start=2)
    )
    return _long_entries(name, columns, rows, problems)


def _long_xlsx_entries(sheet: Sheet, name: str, problems: list[Problem]) -> list[Entry]:
    """A long table on a sheet: its first row holding a value names the columns."""
    (_, header), *rows = sheet.rows.items() or [(0, ())]
    columns = [text_cell(value).lower() for value in header]
    at = f"{name}, sheet {sheet.title}, cell "

    def located(number: int) -> tuple[str, dict[str, Cell]]:
        cells = {
            c: Cell(sheet.value(number, i), f"{at}{get_column_letter(i)}{number}")
            for i, c in enumerate(columns, start=1)
        }
        return cells["score"].where, cells

    return _long_entries(name, columns, (located(number) for number, _ in rows), problems)


def _header_problems(sheet: Sheet, layout: Layout, spec: EvaluationSpec, at: str) -> list[Problem]:
    """Problems with the header row: it must still read what was written for these criteria."""
    expected = [(layout.id_column, ID_HEADER)]
    problems = []
    if layout.stage in spec.stage_ids:
        criteria = {c.id: c for c in spec.stage(layout.stage).criteria}
        expected += [
            (column, criterion_header(criteria[c]))
            for c, column in layout.criteria
            if c in criteria
        ]
        missing = [c for c in criteria if c not in dict(layout.criteria)]
        if missing:
            problems.append(
                Problem(
                    f"{at}row {layout.header_row}",
                    f"no column for criterion {', '.join(missing)} of stage {layout.stage!r}",
                    "generate the sheets again from the current profile",
                )
            )
    row = layout.header_row
    problems += [
        Problem(
            f"{at}cell {column}{row}",
            f"the header reads {found!r} instead of {text!r}: a column was moved or renamed,"
            " or the profile changed since the sheet was made",
            "undo the change to the header row, or generate the sheets again",
        )
        for column, text in expected
        if (found := text_cell(sheet.value(row, column_index_from_string(column)))) != text
    ]
    return problems


def _sheet_rows(
    sheet: Sheet, layout: Layout, at: str, ids: tuple[Cell, Cell], problems: list[Problem]
) -> Iterator[Entry]:
    """The entries of a score sheet's rows; ``ids`` are the stage and evaluator cells."""
    seen: dict[str, str] = {}
    id_column = column_index_from_string(layout.id_column)
    columns = [column_index_from_string(column) for _, column in layout.criteria]
    for row in (number for number in sheet.rows if number >= layout.first_row):
        id_at = f"{layout.id_column}{row}"
        applicant = Cell(text_cell(sheet.value(row, id_column)), f"{at}cell {id_at}")
        scores = [sheet.value(row, column) for column in columns]
        if not applicant.value:
            if any(text_cell(value) for value in scores):
                problems.append(
                    Problem(applicant.where, "scores without an applicant id", "restore it")
                )
            continue
        if applicant.value in seen:
            problems.append(
                Problem(
                    applicant.where,
                    f"applicant {applicant.value!r} is listed twice"
                    f" (also in cell {seen[applicant.value]})",
                    "keep one row per applicant",
                )
            )
            continue
        seen[applicant.value] = id_at
        for (criterion, column), value in zip(layout.criteria, scores, strict=True):
            where = f"{at}cell {column}{row}"
            header = Cell(criterion, f"{at}cell {column}{layout.header_row}")
            yield Entry(*ids, applicant, header, Cell(value, where), where)


def _sheet_entries(
    sheets: dict[str, Sheet], name: str, spec: EvaluationSpec, problems: list[Problem]
) -> list[Entry]:
    """The entries of a score sheet written by :func:`write_sheets`."""
    stored = read_layout(sheets[META], name)
    if isinstance(stored, list):
        problems += stored
        return []
    layout = stored.layout
    if layout.sheet not in sheets or layout.sheet == META:
        problems.append(Problem(name, f"no sheet {layout.sheet!r}", "rename the sheet back"))
        return []
    sheet = sheets[layout.sheet]
    at = f"{name}, sheet {layout.sheet}, "
    header = _header_problems(sheet, layout, spec, at)
    problems += header
    if header:
        return []
    ids = (Cell(layout.stage, stored.stage_at), Cell(layout.evaluator_id, stored.evaluator_at))
    return list(_sheet_rows(sheet, layout, at, ids, problems))


SCORE_BOUNDS: Final = Bounds(
    Bound("MAX_SCORE_SHEET_ROWS", MAX_SCORE_SHEET_ROWS),
    Bound("MAX_SCORE_SHEET_COLUMNS", MAX_SCORE_SHEET_COLUMNS),
)
"""The bounds of every sheet of a score workbook (:mod:`selectlib.io.limits`)."""


def xlsx_entries(path: Path, spec: EvaluationSpec, problems: list[Problem]) -> list[Entry]:
    """A score sheet (it has the hidden sheet) or else a long table on the first sheet."""
    try:
        read = read_sheets(path, SCORE_BOUNDS, formulas=True)
    except InputError as exc:
        problems.append(Problem(path.name, exc.reason))
        return []
    sheets = {sheet.title: sheet for sheet in read}
    if META in sheets:
        return _sheet_entries(sheets, path.name, spec, problems)
    if not read:
        problems.append(Problem(path.name, "no worksheet", "put the scores on the first sheet"))
        return []
    first = read[0]
    header = {text_cell(value).lower() for value in next(iter(first.rows.values()), ())}
    if SHEET in sheets and not header >= set(LONG_COLUMNS):
        problems.append(
            Problem(
                path.name,
                f"a score sheet without its hidden sheet {META!r}, which says what each column is",
                "generate the sheet again with selectlib and copy the scores into it",
            )
        )
        return []
    return _long_xlsx_entries(first, path.name, problems)


def score_files(sources: str | Path | Sequence[str | Path], problems: list[Problem]) -> list[Path]:
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
                problems.append(Problem(str(item), "no .xlsx or .csv file in the folder"))
            paths += found
        elif not item.is_file():
            problems.append(Problem(str(item), "no such file or folder", "check the path"))
        elif item.suffix.lower() not in SUFFIXES:
            problems.append(Problem(str(item), "not a score file", "give .xlsx or .csv files"))
        else:
            paths.append(item)
    return paths
