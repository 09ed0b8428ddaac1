"""The cluster map: an HTML page with the clusters' areas and the registry's firms.

Built with folium on Leaflet, inlined by :mod:`selectlib.geo.offline` so the page needs
no network and the same inputs give the same file.
"""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import pandas as pd

from selectlib.geo.areas import Areas
from selectlib.geo.offline import offline_map, page_html
from selectlib.geo.registry import Registry
from selectlib.io.safe import html_text

__all__ = ["MAX_POINTS", "cluster_map"]

MAX_POINTS: Final = 5000
"""Firms drawn on a map at most (a browser slows down beyond a few thousand markers)."""


def cluster_map(found: pd.DataFrame, areas: Areas | None, registry: Registry) -> str:
    """An interactive HTML map of ``found`` clusters: their areas shaded, firms as dots
    (the first :data:`MAX_POINTS`). The page works offline and is the same for the same
    inputs; firm ids are escaped text in the tooltips."""
    import folium

    frame = registry.frame[registry.frame["x"].notna()]
    points = gpd.GeoDataFrame(
        frame[["firm_id", "ksic"]],
        geometry=gpd.points_from_xy(frame["x"], frame["y"]),
        crs=5179,
    ).to_crs(4326)
    figure = (
        offline_map((points.geometry.y.mean(), points.geometry.x.mean()), zoom=11)
        if len(points)
        else offline_map()
    )
    if areas is not None and len(found):
        by_sigungu = len(str(found["unit"].iloc[0])) == 5
        polygons = areas.dissolve_sigungu().frame if by_sigungu else areas.frame
        shaded = polygons[polygons["code"].isin(found["unit"])].to_crs(4326)
        folium.GeoJson(
            shaded[["code", "geometry"]].to_json(),
            name="clusters",
            style_function=lambda _: {"fillColor": "#d62728", "color": "#d62728", "weight": 1},
        ).add_to(figure)
    for row in points.head(MAX_POINTS).itertuples():
        folium.CircleMarker(
            [row.geometry.y, row.geometry.x],
            radius=2,
            tooltip=html_text(f"{row.firm_id} {row.ksic}"),  # ids come from the registry
        ).add_to(figure)
    return page_html(figure)
