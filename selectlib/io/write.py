"""Writing tables: CSV for spreadsheets, xlsx, JSON and Parquet, chosen from one registry.

Every writer stores data, never something a program would run: xlsx cells are text or
numbers (never formulas) and CSV cells that a spreadsheet would read as a formula get a
leading ``'`` unless raw CSV is asked for (see :mod:`selectlib.io.safe`). Files are
written through :mod:`selectlib.io.files`: never over an input or an existing file
unless asked, never half a file, the same bytes for the same table.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from selectlib.eligibility.audit import without_audit
from selectlib.errors import InputError, OutputError
from selectlib.io.files import check_output, save_xlsx, write_file
from selectlib.io.safe import csv_frame, put_cell

__all__ = [
    "TABLE_WRITERS",
    "WRITE_FORMATS",
    "Writer",
    "blank_cell",
    "format_of",
    "json_text",
    "write_table",
]


Writer = Callable[[pd.DataFrame, Path, bool], None]
"""Writes a table to a (temporary) path; the flag asks for formula-guarded CSV cells."""


def _write_csv(frame: pd.DataFrame, path: Path, guard: bool) -> None:
    (csv_frame(frame) if guard else frame).to_csv(path, index=False, encoding="utf-8-sig")


def blank_cell(value: Any) -> bool:
    """Whether a cell has no value (None, NaN, NA, NaT): left empty in a workbook."""
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array in a cell is a value
        return False


def _write_xlsx(frame: pd.DataFrame, path: Path, guard: bool) -> None:
    """Every cell a value, never a formula; control characters written as U+FFFD."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for column, name in enumerate(frame.columns, start=1):
        put_cell(sheet, 1, column, str(name))
    for row, values in enumerate(frame.itertuples(index=False, name=None), start=2):
        for column, value in enumerate(values, start=1):
            if blank_cell(value):
                continue
            put_cell(sheet, row, column, value.item() if isinstance(value, np.generic) else value)
    save_xlsx(book, path)


def json_text(frame: pd.DataFrame) -> str:
    """``frame`` as an indented JSON list of records; missing values are null, Korean stays."""
    # pandas turns NA, numpy scalars and dates into JSON; json.dumps keeps it readable
    records = json.loads(frame.to_json(orient="records", force_ascii=False, date_format="iso"))
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def _write_json(frame: pd.DataFrame, path: Path, guard: bool) -> None:
    path.write_text(json_text(frame), encoding="utf-8")


def _write_parquet(frame: pd.DataFrame, path: Path, guard: bool) -> None:
    import pyarrow as pa

    try:
        without_audit(frame).to_parquet(path, index=False)
    except (pa.ArrowException, TypeError, ValueError) as exc:
        raise OutputError(
            f"this table cannot be stored as Parquet ({exc}); write csv, json or xlsx instead",
            file=str(path),
        ) from None


TABLE_WRITERS: Final[Mapping[str, Writer]] = {
    "csv": _write_csv,
    "xlsx": _write_xlsx,
    "json": _write_json,
    "parquet": _write_parquet,
}
"""The writers of result tables by format name (the file suffix without its dot)."""
WRITE_FORMATS: Final = tuple(TABLE_WRITERS)


def format_of(path: str | Path) -> str:
    """The output format a file name asks for (``csv``, ``xlsx``, ``json`` or ``parquet``)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in TABLE_WRITERS:
        raise InputError(
            f"cannot tell the output format from {Path(path).name!r}: "
            f"name it .{', .'.join(WRITE_FORMATS)} or give the format explicitly",
            file=str(path),
        )
    return suffix


def write_table(
    frame: pd.DataFrame,
    path: str | Path,
    format: str | None = None,
    *,
    force: bool = False,
    raw_csv: bool = False,
) -> Path:
    """Write ``frame`` (without its index) as csv, xlsx, json or parquet; the path written.

    The format defaults to the file's extension. CSV is UTF-8 with a byte-order mark so
    that Excel shows Korean correctly, and cells a spreadsheet would run as a formula
    (``= + - @``, tab, carriage return first) start with ``'`` unless ``raw_csv``. An
    existing file is replaced only with ``force``; missing folders are created.
    """
    chosen = format or format_of(path)
    writer = TABLE_WRITERS.get(chosen)
    if writer is None:
        raise InputError(f"unknown output format {chosen!r}; use {', '.join(WRITE_FORMATS)}")
    target = check_output(path, force=force)
    return write_file(target, lambda temporary: writer(frame, temporary, not raw_csv))
