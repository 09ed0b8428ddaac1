"""Cluster counts: qualifying firms per (unit, industry), by code, by point, radius or polygon.

A cluster, for the flagship program, is a set of same-industry firms with fewer than 10
regular employees in one area. The nationwide table of counts per (unit, industry) is
computed once — from administrative codes when the registry has them (no geometry at
all: a factorization and one ``bincount``), otherwise by locating each point in the
읍면동 polygons — and thresholds, sweeps and one applicant's lookup reuse it
(:func:`discover` and :func:`sweep` from :mod:`selectlib.geo.thresholds`, and
:func:`selectlib.geo.check.check_location`). Counts around a point use one KD-tree per
industry; counts in an applicant's own polygon test only the firms of that industry.

Every input row is accounted for: ``ClusterCounts.status`` says, per row, whether it is
counted or why not (the registry left it out, it does not qualify, or it could not be
placed); ``ClusterCounts.report`` lists the problems found while counting.
"""

from __future__ import annotations

import attrs
import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from selectlib._typing import BoolArray, IntArray, ObjectArray
from selectlib.geo.errors import GeoError
from selectlib.geo.qualify import (
    Firms,
    Qualified,
    check_options,
    firm_frame,
    firm_xy,
    industry_label,
    qualify,
    unit_codes,
)
from selectlib.geo.radius import count_neighbours
from selectlib.geo.report import REPORT_COLUMNS, Reason, RowStatus, ValidationReport
from selectlib.geo.spatial import (
    area_codes,
    area_frame,
    area_geometries,
    assign_units,
    locate_points,
    located_issues,
    points_in_polygon,
)
from selectlib.geo.status import count_status, firm_report

__all__ = [
    "ClusterCounts",
    "assign_units",
    "count_by_code",
    "count_by_point",
    "count_in_polygon",
    "count_within_radius",
    "qualifying",
]

_DENSE_MIN = 1 << 16  # bincount over all keys when there are few, or not many more than rows


@attrs.frozen(eq=False)
class ClusterCounts:
    """How many qualifying firms each (unit, industry) holds, and which ones.

    ``table`` has one row per (unit, industry) with at least one firm — columns
    ``unit`` (읍면동 or 시군구 code), ``industry`` (KSIC key of ``level`` digits) and
    ``count`` — sorted by unit, then industry. ``report`` lists the rows that would
    have qualified but could not be placed (or were placed after a choice).
    ``units`` are the table's distinct unit codes (sorted) and ``unit_index`` the
    position of each table row's unit in them. ``row_key`` gives, per input row, the
    integer key of the (unit, industry) it is counted in (-1 if none) and ``table_key``
    the key of each table row; ``firms`` is the registry frame counted and ``registry``
    its validation report (None when a plain frame was counted).
    """

    table: pd.DataFrame
    unit_kind: str
    level: int
    employee_limit: float
    exclude_urban: bool
    report: ValidationReport
    units: ObjectArray
    unit_index: IntArray
    row_key: IntArray
    table_key: IntArray
    firms: pd.DataFrame
    registry: ValidationReport | None = None

    @property
    def counted(self) -> BoolArray:
        """Per input row: whether it is in one of the counts."""
        return self.row_key >= 0

    @property
    def status(self) -> RowStatus:
        """Every input row: ``used`` (counted), or ``excluded`` with the reason.

        ``status.excluded`` is the table of rows left out (to print or write) and
        ``status.counts`` how many each reason left out; rows in = used + excluded.
        """
        rule = (self.level, self.employee_limit, self.exclude_urban)
        return count_status(self.firms, self.counted, self.registry, self.report, rule)

    def _group(self, unit: str, industry: object) -> int:
        label = industry_label(industry, self.level)
        at = int(np.searchsorted(self.units, unit))
        if at == len(self.units) or self.units[at] != unit:
            return -1
        lo, hi = np.searchsorted(self.unit_index, [at, at + 1])
        found = np.flatnonzero(self.table["industry"].iloc[lo:hi].to_numpy(dtype=object) == label)
        return int(lo + found[0]) if len(found) else -1

    def count(self, unit: str, industry: object) -> int:
        """The number of qualifying firms of ``industry`` in ``unit`` (0 if none)."""
        group = self._group(unit, industry)
        return int(self.table["count"].iloc[group]) if group >= 0 else 0

    def member_rows(self, unit: str, industry: object) -> IntArray:
        """Positions in ``firms`` of the firms counted for (unit, industry)."""
        group = self._group(unit, industry)
        if group < 0:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(self.row_key == self.table_key[group])

    def members(self, unit: str, industry: object) -> ObjectArray:
        """The firm ids counted for (unit, industry): the evidence behind a count."""
        rows = self.member_rows(unit, industry)
        return self.firms["firm_id"].iloc[rows].to_numpy(dtype=object)


