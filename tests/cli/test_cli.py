"""The ``selectlib`` command: every command's happy path, and errors without tracebacks."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from paths import ROOT
from typer.testing import CliRunner, Result

import selectlib
from selectlib.cli import app as cli
from selectlib.io import read_table, sample_data_dir
from selectlib.profile.compiled import profiles_dir
from selectlib.profile.schema import PROFILE_SCHEMA

FLAGSHIP = "micro_manufacturer_center_2024"
ON = "2024-05-01"
SAMPLE = sample_data_dir() / "applicants.csv"
IDS = [f"A{n:02d}" for n in range(1, 41)]
REFORM = ["--set", "cluster_min={metro: 30, city: 20, county: 10}", "--set", "min_staff=2"]
GAINED_UNDER_REFORM = ["A02", "A05", "A08", "A16", "A38", "A39"]


def run(*args: str | Path) -> Result:
    """Invoke the CLI in-process with a wide terminal, so rich does not wrap cells, in English
    (SELECTLIB_LANG=en: these tests read the English labels)."""
    return CliRunner().invoke(
        cli.app, [str(a) for a in args], env={"COLUMNS": "250", "SELECTLIB_LANG": "en"}
    )


def assert_error(result: Result, *fragments: str) -> None:
    """Exit code 1, 'error: ...' on stderr naming every fragment, and no traceback."""
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in result.stderr
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def check_csv(tmp_path: Path, *extra: str) -> pd.DataFrame:
    out = tmp_path / "out.csv"
    result = run("check", FLAGSHIP, SAMPLE, "--on", ON, "--out", out, "--force", *extra)
    assert result.exit_code == 0, result.output
    return read_table(out)


# -- profiles ------------------------------------------------------------------------------


def test_profiles_list() -> None:
    result = run("profiles", "list", "--lang", "ko")
    assert result.exit_code == 0, result.output
    assert FLAGSHIP in result.stdout
    assert "소공인특화지원센터" in result.stdout
    assert "Micro-manufacturer" in run("profiles", "list", "--lang", "en").stdout


def test_profiles_show() -> None:
    result = run("profiles", "show", FLAGSHIP, "--on", ON)
    assert result.exit_code == 0, result.output
    out = result.stdout
    for criterion in selectlib.load_profile(FLAGSHIP).criteria:
        assert criterion.id in out
    assert "cluster_count >= cluster_min[area_type]" in out  # brackets are not rich markup
    assert "metro: 50, city: 40, county: 20" in out
    assert "2024-04-15" in out
    assert "nonprofit_corporation" in out
    assert "firms" in out


def test_profiles_show_in_korean_before_the_parameters_exist() -> None:
    result = run("profiles", "show", FLAGSHIP, "--on", "2024-01-01", "--lang", "ko")
    assert result.exit_code == 0, result.output
    assert "(다음 날짜 이전 값 없음: 2024-04-15)" in result.stdout
    assert "집적지 규모" in result.stdout


def test_profiles_schema_prints_and_writes(tmp_path: Path) -> None:
    result = run("profiles", "schema")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == PROFILE_SCHEMA
    target = tmp_path / "schema.json"
    assert run("profiles", "schema", "--out", target).exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8")) == PROFILE_SCHEMA


def test_profiles_validate_accepts_a_good_profile() -> None:
    path = profiles_dir() / f"{FLAGSHIP}.yaml"
    result = run("profiles", "validate", path)
    assert result.exit_code == 0, result.output
    assert f"{path}: ok ({FLAGSHIP}, 10 criteria)" in result.stdout


def _broken_flagship(path: Path, *replacements: tuple[str, str]) -> Path:
    text = (profiles_dir() / f"{FLAGSHIP}.yaml").read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return path


def test_profiles_validate_lists_every_problem(tmp_path: Path) -> None:
    good = profiles_dir() / f"{FLAGSHIP}.yaml"
    conditions = _broken_flagship(
        tmp_path / "conditions.yaml",
        ("condition: staff >= min_staff", "condition: staff >= min_stafff"),
        ("condition: has_equipment", "condition: has_equipmnt"),
    )
    keys = _broken_flagship(
        tmp_path / "keys.yaml",
        ("    kind: integer\n    unit: persons", "    kind: integr\n    unit: persons"),
        (
            "label: {ko: 전용 공간, en: Dedicated space}",
            "labl: {ko: 전용 공간, en: Dedicated space}",
        ),
    )
    result = run("profiles", "validate", good, conditions, keys)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{good}: ok")
    assert f"{conditions}: 2 problems" in lines
    found = [line for line in lines if line.startswith(f"  {conditions}:")]
    assert len(found) == 2
    assert re.match(
        rf"  {re.escape(str(conditions))}:\d+: \$\.criteria\[3\]\.condition: ", found[0]
    )
    assert "unknown name 'has_equipmnt'" in found[0]
    assert "'min_stafff'" in found[1]
    assert all("(fix: " in line for line in found)
    schema_lines = [line for line in lines if line.startswith(f"  {keys}:")]
    assert any("$.fields.staff.kind" in line and "'integr'" in line for line in schema_lines)
    assert any("$.criteria[2].labl" in line for line in schema_lines)
    assert result.stderr.startswith("error: 2 of 3")
    assert "Traceback" not in result.output


def test_profiles_validate_yaml_syntax_error(tmp_path: Path) -> None:
    bad = tmp_path / "syntax.yaml"
    bad.write_text("id: x\nfields: [unclosed\n", encoding="utf-8")
    result = run("profiles", "validate", bad)
    assert result.exit_code == 1
    assert str(bad) in result.stdout
    assert "Traceback" not in result.output


def test_profiles_validate_missing_and_undecodable_files(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("id: caf\xe9\n".encode("latin-1"))
    result = run("profiles", "validate", missing, latin)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{missing}: file not found")
    assert lines[1].startswith(f"{latin}: profile is not UTF-8")
    assert result.stderr.startswith("error: 2 of 2")


def _alias_bomb(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels + 1)]
    return "\n".join(["id: x", *lines, ""])


@pytest.mark.parametrize(
    "text", ["id: x\nloop: &x [*x]\n", _alias_bomb(8)], ids=["alias cycle", "alias bomb"]
)
def test_profiles_validate_hostile_yaml(tmp_path: Path, text: str) -> None:
    bad = tmp_path / "alias.yaml"
    bad.write_text(text, encoding="utf-8")
    result = run("profiles", "validate", bad)
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{bad}: ")
    assert result.exception is None or isinstance(result.exception, SystemExit)


# -- check ---------------------------------------------------------------------------------


def test_check_prints_a_table_and_a_summary() -> None:
    result = run("check", FLAGSHIP, SAMPLE, "--on", ON)
    assert result.exit_code == 0, result.output
    out = result.stdout
    for applicant in IDS:
        assert applicant in out
    assert "The cluster has fewer micro-manufacturers than its area type requires." in out
    assert "Cluster size (49, needs >= 50)" in out  # the value seen and the threshold applied
    assert "staff: expected a whole number, got 'three'" in out  # problems for invalid rows
    summary = "40 applicants: eligible 11 · ineligible 16 · incomplete 8 · invalid 5"
    assert out.rstrip().endswith(summary)


def test_check_reasons_in_korean() -> None:
    result = run("check", FLAGSHIP, SAMPLE, "--on", ON, "--lang", "ko")
    assert result.exit_code == 0, result.output
    assert "집적지 소공인 수가 구역크기별 기준에 미달합니다." in result.stdout


def test_check_every_applicant_comes_back_once_in_order(tmp_path: Path) -> None:
    out = check_csv(tmp_path)
    profile = selectlib.load_profile(FLAGSHIP)
    expected = profile.evaluate_many(read_table(SAMPLE), on=ON, explain=True)
    assert out["applicant_id"].tolist() == IDS
    assert list(out.columns) == list(expected.drop(columns="reasons_ko").columns)  # --lang en
    a02 = out.set_index("applicant_id").loc["A02"]  # metro, one firm short of 50
    assert (a02["cluster_size.value"], a02["cluster_size.threshold"]) == ("49", "50")
    assert out.columns[0] == "applicant_id"
    assert out["outcome"].tolist() == expected["outcome"].astype(str).tolist()


def test_check_outcomes_match_the_sample_notes(tmp_path: Path) -> None:
    out = check_csv(tmp_path)
    notes = read_table(SAMPLE)["note"].str.split(":").str[0]
    assert out["outcome"].tolist() == notes.tolist()


@pytest.mark.parametrize("suffix", ["xlsx", "json"])
def test_check_writes_the_format_its_extension_names(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"results.{suffix}"
    result = run("check", FLAGSHIP, SAMPLE, "--on", ON, "--out", out)
    assert result.exit_code == 0, result.output
    assert f"wrote 40 rows to {out}" in result.stdout
    back = read_table(out)
    assert back["applicant_id"].tolist() == IDS
    assert back.columns[0] == "applicant_id"


def test_check_format_overrides_the_extension(tmp_path: Path) -> None:
    out = tmp_path / "results.data"
    result = run("check", FLAGSHIP, SAMPLE, "--on", ON, "--out", out, "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(out.read_text(encoding="utf-8"))
    assert [r["applicant_id"] for r in records] == IDS


def test_check_json_to_stdout_is_pure_json() -> None:
    result = run("check", FLAGSHIP, SAMPLE, "--on", ON, "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [r["applicant_id"] for r in records] == IDS
    assert "eligible 11" in result.stderr  # the summary moved out of the way


def test_check_set_min_staff_flips_the_staff_2_applicants(tmp_path: Path) -> None:
    before = check_csv(tmp_path).set_index("applicant_id")
    after = check_csv(tmp_path, "--set", "min_staff=2").set_index("applicant_id")
    staff = read_table(SAMPLE).set_index("applicant_id")["staff"]
    two = staff.index[staff == "2"].tolist()
    assert two == ["A16", "A38"]
    assert (before.loc[two, "operating_staff"] == "failed").all()
    assert (after.loc[two, "operating_staff"] == "passed").all()
    assert after.loc["A16", "outcome"] == "eligible"  # staff was its only failure
    assert after.loc["A38", "outcome"] == "ineligible"  # its cluster is still too small
    changed = before.index[before["outcome"] != after["outcome"]].tolist()
    assert changed == ["A16"]


def test_check_set_a_table_entry(tmp_path: Path) -> None:
    after = check_csv(tmp_path, "--set", "cluster_min.county=19").set_index("applicant_id")
    assert after.loc["A08", "outcome"] == "eligible"  # county cluster of 19


def test_check_in_chunks_matches_one_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = check_csv(tmp_path)
    monkeypatch.setattr(cli, "BATCH_ROWS", 7)
    chunked = check_csv(tmp_path)
    pd.testing.assert_frame_equal(chunked, whole)


# -- compare -------------------------------------------------------------------------------


def test_compare_table() -> None:
    result = run("compare", FLAGSHIP, SAMPLE, "--on", ON, *REFORM)
    assert result.exit_code == 0, result.output
    out = result.stdout
    for applicant in GAINED_UNDER_REFORM:
        assert applicant in out
    assert "A01" not in out
    assert "cluster_size: failed→passed; operating_staff: failed→passed" in out
    assert out.rstrip().endswith("40 applicants: gained 6 · lost 0 · other 0 · unchanged 34")


def test_compare_writes_every_applicant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "cmp.csv"
    monkeypatch.setattr(cli, "BATCH_ROWS", 9)
    result = run("compare", FLAGSHIP, SAMPLE, "--on", ON, *REFORM, "--out", out)
    assert result.exit_code == 0, result.output
    table = read_table(out)
    assert table["applicant_id"].tolist() == IDS
    assert table.loc[table["change"] == "gained", "applicant_id"].tolist() == GAINED_UNDER_REFORM
    assert set(table["change"]) == {"gained", "unchanged"}
    a38 = table.set_index("applicant_id").loc["A38", "changed_criteria"]
    assert a38 == "cluster_size: failed→passed; operating_staff: failed→passed"


def test_compare_needs_a_change() -> None:
    result = run("compare", FLAGSHIP, SAMPLE, "--on", ON)
    assert result.exit_code == 2
    assert "--set" in result.output


# -- demo ----------------------------------------------------------------------------------


def test_demo_mentions_every_outcome_and_applicant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("demo")
    assert result.exit_code == 0, result.output
    out = result.stdout
    for outcome in selectlib.Outcome:
        assert outcome.value in out
    for applicant in IDS:
        assert applicant in out
    assert "40 applicants: eligible 11 · ineligible 16 · incomplete 8 · invalid 5" in out
    assert "failures per criterion" in out
    assert "reform preview" in out
    assert "40 applicants: gained 6 · lost 0 · other 0 · unchanged 34" in out
    # the selection on the sample committee, and where its reports are
    assert "selected: A04, A11, A10, A01, A35" in out
    assert "reserves: A21, A06" in out
    for name in ("decisions.csv", "reform.csv", "selection.html", "selection.xlsx"):
        assert (tmp_path / "selectlib-demo" / name).is_file()
        assert f"wrote {Path('selectlib-demo') / name}" in out


def test_demo_in_korean_writes_files(tmp_path: Path) -> None:
    result = run("demo", "--lang", "ko", "--out", tmp_path / "demo")
    assert result.exit_code == 0, result.output
    assert "소공인특화지원센터 운영기관 (2024)" in result.stdout
    decisions = read_table(tmp_path / "demo" / "decisions.csv")
    reform = read_table(tmp_path / "demo" / "reform.csv")
    assert decisions["applicant_id"].tolist() == IDS
    assert reform.loc[reform["change"] == "gained", "applicant_id"].tolist() == GAINED_UNDER_REFORM
    assert "applicant_name" in decisions.columns


# -- errors --------------------------------------------------------------------------------


def test_missing_input_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    assert_error(run("check", FLAGSHIP, missing, "--on", ON), str(missing), "does not exist")


def test_unknown_profile() -> None:
    assert_error(run("check", "no_such_profile", SAMPLE), "no_such_profile", FLAGSHIP)
    assert_error(run("profiles", "show", "no_such_profile"), "no_such_profile")


def test_unknown_set_key() -> None:
    result = run("check", FLAGSHIP, SAMPLE, "--on", ON, "--set", "min_stafff=2")
    assert_error(result, "min_stafff", "min_staff")


def test_unknown_table_key() -> None:
    result = run("check", FLAGSHIP, SAMPLE, "--on", ON, "--set", "cluster_min.village=2")
    assert_error(result, "village", "metro")


@pytest.mark.parametrize("value", ["abc", "[1, 2]", "{metro: 30}"])
def test_set_value_of_the_wrong_type(value: str) -> None:
    result = run("check", FLAGSHIP, SAMPLE, "--on", ON, "--set", f"min_staff={value}")
    assert_error(result, "min_staff")


def test_set_without_equals_is_a_usage_error() -> None:
    result = run("check", FLAGSHIP, SAMPLE, "--on", ON, "--set", "min_staff")
    assert result.exit_code == 2
    assert "KEY=VALUE" in result.output
    assert "Traceback" not in result.output


def test_set_value_that_is_not_yaml_is_a_usage_error() -> None:
    result = run("check", FLAGSHIP, SAMPLE, "--on", ON, "--set", "cluster_min={metro: 30")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


@pytest.mark.parametrize("day", ["2024-13-01", "tomorrow"])
def test_bad_date(day: str) -> None:
    assert_error(run("check", FLAGSHIP, SAMPLE, "--on", day), day, "YYYY-MM-DD")


def test_date_before_the_parameters_exist() -> None:
    assert_error(run("check", FLAGSHIP, SAMPLE, "--on", "2024-01-01"), "2024-04-15")


def test_unreadable_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[{", encoding="utf-8")
    assert_error(run("check", FLAGSHIP, bad, "--on", ON), str(bad), "line 1")


def test_output_format_errors(tmp_path: Path) -> None:
    assert_error(run("check", FLAGSHIP, SAMPLE, "--on", ON, "--out", tmp_path / "x.txt"), "x.txt")
    result = run("check", FLAGSHIP, SAMPLE, "--on", ON, "--format", "xlsx")
    assert result.exit_code == 2
    assert "--out" in result.output


def test_a_missing_output_folder_is_created(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "dir" / "out.csv"
    result = run("check", FLAGSHIP, SAMPLE, "--on", ON, "--out", target)
    assert result.exit_code == 0, result.output
    assert len(read_table(target)) == len(read_table(SAMPLE))


def test_invalid_profile_file_in_check(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\n", encoding="utf-8")
    result = run("check", bad, SAMPLE, "--on", ON)
    assert_error(result, "problem")


def test_a_list_where_one_value_belongs_makes_an_invalid_row(tmp_path: Path) -> None:
    records = [
        {"applicant_id": "A1", "area_type": ["metro"]},
        {"applicant_id": "A2", "staff": [3]},
        {"applicant_id": "A3", "staff": 3},
    ]
    path = tmp_path / "lists.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    out = tmp_path / "out.csv"
    result = run("check", FLAGSHIP, path, "--on", ON, "--out", out)
    assert result.exit_code == 0, result.output
    assert read_table(out)["outcome"].tolist() == ["invalid", "invalid", "incomplete"]


# -- the installed command -----------------------------------------------------------------


def _commands() -> list[object]:
    script = Path(sys.executable).with_name("selectlib")
    if script.is_file():
        installed = pytest.param([str(script)], id="console script")
    else:
        installed = pytest.param(
            [sys.executable, "-m", "selectlib.cli.app"], id="-m selectlib.cli.app"
        )
    return [installed, pytest.param([sys.executable, "-m", "selectlib"], id="-m selectlib")]


@pytest.mark.parametrize("command", _commands())
def test_console_script_reports_errors_without_traceback(
    command: list[str], tmp_path: Path
) -> None:
    missing = tmp_path / "nope.csv"
    done = subprocess.run(
        [*command, "check", FLAGSHIP, str(missing), "--on", ON],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("error: ")
    assert str(missing) in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


@pytest.mark.slow
def test_demo_from_an_installed_layout(tmp_path: Path) -> None:
    """``demo`` finds its data inside the package, as after a non-editable ``pip install .``.

    Builds the wheel's layout by hand (the package with scoring_profiles/ and
    sample_data/ inside, as pyproject's force-include does) and runs it from another
    directory, so nothing can be found through the source tree.
    """
    repo = ROOT  # the source tree, wherever selectlib is installed
    site = tmp_path / "site"
    package = site / "selectlib"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(repo / "selectlib", package, ignore=ignore)
    shutil.copytree(repo / "scoring_profiles", package / "scoring_profiles", ignore=ignore)
    shutil.copytree(repo / "sample_data", package / "sample_data", ignore=ignore)
    env = {**os.environ, "PYTHONPATH": str(site), "COLUMNS": "250", "SELECTLIB_LANG": "en"}
    done = subprocess.run(
        [sys.executable, "-m", "selectlib", "demo"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert str(package / "sample_data" / "applicants.csv") in done.stdout
    assert "40 applicants: eligible 11" in done.stdout


def test_check_notes_required_fields_the_input_lacks(tmp_path: Path) -> None:
    source = tmp_path / "typo.csv"
    source.write_text("applicant_id,area_type,cluster_cnt,staff\nA1,metro,55,3\n", encoding="utf-8")
    result = run("check", FLAGSHIP, source, "--on", ON)
    assert result.exit_code == 0, result.output
    assert "no input column for cluster_count (did you mean 'cluster_cnt'?)" in result.output
    complete = run("check", FLAGSHIP, SAMPLE, "--on", ON)
    assert "no input column" not in complete.output
