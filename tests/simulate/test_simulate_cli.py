"""``selectlib simulate``: the sweep table on the terminal and in files; errors in one line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from paths import ROOT
from strategies import FLAGSHIP, ON
from typer.testing import CliRunner, Result

import selectlib
from selectlib.cli import app as cli
from selectlib.io import read_table

APPLICANTS = ROOT / "sample_data" / "applicants.csv"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(
        cli.app, ["simulate", *map(str, args)], env={"SELECTLIB_LANG": "en", "COLUMNS": "200"}
    )


def test_the_table_written_is_the_library_sweep(tmp_path: Path) -> None:
    out = tmp_path / "sweep.csv"
    result = run(
        FLAGSHIP, APPLICANTS, "--vary", "min_staff=1,2,3", "--vary", "cluster_min.metro=30,40",
        "--by", "region", "--on", ON, "--out", out, "--lang", "en",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "6 grid points over 40 applicants" in result.output
    assert f"wrote 102 rows to {out}" in result.output.replace("\n", "")
    written = read_table(out)
    vary = {"min_staff": [1, 2, 3], "cluster_min.metro": [30, 40]}
    expected = selectlib.sweep(
        selectlib.load_profile(FLAGSHIP), read_table(APPLICANTS), vary, on=ON, by="region"
    )
    assert written.columns.tolist() == expected.columns.tolist()
    assert written.astype(str).values.tolist() == expected.astype(str).values.tolist()


def test_the_terminal_shows_the_counts(tmp_path: Path) -> None:
    result = run(FLAGSHIP, APPLICANTS, "--vary", "min_staff=1,5", "--zip", "--on", ON)
    assert result.exit_code == 0, result.output
    assert "2 grid points over 40 applicants" in result.output
    assert "per-criterion failures: --out FILE" in result.output


@pytest.mark.parametrize(
    ("vary", "message"),
    [
        ("min_staf=1,2", "error: vary: 'min_staf': no such parameter in "),
        ("min_staff=", "error: vary: 'min_staff': the list of values is empty"),
        ("min_staff=a,b", "error: vary: 'min_staff': 'a' does not fit"),
        ("allocation=rank", "error: vary: 'allocation': no such parameter"),
    ],
)
def test_bad_vary_is_one_error_line(vary: str, message: str) -> None:
    result = run(FLAGSHIP, APPLICANTS, "--vary", vary, "--on", ON)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_vary_that_is_not_key_values_is_a_usage_error() -> None:
    result = run(FLAGSHIP, APPLICANTS, "--vary", "min_staff", "--on", ON)
    assert result.exit_code == 2
    assert "is not KEY=V1,V2" in result.output
    twice = run(FLAGSHIP, APPLICANTS, "--vary", "min_staff=1", "--vary", "min_staff=2")
    assert twice.exit_code == 2
    assert "given twice" in twice.output


def test_html_is_the_report_and_inputs_are_refused_before_any_work(tmp_path: Path) -> None:
    report = tmp_path / "s.html"
    html = run(FLAGSHIP, APPLICANTS, "--vary", "min_staff=1,3", "--out", report, "--on", ON)
    assert html.exit_code == 0, html.output
    page = report.read_text(encoding="utf-8")
    assert "<svg" in page or "data:image/svg" in page  # the charts, inlined
    assert "criteria.micro_manufacturer_related" in page  # the assumptions in force
    copy = tmp_path / "applicants.csv"
    copy.write_bytes(APPLICANTS.read_bytes())
    over = run(FLAGSHIP, copy, "--vary", "min_staff=1", "--out", copy, "--force", "--on", ON)
    assert over.exit_code == 1
    assert copy.read_bytes() == APPLICANTS.read_bytes()


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # inside dask, on pandas 3.1
def test_a_folder_of_parquet_partitions_is_swept_with_dask(tmp_path: Path) -> None:
    pytest.importorskip("dask.dataframe")
    frame = read_table(APPLICANTS)
    folder = tmp_path / "parts"
    folder.mkdir()
    for number, (_, part) in enumerate(frame.groupby(frame.index % 3)):
        part.to_parquet(folder / f"part{number}.parquet", index=False)
    out = tmp_path / "sweep.parquet"
    result = run(FLAGSHIP, folder, "--vary", "min_staff=1,4", "--by", "area_type",
                 "--on", ON, "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    expected = selectlib.sweep(
        selectlib.load_profile(FLAGSHIP), frame, {"min_staff": [1, 4]}, on=ON, by="area_type"
    )
    written = pd.read_parquet(out)
    assert written.astype(str).values.tolist() == expected.astype(str).values.tolist()
    lonely = run(FLAGSHIP, APPLICANTS, "--vary", "min_staff=1", "--scheduler", "tcp://x:1")
    assert lonely.exit_code == 2
