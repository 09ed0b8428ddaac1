"""Reading firm registries: one normalized row per input row, and a report of what was wrong.

A registry locates each firm by a point (lon/lat, or x/y in a declared CRS), by an
administrative code (the national establishment census publishes codes, not points), or
both. Registries are dirty in known ways — coordinates given the wrong way round, degrees
in a column declared as metres, missing points, negative or missing employee counts,
malformed KSIC codes, repeated firm ids, codes of two systems or two vintages in one
column — and each of those is repaired or left out *and reported*, never dropped in
silence: :attr:`Registry.frame` keeps every input row, in input order, and
:attr:`Registry.report` says which rows needed attention, why, and whether they are
still counted.

>>> import pandas as pd
>>> firms = pd.DataFrame({"firm_id": ["F1", "F2"], "ksic": ["C25111", "25111"],
...                       "employees": [3, -1], "lon": [127.0, 37.5], "lat": [37.5, 127.0]})
>>> registry = read_firms(firms)
>>> registry.frame["usable"].tolist(), sorted(registry.report.counts)
([True, False], ['negative_employees', 'swapped_coordinates'])
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import attrs
import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from selectlib._typing import BoolArray, FloatArray, ObjectArray
from selectlib.errors import InputError
from selectlib.geo.codes import normalize_codes
from selectlib.geo.ksic import normalize_ksic
from selectlib.geo.report import Reason, ValidationReport
from selectlib.geo.sources import (
    Issues,
    classify_codes,
    find_column,
    guess_crs,
    in_korea,
    parse_crs,
    read_source,
    take_column,
    transformer,
)

__all__ = ["Registry", "read_firms"]


_XY_NAMES: Final = (
    ("lon", "lat"), ("longitude", "latitude"), ("lng", "lat"), ("long", "lat"),
    ("경도", "위도"), ("x", "y"), ("x_coord", "y_coord"), ("xcoord", "ycoord"),
)  # fmt: skip
"""Coordinate column pairs looked for (case-insensitive), in this order."""
_CODE_NAMES: Final = (
    "adm_cd", "adm_code", "admin_code", "dong_code", "dong_cd", "emd_cd", "emd_code",
    "dong", "행정동코드", "읍면동코드", "sigungu_code", "sigungu_cd", "sgg_cd", "sgg_code",
    "sigungu", "시군구코드", "행정구역코드", "code",
)  # fmt: skip
"""Administrative code columns looked for (case-insensitive), finest level first."""


@attrs.frozen(eq=False)
class Registry:
    """A firm registry read and normalized, with its validation report.

    ``frame`` has one row per input row, in input order (RangeIndex), with columns
    ``firm_id`` (text), ``ksic`` (5-digit text, missing if absent or malformed),
    ``employees`` (float, NaN if missing), ``x``, ``y`` (EPSG:5179 metres, NaN without a
    point), ``code`` (the administrative code as given), ``code_system`` (``"kostat"``,
    ``"mois"``, or missing when unknown or undecided) and ``usable`` (the row can be
    counted if it qualifies). ``report`` lists the rows that needed attention (``row`` =
    position in the input). ``source_crs`` is the CRS the points were read in (None
    without points); ``notes`` says which columns were used and how the CRS was decided.
    """

    frame: pd.DataFrame
    report: ValidationReport
    source_crs: str | None = None
    notes: tuple[str, ...] = ()


# -- points -----------------------------------------------------------------------------------


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


def _numbers(series: pd.Series) -> tuple[FloatArray, BoolArray]:
    """Numbers from a column, and where a non-blank value was not a number."""
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype=np.float64, na_value=np.nan), np.zeros(len(series), bool)
    text = series.astype("str").str.strip().str.replace(",", "", regex=False)
    text = text.where(series.notna() & (text != ""))
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    return values, np.isnan(values) & text.notna().to_numpy()


def _ids(series: pd.Series) -> ObjectArray:
    """Firm ids as text (integers without '.0', blanks stripped); missing ones None."""
    kind = pd.api.types.infer_dtype(series)
    if pd.api.types.is_integer_dtype(series.dtype) or kind in ("string", "empty"):
        text = series.astype("str").str.strip()
        ids: ObjectArray = text.to_numpy(dtype=object)
        ids[(series.isna() | (text == "")).to_numpy()] = None
        return ids
    return np.asarray(normalize_codes(series.to_numpy(dtype=object)), dtype=object)


def _num(value: float) -> str:
    """A number for a message: 1950000, 127.031, -2."""
    return f"{value:.0f}" if abs(value) >= 1000 or float(value).is_integer() else f"{value:.6g}"


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
    crs = None if frame.crs is None else pyproj.CRS.from_user_input(frame.crs)
    return _Points(x, y, missing, empty, crs, f"the geometry column {frame.geometry.name!r}")


def _column_points(table: pd.DataFrame, x_name: str, y_name: str, file: str) -> _Points:
    x_column, y_column = (
        take_column(table, x_name, "x", file),
        take_column(table, y_name, "y", file),
    )
    (x, x_bad), (y, y_bad) = _numbers(x_column), _numbers(y_column)
    x, y = x.copy(), y.copy()
    raw_x, raw_y = x_column.to_numpy(dtype=object), y_column.to_numpy(dtype=object)
    missing = np.full(len(x), None, dtype=object)

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

    # infinities are no position either: reported with the missing ones, never lost
    rows = np.flatnonzero(~np.isfinite(x) | ~np.isfinite(y))
    x[rows], y[rows] = np.nan, np.nan
    missing[rows] = [why(int(row)) for row in rows]
    where = f"columns {x_name!r}, {y_name!r}"
    placeholder = "coordinates (0, 0), a placeholder"
    return _Points(x, y, missing, (x == 0) & (y == 0), None, where, placeholder)


def _find_points(
    table: pd.DataFrame, x: str | None, y: str | None, taken: set[str], file: str
) -> _Points | None:
    """Coordinates from the named columns, else the geometry, else detected columns."""
    if (x is None) != (y is None):
        raise InputError("give both x= and y= (the coordinate columns), or neither", file=file)
    if x is not None and y is not None:
        return _column_points(table, x, y, file)
    if isinstance(table, gpd.GeoDataFrame) and table.active_geometry_name is not None:
        return _geometry_points(table, file)
    for x_name, y_name in _XY_NAMES:
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


def _fix_points(x: FloatArray, y: FloatArray, has: BoolArray, crs: pyproj.CRS) -> _Fixed:
    """Project to EPSG:5179, repairing coordinates given the wrong way round.

    A point that lies in Korea as given is never touched. Otherwise, in a geographic CRS
    a (lat, lon) pair inside Korea is swapped back; in a projected CRS, values that are
    lon/lat in Korea (either order) are read as degrees — the CRS was mislabelled — and
    (y, x) pairs that land in Korea are swapped back. Points that stay outside Korea are
    kept (later found outside every area); values no CRS position can have are dropped.
    """
    degrees = impossible = np.zeros(len(x), dtype=bool)
    if crs.is_geographic:
        swapped = has & ~in_korea(x, y) & in_korea(y, x)
        sx, sy = np.where(swapped, y, x), np.where(swapped, x, y)
        with np.errstate(invalid="ignore"):
            impossible = has & ((np.abs(sx) > 180) | (np.abs(sy) > 90))
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
        sx, sy = np.where(swapped, y, x), np.where(swapped, x, y)
        same = crs.to_epsg() == 5179
        px, py = (sx.copy(), sy.copy()) if same else transformer(crs).transform(sx, sy)
        px, py = np.asarray(px, dtype=np.float64), np.asarray(py, dtype=np.float64)
        px[degrees], py[degrees] = transformer(pyproj.CRS.from_epsg(4326)).transform(
            sx[degrees], sy[degrees]
        )
    px, py = np.asarray(px, dtype=np.float64), np.asarray(py, dtype=np.float64)
    impossible = impossible | (has & ~(np.isfinite(px) & np.isfinite(py)))
    keep = has & ~impossible
    return _Fixed(
        np.where(keep, px, np.nan),
        np.where(keep, py, np.nan),
        swapped & keep,
        degrees & keep,
        impossible,
    )


def _locate(
    points: _Points,
    crs: object,
    codes: ObjectArray,
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
            f"{axes[0]} {_num(x[r])} and {axes[1]} {_num(y[r])} were swapped ({name}): "
            f"read as {axes[0]} {_num(y[r])}, {axes[1]} {_num(x[r])}"
        ),
    )
    issues.add(
        fixed.degrees,
        Reason.DEGREES_AS_METRES,
        lambda r: (
            f"x {_num(x[r])}, y {_num(y[r])} are degrees, not {name} metres: read as "
            + ("latitude/longitude" if fixed.swapped[r] else "longitude/latitude")
        ),
    )
    fallback = np.where(has_code, "located by its code " + codes.astype(str), "no code either")
    hint = " (metres? declare their CRS)" if declared.is_geographic else ""
    issues.add(
        fixed.impossible,
        Reason.OUTSIDE_AREAS,
        lambda r: f"({_num(x[r])}, {_num(y[r])}) is no position in {name}{hint}; {fallback[r]}",
    )
    issues.add(
        pd.notna(points.missing),
        Reason.MISSING_GEOMETRY,
        lambda r: f"{points.missing[r]}; {fallback[r]}",
    )
    empty = points.empty_means
    issues.add(points.empty, Reason.EMPTY_GEOMETRY, lambda r: f"{empty}; {fallback[r]}")
    return fixed.x, fixed.y, name


# -- reading a registry -----------------------------------------------------------------------


def read_firms(
    source: str | Path | pd.DataFrame,
    *,
    crs: object = None,
    id: str = "firm_id",
    ksic: str = "ksic",
    employees: str = "employees",
    x: str | None = None,
    y: str | None = None,
    code: str | None = None,
) -> Registry:
    """Read a firm registry into a :class:`Registry`: every row kept, problems reported.

    ``source`` is a file (CSV, Parquet, GeoParquet, GeoPackage, Shapefile, GeoJSON) or a
    (Geo)DataFrame; ``id``, ``ksic`` and ``employees`` name those columns. Points come
    from the ``x``/``y`` columns if named, else a GeoDataFrame's geometry, else columns
    found by name (lon/lat, longitude/latitude, 경도/위도, x/y); ``crs`` declares their
    CRS (default: the file's, else read from the values: lon/lat or EPSG:5179 in Korea).
    ``code`` names the administrative code column (default: found by name, e.g.
    ``adm_cd``, ``dong_code``, ``sigungu``). A registry needs points, codes, or both.

    Reported (``counted``: the row is still usable): swapped coordinates and degrees
    declared as metres (repaired); missing or empty points (the row is located by its
    code if it has one); employees missing or negative, KSIC missing or malformed, a firm
    id seen in an earlier row (left out); codes of a second system or date (kept); codes
    valid in no system (located by the point only).
    """
    table, file = read_source(source)
    n = len(table)
    issues, notes = Issues(), []
    ids = _ids(take_column(table, id, "id", file))
    raw_ksic = take_column(table, ksic, "ksic", file).to_numpy(dtype=object)
    ksic5, malformed = (np.asarray(a).reshape(n) for a in normalize_ksic(raw_ksic))
    staff_column = take_column(table, employees, "employees", file)
    staff, staff_bad = _numbers(staff_column)
    raw_staff = staff_column.to_numpy(dtype=object)

    taken = {id, ksic, employees}
    code_name = code or find_column(table, [c for c in _CODE_NAMES if c not in taken])
    codes = np.full(n, None, dtype=object)
    if code_name:
        codes[:] = normalize_codes(take_column(table, code_name, "code", file).to_numpy(object))
    system, has_code = classify_codes(codes, issues)
    notes.append(f"columns: id {id!r}, KSIC {ksic!r}, employees {employees!r}, code {code_name!r}")

    points = _find_points(table, x, y, taken | {code_name or ""}, file)
    px = py = np.full(n, np.nan)
    source_crs = None
    if points is not None:
        px, py, source_crs = _locate(points, crs, codes, has_code, issues, notes, file)
    elif code_name is None:
        raise InputError(
            "no location: give coordinate columns (lon/lat or x/y; name them with x=, y=) "
            "or an administrative code column (code=)",
            file=file,
        )
    else:
        issues.add(~has_code, Reason.MISSING_GEOMETRY, lambda r: "no point and no code")

    issues.add(
        np.isnan(staff),
        Reason.MISSING_EMPLOYEES,
        lambda r: (
            f"employees {raw_staff[r]!r} is not a number" if staff_bad[r] else "no employee count"
        ),
    )
    issues.add(staff < 0, Reason.NEGATIVE_EMPLOYEES, lambda r: f"employees {_num(staff[r])}")
    issues.add(
        pd.isna(ksic5),
        Reason.MALFORMED_KSIC,
        lambda r: (
            f"{raw_ksic[r]!r} is no KSIC-10 manufacturing class" if malformed[r] else "no KSIC code"
        ),
    )
    keys = pd.factorize(pd.Series(ids, dtype=object))[0]
    seen, first_row = np.unique(keys, return_index=True)
    first = first_row[np.searchsorted(seen, keys)]
    duplicate = (keys >= 0) & (first != np.arange(n))
    issues.add(
        duplicate, Reason.DUPLICATE_ID, lambda r: f"firm id {ids[r]!r} already at row {first[r]}"
    )

    with np.errstate(invalid="ignore"):
        usable = pd.notna(ksic5) & (staff >= 0) & ~duplicate & (np.isfinite(px) | has_code)
    frame = pd.DataFrame(
        {
            "firm_id": pd.array(ids, dtype="str"),
            "ksic": pd.array(ksic5, dtype="str"),
            "employees": staff,
            "x": px,
            "y": py,
            "code": pd.array(codes, dtype="str"),
            "code_system": pd.array(system, dtype="str"),
            "usable": usable,
        }
    )
    return Registry(frame, issues.report(n, usable), source_crs, tuple(notes))
