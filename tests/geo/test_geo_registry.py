"""Reading firm registries: every dirty-data kind reported on its row, clean rows untouched.

The base registry is six firms of the sample geography (sample_data/geo_dirty), given either as
lon/lat or as EPSG:5179 x/y, with a 읍면동 code. Each dirty case breaks one row of it and
checks three things: the report names that row with the right reason and counted flag,
the row is repaired (or left out) as promised, and every other row comes out exactly as
it does from the clean registry.
"""

from __future__ import annotations

import doctest
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import DIRTY_GEO
from pyproj import Transformer

import selectlib.geo.registry
from selectlib.errors import InputError
from selectlib.geo.registry import Registry, read_firms
from selectlib.geo.report import Reason

SAMPLE = DIRTY_GEO
X0, Y0 = 1_000_000.0, 1_800_000.0
LOCAL = [(300, 300), (900, 300), (6300, 300), (20300, 300), (20500, 4500), (25500, 4500)]
CODES = ["2101051", "2101051", "2102051", "3101051", "3131011", "3131031"]
KSIC = ["25924", "25924", "14112", "29294", "10743", "10711"]
COLUMNS = ["firm_id", "ksic", "employees", "x", "y", "code", "code_system", "usable"]
TO_LONLAT = Transformer.from_crs("EPSG:5179", "EPSG:4326", always_xy=True)


def clean(kind: str = "lonlat") -> pd.DataFrame:
    """The clean six-firm registry: ``lonlat`` (degrees) or ``xy`` (EPSG:5179 metres)."""
    x = np.array([X0 + p[0] for p in LOCAL])
    y = np.array([Y0 + p[1] for p in LOCAL])
    lon, lat = TO_LONLAT.transform(x, y)
    frame = pd.DataFrame(
        {
            "firm_id": [f"F{i}" for i in range(1, 7)],
            "ksic": KSIC,
            "employees": [1, 2, 3, 4, 5, 9],
            "dong_code": CODES,
        },
        dtype=object,
    )
    if kind == "lonlat":
        return frame.assign(lon=lon, lat=lat)
    return frame.assign(x=x, y=y)


def expected_xy() -> tuple[np.ndarray, np.ndarray]:
    return np.array([X0 + p[0] for p in LOCAL]), np.array([Y0 + p[1] for p in LOCAL])


def issues_of(registry: Registry) -> list[tuple[int, str, bool]]:
    table = registry.report.issues
    return list(zip(table["row"], table["reason"], table["counted"], strict=True))


def set_cells(row: int, **values: Any) -> Callable[[pd.DataFrame], None]:
    def change(frame: pd.DataFrame) -> None:
        for column, value in values.items():
            frame[column] = frame[column].astype(object)
            frame.loc[row, column] = value

    return change


def swap(row: int, a: str, b: str) -> Callable[[pd.DataFrame], None]:
    def change(frame: pd.DataFrame) -> None:
        frame.loc[row, [a, b]] = frame.loc[row, [b, a]].to_numpy()

    return change


def degrees(row: int, *, swapped: bool = False) -> Callable[[pd.DataFrame], None]:
    def change(frame: pd.DataFrame) -> None:
        lon, lat = TO_LONLAT.transform(frame.loc[row, "x"], frame.loc[row, "y"])
        frame.loc[row, ["x", "y"]] = [lat, lon] if swapped else [lon, lat]

    return change


