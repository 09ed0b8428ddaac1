"""The cluster map: an HTML page with the areas, the clusters' areas shaded, and the firms.

The same offline form as the sweep maps (:mod:`selectlib.geo.offline`): Leaflet inlined,
the areas as the base layer with their names and codes in tooltips, a legend, zoomed to
the clusters (or the firms); the same inputs give the same file. Names, codes and firm
ids come from files nobody here controls: every text is escaped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import geopandas as gpd
import pandas as pd

from selectlib.geo.areas import Areas
from selectlib.geo.offline import add_html, fit_to, legend, offline_map, page_html, web_shapes
from selectlib.geo.registry import Registry
from selectlib.io.safe import html_text
from selectlib.text import Text

if TYPE_CHECKING:
    import folium

__all__ = ["MAX_POINTS", "cluster_map"]

MAX_POINTS: Final = 5000
"""Firms drawn on a map at most (a browser slows down beyond a few thousand markers)."""

_CLUSTER: Final = "#d62728"
_AREA: Final = "#f2f2f2"
_FIRM: Final = "#3388ff"
_WORDS: Final = {
    "title": Text("집적지", "Clusters"),
    "cluster": Text("집적지가 있는 지역", "area with a cluster"),
    "area": Text("그 밖의 지역", "other area"),
    "firm": Text("업체", "firm"),
    "industries": Text("업종", "industries"),
    "shown": Text("업체 표시", "firms shown"),
}


def _points(registry: Registry) -> gpd.GeoDataFrame:
    """The registry's placed firms, in lon/lat."""
    frame = registry.frame[registry.frame["x"].notna()]
    return gpd.GeoDataFrame(
        frame[["firm_id", "ksic"]],
        geometry=gpd.points_from_xy(frame["x"], frame["y"]),
        crs=5179,
    ).to_crs(4326)


def _area_layer(
    found: pd.DataFrame, areas: Areas, lang: str
) -> tuple[folium.GeoJson, gpd.GeoDataFrame]:
    """Every area at the clusters' level (시군구 for 5-digit units), clusters shaded, with
    name, code and the clusters' industries in tooltips; and the clusters' shapes."""
    import folium

    units = found["unit"].astype("str") if len(found) else pd.Series([], dtype="str")
    by_sigungu = bool(len(units)) and units.str.fullmatch(r"[0-9]{5}").all()
    polygons = areas.dissolve_sigungu().frame if by_sigungu else areas.frame
    polygons = polygons[polygons.geometry.notna()]
    industries = found.groupby(units)["industry"].agg(
        lambda codes: ", ".join(sorted(map(str, codes)))
    ) if len(found) and "industry" in found else pd.Series(dtype="str")  # fmt: skip
    shapes = web_shapes(polygons[["code", "name", "geometry"]])
    clustered = shapes["code"].isin(units)
    shapes = shapes.assign(
        fill=[_CLUSTER if c else _AREA for c in clustered],
        industries=[html_text(industries.get(code, "")) for code in shapes["code"]],
        name=[html_text(n) if pd.notna(n) else "" for n in shapes["name"]],
        code=shapes["code"].map(html_text),
    )
    aliases = ["", "code", html_text(_WORDS["industries"].get(lang))]
    layer = folium.GeoJson(
        shapes.to_json(),
        name="areas",
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.6,
            "color": "#777777",
            "weight": 0.6,
        },
        tooltip=folium.GeoJsonTooltip(fields=["name", "code", "industries"], aliases=aliases),
    )
    return layer, polygons[polygons["code"].isin(units)]


def cluster_map(
    found: pd.DataFrame, areas: Areas | None, registry: Registry, *, lang: str = "ko"
) -> str:
    """An interactive HTML map of ``found`` clusters over ``areas`` (their areas shaded)
    with the registry's firms as dots (the first :data:`MAX_POINTS`). The page works
    offline and is the same for the same inputs."""
    import folium

    points = _points(registry)
    figure = offline_map()
    target = points
    if areas is not None:
        layer, clustered = _area_layer(found, areas, lang)
        layer.add_to(figure)
        target = clustered if len(clustered) else points
    for row in points.head(MAX_POINTS).itertuples():
        folium.CircleMarker(
            [row.geometry.y, row.geometry.x],
            radius=2,
            tooltip=html_text(f"{row.firm_id} {row.ksic}"),  # ids come from the registry
        ).add_to(figure)
    words = {key: text.get(lang) for key, text in _WORDS.items()}
    swatches = [(_CLUSTER, words["cluster"]), (_AREA, words["area"]), (_FIRM, words["firm"])]
    note = f"{min(len(points), MAX_POINTS):,} / {len(points):,} {words['shown']}"
    add_html(figure, legend(words["title"], swatches, [note]), "legend")
    fit_to(figure, target)
    return page_html(figure)
