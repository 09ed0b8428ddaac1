"""Maps of a sweep by area: eligible applicants and flips per 시군구 or 읍면동 at one grid point.

The sweep table must be grouped by a column of area codes (``by="sigungu_code"``), and
the areas come from :func:`selectlib.geo.areas.read_areas`. Codes of 5 digits are drawn
on 시군구 (the 읍면동 polygons merged when the areas are 읍면동); other codes on the areas
whose codes they are. :func:`static_map` draws a matplotlib figure for print;
:func:`interactive_map` writes one HTML page that works offline (Leaflet inlined, the
area boundaries as the base layer, names in tooltips, a legend, zoomed to the data).
Names come from files nobody here controls: every text put in the page is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
import pandas as pd

from selectlib.errors import ArgumentError
from selectlib.io.safe import html_text
from selectlib.simulate.fonts import chart_lang, chart_style
from selectlib.simulate.labels import label, word
from selectlib.simulate.sweeptable import FLIPS, at_point, busiest_point, parameters
from selectlib.simulate.sweeptable import require_columns as _require

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.figure import Figure

    from selectlib.geo.areas import Areas

__all__ = [
    "MAP_VALUES",
    "PRINT_DETAIL",
    "AreaCounts",
    "area_counts",
    "interactive_map",
    "static_map",
]

MAP_VALUES: Final = ("eligible", *FLIPS)
"""The counts a map can show per area."""
PRINT_DETAIL: Final = 2000
"""The static map keeps boundary detail down to 1/PRINT_DETAIL of the map's extent."""
_CMAPS: Final = {"eligible": "Greens", "gained": "Blues", "lost": "Purples"}
_BINS: Final = 5
_NO_DATA: Final = "#cccccc"


@attrs.frozen(eq=False)
class AreaCounts:
    """Every area of the level drawn, with the counts of one grid point.

    ``frame`` has ``code``, ``name``, ``geometry`` (EPSG:5179) and one column per count
    of :data:`MAP_VALUES` the table has (missing where the table has no row for the
    area); ``missing`` lists the table's codes no area has; ``point`` is the grid point.
    """

    frame: gpd.GeoDataFrame
    missing: tuple[str, ...]
    point: dict[str, Any]

    @property
    def values(self) -> tuple[str, ...]:
        """The counts this map can show."""
        return tuple(v for v in MAP_VALUES if v in self.frame.columns)

    @property
    def with_data(self) -> gpd.GeoDataFrame:
        """The areas that have a row in the table."""
        return self.frame[self.frame[self.values[0]].notna()]


def area_counts(
    table: pd.DataFrame, areas: Areas, *, code: str, point: Mapping[str, Any] | None = None
) -> AreaCounts:
    """The counts of one grid point per area; ``point`` defaults to the point with the most
    flips (:func:`~selectlib.simulate.sweeptable.busiest_point`)."""
    _require(table, [code, "eligible"], "code")
    chosen = dict(point) if point is not None else busiest_point(table, parameters(table, code))
    rows = at_point(table, chosen, by=code)
    codes = rows[code].astype("str")
    base = _polygons(areas, codes, code)
    shown = [v for v in MAP_VALUES if v in rows.columns]
    counts = rows[shown].groupby(codes.to_numpy()).sum()
    frame = base.merge(counts, left_on="code", right_index=True, how="left")
    missing = tuple(sorted(set(codes) - set(base["code"])))
    return AreaCounts(frame, missing, chosen)


def _polygons(areas: Areas, codes: pd.Series, column: str) -> gpd.GeoDataFrame:
    """The areas at the level of ``codes``: 시군구 merged from 읍면동 for 5-digit codes
    no area has, else the areas of the level the matching codes have."""
    frame = areas.frame[areas.frame.geometry.notna()]
    matched = frame[frame["code"].isin(codes)]
    if matched.empty and codes.str.fullmatch(r"[0-9]{5}").all():
        frame = areas.dissolve_sigungu().frame
    elif matched.empty:
        raise ArgumentError(
            "areas",
            [
                f"none of the {codes.nunique()} codes of column {column!r} (e.g. "
                f"{codes.iloc[0]!r}) is the code of an area: give the areas of these codes, "
                "or group the sweep by a column of 시군구 or 읍면동 codes"
            ],
        )
    else:
        frame = frame[frame["level"] == matched["level"].mode().iloc[0]]
    return frame[["code", "name", "geometry"]].reset_index(drop=True)


def _title(value: str, point: Mapping[str, Any], lang: str) -> str:
    """``<count> by area (<point>)``; without a count, ``by area (<point>)``."""
    where = ", ".join(f"{k}={v}" for k, v in point.items())
    name = f"{label(value, lang)} " if value else ""
    return f"{name}{word('map', lang)}" + (f" ({where})" if where else "")


