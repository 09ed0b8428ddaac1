"""Where a registry's firms are: coordinate columns found (or a geometry), their CRS
declared or guessed, swapped axes and degrees-as-metres repaired, every repair reported."""

from __future__ import annotations

import json
from typing import Final

import attrs
import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyproj
import shapely

from selectlib._typing import BoolArray, FloatArray, IntArray, ObjectArray
from selectlib.errors import InputError
from selectlib.geo.columns import WKB_ATTR, Coded, decode_points
from selectlib.geo.report import Reason, number_text
from selectlib.geo.sources import (
    KOREA_LAT,
    KOREA_LON,
    Issues,
    find_column,
    guess_crs,
    in_korea,
    numbers,
    parse_crs,
    take_column,
    transformer,
)

__all__ = ["XY_NAMES", "find_points", "locate"]

XY_NAMES: Final = (
    ("lon", "lat"), ("longitude", "latitude"), ("lng", "lat"), ("long", "lat"),
    ("경도", "위도"), ("x", "y"), ("x_coord", "y_coord"), ("xcoord", "ycoord"),
)  # fmt: skip
"""Coordinate column pairs looked for (case-insensitive), in this order."""


@attrs.frozen
class _Points:
    """Coordinates as found (columns or geometry) and why rows have none."""

    x: FloatArray
    y: FloatArray
    missing: ObjectArray  # why a row has no point, or None
    empty: BoolArray
    crs: pyproj.CRS | None
    where: str
    empty_means: str = "an empty point"


def _geometry_points(frame: gpd.GeoDataFrame, file: str) -> _Points:
    geoms = np.asarray(frame.geometry.array, dtype=object)
    absent = shapely.is_missing(geoms)
    empty = ~absent & shapely.is_empty(geoms)
    kind = shapely.get_type_id(geoms)
    single = (kind == shapely.GeometryType.MULTIPOINT) & (shapely.get_num_geometries(geoms) == 1)
    geoms = np.where(single, shapely.get_geometry(geoms, 0), geoms)
    point = ~absent & ~empty & ((kind == shapely.GeometryType.POINT) | single)
    other = np.flatnonzero(~absent & ~empty & ~point)
    if len(other):
        raise InputError(
            f"firm locations must be points; {len(other)} rows hold other geometry, the first "
            f"a {shapely.GeometryType(kind[other[0]]).name.lower()}",
            file=file,
            row=int(other[0]),
        )
    x, y = np.full(len(geoms), np.nan), np.full(len(geoms), np.nan)
    x[point], y[point] = shapely.get_x(geoms[point]), shapely.get_y(geoms[point])
    missing = np.full(len(geoms), None, dtype=object)
    missing[absent] = "no geometry"
    unbounded = np.flatnonzero(point & ~(np.isfinite(x) & np.isfinite(y)))  # POINT (inf nan)
    missing[unbounded] = [
        f"a point at ({number_text(x[r])}, {number_text(y[r])}), not finite" for r in unbounded
    ]
    x[unbounded], y[unbounded] = np.nan, np.nan
    crs = None if frame.crs is None else pyproj.CRS.from_user_input(frame.crs)
    return _Points(x, y, missing, empty, crs, f"the geometry column {frame.geometry.name!r}")


def _wkb_points(table: pd.DataFrame, file: str) -> _Points | None:
    """The points of a GeoParquet table read with its 2D points left as WKB, or None."""
    spec = table.attrs.get(WKB_ATTR)
    if not isinstance(spec, dict) or spec.get("column") not in table.columns:
        return None
    decoded = decode_points(pa.array(table[spec["column"]].array))
    if decoded is None:  # pragma: no cover - read_columns decoded them already
        return None
    x, y, present = decoded
    empty = present & np.isnan(x) & np.isnan(y)  # WKB's POINT EMPTY is (NaN, NaN)
    missing = np.full(len(x), None, dtype=object)
    missing[~present] = "no geometry"
    unbounded = np.flatnonzero(present & ~empty & ~(np.isfinite(x) & np.isfinite(y)))
    missing[unbounded] = [
        f"a point at ({number_text(x[r])}, {number_text(y[r])}), not finite" for r in unbounded
    ]
    x[unbounded], y[unbounded] = np.nan, np.nan
    found = json.loads(spec["crs"])
    crs = None if found is None else pyproj.CRS.from_user_input(found)
    return _Points(x, y, missing, empty, crs, f"the geometry column {spec['column']!r}")


