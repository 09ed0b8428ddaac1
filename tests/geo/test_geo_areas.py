"""Reading area polygons: codes and levels, CRS, repairs reported, and the real KOSTAT files.

Hand-built squares in EPSG:5179 with one problem each; the sample geography
(sample_data/geo_dirty); and, when ../shared/geo/real is present, the real 2018 KOSTAT
boundaries (3,504 읍면동 with 29 invalid polygons, 250 시군구).
"""

from __future__ import annotations

import doctest
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from paths import DIRTY_GEO, REAL_GEO
from pyproj import Transformer

import selectlib.geo.areas
from selectlib.errors import InputError
from selectlib.geo.areas import Areas, read_areas
from selectlib.geo.errors import GeoError
from selectlib.geo.registry import read_firms
from selectlib.geo.report import Reason

SAMPLE = DIRTY_GEO
REAL = REAL_GEO
X0, Y0 = 1_000_000.0, 1_800_000.0
CODES = ["2101051", "2101052", "2102051", "3101051"]
COLUMNS = ["code", "name", "level", "sigungu", "system", "geometry"]


def squares(codes: list[str] = CODES, size: float = 1000.0) -> gpd.GeoDataFrame:
    """One square per code, side by side, in EPSG:5179."""
    boxes = [
        shapely.box(X0 + i * size, Y0, X0 + (i + 1) * size, Y0 + size) for i in range(len(codes))
    ]
    names = [f"동{i}" for i in range(len(codes))]
    return gpd.GeoDataFrame({"code": codes, "name": names}, geometry=boxes, crs=5179)


def issues_of(areas: Areas) -> list[tuple[int, str, bool]]:
    table = areas.report.issues
    return list(zip(table["row"], table["reason"], table["counted"], strict=True))


def test_clean_squares_keep_codes_and_get_level_sigungu_and_system() -> None:
    areas = read_areas(squares())
    frame = areas.frame
    assert list(frame.columns) == COLUMNS
    assert frame.crs.to_epsg() == 5179
    assert frame["code"].tolist() == CODES
    assert frame["level"].tolist() == ["dong"] * 4
    assert frame["sigungu"].tolist() == ["21010", "21010", "21020", "31010"]
    assert frame["system"].tolist() == ["kostat"] * 4
    assert frame["name"].tolist() == ["동0", "동1", "동2", "동3"]
    assert areas.report.issues.empty
    assert frame.geom_equals(squares().geometry).all()


def test_sigungu_and_mois_codes_get_their_level() -> None:
    areas = read_areas(squares(["1111051500", "1111000000", "11110", "4182025000"]))
    assert areas.frame["level"].tolist() == ["dong", "sigungu", "sigungu", "dong"]
    assert areas.frame["sigungu"].tolist() == ["11110", "11110", "11110", "41820"]
    assert areas.frame["system"].tolist() == ["mois"] * 4
    assert areas.report.issues.empty


def test_spike_is_repaired_to_the_intended_polygon_and_reported() -> None:
    gdf = squares()
    ring = [(X0, Y0), (X0 + 1000, Y0), (X0 + 1000, Y0 + 500), (X0 + 1400, Y0 + 500)]
    ring += [(X0 + 1000, Y0 + 500), (X0 + 1000, Y0 + 1000), (X0, Y0 + 1000)]
    gdf.loc[0, "geometry"] = shapely.Polygon(ring)
    assert not gdf.is_valid[0]
    areas = read_areas(gdf)
    assert issues_of(areas) == [(0, Reason.INVALID_POLYGON.value, True)]
    assert "Self-intersection" in areas.report.issues["detail"].iloc[0]
    repaired = areas.frame.geometry.iloc[0]
    assert repaired.is_valid
    assert repaired.equals(shapely.box(X0, Y0, X0 + 1000, Y0 + 1000))


def test_bowtie_is_repaired_into_its_two_triangles() -> None:
    gdf = squares()
    gdf.loc[1, "geometry"] = shapely.Polygon(
        [(X0, Y0), (X0 + 1000, Y0 + 1000), (X0 + 1000, Y0), (X0, Y0 + 1000)]
    )
    areas = read_areas(gdf)
    assert issues_of(areas) == [(1, Reason.INVALID_POLYGON.value, True)]
    repaired = areas.frame.geometry.iloc[1]
    assert repaired.is_valid
    assert repaired.geom_type == "MultiPolygon"
    assert repaired.area == pytest.approx(500_000)


