"""The ``selectlib clusters`` command: nationwide cluster discovery from a firm registry.

Kept apart from :mod:`selectlib.cli.app` so that the geo stack (geopandas, shapely, scipy,
folium) is imported only when a geo command runs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from selectlib.cli.options import ForceOpt, check_outputs, option_day
from selectlib.cli.render import say
from selectlib.errors import InputError
from selectlib.io.files import write_file

if TYPE_CHECKING:
    from selectlib.geo.areas import Areas
    from selectlib.geo.registry import Registry

__all__ = ["clusters", "geo_context"]

FirmsArg = Annotated[
    Path, typer.Argument(help="Firm registry: csv, parquet, gpkg, shp or geojson.")
]
AreasOpt = Annotated[
    Path | None,
    typer.Option("--areas", help="읍면동 polygons (gpkg, geojson, shp...), to place points."),
]
TOP = 20


def _unit(text: str) -> tuple[str, float | None]:
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


def read_geo(firms: Path, areas: Path | None) -> tuple[Registry, Areas | None]:
    """The registry and areas files, read and checked."""
    from selectlib.geo.areas import read_areas
    from selectlib.geo.registry import read_firms

    return read_firms(firms), (read_areas(areas) if areas is not None else None)


def geo_context(firms: Path, areas: Path | None) -> Any:
    """A :class:`selectlib.geo.GeoContext` for ``check --firms --areas``."""
    from selectlib.geo.derive import GeoContext

    registry, polygons = read_geo(firms, areas)
    return GeoContext(registry, polygons)


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


def _summary(found: pd.DataFrame) -> Table:
    table = Table(title="clusters by area type and industry", header_style="bold")
    for name in ("area type", "industry", "clusters", "firms"):
        table.add_column(name, justify="right" if name in ("clusters", "firms") else "left")
    grouped = (
        found.groupby(["area_type", "industry"], observed=True)["count"]
        .agg(["size", "sum"])
        .reset_index()
        .sort_values("size", ascending=False)
        .head(TOP)
    )
    for row in grouped.itertuples():
        table.add_row(str(row.area_type), str(row.industry), f"{row.size:,}", f"{row.sum:,}")
    return table


LevelOpt = Annotated[int, typer.Option("--level", help="KSIC digits: 2, 3 or 5.")]
UnitOpt = Annotated[str, typer.Option("--unit", help="dong, sigungu or radius:METRES.")]
DayOpt = Annotated[str | None, typer.Option("--on", help="Date YYYY-MM-DD (default today).")]
ClustersOutOpt = Annotated[Path | None, typer.Option("--out", help="Write the clusters here.")]
MapOpt = Annotated[Path | None, typer.Option("--map", help="Write an HTML map here.")]
ExcludedOpt = Annotated[
    Path | None,
    typer.Option(
        "--excluded", help="Write every firm left out of the count, with its reason, here."
    ),
]
UrbanOpt = Annotated[bool, typer.Option(help="Leave out C12, C19, C21, C30, C31 (도시형소공인).")]
LimitOpt = Annotated[
    float, typer.Option(help="A firm counts with fewer regular employees than this.")
]
MetroCountyOpt = Annotated[
    str, typer.Option(help="Counties inside metropolitan cities: county (20) or metro (50).")
]
SejongOpt = Annotated[str, typer.Option(help="Sejong's area type: metro or city.")]


def _count(
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
    kind, radius = _unit(unit)
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


def clusters(
    firms: FirmsArg,
    areas: AreasOpt = None,
    level: LevelOpt = 5,
    unit: UnitOpt = "dong",
    on: DayOpt = None,
    out: ClustersOutOpt = None,
    map_: MapOpt = None,
    excluded: ExcludedOpt = None,
    exclude_urban: UrbanOpt = True,
    employee_limit: LimitOpt = 10,
    metro_county: MetroCountyOpt = "county",
    sejong: SejongOpt = "metro",
    force: ForceOpt = False,
) -> None:
    """Find every cluster in a firm registry: (unit, industry) reaching its threshold.

    Every firm is accounted for: the summary counts the firms used and, by reason, those
    left out; --excluded writes each one left out with its reason.
    """
    from selectlib.geo.codes import AreaTypePolicy
    from selectlib.geo.errors import GeoError
    from selectlib.geo.webmap import cluster_map
    from selectlib.io.write import write_table

    check_outputs([out, map_, excluded], [firms, areas], force)
    console = Console(highlight=False)
    _unit(unit)  # a bad --unit stops before the files are read
    day = option_day(on)
    try:
        policy = AreaTypePolicy(metro_county=metro_county, sejong=sejong)  # type: ignore[arg-type]
    except ValueError as exc:
        raise GeoError(f"--metro-county / --sejong: {exc.args[0]}") from None
    registry, polygons = read_geo(firms, areas)
    say(console, f"firm registry: {registry.report.summary()}")
    if polygons is not None:
        say(console, f"areas: {polygons.report.summary()}")
    found, status = _count(
        registry, polygons, unit, (level, employee_limit, exclude_urban), day, policy
    )
    say(console, f"firms: {status.summary()}")
    say(console, f"{len(found):,} clusters ({unit}, KSIC {level} digits, on {day})")
    if len(found):
        console.print(_summary(found))
    for path, frame in ((out, found), (excluded, status.excluded)):
        if path is not None:
            write_table(frame, path, force=True)
            say(console, f"wrote {len(frame):,} rows to {path}")
    if map_ is not None:
        html = cluster_map(found, polygons, registry)
        write_file(map_, lambda path: path.write_text(html, encoding="utf-8"))
        say(console, f"wrote {map_}")
