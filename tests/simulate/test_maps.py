"""Sweep maps: the interactive page works offline (no external URL), shows every area of the
data with its name and code, escapes hostile names; 시군구 come from merged 읍면동; the
static map draws each count; the cluster map has the same offline form."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from paths import DIRTY_GEO, REAL_GEO
from PIL import Image
from strategies import PROFILE
from sweep_tables import sweep_table

from selectlib.errors import ArgumentError
from selectlib.geo.areas import Areas, read_areas
from selectlib.geo.registry import read_firms
from selectlib.geo.webmap import cluster_map
from selectlib.simulate import charts
from selectlib.simulate.maps import area_counts, interactive_map, static_map

HOSTILE = "<script>alert(1)</script>`${x}`"
_LAYER = re.compile(r"\.addData\((\{\"type\": \"FeatureCollection\".*?\})\);", re.DOTALL)
_LAYER_ALT = re.compile(r"_add\((\{\"(?:bbox|features|type)\".*?\})\);", re.DOTALL)


@pytest.fixture(scope="module")
def areas() -> Areas:
    """The 13 sample 읍면동, the first one named with markup."""
    frame = gpd.read_file(DIRTY_GEO / "areas.geojson")
    frame.loc[0, "name"] = HOSTILE
    return read_areas(frame)


@pytest.fixture(scope="module")
def dongs(areas: Areas) -> pd.DataFrame:
    """A sweep over two staff minimums by the first ten 읍면동."""
    return sweep_table({"min_staff": [1, 2]}, by="dong", groups=list(areas.frame["code"][:10]))


class _Links(HTMLParser):
    """Every src and href of a page's elements."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [value or "" for name, value in attrs if name in ("src", "href")]


def external(page: str) -> list[str]:
    """The links of ``page`` that would reach the network."""
    parser = _Links()
    parser.feed(page)
    return [link for link in parser.links if re.match(r"\s*(https?:|//)", link, re.I)]


def features(page: str) -> list[dict[str, Any]]:
    """The GeoJSON features the page draws."""
    found = [json.loads(m) for m in _LAYER.findall(page) + _LAYER_ALT.findall(page)]
    return [feature for layer in found for feature in layer["features"]]


def test_the_interactive_map_works_offline_and_shows_every_area(
    areas: Areas, dongs: pd.DataFrame
) -> None:
    page = interactive_map(dongs, areas, code="dong", point={"min_staff": 2}, lang="en")
    assert external(page) == []
    assert "<script>" + "L.version" not in page  # Leaflet itself is inlined...
    assert "Leaflet" in page  # ...by its source, not linked
    drawn = {f["properties"]["code"]: f["properties"] for f in features(page)}
    assert set(dongs["dong"]) <= set(drawn)
    assert len(drawn) == len(areas.frame)  # the other 3 as the base layer, no data
    at_two = dongs[dongs["min_staff"] == 2].set_index("dong")
    for code, props in drawn.items():
        expected = f"{at_two.loc[code, 'eligible']:,}" if code in at_two.index else "no data"
        assert props["eligible"] == expected
    names = {props["name"] for props in drawn.values()}
    assert {"햇살동", "노을동"} <= names
    assert "sl-legend" in page
    assert "fitBounds" in page


def test_hostile_names_stay_text(areas: Areas, dongs: pd.DataFrame) -> None:
    page = interactive_map(dongs, areas, code="dong", point={"min_staff": 1})
    assert "<script>alert" not in page
    assert "${x}" not in page
    (first,) = [f for f in features(page) if f["properties"]["code"] == "2101051"]
    assert first["properties"]["name"] == "&lt;script&gt;alert(1)&lt;/script&gt;&#96;&#36;{x}&#96;"


def test_the_same_sweep_gives_the_same_page(areas: Areas, dongs: pd.DataFrame) -> None:
    one = interactive_map(dongs, areas, code="dong", point={"min_staff": 1}, value="lost")
    assert one == interactive_map(dongs, areas, code="dong", point={"min_staff": 1}, value="lost")


