"""The small frictions of a first use (issue 15 part 7), each fixed: every test here failed
before its fix."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import DIRTY_GEO
from strategies import examples
from test_benefits_cli import APPLICANTS, KEYED_BUDGET, PROFILE
from typer.testing import CliRunner, Result

import selectlib
from selectlib.cli import app as cli
from selectlib.cli.labels import word
from selectlib.geo.ksic import industry_name
from selectlib.io import sample_data_dir
from selectlib.profile.compiled import from_text, profiles_dir

FLAGSHIP = "micro_manufacturer_center_2024"
ON = "2024-05-01"
SAMPLE = sample_data_dir() / "applicants.csv"


def run(*args: str | Path, columns: int = 250) -> Result:
    return CliRunner().invoke(
        cli.app, [str(a) for a in args], env={"COLUMNS": str(columns), "SELECTLIB_LANG": ""}
    )


# -- files and names -----------------------------------------------------------------------


def test_validate_a_missing_file_says_file_not_found_and_a_bare_name_no_profile() -> None:
    result = run("profiles", "validate", "nope.yaml", "nope", "--lang", "en")
    assert result.exit_code == 1
    first, second = result.stdout.splitlines()
    assert first.startswith("nope.yaml: file not found: check the path")
    assert second.startswith("nope: no profile named 'nope'")


def test_check_writes_a_sheet_named_for_its_content(tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    result = run("check", FLAGSHIP, SAMPLE, "--on", ON, "--out", out)
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out, read_only=True).sheetnames == ["결과", "가정"]
    assert word("results", "en") == "results"  # with --lang en


def test_clusters_name_each_industry(tmp_path: Path) -> None:
    out = tmp_path / "clusters.csv"
    result = run("clusters", DIRTY_GEO / "firms.csv", "--unit", "sigungu", "--on", ON, "--out", out)
    assert result.exit_code == 0, result.output
    assert "│ 25922 │ 도금업" in result.stdout
    found = pd.read_csv(out, dtype=str).set_index("industry")
    assert found.loc["25922", "industry_name"] == "도금업"
    assert industry_name("25") == "금속 가공제품 제조업; 기계 및 가구 제외"
    assert industry_name("259") == "25 금속 가공제품 제조업; 기계 및 가구 제외"


# -- tables --------------------------------------------------------------------------------


def test_benefit_pots_without_applicants_are_left_out_and_counted(tmp_path: Path) -> None:
    start, end = PROFILE.index("  budget:\n    description"), PROFILE.index("criteria:")
    profile = tmp_path / "keyed.yaml"
    profile.write_text(PROFILE[:start] + KEYED_BUDGET + PROFILE[end:], encoding="utf-8")
    applicants = tmp_path / "applicants.csv"
    applicants.write_text(APPLICANTS, encoding="utf-8")
    english = run("benefits", profile, applicants, "--on", ON, "--lang", "en").stdout
    pots = [line.split("│")[1].strip() for line in english.splitlines() if line.startswith("│")]
    assert "seoul" in pots
    assert "busan" not in pots  # its only applicant is ineligible: nothing asked
    assert "1 pot with no applicants not shown" in english
    korean = run("benefits", profile, applicants, "--on", ON).stdout
    assert "신청이 없는 구분 1개는 표시하지 않음" in korean


# -- results as a table --------------------------------------------------------------------


def test_problems_is_blank_not_missing_where_there_are_none() -> None:
    profile = selectlib.load_profile(FLAGSHIP)
    results = profile.evaluate_many(pd.read_csv(SAMPLE), on=ON)
    valid = results["status"] == "ok"
    assert valid.any()
    assert (results.loc[valid, "problems"] == "").all()
    assert (results.loc[~valid, "problems"] != "").all()
    assert not results["problems"].isna().any()


def test_a_prefix_lets_the_results_join_their_input() -> None:
    profile = selectlib.load_profile(FLAGSHIP)
    applicants = pd.read_csv(SAMPLE)
    shared = {c.id for c in profile.criteria} & set(applicants.columns)
    assert shared  # e.g. mandatory_programs is both a criterion and a field
    plain = profile.evaluate_many(applicants, on=ON)
    with pytest.raises(ValueError, match="overlap"):
        applicants.join(plain)
    results = profile.evaluate_many(applicants, on=ON, prefix="crit.")
    joined = applicants.join(results)
    assert list(results.columns) == [f"crit.{name}" for name in plain.columns]
    assert joined["crit.outcome"].astype(str).tolist() == plain["outcome"].astype(str).tolist()
    with pytest.raises(selectlib.SelectlibError, match="prefix"):
        profile.evaluate_many(applicants, on=ON, prefix=1)  # type: ignore[arg-type]


# -- thousands separators ------------------------------------------------------------------

MONEY = {
    "id": "money",
    "name": {"ko": "가", "en": "a"},
    "valid_from": "2024-01-01",
    "parameters": {},
    "fields": {
        "amount": {"kind": "integer", "description": {"ko": "금액", "en": "amount"}},
        "rate": {"kind": "number", "description": {"ko": "율", "en": "rate"}},
    },
    "criteria": [
        {
            "id": "big",
            "label": {"ko": "가", "en": "a"},
            "source": "s",
            "condition": "amount >= 1000000 and rate >= 0",
            "messages": {s: {"ko": "가", "en": "a"} for s in ("passed", "failed", "missing")},
        }
    ],
}


@functools.cache
def _money() -> selectlib.Profile:
    return from_text(json.dumps(MONEY), None)


@settings(max_examples=examples(100), deadline=None)
@given(amount=st.integers(-(2**53), 2**53), cents=st.integers(0, 99))
def test_thousands_separators_read_the_same_in_a_column_and_in_one_record(
    amount: int, cents: int
) -> None:
    profile = _money()
    record = {"amount": f"{amount:,}", "rate": f"{amount:,}.{cents:02d}"}
    one = profile.evaluate(record, on=ON)
    assert not one.problems
    for dtype in (object, "string[pyarrow]"):
        table = pd.DataFrame([record, {"amount": "7", "rate": "1"}], dtype=dtype)
        many = profile.evaluate_many(table, on=ON, explain=True)
        assert many["problems"].iloc[0] == ""
        assert many["big"].iloc[0] == one.criteria[0].status.value
        assert many["big"].iloc[0] == ("passed" if amount >= 1_000_000 else "failed")


@pytest.mark.parametrize("text", ["1,00", "2,500,00", "1,234,5678", ",100", "1,,000", "2.500,5"])
def test_separators_out_of_groups_of_three_are_refused_saying_how_to_write_them(
    text: str,
) -> None:
    profile = _money()
    one = profile.evaluate({"amount": text, "rate": "1"}, on=ON)
    many = profile.evaluate_many(pd.DataFrame({"amount": [text], "rate": ["1"]}), on=ON)
    assert one.outcome.value == many["outcome"].iloc[0] == "invalid"
    assert "groups of three (2,500,000)" in many["problems"].iloc[0]


# -- help ----------------------------------------------------------------------------------

COMMAND_LINES = [[name] for name in cli.COMMANDS] + [
    ["profiles", name] for name in cli.PROFILES_COMMANDS
]


@pytest.mark.parametrize("command", COMMAND_LINES, ids=" ".join)
def test_help_names_values_in_words_not_python_types(command: list[str]) -> None:
    result = run(*command, "--help", columns=100)
    assert result.exit_code == 0, result.output
    for typed in ("<bool>", "<str>", "<path>", "<int>", "<float>", "list[", "{", "}"):
        assert typed not in result.stdout, (typed, result.stdout)


def test_help_shows_the_words_a_user_types() -> None:
    usage = run("check", "--help", columns=100).stdout
    assert "Usage: selectlib check [OPTIONS] PROFILE INPUT" in usage
    for option in ("--on DATE", "--out FILE", "--set KEY=VALUE", "--lang ko|en"):
        assert option in usage
    assert "FILE..." in run("profiles", "validate", "--help").stdout


# -- did you mean --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("find", "replace", "expected"),
    [
        ("staff >= min_staff", "staf >= min_staff", "did you mean 'staff'?"),
        ("count_in(mandatory", "cont_in(mandatory", "unknown function 'cont_in'; did you mean"),
        (
            "cluster_min[area_type]",
            "cluster_min[area_type] and area_type != 'metor'",
            "not among the codes metro, city, county; did you mean 'metro'?",
        ),
        (
            "value: [nonprofit_corporation, university",
            "value: [nonprofit_corporaton, university",
            "(nonprofit_corporation, university, local_government_body, for_profit, "
            "individual); did you mean 'nonprofit_corporation'?",
        ),
    ],
    ids=["field", "function", "code", "parameter code"],
)
def test_a_misspelt_name_in_a_condition_suggests_the_close_one(
    tmp_path: Path, find: str, replace: str, expected: str
) -> None:
    source = profiles_dir() / f"{FLAGSHIP}.yaml"
    text = source.read_text(encoding="utf-8")
    assert find in text
    bad = tmp_path / "typo.yaml"
    bad.write_text(text.replace(find, replace, 1), encoding="utf-8")
    result = run("profiles", "validate", bad, "--lang", "en")
    assert result.exit_code == 1
    assert expected in result.stdout


def test_a_name_close_to_nothing_gets_no_suggestion(tmp_path: Path) -> None:
    text = (profiles_dir() / f"{FLAGSHIP}.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "far.yaml"
    bad.write_text(text.replace("staff >= min_staff", "zzzz >= min_staff", 1), encoding="utf-8")
    result = run("profiles", "validate", bad)
    assert "unknown name 'zzzz'" in result.stdout
    assert "did you mean" not in result.stdout


# -- 80 columns ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "lang"),
    [(["profiles", "list"], "ko"), (["profiles", "show", FLAGSHIP, "--on", ON], "en")],
    ids=["profiles list", "profiles show"],
)
def test_tables_fit_80_columns_without_splitting_dates_or_ids(
    command: list[str], lang: str
) -> None:
    result = run(*command, "--lang", lang, columns=80)
    assert result.exit_code == 0, result.output
    table_lines = [line for line in result.stdout.splitlines() if line[:1] in "┏┃│┡└"]
    assert max(len(line) for line in table_lines) <= 80
    assert "2024-04-15" in result.stdout  # the flagship's first date, whole
    assert FLAGSHIP in result.stdout
