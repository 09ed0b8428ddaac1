"""Reading xlsx files from outside: bounded before the work, every failure one InputError.

An xlsx file is a zip of XML parts, and openpyxl meets a damaged one with a dozen kinds
of exception (``ParseError``, ``KeyError``, ``TypeError``, ``BadZipFile``, ...). Here the
file's size and its zip directory are checked first (the parts must unpack within
:data:`~selectlib.io.limits.MAX_XLSX_UNPACKED_BYTES`); sheets then stream in read-only,
so merged ranges and hyperlinks are never expanded to cells and the dimension a sheet
declares is never trusted, and rows and columns are counted against the limits as they
come. Any failure becomes one :class:`~selectlib.InputError` naming the part that was
being read (``xl/styles.xml``), the line and column when the XML itself is broken.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

import attrs
import openpyxl
from openpyxl.utils import get_column_letter

from selectlib.errors import InputError
from selectlib.io.limits import (
    MAX_XLSX_CELLS,
    MAX_XLSX_COLUMNS,
    MAX_XLSX_PARTS,
    MAX_XLSX_ROWS,
    MAX_XLSX_UNPACKED_BYTES,
    beyond,
    check_file_size,
)

__all__ = ["TABLE_BOUNDS", "XLSX_ERRORS", "Bound", "Bounds", "Sheet", "read_sheets"]

XLSX_ERRORS: Final = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    LookupError,  # KeyError, IndexError
    ValueError,  # and UnicodeError
    TypeError,
    AttributeError,
    SyntaxError,  # xml.etree.ElementTree.ParseError
    ArithmeticError,  # OverflowError
    RuntimeError,  # encrypted parts, unsupported compression, RecursionError
)
"""What openpyxl and zipfile raise on a damaged workbook (found by fuzzing its parts)."""

_UNKNOWN: Final = re.compile(r"unexpected keyword argument '([^']*)'")
"""How openpyxl says an XML element has an attribute it does not know."""
_MISSING: Final = re.compile(r"There is no item named '(.*)' in the archive")
"""How zipfile says a part the workbook refers to is not in the file."""
_END: Final = struct.Struct("<4s4H2LH")
"""A zip's end of central directory record; field 4 is the number of parts."""
_LOCATOR: Final = struct.Struct("<4sLQL")
"""The zip64 locator just before it; field 2 is where the zip64 end record is."""
_END64: Final = struct.Struct("<4sQ2H2L4Q")
"""The zip64 end of central directory record; field 7 is the number of parts."""
SAVE_AGAIN: Final = "open it in Excel and save it again as 'Excel Workbook (.xlsx)'"


@attrs.frozen
class Bound:
    """One limit as a refusal cites it: the constant's name and its value."""

    name: str
    value: int


@attrs.frozen
class Bounds:
    """How large a sheet may be before it is refused: rows, columns, rows × columns."""

    rows: Bound
    columns: Bound
    cells: Bound | None = None
    """None when rows × columns is small enough not to need its own bound."""


TABLE_BOUNDS: Final = Bounds(
    Bound("MAX_XLSX_ROWS", MAX_XLSX_ROWS),
    Bound("MAX_XLSX_COLUMNS", MAX_XLSX_COLUMNS),
    Bound("MAX_XLSX_CELLS", MAX_XLSX_CELLS),
)
"""The bounds of a sheet read as a table (applicants, evaluators, registries)."""


@attrs.frozen
class Sheet:
    """A worksheet's values: the rows holding a value, by row number (from 1), in order.

    A row's values start at column A and end at its last value; empty cells are None.
    """

    title: str
    rows: Mapping[int, tuple[Any, ...]]

    @property
    def width(self) -> int:
        """The number of columns up to the last one holding a value."""
        return max(map(len, self.rows.values()), default=0)

    def value(self, row: int, column: int) -> Any:
        """The value of a cell (row and column from 1), None if empty."""
        values = self.rows.get(row, ())
        return values[column - 1] if 0 < column <= len(values) else None


class _Tracked(io.FileIO):
    """A file that remembers where it was last read, to name the zip part a failure is in."""

    last_read = -1

    def read(self, size: int | None = -1, /) -> bytes:
        self.last_read = self.tell()
        return super().read(size)


def _part_at(parts: list[zipfile.ZipInfo], offset: int) -> str | None:
    """The name of the zip part whose bytes hold ``offset``."""
    before = [part for part in parts if part.header_offset <= offset]
    return max(before, key=lambda part: part.header_offset).filename if before else None


def _declared_parts(file: _Tracked) -> int:
    """How many parts the zip's end record says its directory lists (zip64 too), read from
    the file's tail before the directory itself is read."""
    size = file.seek(0, io.SEEK_END)
    file.seek(max(0, size - _END.size - 0xFFFF))  # the end record, and a comment of up to 64 KiB
    tail = file.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + _END.size > len(tail):
        return 0  # not a zip: zipfile says so
    parts = int(_END.unpack_from(tail, at)[4])
    if (
        parts == 0xFFFF
        and at >= _LOCATOR.size
        and tail[at - _LOCATOR.size :].startswith(b"PK\x06\x07")
    ):
        file.seek(_LOCATOR.unpack_from(tail, at - _LOCATOR.size)[2])
        record = file.read(_END64.size)
        if len(record) == _END64.size and record.startswith(b"PK\x06\x06"):
            parts = int(_END64.unpack(record)[7])
    return parts


