"""A printable HTML report of a sweep: what was varied, the charts, the maps, the table.

One file that works offline: charts and the static map are SVG images inlined as data
URIs (sharp in print); with areas, the interactive map is embedded in a sandboxed
``<iframe srcdoc>`` (Leaflet inlined) that shows on screen and is left out of print,
where the static map stands in for it. Labels are Korean first (``lang="ko"``), English
with ``lang="en"``. Every text of the table and the title is escaped: names and codes
come from files nobody here controls.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from selectlib.errors import ArgumentError
from selectlib.io.files import check_output, write_file
from selectlib.io.safe import html_text
from selectlib.simulate.fonts import chart_lang
from selectlib.simulate.labels import label, word
from selectlib.simulate.sweeptable import busiest_point, failure_columns, require_columns

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from selectlib.geo.areas import Areas

__all__ = ["MAX_REPORT_ROWS", "sweep_report_html", "write_sweep_report"]

MAX_REPORT_ROWS: Final = 1000
"""Rows of the sweep table printed in the report at most (the first ones; the report
says how many were left out). Write the whole table as CSV, xlsx or Parquet."""

_STYLE: Final = """
body{font-family:"Noto Sans KR","Noto Sans CJK KR","Malgun Gothic","Apple SD Gothic Neo",
NanumGothic,sans-serif;margin:24px auto;max-width:1000px;color:#222;font-size:14px}
h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:24px 0 8px;
border-bottom:1px solid #bbb}dl{display:grid;grid-template-columns:max-content 1fr;
gap:2px 12px;margin:0}dt{font-weight:bold}dd{margin:0}
figure{margin:12px 0;break-inside:avoid}figure img{max-width:100%;height:auto}
.note{color:#555;font-size:12px}iframe{width:100%;height:520px;border:1px solid #bbb}
table{border-collapse:collapse;font-size:12px;width:100%}th,td{border:1px solid #ccc;
padding:2px 6px}td.n{text-align:right;font-variant-numeric:tabular-nums}
thead th{background:#f0f0f0}th,td{word-break:keep-all}
@page{size:A4;margin:14mm}
@media print{body{margin:0;max-width:none;font-size:10pt}.screen{display:none}
table{font-size:8pt}thead{display:table-header-group}tr{break-inside:avoid}
h2{break-after:avoid}}
"""


_NO_KOREAN_FONT: Final = (
    "이 컴퓨터에 한글 글꼴이 없어 그림의 글자는 영어로 표시합니다 "
    "(fonts-nanum 또는 fonts-noto-cjk를 설치하면 한글로 표시됩니다)."
)


def _figure(figure: Figure, caption: str) -> str:
    """A chart as an inlined SVG image."""
    from selectlib.simulate.charts import figure_bytes

    data = base64.b64encode(figure_bytes(figure, "svg")).decode("ascii")
    alt = html_text(caption)
    return f'<figure><img src="data:image/svg+xml;base64,{data}" alt="{alt}"></figure>'


def _charts(
    table: pd.DataFrame,
    vary: Sequence[str],
    by: str | None,
    point: dict[str, Any],
    lang: str,
    labels: Mapping[str, str] | None = None,
) -> list[str]:
    """The chart figures that fit the sweep's shape."""
    from selectlib.simulate import charts

    parts = []
    if len(vary) == 1:
        parts.append(_figure(charts.outcome_lines(table, vary[0], by=by, lang=lang), vary[0]))
    elif len(vary) == 2:
        heat = charts.eligible_heatmap(table, vary[0], vary[1], by=by, lang=lang)
        parts.append(_figure(heat, " × ".join(vary)))
    else:
        parts.append(f"<p class='note'>{html_text(word('no_chart', lang))}</p>")
    if failure_columns(table):
        bars = charts.failure_bars(table, point=point, by=by, lang=lang, names=labels)
        parts.append(_figure(bars, word("failures", lang)))
    if by is not None:
        groups = charts.outcomes_by_group(table, by, point=point, lang=lang)
        parts.append(_figure(groups, word("by_group", lang)))
    return parts


def _maps(
    table: pd.DataFrame, areas: Areas, by: str, point: dict[str, Any], lang: str
) -> list[str]:
    """The static map (print and screen) and the interactive one (screen only)."""
    from selectlib.simulate.maps import interactive_map, static_map

    figure = static_map(table, areas, code=by, point=point, lang=lang)
    page = interactive_map(table, areas, code=by, point=point, lang=lang)
    frame = (
        f"<div class='screen'><p class='note'>{html_text(word('interactive', lang))}</p>"
        f'<iframe sandbox="allow-scripts" srcdoc="{html.escape(page, quote=True)}"'
        f' title="{html_text(word("maps", lang))}"></iframe></div>'
    )
    return [_figure(figure, word("maps", lang)), frame]


def _cell(value: Any) -> str:
    """A table cell: numbers right-aligned with thousands separators, the rest as text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"<td>{html_text(value)}</td>"
    whole = isinstance(value, int) or value.is_integer()
    text = f"{int(value):,}" if whole else f"{value:,.2f}"
    return f"<td class='n'>{text}</td>"


def _table(table: pd.DataFrame, lang: str) -> str:
    """The sweep table (the first :data:`MAX_REPORT_ROWS` rows), every cell escaped."""
    shown = table.head(MAX_REPORT_ROWS)
    head = "".join(f"<th>{html_text(label(str(c), lang))}</th>" for c in shown.columns)
    body = "".join(
        "<tr>" + "".join(_cell(_plain(v)) for v in row) + "</tr>"
        for row in shown.itertuples(index=False, name=None)
    )
    note = ""
    if len(table) > len(shown):
        note = (
            f"<p class='note'>{len(shown):,} / {len(table):,} "
            f"{html_text(word('rows_shown', lang))}</p>"
        )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}"


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _summary(
    table: pd.DataFrame, vary: Sequence[str], by: str | None, point: dict[str, Any], lang: str
) -> str:
    """What was varied (each parameter's values), the grouping, the point the pictures show."""
    items = [
        (
            word("varied", lang),
            "; ".join(
                f"{name} = {', '.join(str(_plain(v)) for v in table[name].unique())}"
                for name in vary
            ),
        ),
        (word("points", lang), f"{len(table.drop_duplicates(list(vary))):,}"),
    ]
    if by is not None:
        items.append((word("grouped", lang), f"{by} ({table[by].nunique():,})"))
    if point:
        items.append((word("at", lang), ", ".join(f"{k}={v}" for k, v in point.items())))
    rows = "".join(f"<dt>{html_text(k)}</dt><dd>{html_text(v)}</dd>" for k, v in items)
    return f"<dl>{rows}</dl>"


_ASSUMPTIONS_TITLE: Final = {
    "ko": "가정 (자료에 없어 프로필이 정한 내용)",
    "en": "Assumptions (where the sources are silent, the profile's choice)",
}


def _assumptions(assumptions: Sequence[tuple[str, str]], lang: str) -> list[str]:
    """The assumptions in force, so a printed sweep says what its rules rest on."""
    if not assumptions:
        return []
    items = "".join(
        f"<li><code>{html_text(where)}</code>: {html_text(text)}</li>"
        for where, text in assumptions
    )
    return [f"<h2>{html_text(_ASSUMPTIONS_TITLE[lang])}</h2><ul>{items}</ul>"]


def sweep_report_html(
    table: pd.DataFrame,
    *,
    title: str,
    vary: Sequence[str],
    by: str | None = None,
    areas: Areas | None = None,
    point: Mapping[str, Any] | None = None,
    lang: str = "ko",
    assumptions: Sequence[tuple[str, str]] = (),
    labels: Mapping[str, str] | None = None,
) -> str:
    """The report of :func:`write_sweep_report` as text."""
    require_columns(table, [*vary, *([by] if by else [])], "vary, by")
    if areas is not None and by is None:
        raise ArgumentError(
            "areas", ["a map needs the sweep grouped by area codes: pass by=<the code column>"]
        )
    chosen = dict(point) if point is not None else busiest_point(table, vary)
    sections = [f"<h1>{html_text(title)}</h1>", _summary(table, vary, by, chosen, lang)]
    sections.append(f"<h2>{html_text(word('charts', lang))}</h2>")
    if lang == "ko" and chart_lang(lang) == "en":
        sections.append(f"<p class='note'>{html_text(_NO_KOREAN_FONT)}</p>")
    sections += _charts(table, vary, by, chosen, lang, labels)
    if areas is not None and by is not None:
        sections.append(f"<h2>{html_text(word('maps', lang))}</h2>")
        sections += _maps(table, areas, by, chosen, lang)
    sections += [f"<h2>{html_text(word('table', lang))}</h2>", _table(table, lang)]
    sections += _assumptions(assumptions, lang)
    return (
        f'<!DOCTYPE html>\n<html lang="{html_text(lang)}"><head><meta charset="utf-8">'
        f"<title>{html_text(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{''.join(sections)}</body></html>\n"
    )


def write_sweep_report(
    table: pd.DataFrame,
    path: str | Path,
    *,
    title: str,
    vary: Sequence[str],
    by: str | None = None,
    areas: Areas | None = None,
    point: Mapping[str, Any] | None = None,
    lang: str = "ko",
    inputs: Iterable[str | Path] = (),
    force: bool = False,
    assumptions: Sequence[tuple[str, str]] = (),
    labels: Mapping[str, str] | None = None,
) -> Path:
    """Write a printable HTML report of a sweep ``table`` to ``path``.

    ``vary`` names the varied parameter columns (one: a line chart; two: a heatmap);
    ``by`` the group column (outcomes by group; with ``areas``, the maps, ``by`` then
    holding 시군구 or 읍면동 codes); ``assumptions`` ((where, text) pairs, e.g. from
    ``Profile.assumptions(on)``) are listed at the end, and ``labels`` (criterion id →
    label) name the criteria in the charts. Failure bars, groups and maps
    show one grid point: ``point``, by default the one with the most flips. The output
    is checked before any work (never over one of ``inputs``, kept unless ``force``) and
    written whole.
    """
    target = check_output(path, inputs=inputs, force=force)
    text = sweep_report_html(
        table,
        title=title,
        vary=vary,
        by=by,
        areas=areas,
        point=point,
        lang=lang,
        assumptions=assumptions,
        labels=labels,
    )
    return write_file(target, lambda temporary: temporary.write_text(text, encoding="utf-8"))
