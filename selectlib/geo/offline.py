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
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from selectlib.geo.assets import leaflet_css, leaflet_js
from selectlib.io.safe import html_text

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

__all__ = [
    "COORDINATE_DECIMALS",
    "KOREA",
    "SIMPLIFY_M",
    "add_html",
    "fit_to",
    "legend",
    "offline_map",
    "page_html",
    "web_shapes",
]

KOREA: Final = (36.5, 127.8)
"""The centre of South Korea (lat, lon): where a map with nothing to zoom to opens."""

SIMPLIFY_M: Final = 30.0
"""Boundaries on a web map are simplified to this many metres (the real 읍면동 file would
otherwise make a page of tens of megabytes); a print map is simplified on its own scale."""
COORDINATE_DECIMALS: Final = 5
"""Decimals of a web map's longitudes and latitudes (1e-5° is about 1 m): full precision
would double the page's size for nothing the eye can see."""

_ELEMENT_ID: Final = re.compile(r"(?<=_)[0-9a-f]{32}(?![0-9a-f])")
_LEGEND_STYLE: Final = (
    ".leaflet-container{background:#fff}.sl-legend{position:fixed;bottom:24px;right:12px;"
    "z-index:1000;background:#fff;padding:8px 10px;border:1px solid #999;"
    "font:12px sans-serif;max-width:280px}.sl-legend i{display:inline-block;width:14px;"
    "height:14px;margin-right:6px;vertical-align:middle;border:1px solid #888}"
    ".sl-legend .note{margin-top:4px;color:#555}"
)


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


def legend(title: str, swatches: Sequence[tuple[str, str]], notes: Sequence[str] = ()) -> str:
    """A legend box for :func:`add_html`: a title, a colour swatch per (colour, text), notes.
    Every text is escaped here (names and codes may come from hostile files); colours are
    the caller's own ``#rrggbb``."""
    rows = [f'<div><i style="background:{c};"></i>{html_text(t)}</div>' for c, t in swatches]
    rows += [f"<div class='note'>{html_text(note)}</div>" for note in notes]
    box = f"<div class='sl-legend'><b>{html_text(title)}</b>{''.join(rows)}</div>"
    return f"<style>{_LEGEND_STYLE}</style>{box}"


def web_shapes(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``frame`` (EPSG:5179) as a web map draws it: simplified to :data:`SIMPLIFY_M`, in
    lon/lat rounded to :data:`COORDINATE_DECIMALS`."""
    import numpy as np
    import shapely

    shapes = frame.assign(geometry=frame.geometry.simplify(SIMPLIFY_M)).to_crs(4326)
    rounded = shapely.transform(
        shapes.geometry.to_numpy(), lambda xy: np.round(xy, COORDINATE_DECIMALS)
    )
    return shapes.assign(geometry=rounded)


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
