"""Cluster counting: by code, by point, within a radius, in a polygon; discovery, sweeps, checks.

Hand-built maps put exactly threshold−1, threshold and threshold+1 qualifying firms in a
unit, next to firms that must not count (10 or more employees, other industries, left
out by the registry, just outside the unit or radius), for each area type and each
mode. Properties: the code path and the point path agree, lowering a threshold never
removes a cluster, a sweep equals recounting, radius counts equal brute force, and every
input row is accounted for.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paths import REAL_GEO
from strategies import examples

from selectlib.geo import count as count_module
from selectlib.geo.check import check_location
from selectlib.geo.count import (
    ClusterCounts,
    assign_units,
    count_by_code,
    count_by_point,
    count_in_polygon,
    count_within_radius,
    qualifying,
)
from selectlib.geo.errors import GeoError
from selectlib.geo.ksic import manufacturing_classes, normalize_ksic
from selectlib.geo.report import Reason
from selectlib.geo.spatial import locate_points
from selectlib.geo.thresholds import discover, sweep

OX, OY = 950_000.0, 1_950_000.0  # central Seoul in EPSG:5179
THRESHOLD = {"metro": 50, "city": 40, "county": 20}
SIGUNGU = {"metro": ("11010", "11020"), "city": ("31010", "31020"), "county": ("31370", "31380")}
OFFSET = {"metro": 0.0, "city": 10_000.0, "county": 20_000.0}
AREA_TYPE = {code: kind for kind, codes in SIGUNGU.items() for code in codes}
INDUSTRY = "25111"
RADIUS = 300.0
REAL = REAL_GEO


def _areas() -> gpd.GeoDataFrame:
    """Per area type: 읍면동 A and B in one 시군구, and C (another 시군구) to their right."""
    rows = []
    for kind, (home, other) in SIGUNGU.items():
        x = OX + OFFSET[kind]
        for code, sigungu, left in (
            (home + "51", home, 0),
            (home + "52", home, 1000),
            (other + "51", other, 2000),
        ):
            rows.append((code, sigungu, shapely.box(x + left, OY, x + left + 1000, OY + 1000)))
    return gpd.GeoDataFrame(
        {
            "code": [r[0] for r in rows],
            "name": [f"동{r[0]}" for r in rows],
            "level": "dong",
            "sigungu": [r[1] for r in rows],
            "system": "kostat",
        },
        geometry=[r[2] for r in rows],
        crs=5179,
    )


AREAS = _areas()


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A Registry-shaped frame from firm dicts (defaults: usable, 3 employees, INDUSTRY)."""
    base = {"ksic": INDUSTRY, "employees": 3.0, "x": np.nan, "y": np.nan, "code": None}
    base |= {"code_system": "kostat", "usable": True}
    full = [
        {**base, **row, "firm_id": row.get("firm_id", f"F{i:04d}")} for i, row in enumerate(rows)
    ]
    columns = ["firm_id", "ksic", "employees", "x", "y", "code", "code_system", "usable"]
    frame = pd.DataFrame(full, columns=columns)
    return frame.astype({"employees": float, "x": float, "y": float, "usable": bool})


def _polygon(kind: str) -> shapely.Polygon:
    x = OX + OFFSET[kind]
    return shapely.Polygon([(x + 100, OY + 100), (x + 900, OY + 100), (x + 500, OY + 900)])