@pytest.mark.parametrize(
    ("geometry", "reason"),
    [
        (None, Reason.MISSING_GEOMETRY),
        (shapely.Polygon(), Reason.EMPTY_GEOMETRY),
        (shapely.Polygon([(X0, Y0), (X0 + 10, Y0), (X0 + 20, Y0)]), Reason.INVALID_POLYGON),
        (shapely.LineString([(X0, Y0), (X0 + 10, Y0 + 10)]), Reason.INVALID_POLYGON),
    ],
    ids=["missing", "empty", "collapsed", "a-line"],
)
def test_unusable_geometry_is_left_out_and_reported(
    geometry: shapely.Geometry | None, reason: Reason
) -> None:
    gdf = squares()
    gdf["geometry"] = gdf.geometry.astype(object).where(gdf.index != 2, None)
    gdf.loc[2, "geometry"] = geometry
    gdf = gdf.set_geometry("geometry", crs=5179)
    areas = read_areas(gdf)
    assert issues_of(areas) == [(2, reason.value, False)]
    assert areas.frame.geometry.isna().tolist() == [False, False, True, False]
    assert areas.frame["code"].iloc[2] == CODES[2]  # the row stays, without geometry
    assert areas.report.rows_left_out == 1


@pytest.mark.parametrize(
    ("code", "words"),
    [(None, "no code"), ("9912345", "no KOSTAT or MOIS code"), ("21", "no 읍면동 or 시군구 code")],
    ids=["missing", "unknown", "a-sido-code"],
)
def test_codes_that_name_no_area_are_left_out(code: str | None, words: str) -> None:
    gdf = squares()
    gdf["code"] = gdf["code"].astype(object)
    gdf.loc[1, "code"] = code
    areas = read_areas(gdf)
    assert issues_of(areas) == [(1, Reason.UNKNOWN_CODE.value, False)]
    assert words in areas.report.issues["detail"].iloc[0]
    assert areas.frame.geometry.iloc[1] is None


def test_a_code_of_the_other_system_is_reported_and_kept() -> None:
    areas = read_areas(squares(["2101051", "2101052", "2611051000", "3101051"]))
    assert issues_of(areas) == [(2, Reason.MIXED_CODE_SYSTEMS.value, True)]
    assert areas.frame["system"].tolist() == ["kostat", "kostat", "mois", "kostat"]
    assert areas.frame.geometry.notna().all()


def test_level_keeps_only_areas_of_that_level() -> None:
    areas = read_areas(squares(["2101051", "21010", "2102051", "31010"]), level="dong")
    assert issues_of(areas) == [
        (1, Reason.UNKNOWN_CODE.value, False),
        (3, Reason.UNKNOWN_CODE.value, False),
    ]
    assert areas.frame["level"].tolist()[::2] == ["dong", "dong"]
    with pytest.raises(GeoError, match="level must be"):
        read_areas(squares(), level="emd")  # type: ignore[arg-type]


def test_lonlat_without_crs_is_read_as_4326_and_noted() -> None:
    to_lonlat = Transformer.from_crs("EPSG:5179", "EPSG:4326", always_xy=True)
    gdf = squares()
    lonlat = gdf.set_geometry(
        shapely.transform(
            gdf.geometry.array, lambda xy: np.column_stack(to_lonlat.transform(*xy.T))
        )
    ).set_crs(None, allow_override=True)
    assert lonlat.crs is None
    areas = read_areas(lonlat)
    assert areas.source_crs == "EPSG:4326"
    assert any("read as EPSG:4326" in note for note in areas.notes)
    bounds = areas.frame.total_bounds
    np.testing.assert_allclose(bounds, [X0, Y0, X0 + 4000, Y0 + 1000], atol=0.01)


def test_metres_of_an_unknown_crs_raise() -> None:
    gdf = squares().translate(-800_000, -1_300_000).to_frame("geometry")
    gdf["code"] = CODES
    with pytest.raises(InputError, match="cannot tell the coordinate reference system"):
        read_areas(gdf.set_crs(None, allow_override=True))


def test_inputs_without_polygons_or_codes_raise(tmp_path: Path) -> None:
    path = tmp_path / "areas.csv"
    path.write_text("code,name\n2101051,동\n", encoding="utf-8")
    with pytest.raises(InputError, match="no polygons") as caught:
        read_areas(path)
    assert caught.value.file == str(path)
    with pytest.raises(InputError, match="no column 'adm_cd'"):
        read_areas(squares(), code="adm_cd")


@pytest.mark.parametrize("suffix", [".gpkg", ".shp", ".geojson", ".parquet"])
def test_area_file_formats_round_trip(tmp_path: Path, suffix: str) -> None:
    gdf = squares().to_crs(4326)
    path = tmp_path / f"areas{suffix}"
    if suffix == ".parquet":
        gdf.to_parquet(path)
    else:
        gdf.to_file(path)
    areas = read_areas(path)
    expected = read_areas(gdf)
    assert areas.source_crs == "EPSG:4326"
    pd.testing.assert_frame_equal(
        areas.frame.drop(columns="geometry"), expected.frame.drop(columns="geometry")
    )
    got, want = (shapely.normalize(f.geometry.array) for f in (areas.frame, expected.frame))
    assert shapely.equals_exact(got, want, tolerance=1e-3).all()  # shapefiles turn rings


