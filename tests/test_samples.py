"""The sample data: made by its scripts, complete, and run by the commands it documents.

Every bundled profile has a sample input in ``sample_data/`` with a mix of outcomes;
the sample applicants sit in real 시군구 whose code, 시·도 and area type agree with the
code tables; the demo reads the working tree's samples and says which files it used.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from paths import REAL_GEO, ROOT

import selectlib
from selectlib.cli import demo
from selectlib.cli.demo import DEMO_FILES, data_lines, demo_data
from selectlib.geo.codes import area_types, sido_info
from selectlib.io import read_table, sample_data_dir
from selectlib.profile.compiled import list_profiles

SAMPLES = ROOT / "sample_data"
FLAGSHIP = "micro_manufacturer_center_2024"


def script(name: str) -> ModuleType:
    """A sample script of sample_data/, imported as a module (it runs nothing on import)."""
    spec = importlib.util.spec_from_file_location(f"sample_{name}", SAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


BENEFITS = script("make_sample_benefits")


# -- a sample input for every bundled profile ------------------------------------------------


def test_every_bundled_profile_has_a_sample() -> None:
    assert set(BENEFITS.SAMPLES) == set(list_profiles()) - {FLAGSHIP}
    for profile in list_profiles():
        folder = SAMPLES if profile == FLAGSHIP else SAMPLES / "benefits"
        name = "applicants.csv" if profile == FLAGSHIP else f"{profile}.csv"
        assert (folder / name).is_file(), f"no sample input for {profile}"


def test_benefit_samples_are_what_the_script_writes(tmp_path: Path) -> None:
    for profile in BENEFITS.SAMPLES:
        written = BENEFITS.write(profile, tmp_path)
        committed = SAMPLES / "benefits" / written.name
        assert written.read_bytes() == committed.read_bytes(), (
            f"{committed} is stale: run python sample_data/make_sample_benefits.py"
        )


@pytest.mark.parametrize("profile", sorted(BENEFITS.SAMPLES))
def test_benefit_sample_has_a_mix_of_outcomes_and_funds(profile: str) -> None:
    """Each row's outcome is the one its note names; the table funds under the budget.
    (sample_data/README.md runs the same files through the command line: test_examples.)"""
    sample: Any = BENEFITS.SAMPLES[profile]
    rules = selectlib.load_profile(profile)
    table = read_table(SAMPLES / "benefits" / f"{profile}.csv")
    outcomes = rules.evaluate_many(table, on=sample.on)["outcome"].astype(str).tolist()
    assert outcomes == [note.split(":")[0] for note in table["note"]]
    assert {"eligible", "ineligible", "incomplete"} <= set(outcomes)
    funding = selectlib.fund(rules, table, on=sample.on, budget=sample.budget).table
    assert (funding["granted"] > 0).sum() >= outcomes.count("eligible") // 2


# -- the sample applicants are placed in real 시군구 ------------------------------------------

APPLICANTS = read_table(SAMPLES / "applicants.csv")
ON = "2024-05-01"
AREA_TYPES = {"metro": "metro", "광역시": "metro", "city": "city", "시": "city", "군": "county"}
AREA_TYPES["county"] = "county"


def test_applicants_are_what_the_script_writes() -> None:
    rows = script("make_sample_data").rows()
    assert [row["applicant_id"] for row in rows] == APPLICANTS["applicant_id"].tolist()
    for column in ("applicant_name", "sigungu", "sigungu_code", "region", "area_type"):
        assert [row[column] for row in rows] == APPLICANTS[column].fillna("").tolist(), column


def test_every_applicants_code_region_and_area_type_agree_with_the_code_tables() -> None:
    codes, names = APPLICANTS["sigungu_code"].tolist(), APPLICANTS["sigungu"].tolist()
    types, reasons = area_types(codes, "kostat", ON, names=[n.split()[-1] for n in names])
    for row, kind, reason in zip(APPLICANTS.itertuples(), types, reasons, strict=True):
        where = f"{row.applicant_id} {row.applicant_name} ({row.sigungu} {row.sigungu_code})"
        sido = sido_info(row.sigungu_code, "kostat")
        assert sido is not None, f"{where}: no KOSTAT 시군구 code"
        assert sido.name == row.region, f"{where}: code is in {sido.name}, region {row.region}"
        assert kind is not None, f"{where}: {reason}"
        declared = AREA_TYPES.get(str(row.area_type).strip().lower())
        if declared is not None:  # rows A22 (missing) and A31 ('village') test bad input
            assert declared == kind, f"{where}: declared {row.area_type}, the code says {kind}"


def test_no_applicant_is_named_after_another_place() -> None:
    """An institution named after a place (전주, 김해, 서울 ...) is in that place."""
    suffix = re.compile(r"(특별자치시|특별자치도|특별시|광역시|도)$")
    stems = {suffix.sub("", region) for region in APPLICANTS["region"]}
    stems |= {n.split()[0][:-1] for n in APPLICANTS["sigungu"] if n.split()[0][-1] in "시군"}
    stems -= {""}
    for row in APPLICANTS.itertuples():
        own = {suffix.sub("", row.region), row.sigungu.split()[0][:-1]}
        named = {stem for stem in stems if stem in row.applicant_name}
        assert named <= own, f"{row.applicant_id} {row.applicant_name} is in {row.sigungu}"


GEO = script("make_sample_geo")
LOCATED = APPLICANTS[APPLICANTS["location_code"].fillna("") != ""]


def test_the_sample_map_is_what_the_script_writes(tmp_path: Path) -> None:
    GEO.main(tmp_path)
    for name in ("areas.geojson", "firms.csv", "expected_clusters.csv"):
        assert (tmp_path / name).read_bytes() == (SAMPLES / "geo" / name).read_bytes(), (
            f"sample_data/geo/{name} is stale: run python sample_data/make_sample_geo.py"
        )


def test_every_site_is_in_its_applicants_sigungu_and_fits_its_industry() -> None:
    sites = {site.applicant: site for site in GEO.SITES}
    assert set(sites) == set(LOCATED["applicant_id"])
    assert set(APPLICANTS["applicant_id"]) - set(sites) == {"A22", "A23", "A31", "A32"}
    for row in LOCATED.itertuples():
        site = sites[row.applicant_id]
        assert (row.location_code, row.industry_code) == (site.code, site.ksic)
        assert row.location_code[:5] == row.sigungu_code, row.applicant_id
        assert site.sigungu == row.sigungu, row.applicant_id
        assert GEO.SIDO[site.code[:2]] == row.region, row.applicant_id


def test_the_registry_gives_each_applicant_its_declared_count_and_area_type() -> None:
    """With --firms the count and area type computed from the map are the declared ones,
    so every outcome is the same as without, except the unlocated rows' (incomplete)."""
    firms = read_table(SAMPLES / "geo" / "firms.csv")
    small = firms[firms["employees"].astype(int) < 10]
    counts = small.groupby(["dong_code", "ksic"]).size()
    expected = read_table(SAMPLES / "geo" / "expected_clusters.csv")
    kind = {(c.unit, c.industry): c.area_type for c in expected.itertuples()}
    for row in LOCATED.itertuples():
        site = (row.location_code, row.industry_code)
        assert counts[site] == int(row.cluster_count), row.applicant_id
        assert kind[site] == AREA_TYPES[str(row.area_type).strip().lower()], row.applicant_id

    geo = pytest.importorskip("selectlib.geo")
    context = geo.GeoContext(
        geo.read_firms(SAMPLES / "geo" / "firms.csv"),
        geo.read_areas(SAMPLES / "geo" / "areas.geojson"),
    )
    profile = selectlib.load_profile(FLAGSHIP)
    with_map = profile.evaluate_many(APPLICANTS, on=ON, context=context)["outcome"].astype(str)
    without = profile.evaluate_many(APPLICANTS, on=ON)["outcome"].astype(str)
    unlocated = (APPLICANTS["location_code"].fillna("") == "").to_numpy()
    assert with_map[~unlocated].tolist() == without[~unlocated].tolist()
    assert set(with_map[unlocated]) == {"incomplete"}


