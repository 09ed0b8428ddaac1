"""The command line says which rules rest on an assumption: ``profiles show`` marks them,
``check``, ``compare`` and ``benefits`` list those in force, and ``profiles validate
--strict`` refuses a parameter with neither a source nor an assumption."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner, Result

from selectlib.cli import app as cli

PROFILE = """\
id: assumed_cli
name: {ko: 시험, en: test}
valid_from: 2018-01-01
identifier: applicant_id
fields:
  applicant_id: {kind: text, required: false, description: {ko: id, en: id}}
  staff: {kind: integer, minimum: 0, description: {ko: 인원, en: staff}}
parameters:
  min_staff:
    description: {ko: 최소 인원, en: minimum staff}
    source: "004 ⑤"
    value: 3
  spare:
    description: {ko: 여유, en: spare}
    assumption: {ko: 여유 인원은 공고에 없음, en: the notice gives no spare staff}
    value: 0
criteria:
  - id: staffed
    label: {ko: 인원, en: staffed}
    source: "004 ⑤"
    condition: staff >= min_staff + spare
    assumption: {ko: 상근 인원만 셈, en: only full-time staff count}
    messages:
      passed: {ko: 충족, en: met}
      failed: {ko: 미달, en: not met}
      missing: {ko: 없음, en: missing}
"""


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(
        cli.app, list(map(str, args)), env={"COLUMNS": "250", "SELECTLIB_LANG": "en"}
    )


def files(tmp_path: Path, text: str = PROFILE) -> tuple[Path, Path]:
    profile = tmp_path / "assumed_cli.yaml"
    profile.write_text(text, encoding="utf-8")
    table = tmp_path / "rows.csv"
    pd.DataFrame({"applicant_id": ["a", "b"], "staff": [3, 2]}).to_csv(table, index=False)
    return profile, table


def test_show_marks_the_assumed_rules_and_lists_them(tmp_path: Path) -> None:
    profile, _ = files(tmp_path)
    shown = run("profiles", "show", profile, "--on", "2024-05-01")
    assert shown.exit_code == 0, shown.output
    assert "004 ⑤ (assumed)" in shown.output  # the criterion
    assert "(assumed)" in next(line for line in shown.output.splitlines() if "spare" in line)
    assert "parameters.spare: the notice gives no spare staff" in shown.output
    assert "criteria.staffed: only full-time staff count" in shown.output
    korean = run("profiles", "show", profile, "--on", "2024-05-01", "--lang", "ko")
    assert "criteria.staffed: 상근 인원만 셈" in korean.output


def test_check_and_compare_list_the_assumptions_in_force(tmp_path: Path) -> None:
    profile, table = files(tmp_path)
    checked = run("check", profile, table, "--on", "2024-05-01")
    assert checked.exit_code == 0, checked.output
    assert "assumptions (where the sources are silent" in checked.output
    assert "parameters.spare: the notice gives no spare staff" in checked.output
    compared = run("compare", profile, table, "--set", "min_staff=2", "--on", "2024-05-01")
    assert compared.exit_code == 0, compared.output
    assert "criteria.staffed: only full-time staff count" in compared.output


def test_validate_strict_refuses_an_unlabelled_number(tmp_path: Path) -> None:
    labelled, _ = files(tmp_path)
    assert run("profiles", "validate", "--strict", labelled).exit_code == 0
    bare = tmp_path / "bare.yaml"
    bare.write_text(PROFILE.replace('    source: "004 ⑤"\n    value: 3', "    value: 3"), "utf-8")
    assert run("profiles", "validate", bare).exit_code == 0  # without --strict: fine
    refused = run("profiles", "validate", "--strict", bare)
    assert refused.exit_code == 1
    assert "$.parameters.min_staff: no source: and no assumption:" in refused.output
    assert "spare" not in refused.output.split("neither sourced")[1]


def test_a_checked_workbook_carries_the_assumptions_on_their_own_sheet(tmp_path: Path) -> None:
    import openpyxl

    hostile = PROFILE.replace("only full-time staff count", "=HYPERLINK(1) only full-time")
    profile, table = files(tmp_path, hostile)
    out = tmp_path / "decisions.xlsx"
    written = run("check", profile, table, "--on", "2024-05-01", "--out", out)
    assert written.exit_code == 0, written.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["results", "assumptions"]
    rows = [[cell.value for cell in row] for row in book["assumptions"].iter_rows()]
    assert rows == [
        ["where", "assumption"],
        ["parameters.spare", "the notice gives no spare staff"],
        ["criteria.staffed", "=HYPERLINK(1) only full-time"],
    ]
    assert book["assumptions"]["B3"].data_type == "s"  # text, never a formula
    korean = tmp_path / "결정.xlsx"
    assert run("check", profile, table, "--out", korean, "--lang", "ko").exit_code == 0
    assert openpyxl.load_workbook(korean).sheetnames == ["결과", "가정"]
