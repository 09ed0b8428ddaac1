"""The work of ``selectlib clusters``: counting firms per unit and industry, and the summary.

Imported by the command only when it runs (it needs numpy, pandas and the geo stack), so
``selectlib --help`` stays light.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd
from rich.table import Table

from selectlib.cli.labels import word
from selectlib.cli.render import cell, table
from selectlib.errors import InputError
from selectlib.geo.ksic import industry_name

if TYPE_CHECKING:
    from selectlib.geo.areas import Areas
    from selectlib.geo.registry import Registry

__all__ = ["count_clusters", "summary_table", "unit_of"]

TOP: Final = 20
"""Rows of the summary table: the (area type, industry) pairs with the most clusters."""


def unit_of(text: str) -> tuple[str, float | None]:
    """``dong``, ``sigungu`` or ``radius:METRES``."""
    if text in ("dong", "sigungu"):
        return text, None
    kind, _, metres = text.partition(":")
    try:
        radius = float(metres)
    except ValueError:
        radius = -1.0
    if kind != "radius" or not radius > 0:
        raise InputError(f"--unit {text!r}: use dong, sigungu or radius:METRES (e.g. radius:500)")
    return "radius", radius


def _system(registry: Registry, areas: Areas | None) -> str:
    """The code system the units are in: the areas' when counting by point."""
    from selectlib.geo.derive import GeoContext

    return GeoContext(registry, areas).code_system()


def _radius_clusters(
    registry: Registry,
    areas: Areas | None,
    radius: float,
    level: int,
    day: dt.date,
    exclude: bool,
    limit: float,
    policy: Any,
) -> pd.DataFrame:
    """Each qualifying firm as a center: those whose neighbourhood reaches its threshold."""
    from selectlib.geo.codes import area_types
    from selectlib.geo.count import count_within_radius, qualifying
    from selectlib.geo.ksic import industry_key
    from selectlib.geo.spatial import assign_units
    from selectlib.geo.thresholds import DEFAULT_THRESHOLDS

    frame = registry.frame
    ok = qualifying(registry, level, limit, exclude) & frame["x"].notna().to_numpy()
    centers = frame[ok]
    counts = count_within_radius(
        registry,
        centers[["x", "y"]].to_numpy(),
        centers["ksic"].to_numpy(object),
        radius,
        level,
        limit,
        exclude,
    )
    codes = centers["code"].to_numpy(object)
    if areas is not None:
        codes, _ = assign_units(centers["x"].to_numpy(), centers["y"].to_numpy(), areas)
    sigungu = np.array([str(c)[:5] if c is not None else None for c in codes], dtype=object)
    types, _ = area_types(sigungu, _system(registry, areas), day, policy)
    needed = np.array([DEFAULT_THRESHOLDS.get(t, np.inf) if t else np.inf for t in types])
    table = pd.DataFrame(
        {
            "unit": centers["firm_id"].to_numpy(object),
            "industry": industry_key(centers["ksic"].to_numpy(object), level),
            "count": counts,
            "area_type": types,
            "threshold": needed,
        }
    )
    return table[table["count"] >= table["threshold"]].reset_index(drop=True)


def summary_table(found: pd.DataFrame, lang: str) -> Table:
    """Clusters and firms per (area type, industry), the TOP pairs with the most clusters;
    each industry with its KSIC name."""
    title = word("clusters by area type and industry", lang)
    shown = table(title, lang, "area type", "industry", "industry name", "clusters", "firms")
    grouped = (
        found.groupby(["area_type", "industry"], observed=True)["count"]
        .agg(["size", "sum"])
        .reset_index()
        .sort_values("size", ascending=False)
        .head(TOP)
    )
    for row in grouped.itertuples():
        shown.add_row(
            cell(
                word(str(row.area_type), lang)
                if str(row.area_type) in AREA_TYPES
                else row.area_type
            ),
            cell(row.industry),
            cell(industry_name(str(row.industry))),
            cell(f"{row.size:,}"),
            cell(f"{row.sum:,}"),
        )
    return shown


AREA_TYPES: Final = frozenset({"metro", "city", "county"})
"""Area types shown in words of the chosen language."""


def count_clusters(
    registry: Registry,
    polygons: Areas | None,
    unit: str,
    rule: tuple[int, float, bool],
    day: dt.date,
    policy: Any,
) -> tuple[pd.DataFrame, Any]:
    """The clusters found, and every firm's status in the count (used or why not)."""
    from selectlib.geo.codes import area_types
    from selectlib.geo.count import count_by_code, count_by_point
    from selectlib.geo.status import radius_status
    from selectlib.geo.thresholds import discover

    level, limit, exclude = rule
    kind, radius = unit_of(unit)
    if kind == "radius":
        assert radius is not None
        found = _radius_clusters(registry, polygons, radius, level, day, exclude, limit, policy)
        return found, radius_status(registry, level, limit, exclude)
    counts = (
        count_by_point(registry, polygons, kind, level, limit, exclude)
        if polygons is not None
        else count_by_code(registry, kind, level, limit, exclude)
    )
    system = _system(registry, polygons)
    return discover(counts, lambda units: area_types(units, system, day, policy)), counts.status
