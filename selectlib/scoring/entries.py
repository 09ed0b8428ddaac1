"""Where scores come from: the cells of score sheets and long tables, each with its place.

A workbook from :func:`~selectlib.scoring.write_sheets` is read by the layout in its
hidden sheet ``_selectlib``, never by text an evaluator can edit; the visible header row
is compared with it to catch columns that were moved or renamed. A long table (CSV or
Excel) is read by its column names. What the cells say is checked in :mod:`.readback`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from selectlib.errors import InputError, Problem
from selectlib.io.tables import read_csv
from selectlib.profile.evaluation import EvaluationSpec
from selectlib.scoring.inputs import text_cell
from selectlib.scoring.sheets import (
    FORMAT,
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


def _long_xlsx_entries(sheet: Any, name: str, problems: list[Problem]) -> list[Entry]:
    rows = sheet.iter_rows()
    columns = [text_cell(cell.value).lower() for cell in next(rows, ())]
    at = f"{name}, sheet {sheet.title}, cell "

    def located(row: Sequence[Any]) -> tuple[str, dict[str, Cell]]:
        cells = {
            c: Cell(cell.value, at + cell.coordinate) for c, cell in zip(columns, row, strict=True)
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


def _header_problems(sheet: Any, layout: Layout, spec: EvaluationSpec, at: str) -> list[Problem]:
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
                Problem(
                    f"{at}row {layout.header_row}",
                    f"no column for criterion {', '.join(missing)} of stage {layout.stage!r}",
                    "generate the sheets again from the current profile",
                )
            )
    problems += [
        Problem(
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
    sheet: Any, layout: Layout, at: str, ids: tuple[Cell, Cell], problems: list[Problem]
) -> Iterator[Entry]:
    """The entries of a score sheet's rows; ``ids`` are the stage and evaluator cells."""
    seen: dict[str, str] = {}
    for row in range(layout.first_row, sheet.max_row + 1):
        id_cell = sheet[f"{layout.id_column}{row}"]
        scores = [sheet[f"{column}{row}"] for _, column in layout.criteria]
        applicant = Cell(text_cell(id_cell.value), f"{at}cell {id_cell.coordinate}")
        if not applicant.value:
            if any(text_cell(c.value) for c in scores):
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
        seen[applicant.value] = id_cell.coordinate
        for (criterion, column), cell in zip(layout.criteria, scores, strict=True):
            where = f"{at}cell {cell.coordinate}"
            header = Cell(criterion, f"{at}cell {column}{layout.header_row}")
            yield Entry(*ids, applicant, header, Cell(cell.value, where), where)


def _sheet_entries(
    book: Any, name: str, spec: EvaluationSpec, problems: list[Problem]
) -> list[Entry]:
    """The entries of a score sheet written by :func:`write_sheets`."""
    cells = {text_cell(row[0].value): row[1:] for row in book[META].iter_rows() if row}
    meta = {
        key: [text_cell(c.value) for c in row if text_cell(c.value)] for key, row in cells.items()
    }
    try:
        layout = _layout(meta)
    except (KeyError, IndexError, ValueError):
        problems.append(
            Problem(
                f"{name}, sheet {META}",
                "the hidden sheet that describes the layout is damaged",
                "generate the sheet again with selectlib and copy the scores into it",
            )
        )
        return []
    if layout.sheet not in book.sheetnames:
        problems.append(Problem(name, f"no sheet {layout.sheet!r}", "rename the sheet back"))
        return []
    sheet = book[layout.sheet]
    at = f"{name}, sheet {layout.sheet}, "
    header = _header_problems(sheet, layout, spec, at)
    problems += header
    if header:
        return []

    def located(key: str) -> Cell:
        cell = cells[key][0]
        return Cell(cell.value, f"{name}, sheet {META}, cell {cell.coordinate}")

    ids = (located("stage"), located("evaluator_id"))
    return list(_sheet_rows(sheet, layout, at, ids, problems))


def xlsx_entries(path: Path, spec: EvaluationSpec, problems: list[Problem]) -> list[Entry]:
    """A score sheet (it has the hidden sheet) or else a long table on the first sheet."""
    try:
        book = openpyxl.load_workbook(path)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        problems.append(
            Problem(
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
