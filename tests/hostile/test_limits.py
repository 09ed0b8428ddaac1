"""Limits on files, checked before the work: each refusal names its limit and what to do.

File size by ``stat`` (a sparse file is as large as it claims without being written),
an xlsx file's unpacked size from its zip directory (forged here), rows, columns and
cells of a sheet as it streams in (a row moved to 99,999,999,915 is refused, not walked),
CSV cell length. A sheet's declared dimension is never trusted.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from strategies import FLAGSHIP, ON
from typer.testing import CliRunner

import selectlib
from selectlib.cli import app as cli
from selectlib.io import limits, read_csv, read_table
from selectlib.scoring import read_scores, write_sheets
from selectlib.scoring.errors import EvaluationInputError
from selectlib.scoring.inputs import Evaluator

SPEC = selectlib.load_profile(FLAGSHIP).spec.evaluation
assert SPEC is not None
SHEET_XML = "xl/worksheets/sheet1.xml"


def sparse(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no room on disk."""
    with path.open("wb") as file:
        file.truncate(size)
    return path


def edit_part(path: Path, part: str, old: bytes, new: bytes) -> Path:
    """``path`` with the first ``old`` of one zip part replaced by ``new``."""
    with zipfile.ZipFile(path) as book:
        found = {name: book.read(name) for name in book.namelist()}
    assert old in found[part], (part, old)
    found[part] = found[part].replace(old, new, 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in found.items():
            book.writestr(name, data)
    return path


def forge_unpacked_size(path: Path, part: str, size: int) -> Path:
    """``path`` with its zip directory claiming that ``part`` unpacks to ``size`` bytes."""
    data = bytearray(path.read_bytes())
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) >= 0:  # a central directory entry
        (length,) = struct.unpack_from("<H", data, start + 28)
        if data[start + 46 : start + 46 + length] == part.encode():
            struct.pack_into("<I", data, start + 24, size)
            path.write_bytes(bytes(data))
            return path
        start += 46
    raise AssertionError(f"no part {part}")


def forge_part_count(path: Path, parts: int, *, zip64: bool) -> Path:
    """``path`` with its zip's end record (or a zip64 one put before it) claiming ``parts``."""
    data = path.read_bytes()
    at = data.rfind(b"PK\x05\x06")
    end = bytearray(data[at:])
    size, offset = struct.unpack_from("<2L", end, 12)
    zip64_records = b""
    if zip64:
        record = (b"PK\x06\x06", 44, 45, 45, 0, 0, parts, parts, size, offset)
        locator = (b"PK\x06\x07", 0, at, 1)
        zip64_records = struct.pack("<4sQ2H2L4Q", *record) + struct.pack("<4sLQL", *locator)
        parts = 0xFFFF
    struct.pack_into("<2H", end, 8, parts, parts)
    path.write_bytes(data[:at] + zip64_records + bytes(end))
    return path


def table_book(path: Path, rows: int = 3) -> Path:
    book = openpyxl.Workbook()
    book.active.append(["applicant_id", "staff"])
    for number in range(1, rows):
        book.active.append([f"A{number:02}", number])
    book.save(path)
    return path


def score_book(folder: Path) -> Path:
    """One evaluator's score workbook with A01's first score filled in (C6 = 27.5)."""
    assert SPEC is not None
    applicants = pd.DataFrame({"applicant_id": ["A01", "A02"]})
    path = write_sheets(SPEC, "document", applicants, [Evaluator("E01", "김", True)], folder)[0]
    book = openpyxl.load_workbook(path)
    book["점수표"]["C6"] = 27.5
    book.save(path)
    return path


def score_problem(path: Path) -> str:
    """The one problem reading ``path`` as scores gives (its place must be the file)."""
    assert SPEC is not None
    with pytest.raises(EvaluationInputError) as info:
        read_scores(path, SPEC)
    [problem] = info.value.problems
    assert problem.where == path.name
    return problem.message


