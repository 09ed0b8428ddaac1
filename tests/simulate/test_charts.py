"""Sweep charts: each kind is written as a PNG that decodes and an SVG that parses, the same
bytes for the same table, showing the table's numbers; bad arguments say what to give."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib as mpl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from strategies import examples
from sweep_tables import sweep_table

from selectlib.errors import ArgumentError, OutputError
from selectlib.simulate import charts, fonts

ONE = sweep_table({"min_staff": [1, 2, 3, 4]}, by="region", groups=["11", "26", "27"])
TWO = sweep_table({"min_staff": [1, 2, 3], "cluster_min.metro": [30, 40, 50]})
POINT = {"min_staff": 2}

KINDS: dict[str, Callable[[], Any]] = {
    "lines": lambda: charts.outcome_lines(ONE, "min_staff", by="region", lang="en"),
    "heatmap": lambda: charts.eligible_heatmap(TWO, "min_staff", "cluster_min.metro"),
    "failures": lambda: charts.failure_bars(ONE, point=POINT, by="region"),
    "groups": lambda: charts.outcomes_by_group(ONE, "region", point=POINT),
}


@pytest.mark.parametrize("kind", KINDS)
def test_each_chart_is_written_as_png_and_svg(kind: str, tmp_path: Path) -> None:
    figure = KINDS[kind]()
    png = charts.save(figure, tmp_path / f"{kind}.png")
    svg = charts.save(figure, tmp_path / f"{kind}.svg")
    with Image.open(png) as image:
        image.load()
        assert image.format == "PNG"
        assert image.width > 300
        assert image.height > 100
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 10
    assert b"<dc:date>" not in svg.read_bytes()  # no date: the same chart is the same file


def test_the_same_table_gives_the_same_bytes_and_no_global_setting_changes() -> None:
    before = dict(mpl.rcParams)
    first = KINDS["failures"]()
    charts.figure_bytes(first, "png")  # an earlier save must not move the layout
    assert charts.figure_bytes(first, "svg") == charts.figure_bytes(KINDS["failures"](), "svg")
    assert dict(mpl.rcParams) == before


@settings(max_examples=examples(30))
@given(
    values=st.lists(st.integers(0, 99), min_size=1, max_size=5, unique=True),
    groups=st.integers(1, 3),
)
def test_the_line_chart_draws_the_totals_over_groups(values: list[int], groups: int) -> None:
    table = sweep_table({"p": values}, by="g", groups=[f"g{i}" for i in range(groups)])
    figure = charts.outcome_lines(table, "p", by="g", lang="en")
    lines = {line.get_label(): line for line in figure.axes[0].get_lines()}
    expected = table.groupby("p")["eligible"].sum().sort_index()
    assert list(lines["eligible"].get_xdata()) == list(expected.index)
    assert list(lines["eligible"].get_ydata()) == list(expected)
    assert set(lines) == {"eligible", "ineligible", "incomplete", "invalid", "gained", "lost"}


def test_failure_bars_show_the_failures_of_the_point() -> None:
    figure = charts.failure_bars(ONE, point=POINT, by="region")
    heights = [bar.get_width() for bar in figure.axes[0].patches]
    rows = ONE[ONE["min_staff"] == 2]
    assert heights == [rows["failed.staff"].sum(), rows["failed.cluster_count"].sum()]


def test_outcomes_by_group_keeps_the_largest_groups() -> None:
    groups = [f"{i:02d}" for i in range(50)]
    table = sweep_table({"p": [1]}, by="sgg", groups=groups)
    figure = charts.outcomes_by_group(table, "sgg", limit=10, lang="en")
    labels = {t.get_text() for t in figure.axes[0].get_yticklabels()}
    totals = table.set_index("sgg")[["eligible", "ineligible", "incomplete", "invalid"]].sum(axis=1)
    assert labels == set(totals.nlargest(10).index)
    assert "10/50" in figure.axes[0].get_title()
    assert figure.axes[0].get_xlim()[1] > totals.max()  # the longest bar ends inside


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # the font is pretended
def test_korean_labels_only_with_a_korean_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "korean_font", lambda: None)
    title = charts.failure_bars(ONE, point=POINT, by="region", lang="ko").axes[0].get_title()
    assert title.startswith("Applicants failing")  # no font: English, not empty boxes
    monkeypatch.setattr(fonts, "korean_font", lambda: "DejaVu Sans")  # as if one were found
    title = charts.failure_bars(ONE, point=POINT, by="region", lang="ko").axes[0].get_title()
    assert title.startswith("기준별 미충족")


def test_a_line_chart_of_a_two_parameter_sweep_says_what_to_do() -> None:
    with pytest.raises(ArgumentError, match=r"also varies 'cluster_min.metro'.*table\[table\["):
        charts.outcome_lines(TWO, "min_staff")


def test_one_point_must_be_named_when_the_grid_has_several() -> None:
    with pytest.raises(ArgumentError, match=r"4 grid points: give a value for 'min_staff'"):
        charts.failure_bars(ONE, by="region")
    with pytest.raises(ArgumentError, match=r"no row of the sweep table has \{'min_staff': 9\}"):
        charts.failure_bars(ONE, point={"min_staff": 9}, by="region")


def test_unknown_columns_are_named_with_the_columns_there_are() -> None:
    with pytest.raises(ArgumentError, match=r"no column 'staff' .*'min_staff'"):
        charts.outcome_lines(ONE, "staff")
    with pytest.raises(ArgumentError, match=r"no failed\.<criterion> columns"):
        charts.failure_bars(pd.DataFrame({"p": [1], "eligible": [3]}))


def test_save_keeps_inputs_and_existing_files(tmp_path: Path) -> None:
    figure = KINDS["failures"]()
    existing = tmp_path / "chart.png"
    existing.write_bytes(b"kept")
    with pytest.raises(OutputError, match="--force"):
        charts.save(figure, existing)
    with pytest.raises(OutputError, match="the input"):
        charts.save(figure, existing, inputs=[existing], force=True)
    assert existing.read_bytes() == b"kept"
    with pytest.raises(ArgumentError, match=r"ending in \.png or \.svg \(got 'jpg'\)"):
        charts.save(figure, tmp_path / "chart.jpg")
    charts.save(figure, existing, force=True)
    assert Image.open(io.BytesIO(existing.read_bytes())).format == "PNG"


def test_a_text_parameter_keeps_its_values_in_order() -> None:
    methods = ["proportional", "equal", "ranked"]
    figure = charts.outcome_lines(sweep_table({"allocation": methods}), "allocation", lang="en")
    assert [t.get_text() for t in figure.axes[0].get_xticklabels()] == methods
