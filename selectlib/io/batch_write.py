"""Writing tables batch by batch: Parquet row groups, CSV rows, an xlsx sheet, one JSON list.

Each writer appends batch after batch to one file, with the guards and the bytes of
:mod:`selectlib.io.write` (a table written in batches is the file written whole): CSV
cells a spreadsheet would run as a formula get a leading ``'``, xlsx cells are values,
never formulas (openpyxl's write-only mode, so memory stays flat), and JSON is one list of
records. Open them on the temporary file of :func:`selectlib.io.files.write_file`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol, TextIO

import numpy as np
import pandas as pd

from selectlib.eligibility.audit import without_audit
from selectlib.errors import InputError, OutputError
from selectlib.io.files import save_xlsx
from selectlib.io.safe import FORMULA_STARTS, csv_text, xlsx_text
from selectlib.io.write import WRITE_FORMATS, blank_cell, json_text

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "BatchWriter",
    "ByteSink",
    "CsvWriter",
    "JsonWriter",
    "ParquetWriter",
    "XlsxWriter",
    "open_writer",
]


class BatchWriter:
    """Writes a table batch by batch to one file (or stream); :meth:`close` finishes it."""

    def write(self, frame: pd.DataFrame) -> None:
        """Append ``frame``'s rows (its index is not written)."""
        raise NotImplementedError

    def close(self) -> None:
        """Finish the file: footers, the closing bracket, the zip directory."""


CSV_WRITE_ROWS: Final = 32768
"""Rows turned into CSV text at a time: the text of a whole batch, built column by
column, would hold several copies of the batch's output in memory at once."""


class ByteSink(Protocol):
    """Where bytes can be written: a text file's binary ``buffer``."""

    def write(self, data: Any, /) -> Any: ...


class CsvWriter(BatchWriter):
    """CSV rows appended to a text stream; text cells guarded (:func:`csv_frame`) if asked.

    With ``raw``, the stream's binary buffer holding UTF-8 without newline translation
    (a file opened with ``encoding="utf-8-sig", newline=""``), rows built by Arrow go
    there as bytes; otherwise they are written as text.
    """

    def __init__(self, handle: TextIO, guard: bool, raw: ByteSink | None = None) -> None:
        self._handle, self._guard, self._raw, self._header = handle, guard, raw, True

    def write(self, frame: pd.DataFrame) -> None:
        guarded = _guarded(frame) if self._guard else frame
        for start in range(0, max(len(guarded), 1), CSV_WRITE_ROWS):
            rows = _csv_rows(guarded.iloc[start : start + CSV_WRITE_ROWS])
            if rows is None:  # a column of another kind: pandas writes all the rest at once
                # (it formats dates by what the whole column holds)
                guarded.iloc[start:].to_csv(self._handle, index=False, header=self._header)
                self._header = False
                return
            if self._header:  # through the text layer, which starts the file with its BOM
                self._handle.write(_csv_header(guarded))
                self._header = False
            self._write_bytes(rows)

    def _write_bytes(self, data: Any) -> None:
        if self._raw is None:
            self._handle.write(bytes(data).decode("utf-8"))
            return
        self._handle.flush()
        self._raw.write(data)


def _guarded_column(column: pd.Series) -> pd.Series:
    """:func:`csv_text` over a column, once per category of a categorical, as a whole
    column for text; the same cells as :func:`csv_frame`."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories
        if categories.dtype.kind in "OUT" or pd.api.types.is_string_dtype(categories.dtype):
            renamed = [csv_text(value) for value in categories]
            if len(set(renamed)) == len(renamed):
                return column.cat.rename_categories(renamed)
    elif pd.api.types.is_string_dtype(column.dtype) and column.dtype != object:
        formula = column.str.startswith(FORMULA_STARTS).fillna(False).astype(bool)
        return column.mask(formula, "'" + column) if formula.any() else column
    return column.astype(object).map(csv_text)


def _guarded(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell guarded, as :func:`csv_frame` does (numbers stay)."""
    text = frame.select_dtypes(include=["object", "string", "category"]).columns
    if text.empty:
        return frame
    return frame.assign(**{str(c): _guarded_column(frame[c]) for c in text})


def _needs_quotes() -> str:
    """The characters that make Python's csv writer (pandas' to_csv) quote a cell."""
    out = io.StringIO()
    candidates = ',"\n\r'
    csv.writer(out, lineterminator="\n").writerow([f"a{c}b" for c in candidates])
    cells = out.getvalue()
    return "".join(c for c in candidates if f'"a{c if c != chr(34) else c * 2}b"' in cells)