# -- file size -----------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json", ".parquet"])
def test_a_table_file_too_large_is_refused_before_it_is_read(
    tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = sparse(tmp_path / f"huge{suffix}", limits.MAX_TABLE_BYTES + 1)

    def no_reading(*_: object) -> bytes:
        raise AssertionError("read before its size was checked")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(selectlib.InputError) as info:
        read_table(path)
    assert str(info.value) == (
        f"{path}: the file is {limits.MAX_TABLE_BYTES + 1:,} bytes, more than a table may be;"
        " it was not read: the limit is MAX_TABLE_BYTES = 536,870,912 (selectlib.io.limits);"
        " split the file, or raise MAX_TABLE_BYTES"
    )


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_score_file_too_large_is_refused(tmp_path: Path, suffix: str) -> None:
    path = sparse(tmp_path / f"scores{suffix}", limits.MAX_TABLE_BYTES + 1)
    assert "MAX_TABLE_BYTES" in score_problem(path)


def test_the_cli_says_which_limit_a_file_passed(tmp_path: Path) -> None:
    path = sparse(tmp_path / "applicants.csv", limits.MAX_TABLE_BYTES + 1)
    result = CliRunner().invoke(cli.app, ["check", FLAGSHIP, str(path), "--on", ON])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {path}: the file is 536,870,913 bytes")
    assert "raise MAX_TABLE_BYTES" in result.stderr
    assert "Traceback" not in result.output


# -- CSV cells -----------------------------------------------------------------------------


def test_a_csv_cell_at_the_limit_reads_and_one_past_it_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    at_limit = "가" * limits.MAX_CSV_FIELD_CHARS
    path.write_text(f"applicant_id,note\r\nA01,{at_limit}\r\nA02,short\r\n", encoding="utf-8")
    assert read_csv(path)["note"].str.len().tolist() == [limits.MAX_CSV_FIELD_CHARS, 5]
    path.write_text(f"applicant_id,note\rA01,short\rA02,{at_limit}가\r", encoding="utf-8")
    with pytest.raises(selectlib.InputError) as info:
        read_csv(path)
    assert (info.value.row, info.value.field) == (1, "note")
    assert "a cell of 131,073 characters" in str(info.value)
    assert "shorten it, or raise MAX_CSV_FIELD_CHARS" in str(info.value)


def test_a_csv_header_cell_past_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("x" * (limits.MAX_CSV_FIELD_CHARS + 1) + ",b\n1,2\n", encoding="utf-8")
    with pytest.raises(selectlib.InputError, match="line 1: a header cell is longer"):
        read_table(path)
    path.write_text("stage,score\n" + "x" * (limits.MAX_CSV_FIELD_CHARS + 1) + ",2\n")
    assert "raise MAX_CSV_FIELD_CHARS" in score_problem(path)


# -- xlsx: unpacked size, rows, columns, cells, declared dimensions ------------------------


def test_a_workbook_that_would_unpack_past_the_limit_is_not_parsed(tmp_path: Path) -> None:
    table = forge_unpacked_size(table_book(tmp_path / "a.xlsx"), SHEET_XML, 2**31)
    with pytest.raises(selectlib.InputError) as info:
        read_table(table)
    assert "the workbook's parts unpack to 2,147,4" in str(info.value)
    assert "it was not read: the limit is MAX_XLSX_UNPACKED_BYTES = 1,073,741,824" in str(
        info.value
    )
    scores = forge_unpacked_size(score_book(tmp_path), "xl/styles.xml", 2**31)
    assert "MAX_XLSX_UNPACKED_BYTES" in score_problem(scores)


@pytest.mark.parametrize(("parts", "zip64"), [(20_000, False), (50_000_000, True)])
def test_a_zip_directory_listing_too_many_parts_is_not_read(
    tmp_path: Path, parts: int, zip64: bool
) -> None:
    path = forge_part_count(table_book(tmp_path / "a.xlsx"), parts, zip64=zip64)
    with pytest.raises(selectlib.InputError) as info:
        read_table(path)
    assert f"the workbook's zip directory lists {parts:,} parts, more than allowed" in str(
        info.value
    )
    assert "the limit is MAX_XLSX_PARTS = 10,000" in str(info.value)


def test_a_zip64_end_record_of_a_few_parts_is_read(tmp_path: Path) -> None:
    path = forge_part_count(table_book(tmp_path / "a.xlsx"), 9, zip64=True)
    assert read_table(path)["applicant_id"].tolist() == ["A01", "A02"]


def test_a_row_moved_far_down_is_refused_not_walked(tmp_path: Path) -> None:
    path = edit_part(table_book(tmp_path / "a.xlsx"), SHEET_XML, b'r="3"', b'r="99999999915"')
    with pytest.raises(selectlib.InputError) as info:
        read_table(path)
    assert "sheet 'Sheet' has a row past row 1,048,576, more than allowed" in str(info.value)
    assert "the limit is MAX_XLSX_ROWS" in str(info.value)


def test_a_cell_past_the_last_column_is_refused(tmp_path: Path) -> None:
    path = edit_part(table_book(tmp_path / "a.xlsx"), SHEET_XML, b'r="B2"', b'r="XFE2"')
    with pytest.raises(selectlib.InputError) as info:
        read_table(path)
    assert "sheet 'Sheet', row 2 has a cell in column XFE, past column XFD" in str(info.value)
    assert "MAX_XLSX_COLUMNS" in str(info.value)


def test_a_sheet_wider_and_longer_than_the_cells_allowed(tmp_path: Path) -> None:
    rows = limits.MAX_XLSX_CELLS // limits.MAX_XLSX_COLUMNS + 1
    path = edit_part(table_book(tmp_path / "a.xlsx", rows), SHEET_XML, b'r="B1"', b'r="XFD1"')
    with pytest.raises(selectlib.InputError) as info:
        read_table(path)
    assert f"spans more than 20,000,000 cells (rows × columns) by row {rows}" in str(info.value)
    assert "MAX_XLSX_CELLS" in str(info.value)


def test_a_declared_dimension_is_not_trusted(tmp_path: Path) -> None:
    path = table_book(tmp_path / "a.xlsx")
    expected = read_table(path)
    edit_part(path, SHEET_XML, b'<dimension ref="A1:B3"', b'<dimension ref="A1:XFD1048576"')
    pd.testing.assert_frame_equal(read_table(path), expected)
    scores = score_book(tmp_path / "scores")
    assert SPEC is not None
    expected = read_scores(scores, SPEC)
    edit_part(scores, SHEET_XML, b'<dimension ref="A1:I7"', b'<dimension ref="A1:XFD1048576"')
    pd.testing.assert_frame_equal(read_scores(scores, SPEC), expected)


# -- score workbooks -----------------------------------------------------------------------


def test_a_score_cell_renamed_far_down_is_not_walked(tmp_path: Path) -> None:
    """The case of issue 12: one cell's reference renamed to row 99,999,999,915."""
    assert SPEC is not None
    path = score_book(tmp_path)
    expected = read_scores(path, SPEC)
    edit_part(path, SHEET_XML, b'r="C6"', b'r="C99999999915"')
    pd.testing.assert_frame_equal(read_scores(path, SPEC), expected)


def test_a_score_row_moved_past_the_limit_is_refused(tmp_path: Path) -> None:
    path = edit_part(score_book(tmp_path), SHEET_XML, b'<row r="7"', b'<row r="99999999915"')
    message = score_problem(path)
    assert "sheet '점수표' has a row past row 100,000, more than allowed" in message
    assert "the limit is MAX_SCORE_SHEET_ROWS = 100,000" in message


def test_score_rows_up_to_the_limit_are_read(tmp_path: Path) -> None:
    assert SPEC is not None
    path = score_book(tmp_path)
    last = limits.MAX_SCORE_SHEET_ROWS
    note = f'<row r="{last}"><c r="B{last}" t="inlineStr"><is><t>note</t></is></c></row>'
    edit_part(path, SHEET_XML, b"</sheetData>", f"{note}</sheetData>".encode())
    assert read_scores(path, SPEC)["score"].dropna().tolist() == [27.5]
    edit_part(path, SHEET_XML, f'<row r="{last}">'.encode(), f'<row r="{last + 1}">'.encode())
    assert "MAX_SCORE_SHEET_ROWS" in score_problem(path)


def test_a_score_cell_past_the_last_column_is_refused(tmp_path: Path) -> None:
    path = edit_part(score_book(tmp_path), SHEET_XML, b'r="H6"', b'r="AY6"')
    message = score_problem(path)
    assert "sheet '점수표', row 6 has a cell in column AY, past column AX" in message
    assert "the limit is MAX_SCORE_SHEET_COLUMNS = 50" in message


def test_a_long_score_table_moved_far_down_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["stage", "evaluator_id", "applicant_id", "criterion", "score"])
    book.active.append(["document", "E01", "A01", "capability", 20])
    book.save(path)
    edit_part(path, SHEET_XML, b'<row r="2"', b'<row r="99999999915"')
    assert "MAX_SCORE_SHEET_ROWS" in score_problem(path)
