"""HTML pieces of the printable report: escaped text, headings, tables."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any, Final

from selectlib.scoring.display import shown
from selectlib.scoring.report.grid import Grid
from selectlib.scoring.report.labels import Pair, pick

__all__ = ["esc", "heading", "html_table", "items"]

NAME_COLUMNS: Final = frozenset(("applicant_name", "name", "evaluator_name"))
"""Columns of names: wide enough that a name is not broken (CSS ``td.name``)."""


def esc(value: Any) -> str:
    """Text as HTML: escaped, ``None`` as ''."""
    return html.escape("" if value is None else str(value))


def heading(tag: str, pair: Pair, lang: str) -> str:
    """A heading in the report's language, the other language as a subtitle."""
    main, sub = (pair[0], pair[1]) if lang == "ko" else (pair[1], pair[0])
    return f'<{tag}>{esc(main)}<span class="sub">{esc(sub)}</span></{tag}>'


def _css(key: str) -> str:
    if key in NAME_COLUMNS:
        return ' class="name"'
    return ' class="reason"' if key.startswith("reason") else ""


def _cell(value: Any, key: str) -> str:
    """A table cell; numbers right-aligned as shown (two decimals, half up), text escaped."""
    if isinstance(value, float):
        return f'<td class="num">{shown(value)}</td>'
    if isinstance(value, int) and not isinstance(value, bool):
        return f'<td class="num">{value}</td>'
    return f"<td{_css(key)}>{esc(value)}</td>"


def html_table(grid: Grid, lang: str) -> str:
    """A grid as an HTML table; empty grids say so."""
    if not grid.rows:
        return f"<p>{esc(pick(('없음', 'none'), lang))}</p>"
    head = "".join(
        f'<th>{esc(main)}<span class="sub">{esc(sub)}</span></th>' for main, sub in grid.headers
    )
    keys = grid.keys or [""] * len(grid.headers)
    body = "\n".join(
        f'<tr class="{esc(css)}">'
        + "".join(_cell(v, k) for v, k in zip(values, keys, strict=True))
        + "</tr>"
        for values, css in zip(grid.rows, grid.classes, strict=True)
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def items(lines: Sequence[str]) -> str:
    """Lines as a bulleted list."""
    return '<ul class="rules">' + "".join(f"<li>{esc(x)}</li>" for x in lines) + "</ul>"
