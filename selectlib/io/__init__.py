"""Reading and writing tables: CSV (UTF-8 or CP949), xlsx, Parquet and JSON."""

from __future__ import annotations

from selectlib.io.tables import (
    READ_FORMATS,
    TABLE_READERS,
    Readers,
    read_csv,
    read_table,
    sample_data_dir,
)
from selectlib.io.write import WRITE_FORMATS, format_of, json_text, write_table

__all__ = [
    "READ_FORMATS",
    "TABLE_READERS",
    "WRITE_FORMATS",
    "Readers",
    "format_of",
    "json_text",
    "read_csv",
    "read_table",
    "sample_data_dir",
    "write_table",
]
