"""The cluster map: an HTML page with the clusters' areas and the registry's firms.

Built with folium on Leaflet, which is inlined from :mod:`selectlib.geo.assets` so the
page needs no network; folium's random element ids are numbered in order so the same
inputs give the same file.
"""

from __future__ import annotations

import re
from typing import Final

import geopandas as gpd
import pandas as pd
from branca.element import Element, Figure

from selectlib.geo.areas import Areas
from selectlib.geo.assets import leaflet_css, leaflet_js
from selectlib.geo.registry import Registry
from selectlib.io.safe import html_text

__all__ = ["MAX_POINTS", "cluster_map"]

MAX_POINTS: Final = 5000
"""Firms drawn on a map at most (a browser slows down beyond a few thousand markers)."""

_ELEMENT_ID: Final = re.compile(r"(?<=_)[0-9a-f]{32}(?![0-9a-f])")


def _seeded_ids(html: str) -> str:
    """``html`` with folium's random element ids numbered in order of appearance, so the
    same map is the same file."""
    numbers: dict[str, str] = {}
    return _ELEMENT_ID.sub(
        lambda m: numbers.setdefault(m.group(), f"{len(numbers) + 1:032x}"), html
    )


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
    center = [points.geometry.y.mean(), points.geometry.x.mean()] if len(points) else [36.5, 127.8]
    figure = folium.Map(location=center, zoom_start=11, tiles=None)
    figure.default_js, figure.default_css = [], []  # inlined below instead of a CDN
    root = figure.get_root()
    assert isinstance(root, Figure)  # a Map's root is the page
    header = root.header
    header.add_child(Element(f"<style>{leaflet_css()}</style>"), name="leaflet_css")
    header.add_child(Element(f"<script>{leaflet_js()}</script>"), name="leaflet")
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
    return _seeded_ids(figure.get_root().render())
