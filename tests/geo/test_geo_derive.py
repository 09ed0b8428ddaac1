"""The flagship's cluster criterion computed from a firm registry and maps (derived inputs)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from paths import DIRTY_GEO

from selectlib.geo.areas import read_areas
from selectlib.geo.derive import GeoContext
from selectlib.geo.errors import GeoError
from selectlib.geo.registry import read_firms

ON = "2024-05-01"
GEO = DIRTY_GEO
GOOD = {
    "operator_type": "university",
    "has_dedicated_space": True,
    "has_equipment": True,
    "staff": 3,
    "mandatory_programs": "survey;workforce;shared_facilities;funding_support;roadmap",
    "offers_education": True,
    "autonomous_programs": "network;marketing;consulting",
}


@pytest.fixture(scope="module")
def firms():
    return read_firms(GEO / "firms.csv")


@pytest.fixture(scope="module")
def areas():
    return read_areas(GEO / "areas.geojson")


@pytest.fixture(scope="module")
def expected() -> pd.DataFrame:
    return pd.read_csv(GEO / "expected_clusters.csv", dtype=str)


def applicants(expected: pd.DataFrame) -> list[dict[str, object]]:
    return [
        {
            **GOOD,
            "applicant_id": row.label,
            "location_code": row.unit,
            "industry_code": row.industry,
        }
        for row in expected.itertuples()
    ]


def urban(expected: pd.DataFrame) -> pd.DataFrame:
    """The sample's clusters in 도시형소공인 industries (the profile leaves out C12/19/21/30/31)."""
    return expected[~expected["industry"].str[:2].isin(["12", "19", "21", "30", "31"])]


@pytest.mark.parametrize("with_areas", [True, False], ids=["point path", "code path"])
def test_counts_and_thresholds_come_from_the_registry(flagship, firms, areas, expected, with_areas):
    context = GeoContext(firms, areas if with_areas else None)
    kept = urban(expected)
    table = flagship.evaluate_many(applicants(kept), on=ON, context=context, explain=True)
    assert table["cluster_size.value"].tolist() == kept["count"].astype(int).tolist()
    assert table["cluster_size.threshold"].tolist() == kept["threshold"].astype(int).tolist()
    meets = (kept["meets"] == "yes").tolist()
    assert (table["cluster_size"] == "passed").tolist() == meets


def test_one_applicant_and_a_table_agree(flagship, firms, areas, expected):
    context = GeoContext(firms, areas)
    rows = applicants(expected)
    table = flagship.evaluate_many(rows, on=ON, context=context, explain=True)
    for index, row in enumerate(rows):
        result = flagship.evaluate(row, on=ON, context=context).criterion("cluster_size")
        assert result.value == table["cluster_size.value"].iloc[index]
        assert str(result.status) == table["cluster_size"].iloc[index]


def test_computed_values_replace_typed_ones(flagship, firms, expected):
    row = {**applicants(expected)[1], "cluster_count": 500, "area_type": "county"}  # B: 49, metro
    decision = flagship.evaluate(row, on=ON, context=GeoContext(firms))
    result = decision.criterion("cluster_size")
    assert (result.value, result.threshold, str(result.status)) == (49, 50, "failed")
    typed = flagship.evaluate(row, on=ON)  # without context the typed values are used
    assert typed.criterion("cluster_size").value == 500


def test_a_point_location_is_placed_in_its_area(flagship, firms, areas, expected):
    located = firms.frame.groupby("code")[["x", "y"]].first()
    rows = []
    for row in applicants(urban(expected)):
        x, y = located.loc[str(row.pop("location_code"))]
        rows.append({**row, "location_x": x, "location_y": y})
    table = flagship.evaluate_many(rows, on=ON, context=GeoContext(firms, areas), explain=True)
    assert table["cluster_size.value"].tolist() == urban(expected)["count"].astype(int).tolist()