def static_map(
    table: pd.DataFrame,
    areas: Areas,
    *,
    code: str,
    point: Mapping[str, Any] | None = None,
    values: Sequence[str] = MAP_VALUES,
    lang: str = "ko",
) -> Figure:
    """A choropleth per count of ``values`` (side by side) at one grid point, for print:
    areas without a row in the table in grey. Save it with
    :func:`selectlib.simulate.charts.save`."""
    from matplotlib.figure import Figure

    from selectlib.simulate.charts import laid_out

    counts = area_counts(table, areas, code=code, point=point)
    shown = [v for v in values if v in counts.values]
    if not shown:
        raise ArgumentError("values", [f"give some of {', '.join(counts.values)}"])
    lang = chart_lang(lang)
    with chart_style():
        figure = Figure(figsize=(4.2 * len(shown), 4.6), dpi=100, layout="constrained")
        frame = _for_print(counts.frame)
        no_data, with_data = frame[frame[shown[0]].isna()], frame[frame[shown[0]].notna()]
        for index, value in enumerate(shown, start=1):
            axes = figure.add_subplot(1, len(shown), index)
            if not no_data.empty:
                no_data.plot(ax=axes, color=_NO_DATA, edgecolor="white", linewidth=0.4)
            high = max(float(with_data[value].max()), 1.0)  # gained all 0: still 0 to 1
            with_data.plot(
                ax=axes, column=value, cmap=_CMAPS[value], edgecolor="#555555", linewidth=0.4,
                vmin=0, vmax=high, legend=True, legend_kwds={"shrink": 0.6},
            )  # fmt: skip
            axes.set_title(label(value, lang), fontsize="medium")
            axes.set_axis_off()
        figure.suptitle(_title("", counts.point, lang).strip())
    return laid_out(figure)


def _for_print(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``frame`` with boundaries simplified to what print shows: :data:`PRINT_DETAIL` steps
    across the map (about 250 m for all of Korea); full detail would make a page of
    megabytes that looks the same."""
    west, south, east, north = frame.total_bounds
    tolerance = max(east - west, north - south) / PRINT_DETAIL
    return frame.assign(geometry=frame.geometry.simplify(tolerance))


def _bins(values: pd.Series, cmap: str) -> tuple[np.ndarray[Any, Any], list[str]]:
    """Class edges (``_BINS`` equal steps from 0 to the largest count) and their colours."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    high = float(values.max()) if values.notna().any() else 0.0
    edges = np.linspace(0.0, max(high, 1.0), _BINS + 1)
    colors = [to_hex(colormaps[cmap](0.25 + 0.75 * i / (_BINS - 1))) for i in range(_BINS)]
    return edges, colors


def _colored(counts: AreaCounts, value: str, lang: str) -> tuple[gpd.GeoDataFrame, str]:
    """The areas in EPSG:4326 with escaped texts and a fill per area, and the legend."""
    from selectlib.geo.offline import web_shapes

    frame = web_shapes(counts.frame)
    edges, colors = _bins(frame[value], _CMAPS[value])
    place = np.clip(np.searchsorted(edges, frame[value].fillna(-1), side="right") - 1, 0, _BINS - 1)
    frame["fill"] = np.where(frame[value].notna(), np.asarray(colors)[place], _NO_DATA)
    frame["name"] = [html_text(n) if pd.notna(n) else "" for n in frame["name"]]
    frame["code"] = frame["code"].map(html_text)
    for column in counts.values:
        frame[column] = [
            f"{int(v):,}" if pd.notna(v) else word("no_data", lang) for v in frame[column]
        ]
    return frame, _legend(counts, value, edges, colors, lang)


def _legend(
    counts: AreaCounts, value: str, edges: np.ndarray[Any, Any], colors: list[str], lang: str
) -> str:
    """The legend box: title, a swatch per class, no data, codes left off the map."""
    from selectlib.geo.offline import legend

    swatches = [(c, f"{edges[i]:,.0f} – {edges[i + 1]:,.0f}") for i, c in enumerate(colors)]
    swatches.append((_NO_DATA, word("no_data", lang)))
    notes = []
    if counts.missing:
        shown = ", ".join(counts.missing[:5]) + (" …" if len(counts.missing) > 5 else "")
        notes.append(f"{word('not_on_map', lang)} ({len(counts.missing)}): {shown}")
    return legend(_title(value, counts.point, lang), swatches, notes)


def interactive_map(
    table: pd.DataFrame,
    areas: Areas,
    *,
    code: str,
    point: Mapping[str, Any] | None = None,
    value: str = "eligible",
    lang: str = "ko",
) -> str:
    """One HTML page, working offline, mapping ``value`` per area at one grid point: every
    area of the level as the base layer, a tooltip with each area's name, code and
    counts, a legend, zoomed to the areas of the table."""
    import folium

    from selectlib.geo.offline import add_html, fit_to, offline_map, page_html

    counts = area_counts(table, areas, code=code, point=point)
    if value not in counts.values:
        raise ArgumentError("value", [f"give one of {', '.join(counts.values)} (got {value!r})"])
    frame, legend = _colored(counts, value, lang)
    fields = ["name", "code", *counts.values]
    aliases = [html_text(a) for a in ("", "code", *(label(v, lang) for v in counts.values))]
    figure = offline_map()
    folium.GeoJson(
        frame[[*fields, "fill", "geometry"]].to_json(),
        name=html_text(label(value, lang)),
        style_function=lambda feature: {
            "fillColor": feature["properties"]["fill"],
            "fillOpacity": 0.8,
            "color": "#555555",
            "weight": 0.6,
        },
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases),
    ).add_to(figure)
    add_html(figure, legend, "legend")
    fit_to(figure, counts.with_data)
    return page_html(figure)