def _scenario(kind: str, delta: int, mode: str) -> tuple[pd.DataFrame, set[str], dict[str, Any]]:
    """A registry with exactly THRESHOLD[kind] + delta qualifying firms where ``mode`` counts.

    Returns the frame, the ids that must be counted, and the place to check.
    """
    rng = np.random.default_rng(abs(hash((kind, delta, mode))) % 2**32)
    x0, home = OX + OFFSET[kind], SIGUNGU[kind][0]
    a, b, c = home + "51", home + "52", SIGUNGU[kind][1] + "51"
    center = (x0 + 500.0, OY + 500.0)

    def inside() -> tuple[float, float, str]:
        if mode.startswith("sigungu"):  # anywhere in A or B
            x = x0 + rng.uniform(10, 1990)
            return x, OY + rng.uniform(10, 990), a if x < x0 + 1000 else b
        if mode == "radius":
            angle, dist = rng.uniform(0, 2 * np.pi), RADIUS * np.sqrt(rng.uniform(0, 0.99))
            return center[0] + dist * np.cos(angle), center[1] + dist * np.sin(angle), a
        if mode == "polygon":  # inside the triangle, away from its edges
            u, v = rng.uniform(0.05, 0.9), rng.uniform(0.05, 0.9)
            u, v = (u, v) if u + v < 0.95 else (0.95 - u, 0.95 - v)
            return x0 + 100 + 800 * u + 400 * v, OY + 100 + 800 * v, a
        return x0 + rng.uniform(10, 990), OY + rng.uniform(10, 990), a

    def outside() -> tuple[float, float, str]:
        """Just outside the unit, radius or polygon (1 m), still a qualifying firm."""
        y = OY + rng.uniform(10, 990)
        if mode.startswith("sigungu"):
            return x0 + 2001.0, y, c
        if mode == "radius":
            angle = rng.uniform(0, 2 * np.pi)
            return center[0] + 301 * np.cos(angle), center[1] + 301 * np.sin(angle), a
        if mode == "polygon":
            return x0 + rng.uniform(200, 800), OY + 99.0, a
        return x0 + 1001.0, y, b

    counted, rows = set(), []
    for i in range(THRESHOLD[kind] + delta):
        x, y, code = inside()
        employees = 9.0 if i == 0 else float(rng.integers(0, 10))
        ksic = "C25111" if i == 1 else INDUSTRY  # another spelling of the same class
        rows.append(
            {
                "firm_id": f"in{i}",
                "x": x,
                "y": y,
                "code": code,
                "employees": employees,
                "ksic": ksic,
            }
        )
        counted.add(f"in{i}")
    for i, (field, value) in enumerate(
        [
            ("employees", 10.0),
            ("employees", 11.0),
            ("employees", 40.0),
            ("employees", np.nan),
            ("ksic", "25112"),
            ("ksic", "10111"),
            ("ksic", "30121"),
            ("usable", False),
        ]
    ):
        x, y, code = inside()
        rows.append({"firm_id": f"no{i}", "x": x, "y": y, "code": code, field: value})
    for i in range(3):
        x, y, code = outside()
        rows.append({"firm_id": f"out{i}", "x": x, "y": y, "code": code})
    rows = [rows[i] for i in rng.permutation(len(rows))]
    if mode.endswith("point"):  # no codes: the points alone must place the firms
        rows = [{**row, "code": None} for row in rows]
    place = {"point": center} if mode in ("radius", "dong_point", "sigungu_point") else {"code": a}
    return _frame(rows), counted, place


