"""``selectlib check`` and ``compare`` stream their input: batch by batch, every row once, in
input order, with the same rows as one ``evaluate_many`` over the whole table."""

from __future__ import annotations

import math
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import batches, examples, object_frame
from typer.testing import CliRunner, Result

import selectlib
from selectlib.cli import app as cli
from selectlib.cli import render
from selectlib.cli.batches import concat_batches
from selectlib.errors import OutputError
from selectlib.io import batch_write, read_table, sample_data_dir, write_table
from selectlib.io.batch_write import CsvWriter, ParquetWriter
from selectlib.io.stream import read_batches

FLAGSHIP = "micro_manufacturer_center_2024"
ON = "2024-05-01"
SAMPLE = sample_data_dir() / "applicants.csv"
REFORM = ["--set", "cluster_min={metro: 30, city: 20, county: 10}", "--set", "min_staff=2"]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(
        cli.app, [str(a) for a in args], env={"COLUMNS": "250", "SELECTLIB_LANG": "en"}
    )


def expected_file(frame: pd.DataFrame, path: Path, drop: str = "reasons_ko") -> Path:
    """What one in-memory pass writes: evaluate_many over the whole table, one language."""
    profile = selectlib.load_profile(FLAGSHIP)
    results = profile.evaluate_many(frame, on=ON, explain=True).drop(columns=drop)
    return write_table(results, path, force=True)


def same_rows(got: Path, expected: Path) -> None:
    """The two files hold the same rows, in the same order (categories aside)."""
    back, want = read_table(got), read_table(expected)
    pd.testing.assert_frame_equal(back.astype(str), want.astype(str))


def sample_as(suffix: str, folder: Path) -> Path:
    frame = read_table(SAMPLE)
    path = folder / f"in.{suffix}"
    if suffix == "csv":
        path.write_bytes(SAMPLE.read_bytes())
    else:
        frame.astype({"area_type": "category", "operator_type": "category"}).to_parquet(path)
    return path


@pytest.mark.parametrize(
    ("source", "target"),
    [("parquet", "parquet"), ("parquet", "xlsx"), ("csv", "csv"), ("csv", "json")],
)  # every reader and every writer; CSV and JSON also byte for byte
def test_streamed_check_gives_the_rows_of_one_pass_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, target: str
) -> None:
    monkeypatch.setattr(cli, "BATCH_ROWS", 7)  # 40 applicants: six batches
    given_file = sample_as(source, tmp_path)
    out = tmp_path / f"out.{target}"
    result = run("check", FLAGSHIP, given_file, "--on", ON, "--out", out)
    assert result.exit_code == 0, result.output
    assert "wrote 40 rows" in result.stdout
    assert "evaluating" not in result.stderr  # no progress bar outside a terminal
    expected = expected_file(read_table(given_file), tmp_path / f"expected.{target}")
    same_rows(out, expected)
    assert read_table(out)["applicant_id"].tolist() == read_table(SAMPLE)["applicant_id"].tolist()
    if target in ("csv", "json"):
        assert out.read_bytes() == expected.read_bytes()


def test_batches_written_on_their_own_thread_keep_their_order_and_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a slow writer: reading and evaluating run ahead of it, and still each batch is
    # written whole, once, in input order, to the bytes of one pass
    write = CsvWriter.write
    written: list[list[str]] = []

    def slow(self: CsvWriter, frame: pd.DataFrame) -> None:
        time.sleep(0.02)
        written.append(frame["applicant_id"].tolist())
        write(self, frame)

    monkeypatch.setattr(CsvWriter, "write", slow)
    monkeypatch.setattr(cli, "BATCH_ROWS", 3)
    out = tmp_path / "out.csv"
    result = run("check", FLAGSHIP, SAMPLE, "--on", ON, "--out", out)
    assert result.exit_code == 0, result.output
    ids = read_table(SAMPLE)["applicant_id"].tolist()
    assert written == [ids[start : start + 3] for start in range(0, 40, 3)]
    assert out.read_bytes() == expected_file(read_table(SAMPLE), tmp_path / "e.csv").read_bytes()


def test_an_error_writing_a_later_batch_stops_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write = ParquetWriter.write
    sizes: list[int] = []

    def failing(self: ParquetWriter, frame: pd.DataFrame) -> None:
        sizes.append(len(frame))
        if len(sizes) == 3:
            raise OutputError("the disk is full; free some space", file="out.parquet")
        write(self, frame)

    monkeypatch.setattr(ParquetWriter, "write", failing)
    monkeypatch.setattr(cli, "BATCH_ROWS", 7)
    out = tmp_path / "out.parquet"
    result = run("check", FLAGSHIP, sample_as("parquet", tmp_path), "--on", ON, "--out", out)
    assert result.exit_code == 1
    assert "error:" in result.output
    assert "the disk is full" in result.output
    assert "Traceback" not in result.output
    assert sizes == [7, 7, 7]  # nothing written after the failed batch
    assert not out.exists()


