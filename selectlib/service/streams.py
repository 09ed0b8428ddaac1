"""A batch's answer, evaluated and sent a chunk at a time: JSON lines or Parquet.

Rows go back in the order they came, one output row per input row, the columns of
:meth:`Profile.evaluate_many <selectlib.Profile.evaluate_many>`. Each chunk is
evaluated when the client is ready for it (the generator runs in a worker thread, so
the event loop keeps answering other requests), so memory holds one chunk of results.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Final

from selectlib.profile.compiled import Profile
from selectlib.service.jsonlines import json_lines

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = ["ANSWER_TYPES", "JSON_LINES", "PARQUET", "answer_type", "batch_stream"]

JSON_LINES: Final = "application/jsonl"
PARQUET: Final = "application/vnd.apache.parquet"
ANSWER_TYPES: Final = {
    JSON_LINES: JSON_LINES,
    "application/x-ndjson": JSON_LINES,
    "application/json": JSON_LINES,
    PARQUET: PARQUET,
    "application/x-parquet": PARQUET,
    "*/*": JSON_LINES,
}
"""What a batch's ``Accept`` header may ask for, and the type sent for it."""


def answer_type(accept: str) -> str | None:
    """The type of a batch's answer for an ``Accept`` header (JSON lines when none)."""
    if not accept.strip():
        return JSON_LINES
    for part in accept.split(","):
        found = ANSWER_TYPES.get(part.split(";")[0].strip().lower())
        if found is not None:
            return found
    return None


def _chunks(
    profile: Profile, frame: pd.DataFrame, on: dt.date, rows: int
) -> Iterator[pd.DataFrame]:
    for start in range(0, max(len(frame), 1), rows):
        yield profile.evaluate_many(frame.iloc[start : start + rows], on=on)


def _json_lines(chunks: Iterator[pd.DataFrame]) -> Iterator[bytes]:
    for results in chunks:
        if len(results):
            yield json_lines(results)


def _arrow_schema(frame: pd.DataFrame) -> pa.Schema:
    """One schema for every chunk: dictionary indices wide enough for any chunk's
    categories, and columns all missing in the first chunk stored as text."""
    import pyarrow as pa

    fields = []
    for field in pa.Schema.from_pandas(frame, preserve_index=False):
        kind = field.type
        if pa.types.is_dictionary(kind):
            values = pa.string() if pa.types.is_null(kind.value_type) else kind.value_type
            kind = pa.dictionary(pa.int32(), values)
        elif pa.types.is_null(kind):
            kind = pa.string()
        fields.append(pa.field(field.name, kind))
    return pa.schema(fields)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its object columns (an identifier passed through as given: text,
    numbers, anything JSON has) as text, so every chunk fits one Parquet schema."""
    from pandas.api.types import is_object_dtype

    loose = [name for name, kind in frame.dtypes.items() if is_object_dtype(kind)]
    return frame.astype(dict.fromkeys(loose, "string")) if loose else frame


def _parquet(chunks: Iterator[pd.DataFrame]) -> Iterator[bytes]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = _Sink()
    writer: Any = None
    for found in chunks:
        results = _as_text(found)
        if writer is None:
            schema = _arrow_schema(results)
            # no column statistics: computing them on long texts doubles the writing time,
            # and an answer is read whole, never filtered by row group
            writer = pq.ParquetWriter(sink, schema, write_statistics=False)
        writer.write_table(pa.Table.from_pandas(results, schema=schema, preserve_index=False))
        yield sink.drain()
    if writer is not None:
        writer.close()
    yield sink.drain()


class _Sink(io.RawIOBase):
    """A write-only stream that hands out what was written so far and keeps counting:
    Parquet's footer needs every row group's offset from the start of the file."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[bytes] = []
        self._written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._parts.append(chunk)
        self._written += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._written

    def drain(self) -> bytes:
        """The bytes written since the last drain."""
        data = b"".join(self._parts)
        self._parts.clear()
        return data


_WRITERS: Final[dict[str, Callable[[Iterator[pd.DataFrame]], Iterator[bytes]]]] = {
    JSON_LINES: _json_lines,
    PARQUET: _parquet,
}


def batch_stream(
    profile: Profile, frame: pd.DataFrame, on: dt.date, media: str, rows: int
) -> Iterator[bytes]:
    """The bytes of the answer to a batch, ``rows`` rows evaluated at a time."""
    return _WRITERS[media](_chunks(profile, frame, on, rows))