def qualifying(
    firms: Firms, level: int = 5, employee_limit: float = 10, exclude_urban: bool = False
) -> BoolArray:
    """Per row: usable, 0 ≤ employees < ``employee_limit``, a (urban-eligible) KSIC class."""
    check_options(level, employee_limit)
    return qualify(firm_frame(firms), level, employee_limit, exclude_urban).industry >= 0


def _tabulate(
    frame: pd.DataFrame,
    unit: IntArray,
    units: ObjectArray,
    found: Qualified,
    issues: list[pd.DataFrame],
    settings: tuple[str, int, float, bool],
    registry: ValidationReport | None,
) -> ClusterCounts:
    """Count rows per (unit, industry) with one bincount over combined integer keys.

    ``settings`` are the unit kind, KSIC level, employee limit and exclude_urban.
    """
    unit_kind, level, employee_limit, exclude_urban = settings
    n_industries = max(len(found.industries), 1)
    size = len(units) * n_industries
    ok = (unit >= 0) & (found.industry >= 0)
    row_key = np.where(ok, unit * n_industries + found.industry, -1)
    if size <= max(_DENSE_MIN, 4 * len(frame)):
        tally = np.bincount(row_key + 1, minlength=size + 1)[1:]
        keys = np.flatnonzero(tally)
        sizes = tally[keys]
    else:
        keys, sizes = np.unique(row_key[ok], return_counts=True)
    unit_of_key = keys // n_industries
    present, unit_index = np.unique(unit_of_key, return_inverse=True)
    table = pd.DataFrame(
        {
            "unit": pd.Index(units, dtype="str").take(unit_of_key),
            "industry": pd.Index(found.industries, dtype="str").take(keys % n_industries),
            "count": sizes.astype(np.int64),
        }
    )
    return ClusterCounts(
        table=table,
        unit_kind=unit_kind,
        level=level,
        employee_limit=employee_limit,
        exclude_urban=exclude_urban,
        report=ValidationReport.from_issues(len(frame), found.issues + issues),
        units=np.asarray(units, dtype=object)[present],
        unit_index=unit_index.astype(np.int64),
        row_key=row_key,
        table_key=keys.astype(np.int64),
        firms=frame,
        registry=registry,
    )


def count_by_code(
    firms: Firms,
    unit: str = "dong",
    level: int = 5,
    employee_limit: float = 10,
    exclude_urban: bool = False,
) -> ClusterCounts:
    """Counts per (unit, industry) from the registry's administrative codes (no geometry).

    ``unit="dong"`` counts per 읍면동 code (7-digit KOSTAT or 10-digit MOIS), ``"sigungu"``
    per 5-digit 시군구 (the first 5 digits of any code). Qualifying rows without a usable
    code are reported (``MISSING_GEOMETRY`` / ``UNKNOWN_CODE``), not counted.
    """
    check_options(level, employee_limit, unit)
    frame = firm_frame(firms)
    found = qualify(frame, level, employee_limit, exclude_urban)
    rows = np.flatnonzero(found.industry >= 0)
    per_row = np.full(len(frame), -1, dtype=np.int64)
    per_row[rows], units, issues = unit_codes(frame, unit, rows)
    settings = (unit, level, employee_limit, exclude_urban)
    return _tabulate(frame, per_row, units, found, issues, settings, firm_report(firms))


