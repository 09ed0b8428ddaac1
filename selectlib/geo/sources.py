"""What the registry and area readers share: reading files, CRS, and reporting problems.

A firm registry and an area file arrive in the same formats (CSV in UTF-8 or CP949,
Parquet, GeoParquet, GeoPackage, Shapefile, GeoJSON), in a declared or guessed CRS, with
administrative codes of two systems; this module reads them into a plain table, decides
and checks the CRS against Korea's extent, and collects the problems found as report rows.
"""

from __future__ import annotations

import functools
import json
import warnings
from collections.abc import Callable, Sequence
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
from selectlib.geo.codes import code_systems
from selectlib.geo.columns import Coded, numbers
from selectlib.geo.errors import GeoError
from selectlib.geo.report import REPORT_COLUMNS, Reason, ValidationReport
from selectlib.geo.sidos import AMBIGUOUS, CODE_CHANGES, UNKNOWN, CodeChange
from selectlib.io.tables import Readers, read_csv, read_table

__all__ = [
    "KOREA_LAT",
    "KOREA_LON",
    "READERS",
    "TARGET_CRS",
    "Coded",
    "Issues",
    "classify_coded",
    "classify_codes",
    "find_column",
    "guess_crs",
    "in_korea",
    "num_text",
    "numbers",
    "parse_crs",
    "read_parquet",
    "read_source",
    "take_column",
    "transformer",
]

TARGET_CRS: Final = "EPSG:5179"
"""KGD2002 Unified CS: every distance and area is computed in it."""
KOREA_LON: Final = (124.0, 132.0)
KOREA_LAT: Final = (33.0, 39.0)
"""A box around South Korea in degrees: how swapped or mislabelled coordinates are told apart."""


# -- reading files -----------------------------------------------------