MODES = ["dong", "sigungu", "dong_point", "sigungu_point", "radius", "polygon"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", ["metro", "city", "county"])
@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_threshold_edges_for_each_area_type_and_mode(kind: str, delta: int, mode: str) -> None:
    frame, expected, place = _scenario(kind, delta, mode)
    n = THRESHOLD[kind] + delta
    unit = "sigungu" if mode.startswith("sigungu") else "dong"
    home = SIGUNGU[kind][0]
    key = home if unit == "sigungu" else home + "51"
    if mode in ("dong", "sigungu"):
        counts = count_by_code(frame, unit)
    elif mode.endswith("point"):
        counts = count_by_point(frame, AREAS, unit)
    if mode in ("radius", "polygon"):
        if mode == "radius":
            assert count_within_radius(frame, place["point"], INDUSTRY, RADIUS).tolist() == [n]
        else:
            found, ids = count_in_polygon(frame, _polygon(kind), INDUSTRY)
            assert (found, set(ids)) == (n, expected)
        check = check_location(
            frame,
            INDUSTRY,
            area_type_of=AREA_TYPE,
            mode=mode,
            radius_m=RADIUS,
            polygon=_polygon(kind) if mode == "polygon" else None,
            areas=AREAS,
            **place,
        )
    else:
        assert counts.count(key, INDUSTRY) == n
        assert set(counts.members(key, INDUSTRY)) == expected
        check = check_location(
            frame,
            "C25111",
            area_type_of=AREA_TYPE,
            mode=unit,
            counts=counts,
            areas=AREAS if mode.endswith("point") else None,
            **place,
        )
        assert check.unit == key
    assert check.count == n
    assert set(check.firm_ids) == expected
    assert (check.area_type, check.threshold) == (kind, THRESHOLD[kind])
    assert check.passed is (delta >= 0)
    assert check.profile_inputs() == {"area_type": kind, "cluster_count": n}


def test_discover_finds_exactly_the_units_at_or_above_their_threshold() -> None:
    rows = []
    for kind, (home, other) in SIGUNGU.items():
        units = {-1: home + "51", 0: home + "52", 1: other + "51"}
        for delta, unit in units.items():
            rows += [{"code": unit}] * (THRESHOLD[kind] + delta)
            rows += [{"code": unit, "ksic": "10111"}] * (THRESHOLD[kind] + 5)
            rows += [{"code": unit, "employees": 10}] * 5
    rows = [{**row, "ksic": row.get("ksic", INDUSTRY)} for row in rows]
    found = discover(count_by_code(_frame(rows), "dong"), AREA_TYPE)
    assert list(found.columns) == ["unit", "industry", "count", "area_type", "threshold"]
    ours = found[found["industry"] == INDUSTRY]
    got = {(row.area_type, row.count - row.threshold) for row in ours.itertuples()}
    assert got == {(kind, delta) for kind in THRESHOLD for delta in (0, 1)}
    assert len(ours) == 6
    assert len(found) == 6 + 9  # every 10111 group is over its threshold
    assert (found["threshold"] == found["area_type"].map(THRESHOLD)).all()


def test_sweep_counts_clusters_at_and_around_each_threshold() -> None:
    rows = []
    for kind, (home, _) in SIGUNGU.items():
        rows += [{"code": home + "51"}] * THRESHOLD[kind]
    counts = count_by_code(_frame(rows))
    steps = [{kind: t + delta for kind, t in THRESHOLD.items()} for delta in (-1, 0, 1)]
    steps.append({"metro": 50, "city": 41, "county": 0})
    swept = sweep(counts, AREA_TYPE, steps)
    assert swept["clusters"].tolist() == [3, 3, 0, 2]
    assert swept[["clusters_metro", "clusters_city", "clusters_county"]].iloc[3].tolist() == [
        1,
        0,
        1,
    ]
    assert swept["threshold_city"].tolist() == [39, 40, 41, 41]


def test_radius_includes_the_boundary_and_counts_only_qualifying_same_industry_firms() -> None:
    frame = _frame(
        [
            {"x": OX + 300, "y": OY + 400},  # exactly 500 m: counted
            {"x": OX + 300.001, "y": OY + 400},  # 500.0006 m: not
            {"x": OX, "y": OY},  # the center itself
            {"x": OX, "y": OY, "employees": 10},
            {"x": OX, "y": OY, "ksic": "25112"},
            {"x": np.nan, "y": np.nan, "code": "1101051"},  # no point: cannot be placed
        ]
    )
    assert count_within_radius(frame, (OX, OY), "25111", 500).tolist() == [2]
    assert count_within_radius(frame, [(OX, OY)] * 2, ["251", "10111"], 500, level=3).tolist() == [
        3,
        0,
    ]
    check = check_location(
        frame,
        INDUSTRY,
        area_type_of=AREA_TYPE,
        mode="radius",
        point=(OX, OY),
        radius_m=500,
        code="1101051",
    )
    assert (check.count, check.unlocated) == (2, 1)


def test_levels_group_industries_and_urban_exclusion_drops_c30() -> None:
    frame = _frame(
        [
            {"code": "1101051", "ksic": k}
            for k in ("25111", "25112", "25130", "25111", "30121", "30122")
        ]
    )
    at = {level: count_by_code(frame, level=level).table for level in (2, 3, 5)}
    assert at[5].set_index("industry")["count"].to_dict() == {
        "25111": 2,
        "25112": 1,
        "25130": 1,
        "30121": 1,
        "30122": 1,
    }
    assert at[3].set_index("industry")["count"].to_dict() == {"251": 4, "301": 2}
    assert at[2].set_index("industry")["count"].to_dict() == {"25": 4, "30": 2}
    urban = count_by_code(frame, level=2, exclude_urban=True)
    assert urban.table["industry"].tolist() == ["25"]
    assert urban.report.rows_left_out == 0  # an excluded industry is not a data problem


def test_sigungu_units_from_kostat_and_mois_codes() -> None:
    frame = _frame(
        [
            {"code": "1101051"},
            {"code": "1101052"},
            {"code": "11010"},  # a 시군구 code counts per 시군구 but not per 읍면동
            {"code": "1111051500"},  # MOIS 10 digits: 시군구 11110
            {"code": "11-010"},
        ]
    )
    by_sigungu = count_by_code(frame, "sigungu")
    assert by_sigungu.table.set_index("unit")["count"].to_dict() == {"11010": 3, "11110": 1}
    by_dong = count_by_code(frame, "dong")
    assert by_dong.table["unit"].tolist() == ["1101051", "1101052", "1111051500"]
    issues = by_dong.report.issues.set_index("row")["reason"].to_dict()
    assert issues == {2: Reason.UNKNOWN_CODE, 4: Reason.UNKNOWN_CODE}


def test_assign_units_reports_points_outside_and_in_overlapping_areas() -> None:
    areas = gpd.GeoDataFrame(
        {"code": ["1101052", "1101051"], "level": "dong", "sigungu": "11010"},
        geometry=[shapely.box(0, 0, 100, 100), shapely.box(50, 0, 150, 100)],
        crs=5179,
    )
    x = [10, 75, 140, 500, np.nan, 0, 150]  # the last two: on the corner, on the edge
    codes, issues = assign_units(x, [10, 50, 50, 50, 1, 0, 100], areas)
    assert codes.tolist() == ["1101052", "1101051", "1101051", None, None, "1101052", "1101051"]
    reasons = issues.set_index("row")[["reason", "counted"]].to_dict("index")
    assert reasons == {
        1: {"reason": Reason.OVERLAPPING_AREAS, "counted": True},
        3: {"reason": Reason.OUTSIDE_AREAS, "counted": False},
    }
    assert "1101051, 1101052" in issues.loc[issues["row"] == 1, "detail"].item()


def test_areas_in_another_crs_are_projected() -> None:
    lonlat = AREAS.to_crs(4326)
    codes, _ = assign_units([OX + 500], [OY + 500], lonlat)
    assert codes.tolist() == ["1101051"]


def test_point_path_places_firms_without_points_by_code_and_reports_the_rest() -> None:
    frame = _frame(
        [
            {"x": OX + 10, "y": OY + 10},
            {"code": "1101052"},  # no point, a code some area has
            {"code": "9999999"},  # no point, a code no area has
            {},  # no point, no code
            {"x": OX - 5000, "y": OY},  # at sea
        ]
    )
    counts = count_by_point(frame, AREAS)
    assert counts.table[["unit", "count"]].values.tolist() == [["1101051", 1], ["1101052", 1]]
    reasons = counts.report.issues.set_index("row")["reason"].to_dict()
    assert reasons == {2: Reason.UNKNOWN_CODE, 3: Reason.MISSING_GEOMETRY, 4: Reason.OUTSIDE_AREAS}
    assert counts.counted.tolist() == [True, True, False, False, False]


def test_locate_points_grid_matches_exact_tests_on_clumped_points() -> None:
    """The refined grid gives what a point-by-point STRtree query gives, overlaps included."""
    rng = np.random.default_rng(5)
    seeds = rng.uniform(0, 20_000, (300, 2))
    cells = shapely.get_parts(
        shapely.voronoi_polygons(
            shapely.multipoints(seeds), extend_to=shapely.box(0, 0, 20_000, 20_000), ordered=True
        )
    )
    cells = shapely.intersection(cells, shapely.box(0, 0, 20_000, 20_000))
    geoms = np.append(
        cells, [shapely.Point(7_000, 7_000).buffer(900), shapely.box(-500, 5_000, 300, 6_000)]
    )
    centers = rng.uniform(-1_000, 21_000, (40, 2))
    points = centers[rng.integers(0, 40, 30_000)] + rng.normal(0, 300, (30_000, 2))
    x, y = points[:, 0], points[:, 1]
    priority = rng.permutation(len(geoms))
    found = locate_points(x, y, geoms, priority)

    left, right = shapely.STRtree(geoms).query(shapely.points(x, y), predicate="intersects")
    expected = np.full(len(x), -1)
    order = np.lexsort((priority[right], left))[::-1]
    expected[left[order]] = right[order]  # the lowest priority is written last
    np.testing.assert_array_equal(found.area, expected)
    several = np.bincount(left, minlength=len(x))[left] > 1
    pairs = set(zip(found.overlap_rows, found.overlap_areas, strict=True))
    assert pairs == set(zip(left[several], right[several], strict=True))
    assert several.any()
    assert (expected < 0).any()


def test_locate_points_on_real_kostat_boundaries() -> None:
    """On the real 읍면동 (overlapping, complex polygons) the grid agrees with exact tests."""
    path = REAL / "skorea-submunicipalities-2018-topo-simple.json"
    if not path.exists():
        pytest.skip(
            f"real KOSTAT boundaries not found in {REAL} (CI keeps shared/ beside the repo)"
        )
    dongs = gpd.read_file(path).set_crs(4326, allow_override=True).to_crs(5179)
    geoms = np.asarray(shapely.make_valid(dongs.geometry.array), dtype=object)
    rng = np.random.default_rng(11)
    hubs = shapely.get_coordinates(shapely.point_on_surface(geoms[rng.choice(len(geoms), 200)]))
    points = hubs[rng.integers(0, len(hubs), 40_000)] + rng.normal(0, 1_500, (40_000, 2))
    x, y = points[:, 0], points[:, 1]
    priority = pd.factorize(dongs["code"].astype(str), sort=True)[0]
    found = locate_points(x, y, geoms, priority)

    left, right = shapely.STRtree(geoms).query(shapely.points(x, y), predicate="intersects")
    expected = np.full(len(x), -1)
    order = np.lexsort((priority[right], left))[::-1]
    expected[left[order]] = right[order]
    np.testing.assert_array_equal(found.area, expected)
    assert (expected < 0).any()  # some points fall in the sea


@st.composite
def partitions(draw: st.DrawFn) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """A grid of 읍면동 (columns are 시군구) and firms inside known cells, with their codes."""
    xs = [0, *sorted(draw(st.sets(st.integers(1, 99), max_size=3))), 100]
    ys = [0, *sorted(draw(st.sets(st.integers(1, 99), max_size=3))), 100]
    cells, codes = [], []
    for i in range(len(xs) - 1):
        for j in range(len(ys) - 1):
            cells.append(
                shapely.box(
                    OX + xs[i] * 100, OY + ys[j] * 100, OX + xs[i + 1] * 100, OY + ys[j + 1] * 100
                )
            )
            codes.append(f"31{10 * (i + 1):03d}{51 + j}")
    areas = gpd.GeoDataFrame(
        {"code": codes, "level": "dong", "sigungu": [c[:5] for c in codes]},
        geometry=cells,
        crs=5179,
    )
    firm = st.tuples(
        st.integers(0, len(cells) - 1),
        st.floats(0.01, 0.99),
        st.floats(0.01, 0.99),
        st.sampled_from(["25111", "25112", "C25111", "10111", "30121", "bad"]),
        st.one_of(st.integers(0, 15).map(float), st.just(np.nan)),
        st.booleans(),  # has a point
    )
    rows = []
    for cell, fx, fy, ksic, employees, point in draw(st.lists(firm, max_size=80)):
        xmin, ymin, xmax, ymax = cells[cell].bounds
        x, y = (xmin + fx * (xmax - xmin), ymin + fy * (ymax - ymin)) if point else (np.nan, np.nan)
        rows.append({"x": x, "y": y, "code": codes[cell], "ksic": ksic, "employees": employees})
    return areas, _frame(rows)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(partitions(), st.sampled_from(["dong", "sigungu"]), st.sampled_from([2, 3, 5]))
def test_code_path_and_point_path_count_the_same(
    case: tuple[gpd.GeoDataFrame, pd.DataFrame], unit: str, level: int
) -> None:
    areas, frame = case
    by_code = count_by_code(frame, unit, level)
    by_point = count_by_point(frame, areas, unit, level)
    pd.testing.assert_frame_equal(by_code.table, by_point.table)
    np.testing.assert_array_equal(by_code.counted, by_point.counted)


@settings(max_examples=examples(60), deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 5), st.sampled_from(["25111", "10111", "14111"]), st.integers(1, 30)
        ),
        max_size=12,
    ),
    st.lists(
        st.fixed_dictionaries({k: st.integers(0, 35) for k in THRESHOLD}), min_size=1, max_size=8
    ),
    st.fixed_dictionaries({k: st.integers(0, 10) for k in THRESHOLD}),
)
def test_sweep_equals_recounting_and_lower_thresholds_keep_every_cluster(
    groups: list[tuple[int, str, int]], steps: list[dict[str, int]], cut: dict[str, int]
) -> None:
    sigungu = ["11010", "31010", "31370", "11020", "31020", "99999"]  # the last: unknown type
    rows = [
        {"code": f"{sigungu[u]}51", "ksic": k, "firm_id": f"{u}-{k}-{i}"}
        for u, k, n in groups
        for i in range(n)
    ]
    frame = _frame(rows)
    counts = count_by_code(frame)
    swept = sweep(counts, AREA_TYPE, steps)
    for step, thresholds in enumerate(steps):
        found = discover(count_by_code(frame), AREA_TYPE, thresholds)  # a fresh count
        assert swept["clusters"].iloc[step] == len(found)
        for kind in THRESHOLD:
            assert swept[f"clusters_{kind}"].iloc[step] == (found["area_type"] == kind).sum()
        lower = {kind: max(t - cut[kind], 0) for kind, t in thresholds.items()}
        more = discover(counts, AREA_TYPE, lower)
        assert set(zip(found["unit"], found["industry"], strict=True)) <= set(
            zip(more["unit"], more["industry"], strict=True)
        )