def _area_units(areas: gpd.GeoDataFrame, codes: ObjectArray, unit: str) -> ObjectArray:
    """The unit code each area polygon (with area ``codes``) stands for."""
    if unit == "dong":
        if "level" in areas.columns and (areas["level"] == "sigungu").any():
            raise GeoError(
                "the areas include 시군구 polygons; count with unit='sigungu', "
                "or give 읍면동 polygons to count by 읍면동"
            )
        return codes
    parents = area_codes(areas, "sigungu") if "sigungu" in areas.columns else codes
    return np.array([code[:5] for code in parents], dtype=object)


def _place_by_code(
    frame: pd.DataFrame, unit: str, rows: IntArray, units: ObjectArray
) -> tuple[IntArray, list[pd.DataFrame]]:
    """Units (indexes into ``units``) of firms without a point, from their codes.

    A code no area has is reported ``UNKNOWN_CODE`` and not counted.
    """
    if not len(rows):
        return np.zeros(0, dtype=np.int64), []
    at, labels, issues = unit_codes(frame, unit, rows, "no point and no administrative code")
    spot = np.minimum(np.searchsorted(units, labels), max(len(units) - 1, 0))
    known = units[spot] == labels if len(units) else np.zeros(len(labels), dtype=bool)
    label_unit = np.where(known, spot, -1)
    placed = np.full(len(rows), -1, dtype=np.int64)
    placed[at >= 0] = label_unit[at[at >= 0]]
    unknown = np.flatnonzero((at >= 0) & (placed < 0))
    detail = [f"no area has code {labels[at[i]]!r}" for i in unknown]
    issues.append(
        pd.DataFrame(
            {
                "row": rows[unknown],
                "reason": str(Reason.UNKNOWN_CODE),
                "counted": False,
                "detail": detail,
            },
            columns=REPORT_COLUMNS,
        )
    )
    return placed, issues


def count_by_point(
    firms: Firms,
    areas: gpd.GeoDataFrame,
    unit: str = "dong",
    level: int = 5,
    employee_limit: float = 10,
    exclude_urban: bool = False,
) -> ClusterCounts:
    """Counts per (unit, industry) by locating each qualifying firm's point in ``areas``.

    ``areas`` is an Areas-shaped GeoDataFrame (``code``, ``level``, ``sigungu``,
    ``geometry``) or an ``Areas``. A firm with no point is placed by its code when some
    area has that code; otherwise it is reported. Points in no area are reported
    ``OUTSIDE_AREAS`` (not counted), points in two areas ``OVERLAPPING_AREAS`` (counted
    in the area with the lowest code).
    """
    check_options(level, employee_limit, unit)
    frame = firm_frame(firms)
    polygons = area_frame(areas)
    found = qualify(frame, level, employee_limit, exclude_urban)
    rows = np.flatnonzero(found.industry >= 0)
    x, y = firm_xy(frame)
    with_point = np.isfinite(x[rows]) & np.isfinite(y[rows])
    point_rows, code_rows = rows[with_point], rows[~with_point]

    codes = area_codes(polygons)
    area_unit, unit_labels = pd.factorize(_area_units(polygons, codes, unit), sort=True)
    units = np.asarray(unit_labels, dtype=object)
    priority = pd.factorize(codes, sort=True)[0].astype(np.int64)
    px, py = x[point_rows], y[point_rows]
    located = locate_points(px, py, area_geometries(polygons), priority)
    per_row = np.full(len(frame), -1, dtype=np.int64)
    inside = located.area >= 0
    per_row[point_rows[inside]] = area_unit[located.area[inside]]
    placed, issues = _place_by_code(frame, unit, code_rows, units)
    per_row[code_rows] = placed
    issues += located_issues(px, py, located, codes, point_rows)
    settings = (unit, level, employee_limit, exclude_urban)
    return _tabulate(frame, per_row, units, found, issues, settings, firm_report(firms))