def read_parquet(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """A Parquet file (a GeoDataFrame for GeoParquet), all its columns or ``columns``."""
    import pyarrow.parquet as pq

    try:
        if b"geo" in (pq.read_schema(path).metadata or {}):
            geo: pd.DataFrame = gpd.read_parquet(path, columns=columns)
            return geo
        return pd.read_parquet(path, engine="pyarrow", columns=columns)
    except shapely.errors.GEOSException as exc:
        geo_meta = json.loads((pq.read_schema(path).metadata or {})[b"geo"])
        table = pq.read_table(path).to_pandas()
        wkb = table.pop(geo_meta.get("primary_column", "geometry")).to_numpy(dtype=object)
        raise _unbuildable(str(path), wkb, table, exc) from None
    except (ValueError, OSError) as exc:
        raise InputError(
            f"not a readable Parquet file ({exc}); write it again with DataFrame.to_parquet "
            "or GeoDataFrame.to_parquet",
            file=str(path),
        ) from None


def _read_ogr(path: Path) -> pd.DataFrame:
    import pyogrio.errors
    import pyogrio.raw

    try:
        with warnings.catch_warnings():  # an unclosed ring is refused below, by its feature
            warnings.filterwarnings("ignore", "Non closed ring", RuntimeWarning)
            table: pd.DataFrame = gpd.read_file(path, engine="pyogrio")
        return table
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
        raise InputError(
            f"not a readable {path.suffix} file ({str(exc).splitlines()[0]}); export it again "
            "from your GIS (GeoPackage, Shapefile with its .shx/.dbf/.prj, or GeoJSON)",
            file=str(path),
        ) from None
    except shapely.errors.GEOSException as exc:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Non closed ring", RuntimeWarning)
            meta, _, wkb, values = pyogrio.raw.read(path)
        properties = pd.DataFrame(dict(zip(meta["fields"], values, strict=True)))
        raise _unbuildable(str(path), np.asarray(wkb, dtype=object), properties, exc) from None


def _unbuildable(file: str, wkb: ObjectArray, properties: pd.DataFrame, exc: Exception) -> GeoError:
    """The error for geometries GEOS cannot build (a ring not closed, or under 4 points),
    naming the first such feature by its position and properties, and how many there are."""
    built = shapely.from_wkb(wkb, on_invalid="ignore")
    bad = np.flatnonzero(pd.notna(wkb) & shapely.is_missing(built))
    if not len(bad):  # pragma: no cover - GEOS failed on a geometry that builds alone
        return GeoError(f"{file}: a geometry cannot be built ({exc}); repair the file in your GIS")
    first = int(bad[0])
    shown = ", ".join(f"{k}={v!r}" for k, v in list(properties.iloc[first].items())[:3])
    more = f" (and {len(bad) - 1:,} more features)" if len(bad) > 1 else ""
    reason = str(exc).removeprefix("IllegalArgumentException: ").strip()
    return GeoError(
        f"{file}: feature {first} (counting from 0; {shown or 'no properties'}){more} has a "
        f"polygon ring GEOS cannot build ({reason}): every ring must be closed (its last "
        "point repeats the first) and have at least 4 points; repair the file in your GIS"
    )


READERS: Final[Readers] = {
    ".csv": read_csv,
    ".parquet": read_parquet,
    ".geoparquet": read_parquet,
    ".gpkg": _read_ogr,
    ".shp": _read_ogr,
    ".zip": _read_ogr,
    ".geojson": _read_ogr,
    ".json": _read_ogr,
    ".topojson": _read_ogr,
}


def read_source(
    source: str | Path | pd.DataFrame, readers: Readers = READERS
) -> tuple[pd.DataFrame, str]:
    """A table (a GeoDataFrame when the source has geometry) and its name for messages.

    Files: CSV (UTF-8, UTF-8 with BOM or CP949; every cell read as text), Parquet and
    GeoParquet, GeoPackage, Shapefile (or a .zip of one), GeoJSON/TopoJSON. Anything
    unreadable raises :class:`~selectlib.InputError` naming the file and the fix.
    """
    if isinstance(source, pd.DataFrame):
        return source, f"<{type(source).__name__}>"
    return read_table(source, readers=readers), str(source)


def parse_crs(value: object, *, file: str | None = None) -> pyproj.CRS:
    """A CRS from an EPSG code, "EPSG:5179", WKT or a pyproj CRS; InputError if unknown."""
    try:
        return pyproj.CRS.from_user_input(value)
    except pyproj.exceptions.CRSError:
        raise InputError(
            f"unknown coordinate reference system {value!r}: give an EPSG code such as "
            "'EPSG:4326' (longitude/latitude), 'EPSG:5179', 'EPSG:5186' or 'EPSG:5174'",
            file=file,
            field="crs",
            value=value,
        ) from None


@functools.cache
def transformer(source: pyproj.CRS, target: str | pyproj.CRS = TARGET_CRS) -> pyproj.Transformer:
    """A cached transformer taking and giving x/y order (longitude first in degrees)."""
    return pyproj.Transformer.from_crs(source, target, always_xy=True)


def in_korea(lon: FloatArray, lat: FloatArray) -> BoolArray:
    """Whether each (lon, lat) lies in the box around South Korea (NaN: False)."""
    lon, lat = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        inside = (lon >= KOREA_LON[0]) & (lon <= KOREA_LON[1])
        return inside & (lat >= KOREA_LAT[0]) & (lat <= KOREA_LAT[1])


def guess_crs(x: FloatArray, y: FloatArray, where: str, file: str) -> tuple[pyproj.CRS, str]:
    """The CRS of coordinates declared in none, and a note saying how it was decided.

    Most values lon/lat in Korea (either order) → EPSG:4326; most values inside Korea's
    EPSG:5179 extent → EPSG:5179; anything else is ambiguous (5186? 5174?) and raises
    :class:`~selectlib.InputError` asking for the CRS.
    """
    shown = np.isfinite(x) & np.isfinite(y) & ~((x == 0) & (y == 0))
    if not shown.any():
        return pyproj.CRS.from_epsg(4326), f"no coordinates in {where}"
    xs, ys = x[shown], y[shown]
    if np.mean(in_korea(xs, ys) | in_korea(ys, xs)) >= 0.5:
        return pyproj.CRS.from_epsg(4326), (
            f"no CRS declared for {where}: the values are longitude/latitude in Korea, "
            "read as EPSG:4326"
        )
    unified = pyproj.CRS.from_epsg(5179)
    back = transformer(unified, "EPSG:4326")
    if np.mean(in_korea(*back.transform(xs, ys)) | in_korea(*back.transform(ys, xs))) >= 0.5:
        return unified, (
            f"no CRS declared for {where}: the values are metres inside Korea's EPSG:5179 "
            "extent, read as EPSG:5179"
        )
    raise InputError(
        f"cannot tell the coordinate reference system of {where} (the values are neither "
        "longitude/latitude nor EPSG:5179 metres in Korea); declare it, e.g. crs='EPSG:5186'",
        file=file,
        field="crs",
    )


def take_column(table: pd.DataFrame, name: str, param: str, file: str) -> pd.Series:
    if name not in table.columns:
        listed = ", ".join(repr(str(column)) for column in table.columns) or "none"
        raise InputError(
            f"no column {name!r} (the columns are {listed}); pass {param}=<column name>",
            file=file,
            field=name,
        )
    return table[name]


def find_column(table: pd.DataFrame, names: Sequence[str]) -> str | None:
    by_lower = {str(column).strip().lower(): str(column) for column in table.columns}
    return next((by_lower[name] for name in names if name in by_lower), None)


# -- issues and codes --------------------------------------------------


@attrs.define
class Issues:
    """Collects report rows per reason; ``counted`` is set once usability is known."""

    frames: list[pd.DataFrame] = attrs.field(factory=list)

    def add(self, mask: BoolArray, reason: Reason, detail: Callable[[int], str]) -> None:
        """Report every row where ``mask`` is true, with ``detail(row)`` in words."""
        rows = np.flatnonzero(mask)
        self.frames.append(
            pd.DataFrame(
                {
                    "row": rows.astype(np.int64),
                    "reason": pd.Series([reason.value] * len(rows), dtype=object),
                    "counted": np.zeros(len(rows), dtype=bool),
                    "detail": pd.Series([detail(int(row)) for row in rows], dtype=object),
                },
                columns=REPORT_COLUMNS,
            )
        )

    def report(self, rows_in: int, counted: BoolArray) -> ValidationReport:
        """The report, each issue marked counted when its row is still used."""
        for frame in self.frames:
            frame["counted"] = counted[frame["row"].to_numpy()]
        return ValidationReport.from_issues(rows_in, self.frames)


def classify_codes(codes: ObjectArray, issues: Issues) -> tuple[ObjectArray, BoolArray]:
    """Each code's system (None if unknown or undecided) and whether it can locate a row;
    see :func:`classify_coded`."""
    coded = Coded.of(codes)
    system, located = classify_coded(coded, issues)
    return coded.rows(system, None), coded.rows(located, False)


def classify_coded(coded: Coded, issues: Issues) -> tuple[ObjectArray, BoolArray]:
    """Each distinct code's system (None if unknown or undecided) and whether it can
    locate a row.

    Codes only one system can produce decide; codes valid in both follow the file's
    majority. Reported: codes of the minority system and MOIS codes of an older or newer
    vintage than most in the file (MIXED_CODE_SYSTEMS), codes valid in no system
    (UNKNOWN_CODE).
    """
    codes, rows = coded.values, coded.at
    found = np.asarray(code_systems(codes), dtype=object).reshape(len(codes))
    times = np.bincount(rows[rows >= 0], minlength=len(codes))  # rows holding each code
    kostat, mois = found == "kostat", found == "mois"
    major = "mois" if times[mois].sum() > times[kostat].sum() else "kostat"
    decided = kostat | mois
    system = np.full(len(codes), None, dtype=object)
    if decided.any():
        system[found == AMBIGUOUS] = major
    system[decided] = found[decided]

    def row_codes(r: int) -> object:
        return codes[rows[r]]

    if kostat.any() and mois.any():
        among = f"among {int(times[found == major].sum())} {major.upper()} codes"
        issues.add(
            coded.rows(decided & (found != major), False),
            Reason.MIXED_CODE_SYSTEMS,
            lambda r: (
                f"{found[rows[r]].upper()} code {row_codes(r)} {among}: give every code "
                "in one system"
            ),
        )
    texts = [str(code) for code in codes]
    for change in CODE_CHANGES:
        old = (system == "mois") & np.array([t.startswith(change.old) for t in texts], bool)
        new = (system == "mois") & np.array([t.startswith(change.new) for t in texts], bool)
        if old.any() and new.any():
            issues.add(
                coded.rows(old if times[old].sum() <= times[new].sum() else new, False),
                Reason.MIXED_CODE_SYSTEMS,
                _vintage_detail(row_codes, change),
            )
    unknown = found == UNKNOWN
    issues.add(
        coded.rows(unknown, False),
        Reason.UNKNOWN_CODE,
        lambda r: f"{row_codes(r)!r} is no KOSTAT or MOIS code",
    )
    return system, ~unknown


def _vintage_detail(codes: Callable[[int], object], change: CodeChange) -> Callable[[int], str]:
    return lambda r: (
        f"MOIS code {codes(r)} is of another date than most: codes {change.old}… became "
        f"{change.new}… on {change.since.isoformat()} ({change.note}); give every code as of "
        "one date"
    )


def num_text(value: float) -> str:
    """A number for a message: 1950000, 127.031, -2."""
    return f"{value:.0f}" if abs(value) >= 1000 or float(value).is_integer() else f"{value:.6g}"
