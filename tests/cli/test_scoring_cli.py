"""The ``selectlib sheets`` and ``selectlib evaluate`` commands on the sample committee."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
from typer.testing import CliRunner, Result

from selectlib.cli import app as cli
from selectlib.io import sample_data_dir

FLAGSHIP = "micro_manufacturer_center_2024"
ON = "2024-05-01"
SAMPLE = sample_data_dir() / "applicants.csv"
COMMITTEE = sample_data_dir() / "evaluation"
ELIGIBLE = ["A01", "A03", "A04", "A06", "A07", "A09", "A10", "A11", "A17", "A21", "A35"]
SELECTED = "A04, A11, A10, A01, A35"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli.app, [str(a) for a in args], env={"COLUMNS": "250"})


def evaluate(*extra: str | Path) -> Result:
    return run(
        "evaluate", FLAGSHIP, "--applicants", SAMPLE, "--scores", COMMITTEE / "scores.csv",
        "--recusals", COMMITTEE / "recusals.csv", "--on", ON, *extra,
    )  # fmt: skip


def test_evaluate_prints_the_selection_and_writes_each_report(tmp_path: Path) -> None:
    for suffix in ("html", "xlsx", "json"):
        out = tmp_path / f"report.{suffix}"
        result = evaluate("--out", out, "--resamples", "50", "--lang", "en")
        assert result.exit_code == 0, result.output
        assert f"selected: {SELECTED}" in result.stdout
        assert "reserves: A21, A06" in result.stdout
        assert f"wrote {out}" in result.stdout
        assert out.stat().st_size > 0
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert ", ".join(report["selected"]) == SELECTED


def test_evaluate_finds_the_evaluators_beside_the_scores_and_speaks_korean() -> None:
    result = evaluate("--resamples", "0")
    assert result.exit_code == 0, result.output
    assert f"선정: {SELECTED}" in result.stdout
    assert "'지역 균형 (시·도별 최대 2개)' 제한으로 선정되지 않았습니다" in result.stdout


def test_evaluate_reports_bad_scores_with_their_rows(tmp_path: Path) -> None:
    scores = pd.read_csv(COMMITTEE / "scores.csv", dtype=str)
    scores.loc[3, "score"] = "팔"
    scores.loc[7, "score"] = "99"
    broken = tmp_path / "scores.csv"
    scores.to_csv(broken, index=False)
    result = run(
        "evaluate", FLAGSHIP, "--applicants", SAMPLE, "--scores", broken,
        "--evaluators", COMMITTEE / "evaluators.csv", "--on", ON, "--resamples", "0",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "scores.csv, row 5, column score: '팔' is not a number" in result.stderr
    assert "scores.csv, row 9, column score: 99 is outside" in result.stderr
    assert "Traceback" not in result.output


def test_evaluate_without_evaluators_says_how_to_fix_it(tmp_path: Path) -> None:
    alone = tmp_path / "scores.csv"
    alone.write_bytes((COMMITTEE / "scores.csv").read_bytes())
    result = run("evaluate", FLAGSHIP, "--applicants", SAMPLE, "--scores", alone, "--on", ON)
    assert result.exit_code == 1
    assert "pass --evaluators FILE" in result.stderr


def test_sheets_for_the_first_stage_list_the_eligible(tmp_path: Path) -> None:
    result = run(
        "sheets", FLAGSHIP, "--stage", "document", "--applicants", SAMPLE,
        "--evaluators", COMMITTEE / "evaluators.csv", "--recusals", COMMITTEE / "recusals.csv",
        "--on", ON, "--out", tmp_path,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    books = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    assert books == [f"document_E0{i}.xlsx" for i in (1, 2, 3, 5, 6, 7)]  # E04: site only
    sheet = openpyxl.load_workbook(tmp_path / "document_E03.xlsx")["점수표"]
    ids = [sheet.cell(row, 1).value for row in range(6, 6 + len(ELIGIBLE))]
    assert ids == ELIGIBLE
    a11 = 6 + ELIGIBLE.index("A11")
    assert "제척" in str(sheet.cell(a11, 3 + 5 + 1).value)  # 비고 after 5 criteria and 합계


def test_sheets_for_a_later_stage_need_and_use_the_earlier_scores(tmp_path: Path) -> None:
    common = [
        "sheets", FLAGSHIP, "--stage", "presentation", "--applicants", SAMPLE,
        "--evaluators", COMMITTEE / "evaluators.csv", "--recusals", COMMITTEE / "recusals.csv",
        "--on", ON, "--out", tmp_path,
    ]  # fmt: skip
    result = run(*common)
    assert result.exit_code == 1
    assert "give --scores" in result.stderr
    scores = pd.read_csv(COMMITTEE / "scores.csv", dtype=str)
    earlier = tmp_path / "earlier.csv"
    scores[scores["stage"] != "presentation"].to_csv(earlier, index=False)
    result = run(*common, "--scores", earlier)
    assert result.exit_code == 0, result.output
    assert "발표평가: 채점할 신청기관 8개, 평가표" in result.stdout  # Korean by default
    template = pd.read_csv(tmp_path / "presentation_scores_template.csv", dtype=str)
    assert sorted(set(template["applicant_id"])) == sorted(
        ["A01", "A04", "A06", "A07", "A10", "A11", "A21", "A35"]
    )
