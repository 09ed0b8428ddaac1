"""The fast paths give the answers of the plain ones (issue 13).

The radius count equals one plain scipy cKDTree per industry and a brute-force count,
boundary distances and duplicates included, whether a group is counted with a tree or
pair by pair; a GeoParquet registry read with its points decoded from the WKB bytes
equals the same file read through geopandas and the same registry given as CSV; numbers
parsed by pyarrow equal pandas' ``to_numeric``.
"""

from __future__ import annotations

import struct
from pathlib import Path
from unittest import mock

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial import cKDTree
from strategies import examples

from selectlib.errors import InputError
from selectlib.geo import radius as radius_module
from selectlib.geo.columns import decode_points, numbers
from selectlib.geo.count import count_within_radius
from selectlib.geo.radius import count_neighbours
from selectlib.geo.registry import Registry, read_firms

INDUSTRIES = ("C25111", "C10111", "C13101")

# points on a 1 m grid: 3-4-5 triangles put firms exactly at the radius
cell = st.tuples(st.integers(-12, 12), st.integers(-12, 12))
firms_strategy = st.lists(
    st.tuples(cell, st.sampled_from(INDUSTRIES), st.sampled_from([0, 3, 9, 10, 40])),
    min_size=0,
    max_size=40,
)
centers_strategy = st.lists(
    st.tuples(cell, st.sampled_from((*INDUSTRIES, "C20111"))), min_size=1, max_size=15
)


def plain_ckdtree(
    firms: pd.DataFrame, centers: np.ndarray, industries: list[str], radius: float
) -> np.ndarray:
    """Ten lines of scipy: one cKDTree per industry of the firms with fewer than 10."""
    small = firms[firms["employees"] < 10]
    counts = np.zeros(len(centers), dtype=np.int64)
    wanted = np.array(industries, dtype=object)
    for industry, rows in small.groupby("ksic").indices.items():
        asked = np.flatnonzero(wanted == industry)
        if len(asked):
            tree = cKDTree(small[["x", "y"]].to_numpy()[rows])
            counts[asked] = tree.query_ball_point(centers[asked], r=radius, return_length=True)
    return counts


@settings(max_examples=examples(150), deadline=None)
@given(firms_strategy, centers_strategy, st.sampled_from([0.0, 1.0, 5.0, 10.0, 13.0]))
def test_radius_count_equals_a_plain_ckdtree_per_industry(
    given_firms: list[tuple[tuple[int, int], str, int]],
    given_centers: list[tuple[tuple[int, int], str]],
    radius: float,
) -> None:
    origin = (950_000.0, 1_950_000.0)  # EPSG:5179 metres in Korea
    firms = pd.DataFrame(
        {
            "firm_id": [f"F{i}" for i in range(len(given_firms))],
            "ksic": [industry for _, industry, _ in given_firms],
            "employees": [float(staff) for _, _, staff in given_firms],
            "x": [origin[0] + at[0] for at, _, _ in given_firms],
            "y": [origin[1] + at[1] for at, _, _ in given_firms],
        }
    )
    centers = np.array([(origin[0] + a, origin[1] + b) for (a, b), _ in given_centers])
    industries = [industry for _, industry in given_centers]
    ours = count_within_radius(firms, centers, industries, radius)
    assert ours.tolist() == plain_ckdtree(firms, centers, industries, radius).tolist()
    # and the meaning: distance ≤ radius, exactly at the radius included
    small = firms[firms["employees"] < 10]
    for center, industry, found in zip(centers, industries, ours, strict=True):
        same = small[small["ksic"] == industry]
        d2 = (same["x"] - center[0]) ** 2 + (same["y"] - center[1]) ** 2
        assert found == int((d2 <= radius * radius).sum())


def brute_force(
    points: np.ndarray, groups: np.ndarray, centers: np.ndarray, wanted: np.ndarray, r: float
) -> list[int]:
    """Per center, the points of its group with dx² + dy² ≤ r², one pair at a time."""
    found = []
    for (cx, cy), group in zip(centers, wanted, strict=True):
        same = points[groups == group] if group >= 0 else points[:0]
        found.append(sum((px - cx) ** 2 + (py - cy) ** 2 <= r * r for px, py in same))
    return found


offsets = st.floats(-50, 50, allow_subnormal=False)


