"""Reading a registry's (Geo)Parquet file fast: only the columns used, points left as WKB.

``geopandas.read_parquet`` builds one shapely object per row, and most of its time goes
there; a registry needs only each firm's x and y. When a GeoParquet file's geometry is
plain 2D points in little-endian WKB (21 bytes each, what geopandas and GDAL write), the
table comes back with that column as raw WKB and :func:`decode_points` reads the numbers
straight from the bytes. Any other geometry (lines, polygons, 3D, big-endian, EWKB) is
read by geopandas as before, with the same errors.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path

import pandas as pd
import pyarrow as pa

from selectlib.geo.columns import WKB_ATTR, decode_points
from selectlib.geo.sources import read_parquet

__all__ = ["read_columns"]


def _wanted(names: list[str], exact: Collection[str], lowered: Collection[str]) -> list[str]:
    return [name for name in names if name in exact or name.strip().lower() in lowered]


def read_columns(path: Path, exact: Collection[str], lowered: Collection[str]) -> pd.DataFrame:
    """A (Geo)Parquet file's columns named in ``exact`` or (stripped, lower case) in
    ``lowered``, and its geometry; every column when one in ``exact`` is missing (so a
    message lists them all). 2D points stay WKB, named in ``attrs[WKB_ATTR]``."""
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except (ValueError, OSError, pa.ArrowException):
        return read_parquet(path)  # says what is wrong with the file
    names = [str(name) for name in schema.names]
    meta = schema.metadata or {}
    geo = _geo_metadata(meta.get(b"geo"))
    primary = geo.get("primary_column") if geo else None
    columns: list[str] | None = None
    if set(exact) <= set(names):
        columns = _wanted(names, exact, lowered)
        columns += [primary] if primary in names and primary not in columns else []
    if not geo:
        return read_parquet(path, columns)
    described = geo.get("columns")
    spec = described.get(primary) if isinstance(described, dict) else None
    if not isinstance(spec, dict) or spec.get("encoding") != "WKB" or primary not in names:
        return read_parquet(path, columns)
    try:
        table = pq.read_table(path, columns=columns, use_pandas_metadata=True)
    except (ValueError, OSError, pa.ArrowException):
        return read_parquet(path, columns)
    wkb = table.column(primary)
    if decode_points(wkb) is None:
        return read_parquet(path, columns)
    order = list(table.slice(0, 0).to_pandas().columns)  # where geopandas puts it
    frame: pd.DataFrame = table.drop_columns([primary]).to_pandas()
    storage = wkb.combine_chunks()
    storage = storage.storage if isinstance(storage, pa.ExtensionArray) else storage
    points = pd.Series(pd.arrays.ArrowExtensionArray(storage), index=frame.index)
    frame.insert(order.index(primary), primary, points)
    crs = spec.get("crs", "OGC:CRS84")  # the GeoParquet default
    frame.attrs[WKB_ATTR] = {"column": primary, "crs": json.dumps(crs)}
    return frame


def _geo_metadata(raw: bytes | None) -> dict[str, object]:
    if raw is None:
        return {}
    try:
        found = json.loads(raw)
    except (TypeError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}
