"""The printable sweep report: one offline file with the summary, charts, maps and table,
every text escaped, Korean first; the output rules of every writer hold."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from paths import DIRTY_GEO
from sweep_tables import sweep_table

import selectlib.simulate.report
from selectlib.errors import ArgumentError, OutputError
from selectlib.geo.areas import Areas, read_areas
from selectlib.simulate import charts
from selectlib.simulate.report import sweep_report_html, write_sweep_report

HOSTILE = "<script>alert(1)</script>"
VARY = {"min_staff": [1, 2, 3], "cluster_min.metro": [30, 40]}


@pytest.fixture(scope="module")
def areas() -> Areas:
    frame = gpd.read_file(DIRTY_GEO / "areas.geojson")
    frame.loc[0, "name"] = HOSTILE
    return read_areas(frame)


@pytest.fixture(scope="module")
def table(areas: Areas) -> pd.DataFrame:
    return sweep_table(VARY, by="dong", groups=list(areas.frame["code"][:6]))


class _Page(HTMLParser):
    """What a browser would load and show: elements with their attributes, and the text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    return parser


def test_the_report_has_the_summary_charts_maps_and_table(
    areas: Areas, table: pd.DataFrame, tmp_path: Path
) -> None:
    path = write_sweep_report(
        table, tmp_path / "sweep.html", title=f"집적지구 {HOSTILE}", vary=list(VARY),
        by="dong", areas=areas, lang="en",
    )  # fmt: skip
    page = path.read_text(encoding="utf-8")
    parsed = parse(page)
    assert "<script" not in page  # the title is text; the map's scripts are inside srcdoc
    assert f"집적지구 {HOSTILE}" in "".join(parsed.text)
    images = [a["src"] or "" for tag, a in parsed.tags if tag == "img"]
    assert len(images) == 4  # heatmap, failures, groups, static map
    for src in images:
        prefix, data = src.split(",", 1)
        assert prefix == "data:image/svg+xml;base64"
        assert ET.fromstring(base64.b64decode(data)).tag.endswith("svg")
    links = [a.get(k) or "" for _, a in parsed.tags for k in ("src", "href")]
    assert not [link for link in links if re.match(r"(https?:|//)", link)]
    (frame,) = [a for tag, a in parsed.tags if tag == "iframe"]
    assert frame["sandbox"] == "allow-scripts"
    inner = parse(frame["srcdoc"] or "")
    assert not [a for _, a in inner.tags if re.match(r"(https?:|//)", a.get("src") or "")]
    assert "<script>alert" not in (frame["srcdoc"] or "")
    rows = [tag for tag, _ in parsed.tags if tag == "tr"]
    assert len(rows) == len(table) + 1
    assert "@page{size:A4" in page
    assert "@media print{" in page


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The charts the report asks for, by name, each drawn as a placeholder (drawing them
    is tested in test_charts.py, and takes time)."""
    asked: list[str] = []
    for name in ("outcome_lines", "eligible_heatmap", "failure_bars", "outcomes_by_group"):
        monkeypatch.setattr(charts, name, lambda *_, _name=name, **__: asked.append(_name))
    monkeypatch.setattr(selectlib.simulate.report, "_figure", lambda _, caption: "<img>")
    return asked


def test_korean_first_and_english_on_request(table: pd.DataFrame, quick: list[str]) -> None:
    korean = sweep_report_html(table, title="t", vary=list(VARY), by="dong")
    english = sweep_report_html(table, title="t", vary=list(VARY), by="dong", lang="en")
    assert '<html lang="ko">' in korean
    assert "<th>지원 가능</th>" in korean
    assert "<h2>시뮬레이션 표</h2>" in korean
    assert "<dt>바꾼 값</dt><dd>min_staff = 1, 2, 3; cluster_min.metro = 30, 40</dd>" in korean
    assert "<th>eligible</th>" in english
    assert "<h2>Sweep table</h2>" in english


def test_the_charts_fit_the_sweep(quick: list[str]) -> None:
    sweep_report_html(sweep_table({"p": [1, 2]}), title="t", vary=["p"])
    assert quick == ["outcome_lines", "failure_bars"]
    quick.clear()
    two = sweep_table({"a": [1, 2], "b": [1, 2]}, by="g", groups=["x", "y"])
    sweep_report_html(two, title="t", vary=["a", "b"], by="g")
    assert quick == ["eligible_heatmap", "failure_bars", "outcomes_by_group"]
    quick.clear()
    three = sweep_table({"a": [1, 2], "b": [1], "c": [1, 2]})
    page = sweep_report_html(three, title="t", vary=["a", "b", "c"], lang="en")
    assert quick == ["failure_bars"]
    assert "no line chart or heatmap for three or more varied parameters" in page


def test_long_tables_are_cut_and_say_so(monkeypatch: pytest.MonkeyPatch, quick: list[str]) -> None:
    monkeypatch.setattr(selectlib.simulate.report, "MAX_REPORT_ROWS", 3)
    page = sweep_report_html(sweep_table({"p": range(10)}), title="t", vary=["p"], lang="en")
    assert page.count("<tr>") == 4
    assert "3 / 10 rows shown" in page


def test_bad_calls_say_what_to_give(areas: Areas, table: pd.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(ArgumentError, match="pass by=<the code column>"):
        sweep_report_html(table, title="t", vary=list(VARY), areas=areas, point={"min_staff": 1,
                          "cluster_min.metro": 30})  # fmt: skip
    with pytest.raises(ArgumentError, match="no column 'staff'"):
        sweep_report_html(table, title="t", vary=["staff"])
    kept = tmp_path / "sweep.html"
    kept.write_text("kept", encoding="utf-8")
    with pytest.raises(OutputError, match="--force"):
        write_sweep_report(table, kept, title="t", vary=list(VARY), by="dong")
    assert kept.read_text(encoding="utf-8") == "kept"


def test_hostile_groups_stay_text_in_the_table(quick: list[str]) -> None:
    table = sweep_table({"p": [1]}, by="operator", groups=[HOSTILE, "=HYPERLINK(1)"])
    page = sweep_report_html(table, title="t", vary=["p"], by="operator")
    assert "<script>alert" not in page
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in page
    assert HOSTILE in "".join(parse(page).text)
