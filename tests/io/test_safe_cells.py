"""Hostile text stays text: no written cell becomes a spreadsheet formula.

Every xlsx writer (tables, the evaluation report, the evaluators' score sheets) stores a
text starting with ``=`` as text, and every CSV writer guards a text a spreadsheet would
read as a formula; reading our own CSV back takes the guard off again.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import selectlib
from selectlib.io import read_table, sample_data_dir, write_table
from selectlib.io.safe import FORMULA_STARTS, csv_text
from selectlib.scoring import Evaluator, write_sheets

HOSTILE = [
    '=HYPERLINK("http://evil.invalid","click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1",
    "평범한 이름",
]


def formulas(path: Path) -> list[str]:
    """Every cell of every sheet that openpyxl reads as a formula (or a formula-typed text)."""
    book = openpyxl.load_workbook(path)
    return [
        f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def test_a_table_written_as_xlsx_has_no_formula(tmp_path: Path) -> None:
    frame = pd.DataFrame({"name": HOSTILE, "n": range(len(HOSTILE))})
    write_table(frame, tmp_path / "out.xlsx")
    assert formulas(tmp_path / "out.xlsx") == []
    back = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    assert [c.value for c in back["A"]][1:] == HOSTILE  # the text itself is kept


def test_a_table_written_as_csv_is_guarded_and_reads_back_unchanged(tmp_path: Path) -> None:
    frame = pd.DataFrame({"name": HOSTILE, "n": [str(i) for i in range(len(HOSTILE))]})
    write_table(frame, tmp_path / "out.csv")
    raw = (tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()
    cells = [line.split(",")[0].strip('"') for line in raw[1:]]
    assert not any(cell.startswith(FORMULA_STARTS) for cell in cells if cell)
    assert read_table(tmp_path / "out.csv")["name"].tolist() == HOSTILE


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_text_guards_exactly_what_a_spreadsheet_reads_as_a_formula(text: str) -> None:
    assert csv_text(text).startswith("'") == text.startswith(FORMULA_STARTS)


def test_the_evaluation_report_and_score_sheets_have_no_formula_from_input(
    tmp_path: Path,
) -> None:
    profile = selectlib.load_profile("micro_manufacturer_center_2024")
    spec = profile.spec.evaluation
    assert spec is not None
    applicants = pd.DataFrame(
        {"applicant_id": ["A01", "=A02"], "applicant_name": [HOSTILE[0], HOSTILE[1]]}
    )
    people = [Evaluator("E1", "=김하늘", external=True)]
    paths = write_sheets(spec, "document", applicants, people, tmp_path, program=profile.name)
    sheet = paths[0]
    found = formulas(sheet)
    # the only formulas are the sheet's own row totals (=SUM(...)), never an input's text
    assert found
    assert all("=SUM(" in f for f in found), found
    values = [c.value for row in openpyxl.load_workbook(sheet)["점수표"].iter_rows() for c in row]
    assert HOSTILE[0] in values
    assert "=A02" in values

    from selectlib.scoring import (
        evaluate_selection,
        read_evaluators,
        read_recusals,
        read_scores,
        write_report,
    )

    folder = sample_data_dir() / "evaluation"
    table = read_table(sample_data_dir() / "applicants.csv")
    table.loc[0, "applicant_name"] = HOSTILE[0]
    result = evaluate_selection(
        profile,
        table,
        read_scores(folder / "scores.csv", spec),
        read_evaluators(folder / "evaluators.csv"),
        read_recusals(folder / "recusals.csv"),
        on="2024-05-01",
    )
    report = write_report(result, tmp_path / "report.xlsx")
    assert formulas(report) == []