@settings(max_examples=examples(60), deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(-600, 600),
            st.integers(-600, 600),
            st.sampled_from(["25111", "25112", "10111"]),
            st.integers(0, 12),
        ),
        max_size=60,
    ),
    st.lists(
        st.tuples(
            st.integers(-700, 700),
            st.integers(-700, 700),
            st.sampled_from(["25111", "251", "10111"]),
        ),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from([0, 1, 250, 500, 5]),
    st.sampled_from([3, 5]),
)
def test_radius_counts_equal_brute_force(
    firms: list[tuple[int, int, str, int]],
    centers: list[tuple[int, int, str]],
    radius: int,
    level: int,
) -> None:
    frame = _frame([{"x": OX + x, "y": OY + y, "ksic": k, "employees": e} for x, y, k, e in firms])
    xy = [(OX + x, OY + y) for x, y, _ in centers]
    industries = [k for *_, k in centers]
    if any(len(k) < level for k in industries):  # "251" cannot be asked at level 5
        with pytest.raises(GeoError):
            count_within_radius(frame, xy, industries, radius, level)
        return
    expected = [
        sum(
            1
            for fx, fy, k, e in firms
            if e < 10 and k[:level] == ck[:level] and (fx - cx) ** 2 + (fy - cy) ** 2 <= radius**2
        )
        for cx, cy, ck in centers
    ]
    assert count_within_radius(frame, xy, industries, radius, level).tolist() == expected


