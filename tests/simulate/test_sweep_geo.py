"""Sweeping cluster parameters: counts made from the registry once per setting."""

from __future__ import annotations

import pandas as pd
import pytest
from paths import DIRTY_GEO
from strategies import FLAGSHIP, MANDATORY, ON

import selectlib
from selectlib.geo.derive import GeoContext
from selectlib.geo.registry import read_firms
from selectlib.simulate.grid import build_grid
from selectlib.simulate.points import Evaluator

GOOD = {
    "operator_type": "university",
    "has_dedicated_space": True,
    "has_equipment": True,
    "staff": 3,
    "mandatory_programs": ";".join(MANDATORY),
    "offers_education": True,
    "micro_manufacturer_related": True,
    "autonomous_programs": "network;marketing;consulting",
}


@pytest.fixture(scope="module")
def context() -> GeoContext:
    return GeoContext(read_firms(DIRTY_GEO / "firms.csv"))


@pytest.fixture(scope="module")
def applicants() -> pd.DataFrame:
    expected = pd.read_csv(DIRTY_GEO / "expected_clusters.csv", dtype=str)
    rows = [
        {
            **GOOD,
            "applicant_id": row.label,
            "location_code": row.unit,
            "industry_code": row.industry,
        }
        for row in expected.itertuples()
    ]
    return pd.DataFrame(rows)


def test_cluster_parameters_sweep_as_reforms_do(
    context: GeoContext, applicants: pd.DataFrame
) -> None:
    profile = selectlib.load_profile(FLAGSHIP)
    vary = {
        "cluster_unit": ["dong", "sigungu"],
        "cluster_employee_limit": [5, 10],
        "cluster_min.city": [30, 40],
    }
    table = selectlib.sweep(profile, applicants, vary, on=ON, context=context)
    assert len(table) == 8
    for row in table.to_dict("records"):
        reform = profile.with_params({key: row[key] for key in vary})
        result = reform.evaluate_many(applicants, on=ON, context=context)
        assert row["eligible"] == (result["outcome"] == "eligible").sum(), row
        assert row["failed.cluster_size"] == (result["cluster_size"] == "failed").sum(), row
    assert table["eligible"].nunique() > 1  # the settings matter
    # counted from the registry once per (unit, employee limit); the threshold reuses them
    grid = build_grid(profile, vary)
    evaluator = Evaluator(profile, applicants, grid, ON, context)
    for point in range(len(grid.points)):
        evaluator.decide(point)
    assert len(evaluator._vectors) == 4