def _checked_parts(file: _Tracked, name: str) -> list[zipfile.ZipInfo]:
    """The parts of the zip, refused if there are too many or they would unpack too large."""
    declared = _declared_parts(file)
    if declared > MAX_XLSX_PARTS:
        raise InputError(
            f"the workbook's zip directory lists {declared:,} parts, more than allowed; it was "
            f"not read: {beyond('MAX_XLSX_PARTS', MAX_XLSX_PARTS)}",
            file=name,
        )
    try:
        parts = zipfile.ZipFile(file).infolist()
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise InputError(
            f"not a readable .xlsx workbook: not a zip archive ({exc}); if it has a password, "
            f"remove it; otherwise {SAVE_AGAIN}",
            file=name,
        ) from None
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise InputError(
            f"the workbook's parts unpack to {unpacked:,} bytes, more than allowed; it was not "
            f"read: {beyond('MAX_XLSX_UNPACKED_BYTES', MAX_XLSX_UNPACKED_BYTES)}",
            file=name,
        )
    return parts


def _reason(cause: BaseException) -> tuple[str, bool]:
    """What went wrong, in openpyxl's words made plainer; True if it names a missing part."""
    text = str(cause.args[0]) if isinstance(cause, KeyError) and cause.args else str(cause)
    text = text.strip().splitlines()[0] if text.strip() else type(cause).__name__
    if missing := _MISSING.search(text):
        return f"the part {missing[1]!r} is missing", True
    if isinstance(cause, KeyError):
        return f"no entry {text!r}", False
    if isinstance(cause, TypeError) and (attribute := _UNKNOWN.search(text)):
        return f"unknown attribute {attribute[1]!r}", False
    return text[:300], False


def _unreadable(exc: BaseException, part: str | None, name: str) -> InputError:
    """The InputError for a workbook openpyxl could not read, naming the part at fault."""
    cause = exc.__cause__ or exc  # openpyxl wraps a ValueError in "Unable to read workbook"
    reason, missing = _reason(cause)
    place = "" if missing or part is None else f"part {part}: "
    return InputError(f"not a readable .xlsx workbook: {place}{reason}; {SAVE_AGAIN}", file=name)


class _Refused(ValueError):
    """A sheet past its bounds (raised inside the reading, turned into an InputError)."""


def _rows(sheet: Any, bounds: Bounds) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The rows of a read-only sheet that hold a value, refused past the bounds.

    A row's width counts its last cell even when that cell is empty but formatted, as
    Excel's used range does: the work of reading a row grows with it.
    """
    sheet.reset_dimensions()  # the declared dimension is not trusted
    at = f"sheet {sheet.title!r}"
    width = 0
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > bounds.rows.value:
            raise _Refused(
                f"{at} has a row past row {bounds.rows.value:,}, more than allowed: "
                + beyond(bounds.rows.name, bounds.rows.value)
            )
        if len(row) > bounds.columns.value:
            raise _Refused(
                f"{at}, row {number} has a cell in column {get_column_letter(len(row))}, past "
                f"column {get_column_letter(bounds.columns.value)}: "
                + beyond(bounds.columns.name, bounds.columns.value)
            )
        width = max(width, len(row))
        if bounds.cells is not None and number * width > bounds.cells.value:
            raise _Refused(
                f"{at} spans more than {bounds.cells.value:,} cells (rows × columns) by row "
                f"{number}: " + beyond(bounds.cells.name, bounds.cells.value)
            )
        end = len(row)
        while end and row[end - 1] is None:
            end -= 1
        if end:
            yield number, tuple(row[:end])


def read_sheets(
    path: Path, bounds: Bounds = TABLE_BOUNDS, *, first_only: bool = False, formulas: bool = False
) -> list[Sheet]:
    """The worksheets of an xlsx file (or only the first), their values read within bounds.

    ``formulas``: a formula cell reads as its formula (``"=SUM(C6:G6)"``) rather than the
    value Excel last computed. Raises :class:`~selectlib.InputError` naming the file, and
    the part, sheet or row at fault, for anything that cannot be read or passes a limit.
    """
    name = str(path)
    check_file_size(path)
    with _Tracked(path) as file:
        parts = _checked_parts(file, name)
        try:
            book = openpyxl.load_workbook(
                file, read_only=True, data_only=not formulas, keep_links=False
            )
            try:
                chosen = book.worksheets[:1] if first_only else book.worksheets
                return [Sheet(s.title, dict(_rows(s, bounds))) for s in chosen]
            finally:
                book.close()
        except _Refused as exc:
            raise InputError(str(exc), file=name) from None
        except XLSX_ERRORS as exc:
            raise _unreadable(exc, _part_at(parts, file.last_read), name) from None