DIRTY = st.fixed_dictionaries(
    {
        "x": st.one_of(st.floats(-500, 3500), st.just(np.nan)),
        "y": st.one_of(st.floats(-500, 1500), st.just(np.nan)),
        "code": st.sampled_from([None, "1101051", "1101052", "1102051", "11010", "9999999", "x"]),
        "ksic": st.sampled_from([None, "25111", "C25111", "45110", "30121", "251"]),
        "employees": st.sampled_from([np.nan, -1.0, 0.0, 9.0, 10.0, 200.0]),
        "usable": st.booleans(),
    }
)


@settings(max_examples=examples(80), deadline=None)
@given(st.lists(DIRTY, max_size=40), st.sampled_from(["code", "point"]), st.booleans())
def test_every_row_is_counted_not_qualifying_or_reported(
    rows: list[dict[str, Any]], path: str, exclude_urban: bool
) -> None:
    overlapping = pd.concat(
        [
            AREAS,
            gpd.GeoDataFrame(
                {"code": ["1101099"], "level": "dong", "sigungu": "11010"},
                geometry=[shapely.box(OX + 900, OY, OX + 1100, OY + 1000)],
                crs=5179,
            ),
        ],
        ignore_index=True,
    )
    frame = _frame([{**row, "x": OX + row["x"], "y": OY + row["y"]} for row in rows])
    counts = (
        count_by_code(frame, exclude_urban=exclude_urban)
        if path == "code"
        else count_by_point(frame, overlapping, exclude_urban=exclude_urban)
    )
    codes, _ = normalize_ksic(frame["ksic"].to_numpy(dtype=object))
    employees = frame["employees"].to_numpy()
    division_ok = np.array(
        [c is not None and (not exclude_urban or c[:2] != "30") for c in codes], dtype=bool
    )
    by_rule = frame["usable"].to_numpy() & (employees >= 0) & (employees < 10) & division_ok
    issues = counts.report.issues
    left_out = set(issues.loc[~issues["counted"].astype(bool), "row"])
    noted = set(issues.loc[issues["counted"].astype(bool), "row"])
    counted = set(np.flatnonzero(counts.counted))
    malformed = {i for i, row in enumerate(rows) if row["usable"] and codes[i] is None}
    assert set(issues.loc[issues["reason"] == Reason.MALFORMED_KSIC, "row"]) == malformed
    assert (counted | left_out) - malformed == set(np.flatnonzero(by_rule))
    assert not counted & left_out
    assert noted <= counted
    np.testing.assert_array_equal(qualifying(frame, exclude_urban=exclude_urban), by_rule)
    assert counts.table["count"].sum() == len(counted)
    assert counts.report.rows_in == len(frame)