# (id, base kind, read_firms kwargs, change to row 2, reason, counted, row repaired to clean x/y)
CASES = [
    ("swapped-lonlat", "lonlat", {}, swap(2, "lon", "lat"), Reason.SWAPPED_COORDINATES, True, True),
    ("swapped-xy", "xy", {"crs": 5179}, swap(2, "x", "y"), Reason.SWAPPED_COORDINATES, True, True),
    ("degrees-as-metres", "xy", {"crs": 5179}, degrees(2), Reason.DEGREES_AS_METRES, True, True),
    (
        "degrees-as-metres-lat-first",
        "xy",
        {"crs": "EPSG:5179"},
        degrees(2, swapped=True),
        Reason.DEGREES_AS_METRES,
        True,
        True,
    ),
    (
        "no-point-with-code",
        "lonlat",
        {},
        set_cells(2, lon=None, lat=None),
        Reason.MISSING_GEOMETRY,
        True,
        False,
    ),
    (
        "no-point-no-code",
        "lonlat",
        {},
        set_cells(2, lon=None, lat=None, dong_code=None),
        Reason.MISSING_GEOMETRY,
        False,
        False,
    ),
    (
        "point-not-a-number",
        "lonlat",
        {},
        set_cells(2, lat="37.5N"),
        Reason.MISSING_GEOMETRY,
        True,
        False,
    ),
    (
        "zero-zero-placeholder",
        "lonlat",
        {},
        set_cells(2, lon=0, lat=0),
        Reason.EMPTY_GEOMETRY,
        True,
        False,
    ),
    (
        "latitude-beyond-90",
        "lonlat",
        {},
        set_cells(2, lat=1_900_000.0),
        Reason.OUTSIDE_AREAS,
        True,
        False,
    ),
    (
        "negative-employees",
        "lonlat",
        {},
        set_cells(2, employees=-3),
        Reason.NEGATIVE_EMPLOYEES,
        False,
        True,
    ),
    (
        "missing-employees",
        "lonlat",
        {},
        set_cells(2, employees=None),
        Reason.MISSING_EMPLOYEES,
        False,
        True,
    ),
    (
        "employees-not-a-number",
        "lonlat",
        {},
        set_cells(2, employees="many"),
        Reason.MISSING_EMPLOYEES,
        False,
        True,
    ),
    ("ksic-4-digits", "lonlat", {}, set_cells(2, ksic="C2511"), Reason.MALFORMED_KSIC, False, True),
    (
        "ksic-not-manufacturing",
        "lonlat",
        {},
        set_cells(2, ksic="47190"),
        Reason.MALFORMED_KSIC,
        False,
        True,
    ),
    ("ksic-missing", "lonlat", {}, set_cells(2, ksic=None), Reason.MALFORMED_KSIC, False, True),
    ("duplicate-id", "lonlat", {}, set_cells(2, firm_id="F1"), Reason.DUPLICATE_ID, False, True),
    (
        "mois-code-among-kostat",
        "lonlat",
        {},
        set_cells(2, dong_code="2611051000"),
        Reason.MIXED_CODE_SYSTEMS,
        True,
        True,
    ),
    (
        "code-of-no-system",
        "lonlat",
        {},
        set_cells(2, dong_code="9912345"),
        Reason.UNKNOWN_CODE,
        True,
        True,
    ),
]