@settings(max_examples=examples(100), deadline=None)
@given(
    st.lists(st.tuples(offsets, offsets, st.integers(0, 3)), min_size=1, max_size=40),
    st.lists(st.tuples(st.integers(0, 39), st.integers(-1, 4)), min_size=1, max_size=12),
    st.integers(0, 39),
    st.booleans(),
)
def test_trees_and_pairs_count_what_brute_force_counts(
    given_points: list[tuple[float, float, int]],
    given_centers: list[tuple[int, int]],
    at: int,
    trees: bool,
) -> None:
    # centers sit on the points (duplicates included); the radius is the float distance
    # from the first center to one point, so that point lies exactly at the radius
    origin = np.array([1_000_000.0, 2_000_000.0])
    points = origin + np.array([(x, y) for x, y, _ in given_points])
    points = np.vstack([points, points[:3]])  # duplicated points
    groups = np.array([g for _, _, g in given_points] + [g for _, _, g in given_points[:3]])
    centers = points[[i % len(points) for i, _ in given_centers]]
    wanted = np.array([g for _, g in given_centers], dtype=np.int64)
    dx, dy = points[at % len(points)] - centers[0]
    r = float(np.sqrt(dx * dx + dy * dy))
    with mock.patch.object(radius_module, "SMALL_GROUP_PAIRS", -1 if trees else 10**9):
        ours = count_neighbours(points, groups, centers, wanted, r)
    assert ours.tolist() == brute_force(points, groups, centers, wanted, r)
    plain = [
        cKDTree(points[groups == g]).query_ball_point(c, r=r, return_length=True)
        if g >= 0 and (groups == g).any()
        else 0
        for c, g in zip(centers, wanted, strict=True)
    ]
    assert ours.tolist() == plain


def test_radius_count_at_exactly_the_radius() -> None:
    firms = pd.DataFrame(
        {
            "firm_id": ["A", "B", "C", "D"],
            "ksic": ["C25111"] * 3 + ["C10111"],
            "employees": [1.0, 2.0, 3.0, 1.0],
            "x": [1_000_000.0 + 3, 1_000_000.0 + 3.000001, 1_000_000.0, 1_000_000.0],
            "y": [2_000_000.0 + 4, 2_000_000.0 + 4, 2_000_000.0, 2_000_000.0],
        }
    )
    center = (1_000_000.0, 2_000_000.0)
    # A at 5 m exactly (counted), B just beyond, C at the center; D another industry
    assert count_within_radius(firms, center, "C25111", 5.0).tolist() == [2]
    assert count_within_radius(firms, center, "C10111", 5.0).tolist() == [1]


coordinate = st.floats(allow_nan=True, allow_infinity=True, width=64)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.one_of(st.none(), st.tuples(coordinate, coordinate)), max_size=30))
def test_wkb_points_are_read_as_shapely_reads_them(
    points: list[tuple[float, float] | None],
) -> None:
    wkb = [None if p is None else struct.pack("<BIdd", 1, 1, *p) for p in points]
    decoded = decode_points(pa.array(wkb, type=pa.binary()))
    assert decoded is not None
    x, y, present = decoded
    geoms = shapely.from_wkb(np.array(wkb, dtype=object))
    assert present.tolist() == [p is not None for p in points]
    empty = present & shapely.is_empty(geoms)
    assert (empty == (present & np.isnan(x) & np.isnan(y))).all()
    shown = present & ~empty
    np.testing.assert_array_equal(x[shown], shapely.get_x(geoms[shown]))
    np.testing.assert_array_equal(y[shown], shapely.get_y(geoms[shown]))


def test_other_wkb_is_left_to_shapely() -> None:
    big_endian = struct.pack(">BIdd", 0, 1, 127.0, 37.5)
    three_d = shapely.to_wkb(shapely.Point(127.0, 37.5, 3.0))
    line = shapely.to_wkb(shapely.LineString([(0, 0), (1, 1)]))
    for other in (big_endian, three_d, line):
        assert decode_points(pa.array([other], type=pa.binary())) is None