def test_dissolve_sigungu_merges_per_code() -> None:
    areas = read_areas(squares())
    sigungu = areas.dissolve_sigungu()
    frame = sigungu.frame
    assert frame["code"].tolist() == ["21010", "21020", "31010"]
    assert frame["level"].tolist() == ["sigungu"] * 3
    assert frame["sigungu"].tolist() == frame["code"].tolist()
    assert frame.area.round().tolist() == [2_000_000, 1_000_000, 1_000_000]
    assert frame.crs.to_epsg() == 5179
    assert sigungu.report is areas.report


# -- the sample geography ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_areas() -> Areas:
    return read_areas(SAMPLE / "areas.geojson")


def test_sample_areas_repair_the_spike_and_keep_the_overlap(sample_areas: Areas) -> None:
    frame = sample_areas.frame
    assert len(frame) == 13
    assert issues_of(sample_areas) == [(12, Reason.INVALID_POLYGON.value, True)]
    assert frame["code"].iloc[12] == "3131032"
    assert frame.area.iloc[12] == pytest.approx(5000 * 8000)
    overlap = frame.geometry.iloc[3].intersection(frame.geometry.iloc[4]).area
    assert overlap == pytest.approx(20 * 4000)
    dissolved = sample_areas.dissolve_sigungu().frame
    assert dissolved["code"].tolist() == ["21010", "21020", "21310", "31010", "31310"]


def test_sample_points_fall_in_their_coded_dong(sample_areas: Areas) -> None:
    firms = read_firms(SAMPLE / "firms.csv").frame
    tree = shapely.STRtree(sample_areas.frame.geometry.array)
    points = shapely.points(firms["x"], firms["y"])
    point, area = tree.query(points, predicate="intersects")
    codes = sample_areas.frame["code"].to_numpy()
    inside = pd.DataFrame({"point": point, "code": codes[area]}).groupby("point")["code"].min()
    located = firms["code"].where(firms["code"].isin(codes))
    has_both = located.notna() & firms["x"].notna()
    assert (inside.reindex(firms.index)[has_both] == located[has_both]).all()
    assert inside.get(433) is None  # the firm between the two 시도
    assert sorted(codes[area[point == 434]]) == ["2102052", "2102053"]  # the overlap


# -- the real KOSTAT 2018 boundaries -----------------------------------------------------------


def real(name: str) -> Path:
    if not REAL.is_dir():
        pytest.skip(f"real boundary data not found at {REAL} (../shared/geo/real beside the repo)")
    return REAL / name


@pytest.fixture(scope="module")
def real_dongs() -> Areas:
    return read_areas(real("skorea-submunicipalities-2018-topo-simple.json"))


def test_real_dongs_are_repaired_reported_and_projected(real_dongs: Areas) -> None:
    frame = real_dongs.frame
    assert len(frame) == 3504
    invalid = real_dongs.report.issues
    assert set(invalid["reason"]) == {Reason.INVALID_POLYGON.value}
    assert len(invalid) == 29  # 0.8 % of 3,504
    assert invalid["counted"].all()
    assert invalid["detail"].str.contains("repaired with make_valid").all()
    assert frame.is_valid.all()
    assert frame.geometry.notna().all()
    assert frame.crs.to_epsg() == 5179
    assert real_dongs.source_crs == "EPSG:4326"
    west, south, east, north = frame.total_bounds
    assert 700_000 < west < east < 1_400_000
    assert 1_450_000 < south < north < 2_100_000
    assert set(frame["level"]) == {"dong"}
    assert set(frame["system"]) == {"kostat"}
    assert frame.loc[frame["code"] == "1101053", "name"].item() == "사직동"


def test_real_dongs_dissolve_into_the_real_sigungu(real_dongs: Areas) -> None:
    sigungu = read_areas(real("skorea-municipalities-2018-topo-simple.json"))
    assert len(sigungu.report.issues) == 18
    assert sigungu.frame.is_valid.all()
    dissolved = real_dongs.dissolve_sigungu().frame
    assert dissolved["code"].tolist() == sorted(sigungu.frame["code"])
    assert dissolved.is_valid.all()


def test_module_examples_run() -> None:
    result = doctest.testmod(selectlib.geo.areas)
    assert result.attempted > 0
    assert result.failed == 0