@pytest.mark.parametrize(
    ("kind", "kwargs", "change", "reason", "counted", "repaired"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_each_dirty_kind_is_reported_on_its_row(
    kind: str,
    kwargs: dict[str, Any],
    change: Callable[[pd.DataFrame], None],
    reason: Reason,
    counted: bool,
    repaired: bool,
) -> None:
    dirty = clean(kind)
    change(dirty)
    result = read_firms(dirty, **kwargs)
    baseline = read_firms(clean(kind), **kwargs)

    assert issues_of(result) == [(2, reason.value, counted)]
    assert result.report.counts == {reason.value: 1}
    assert result.frame["usable"].tolist() == [True, True, counted, True, True, True]
    others = [0, 1, 3, 4, 5]
    pd.testing.assert_frame_equal(result.frame.loc[others], baseline.frame.loc[others])
    x, y = expected_xy()
    if repaired:
        assert result.frame.loc[2, "x"] == pytest.approx(x[2], abs=0.01)
        assert result.frame.loc[2, "y"] == pytest.approx(y[2], abs=0.01)
    else:
        assert np.isnan(result.frame.loc[2, "x"])
        assert np.isnan(result.frame.loc[2, "y"])


def test_clean_registry_is_normalized_in_input_order() -> None:
    registry = read_firms(clean())
    frame = registry.frame
    assert list(frame.columns) == COLUMNS
    assert isinstance(frame.index, pd.RangeIndex)
    assert len(frame) == 6
    assert frame["firm_id"].tolist() == [f"F{i}" for i in range(1, 7)]
    assert frame["ksic"].tolist() == KSIC
    assert frame["code"].tolist() == CODES
    assert frame["code_system"].tolist() == ["kostat"] * 6
    assert frame["employees"].dtype == np.float64
    assert frame["usable"].all()
    x, y = expected_xy()
    np.testing.assert_allclose(frame["x"], x, atol=1e-6)
    np.testing.assert_allclose(frame["y"], y, atol=1e-6)
    assert registry.report.rows_in == 6
    assert registry.report.issues.empty
    assert registry.source_crs == "EPSG:4326"


def test_ksic_spellings_normalize_and_ids_become_text() -> None:
    frame = clean().assign(
        firm_id=[7, 8, 9, 10, 11, 12], ksic=["C25924", " 25924", 14112, "c29294", "10743", "10711"]
    )
    registry = read_firms(frame)
    assert registry.frame["ksic"].tolist() == KSIC
    assert registry.frame["firm_id"].tolist() == ["7", "8", "9", "10", "11", "12"]
    assert registry.report.issues.empty


def test_swapped_lonlat_is_repaired_to_the_same_point_as_the_clean_row() -> None:
    dirty = clean()
    swap(0, "lon", "lat")(dirty)
    detail = read_firms(dirty).report.issues["detail"].iloc[0]
    assert "swapped" in detail
    assert "read as longitude 127.5" in detail


def test_codes_only_registry_needs_no_points_and_reports_rows_without_a_code() -> None:
    frame = clean().drop(columns=["lon", "lat"])
    frame.loc[4, "dong_code"] = None
    registry = read_firms(frame)
    assert issues_of(registry) == [(4, Reason.MISSING_GEOMETRY.value, False)]
    assert registry.frame["usable"].tolist() == [True, True, True, True, False, True]
    assert registry.frame["x"].isna().all()
    assert registry.source_crs is None


def test_ambiguous_codes_follow_the_decided_system_or_stay_undecided() -> None:
    frame = clean().drop(columns=["lon", "lat"]).assign(sigungu=["11110"] * 6)
    frame = frame.drop(columns=["dong_code"])
    alone = read_firms(frame)
    assert alone.frame["code_system"].isna().all()
    assert alone.frame["usable"].all()
    frame.loc[0, "sigungu"] = "1111051500"  # MOIS only: 10 digits
    decided = read_firms(frame)
    assert decided.frame["code_system"].tolist() == ["mois"] * 6
    assert decided.report.issues.empty


def test_mois_codes_of_two_dates_are_reported_on_the_fewer() -> None:
    frame = clean().drop(columns=["lon", "lat"])
    frame["dong_code"] = ["4215025000"] * 5 + ["5115025000"]  # 강원 42 → 51 on 2023-06-11
    registry = read_firms(frame)
    assert issues_of(registry) == [(5, Reason.MIXED_CODE_SYSTEMS.value, True)]
    assert "2023-06-11" in registry.report.issues["detail"].iloc[0]


def test_geodataframe_empty_and_missing_points() -> None:
    x, y = expected_xy()
    points = list(shapely.points(x, y))
    points[1], points[3] = shapely.Point(), None
    gdf = gpd.GeoDataFrame(clean().drop(columns=["lon", "lat"]), geometry=points, crs=5179)
    gdf.loc[3, "dong_code"] = None
    registry = read_firms(gdf)
    assert issues_of(registry) == [
        (1, Reason.EMPTY_GEOMETRY.value, True),
        (3, Reason.MISSING_GEOMETRY.value, False),
    ]
    assert registry.source_crs == "EPSG:5179"
    np.testing.assert_allclose(registry.frame["x"].iloc[[0, 2, 4, 5]], x[[0, 2, 4, 5]])


def test_declared_crs_5186_is_projected_to_5179() -> None:
    x, y = expected_xy()
    to_5186 = Transformer.from_crs("EPSG:5179", "EPSG:5186", always_xy=True)
    x86, y86 = to_5186.transform(x, y)
    frame = clean().drop(columns=["lon", "lat"]).assign(east=x86, north=y86)
    registry = read_firms(frame, crs="EPSG:5186", x="east", y="north")
    np.testing.assert_allclose(registry.frame["x"], x, atol=0.01)
    np.testing.assert_allclose(registry.frame["y"], y, atol=0.01)
    assert registry.report.issues.empty


def test_undeclared_metres_in_korea_are_read_as_5179_and_noted() -> None:
    registry = read_firms(clean("xy"))
    assert registry.source_crs == "EPSG:5179"
    assert any("read as EPSG:5179" in note for note in registry.notes)
    np.testing.assert_allclose(registry.frame["x"], expected_xy()[0])


# -- rows in = rows out, nothing left out unreported -----------------------------------------

KINDS_BOTH = [
    "clean", "no_point", "text_point", "zero_point", "no_location", "negative",
    "no_employees", "bad_ksic", "no_ksic", "duplicate", "unknown_code", "swapped",
]  # fmt: skip
EXPECTED: dict[str, tuple[Reason | None, bool]] = {
    "clean": (None, True),
    "swapped": (Reason.SWAPPED_COORDINATES, True),
    "degrees": (Reason.DEGREES_AS_METRES, True),
    "impossible": (Reason.OUTSIDE_AREAS, True),
    "no_point": (Reason.MISSING_GEOMETRY, True),
    "text_point": (Reason.MISSING_GEOMETRY, True),
    "zero_point": (Reason.EMPTY_GEOMETRY, True),
    "no_location": (Reason.MISSING_GEOMETRY, False),
    "negative": (Reason.NEGATIVE_EMPLOYEES, False),
    "no_employees": (Reason.MISSING_EMPLOYEES, False),
    "bad_ksic": (Reason.MALFORMED_KSIC, False),
    "no_ksic": (Reason.MALFORMED_KSIC, False),
    "duplicate": (Reason.DUPLICATE_ID, False),
    "unknown_code": (Reason.UNKNOWN_CODE, True),
}


def dirty_registry(kinds: list[str], projected: bool) -> pd.DataFrame:
    base = clean("xy" if projected else "lonlat")
    a, b = ("x", "y") if projected else ("lon", "lat")
    rows = []
    for i, kind in enumerate(kinds):
        row = base.iloc[i % 6].to_dict()
        row["firm_id"] = f"R{i}"
        if kind == "duplicate":
            row["firm_id"] = rows[-1]["firm_id"]
        elif kind == "swapped":
            row[a], row[b] = row[b], row[a]
        elif kind == "degrees":
            row[a], row[b] = TO_LONLAT.transform(row[a], row[b])
        elif kind == "impossible":
            row[b] = 1_900_000.0
        elif kind in ("no_point", "no_location"):
            row[a] = row[b] = None
        elif kind == "text_point":
            row[a] = "n/a"
        elif kind == "zero_point":
            row[a] = row[b] = 0.0
        elif kind == "negative":
            row["employees"] = -1
        elif kind == "no_employees":
            row["employees"] = None
        elif kind in ("bad_ksic", "no_ksic"):
            row["ksic"] = "C251" if kind == "bad_ksic" else ""
        if kind == "no_location":
            row["dong_code"] = None
        elif kind == "unknown_code":
            row["dong_code"] = "9912345"
        rows.append(row)
    return pd.DataFrame(rows, dtype=object)


@settings(max_examples=30, deadline=None)
@given(
    projected=st.booleans(),
    kinds=st.lists(st.sampled_from(KINDS_BOTH), min_size=1, max_size=30),
    extra=st.lists(st.sampled_from(["degrees", "impossible"]), max_size=3),
)
def test_rows_in_equal_rows_out_and_nothing_is_left_out_unreported(
    projected: bool, kinds: list[str], extra: list[str]
) -> None:
    kinds = [*kinds, *(k for k in extra if (k == "degrees") == projected)]
    kinds[0] = "clean" if kinds[0] == "duplicate" else kinds[0]
    frame = dirty_registry(kinds, projected)
    result = read_firms(frame, crs=5179 if projected else 4326)
    out = result.frame
    assert len(out) == len(kinds)
    assert isinstance(out.index, pd.RangeIndex)
    assert out["firm_id"].tolist() == frame["firm_id"].tolist()
    issues = result.report.issues
    assert result.report.rows_in == len(kinds)
    assert (issues["counted"].to_numpy() == out["usable"].to_numpy()[issues["row"]]).all()
    for row, kind in enumerate(kinds):
        reason, counted = EXPECTED[kind]
        found = set(issues.loc[issues["row"] == row, "reason"])
        assert found == ({reason.value} if reason else set()), (row, kind)
        assert bool(out.loc[row, "usable"]) == counted, (row, kind)
    clean_rows = [row for row, kind in enumerate(kinds) if kind == "clean"]
    if clean_rows:
        alone = read_firms(
            frame.loc[clean_rows].reset_index(drop=True), crs=5179 if projected else 4326
        )
        pd.testing.assert_frame_equal(
            out.loc[clean_rows].reset_index(drop=True), alone.frame, check_exact=True
        )


# -- file formats -----------------------------------------------------------------------------


def points_gdf(crs: int = 4326) -> gpd.GeoDataFrame:
    frame = clean("xy")
    gdf = gpd.GeoDataFrame(
        frame.drop(columns=["x", "y"]),
        geometry=gpd.points_from_xy(frame["x"], frame["y"]),
        crs=5179,
    )
    gdf["employees"] = gdf["employees"].astype("int64")
    return gdf.to_crs(crs)


@pytest.mark.parametrize("suffix", [".gpkg", ".shp", ".geojson", ".parquet"])
@pytest.mark.parametrize("crs", [4326, 5179])
def test_geo_file_formats_round_trip(tmp_path: Path, suffix: str, crs: int) -> None:
    gdf = points_gdf(crs)
    path = tmp_path / f"firms{suffix}"
    if suffix == ".parquet":
        gdf.to_parquet(path)
    else:
        gdf.to_file(path)
    result = read_firms(path)
    expected = read_firms(gdf)
    pd.testing.assert_frame_equal(result.frame, expected.frame, check_exact=False, atol=1e-3)
    assert result.report.issues.empty
    assert result.source_crs == f"EPSG:{crs}"
    np.testing.assert_allclose(result.frame["x"], expected_xy()[0], atol=1e-3)


def test_plain_parquet_with_lonlat_columns(tmp_path: Path) -> None:
    frame = clean().astype({"employees": "int64"})
    frame.to_parquet(tmp_path / "firms.parquet")
    result = read_firms(tmp_path / "firms.parquet")
    pd.testing.assert_frame_equal(result.frame, read_firms(clean()).frame)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949"])
def test_csv_encodings_with_korean_column_names(tmp_path: Path, encoding: str) -> None:
    frame = clean().rename(columns={"lon": "경도", "lat": "위도", "ksic": "업종코드"})
    frame["비고"] = "서울 소공인"
    path = tmp_path / "firms.csv"
    path.write_bytes(frame.to_csv(index=False).encode(encoding))
    result = read_firms(path, ksic="업종코드")
    expected = read_firms(clean())
    pd.testing.assert_frame_equal(result.frame, expected.frame, check_exact=False, atol=1e-6)
    assert any("'경도', '위도'" in note for note in result.notes)


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("missing.csv", None, "does not exist"),
        ("firms.xlsx", b"PK", "cannot read .xlsx"),
        ("bad.gpkg", b"not a geopackage", "export it again"),
        ("bad.parquet", b"not parquet", "not a readable Parquet file"),
        ("bad.geojson", b"{not json", "export it again"),
        ("bad.csv", b"firm_id\n\xff\xfe\xff\n", "neither UTF-8 nor CP949"),
        ("empty.csv", b"  \n", "the file is empty"),
    ],
)
def test_unreadable_files_raise_input_error_naming_the_file(
    tmp_path: Path, name: str, data: bytes | None, words: str
) -> None:
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    with pytest.raises(InputError, match=words) as caught:
        read_firms(path)
    assert caught.value.file == str(path)