def _centers(centers_xy: object) -> npt.NDArray[np.float64]:
    centers = np.asarray(centers_xy, dtype=np.float64)
    centers = centers.reshape(1, -1) if centers.ndim == 1 else centers
    if centers.ndim != 2 or centers.shape[1] != 2:
        raise GeoError(f"centers must be (x, y) pairs in EPSG:5179; got shape {centers.shape}")
    missing = 0 if np.isfinite(centers).all() else int((~np.isfinite(centers).all(axis=1)).sum())
    if missing:
        raise GeoError(f"{missing} center(s) have no finite (x, y): drop them or give a point")
    return centers


def check_radius(radius_m: float) -> float:
    """``radius_m`` as a float, or :class:`GeoError` if it is no distance."""
    number = isinstance(radius_m, int | float | np.number) and not isinstance(radius_m, bool)
    if not number or not np.isfinite(radius_m) or radius_m < 0:
        raise GeoError(f"radius_m must be a distance in metres ≥ 0; got {radius_m!r}")
    return float(radius_m)


def count_within_radius(
    firms: Firms,
    centers_xy: object,
    industries: object,
    radius_m: float = 500.0,
    level: int = 5,
    employee_limit: float = 10,
    exclude_urban: bool = False,
) -> IntArray:
    """Per center: qualifying firms of its industry within ``radius_m`` metres (≤, EPSG:5179).

    ``centers_xy`` is one (x, y) or an (n, 2) array; ``industries`` one KSIC code for
    all centers or one per center. One KD-tree per industry answers every center of
    that industry with counts only: no list of pairs is built. Firms without a point
    cannot be placed and are not counted.
    """
    check_options(level, employee_limit)
    radius = check_radius(radius_m)
    frame = firm_frame(firms)
    centers = _centers(centers_xy)
    found = qualify(frame, level, employee_limit, exclude_urban)
    x, y = firm_xy(frame)
    rows = np.flatnonzero((found.industry >= 0) & np.isfinite(x) & np.isfinite(y))
    asked = np.asarray(industries, dtype=object).reshape(-1)
    if len(asked) not in (1, len(centers)):
        raise GeoError(f"give one industry, or one per center ({len(centers)}); got {len(asked)}")
    wanted = np.broadcast_to(asked, (len(centers),))
    codes, uniques = pd.factorize(wanted)
    labels = np.array([industry_label(u, level) for u in uniques] + [""], dtype=object)
    at = np.minimum(np.searchsorted(found.industries, labels), max(len(found.industries) - 1, 0))
    known = found.industries[at] == labels if len(found.industries) else labels != labels
    group_of = np.where(known, at, -1)
    group_of[-1] = -1  # a missing industry (code -1) counts nothing
    return count_neighbours(
        np.column_stack([x[rows], y[rows]]),
        found.industry[rows],
        centers,
        group_of[codes].astype(np.int64),
        radius,
    )


def industry_rows(
    frame: pd.DataFrame, industry: object, level: int, employee_limit: float, exclude_urban: bool
) -> tuple[IntArray, IntArray]:
    """Rows of the qualifying firms of one industry: those with a point, those without."""
    found = qualify(frame, level, employee_limit, exclude_urban)
    index = found.index_of(industry_label(industry, level))
    x, y = firm_xy(frame)
    rows = np.flatnonzero(found.industry == index) if index >= 0 else np.zeros(0, np.int64)
    with_point = np.isfinite(x[rows]) & np.isfinite(y[rows])
    return rows[with_point], rows[~with_point]


def count_in_polygon(
    firms: Firms,
    polygon: shapely.Geometry,
    industry: object,
    level: int = 5,
    employee_limit: float = 10,
    exclude_urban: bool = False,
) -> tuple[int, ObjectArray]:
    """Qualifying firms of ``industry`` inside ``polygon`` (EPSG:5179, boundary included).

    Returns the count and the firm ids. Firms without a point are not counted.
    """
    check_options(level, employee_limit)
    frame = firm_frame(firms)
    rows, _ = industry_rows(frame, industry, level, employee_limit, exclude_urban)
    x, y = firm_xy(frame)
    inside = rows[points_in_polygon(x[rows], y[rows], polygon)]
    return len(inside), frame["firm_id"].iloc[inside].to_numpy(dtype=object)