@pytest.mark.skipif(not REAL_GEO.is_dir(), reason="the real boundaries sit beside the repository")
def test_every_site_is_a_real_dong_and_its_square_sits_on_it() -> None:
    gpd = pytest.importorskip("geopandas")
    shapely = pytest.importorskip("shapely")
    real = gpd.read_file(REAL_GEO / "skorea-submunicipalities-2018-topo-simple.json")
    real = real.set_crs(4326, allow_override=True).to_crs(5179).set_index("code")
    for site in GEO.SITES:
        assert real.loc[site.code, "name"] == site.name, site.applicant
        shape = shapely.make_valid(real.loc[site.code, "geometry"])
        assert shape.contains(shapely.Point(site.x, site.y)), site.applicant
    ksic = read_table(REAL_GEO / "ksic10_manufacturing_5digit.csv").set_index("ksic10")
    for site in GEO.SITES:
        assert str(ksic.loc[site.ksic, "urban_micro_eligible"]) == "True", site.applicant


@pytest.mark.skipif(not REAL_GEO.is_dir(), reason="the real boundaries sit beside the repository")
def test_every_sigungu_name_is_the_real_one_for_its_code() -> None:
    topo = json.loads(
        (REAL_GEO / "skorea-municipalities-2018-topo-simple.json").read_text(encoding="utf-8")
    )
    (layer,) = topo["objects"].values()
    real = {g["properties"]["code"]: g["properties"]["name"] for g in layer["geometries"]}
    for row in APPLICANTS.itertuples():
        assert real.get(row.sigungu_code) == row.sigungu.replace(" ", ""), row.applicant_id


# -- the demo reads the working tree's samples and says so -----------------------------------


def test_demo_uses_the_working_trees_sample_data() -> None:
    folder, which = demo_data()
    assert folder == ROOT / "sample_data"
    assert "working tree" in which
    assert all((folder / name).is_file() for name in DEMO_FILES)


def test_demo_says_which_files_it_read() -> None:
    # the demo prints these first (tests/cli/test_cli.py runs the whole demo)
    first, second = data_lines(*demo_data())
    assert first == f"sample data: {ROOT / 'sample_data'} (the working tree's sample_data/)"
    assert second == f"reads: {', '.join(DEMO_FILES)}"


def test_demo_uses_a_checkout_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Installed without -e and run from a clone's root, the demo reads the clone's files."""
    for part in ("selectlib", "sample_data"):
        (tmp_path / part).mkdir()
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'selectlib'\n", encoding="utf-8")
    (tmp_path / "sample_data" / "applicants.csv").write_text("applicant_id\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(demo, "__file__", str(tmp_path / "site" / "selectlib" / "cli" / "demo.py"))
    assert demo.demo_data() == (tmp_path / "sample_data", "the working tree's sample_data/")
    monkeypatch.chdir(tmp_path / "selectlib")
    folder, which = demo.demo_data()
    assert folder == sample_data_dir()
    assert which == "the copy installed with selectlib"