def test_missing_column_says_which_and_how_to_name_it() -> None:
    with pytest.raises(InputError, match=r"no column 'employees'.*pass employees=") as caught:
        read_firms(clean().drop(columns=["employees"]))
    assert caught.value.field == "employees"


def test_bad_crs_and_unreadable_coordinates_raise() -> None:
    with pytest.raises(InputError, match="unknown coordinate reference system") as caught:
        read_firms(clean(), crs="EPSG:999999")
    assert caught.value.field == "crs"
    to_5186 = Transformer.from_crs("EPSG:5179", "EPSG:5186", always_xy=True)
    east, north = to_5186.transform(*expected_xy())
    with pytest.raises(InputError, match=r"declare it, e\.g\. crs="):
        read_firms(clean().drop(columns=["lon", "lat"]).assign(x=east, y=north))
    with pytest.raises(InputError, match="no location"):
        read_firms(clean().drop(columns=["lon", "lat", "dong_code"]))
    with pytest.raises(InputError, match="both x= and y="):
        read_firms(clean(), x="lon")


def test_non_point_geometry_is_refused() -> None:
    gdf = points_gdf(5179)
    gdf.loc[2, "geometry"] = shapely.box(0, 0, 1, 1)
    with pytest.raises(InputError, match="must be points") as caught:
        read_firms(gdf)
    assert caught.value.row == 2


