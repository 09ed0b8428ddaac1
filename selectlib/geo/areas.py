"""Reading area polygons (읍면동 or 시군구) with their codes, in EPSG:5179, repaired.

Clusters are counted per area, and a firm is placed in an area by point-in-polygon, so
the polygons must be valid: real boundary files are not (the KOSTAT 2018 읍면동 file has
29 self-intersecting or degenerate polygons among 3,504). :func:`read_areas` repairs them
with ``shapely.make_valid`` and says so in the report; it projects to EPSG:5179 (metres),
tells each row's level (읍면동 or 시군구) and code system from its code, and keeps one
row per input row — rows it cannot use keep their code but lose their geometry (None),
with the reason reported.

>>> import geopandas as gpd, shapely
>>> x, y = 1_000_000, 1_800_000
>>> bowtie = shapely.Polygon([(x, y), (x + 500, y + 500), (x + 500, y), (x, y + 500)])
>>> gdf = gpd.GeoDataFrame({"code": ["3101051"]}, geometry=[bowtie], crs="EPSG:5179")
>>> areas = read_areas(gdf)
>>> areas.frame[["code", "level", "sigungu", "system"]].values.tolist()
[['3101051', 'dong', '31010', 'kostat']]
>>> areas.report.counts
{'invalid_polygon': 1}
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal

import attrs
import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from selectlib._typing import BoolArray, ObjectArray
from selectlib.errors import InputError
from selectlib.geo.codes import normalize_codes
from selectlib.geo.errors import GeoError
from selectlib.geo.report import Reason, ValidationReport
from selectlib.geo.sources import (
    TARGET_CRS,
    Issues,
    classify_codes,
    guess_crs,
    num_text,
    read_source,
)

__all__ = ["LEVELS", "Areas", "read_areas"]

Level = Literal["dong", "sigungu"]
LEVELS: Final = ("dong", "sigungu")
"""읍면동 (7-digit KOSTAT / 10-digit MOIS codes) and 시군구 (5 digits, or MOIS …00000)."""

_POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)
_LEVEL_KO = {"dong": "읍면동", "sigungu": "시군구"}


@attrs.frozen(eq=False)
class Areas:
    """Area polygons and their validation report.

    ``frame`` is a GeoDataFrame in EPSG:5179, one row per input row, with ``code`` (as
    given), ``name`` (or missing), ``level`` (``"dong"`` or ``"sigungu"``; missing for a
    code of neither), ``sigungu`` (the 5-digit 시군구 code), ``system`` (``"kostat"``,
    ``"mois"`` or missing) and ``geometry`` (valid polygons; None for rows left out, see
    ``report``). ``source_crs`` is the CRS the file was in; ``notes`` says how it was
    decided when the file declared none.
    """

    frame: gpd.GeoDataFrame
    report: ValidationReport
    source_crs: str | None = None
    notes: tuple[str, ...] = ()

    def dissolve_sigungu(self) -> Areas:
        """The areas merged per 시군구 (one row each, sorted by code; names are missing).

        The report stays the one of the rows read: dissolving adds no problem of its own.
        """
        frame = self.frame[self.frame.geometry.notna() & self.frame["sigungu"].notna()]
        groups = frame.groupby("sigungu", sort=True)
        merged = groups.geometry.apply(lambda parts: shapely.union_all(parts.to_numpy()))
        dissolved = gpd.GeoDataFrame(
            {
                "code": merged.index.to_numpy(dtype=object),
                "name": pd.Series([None] * len(merged), dtype="str"),
                "level": "sigungu",
                "sigungu": merged.index.to_numpy(dtype=object),
                "system": groups["system"].first().to_numpy(dtype=object),
            },
            geometry=merged.to_numpy(dtype=object),
            crs=TARGET_CRS,
        )
        return Areas(
            _typed(dissolved),
            self.report,
            self.source_crs,
            (*self.notes, "dissolved to 시군구"),
        )


def _typed(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Text columns as pandas text (missing = NaN), like the registry's."""
    for column in ("code", "name", "level", "sigungu", "system"):
        frame[column] = pd.array(frame[column].to_numpy(dtype=object), dtype="str")
    return frame


def _level_of(codes: ObjectArray, valid: BoolArray) -> ObjectArray:
    """``"dong"``, ``"sigungu"`` or None, from the length of each valid code.

    7 digits (KOSTAT) or 10 (MOIS) are 읍면동, except MOIS 10-digit codes ending in five
    zeros, which are 시군구, like every 5-digit code.
    """
    text = pd.Series(codes, dtype=object).astype("str")
    length = text.str.len().to_numpy()
    mois_sigungu = (length == 10) & text.str.endswith("00000").to_numpy()
    dong = valid & ((length == 7) | ((length == 10) & ~mois_sigungu))
    sigungu = valid & ((length == 5) | mois_sigungu)
    levels = np.full(len(codes), None, dtype=object)
    levels[dong], levels[sigungu] = "dong", "sigungu"
    return levels


