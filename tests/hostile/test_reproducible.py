"""The same inputs give the same bytes: tables, reports, score sheets, the map, the schema.

Each output is written twice with the clock moved by a day in between (xlsx files used
to carry the time in their zip entries and document properties, and maps carried random
element ids); the two files must be identical.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from paths import DIRTY_GEO
from typer.testing import CliRunner

import selectlib
from selectlib.cli.app import app
from selectlib.io import read_table, sample_data_dir, write_table
from selectlib.io.files import FIXED_TIME, fixed_time
from selectlib.scoring import (
    EvaluationResult,
    Evaluator,
    evaluate_selection,
    read_evaluators,
    read_recusals,
    read_scores,
    write_report,
    write_sheets,
)

FLAGSHIP = "micro_manufacturer_center_2024"
ON = "2024-05-01"
DAY = 86_400.0


def _twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, write: Callable[[Path], object]
) -> tuple[bytes, bytes]:
    """The bytes of ``write`` run into two folders, a day apart by the clock."""
    outputs = []
    for day, folder in enumerate(("first", "second")):
        monkeypatch.setattr(time, "time", lambda day=day: 1.7e9 + day * DAY)
        target = tmp_path / folder / name
        write(target)
        outputs.append(target.read_bytes())
    return outputs[0], outputs[1]


@pytest.fixture(scope="module")
def result() -> EvaluationResult:
    profile = selectlib.load_profile(FLAGSHIP)
    assert profile.spec.evaluation is not None
    folder = sample_data_dir() / "evaluation"
    return evaluate_selection(
        profile,
        read_table(sample_data_dir() / "applicants.csv"),
        read_scores(folder / "scores.csv", profile.spec.evaluation),
        read_evaluators(folder / "evaluators.csv"),
        read_recusals(folder / "recusals.csv"),
        on=ON,
    )


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "json", "parquet"])
def test_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    frame = pd.DataFrame({"id": ["A01", "=A02"], "score": [1.5, None], "이름": ["가", "나"]})
    first, second = _twice(
        tmp_path, monkeypatch, f"table.{suffix}", lambda path: write_table(frame, path)
    )
    assert first == second


@pytest.mark.parametrize("suffix", ["html", "xlsx", "json"])
def test_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, result: EvaluationResult, suffix: str
) -> None:
    first, second = _twice(
        tmp_path, monkeypatch, f"report.{suffix}", lambda path: write_report(result, path)
    )
    assert first == second


def test_score_sheets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = selectlib.load_profile(FLAGSHIP).spec.evaluation
    assert spec is not None
    applicants = pd.DataFrame({"applicant_id": ["A01", "A02"], "applicant_name": ["가", "나"]})
    people = [Evaluator("E1", "김", external=True), Evaluator("E2", "이", external=False)]
    first, second = _twice(
        tmp_path,
        monkeypatch,
        "document_E1.xlsx",
        lambda path: write_sheets(spec, "document", applicants, people, path.parent),
    )
    assert first == second


def test_the_cluster_map_and_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def clusters(path: Path) -> None:
        given = [str(DIRTY_GEO / "firms.csv"), "--areas", str(DIRTY_GEO / "areas.geojson")]
        out = ["--out", str(path.with_suffix(".xlsx")), "--map", str(path)]
        result = CliRunner().invoke(app, ["clusters", *given, "--on", ON, *out])
        assert result.exit_code == 0, result.output

    first, second = _twice(tmp_path, monkeypatch, "map.html", clusters)
    assert first == second
    assert b"map_00000000000000000000000000000001" in first  # ids numbered, not random
    tables = [(tmp_path / f / "map.xlsx").read_bytes() for f in ("first", "second")]
    assert tables[0] == tables[1]


def test_xlsx_times_are_fixed_or_source_date_epoch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_table(pd.DataFrame({"a": [1]}), tmp_path / "a.xlsx")
    with zipfile.ZipFile(path) as book:
        assert {item.date_time for item in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert b"1980-01-01T00:00:00Z" in book.read("docProps/core.xml")
    assert fixed_time() == FIXED_TIME
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714521600")  # 2024-05-01T00:00:00Z
    path = write_table(pd.DataFrame({"a": [1]}), tmp_path / "b.xlsx")
    with zipfile.ZipFile(path) as book:
        assert {item.date_time for item in book.infolist()} == {(2024, 5, 1, 0, 0, 0)}
        assert b"2024-05-01T00:00:00Z" in book.read("docProps/core.xml")
