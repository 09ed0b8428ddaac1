"""``selectlib profiles new``: a template that validates strictly, a sample it runs on, and
no file ever replaced."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner, Result

import selectlib
from selectlib.cli import app as cli
from selectlib.cli.starter import starter_files, write_starter
from selectlib.errors import InputError
from selectlib.io import read_table
from selectlib.profile.assumptions import unsourced
from selectlib.profile.compiled import from_text
from selectlib.profile.schema import PROFILE_SCHEMA


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli.app, [str(a) for a in args], env={"COLUMNS": "250"})


def test_new_writes_a_profile_that_validates_strictly_and_its_sample(tmp_path: Path) -> None:
    result = run("profiles", "new", "export_voucher", "--out", tmp_path / "start", "--lang", "en")
    assert result.exit_code == 0, result.output
    profile, sample = (
        tmp_path / "start" / "export_voucher.yaml",
        tmp_path / "start" / "export_voucher.csv",
    )
    assert f"wrote {profile}" in result.stdout
    assert f"selectlib check {profile} {sample}" in result.stdout
    validated = run("profiles", "validate", "--strict", "--lang", "en", profile)
    assert validated.exit_code == 0, validated.output
    assert "ok (export_voucher, 4 criteria)" in validated.stdout
    checked = run("check", profile, sample, "--lang", "en")
    assert checked.exit_code == 0, checked.output
    assert "7 applicants: eligible 3 · ineligible 3 · incomplete 1 · invalid 0" in checked.stdout


def test_the_sample_shows_every_outcome_its_notes_name(tmp_path: Path) -> None:
    profile, sample = write_starter("export_voucher", tmp_path)
    rules = selectlib.load_profile(profile)
    table = read_table(sample)
    outcomes = rules.evaluate_many(table, on=dt.date.today())["outcome"].astype(str).tolist()
    assert outcomes == [note.split(":")[0] for note in table["note"]]
    funded = selectlib.fund(rules, table, on=dt.date.today()).table
    assert funded.loc[0, "granted"] == 10_000_000  # 50 % of 30,000,000, capped


def test_the_template_is_a_schema_valid_profile_with_every_number_labelled() -> None:
    text = starter_files("export_voucher", 2026)["export_voucher.yaml"]
    data = yaml.safe_load(text)
    data["valid_from"] = data["valid_from"].isoformat()
    data["parameters"]["budget"]["history"] = {"2026-01-01": 50_000_000}
    jsonschema.validate(data, PROFILE_SCHEMA)
    spec = from_text(text, None).spec
    assert unsourced(spec) == ()
    assert spec.valid_from == dt.date(2026, 1, 1)


def test_every_section_of_the_template_is_explained() -> None:
    lines = starter_files("export_voucher", 2026)["export_voucher.yaml"].splitlines()
    for key in ("sources", "fields", "parameters", "criteria", "benefits"):
        at = lines.index(f"{key}:")
        above = lines[at - 1] if lines[at - 1].startswith("#") else lines[at - 2]
        assert above.startswith("#"), f"no comment explains {key}:"


def test_new_speaks_korean(tmp_path: Path) -> None:
    result = run("profiles", "new", "export_voucher", "--out", tmp_path, "--lang", "ko")
    assert result.exit_code == 0, result.output
    assert f"{tmp_path / 'export_voucher.yaml'} 작성" in result.stdout
    assert "다음: selectlib profiles validate --strict" in result.stdout


def test_new_never_replaces_a_file(tmp_path: Path) -> None:
    (tmp_path / "export_voucher.csv").write_text("mine\n", encoding="utf-8")
    result = run("profiles", "new", "export_voucher", "--out", tmp_path)
    assert result.exit_code == 1
    assert "export_voucher.csv: exists and was kept" in result.stderr
    assert "Traceback" not in result.output
    assert (tmp_path / "export_voucher.csv").read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "export_voucher.yaml").exists()  # nothing written at all


@pytest.mark.parametrize("name", ["My-Program", "1st", "", "a" * 65, "../up"])
def test_new_refuses_a_name_that_is_no_profile_id(name: str, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="lower-case letters, digits and _"):
        write_starter(name, tmp_path)
    assert list(tmp_path.iterdir()) == []
