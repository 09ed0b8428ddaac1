"""The geo commands: ``selectlib clusters`` and ``selectlib check --firms --areas``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from paths import DIRTY_GEO
from typer.testing import CliRunner

from selectlib.cli.app import app

GEO = DIRTY_GEO
FIRMS, AREAS = str(GEO / "firms.csv"), str(GEO / "areas.geojson")
RUNNER = CliRunner()


def run(*args: str):
    return RUNNER.invoke(app, list(args), env={"COLUMNS": "200", "SELECTLIB_LANG": "en"})


def test_clusters_finds_every_cluster_of_the_sample(tmp_path: Path):
    out, page = tmp_path / "clusters.csv", tmp_path / "map.html"
    result = run(
        "clusters",
        FIRMS,
        "--areas",
        AREAS,
        "--on",
        "2024-05-01",
        "--out",
        str(out),
        "--map",
        str(page),
    )
    assert result.exit_code == 0, result.output
    assert "duplicate_id: 1 row (" in result.output  # the validation report comes first
    found = pd.read_csv(out, dtype=str)
    expected = pd.read_csv(GEO / "expected_clusters.csv", dtype=str)
    meets = expected[(expected["meets"] == "yes") & ~expected["industry"].str.startswith("30")]
    assert set(zip(found["unit"], found["industry"], strict=True)) == set(
        zip(meets["unit"], meets["industry"], strict=True)
    )
    assert "<html" in page.read_text(encoding="utf-8").lower()


def test_clusters_by_code_without_areas_and_with_every_industry():
    result = run("clusters", FIRMS, "--unit", "sigungu", "--no-exclude-urban", "--on", "2024-05-01")
    assert result.exit_code == 0, result.output
    assert "8 clusters (sigungu" in result.output  # the C30 cluster counts when not excluded


def test_clusters_by_radius():
    result = run("clusters", FIRMS, "--areas", AREAS, "--unit", "radius:500", "--on", "2024-05-01")
    assert result.exit_code == 0, result.output
    assert "clusters (radius:500" in result.output


def test_a_bad_unit_is_a_clear_error():
    result = run("clusters", FIRMS, "--unit", "radius:far")
    assert result.exit_code == 1
    assert "use dong, sigungu or radius:METRES" in result.output
    assert "Traceback" not in result.output


def test_check_computes_the_cluster_from_the_registry(tmp_path: Path):
    applicants = tmp_path / "applicants.json"
    good = {
        "operator_type": "university",
        "has_dedicated_space": True,
        "has_equipment": True,
        "staff": 3,
        "offers_education": True,
        "micro_manufacturer_related": True,
        "mandatory_programs": "survey;workforce;shared_facilities;funding_support;roadmap",
        "autonomous_programs": "network;marketing;consulting",
    }
    rows = [
        {**good, "applicant_id": "A", "location_code": "2101051", "industry_code": "25924"},
        {**good, "applicant_id": "B", "location_code": "2102051", "industry_code": "14112"},
    ]
    applicants.write_text(json.dumps(rows), encoding="utf-8")
    out = tmp_path / "decisions.csv"
    result = run(
        "check",
        "micro_manufacturer_center_2024",
        str(applicants),
        "--on",
        "2024-05-01",
        "--firms",
        FIRMS,
        "--areas",
        AREAS,
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, dtype=str)
    assert table["cluster_size.value"].tolist() == ["50", "49"]
    assert table["outcome"].tolist() == ["eligible", "ineligible"]
