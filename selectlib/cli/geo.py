"""The ``selectlib clusters`` command: nationwide cluster discovery from a firm registry.

Kept apart from :mod:`selectlib.cli.app` so that the geo stack (geopandas, shapely, scipy,
folium) is imported only when a geo command runs; the counting is in
:mod:`selectlib.cli.cluster_count`, imported by the command, so ``--help`` loads no table
library either.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from selectlib.cli.options import DEFAULT_LANG, ForceOpt, Lang, LangOpt, check_outputs, option_day

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


LevelOpt = Annotated[int, typer.Option("--level", help="KSIC digits.", metavar="2|3|5")]
UnitOpt = Annotated[
    str,
    typer.Option("--unit", help="Where firms are counted.", metavar="dong|sigungu|radius:METRES"),
]
DayOpt = Annotated[
    str | None, typer.Option("--on", help="Date YYYY-MM-DD (default today).", metavar="DATE")
]
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
    str,
    typer.Option(
        help="Counties inside metropolitan cities: county (20) or metro (50).",
        metavar="county|metro",
    ),
]
SejongOpt = Annotated[str, typer.Option(help="Sejong's area type.", metavar="metro|city")]


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
    lang: LangOpt = DEFAULT_LANG,
    force: ForceOpt = False,
) -> None:
    """Find every cluster in a firm registry: (unit, industry) reaching its threshold.

    Every firm is accounted for: the summary counts the firms used and, by reason, those
    left out; --excluded writes each one left out with its reason.
    """
    from rich.console import Console

    from selectlib.cli.cluster_count import count_clusters, summary_table, unit_of
    from selectlib.cli.labels import word, wrote
    from selectlib.cli.render import say
    from selectlib.geo.codes import AreaTypePolicy
    from selectlib.geo.errors import GeoError
    from selectlib.geo.ksic import industry_name
    from selectlib.geo.webmap import cluster_map
    from selectlib.io.files import write_file
    from selectlib.io.write import write_table

    check_outputs([out, map_, excluded], [firms, areas], force)
    console = Console(highlight=False)
    unit_of(unit)  # a bad --unit stops before the files are read
    day = option_day(on)
    try:
        policy = AreaTypePolicy(metro_county=metro_county, sejong=sejong)  # type: ignore[arg-type]
    except ValueError as exc:
        raise GeoError(f"--metro-county / --sejong: {exc.args[0]}") from None
    registry, polygons = read_geo(firms, areas)
    say(console, f"{word('firm registry', lang)}: {registry.report.summary(lang)}")
    if polygons is not None:
        say(console, f"{word('areas', lang)}: {polygons.report.summary(lang)}")
    found, status = count_clusters(
        registry, polygons, unit, (level, employee_limit, exclude_urban), day, policy
    )
    found = found.assign(industry_name=[industry_name(str(key)) for key in found["industry"]])
    say(console, f"{word('firms', lang)}: {status.summary(lang)}")
    say(console, _found_line(len(found), unit, level, day, lang))
    if len(found):
        console.print(summary_table(found, lang))
    for path, frame in ((out, found), (excluded, status.excluded)):
        if path is not None:
            write_table(frame, path, force=True)
            say(console, wrote(path, len(frame), lang))
    if map_ is not None:
        html = cluster_map(found, polygons, registry)
        write_file(map_, lambda path: path.write_text(html, encoding="utf-8"))
        say(console, wrote(map_, None, lang))


def _found_line(found: int, unit: str, level: int, day: object, lang: Lang) -> str:
    from selectlib.cli.labels import counted

    if lang is Lang.KO:
        return f"{counted(found, 'cluster', lang)} ({unit}, KSIC {level}자리, 기준일 {day})"
    return f"{counted(found, 'cluster', lang)} ({unit}, KSIC {level} digits, on {day})"
