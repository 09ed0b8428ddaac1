"""``selectlib evaluate --scores DIR``: the folder's evaluators and recusals tables are read
as such (both, either or neither), told apart by their columns, and the output says which
files were read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from selectlib.cli import app as cli
from selectlib.io import sample_data_dir
from selectlib.scoring.errors import EvaluationInputError
from selectlib.scoring.folder import kind_of, read_folder

FLAGSHIP = "micro_manufacturer_center_2024"
ON = "2024-05-01"
SAMPLE = sample_data_dir() / "applicants.csv"
COMMITTEE = sample_data_dir() / "evaluation"


def folder(tmp_path: Path, *names: str) -> Path:
    """A scores folder holding copies of the sample committee's ``names``."""
    target = tmp_path / "scores"
    target.mkdir()
    for name in names:
        shutil.copy(COMMITTEE / name, target / name)
    return target


def evaluate(scores: Path, tmp_path: Path, *extra: str | Path) -> tuple[Result, dict[str, object]]:
    out = tmp_path / "report.json"
    args = [
        "evaluate", FLAGSHIP, "--applicants", SAMPLE, "--scores", scores, "--on", ON,
        "--resamples", "0", "--lang", "en", "--out", out, *extra,
    ]  # fmt: skip
    result = CliRunner().invoke(cli.app, [str(a) for a in args], env={"COLUMNS": "250"})
    report = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    return result, report


def read_line(result: Result) -> str:
    return next(line for line in result.stdout.splitlines() if line.startswith("read: "))


NO_RECUSAL = (
    "no document score from E03 for A11 on capability (fix: fill the score, or record a recusal"
)
"""Without the sample's recusals, the scores E03 did not give A11 are missing."""


def test_scores_only_with_the_evaluators_named(tmp_path: Path) -> None:
    scores = folder(tmp_path, "scores.csv")
    result, _ = evaluate(scores, tmp_path, "--evaluators", COMMITTEE / "evaluators.csv")
    line = read_line(result)
    assert f"scores {scores / 'scores.csv'}" in line
    assert f"evaluators {COMMITTEE / 'evaluators.csv'}" in line
    assert line.endswith("no recusals")
    assert result.exit_code == 1
    assert NO_RECUSAL in result.stderr


def test_scores_only_without_evaluators_says_how_to_fix_it(tmp_path: Path) -> None:
    result, _ = evaluate(folder(tmp_path, "scores.csv"), tmp_path)
    assert result.exit_code == 1
    assert "no evaluators: pass --evaluators FILE" in result.stderr
    assert "Traceback" not in result.output


def test_with_the_folders_evaluators(tmp_path: Path) -> None:
    scores = folder(tmp_path, "scores.csv", "evaluators.csv")
    result, _ = evaluate(scores, tmp_path)
    line = read_line(result)
    assert f"evaluators {scores / 'evaluators.csv'}" in line
    assert line.endswith("no recusals")
    assert result.exit_code == 1
    assert NO_RECUSAL in result.stderr


def test_with_the_folders_recusals(tmp_path: Path) -> None:
    scores = folder(tmp_path, "scores.csv", "recusals.csv")
    result, report = evaluate(scores, tmp_path, "--evaluators", COMMITTEE / "evaluators.csv")
    assert result.exit_code == 0, result.output
    assert f"recusals {scores / 'recusals.csv'}" in read_line(result)
    assert len(report["recusals"]) == 4  # type: ignore[arg-type]


def test_with_both_the_sample_folder_reads_all_three(tmp_path: Path) -> None:
    result, report = evaluate(COMMITTEE, tmp_path)
    assert result.exit_code == 0, result.output
    line = read_line(result)
    for kind in ("scores", "evaluators", "recusals"):
        assert f"{kind} {COMMITTEE / (kind + '.csv')}" in line
    assert len(report["recusals"]) == 4  # type: ignore[arg-type]


def test_files_are_told_apart_by_their_columns_not_their_names(tmp_path: Path) -> None:
    target = tmp_path / "mixed"
    target.mkdir()
    shutil.copy(COMMITTEE / "evaluators.csv", target / "scores_committee.csv")
    shutil.copy(COMMITTEE / "recusals.csv", target / "a_evaluators.csv")
    shutil.copy(COMMITTEE / "scores.csv", target / "recusals.csv")
    (target / "평가위원.csv").write_text("평가위원ID,성명,외부위원\nE01,김,예\n", encoding="utf-8")
    assert kind_of(target / "평가위원.csv") == "evaluators"
    (target / "평가위원.csv").unlink()
    found = read_folder(target)
    assert found.scores == (target / "recusals.csv",)
    assert found.evaluators == target / "scores_committee.csv"
    assert found.recusals == target / "a_evaluators.csv"


def test_an_unknown_file_in_the_folder_is_named_with_its_columns(tmp_path: Path) -> None:
    scores = folder(tmp_path, "scores.csv", "evaluators.csv")
    (scores / "notes.csv").write_text("memo,date\nhello,2024-05-01\n", encoding="utf-8")
    result, _ = evaluate(scores, tmp_path)
    assert result.exit_code == 1
    assert "notes.csv: not a score, evaluators or recusals table (its columns: date, memo)" in (
        result.stderr
    )
    assert "Traceback" not in result.output


def test_two_evaluators_tables_are_refused(tmp_path: Path) -> None:
    scores = folder(tmp_path, "scores.csv", "evaluators.csv")
    shutil.copy(COMMITTEE / "evaluators.csv", scores / "evaluators_old.csv")
    with pytest.raises(EvaluationInputError, match="2 evaluators tables") as caught:
        read_folder(scores)
    assert "--evaluators FILE" in str(caught.value)
