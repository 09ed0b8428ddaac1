"""Geometry engines on plain arrays: which area holds each point.

These functions know nothing about firms or thresholds; :mod:`selectlib.geo.count` feeds
them the coordinates of the firms that qualify. Everything is in one metric CRS
(EPSG:5179) and vectorized: no Python loop runs over points.

Point-in-polygon avoids building a shapely Point per firm (about 1 µs each, the bulk of a
naive spatial join): points are binned into a square grid, a grid cell lying wholly inside
one area (and touching no other) gives its area to all its points at once, and only the
points of cells crossed by a boundary are tested with ``shapely.intersects_xy`` against
the areas that cell touches.
"""

from __future__ import annotations

from typing import Protocol

import attrs
import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from selectlib._typing import FloatArray, IntArray, ObjectArray
from selectlib.geo.errors import GeoError
from selectlib.geo.report import REPORT_COLUMNS, Reason

__all__ = [
    "METRIC_CRS",
    "Located",
    "area_codes",
    "area_frame",
    "area_geometries",
    "assign_units",
    "locate_points",
    "located_issues",
    "points_in_polygon",
]

METRIC_CRS = 5179
"""EPSG:5179 (KGD2002 Unified CS): every distance and point here is in its metres."""


# Grid tuning, measured on the 500,000-firm benchmark (benchmarks/bench_clusters.py).
_START_CELLS_PER_SIDE = 1.0  # first grid step = sqrt(typical area holding points) / this
_MIN_CELL_M = 10.0
_MAX_LEVELS = 5  # grid levels: boundary cells are split in four at most 4 times
_SPLIT_MIN_POINTS = 32  # a boundary cell with fewer points is tested point by point
_SAMPLE = 1000


@attrs.frozen(eq=False)
class Located:
    """Where each point fell.

    ``area`` is the index (into the geometries given) of the area holding each point, or
    -1 when the point is in no area or has no coordinates. When a point lies in several
    areas it gets the one with the lowest ``priority`` and every area it lies in is listed
    in ``overlap_rows`` / ``overlap_areas`` (one pair per area, rows ascending).
    """

    area: IntArray
    overlap_rows: IntArray
    overlap_areas: IntArray


def _first_step(
    tree: shapely.STRtree, geoms: npt.NDArray[np.object_], xs: FloatArray, ys: FloatArray
) -> float:
    """A grid step a little smaller than the areas where the points are (from a sample)."""
    sample = np.linspace(0, len(xs) - 1, min(len(xs), _SAMPLE)).astype(np.int64)
    _, held = tree.query(shapely.points(xs[sample], ys[sample]), predicate="intersects")
    sizes = shapely.area(geoms[held] if len(held) else geoms)
    sizes = sizes[sizes > 0]
    typical = float(np.median(sizes)) if len(sizes) else 0.0
    return max(float(np.sqrt(typical)) / _START_CELLS_PER_SIDE, _MIN_CELL_M)


def _expand(starts: IntArray, lengths: IntArray) -> tuple[IntArray, IntArray]:
    """Items of groups given as (start, length): each item's group and its position."""
    owner = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    offset = np.arange(int(lengths.sum()), dtype=np.int64)
    offset -= np.repeat(np.cumsum(lengths) - lengths, lengths)
    return owner, np.repeat(starts, lengths) + offset


def _pick(point: IntArray, cand: IntArray, priority: IntArray, n: int) -> Located:
    """One area per point (the lowest priority) and the points that fell in several."""
    order = np.lexsort((priority[cand], point))
    point, cand = point[order], cand[order]
    first = np.ones(len(point), dtype=bool)
    first[1:] = point[1:] != point[:-1]
    area = np.full(n, -1, dtype=np.int64)
    area[point[first]] = cand[first]
    multi = np.bincount(point, minlength=n)[point] > 1
    return Located(area, point[multi], cand[multi])


