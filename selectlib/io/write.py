"""Writing tables: CSV for spreadsheets, xlsx and JSON, chosen by format from one registry.

Every writer stores data, never something a program would run: xlsx cells are text or
numbers (never formulas) and CSV cells that a spreadsheet would read as a formula get a
leading ``'`` (see :mod:`selectlib.io.safe`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from selectlib.errors import InputError
from selectlib.io.safe import csv_frame, put_cell

__all__ = ["WRITE_FORMATS", "format_of", "json_text", "write_table"]


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    csv_frame(frame).to_csv(path, index=False, encoding="utf-8-sig")


def _blank(value: Any) -> bool:
    """Whether a cell has no value (None, NaN, NA, NaT): left empty in a workbook."""
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array in a cell is a value
        return False


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """Every cell a value, never a formula; control characters written as U+FFFD."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for column, name in enumerate(frame.columns, start=1):
        put_cell(sheet, 1, column, str(name))
    for row, values in enumerate(frame.itertuples(index=False, name=None), start=2):
        for column, value in enumerate(values, start=1):
            if _blank(value):
                continue
            put_cell(sheet, row, column, value.item() if isinstance(value, np.generic) else value)
    book.save(path)


def json_text(frame: pd.DataFrame) -> str:
    """``frame`` as an indented JSON list of records; missing values are null, Korean stays."""
    # pandas turns NA, numpy scalars and dates into JSON; json.dumps keeps it readable
    records = json.loads(frame.to_json(orient="records", force_ascii=False, date_format="iso"))
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def _write_json(frame: pd.DataFrame, path: Path) -> None:
    path.write_text(json_text(frame), encoding="utf-8")


_WRITERS: Final[Mapping[str, Callable[[pd.DataFrame, Path], None]]] = {
    "csv": _write_csv,
    "xlsx": _write_xlsx,
    "json": _write_json,
}
WRITE_FORMATS: Final = tuple(_WRITERS)


def format_of(path: str | Path) -> str:
    """The output format a file name asks for (``csv``, ``xlsx`` or ``json``)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in _WRITERS:
        raise InputError(
            f"cannot tell the output format from {Path(path).name!r}: "
            f"name it .{', .'.join(WRITE_FORMATS)} or give the format explicitly",
            file=str(path),
        )
    return suffix


def write_table(frame: pd.DataFrame, path: str | Path, format: str | None = None) -> None:
    """Write ``frame`` (without its index) as csv, xlsx or json; default from the extension.

    CSV is UTF-8 with a byte-order mark so that Excel shows Korean correctly; JSON is a
    list of records with Korean kept as is.
    """
    chosen = format or format_of(path)
    writer = _WRITERS.get(chosen)
    if writer is None:
        raise InputError(f"unknown output format {chosen!r}; use {', '.join(WRITE_FORMATS)}")
    target = Path(path)
    if not target.parent.is_dir():
        raise InputError(
            f"cannot write: the folder {str(target.parent)!r} does not exist; create it first",
            file=str(target),
        )
    writer(frame, target)
