"""``selectlib decide`` writes a decision with its audit record; ``selectlib replay`` checks it."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import good_record
from typer.testing import CliRunner, Result

from selectlib.cli import app as cli

FLAGSHIP = "micro_manufacturer_center_2024"
ON = "2024-05-01"
APPLICANT = good_record(
    applicant_id="A-101",
    area_type="county",
    cluster_count=24,
    operator_type="local_government_body",
    autonomous_programs=["network", "promotion", "regional"],
)
"""A county applicant at 24 firms: eligible, and ineligible once the county minimum is 30."""
REFORM = ["--set", "cluster_min={metro: 50, city: 40, county: 30}"]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli.app, [str(a) for a in args], env={"COLUMNS": "250"})


def decided(tmp_path: Path, *extra: str) -> Path:
    """A decision written by ``selectlib decide`` for APPLICANT."""
    applicant = tmp_path / "applicant.json"
    applicant.write_text(json.dumps(APPLICANT), encoding="utf-8")
    out = tmp_path / f"decision{len(extra)}.json"
    result = run("decide", FLAGSHIP, applicant, "--on", ON, "--out", out, *extra)
    assert result.exit_code == 0, result.output
    return out


def assert_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


def test_decide_prints_the_decision_with_its_audit_record(tmp_path: Path) -> None:
    applicant = tmp_path / "applicant.json"
    applicant.write_text(json.dumps(APPLICANT), encoding="utf-8")
    result = run("decide", FLAGSHIP, applicant, "--on", ON)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["outcome"] == "eligible"
    assert data["audit"]["profile"] == FLAGSHIP
    assert len(data["audit"]["profile_sha256"]) == len(data["audit"]["input_sha256"]) == 64
    assert data["input"]["cluster_count"] == 24


def test_an_untouched_decision_replays_with_exit_0(tmp_path: Path) -> None:
    result = run("replay", decided(tmp_path), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("identical")


def test_a_decision_under_a_reform_replays_with_exit_1_naming_the_difference(
    tmp_path: Path,
) -> None:
    stored = decided(tmp_path, *REFORM)
    result = run("replay", stored, "--lang", "en")
    assert_error(result, "outcome, cluster_size", "the profile's content differs", "sha256")
    assert "cluster_size: failed (24 >= 30) → passed (24 >= 20)" in result.stdout
    as_json = run("replay", stored, "--json")
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["differences"][1]["criterion"] == "cluster_size"


def test_replay_refuses_what_is_not_a_stored_decision(tmp_path: Path) -> None:
    applicant = tmp_path / "applicant.json"
    applicant.write_text(json.dumps(APPLICANT), encoding="utf-8")
    assert_error(run("replay", applicant), "applicant.json", "not a stored decision", "audit")
    broken = tmp_path / "broken.json"
    broken.write_text('{"profile": ', encoding="utf-8")
    assert_error(run("replay", broken), "broken.json", "not valid JSON")
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]", encoding="utf-8")
    assert_error(run("replay", listed), "list.json", "one JSON object")


def test_decide_keeps_an_existing_output(tmp_path: Path) -> None:
    out = decided(tmp_path)
    before = out.read_text(encoding="utf-8")
    result = run("decide", FLAGSHIP, tmp_path / "applicant.json", "--on", ON, "--out", out)
    assert_error(result, "--force")
    assert out.read_text(encoding="utf-8") == before