def test_check_location_evidence_as_geojson_in_lonlat() -> None:
    frame, expected, place = _scenario("metro", 0, "dong")
    check = check_location(frame, INDUSTRY, area_type_of=AREA_TYPE, **place)
    data = json.loads(check.to_geojson())
    assert data["type"] == "FeatureCollection"
    assert {f["properties"]["firm_id"] for f in data["features"]} == expected
    lon, lat = np.array([f["geometry"]["coordinates"] for f in data["features"]]).T
    assert ((lon > 126.9) & (lon < 127.1)).all()
    assert ((lat > 37.4) & (lat < 37.7)).all()
    assert check.explain().endswith("which needs 50: passes")


def test_check_location_with_an_unknown_area_type_is_undecided() -> None:
    frame, _, _ = _scenario("metro", 1, "dong")
    check = check_location(frame, INDUSTRY, area_type_of={}, code=SIGUNGU["metro"][0] + "51")
    assert (check.count, check.area_type, check.threshold, check.passed) == (51, None, None, None)


def test_area_type_functions_may_give_reasons() -> None:
    def types(codes: np.ndarray) -> tuple[list[str], list[str]]:
        return ["county"] * len(codes), ["군 (policy metro_county=county)"] * len(codes)

    frame, _, place = _scenario("county", 0, "dong")
    check = check_location(frame, INDUSTRY, area_type_of=types, **place)
    assert (check.area_type, check.area_type_reason, check.passed) == (
        "county",
        "군 (policy metro_county=county)",
        True,
    )
    counts = count_by_code(frame)
    assert discover(counts, lambda codes: np.full(len(codes), "metro", dtype=object)).empty