def _raw(column: pd.Series, rows: IntArray) -> ObjectArray:
    """The values given at ``rows`` (for messages), in an array indexed by row."""
    raw = np.full(len(column), None, dtype=object)
    raw[rows] = column.iloc[rows].to_numpy(dtype=object)
    return raw


def _column_points(table: pd.DataFrame, x_name: str, y_name: str, file: str) -> _Points:
    x_column, y_column = (
        take_column(table, x_name, "x", file),
        take_column(table, y_name, "y", file),
    )
    (x, x_bad), (y, y_bad) = numbers(x_column), numbers(y_column)
    x, y = x.copy(), y.copy()
    missing = np.full(len(x), None, dtype=object)
    # infinities are no position either: reported with the missing ones, never lost
    # (said before the values are cleared, so the message shows what was given)
    rows = np.flatnonzero(~np.isfinite(x) | ~np.isfinite(y))
    raw_x, raw_y = _raw(x_column, rows), _raw(y_column, rows)

    def why(row: int) -> str:
        if not (x_bad[row] or y_bad[row]) and np.isnan(x[row]) and np.isnan(y[row]):
            return f"no {x_name}/{y_name}"
        axes = ((x_name, raw_x, x, x_bad), (y_name, raw_y, y, y_bad))
        return ", ".join(
            f"{name} {raw[row]!r} is not a finite number"
            if bad[row] or np.isinf(values[row])
            else f"no {name}"
            for name, raw, values, bad in axes
            if not np.isfinite(values[row])
        )

    missing[rows] = [why(int(row)) for row in rows]
    x[rows], y[rows] = np.nan, np.nan
    where = f"columns {x_name!r}, {y_name!r}"
    placeholder = "coordinates (0, 0), a placeholder"
    return _Points(x, y, missing, (x == 0) & (y == 0), None, where, placeholder)


def find_points(
    table: pd.DataFrame, x: str | None, y: str | None, taken: set[str], file: str
) -> _Points | None:
    """Coordinates from the named columns, else the geometry, else detected columns."""
    if (x is None) != (y is None):
        raise InputError("give both x= and y= (the coordinate columns), or neither", file=file)
    if x is not None and y is not None:
        return _column_points(table, x, y, file)
    if isinstance(table, gpd.GeoDataFrame) and table.active_geometry_name is not None:
        return _geometry_points(table, file)
    wkb = _wkb_points(table, file)
    if wkb is not None:
        return wkb
    for x_name, y_name in XY_NAMES:
        found_x, found_y = find_column(table, [x_name]), find_column(table, [y_name])
        if found_x and found_y and not {found_x, found_y} & taken:
            return _column_points(table, found_x, found_y, file)
    return None


@attrs.frozen
class _Fixed:
    """Points in EPSG:5179 and what was done to get them there."""

    x: FloatArray
    y: FloatArray
    swapped: BoolArray
    degrees: BoolArray
    impossible: BoolArray
    abroad: BoolArray


def _fix_points(x: FloatArray, y: FloatArray, has: BoolArray, crs: pyproj.CRS) -> _Fixed:
    """Project to EPSG:5179, repairing coordinates given the wrong way round.

    A point that lies in Korea as given is never touched. Otherwise, in a geographic CRS
    a (lat, lon) pair inside Korea is swapped back; in a projected CRS, values that are
    lon/lat in Korea (either order) are read as degrees — the CRS was mislabelled — and
    (y, x) pairs that land in Korea are swapped back. Points that stay outside Korea's
    box (``abroad``) and values no CRS position can have (``impossible``) are dropped:
    the firm is then located by its code, if it has one.
    """
    degrees = impossible = np.zeros(len(x), dtype=bool)
    if crs.is_geographic:
        swapped = has & ~in_korea(x, y) & in_korea(y, x)
        sx, sy = np.where(swapped, y, x), np.where(swapped, x, y)
        with np.errstate(invalid="ignore"):
            impossible = has & ((np.abs(sx) > 180) | (np.abs(sy) > 90))
        abroad = has & ~impossible & ~in_korea(sx, sy)
        px, py = transformer(crs).transform(sx, sy)
    else:
        back = transformer(crs, "EPSG:4326")
        as_given = has & in_korea(*back.transform(x, y))
        straight = has & ~as_given & in_korea(x, y)
        reversed_ = has & ~as_given & ~straight & in_korea(y, x)
        degrees = straight | reversed_
        other = np.flatnonzero(has & ~as_given & ~degrees)
        swapped = reversed_.copy()
        swapped[other] = in_korea(*back.transform(y[other], x[other]))
        abroad = has & ~as_given & ~degrees & ~swapped
        sx, sy = np.where(swapped, y, x), np.where(swapped, x, y)
        same = crs.to_epsg() == 5179
        px, py = (sx.copy(), sy.copy()) if same else transformer(crs).transform(sx, sy)
        px, py = np.asarray(px, dtype=np.float64), np.asarray(py, dtype=np.float64)
        px[degrees], py[degrees] = transformer(pyproj.CRS.from_epsg(4326)).transform(
            sx[degrees], sy[degrees]
        )
    px, py = np.asarray(px, dtype=np.float64), np.asarray(py, dtype=np.float64)
    impossible = impossible | (has & ~(np.isfinite(px) & np.isfinite(py)))
    abroad = abroad & ~impossible
    keep = has & ~impossible & ~abroad
    return _Fixed(
        np.where(keep, px, np.nan),
        np.where(keep, py, np.nan),
        swapped & keep,
        degrees & keep,
        impossible,
        abroad,
    )


