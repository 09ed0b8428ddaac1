"""No file is clobbered: outputs never replace an input, existing outputs are kept unless
--force, a missing folder is created, and a failed write leaves no half file behind."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from paths import DIRTY_GEO, FIXTURES
from typer.testing import CliRunner, Result

import selectlib
from selectlib.cli.app import app
from selectlib.io import sample_data_dir, write_table
from selectlib.io.write import TABLE_WRITERS

FLAGSHIP = "micro_manufacturer_center_2024"
ON = "2024-05-01"
SAMPLE = sample_data_dir() / "applicants.csv"
EVALUATION = sample_data_dir() / "evaluation"


def run(*args: object) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


def refused(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.output.startswith("error: "), result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, result.output


def _copy(source: Path, folder: Path) -> Path:
    target = folder / source.name
    target.write_bytes(source.read_bytes())
    return target


def _benefit_input(folder: Path) -> Path:
    path = folder / "applicants.csv"
    pd.DataFrame(
        {"applicant_id": ["a", "b"], "region": ["seoul", "jeju"], "program": ["premium"] * 2}
        | {"base": ["1000000", "300000"], "received_no": ["1", "2"]}
    ).to_csv(path, index=False)
    return path


# -- an output is never an input -------------------------------------------------------------


def test_check_refuses_to_write_over_its_input(tmp_path: Path) -> None:
    source = _copy(SAMPLE, tmp_path)
    before = source.read_bytes()
    for extra in ([], ["--force"]):
        refused(run("check", FLAGSHIP, source, "--on", ON, "--out", source, *extra), "input")
    assert source.read_bytes() == before


def test_benefits_refuses_an_output_or_side_file_over_its_input(tmp_path: Path) -> None:
    source = _benefit_input(tmp_path)
    profile = FIXTURES / "benefits_program.yaml"
    before = source.read_bytes()
    refused(run("benefits", profile, source, "--on", ON, "--out", source, "--force"), "input")
    # --out x.csv also writes x_payments.csv: that must not be the input either
    beside = tmp_path / "applicants_payments.csv"
    source.rename(beside)
    refused(
        run("benefits", profile, beside, "--on", ON, "--out", source, "--force"),
        "applicants_payments.csv",
    )
    assert beside.read_bytes() == before


def test_a_report_inside_the_scores_folder_is_refused(tmp_path: Path) -> None:
    scores = tmp_path / "scores"
    scores.mkdir()
    for name in ("scores.csv", "evaluators.csv", "recusals.csv"):
        _copy(EVALUATION / name, scores)
    result = run(
        "evaluate",
        FLAGSHIP,
        "--applicants",
        SAMPLE,
        "--scores",
        scores,
        "--out",
        scores / "report.html",
        "--resamples",
        0,
    )
    refused(result, "input")
    folder = run(
        "sheets",
        FLAGSHIP,
        "--stage",
        "document",
        "--applicants",
        SAMPLE,
        "--evaluators",
        scores / "evaluators.csv",
        "--scores",
        scores,
        "--out",
        scores / "inside",
    )
    refused(folder, "inside the input")
    assert sorted(p.name for p in scores.iterdir()) == [
        "evaluators.csv",
        "recusals.csv",
        "scores.csv",
    ]


# -- existing outputs are kept unless --force -------------------------------------------------


def test_existing_outputs_are_kept_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "decisions.csv"
    out.write_text("keep me\n", encoding="utf-8")
    refused(run("check", FLAGSHIP, SAMPLE, "--on", ON, "--out", out), "--force")
    assert out.read_text(encoding="utf-8") == "keep me\n"
    assert run("check", FLAGSHIP, SAMPLE, "--on", ON, "--out", out, "--force").exit_code == 0
    assert out.read_text(encoding="utf-8-sig").startswith("applicant_id,")


def test_an_existing_side_file_is_kept_and_nothing_is_written(tmp_path: Path) -> None:
    source = _benefit_input(tmp_path)
    out = tmp_path / "funding.csv"
    pots = tmp_path / "funding_pots.csv"
    pots.write_text("keep me\n", encoding="utf-8")
    profile = FIXTURES / "benefits_program.yaml"
    refused(run("benefits", profile, source, "--on", ON, "--out", out), "funding_pots.csv")
    assert not out.exists()  # refused before the work: no file of the three is written
    assert pots.read_text(encoding="utf-8") == "keep me\n"


def test_demo_keeps_an_earlier_run_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "reform.csv").write_text("earlier\n", encoding="utf-8")
    refused(run("demo", "--out", tmp_path), "reform.csv", "--force")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reform.csv"]


def test_the_api_writers_keep_existing_files_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    write_table(pd.DataFrame({"a": [1]}), out)
    with pytest.raises(selectlib.OutputError, match="force=True") as caught:
        write_table(pd.DataFrame({"a": [2]}), out)
    assert caught.value.file == str(out)
    assert "1" in out.read_text(encoding="utf-8")
    write_table(pd.DataFrame({"a": [2]}), out, force=True)
    assert "2" in out.read_text(encoding="utf-8")
    with pytest.raises(selectlib.OutputError, match="folder"):
        write_table(pd.DataFrame({"a": [2]}), tmp_path, "csv")


# -- missing folders, the same for every command ----------------------------------------------


def test_every_command_creates_a_missing_output_folder(tmp_path: Path) -> None:
    new = tmp_path / "new" / "deeper"
    geo = DIRTY_GEO
    commands = [
        ["check", FLAGSHIP, SAMPLE, "--on", ON, "--out", new / "check.xlsx"],
        ["compare", FLAGSHIP, SAMPLE, "--on", ON, "--set", "min_staff=2", "--out", new / "c.json"],
        ["profiles", "schema", "--out", new / "schema.json"],
        [
            "benefits",
            FIXTURES / "benefits_program.yaml",
            _benefit_input(tmp_path),
            "--on",
            ON,
            "--out",
            new / "funding.csv",
        ],
        [
            *("clusters", geo / "firms.csv", "--areas", geo / "areas.geojson", "--on", ON),
            *("--out", new / "clusters.csv", "--map", new / "map.html"),
        ],
        [
            *("sheets", FLAGSHIP, "--stage", "document", "--applicants", SAMPLE),
            *("--evaluators", EVALUATION / "evaluators.csv", "--out", new / "sheets"),
        ],
    ]
    for command in commands:
        result = run(*command)
        assert result.exit_code == 0, (command, result.output)
    written = sorted(p.relative_to(new).as_posix() for p in new.rglob("*") if p.is_file())
    assert {
        "check.xlsx",
        "c.json",
        "schema.json",
        "funding.csv",
        "funding_payments.csv",
        "funding_pots.csv",
        "clusters.csv",
        "map.html",
    } <= set(written)
    assert any(name.startswith("sheets/document_") for name in written)
    assert not [name for name in written if name.endswith(".part")]


# -- a failed write leaves the old file ---------------------------------------------------------


def test_a_failed_write_leaves_the_old_file_and_no_part_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.csv"
    out.write_text("old\n", encoding="utf-8")

    def half_then_fail(frame: pd.DataFrame, path: Path, guard: bool) -> None:
        path.write_text("half a fi", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setitem(TABLE_WRITERS, "csv", half_then_fail)  # type: ignore[index]
    with pytest.raises(OSError, match="disk full"):
        write_table(pd.DataFrame({"a": [1]}), out, force=True)
    assert out.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