@pytest.mark.parametrize(("policy", "passed"), [("county", True), ("metro", False)])
def test_county_in_a_metropolitan_city_follows_the_policy(policy: str, passed: bool) -> None:
    """With selectlib.geo.codes.area_types: 기장군 (KOSTAT 21310) takes 20 or 50 by policy."""
    codes = pytest.importorskip("selectlib.geo.codes")
    area_types = functools.partial(
        codes.area_types,
        system="kostat",
        on="2024-05-01",
        policy=codes.AreaTypePolicy(metro_county=policy),
    )
    frame = _frame([{"code": "2131051"}] * 25)
    counts = count_by_code(frame)
    check = check_location(frame, INDUSTRY, area_type_of=area_types, code="2131051", counts=counts)
    assert (check.count, check.passed) == (25, passed)
    assert f"metro_county={policy}" in check.area_type_reason
    assert len(discover(counts, area_types)) == int(passed)


@pytest.mark.parametrize(
    "call",
    [
        lambda f: count_by_code(f, level=4),
        lambda f: count_by_code(f, unit="radius"),
        lambda f: count_by_code(f, employee_limit=0),
        lambda f: count_by_code(f, employee_limit="10"),
        lambda f: count_by_code(f, level=5.0),
        lambda f: count_within_radius(f, (0, 0), INDUSTRY, radius_m=-1),
        lambda f: count_within_radius(f, (0, 0), "251", level=5),
        lambda f: count_within_radius(f, [(0, 0), (np.nan, 0)], INDUSTRY),
        lambda f: count_within_radius(f, [(0, 0), (1, 0)], [INDUSTRY] * 3),
        lambda f: count_by_point(f, AREAS.assign(level="sigungu"), "dong"),
        lambda f: discover(count_by_code(f), AREA_TYPE, {"metro": 50, "city": 40}),
        lambda f: discover(count_by_code(f), {"11010": "village"}),
        lambda f: check_location(f, INDUSTRY, area_type_of=AREA_TYPE),
        lambda f: check_location(
            f, INDUSTRY, area_type_of=AREA_TYPE, mode="radius", code="1101051"
        ),
        lambda f: check_location(
            f, INDUSTRY, area_type_of=AREA_TYPE, code="1101051", counts=count_by_code(f, level=3)
        ),
        lambda f: count_by_code(f.drop(columns="employees")),
    ],
)
def test_unusable_arguments_raise_geo_error(call: Callable[[pd.DataFrame], Any]) -> None:
    frame = _frame([{"code": "1101051", "x": OX + 1, "y": OY + 1}])
    with pytest.raises(GeoError):
        call(frame)