# -- the sample registries --------------------------------------------------------------------

SAMPLE_DIRTY = {
    (189, "swapped_coordinates", True),
    (421, "malformed_ksic", False),
    (422, "malformed_ksic", False),
    (423, "malformed_ksic", False),
    (424, "negative_employees", False),
    (425, "missing_employees", False),
    (426, "missing_employees", False),
    (427, "duplicate_id", False),
    (428, "missing_geometry", True),
    (429, "missing_geometry", False),
    (430, "empty_geometry", False),
    (431, "mixed_code_systems", True),
    (432, "unknown_code", True),
}


def test_sample_files_are_what_the_script_makes(tmp_path: Path) -> None:
    script = SAMPLE.parent / "make_dirty_geo.py"
    subprocess.run([sys.executable, str(script), str(tmp_path)], check=True)
    made = sorted(path.name for path in tmp_path.iterdir())
    assert made == ["areas.geojson", "expected_clusters.csv", "firms.csv", "firms_5179.csv"]
    for name in made:
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name
        assert (SAMPLE / name).stat().st_size < 200_000


def test_sample_registries_report_their_dirty_rows() -> None:
    lonlat = read_firms(SAMPLE / "firms.csv")
    metres = read_firms(SAMPLE / "firms_5179.csv", crs=5179)
    assert set(issues_of(lonlat)) == SAMPLE_DIRTY
    assert set(issues_of(metres)) == SAMPLE_DIRTY | {(269, "degrees_as_metres", True)}
    pd.testing.assert_frame_equal(
        lonlat.frame.drop(columns=["x", "y"]), metres.frame.drop(columns=["x", "y"])
    )
    np.testing.assert_allclose(lonlat.frame["x"], metres.frame["x"], atol=0.01)
    np.testing.assert_allclose(lonlat.frame["y"], metres.frame["y"], atol=0.01)


def test_sample_registry_gives_the_expected_cluster_counts_by_code() -> None:
    frame = read_firms(SAMPLE / "firms.csv").frame
    small = frame[frame["usable"] & (frame["employees"] < 10)]
    counts = small.groupby(["code", "ksic"]).size()
    expected = pd.read_csv(SAMPLE / "expected_clusters.csv", dtype=str)
    for row in expected.itertuples():
        assert counts[(row.unit, row.industry)] == int(row.count), row.label


def test_module_examples_run() -> None:
    result = doctest.testmod(selectlib.geo.registry)
    assert result.attempted > 0
    assert result.failed == 0