numeric_text = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.floats(-200, 200).map(lambda v: f"{v:.6f}"),
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(["1e400", "-1e-400", "+.5", "5.", "1,234", " 7 ", "", "e", "1e", "--1", "-0"]),
)


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(numeric_text, max_size=20), st.sampled_from(["", "abc", "inf", "1_000"]))
def test_numbers_parse_as_pandas_does(values: list[str], other: str) -> None:
    for column in (values, [*values, other]):
        series = pd.Series(column, dtype="str").replace("", np.nan)
        found, bad = numbers(series)
        text = series.str.strip().str.replace(",", "", regex=False)
        text = text.where(series.notna() & (text != ""))
        expected = pd.to_numeric(text.astype(object), errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        np.testing.assert_array_equal(found, expected)
        assert bad.tolist() == (np.isnan(expected) & text.notna().to_numpy()).tolist()


# -- one registry, three ways in ------------------------------------------------------------


def dirty_registry() -> pd.DataFrame:
    """Firms with every kind of problem a point registry has, in lon/lat."""
    rng = np.random.default_rng(13)
    n = 60
    lon, lat = rng.uniform(126.5, 128.5, n).round(6), rng.uniform(35.0, 37.8, n).round(6)
    lon[3], lat[3] = lat[3], lon[3]  # swapped
    lon[5], lat[5] = 140.0, 20.0  # abroad
    lon[7] = lat[7] = np.nan  # no point
    return pd.DataFrame(
        {
            "firm_id": [f"F{i:03d}" for i in range(n - 2)] + ["F001", None],  # repeated, missing
            "ksic": (["C25111", "25111", "C10111", "99999", None] * 12)[:n],
            "employees": [float(v) for v in rng.integers(-2, 15, n)],
            "adm_cd": (["1101053", "11010", "9999999", None] * 15)[:n],
            "lon": lon,
            "lat": lat,
        }
    )


def outcome(registry: Registry) -> tuple[object, ...]:
    status = registry.status.table[["row", "firm_id", "status", "reason"]]
    report = registry.report.issues[["row", "reason", "counted"]]
    return registry.frame, status, report, registry.source_crs


def assert_same(one: tuple[object, ...], other: tuple[object, ...]) -> None:
    for a, b in zip(one, other, strict=True):
        if isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)
        else:
            assert a == b


def as_geoparquet(table: pd.DataFrame, path: Path) -> gpd.GeoDataFrame:
    """The registry as GeoParquet in EPSG:4326: no geometry where it has no lon/lat."""
    points = gpd.points_from_xy(table["lon"], table["lat"])
    geo = gpd.GeoDataFrame(table.drop(columns=["lon", "lat"]), geometry=points, crs=4326)
    geo.loc[table["lon"].isna().to_numpy(), "geometry"] = None
    geo.to_parquet(path)
    return geo


def test_geoparquet_read_fast_equals_geopandas(tmp_path: Path) -> None:
    geo = as_geoparquet(dirty_registry(), tmp_path / "firms.parquet")
    geo.loc[11, "geometry"] = shapely.Point()  # an empty point
    geo.loc[12, "geometry"] = shapely.Point(np.inf, 37.0)  # a point at infinity
    geo.to_parquet(tmp_path / "firms.parquet")
    fast = read_firms(tmp_path / "firms.parquet")
    through_geopandas = read_firms(gpd.read_parquet(tmp_path / "firms.parquet"))
    assert_same(outcome(fast), outcome(through_geopandas))
    assert fast.report.issues["detail"].tolist() == (
        through_geopandas.report.issues["detail"].tolist()
    )
    assert fast.notes == through_geopandas.notes
    assert {"empty_geometry", "missing_geometry"} <= set(fast.report.counts)


def test_a_registry_as_geoparquet_or_csv_reads_the_same(tmp_path: Path) -> None:
    table = dirty_registry()
    table.to_csv(tmp_path / "firms.csv", index=False)
    as_geoparquet(table, tmp_path / "firms.parquet")
    from_csv, fast = read_firms(tmp_path / "firms.csv"), read_firms(tmp_path / "firms.parquet")
    assert_same(outcome(from_csv)[1:], outcome(fast)[1:])
    pd.testing.assert_frame_equal(from_csv.frame, fast.frame)
    assert set(fast.report.counts) >= {
        "duplicate_id",
        "missing_id",
        "swapped_coordinates",
        "outside_areas",
        "missing_geometry",
        "negative_employees",
        "malformed_ksic",
        "unknown_code",
    }


def test_a_registry_read_fast_keeps_only_what_it_needs(tmp_path: Path) -> None:
    table = dirty_registry().assign(name="공장", address="서울")
    geo = as_geoparquet(table, tmp_path / "firms.parquet")
    assert_same(outcome(read_firms(tmp_path / "firms.parquet")), outcome(read_firms(geo)))
    # a column named but absent is reported with every column of the file
    with pytest.raises(InputError, match=r"'address'.*pass employees="):
        read_firms(tmp_path / "firms.parquet", employees="staff")