def test_dense_and_sparse_tallies_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many units × industries and few firms: counted by sorting, not by a dense bincount."""
    rng = np.random.default_rng(2)
    classes = manufacturing_classes()[:300]
    rows = [
        {"code": f"310{rng.integers(10, 99)}{rng.integers(10, 99)}", "ksic": rng.choice(classes)}
        for _ in range(2_000)
    ]
    frame = _frame(rows)
    sparse = count_by_code(frame)
    monkeypatch.setattr(count_module, "_DENSE_MIN", 10**9)
    dense = count_by_code(frame)
    assert len(sparse.units) * 300 > 4 * len(frame)  # the sparse branch was taken
    pd.testing.assert_frame_equal(sparse.table, dense.table)
    np.testing.assert_array_equal(sparse.counted, dense.counted)
    first = sparse.table.iloc[0]
    assert set(sparse.members(first.unit, first.industry)) == set(
        dense.members(first.unit, first.industry)
    )
    assert sparse.table["count"].sum() == len(frame)


def test_counts_accept_an_object_with_a_frame() -> None:
    class Registry:
        def __init__(self, frame: pd.DataFrame) -> None:
            self.frame = frame

    frame = _frame([{"code": "1101051"}] * 3)
    assert isinstance(count_by_code(Registry(frame)), ClusterCounts)
    assert count_by_code(Registry(frame)).count("1101051", INDUSTRY) == 3