QUOTED: Final = _needs_quotes()
"""A cell holding one of these is quoted (as to_csv does: ``,`` ``"`` and line breaks)."""


def _quoted(cells: pa.Array) -> pa.Array:
    """Cells quoted as the csv writer quotes them; an empty cell for null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(cells, pa.ChunkedArray):
        cells = cells.combine_chunks()
    quote = pc.match_substring_regex(cells, f"[{QUOTED}]")
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(cells, '"', '""'), '"', "")
    return pc.fill_null(pc.if_else(quote, quoted, cells), "")


def _cells(column: pd.Series) -> pa.Array | None:
    """A column's cells as ``DataFrame.to_csv`` writes them, computed by Arrow (a
    categorical's once per category); None for a kind of column left to pandas."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.dtype
    try:
        if isinstance(kind, pd.CategoricalDtype):
            categories = _cells(pd.Series(kind.categories))
            codes = column.cat.codes.to_numpy()
            if categories is None:
                return None
            return pc.fill_null(categories.take(pa.array(codes, mask=codes < 0)), "")
        if pd.api.types.is_string_dtype(kind):
            return _quoted(pa.array(column, type=pa.string(), from_pandas=True))
        # numbers and True/False never need quotes
        if pd.api.types.is_bool_dtype(kind):
            text = pc.if_else(pa.array(column, type=pa.bool_(), from_pandas=True), "True", "False")
        elif pd.api.types.is_integer_dtype(kind):
            text = pc.cast(pa.array(column, from_pandas=True), pa.string())
        elif pd.api.types.is_float_dtype(kind):
            values = column.to_numpy(dtype=float, na_value=np.nan)
            text = pa.array(values.astype(str), mask=np.isnan(values))  # numpy's repr, as pandas
        else:
            return None
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # e.g. an object column holding numbers
        return None
    return pc.fill_null(text, "")


def _csv_header(frame: pd.DataFrame) -> str:
    """The header line ``DataFrame.to_csv`` writes for ``frame``."""
    import pyarrow as pa

    names = _quoted(pa.array([str(name) for name in frame.columns], pa.string()))
    return ",".join(names.to_pylist()) + "\n"


def _csv_rows(frame: pd.DataFrame) -> Any:
    """The rows ``frame.to_csv(index=False, header=False)`` writes, as one buffer of UTF-8
    bytes built column-wise by Arrow (pandas formats cell by cell, and a Python string
    per row would cost as much memory again); None where a column is of another kind."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(frame.columns) < 2 or frame.empty:  # one column: csv writes "" for an empty cell
        return None
    columns = []
    for name in frame.columns:
        cells = _cells(frame[name])
        if cells is None:
            return None
        columns.append(cells)
    lines = pc.binary_join_element_wise(*columns, ",")
    ended = pc.binary_join_element_wise(lines, "", "\n")  # each line, then a newline
    whole = pa.LargeListArray.from_arrays([0, len(ended)], ended.cast(pa.large_string()))
    return pc.binary_join(whole, pa.scalar("", pa.large_string()))[0].as_buffer()


class JsonWriter(BatchWriter):
    """One JSON list of records, written batch by batch as :func:`json_text` writes it."""

    def __init__(self, handle: TextIO) -> None:
        self._handle, self._first = handle, True

    def write(self, frame: pd.DataFrame) -> None:
        if frame.empty:
            return
        inner = json_text(frame)[2:-3]  # the records without "[\n" and "\n]\n"
        self._handle.write(("[\n" if self._first else ",\n") + inner)
        self._first = False

    def close(self) -> None:
        self._handle.write("[]\n" if self._first else "\n]\n")


def _arrow_schema(frame: pd.DataFrame) -> pa.Schema:
    """The Parquet schema of every batch, from the first: dictionary indices wide enough
    for any batch's categories, and columns that were all missing stored as text."""
    import pyarrow as pa

    schema = pa.Schema.from_pandas(frame, preserve_index=False)
    fields = []
    for field in schema:
        kind = field.type
        if pa.types.is_dictionary(kind):
            values = pa.string() if pa.types.is_null(kind.value_type) else kind.value_type
            kind = pa.dictionary(pa.int32(), values)
        elif pa.types.is_null(kind):
            kind = pa.string()
        fields.append(pa.field(field.name, kind))
    return pa.schema(fields, metadata=schema.metadata)