def test_sigungu_codes_are_drawn_on_merged_dongs(areas: Areas) -> None:
    table = sweep_table({"budget": [10, 20]}, by="sgg", groups=["21010", "31010", "99999"])
    counts = area_counts(table, areas, code="sgg", point={"budget": 20})
    assert sorted(counts.frame["code"]) == ["21010", "21020", "21310", "31010", "31310"]
    assert counts.missing == ("99999",)
    assert list(counts.with_data["code"]) == ["21010", "31010"]
    page = interactive_map(table, areas, code="sgg", point={"budget": 20}, lang="en")
    assert "codes not on the map (1): 99999" in page


def test_the_default_point_is_the_one_with_most_flips(areas: Areas, dongs: pd.DataFrame) -> None:
    flips = dongs.assign(f=dongs["gained"] + dongs["lost"]).groupby("min_staff")["f"].sum()
    assert area_counts(dongs, areas, code="dong").point == {"min_staff": int(flips.idxmax())}


def test_codes_of_no_area_are_refused(areas: Areas) -> None:
    table = sweep_table({"p": [1]}, by="region", groups=["Seoul", "Busan"])
    with pytest.raises(ArgumentError, match=r"none of the 2 codes of column 'region'"):
        interactive_map(table, areas, code="region")
    with pytest.raises(ArgumentError, match=r"give one of eligible, gained, lost"):
        interactive_map(sweep_table({"p": [1]}, by="d", groups=["2101051"]), areas, code="d",
                        value="ineligible")  # fmt: skip


def test_the_static_map_draws_each_count(areas: Areas, dongs: pd.DataFrame, tmp_path: Path) -> None:
    figure = static_map(dongs, areas, code="dong", point={"min_staff": 1}, lang="en")
    titles = [axes.get_title() for axes in figure.axes if axes.get_title()]
    assert titles == ["eligible", "gained", "lost"]
    assert "min_staff=1" in figure.get_suptitle()
    with Image.open(charts.save(figure, tmp_path / "map.png")) as image:
        assert image.format == "PNG"


def test_the_cluster_map_has_the_same_offline_form(areas: Areas, tmp_path: Path) -> None:
    firms = tmp_path / "firms.csv"
    firms.write_text("firm_id,ksic,employees,x,y\n<b>F1</b>,C25111,3,1000100,1800100\n")
    registry = read_firms(firms, crs=5179)
    found = pd.DataFrame({"unit": ["2101051", "2101052"], "industry": ["25111", "<i>"]})
    page = cluster_map(found, areas, registry, lang="en")
    assert external(page) == []
    drawn = {f["properties"]["code"]: f["properties"] for f in features(page)}
    assert set(drawn) == set(areas.frame["code"])  # every area: the base layer
    assert {c for c, p in drawn.items() if p["fill"] == "#d62728"} == {"2101051", "2101052"}
    assert drawn["2101052"]["industries"] == "&lt;i&gt;"
    assert drawn["2101051"]["name"].startswith("&lt;script&gt;")
    assert "<b>F1" not in page
    assert "<script>alert" not in page
    assert "area with a cluster" in page
    assert "fitBounds" in page


@pytest.mark.skipif(PROFILE != "ci", reason="about 8 s: run in the ci profile (SELECTLIB_TESTS=ci)")
def test_the_real_sigungu_map_shows_all_250_and_stays_small() -> None:
    source = REAL_GEO / "skorea-municipalities-2018-topo-simple.json"
    if not source.is_file():
        pytest.skip(f"real boundary data not found at {REAL_GEO}")
    sigungu = read_areas(source)
    codes = sorted(sigungu.frame["code"])
    page = interactive_map(sweep_table({"p": [1]}, by="sgg", groups=codes), sigungu, code="sgg")
    drawn = {f["properties"]["code"]: f["properties"]["name"] for f in features(page)}
    assert sorted(drawn) == codes
    assert len(codes) == 250
    assert drawn["11010"] == "종로구"
    assert external(page) == []
    assert len(page) < 3_000_000  # simplified to SIMPLIFY_M, coordinates to 1e-5°
