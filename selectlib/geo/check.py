"""One applicant's cluster check: the count where it stands, the threshold that applies and why.

An applicant names a location — a 읍면동 or 시군구 code, a point, or its own polygon —
and an industry. The check counts the qualifying firms there (the same engines as the
nationwide counts, so a lookup always agrees with :func:`~selectlib.geo.count.discover`),
finds the area type of the place (and the reason, e.g. the county policy), compares
with that type's threshold and keeps the firms counted as evidence, exportable as
GeoJSON for a map.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs
import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pyproj import Transformer

from selectlib.geo.count import (
    ClusterCounts,
    check_radius,
    count_by_code,
    count_by_point,
    industry_rows,
)
from selectlib.geo.errors import GeoError
from selectlib.geo.qualify import Firms, check_options, firm_frame, firm_xy, industry_label
from selectlib.geo.radius import neighbours
from selectlib.geo.spatial import (
    METRIC_CRS,
    area_codes,
    area_frame,
    assign_units,
    points_in_polygon,
)
from selectlib.geo.thresholds import (
    AREA_TYPES,
    DEFAULT_THRESHOLDS,
    AreaTypeOf,
    area_types_of,
    threshold_vector,
)

__all__ = ["MODES", "LocationCheck", "check_location"]

MODES = ("dong", "sigungu", "radius", "polygon")
"""Where to count: the 읍면동 or 시군구 of the location, a radius around it, or a polygon."""

_EVIDENCE = ["firm_id", "ksic", "employees", "x", "y", "code"]


@attrs.frozen(eq=False)
class LocationCheck:
    """The outcome of one applicant's cluster check.

    ``count`` qualifying firms of ``industry`` were found by ``mode`` (in ``unit``, or
    within ``radius_m`` of the point, or in the polygon); the place lies in
    ``area_code`` whose area type is ``area_type`` (because ``area_type_reason``), which
    needs ``threshold`` firms; ``passed`` says whether the count reaches it (None when
    the area type is unknown). ``evidence`` lists the firms counted (``row`` is their
    position in the registry); ``unlocated`` counts the firms of the industry that
    would qualify but have no point, so a radius or polygon could not hold them.
    """

    mode: str
    industry: str
    level: int
    employee_limit: float
    exclude_urban: bool
    unit: str | None
    radius_m: float | None
    area_code: str
    area_type: str | None
    area_type_reason: str
    threshold: int | None
    count: int
    passed: bool | None
    evidence: pd.DataFrame
    unlocated: int = 0

    @property
    def firm_ids(self) -> tuple[str, ...]:
        """The ids of the firms counted."""
        return tuple(str(value) for value in self.evidence["firm_id"])

    def profile_inputs(self) -> dict[str, Any]:
        """``area_type`` and ``cluster_count`` as the flagship profile takes them."""
        return {"area_type": self.area_type, "cluster_count": self.count}

    def explain(self) -> str:
        """What was counted and how it compares, in one English sentence."""
        if self.mode == "radius":
            where = f"{self.radius_m:g} m of the point"
        elif self.mode == "polygon":
            where = "the applicant's polygon"
        else:
            where = f"{'읍면동' if self.mode == 'dong' else '시군구'} {self.unit}"
        head = (
            f"{self.count} firms of industry {self.industry} with fewer than "
            f"{self.employee_limit:g} employees in {where}"
        )
        if self.threshold is None:
            return f"{head}; area type of {self.area_code} unknown ({self.area_type_reason})"
        verdict = "passes" if self.passed else "fails"
        return (
            f"{head}; {self.area_code} is {self.area_type} ({self.area_type_reason}), "
            f"which needs {self.threshold}: {verdict}"
        )

    def to_geojson(self) -> str:
        """The firms counted as a GeoJSON FeatureCollection of points in EPSG:4326."""
        x = self.evidence["x"].to_numpy(dtype=np.float64, na_value=np.nan)
        y = self.evidence["y"].to_numpy(dtype=np.float64, na_value=np.nan)
        to_lonlat = Transformer.from_crs(METRIC_CRS, 4326, always_xy=True)
        lon, lat = to_lonlat.transform(x, y)
        features = []
        for i, record in enumerate(self.evidence.to_dict("records")):
            point = np.isfinite(lon[i]) and np.isfinite(lat[i])
            geometry = (
                {"type": "Point", "coordinates": [round(lon[i], 7), round(lat[i], 7)]}
                if point
                else None
            )
            properties = {
                key: (None if pd.isna(record.get(key)) else _plain(record[key]))
                for key in ("firm_id", "ksic", "employees", "code")
                if key in record
            }
            features.append({"type": "Feature", "geometry": geometry, "properties": properties})
        return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def _plain(value: object) -> object:
    """A JSON-ready scalar: numpy numbers as Python numbers, whole floats as ints."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _place(
    code: str | None, point: tuple[float, float] | None, areas: gpd.GeoDataFrame | None
) -> tuple[str, str | None]:
    """The area code where the applicant stands, and its 시군구 when the areas say it."""
    if code is not None:
        return str(code).strip(), None
    if point is None or areas is None:
        raise GeoError(
            "say where the applicant is: give code= (its 읍면동 or 시군구 code), or a point "
            "(or polygon) together with areas= to find it"
        )
    polygons = area_frame(areas)
    found, _ = assign_units(np.array([point[0]]), np.array([point[1]]), polygons)
    if found[0] is None:
        raise GeoError(f"the point {point} lies in no area: check that it is in EPSG:5179")
    at = int(np.flatnonzero(area_codes(polygons) == found[0])[0])
    sigungu = str(polygons["sigungu"].iloc[at]) if "sigungu" in polygons.columns else None
    return str(found[0]), sigungu


