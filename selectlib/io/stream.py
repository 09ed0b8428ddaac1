"""Reading tables in batches of rows, so a large file never sits whole in memory.

Parquet is read row group by row group (``pyarrow.parquet.ParquetFile.iter_batches``) and
CSV block by block (``pyarrow.csv.open_csv``), with the semantics of
:func:`selectlib.io.read_csv`: every cell is text, only empty cells are missing, lines may
end in LF, CRLF or CR, cells are at most :data:`~selectlib.io.limits.MAX_CSV_FIELD_CHARS`
long and a cell guarded by ``'`` (:mod:`selectlib.io.safe`) is read back unguarded. A CSV
file that pyarrow cannot read that way (CP949 text, a short row, a blank header cell, a
broken header) is read whole by :func:`~selectlib.io.read_csv` instead, which also gives
its messages. xlsx and JSON files are read whole and handed out in batches.

:mod:`selectlib.io.batch_write` writes them back batch by batch.

>>> from selectlib.io.stream import read_batches  # doctest: +SKIP
>>> for frame in read_batches("applicants.parquet", rows=100_000): ...  # doctest: +SKIP
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from selectlib.errors import InputError
from selectlib.io.limits import MAX_CSV_FIELD_CHARS, check_file_size
from selectlib.io.safe import csv_unguarded
from selectlib.io.tables import long_cell_error, read_csv, table_reader

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["BATCH_ROWS", "CSV_BLOCK_BYTES", "Restart", "batch_count", "read_batches"]

BATCH_ROWS: Final = 262_144
"""Rows read, evaluated and written at a time: memory grows with it, time per row falls."""
CSV_BLOCK_BYTES: Final = 8 * 2**20
"""Bytes of CSV text pyarrow parses at a time (several blocks make a batch)."""


class Restart(Exception):
    """A CSV file turned out, after batches were handed out, to need the whole-file
    reader (e.g. a short row far down): start again with ``fast=False``."""


def batch_count(path: Path) -> int | None:
    """The number of rows of a Parquet file (from its footer); None for other files."""
    if path.suffix.lower() != ".parquet":
        return None
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return int(pq.ParquetFile(path).metadata.num_rows)
    except (pa.ArrowException, ValueError, OSError):  # read_batches says what is wrong
        return None


def read_batches(
    path: str | Path, rows: int = BATCH_ROWS, *, fast: bool = True
) -> Iterator[pd.DataFrame]:
    """The rows of a table file, ``rows`` at a time, in order, numbered on from 0.

    The same checks and messages as :func:`selectlib.io.read_table`. For CSV with
    ``fast``, raises :class:`Restart` if the file needs the whole-file reader after a
    batch was handed out; call again with ``fast=False``.
    """
    path = Path(path)
    table_reader(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        batches = _parquet_batches(path, rows)
    elif suffix == ".csv" and fast:
        batches = _csv_batches(path, rows)
    else:
        batches = _slices(_whole(path), rows)
    start = 0
    for frame in batches:
        frame.index = pd.RangeIndex(start, start + len(frame))
        start += len(frame)
        yield frame


def _whole(path: Path) -> pd.DataFrame:
    from selectlib.io.tables import read_table

    return read_table(path)


def _slices(frame: pd.DataFrame, rows: int) -> Iterator[pd.DataFrame]:
    """``frame`` in slices of ``rows`` rows (one empty slice for an empty table)."""
    if frame.empty:
        yield frame
        return
    for start in range(0, len(frame), rows):
        yield frame.iloc[start : start + rows]


# -- Parquet ---------------------------------------------------------------------------------


def _parquet_error(path: Path, exc: Exception) -> InputError:
    return InputError(
        f"not a readable Parquet file ({exc}); write it again, e.g. with "
        "pandas.DataFrame.to_parquet",
        file=str(path),
    )


def _parquet_batches(path: Path, rows: int) -> Iterator[pd.DataFrame]:
    """A Parquet file's batches as pandas reads them (categoricals stay categoricals)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    check_file_size(path)
    try:
        source = pq.ParquetFile(path)
        schema = source.schema_arrow
        empty = True
        for batch in source.iter_batches(batch_size=rows):
            empty = False
            yield pa.Table.from_batches([batch], schema=schema).to_pandas()
        if empty:
            yield schema.empty_table().to_pandas()
    except (pa.ArrowException, ValueError, OSError) as exc:
        raise _parquet_error(path, exc) from None


# -- CSV -------------------------------------------------------------------------------------


def _csv_header(path: Path) -> list[str] | None:
    """The header of a UTF-8 CSV file, if pyarrow can read the file under it: names that
    are all different and not empty; else None (the whole-file reader decides)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle))
    except (UnicodeDecodeError, csv.Error, StopIteration):
        return None
    if not header or "" in header or len(set(header)) < len(header):
        return None
    return header


def _csv_batches(path: Path, rows: int) -> Iterator[pd.DataFrame]:
    """A UTF-8 CSV file's batches of text cells through pyarrow; CP949 and files pyarrow
    reads differently from :func:`read_csv` go to it (or :class:`Restart` once started)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    check_file_size(path)
    header = _csv_header(path)
    if header is None:
        yield from _slices(read_csv(path), rows)
        return
    options = {
        "read_options": pcsv.ReadOptions(block_size=CSV_BLOCK_BYTES),
        "parse_options": pcsv.ParseOptions(newlines_in_values=True),
        "convert_options": pcsv.ConvertOptions(
            column_types=dict.fromkeys(header, pa.string()),
            strings_can_be_null=True,
            null_values=[""],
        ),
    }
    done = 0
    try:
        reader = pcsv.open_csv(path, **options)
        for table in _gathered(reader, rows):
            frame = _csv_frame(table, path, first_row=done)
            done += len(frame)
            yield frame
    except pa.ArrowInvalid:
        if done:
            raise Restart(str(path)) from None
        yield from _slices(read_csv(path), rows)


def _gathered(reader: Any, rows: int) -> Iterator[pa.Table]:
    """pyarrow's blocks gathered into tables of ``rows`` rows (one empty table if none)."""
    import pyarrow as pa

    pending: list[pa.RecordBatch] = []
    held = 0
    for batch in reader:
        pending.append(batch)
        held += batch.num_rows
        while held >= rows:
            table = pa.Table.from_batches(pending)
            yield table.slice(0, rows)
            rest = table.slice(rows)
            pending, held = rest.to_batches(), rest.num_rows
    if held or not pending:
        schema = reader.schema
        yield pa.Table.from_batches(pending, schema=schema)


def _csv_frame(table: pa.Table, path: Path, first_row: int) -> pd.DataFrame:
    """A CSV batch as pandas text cells: cells checked against MAX_CSV_FIELD_CHARS and
    the ``'`` guard taken off where a cell carries it."""
    import pyarrow.compute as pc

    guarded = False
    for name, column in zip(table.column_names, table.columns, strict=True):
        lengths = pc.utf8_length(column)
        longest = pc.max(lengths).as_py()
        if longest is not None and longest > MAX_CSV_FIELD_CHARS:
            row = int(pc.index(lengths, longest).as_py())
            raise long_cell_error(longest, str(path), first_row + row, name)
        guarded = guarded or bool(pc.any(pc.starts_with(column, "'")).as_py())
    frame = table.to_pandas()
    return csv_unguarded(frame) if guarded else frame
