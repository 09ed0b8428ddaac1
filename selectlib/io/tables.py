"""Reading applicant tables from files.

Readers are chosen by file extension from one registry. Every cell of a CSV file is
read as text (only empty cells are missing) so that ids like ``007`` survive and the
profile, not the reader, decides what a value means. Anything that cannot be read
raises :class:`~selectlib.InputError` naming the file and saying how to fix it; a file
larger than the limits of :mod:`selectlib.io.limits` is refused before it is read.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Final

import pandas as pd

from selectlib.errors import InputError
from selectlib.io.limits import MAX_CSV_FIELD_CHARS, beyond, check_file_size
from selectlib.io.safe import csv_unguarded

__all__ = [
    "READ_FORMATS",
    "TABLE_READERS",
    "Readers",
    "long_cell_error",
    "read_csv",
    "read_table",
    "sample_data_dir",
    "table_reader",
]

CSV_ENCODINGS: Final = ("utf-8-sig", "cp949")
"""Tried in order; ``utf-8-sig`` reads UTF-8 with or without a byte-order mark."""


def sample_data_dir() -> Path:
    """Where the sample data is: inside the installed package, or the source tree."""
    packaged = Path(str(resources.files("selectlib"))) / "sample_data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "sample_data"


# -- reading -------------------------------------------------------------------------------


def _decode(data: bytes, name: str) -> str:
    """The text of a CSV file in the first encoding that decodes it."""
    first_error: UnicodeDecodeError | None = None
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
    line = data[: first_error.start].count(b"\n") + 1 if first_error else 1
    raise InputError(
        f"line {line}: the text is neither UTF-8 nor CP949; "
        "save the file as 'CSV UTF-8' (in Excel: Save As → CSV UTF-8)",
        file=name,
    )


def _repeated(header: list[Any], name: str) -> None:
    """Refuse a header that names a column twice (one copy would be read silently)."""
    repeated = sorted({str(column) for column in header if header.count(column) > 1})
    if repeated:
        raise InputError(
            f"column(s) {', '.join(map(repr, repeated))} appear more than once in the header; "
            "rename or remove the copies",
            file=name,
        )


def _header(text: str, name: str) -> list[str]:
    """The header row of a CSV text; every line ending (LF, CRLF, CR) ends a row."""
    try:
        return next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error as exc:  # the csv module's own field limit is MAX_CSV_FIELD_CHARS
        reason = (
            "a header cell is longer than a CSV cell may be: "
            + beyond("MAX_CSV_FIELD_CHARS", MAX_CSV_FIELD_CHARS, "shorten it")
            if "field limit" in str(exc)
            else f"not a well-formed CSV header ({exc})"
        )
        raise InputError(f"line 1: {reason}", file=name) from None


def long_cell_error(length: int, name: str, row: int, field: str) -> InputError:
    """The refusal of a CSV cell longer than :data:`MAX_CSV_FIELD_CHARS`."""
    return InputError(
        f"a cell of {length:,} characters, longer than a CSV cell may "
        "be: " + beyond("MAX_CSV_FIELD_CHARS", MAX_CSV_FIELD_CHARS, "shorten it"),
        file=name,
        row=row,
        field=field,
    )


def _long_cells(frame: pd.DataFrame, name: str) -> None:
    """Refuse a cell longer than :data:`MAX_CSV_FIELD_CHARS`, naming its row and column."""
    for column in frame.columns:
        lengths = frame[column].str.len()
        if lengths.max() > MAX_CSV_FIELD_CHARS:  # NaN (all empty) compares False
            row = int(lengths.fillna(0).to_numpy().argmax())
            raise long_cell_error(int(lengths.iloc[row]), name, row, str(column))


def read_csv(path: Path) -> pd.DataFrame:
    """A CSV file (UTF-8, UTF-8 with BOM or CP949) as text cells; only empty cells are missing.

    Lines may end in LF, CRLF or CR (old Mac files), even mixed. The file's size and each
    cell's length are bounded (:mod:`selectlib.io.limits`).
    """
    name = str(path)
    check_file_size(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"cannot read the file ({exc.strerror or exc}); check its permissions", file=name
        ) from None
    text = _decode(data, name)
    if not text.strip():
        raise InputError("the file is empty; add a header row and one row per record", file=name)
    _repeated(_header(text, name), name)
    try:
        # index_col=False: a trailing delimiter must not turn the first column into an index
        frame = pd.read_csv(
            io.StringIO(text, newline=""),
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            index_col=False,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[-1]
        raise InputError(
            f"not a well-formed CSV table ({reason}); every row needs as many cells as the "
            "header, and cells holding commas or line breaks must be quoted",
            file=name,
        ) from None
    _long_cells(frame, name)
    return csv_unguarded(frame) if "'" in text else frame


def _cell(value: Any) -> Any:
    """An xlsx value as a table cell: empty is missing, a whole float a whole number."""
    if value is None:
        return math.nan
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _read_xlsx(path: Path) -> pd.DataFrame:
    """The first sheet of a workbook: the first row holding a value is the header; rows
    after it keep their place (a blank row is a row of missing cells)."""
    from selectlib.io.xlsx import TABLE_BOUNDS, read_sheets  # openpyxl: only when needed

    name = str(path)
    sheets = read_sheets(path, TABLE_BOUNDS, first_only=True)
    if not sheets:
        raise InputError(
            "the workbook has no worksheet; put the applicants on its first sheet", file=name
        )
    sheet = sheets[0]
    if not sheet.rows:
        return pd.DataFrame()
    width = sheet.width
    (first, header), *body = sheet.rows.items()
    header = header + (None,) * (width - len(header))
    _repeated([c for c in header if c is not None], name)
    columns = [f"Unnamed: {i}" if c is None else c for i, c in enumerate(header)]
    grid = [[math.nan] * width for _ in range(body[-1][0] - first if body else 0)]
    for number, values in body:
        grid[number - first - 1][: len(values)] = map(_cell, values)
    return pd.DataFrame(grid, columns=columns, dtype=object)


def _read_parquet(path: Path) -> pd.DataFrame:
    from pyarrow import ArrowException  # pyarrow: only when needed

    check_file_size(path)
    try:
        return pd.read_parquet(path, engine="pyarrow")
    except (ArrowException, ValueError, OSError) as exc:
        raise InputError(
            f"not a readable Parquet file ({exc}); write it again, e.g. with "
            "pandas.DataFrame.to_parquet",
            file=str(path),
        ) from None


def _read_json(path: Path) -> pd.DataFrame:
    name = str(path)
    check_file_size(path)
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError("a JSON file must be UTF-8 text; save it as UTF-8", file=name) from None
    except RecursionError:
        raise InputError("the JSON is nested too deeply to read", file=name) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg}); fix the syntax "
            "there (a missing comma, quote or bracket is the usual cause)",
            file=name,
        ) from None
    records = data.get("applicants") if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise InputError(
            'expected a list of applicant objects, or an object with an "applicants" list',
            file=name,
        )
    for row, record in enumerate(records):
        if not isinstance(record, dict):
            raise InputError(
                f"expected an object of field names to values, got {type(record).__name__}; "
                "write each applicant as {...}",
                file=name,
                row=row,
            )
    return pd.DataFrame(records, dtype=object) if records else pd.DataFrame()


Readers = Mapping[str, Callable[[Path], pd.DataFrame]]
"""Table readers by file suffix (``".csv"``): each reads one file or raises InputError."""

TABLE_READERS: Final[Readers] = {
    ".csv": read_csv,
    ".xlsx": _read_xlsx,
    ".parquet": _read_parquet,
    ".json": _read_json,
}
"""The readers of applicant and score tables; :mod:`selectlib.geo` has its own for maps."""
READ_FORMATS: Final = tuple(suffix.lstrip(".") for suffix in TABLE_READERS)


def table_reader(path: Path, readers: Readers = TABLE_READERS) -> Callable[[Path], pd.DataFrame]:
    """The reader of ``path`` by its suffix, once the file is known to exist; else an
    :class:`InputError` saying which files can be read or that the path is wrong."""
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise InputError(
            f"cannot read {path.suffix or 'files without an extension'}: "
            f"give a {', '.join(readers)} file",
            file=str(path),
        )
    if not path.is_file():
        problem = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise InputError(f"the file {problem}; check the path", file=str(path))
    return reader


def read_table(path: str | Path, *, readers: Readers = TABLE_READERS) -> pd.DataFrame:
    """Read applicants from a .csv, .xlsx, .parquet or .json file into a DataFrame.

    CSV may be UTF-8 (with or without a byte-order mark) or CP949; every cell is read
    as text and only empty cells are missing. JSON is a list of records or an object
    with an ``"applicants"`` list. ``readers`` replaces the readers by suffix (the geo
    package reads maps with its own, through the same checks and messages).
    """
    path = Path(path)
    reader = table_reader(path, readers)
    try:
        return reader(path)
    except OSError as exc:
        raise InputError(
            f"cannot read the file ({exc.strerror or exc}); check its permissions",
            file=str(path),
        ) from None
