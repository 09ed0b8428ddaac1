"""Score sheets a committee hands out: only the score cells can be edited, and sheets sent
back blank get one message, not one per cell."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from strategies import FLAGSHIP
from typer.testing import CliRunner

import selectlib
from selectlib.cli import app as cli
from selectlib.io import sample_data_dir
from selectlib.scoring import read_scores, write_sheets
from selectlib.scoring.errors import EvaluationInputError
from selectlib.scoring.inputs import Evaluator, Recusal

PROFILE = selectlib.load_profile(FLAGSHIP)
SPEC = PROFILE.spec.evaluation
assert SPEC is not None
APPLICANTS = pd.DataFrame(
    {"applicant_id": ["A01", "A02", "A03"], "applicant_name": ["가나공방", "다라센터", "마바협회"]}
)
PANEL = (Evaluator("E01", "김평가", external=True), Evaluator("E02", "이평가", external=False))


def written(out: Path) -> list[Path]:
    assert SPEC is not None
    recused = [Recusal("E01", "A02", "avoidance")]
    return write_sheets(SPEC, "document", APPLICANTS, PANEL, out, recusals=recused)


def test_only_the_score_cells_of_the_rows_to_score_are_unlocked(tmp_path: Path) -> None:
    first = written(tmp_path)[0]
    book = openpyxl.load_workbook(first)
    sheet = book["점수표"]
    assert sheet.protection.sheet
    assert not sheet.protection.password  # no password: Review → Unprotect Sheet
    unlocked = {c.coordinate for row in sheet.iter_rows() for c in row if not c.protection.locked}
    expected = {f"{col}{row}" for col in "CDEFG" for row in (6, 8)}  # A02 (row 7) recused
    assert unlocked == expected
    assert sheet["H6"].protection.locked  # the total formula
    assert book["안내"].protection.sheet
    assert book.security is not None
    assert book.security.lockStructure  # the hidden layout sheet stays hidden and named


def test_blank_sheets_give_one_summary_not_a_problem_per_cell(tmp_path: Path) -> None:
    assert SPEC is not None
    paths = [p for p in written(tmp_path) if p.suffix == ".xlsx"]
    with pytest.raises(EvaluationInputError) as info:
        read_scores(tmp_path, SPEC)
    assert len(info.value.problems) == 1
    problem = info.value.problems[0]
    assert problem.message == "all 3 score sheets are empty"  # two workbooks and the template
    assert problem.hint is not None
    assert "C6:G8 on sheet 점수표" in problem.hint
    assert "column score" in problem.hint
    with pytest.raises(EvaluationInputError, match="the score sheet is empty"):
        read_scores(paths[0], SPEC)


def test_one_filled_score_means_the_sheets_are_read_as_usual(tmp_path: Path) -> None:
    assert SPEC is not None
    first = written(tmp_path)[0]
    book = openpyxl.load_workbook(first)
    book["점수표"]["C6"] = 20
    book.save(first)
    frame = read_scores(tmp_path, SPEC)
    assert frame["score"].notna().sum() == 1


def test_evaluate_on_blank_sheets_says_so_once(tmp_path: Path) -> None:
    written(tmp_path)
    (tmp_path / "evaluators.csv").write_text(
        "evaluator_id,name,external\nE01,김평가,yes\nE02,이평가,no\n", encoding="utf-8"
    )
    args = [
        "evaluate", FLAGSHIP, "--applicants", sample_data_dir() / "applicants.csv",
        "--scores", tmp_path, "--on", "2024-05-01", "--resamples", "0", "--lang", "en",
    ]  # fmt: skip
    result = CliRunner().invoke(cli.app, [str(a) for a in args], env={"COLUMNS": "250"})
    assert result.exit_code == 1
    assert "read: scores 3 files" in result.stdout
    assert "1 problem in the inputs" in result.stderr
    assert "all 3 score sheets are empty (fix: fill in the score cells (C6:G8 on sheet 점수표" in (
        result.stderr
    )
    assert "Traceback" not in result.output