def locate(
    points: _Points,
    crs: object,
    codes: Coded,
    has_code: BoolArray,
    issues: Issues,
    notes: list[str],
    file: str,
) -> tuple[FloatArray, FloatArray, str]:
    """EPSG:5179 points (NaN where none), reporting each repair; and the source CRS."""
    declared = parse_crs(crs, file=file) if crs is not None else points.crs
    if declared is None:
        declared, note = guess_crs(points.x, points.y, points.where, file)
        notes.append(note)
    elif crs is not None and points.crs is not None and points.crs != declared:
        notes.append(f"crs={declared.to_string()} overrides the file's {points.crs.to_string()}")
    name = declared.to_string()
    notes.append(f"points: {points.where} in {name}")
    fixed = _fix_points(
        points.x, points.y, ~points.empty & np.isfinite(points.x + points.y), declared
    )
    x, y = points.x, points.y
    axes = ("longitude", "latitude") if declared.is_geographic else ("x", "y")
    issues.add(
        fixed.swapped & ~fixed.degrees,
        Reason.SWAPPED_COORDINATES,
        lambda r: (
            f"{axes[0]} {number_text(x[r])} and {axes[1]} {number_text(y[r])} were swapped "
            f"({name}): read as {axes[0]} {number_text(y[r])}, {axes[1]} {number_text(x[r])}"
        ),
    )
    issues.add(
        fixed.degrees,
        Reason.DEGREES_AS_METRES,
        lambda r: (
            f"x {number_text(x[r])}, y {number_text(y[r])} are degrees, not {name} metres: read as "
            + ("latitude/longitude" if fixed.swapped[r] else "longitude/latitude")
        ),
    )

    def fallback(r: int) -> str:
        return (
            f"located by its code {codes.values[codes.at[r]]}" if has_code[r] else "no code either"
        )

    hint = " (metres? declare their CRS)" if declared.is_geographic else ""
    issues.add(
        fixed.impossible,
        Reason.OUTSIDE_AREAS,
        lambda r: (
            f"({number_text(x[r])}, {number_text(y[r])}) is no position in {name}{hint}; "
            f"{fallback(r)}"
        ),
    )
    box = f"longitude {KOREA_LON[0]:g}–{KOREA_LON[1]:g}, latitude {KOREA_LAT[0]:g}–{KOREA_LAT[1]:g}"
    issues.add(
        fixed.abroad,
        Reason.OUTSIDE_AREAS,
        lambda r: (
            f"({number_text(x[r])}, {number_text(y[r])}) in {name} lies outside Korea ({box}), "
            f"in no area; {fallback(r)}"
        ),
    )
    issues.add(
        pd.notna(points.missing),
        Reason.MISSING_GEOMETRY,
        lambda r: f"{points.missing[r]}; {fallback(r)}",
    )
    empty = points.empty_means
    issues.add(points.empty, Reason.EMPTY_GEOMETRY, lambda r: f"{empty}; {fallback(r)}")
    return fixed.x, fixed.y, name


# -- reading a registry -----------------------------------------------------------------------