def _counts_for(
    firms: Firms,
    counts: ClusterCounts | None,
    areas: gpd.GeoDataFrame | None,
    unit: str,
    level: int,
    employee_limit: float,
    exclude_urban: bool,
) -> ClusterCounts:
    """The counts table to look the applicant up in: the one given, or a fresh one."""
    if counts is None:
        if areas is not None:
            return count_by_point(firms, areas, unit, level, employee_limit, exclude_urban)
        return count_by_code(firms, unit, level, employee_limit, exclude_urban)
    settings = (counts.unit_kind, counts.level, counts.employee_limit, counts.exclude_urban)
    if settings != (unit, level, employee_limit, exclude_urban):
        raise GeoError(
            f"counts were made with unit, level, employee_limit, exclude_urban = {settings}, "
            f"not {(unit, level, employee_limit, exclude_urban)}: recount with these settings"
        )
    return counts


def check_location(
    firms: Firms,
    industry: object,
    *,
    area_type_of: AreaTypeOf,
    mode: str = "dong",
    code: str | None = None,
    point: tuple[float, float] | None = None,
    polygon: shapely.Geometry | None = None,
    radius_m: float = 500.0,
    areas: gpd.GeoDataFrame | None = None,
    counts: ClusterCounts | None = None,
    level: int = 5,
    employee_limit: float = 10,
    exclude_urban: bool = False,
    thresholds: Mapping[str, int] = DEFAULT_THRESHOLDS,
) -> LocationCheck:
    """Check one applicant's cluster: count, threshold, area type and why, pass/fail, evidence.

    ``mode`` is where to count: ``"dong"`` / ``"sigungu"`` (the unit holding ``code``, or
    holding ``point`` among ``areas``; looked up in ``counts`` when given, so a check
    agrees with the nationwide table), ``"radius"`` (``radius_m`` metres around
    ``point``) or ``"polygon"``. Points and polygons are in EPSG:5179. The area type is
    that of ``code`` when given, else of the area holding the point (or a point inside
    the polygon), through ``area_type_of`` (see :mod:`selectlib.geo.thresholds`).
    """
    if mode not in MODES:
        raise GeoError(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
    check_options(level, employee_limit)
    limits = threshold_vector(thresholds)
    frame = firm_frame(firms)
    label = industry_label(industry, level)
    if mode == "polygon":
        if polygon is None:
            raise GeoError("mode='polygon' needs polygon= (the applicant's area, EPSG:5179)")
        inner = shapely.point_on_surface(polygon)
        point = (shapely.get_x(inner), shapely.get_y(inner)) if point is None else point
    radius = check_radius(radius_m)
    if mode == "radius" and point is None:
        raise GeoError("mode='radius' needs point=(x, y) in EPSG:5179")
    area_code, sigungu = _place(code, point, areas)

    unit: str | None = None
    unlocated = 0
    if mode in ("dong", "sigungu"):
        unit = area_code if mode == "dong" else (sigungu or area_code[:5])
        if mode == "dong" and len(unit) not in (7, 10):
            raise GeoError(f"mode='dong' needs a 읍면동 code (7 or 10 digits); got {unit!r}")
        table = _counts_for(firms, counts, areas, mode, level, employee_limit, exclude_urban)
        rows = table.member_rows(unit, label)
    else:
        with_point, without = industry_rows(frame, label, level, employee_limit, exclude_urban)
        x, y = (values[with_point] for values in firm_xy(frame))
        if polygon is not None and mode == "polygon":
            inside = points_in_polygon(x, y, polygon)
        else:
            center = point if point is not None else (np.nan, np.nan)  # set above for radius
            inside = neighbours(np.column_stack([x, y]), center, radius)
        rows, unlocated = with_point[inside], len(without)

    types, reasons = area_types_of(area_type_of, [area_code])
    kind = types[0]
    threshold = None if kind is None else int(limits[AREA_TYPES.index(kind)])
    return LocationCheck(
        mode=mode,
        industry=label,
        level=level,
        employee_limit=employee_limit,
        exclude_urban=exclude_urban,
        unit=unit,
        radius_m=radius_m if mode == "radius" else None,
        area_code=area_code,
        area_type=kind,
        area_type_reason=str(reasons[0]),
        threshold=threshold,
        count=len(rows),
        passed=None if threshold is None else len(rows) >= threshold,
        evidence=_evidence(frame, rows),
        unlocated=unlocated,
    )


def _evidence(frame: pd.DataFrame, rows: npt.NDArray[np.int64]) -> pd.DataFrame:
    columns = [name for name in _EVIDENCE if name in frame.columns]
    found = frame[columns].iloc[rows].reset_index(drop=True)
    found.insert(0, "row", rows)
    for name in ("x", "y"):
        if name not in found.columns:
            found[name] = np.nan
    return found