def _source_crs(
    frame: gpd.GeoDataFrame, codes: ObjectArray, file: str, notes: list[str]
) -> pyproj.CRS:
    """The file's CRS, or one read from the coordinates (noted), or InputError; GeoError
    when the file says longitude/latitude and the coordinates cannot be."""
    if frame.crs is not None:
        crs = pyproj.CRS.from_user_input(frame.crs)
        if crs.is_geographic:
            _check_degrees(frame, codes, crs, file)
        return crs
    bounds = shapely.bounds(np.asarray(frame.geometry.array, dtype=object))
    x, y = (bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2
    crs, note = guess_crs(x, y, "the polygons", file)
    notes.append(note)
    return crs


def _check_degrees(frame: gpd.GeoDataFrame, codes: ObjectArray, crs: pyproj.CRS, file: str) -> None:
    """Refuse polygons read as longitude/latitude whose coordinates lie beyond ±180/±90:
    metres (EPSG:5179 x near 1,000,000) in a file that declares no CRS, most often a
    GeoJSON file, which is longitude/latitude unless it says otherwise."""
    bounds = shapely.bounds(np.asarray(frame.geometry.array, dtype=object))
    with np.errstate(invalid="ignore"):
        beyond = (np.abs(bounds[:, [0, 2]]) > 180).any(axis=1)
        beyond |= (np.abs(bounds[:, [1, 3]]) > 90).any(axis=1)
    if not beyond.any():
        return
    first = int(np.flatnonzero(beyond)[0])
    x, y = bounds[first, 0], bounds[first, 1]
    more = f", and {int(beyond.sum()) - 1:,} more features" if beyond.sum() > 1 else ""
    raise GeoError(
        f"{file}: the coordinates are not longitude/latitude (feature {first}, code "
        f"{codes[first]!r}: x {num_text(x)}, y {num_text(y)}{more}), yet the file is read as "
        f"{crs.to_string()} ({crs.name}), as it says or as a GeoJSON file without a 'crs' "
        "member is. Add the CRS the coordinates are in, e.g. "
        '"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::5179"}}, '
        "or reproject the file to EPSG:4326"
    )


def _repair(
    geoms: ObjectArray, issues: Issues, *, done: BoolArray | None = None, when: str = ""
) -> tuple[ObjectArray, BoolArray]:
    """Polygons made valid (``make_valid``, structure method), and which rows were repaired.

    Parts a repair leaves that are not polygons are dropped; a row with nothing polygonal
    left gets None. Rows in ``done`` (repaired before) are not reported again.
    """
    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    invalid = present & ~shapely.is_valid(geoms)
    kind = shapely.get_type_id(geoms)
    other = present & ~np.isin(kind, _POLYGONAL)
    fix = invalid | other
    reasons = np.full(len(geoms), None, dtype=object)
    reasons[invalid] = shapely.is_valid_reason(geoms[invalid])
    reasons[other] = [
        f"a {shapely.GeometryType(k).name.lower()}, not a polygon" for k in kind[other]
    ]
    repaired = geoms.copy()
    if fix.any():
        made = shapely.make_valid(geoms[fix], method="structure", keep_collapsed=False)
        parts, owner = shapely.get_parts(made, return_index=True)
        keep = np.isin(shapely.get_type_id(parts), _POLYGONAL)
        whole = np.full(len(made), None, dtype=object)
        for index in np.unique(owner[keep]):
            whole[index] = shapely.union_all(parts[keep & (owner == index)])
        repaired[fix] = whole
    lost = fix & shapely.is_missing(repaired)
    issues.add(
        fix if done is None else fix & ~done,
        Reason.INVALID_POLYGON,
        lambda r: (
            f"{reasons[r]}{when}: "
            + ("nothing polygonal left, left out" if lost[r] else "repaired with make_valid")
        ),
    )
    return repaired, fix


def _levels(
    codes: ObjectArray, valid: BoolArray, level: Level | None, issues: Issues
) -> ObjectArray:
    """Each code's level (``dong`` or ``sigungu``), None where it has none or is not the
    ``level`` asked for; every such code reported."""
    levels = _level_of(codes, valid)
    issues.add(pd.isna(codes), Reason.UNKNOWN_CODE, lambda r: "no code: left out")
    issues.add(
        valid & pd.isna(levels),
        Reason.UNKNOWN_CODE,
        lambda r: f"{codes[r]} is no 읍면동 or 시군구 code: left out",
    )
    if level is not None:
        other = pd.notna(levels) & (levels != level)
        issues.add(
            other,
            Reason.UNKNOWN_CODE,
            lambda r: f"{codes[r]} is a {_LEVEL_KO[levels[r]]} code and level={level!r}: left out",
        )
        levels[other] = None
    return levels


def _polygons(geoms: ObjectArray, source_crs: pyproj.CRS, issues: Issues) -> ObjectArray:
    """The polygons in EPSG:5179, repaired before and after projecting; missing and empty
    geometries reported."""
    missing = shapely.is_missing(geoms)
    empty = ~missing & shapely.is_empty(geoms)
    issues.add(missing, Reason.MISSING_GEOMETRY, lambda r: "no geometry: left out")
    issues.add(empty, Reason.EMPTY_GEOMETRY, lambda r: "empty geometry: left out")
    repaired, done = _repair(geoms, issues)
    projected = gpd.GeoSeries(repaired, crs=source_crs).to_crs(TARGET_CRS)
    final, _ = _repair(
        np.asarray(projected.array, dtype=object),
        issues,
        done=done,
        when=" (after projecting to EPSG:5179)",
    )
    return final


def read_areas(
    source: str | Path | gpd.GeoDataFrame,
    *,
    code: str = "code",
    name: str | None = "name",
    level: Level | None = None,
) -> Areas:
    """Read 읍면동 or 시군구 polygons with their codes into :class:`Areas` (EPSG:5179).

    ``source`` is a GeoPackage, Shapefile, GeoJSON/TopoJSON or GeoParquet file, or a
    GeoDataFrame; ``code`` and ``name`` name its columns (no ``name`` column: names are
    missing). A file that declares no CRS is read as lon/lat or EPSG:5179 when its
    coordinates say so (noted), else :class:`~selectlib.InputError`. ``level`` keeps only
    areas of that level (the others are reported and left out); by default each row's
    level comes from its code.

    Reported: invalid polygons (repaired with ``make_valid``; left out if nothing is left),
    missing or empty geometry, missing codes and codes of no system or level (left out),
    codes of a second system or date (kept).
    """
    if level is not None and level not in LEVELS:
        raise GeoError(f"level must be 'dong' (읍면동) or 'sigungu' (시군구); got {level!r}")
    table, file = read_source(source)
    if not isinstance(table, gpd.GeoDataFrame) or table.active_geometry_name is None:
        raise InputError(
            "no polygons: give a GeoPackage, Shapefile, GeoJSON or GeoParquet file of areas",
            file=file,
        )
    if code not in table.columns:
        listed = ", ".join(repr(str(column)) for column in table.columns)
        raise InputError(
            f"no column {code!r} (the columns are {listed}); pass code=<column name>",
            file=file,
            field=code,
        )
    n = len(table)
    issues, notes = Issues(), list[str]()
    codes = np.asarray(normalize_codes(table[code].to_numpy(dtype=object)), dtype=object)
    names = (
        table[name].to_numpy(dtype=object)
        if name is not None and name in table.columns
        else np.full(n, None, dtype=object)
    )
    system, valid = classify_codes(codes, issues)
    levels = _levels(codes, valid, level, issues)
    source_crs = _source_crs(table, codes, file, notes)
    final = _polygons(np.asarray(table.geometry.array, dtype=object), source_crs, issues)
    usable = pd.notna(levels) & ~shapely.is_missing(final) & ~shapely.is_empty(final)
    frame = gpd.GeoDataFrame(
        {
            "code": codes,
            "name": names,
            "level": levels,
            "sigungu": _sigungu(codes, levels),
            "system": system,
        },
        geometry=_where(usable, final),
        crs=TARGET_CRS,
    )
    report = issues.report(n, usable)
    return Areas(_typed(frame), report, source_crs.to_string(), tuple(notes))


def _sigungu(codes: ObjectArray, levels: ObjectArray) -> ObjectArray:
    """The first five digits of each code that has a level."""
    text = pd.Series(codes, dtype=object).astype("str").str[:5].to_numpy(dtype=object)
    return _where(pd.notna(levels), text)


def _where(mask: BoolArray, values: ObjectArray) -> ObjectArray:
    """``values`` where ``mask`` holds, None elsewhere."""
    result = np.full(len(values), None, dtype=object)
    result[mask] = values[mask]
    return result
