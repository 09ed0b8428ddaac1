"""The hidden layout sheet of a score workbook, read back and checked key by key.

:func:`~selectlib.scoring.write_sheets` stores a workbook's layout in the hidden sheet
``_selectlib``: one row per key, the key in column A and its values from column B. An
evaluator can unhide and edit it, so every key is checked before it is used to find a
cell: a row missing, a value of the wrong kind, a row or column past the limits of a
score sheet. Each problem names the row of the hidden sheet.
"""

from __future__ import annotations

import re
from typing import Final

import attrs
from openpyxl.utils import column_index_from_string, get_column_letter

from selectlib.errors import Problem
from selectlib.io.limits import MAX_SCORE_SHEET_COLUMNS, MAX_SCORE_SHEET_ROWS
from selectlib.io.xlsx import Sheet
from selectlib.scoring.inputs import text_cell
from selectlib.scoring.sheets import FORMAT, META, Layout

__all__ = ["Stored", "read_layout"]

REMAKE: Final = (
    "the hidden sheet _selectlib was changed or damaged: generate the sheet again with "
    "selectlib and copy the scores into it"
)
_LETTERS: Final = re.compile(r"[A-Z]{1,3}")


@attrs.frozen
class Stored:
    """The layout read from the hidden sheet, and where its stage and evaluator are stored."""

    layout: Layout
    stage_at: str
    """The place (file, sheet, cell) of the stage id."""
    evaluator_at: str
    """The place of the evaluator id."""


@attrs.define
class _Keys:
    """The hidden sheet's rows by key, and the problems found while reading them.

    A key's row is its number and its non-empty values, each with its cell (``"B5"``).
    """

    at: str
    rows: dict[str, tuple[int, list[tuple[str, str]]]]
    problems: list[Problem] = attrs.field(factory=list)

    def values(self, key: str, *, many: bool = False) -> list[tuple[str, str]]:
        """The (value, cell) pairs of a key; a problem if absent, empty, or repeated."""
        if key not in self.rows:
            self.problems.append(Problem(self.at, f"no row {key!r}", REMAKE))
            return []
        number, values = self.rows[key]
        if not values or (len(values) > 1 and not many):
            found = "no value" if not values else f"{len(values)} values"
            self.problems.append(Problem(f"{self.at}, row {number}", f"{key}: {found}", REMAKE))
            return []
        return values

    def text(self, key: str) -> tuple[str, str] | None:
        values = self.values(key)
        return values[0] if values else None

    def number(self, key: str, low: int) -> int | None:
        """A row number from ``low`` to :data:`MAX_SCORE_SHEET_ROWS`."""
        found = self.text(key)
        if found is None:
            return None
        text, cell = found
        if not text.isascii() or not text.isdigit():
            self.bad(cell, f"{key} is {text!r}, not a row number")
            return None
        top = MAX_SCORE_SHEET_ROWS
        if len(text) > len(str(top)) or not low <= int(text) <= top:
            message = f"{key} is {text}, not a row from {low} to {top:,} (MAX_SCORE_SHEET_ROWS)"
            self.bad(cell, message)
            return None
        return int(text)

    def column(self, text: str, cell: str, key: str) -> str | None:
        """``text`` if it is a column letter within :data:`MAX_SCORE_SHEET_COLUMNS`."""
        if _LETTERS.fullmatch(text) and column_index_from_string(text) <= MAX_SCORE_SHEET_COLUMNS:
            return text
        self.bad(cell, f"{key}: {text!r} is not a column of a score sheet (A to AX)")
        return None

    def bad(self, cell: str, message: str) -> None:
        self.problems.append(Problem(f"{self.at}, cell {cell}", message, REMAKE))


def _keys(meta: Sheet, at: str) -> _Keys:
    """The rows of the hidden sheet by the key in column A (the first row of a key counts)."""
    rows: dict[str, tuple[int, list[tuple[str, str]]]] = {}
    for number, values in meta.rows.items():
        key = text_cell(values[0])
        cells = [
            (text, f"{get_column_letter(column)}{number}")
            for column, value in enumerate(values[1:], start=2)
            if (text := text_cell(value))
        ]
        rows.setdefault(key, (number, cells))
    return _Keys(at, rows)


def _criteria(keys: _Keys, id_column: str | None) -> tuple[tuple[str, str], ...]:
    """(criterion id, column letter) pairs: one column each, all different, not the id's."""
    ids = keys.values("criteria", many=True)
    columns = keys.values("columns", many=True)
    if not ids or not columns:
        return ()
    if len(ids) != len(columns):
        number = keys.rows["columns"][0]
        message = f"{len(ids)} criteria but {len(columns)} columns"
        keys.problems.append(Problem(f"{keys.at}, row {number}", message, REMAKE))
        return ()
    letters = [keys.column(text, cell, "columns") for text, cell in columns]
    seen = {id_column}
    for (_, cell), letter in zip(columns, letters, strict=True):
        if letter in seen and letter is not None:
            keys.bad(cell, f"columns: {letter} is used twice")
        seen.add(letter)
    if keys.problems or None in letters:
        return ()
    return tuple((c, str(letter)) for (c, _), letter in zip(ids, letters, strict=True))


def read_layout(meta: Sheet, name: str) -> Stored | list[Problem]:
    """The layout stored in a score workbook's hidden sheet, or every problem with it."""
    keys = _keys(meta, f"{name}, sheet {META}")
    form = keys.text("format")
    if form is not None and form[0] != FORMAT:
        keys.bad(form[1], f"format is {form[0]!r}, not {FORMAT!r}")
    if keys.problems:
        return keys.problems
    sheet, stage, evaluator = keys.text("sheet"), keys.text("stage"), keys.text("evaluator_id")
    header_row = keys.number("header_row", 1)
    first_row = keys.number("first_row", (header_row or 0) + 1)
    id_text = keys.text("id_column")
    id_column = keys.column(*id_text, "id_column") if id_text else None
    criteria = _criteria(keys, id_column)
    if (
        keys.problems
        or sheet is None
        or stage is None
        or evaluator is None
        or header_row is None
        or first_row is None
        or id_column is None
    ):
        return keys.problems
    at = f"{name}, sheet {META}, cell "
    layout = Layout(stage[0], evaluator[0], criteria, sheet[0], header_row, first_row, id_column)
    return Stored(layout, at + stage[1], at + evaluator[1])