def test_lang_chooses_the_one_reasons_column_written(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = run("check", FLAGSHIP, SAMPLE, "--on", ON, "--out", out, "--lang", "ko")
    assert result.exit_code == 0, result.output
    columns = read_table(out).columns
    assert "reasons_ko" in columns
    assert "reasons_en" not in columns
    same_rows(out, expected_file(read_table(SAMPLE), tmp_path / "e.csv", drop="reasons_en"))


def test_a_short_row_past_the_first_batch_starts_over_with_the_whole_file_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    lines[30] = lines[30].split(",", 3)[0]  # only an id: pandas reads the rest as missing
    source = tmp_path / "short.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(cli, "BATCH_ROWS", 7)
    out = tmp_path / "out.csv"
    result = run("check", FLAGSHIP, source, "--on", ON, "--out", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == expected_file(read_table(source), tmp_path / "e.csv").read_bytes()


@pytest.mark.parametrize(
    ("encoding", "newline"), [("cp949", "\n"), ("utf-8-sig", "\r"), ("utf-8", "\r\n")]
)
def test_csv_batches_read_what_read_csv_reads(tmp_path: Path, encoding: str, newline: str) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace("A03", "'=A03")
    source = tmp_path / "in.csv"
    source.write_bytes(newline.join(text.splitlines()).encode(encoding) + newline.encode())
    whole = read_table(source)
    parts = list(read_batches(source, rows=6))
    assert [len(part) for part in parts] == [6] * 6 + [4]
    pd.testing.assert_frame_equal(pd.concat(parts), whole)
    assert "=A03" in whole["applicant_id"].tolist()  # the ' guard is taken off


def test_compare_streams_the_same_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "BATCH_ROWS", 3)
    streamed = tmp_path / "streamed.csv"
    result = run("compare", FLAGSHIP, SAMPLE, "--on", ON, *REFORM, "--out", streamed)
    assert result.exit_code == 0, result.output
    baseline = selectlib.load_profile(FLAGSHIP)
    reform = baseline.with_params(
        {"cluster_min": {"metro": 30, "city": 20, "county": 10}, "min_staff": 2}
    )
    whole = selectlib.compare(baseline, reform, read_table(SAMPLE), on=ON)
    assert streamed.read_bytes() == write_table(whole, tmp_path / "whole.csv").read_bytes()
    table = run("compare", FLAGSHIP, SAMPLE, "--on", ON, *REFORM)
    summary = "40 applicants: gained 6 · lost 0 · other 0 · unchanged 34"
    assert table.stdout.rstrip().endswith(summary)


def test_the_terminal_table_formats_only_the_rows_it_shows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cli, "BATCH_ROWS", 4)
    monkeypatch.setattr(cli, "TABLE_ROWS", 5)
    shown: list[int] = []
    why = render._why
    monkeypatch.setattr(render, "_why", lambda r, *a: shown.append(len(r)) or why(r, *a))
    result = run("check", FLAGSHIP, SAMPLE, "--on", ON)
    assert result.exit_code == 0, result.output
    assert shown == [5]
    assert "first 5 of 40 rows" in result.stdout
    assert result.stdout.rstrip().endswith(
        "40 applicants: eligible 11 · ineligible 16 · incomplete 8 · invalid 5"
    )


def test_batches_join_with_their_categories_kept() -> None:
    first = pd.DataFrame({"c": pd.Categorical(["a"]), "n": [1]})
    second = pd.DataFrame({"c": pd.Categorical(["b", "a"]), "n": [2, 3]}, index=[1, 2])
    joined = concat_batches([first, second])
    assert isinstance(joined["c"].dtype, pd.CategoricalDtype)
    assert joined["c"].tolist() == ["a", "b", "a"]
    assert joined.index.tolist() == [0, 1, 2]


def _csv_cell(value: Any) -> str:
    """A raw strategy value as a CSV cell's text (a set as ``a;b``, missing as empty)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        return ";".join(map(str, value))
    return str(value)


@settings(
    max_examples=examples(20),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=batches(max_size=7), size=st.integers(1, 4), lines=st.integers(1, 3))
def test_streamed_csv_check_matches_one_pass_on_any_table(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    rows: list[dict[str, Any]],
    size: int,
    lines: int,
) -> None:
    frame = object_frame(rows)
    if frame.columns.empty:
        frame = pd.DataFrame({"applicant_id": [None] * len(rows)})
    source = tmp_path / "in.csv"
    frame.map(_csv_cell).to_csv(source, index=False)
    monkeypatch.setattr(cli, "BATCH_ROWS", size)
    monkeypatch.setattr(batch_write, "CSV_WRITE_ROWS", lines)  # text made a few rows at a time
    out = tmp_path / "out.csv"
    result = run("check", FLAGSHIP, source, "--on", ON, "--out", out, "--force")
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == expected_file(read_table(source), tmp_path / "e.csv").read_bytes()


def _written(frame: pd.DataFrame, path: Path, **open_args: Any) -> bytes:
    with ExitStack() as stack:
        if open_args:
            handle = stack.enter_context(path.open("w", **open_args))
            CsvWriter(handle, guard=False).write(frame)
        else:
            batch_write.open_writer("csv", path, False, stack).write(frame)
    return path.read_bytes()


def test_dates_are_written_as_pandas_writes_the_whole_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pandas drops the time of a date-time column only when every row is at midnight:
    the rows it is given must be the whole rest of the frame, not a slice of it."""
    monkeypatch.setattr(batch_write, "CSV_WRITE_ROWS", 3)
    times = pd.to_datetime(["2024-05-01 00:00"] * 7 + ["2024-05-01 10:30"])
    frame = pd.DataFrame(
        {"at": times, "wait": times - times[0], "n": range(8), "text": list("abcdefgh")}
    )
    expected = "\ufeff" + frame.to_csv(index=False, lineterminator="\n")
    assert _written(frame, tmp_path / "out.csv").decode("utf-8") == expected


def test_a_stream_that_translates_newlines_gets_them_on_every_line(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": ["x", "y"], "b": [1, 2]})
    written = _written(frame, tmp_path / "out.csv", encoding="utf-8", newline="\r\n")
    assert written == b"a,b\r\nx,1\r\ny,2\r\n"
