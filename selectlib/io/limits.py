"""Limits on the files selectlib reads, checked before the work they would cause.

Applicant tables, registries, evaluator lists and score files come from people nobody
here controls. Each limit below is checked before the work it bounds (the file's size
with ``stat`` before it is read, an xlsx file's unpacked size from its zip directory
before any XML is parsed, rows and columns while a sheet streams in, before any grid is
built). A refusal names the limit, its value and what to do: split the file, or, for a
genuine file, raise the constant here.

| limit | value | bounds (and when it is checked) |
| --- | --- | --- |
| `MAX_TABLE_BYTES` | 512 MiB | a table or score file on disk (`stat`, before reading) |
| `MAX_CSV_FIELD_CHARS` | 131,072 characters | one CSV cell, header or data |
| `MAX_XLSX_UNPACKED_BYTES` | 1 GiB | an xlsx file unpacked (its zip directory, before parsing) |
| `MAX_XLSX_PARTS` | 10,000 | parts listed in an xlsx file's zip directory (its end record) |
| `MAX_XLSX_ROWS` | 1,048,576 | rows of a sheet read as a table (Excel's grid) |
| `MAX_XLSX_COLUMNS` | 16,384 (XFD) | columns of a sheet read as a table (Excel's grid) |
| `MAX_XLSX_CELLS` | 20,000,000 | rows × columns of a sheet read as a table |
| `MAX_SCORE_SHEET_ROWS` | 100,000 | rows of each sheet of a score workbook |
| `MAX_SCORE_SHEET_COLUMNS` | 50 (AX) | columns of each sheet of a score workbook |

A sheet's size is its real extent, the last row and column that hold a cell; the
dimension a sheet declares (``<dimension ref="A1:XFD1048576"/>``) is never used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from selectlib.errors import InputError

__all__ = [
    "MAX_CSV_FIELD_CHARS",
    "MAX_SCORE_SHEET_COLUMNS",
    "MAX_SCORE_SHEET_ROWS",
    "MAX_TABLE_BYTES",
    "MAX_XLSX_CELLS",
    "MAX_XLSX_COLUMNS",
    "MAX_XLSX_PARTS",
    "MAX_XLSX_ROWS",
    "MAX_XLSX_UNPACKED_BYTES",
    "beyond",
    "check_file_size",
]

MAX_TABLE_BYTES: Final = 512 * 2**20
"""The largest table file read, in bytes on disk; checked with ``stat`` before reading."""

MAX_CSV_FIELD_CHARS: Final = 131_072
"""The longest CSV cell, in characters (Python's own ``csv`` default)."""

MAX_XLSX_UNPACKED_BYTES: Final = 2**30
"""The most an xlsx file's parts may unpack to, in bytes, as its zip directory declares;
the zip reader never unpacks a part beyond its declared size."""

MAX_XLSX_PARTS: Final = 10_000
"""The most parts an xlsx file's zip directory may list (a workbook has tens); checked in
the zip's end record before the directory is read."""

MAX_XLSX_ROWS: Final = 1_048_576
"""The most rows of a sheet read as a table: Excel's grid, so only a forged file passes it."""

MAX_XLSX_COLUMNS: Final = 16_384
"""The most columns of a sheet read as a table (XFD): Excel's grid."""

MAX_XLSX_CELLS: Final = 20_000_000
"""The most cells (rows × columns of the real extent) of a sheet read as a table."""

MAX_SCORE_SHEET_ROWS: Final = 100_000
"""The most rows of a sheet in a score workbook (a score sheet or a long score table)."""

MAX_SCORE_SHEET_COLUMNS: Final = 50
"""The most columns (AX) of a sheet in a score workbook."""


def beyond(name: str, value: int, fix: str = "split the file") -> str:
    """The end of a refusal: which limit was passed and what to do about it."""
    return f"the limit is {name} = {value:,} (selectlib.io.limits); {fix}, or raise {name}"


def check_file_size(path: Path) -> None:
    """Refuse a table file larger than :data:`MAX_TABLE_BYTES`, by ``stat``, before reading
    it; a file that cannot be looked at is an :class:`InputError` too."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(
            f"cannot read the file ({exc.strerror or exc}); check the path and its permissions",
            file=str(path),
        ) from None
    if size > MAX_TABLE_BYTES:
        raise InputError(
            f"the file is {size:,} bytes, more than a table may be; it was not read: "
            + beyond("MAX_TABLE_BYTES", MAX_TABLE_BYTES),
            file=str(path),
        )
