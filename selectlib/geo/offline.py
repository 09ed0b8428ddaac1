"""An HTML map page that works offline and is the same file for the same inputs.

folium writes Leaflet maps that link Leaflet (and jQuery, Bootstrap...) from CDNs and
gives every element a random id. :func:`offline_map` starts a map with none of those
links, Leaflet inlined from :mod:`selectlib.geo.assets` instead and no tile layer (the
areas drawn are the base layer); :func:`page_html` renders it with the random ids
numbered in order. The cluster map (:mod:`selectlib.geo.webmap`) and the sweep maps
(:mod:`selectlib.simulate.maps`) both use them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from selectlib.geo.assets import leaflet_css, leaflet_js

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

__all__ = ["KOREA", "add_html", "fit_to", "offline_map", "page_html"]

KOREA: Final = (36.5, 127.8)
"""The centre of South Korea (lat, lon): where a map with nothing to zoom to opens."""

_ELEMENT_ID: Final = re.compile(r"(?<=_)[0-9a-f]{32}(?![0-9a-f])")


def offline_map(location: tuple[float, float] = KOREA, zoom: int = 7) -> folium.Map:
    """An empty folium map with Leaflet inlined, no CDN link and no tiles."""
    import folium
    from branca.element import Element, Figure

    figure = folium.Map(location=list(location), zoom_start=zoom, tiles=None)
    figure.default_js, figure.default_css = [], []  # inlined below instead of a CDN
    root = figure.get_root()
    if not isinstance(root, Figure):  # a Map's root is always its page
        raise TypeError(f"a folium map's root is a page, not {type(root).__name__}")
    root.header.add_child(Element(f"<style>{leaflet_css()}</style>"), name="leaflet_css")
    root.header.add_child(Element(f"<script>{leaflet_js()}</script>"), name="leaflet")
    return figure


def add_html(figure: folium.Map, html: str, name: str) -> None:
    """Put ``html`` (already escaped by the caller) in the page's body, e.g. a legend."""
    from branca.element import Element

    figure.get_root().html.add_child(Element(html), name=name)  # type: ignore[attr-defined]


def fit_to(figure: folium.Map, frame: gpd.GeoDataFrame) -> None:
    """Zoom ``figure`` to the shapes of ``frame`` (any CRS) when it has any."""
    shapes = frame[frame.geometry.notna()]
    if shapes.empty:
        return
    west, south, east, north = shapes.to_crs(4326).total_bounds
    figure.fit_bounds([[float(south), float(west)], [float(north), float(east)]])


def page_html(figure: folium.Map) -> str:
    """The whole page of ``figure``, folium's random element ids numbered in order of
    appearance, so the same map is the same file."""
    html = figure.get_root().render()
    numbers: dict[str, str] = {}
    return _ELEMENT_ID.sub(
        lambda m: numbers.setdefault(m.group(), f"{len(numbers) + 1:032x}"), html
    )