def test_policy_and_exclusions_are_reformable_parameters(flagship, firms, expected):
    rows = applicants(expected)
    context = GeoContext(firms)
    county_in_metro = next(
        i
        for i, r in enumerate(expected.itertuples())
        if r.unit[:2] == "21" and r.area_type == "county"
    )
    metro = flagship.with_params({"metro_county_policy": "metro"})
    table = metro.evaluate_many(rows, on=ON, context=context, explain=True)
    assert table["cluster_size.threshold"].iloc[county_in_metro] == 50
    vehicles = next(i for i, r in enumerate(expected.itertuples()) if r.industry[:2] == "30")
    default = flagship.evaluate_many(rows, on=ON, context=context, explain=True)
    assert default["cluster_size.value"].iloc[vehicles] == 0  # C30 is no 도시형소공인 industry
    everyone = flagship.with_params({"cluster_exclude_urban": False})
    counted = everyone.evaluate_many(rows, on=ON, context=context, explain=True)
    assert counted["cluster_size.value"].iloc[vehicles] == int(expected["count"].iloc[vehicles])


def test_a_radius_counts_around_the_center(flagship, firms, areas, expected):
    first = expected.iloc[0]
    members = firms.frame[firms.frame["code"] == first["unit"]]
    center = {"location_x": members["x"].mean(), "location_y": members["y"].mean()}
    row = {**GOOD, "industry_code": first["industry"], **center}
    wide = flagship.with_params({"cluster_unit": "radius", "cluster_radius_m": 5000})
    narrow = flagship.with_params({"cluster_unit": "radius", "cluster_radius_m": 1})
    context = GeoContext(firms, areas)
    # 5 km holds the whole cluster (and maybe a same-industry firm just outside its 읍면동)
    assert wide.evaluate(row, on=ON, context=context).criterion("cluster_size").value >= int(
        first["count"]
    )
    assert narrow.evaluate(row, on=ON, context=context).criterion("cluster_size").value <= 1


def test_unknown_industry_or_place_is_missing_not_zero(flagship, firms):
    decision = flagship.evaluate({**GOOD, "industry_code": "X9"}, on=ON, context=GeoContext(firms))
    assert str(decision.criterion("cluster_size").status) == "missing"
    assert decision.outcome == "incomplete"


def test_a_wrong_unit_or_context_is_a_geo_error(flagship, firms):
    with pytest.raises(GeoError):
        flagship.with_params({"cluster_unit": "village"}).evaluate(
            {**GOOD, "industry_code": "25924"}, on=ON, context=GeoContext(firms)
        )
    with pytest.raises(GeoError):
        flagship.evaluate({**GOOD, "industry_code": "25924"}, on=ON, context="not a context")


def test_without_areas_a_point_location_is_refused(flagship, firms):
    row = {**GOOD, "industry_code": "25924", "location_x": 1_000_100.0, "location_y": 1_800_100.0}
    decision = flagship.evaluate(row, on=ON, context=GeoContext(firms))
    assert str(decision.criterion("cluster_size").status) == "missing"


def test_a_code_too_coarse_for_the_unit_is_missing_not_zero(flagship, firms, areas):
    row = {**GOOD, "industry_code": "C25924", "location_code": "21010"}  # a 시군구 code
    decision = flagship.evaluate(row, on=ON, context=GeoContext(firms, areas))
    assert str(decision.criterion("cluster_size").status) == "missing"
    by_sigungu = flagship.with_params({"cluster_unit": "sigungu"})
    counted = by_sigungu.evaluate(row, on=ON, context=GeoContext(firms, areas))
    assert counted.criterion("cluster_size").value == 50


def test_a_list_where_a_location_belongs_does_not_crash(flagship, firms):
    row = {**GOOD, "industry_code": "C25924", "location_code": ["2101051", "2101052"]}
    decision = flagship.evaluate(row, on=ON, context=GeoContext(firms))
    assert str(decision.criterion("cluster_size").status) == "missing"


def test_the_code_system_comes_from_the_areas_then_the_registry(firms, areas):
    assert GeoContext(firms, areas).code_system() == "kostat"
    assert GeoContext(firms, areas, system="mois").code_system() == "mois"


def test_infinite_coordinates_are_reported_not_lost(tmp_path: Path):
    source = tmp_path / "firms.csv"
    source.write_text(
        "firm_id,ksic,employees,lon,lat\nF1,25924,3,inf,36.2\nF2,25924,3,127.5,36.2\n",
        encoding="utf-8",
    )
    registry = read_firms(source)
    assert registry.report.counts == {"missing_geometry": 1}
    assert registry.report.issues["row"].tolist() == [0]