def _spread_bits(v: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """Put the bits of 31-bit integers on the even positions (half a Morton code)."""
    for shift, mask in (
        (16, 0x0000FFFF0000FFFF),
        (8, 0x00FF00FF00FF00FF),
        (4, 0x0F0F0F0F0F0F0F0F),
        (2, 0x3333333333333333),
        (1, 0x5555555555555555),
    ):
        v = (v | (v << np.uint64(shift))) & np.uint64(mask)
    return v


@attrs.frozen(eq=False)
class _Grid:
    """Points sorted along a Z-order curve of a fine grid, so each coarser cell is a run."""

    order: IntArray  # positions of the points, in curve order
    ix: IntArray  # fine column and row of each point, in curve order
    iy: IntArray
    morton: npt.NDArray[np.uint64]
    x0: float
    y0: float
    fine: float  # side of a fine cell

    @classmethod
    def build(cls, xs: FloatArray, ys: FloatArray, step: float, levels: int) -> _Grid:
        x0, y0 = float(xs.min()), float(ys.min())
        extent = max(float(xs.max()) - x0, float(ys.max()) - y0, 1.0)
        fine = max(step / 2 ** (levels - 1), extent / 2**30)
        ix = ((xs - x0) // fine).astype(np.int64)
        iy = ((ys - y0) // fine).astype(np.int64)
        morton = _spread_bits(ix.astype(np.uint64)) | (
            _spread_bits(iy.astype(np.uint64)) << np.uint64(1)
        )
        order = np.argsort(morton)
        return cls(order, ix[order], iy[order], morton[order], x0, y0, fine)

    def cells(self, todo: IntArray, coarsen: int) -> tuple[IntArray, IntArray, ObjectArray]:
        """Cells of the points ``todo`` (curve positions, ascending) ``2**coarsen`` fine cells
        wide: each point's cell, each cell's first point, and each cell's box."""
        key = self.morton[todo] >> np.uint64(2 * coarsen)
        new = np.ones(len(todo), dtype=bool)
        new[1:] = key[1:] != key[:-1]
        first = np.flatnonzero(new)
        cell_of = np.cumsum(new) - 1
        side = self.fine * 2**coarsen
        left = self.x0 + (self.ix[todo[first]] >> coarsen) * side
        bottom = self.y0 + (self.iy[todo[first]] >> coarsen) * side
        pad = side * 1e-6  # so each box surely holds its points despite rounding
        boxes = shapely.box(left - pad, bottom - pad, left + side + pad, bottom + side + pad)
        return cell_of, first, boxes


def locate_points(
    x: FloatArray, y: FloatArray, geoms: npt.NDArray[np.object_], priority: IntArray
) -> Located:
    """The area holding each point (boundary included), by a refined grid, then exact tests.

    ``priority`` ranks the areas (lower wins) for points that fall in more than one.
    Grid cells touching exactly one area that covers them settle all their points; cells
    crossed by a boundary are split in four while they hold many points; the points left
    are tested exactly against the areas their cell touches.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    geoms = np.asarray(geoms, dtype=object)
    rows = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    if not len(rows) or not len(geoms):
        empty = np.zeros(0, dtype=np.int64)
        return Located(np.full(len(x), -1, dtype=np.int64), empty, empty)
    shapely.prepare(geoms)
    tree = shapely.STRtree(geoms)
    step = _first_step(tree, geoms, x[rows], y[rows])
    grid = _Grid.build(x[rows], y[rows], step, _MAX_LEVELS)
    rows = rows[grid.order]  # from here on, points are in curve order
    xs, ys = x[rows], y[rows]
    settled = np.full(len(rows), -1, dtype=np.int64)
    todo = np.arange(len(rows), dtype=np.int64)
    exact_points: list[IntArray] = []
    exact_areas: list[IntArray] = []
    for level in range(_MAX_LEVELS):
        cell_of, first, boxes = grid.cells(todo, _MAX_LEVELS - 1 - level)
        pair_cell, pair_area = tree.query(boxes, predicate="intersects")
        order = np.argsort(pair_cell, kind="stable")
        pair_cell, pair_area = pair_cell[order], pair_area[order]
        touching = np.bincount(pair_cell, minlength=len(first))
        starts = np.searchsorted(pair_cell, np.arange(len(first)))
        single = np.flatnonzero(touching == 1)
        sole = pair_area[starts[single]]
        covered = shapely.covers(geoms[sole], boxes[single])
        cell_area = np.full(len(first), -1, dtype=np.int64)
        cell_area[single[covered]] = sole[covered]
        settled[todo] = cell_area[cell_of]
        open_cell = (cell_area < 0) & (touching > 0)
        crowded = np.diff(np.append(first, len(todo))) >= _SPLIT_MIN_POINTS
        split = open_cell & crowded & (level < _MAX_LEVELS - 1)
        exact = np.flatnonzero(open_cell[cell_of] & ~split[cell_of])
        owner, pair = _expand(starts[cell_of[exact]], touching[cell_of[exact]])
        exact_points.append(todo[exact[owner]])
        exact_areas.append(pair_area[pair])
        todo = todo[split[cell_of]]
        if not len(todo):
            break

    point = np.concatenate(exact_points)
    cand = np.concatenate(exact_areas)
    bounds = shapely.bounds(geoms)[cand]
    px, py = xs[point], ys[point]
    near = (px >= bounds[:, 0]) & (px <= bounds[:, 2]) & (py >= bounds[:, 1]) & (py <= bounds[:, 3])
    point, cand = point[near], cand[near]
    hit = shapely.intersects_xy(geoms[cand], xs[point], ys[point])
    located = _pick(point[hit], cand[hit], priority, len(xs))
    found = located.area >= 0
    settled[found] = located.area[found]
    area = np.full(len(x), -1, dtype=np.int64)
    area[rows] = settled
    return Located(area, rows[located.overlap_rows], located.overlap_areas)


class _HasFrame(Protocol):
    @property
    def frame(self) -> gpd.GeoDataFrame: ...


def area_frame(areas: gpd.GeoDataFrame | _HasFrame) -> gpd.GeoDataFrame:
    """The polygons of ``areas`` (a GeoDataFrame or an ``Areas``) in EPSG:5179, with codes."""
    frame = areas if isinstance(areas, gpd.GeoDataFrame) else areas.frame
    if "code" not in frame.columns:
        raise GeoError(
            "the areas lack a 'code' column: read them with selectlib.geo.areas.read_areas"
        )
    if frame.crs is not None and frame.crs.to_epsg() != METRIC_CRS:
        frame = frame.to_crs(METRIC_CRS)
    return frame


def area_geometries(frame: gpd.GeoDataFrame) -> ObjectArray:
    """The polygons of the areas as an array of shapely geometries."""
    return np.asarray(frame.geometry.array, dtype=object)


def area_codes(frame: gpd.GeoDataFrame, column: str = "code") -> ObjectArray:
    """The codes of the areas as stripped text."""
    return np.array([str(code).strip() for code in frame[column].tolist()], dtype=object)


def located_issues(
    x: FloatArray, y: FloatArray, located: Located, codes: ObjectArray, rows: IntArray
) -> list[pd.DataFrame]:
    """OUTSIDE_AREAS and OVERLAPPING_AREAS rows for points located among ``codes``.

    ``rows`` maps positions in ``x``/``y`` to the input rows the report speaks of.
    """
    outside = np.flatnonzero((located.area < 0) & np.isfinite(x) & np.isfinite(y))
    frames = [
        pd.DataFrame(
            {
                "row": rows[outside],
                "reason": str(Reason.OUTSIDE_AREAS),
                "counted": False,
                "detail": [f"point ({x[i]:.1f}, {y[i]:.1f}) lies in no area" for i in outside],
            },
            columns=REPORT_COLUMNS,
        )
    ]
    if len(located.overlap_rows):
        pairs = pd.DataFrame(
            {"at": located.overlap_rows, "code": codes[located.overlap_areas]}
        ).drop_duplicates()
        several = pairs.groupby("at")["code"].agg(list)
        several = several[several.map(len) > 1]
        at = several.index.to_numpy(dtype=np.int64)
        chosen = codes[located.area[at]]
        frames.append(
            pd.DataFrame(
                {
                    "row": rows[at],
                    "reason": str(Reason.OVERLAPPING_AREAS),
                    "counted": True,
                    "detail": [
                        f"point lies in (or on the border of) areas {', '.join(found)}; "
                        f"assigned to {pick}"
                        for found, pick in zip(several, chosen, strict=True)
                    ],
                },
                columns=REPORT_COLUMNS,
            )
        )
    return frames


def assign_units(
    x: FloatArray, y: FloatArray, areas: gpd.GeoDataFrame | _HasFrame
) -> tuple[ObjectArray, pd.DataFrame]:
    """The code of the area holding each point (EPSG:5179 metres), and the problems met.

    A point on an area's boundary is in it. A point in no area gets None and an
    ``OUTSIDE_AREAS`` row (not counted); a point in several areas gets the lowest code
    and an ``OVERLAPPING_AREAS`` row (counted). Points without coordinates get None and
    no row (a missing geometry is the registry's to report). ``row`` in the issues is
    the position in ``x``/``y``.
    """
    frame = area_frame(areas)
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    codes = area_codes(frame)
    priority = pd.factorize(codes, sort=True)[0].astype(np.int64)
    located = locate_points(x, y, area_geometries(frame), priority)
    found = np.full(len(x), None, dtype=object)
    hit = located.area >= 0
    found[hit] = codes[located.area[hit]]
    issues = located_issues(x, y, located, codes, np.arange(len(x), dtype=np.int64))
    return found, pd.concat(issues, ignore_index=True)


def points_in_polygon(x: FloatArray, y: FloatArray, polygon: shapely.Geometry) -> IntArray:
    """Positions of the points lying in ``polygon`` (boundary included)."""
    if polygon is None or shapely.is_empty(polygon):
        raise GeoError("the polygon is empty: give the applicant's area as a polygon in EPSG:5179")
    xmin, ymin, xmax, ymax = shapely.bounds(polygon)
    near = np.flatnonzero((x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax))
    shapely.prepare(polygon)
    inside: IntArray = near[shapely.intersects_xy(polygon, x[near], y[near])]
    return inside