class ParquetWriter(BatchWriter):
    """One Parquet row group per batch (pyarrow's ParquetWriter).

    Row groups carry min/max statistics for the plain columns (ids, numbers, text), not
    for the categorical ones (outcome, statuses, reasons): those hold a few values each,
    found in almost every row group, so a reader rarely skips one by them, and pyarrow
    spends more on them than on the rest of the writing (0.18 s of 0.5 s for 1M
    results of the flagship). The values written are the same either way.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._writer: Any = None
        self._schema: pa.Schema | None = None

    def write(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        frame = without_audit(frame)  # it holds the time: the same input, the same bytes
        try:
            if self._schema is None:
                self._schema = _arrow_schema(frame)
                plain = [f.name for f in self._schema if not pa.types.is_dictionary(f.type)]
                self._writer = pq.ParquetWriter(self._path, self._schema, write_statistics=plain)
            table = pa.Table.from_pandas(frame, schema=self._schema, preserve_index=False)
            self._writer.write_table(table)
        except (pa.ArrowException, TypeError, ValueError) as exc:
            raise OutputError(
                f"this table cannot be stored as Parquet ({exc}); write csv, json or xlsx instead",
                file=str(self._path),
            ) from None

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()


class _Text(str):
    """A text that starts like a formula: written as a string cell, never as one."""

    __slots__ = ()


def _xlsx_value(value: Any) -> Any:
    """A value for openpyxl's write-only sheet: text as an xlsx cell can hold it, numpy
    scalars as Python numbers, missing values as None (an empty cell)."""
    if isinstance(value, str):
        text = xlsx_text(value)
        return _Text(text) if text.startswith("=") else text
    if blank_cell(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _xlsx_column(column: pd.Series) -> list[Any]:
    """A column's values for the sheet (a categorical's converted once per category)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = [_xlsx_value(value) for value in column.cat.categories] + [None]
        return [categories[code] for code in column.cat.codes.tolist()]  # -1: the None
    return [_xlsx_value(value) for value in column.astype(object).tolist()]


def _cell(value: Any, sheet: Any) -> Any:
    """A formula-like text as a string cell (openpyxl would store "=..." as a formula)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, str(value))
    cell.data_type = "s"
    return cell


Appendix = tuple[str, Sequence[Sequence[str]]]
"""A second sheet of an xlsx output: its name and its rows (the first is the header),
e.g. the assumptions in force beside the decisions."""


class XlsxWriter(BatchWriter):
    """An xlsx sheet written row by row in openpyxl's write-only mode (constant memory);
    the sheet is named for its content (``sheet``), and an ``appendix`` sheet follows it."""

    def __init__(self, path: Path, sheet: str = "Sheet", appendix: Appendix | None = None) -> None:
        from openpyxl import Workbook

        self._path, self._book = path, Workbook(write_only=True)
        self._sheet = self._book.create_sheet(sheet)
        self._header = True
        self._appendix = appendix

    def _append(self, row: list[Any], sheet: Any = None) -> None:
        sheet = self._sheet if sheet is None else sheet
        sheet.append([_cell(v, sheet) if isinstance(v, _Text) else v for v in row])

    def write(self, frame: pd.DataFrame) -> None:
        if self._header:
            self._append([_xlsx_value(str(name)) for name in frame.columns])
            self._header = False
        columns = [_xlsx_column(frame[name]) for name in frame.columns]
        for row in zip(*columns, strict=True):
            self._append(list(row))

    def close(self) -> None:
        if self._appendix is not None:
            name, rows = self._appendix
            sheet = self._book.create_sheet(name)
            for row in rows:
                self._append([_xlsx_value(value) for value in row], sheet)
        save_xlsx(self._book, self._path)


def open_writer(
    format: str,
    path: Path,
    guard: bool,
    stack: ExitStack,
    sheet: str = "Sheet",
    appendix: Appendix | None = None,
) -> BatchWriter:
    """A writer of ``format`` (csv, json, xlsx, parquet) to ``path``; its file closes with
    ``stack`` (call the writer's :meth:`~BatchWriter.close` to finish it first). ``sheet``
    names an xlsx file's sheet of rows, which ``appendix`` (xlsx only) follows."""
    if format == "csv":
        handle = stack.enter_context(path.open("w", encoding="utf-8-sig", newline=""))
        return CsvWriter(handle, guard, handle.buffer)
    if format == "json":
        return JsonWriter(stack.enter_context(path.open("w", encoding="utf-8")))
    if format == "parquet":
        return ParquetWriter(path)
    if format == "xlsx":
        return XlsxWriter(path, sheet, appendix)
    raise InputError(f"unknown output format {format!r}; use {', '.join(WRITE_FORMATS)}")
