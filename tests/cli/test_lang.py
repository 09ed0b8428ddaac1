"""One language switch: --lang ko|en on every command (default ko, or SELECTLIB_LANG), every
label in both languages, and English plurals."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from selectlib.cli import app as cli
from selectlib.cli.labels import NOUNS, WORDS, counted, word
from selectlib.cli.options import DEFAULT_LANG, LANG_ENV, Lang
from selectlib.io import sample_data_dir

FLAGSHIP = "micro_manufacturer_center_2024"
SAMPLE = sample_data_dir() / "applicants.csv"
OWNED = ["check", "compare", "demo", "benefits", "clusters"]
"""The commands whose words this switch translates (evaluate and sheets have their own)."""


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(
        cli.app, [str(a) for a in args], env={"COLUMNS": "250", LANG_ENV: "", **(env or {})}
    )


def test_every_label_and_noun_has_both_languages() -> None:
    for key, (ko, en) in WORDS.items():
        assert ko.strip(), key
        assert en.strip(), key
        assert ko != en or key in {"ok"}, key
    for noun, (_, counter, one, many) in NOUNS.items():
        assert counter, noun
        assert one != many, noun


@pytest.mark.parametrize(
    ("number", "noun", "lang", "expected"),
    [
        (1, "row", "en", "1 row"),
        (2, "row", "en", "2 rows"),
        (0, "applicant", "en", "0 applicants"),
        (1_234, "row", "ko", "1,234행"),
        (1, "applicant", "ko", "신청자 1명"),
    ],
)
def test_counted_nouns_are_plural_only_when_more_than_one(
    number: int, noun: str, lang: str, expected: str
) -> None:
    assert counted(number, noun, lang) == expected


def test_the_default_is_korean_for_every_command_with_words() -> None:
    assert DEFAULT_LANG is Lang.KO
    for name in OWNED:
        default = inspect.signature(cli.COMMANDS[name]).parameters["lang"].default
        assert default is DEFAULT_LANG, name
    for name, command in cli.PROFILES_COMMANDS.items():
        assert inspect.signature(command).parameters["lang"].default is DEFAULT_LANG, name


def test_check_in_korean_prints_no_english_status() -> None:
    result = run("check", FLAGSHIP, SAMPLE, "--on", "2024-05-01")
    assert result.exit_code == 0, result.output
    last = result.stdout.rstrip().splitlines()[-1]
    assert last == "신청자 40명: 적격 11 · 부적격 16 · 판단 보류 8 · 입력 오류 5"
    for english in ("eligible", "ineligible", "outcome", "reasons", "applicants"):
        assert english not in result.stdout.replace(FLAGSHIP, "")


def test_the_environment_sets_the_language_and_the_option_wins() -> None:
    english = run("check", FLAGSHIP, SAMPLE, "--on", "2024-05-01", env={LANG_ENV: "en"})
    assert english.stdout.rstrip().endswith(
        "40 applicants: eligible 11 · ineligible 16 · incomplete 8 · invalid 5"
    )
    korean = run("profiles", "list", "--lang", "ko", env={LANG_ENV: "en"})
    assert "이름" in korean.stdout
    assert "name" not in korean.stdout


@pytest.mark.parametrize(
    "args", [["check", FLAGSHIP, SAMPLE, "--lang", "fr"], ["profiles", "list", "--lang", "fr"]]
)
def test_an_unknown_language_is_one_line_naming_the_choices(args: list[str | Path]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert "'fr' is not a language: choose ko (Korean) or en (English)" in result.output
    assert "Value error" not in result.output
    assert "Traceback" not in result.output


def test_a_bad_environment_value_names_the_variable() -> None:
    result = run("profiles", "list", env={LANG_ENV: "de"})
    assert result.exit_code == 2
    assert LANG_ENV in result.output
    assert "'de' is not a language" in result.output


def test_compare_summary_in_both_languages() -> None:
    reform = ["--set", "min_staff=2", "--on", "2024-05-01"]
    korean = run("compare", FLAGSHIP, SAMPLE, *reform).stdout
    english = run("compare", FLAGSHIP, SAMPLE, *reform, "--lang", "en").stdout
    assert "적격 전환" in korean
    assert "operating_staff: 미충족→충족" in korean
    assert "gained" not in korean
    assert "passed" not in korean
    assert word("gained", "en") in english
    assert "적격 전환" not in english


def test_the_absent_column_note_is_in_the_chosen_language(tmp_path: Path) -> None:
    typo = tmp_path / "typo.csv"
    typo.write_text(SAMPLE.read_text(encoding="utf-8").replace("staff", "staf", 1), "utf-8")
    korean = run("check", FLAGSHIP, typo, "--on", "2024-05-01")
    assert "참고: 입력에 staff ('staf'?) 열이 없습니다" in korean.stderr
    english = run("check", FLAGSHIP, typo, "--on", "2024-05-01", "--lang", "en")
    assert "note: no input column for staff (did you mean 'staf'?)" in english.stderr
