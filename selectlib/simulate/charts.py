"""Charts of a sweep table (matplotlib): outcomes along one parameter, a heatmap over two,
failures per criterion, outcomes by group; saved as PNG or SVG with :func:`save`.

Each function returns a ``matplotlib.figure.Figure`` built without pyplot, so nothing is
shown and no global backend or setting changes. Labels are Korean when ``lang="ko"`` and
a Korean font is installed, else English (:mod:`selectlib.simulate.fonts`). The same
table gives the same file: SVG ids use a fixed salt and no file carries a date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from selectlib.errors import ArgumentError
from selectlib.io.files import check_output, write_file
from selectlib.simulate.fonts import chart_lang, chart_style
from selectlib.simulate.labels import label, word
from selectlib.simulate.sweeptable import (
    FLIPS,
    OUTCOMES,
    at_point,
    failure_columns,
    parameters,
    require_columns,
    summed,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "FORMATS",
    "MAX_CELLS_ANNOTATED",
    "MAX_GROUPS",
    "eligible_heatmap",
    "failure_bars",
    "figure_bytes",
    "laid_out",
    "outcome_lines",
    "outcomes_by_group",
    "save",
]

FORMATS: Final = ("png", "svg")
"""The file formats :func:`save` writes, chosen by the file's suffix."""
MAX_GROUPS: Final = 40
"""Groups drawn at most by :func:`outcomes_by_group` (the largest; pass ``limit=`` to
change it): 250 시군구 bars would be unreadable."""
MAX_CELLS_ANNOTATED: Final = 400
"""A heatmap writes each cell's count in it up to this many cells."""

_COLORS: Final = {
    "eligible": "#2ca02c",
    "ineligible": "#d62728",
    "incomplete": "#ff7f0e",
    "invalid": "#7f7f7f",
    "gained": "#1f77b4",
    "lost": "#9467bd",
}
_DPI: Final = 100
_MAX_TICKS: Final = 15  # a tick at each parameter value up to this many values


def _new_figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=_DPI, layout="constrained")


def laid_out(figure: Figure) -> Figure:
    """``figure`` with its layout computed once and then fixed: constrained layout would
    otherwise move things by a fraction of a point on each save, so a PNG saved first
    and an SVG saved second would not match the same chart saved alone."""
    with chart_style():
        figure.draw_without_rendering()
    figure.set_layout_engine("none")
    return figure


def _point_text(point: Mapping[str, Any] | None) -> str:
    return ", ".join(f"{k}={v}" for k, v in (point or {}).items())


def _only_varied(table: pd.DataFrame, keep: Sequence[str], by: str | None, chart: str) -> None:
    """An error when a parameter other than ``keep`` takes several values in ``table``."""
    others = [p for p in parameters(table, by) if p not in keep and table[p].nunique() > 1]
    if others:
        raise ArgumentError(
            "table",
            [
                f"{chart} shows {', '.join(map(repr, keep))} but the table also varies "
                f"{', '.join(map(repr, others))}: keep the rows of one value of each "
                f"(table[table[{others[0]!r}] == ...]), or pass by= for a group column"
            ],
        )


def outcome_lines(
    table: pd.DataFrame, parameter: str, *, by: str | None = None, lang: str = "ko"
) -> Figure:
    """Applicants by outcome (and gained, lost) against one varied ``parameter``, groups
    (``by``) added up. Numbers are drawn on a numeric axis, other values in order."""
    require_columns(table, [parameter], "parameter")
    _only_varied(table, [parameter], by, "a line chart")
    lang = chart_lang(lang)
    totals = summed(table, [parameter])
    numeric = pd.api.types.is_numeric_dtype(totals[parameter])
    if numeric:
        totals = totals.sort_values(parameter, kind="stable")
    x = totals[parameter] if numeric else list(range(len(totals)))
    with chart_style():
        figure = _new_figure(7, 4.2)
        axes = figure.add_subplot()
        for column in (*OUTCOMES, *FLIPS):
            if column in totals:
                style = "--" if column in FLIPS else "-"
                axes.plot(x, totals[column], style, marker="o", color=_COLORS[column],
                          label=label(column, lang))  # fmt: skip
        if not numeric or len(totals) <= _MAX_TICKS:
            axes.set_xticks(x, [str(v) for v in totals[parameter]])
        axes.set_xlabel(parameter)
        axes.set_ylabel(word("applicants", lang))
        axes.set_title(word("lines", lang))
        axes.grid(alpha=0.3)
        axes.legend(loc="best", fontsize="small")
    return laid_out(figure)


def eligible_heatmap(
    table: pd.DataFrame,
    x: str,
    y: str,
    *,
    value: str = "eligible",
    by: str | None = None,
    lang: str = "ko",
) -> Figure:
    """``value`` (eligible applicants by default) over a grid of two varied parameters,
    ``x`` across and ``y`` down, groups added up; each cell shows its count."""
    require_columns(table, [x, y, value], "x, y, value")
    _only_varied(table, [x, y], by, "a heatmap")
    lang = chart_lang(lang)
    grid = summed(table, [y, x]).pivot(index=y, columns=x, values=value).sort_index()
    grid = grid.reindex(sorted(grid.columns, key=_order), axis=1)
    with chart_style():
        figure = _new_figure(7, 4.8)
        axes = figure.add_subplot()
        image = axes.imshow(grid.to_numpy(dtype=float), cmap="Greens", aspect="auto")
        axes.set_xticks(range(grid.shape[1]), [str(v) for v in grid.columns])
        axes.set_yticks(range(grid.shape[0]), [str(v) for v in grid.index])
        axes.set_xlabel(x)
        axes.set_ylabel(y)
        axes.set_title(label(value, lang) if value != "eligible" else word("heatmap", lang))
        if grid.size <= MAX_CELLS_ANNOTATED:
            _annotate(axes, grid)
        figure.colorbar(image, ax=axes, label=word("applicants", lang))
    return laid_out(figure)


def _order(value: Any) -> tuple[int, Any]:
    """Numbers before text, each in its own order (a column of both still sorts)."""
    return (0, value) if isinstance(value, int | float) else (1, str(value))


def _annotate(axes: Axes, grid: pd.DataFrame) -> None:
    values = grid.to_numpy(dtype=float)
    known = values[~pd.isna(values)]
    low, high = (known.min(), known.max()) if known.size else (0.0, 0.0)
    for (row, column), count in np.ndenumerate(values):
        if np.isnan(count):
            continue
        dark = high > low and (count - low) / (high - low) > 0.6  # white on the dark cells
        color = "white" if dark else "black"
        axes.text(column, row, f"{count:,.0f}", ha="center", va="center", color=color,
                  fontsize="small")  # fmt: skip


def failure_bars(
    table: pd.DataFrame,
    *,
    point: Mapping[str, Any] | None = None,
    by: str | None = None,
    lang: str = "ko",
    names: Mapping[str, str] | None = None,
) -> Figure:
    """Applicants failing each criterion at one grid point (``point``: parameter → value;
    may be left out when the table has one point), groups added up; ``names`` gives a
    criterion's label by id (else the id is shown)."""
    columns = failure_columns(table)
    if not columns:
        raise ArgumentError("table", ["no failed.<criterion> columns: nothing to draw"])
    rows = at_point(table, point, by=by)
    counts = rows[columns].sum()
    lang = chart_lang(lang)
    with chart_style():
        figure = _new_figure(7, 1.2 + 0.35 * len(columns))
        axes = figure.add_subplot()
        ids = [c.removeprefix("failed.") for c in columns]
        shown = [(names or {}).get(i, i) for i in ids]
        bars = axes.barh(shown, counts.to_numpy(), color=_COLORS["ineligible"])
        axes.bar_label(bars, labels=[f"{v:,}" for v in counts], padding=3, fontsize="small")
        axes.invert_yaxis()
        axes.set_xlabel(word("applicants", lang))
        axes.set_title(_titled(word("failures", lang), point))
        axes.margins(x=0.12)
    return laid_out(figure)


def _titled(title: str, point: Mapping[str, Any] | None) -> str:
    return f"{title} ({_point_text(point)})" if point else title


def outcomes_by_group(
    table: pd.DataFrame,
    by: str,
    *,
    point: Mapping[str, Any] | None = None,
    limit: int = MAX_GROUPS,
    lang: str = "ko",
) -> Figure:
    """Stacked bars of the outcomes per value of the ``by`` column at one grid point; the
    ``limit`` largest groups when there are more (the title says so)."""
    require_columns(table, [by], "by")
    rows = at_point(table, point, by=by)
    shown = [c for c in OUTCOMES if c in rows]
    groups = rows.groupby(by, sort=True)[shown].sum()
    title = _titled(word("by_group", lang := chart_lang(lang)), point)
    if len(groups) > limit:
        groups = groups.loc[groups.sum(axis=1).nlargest(limit).index].sort_index()
        title += f"\n{word('more_groups', lang)} ({limit}/{rows[by].nunique()})"
    with chart_style():
        figure = _new_figure(7, 1.4 + 0.3 * len(groups))
        axes = figure.add_subplot()
        names = [str(v) for v in groups.index]
        left = pd.Series(0, index=groups.index)
        for column in shown:
            axes.barh(names, groups[column], left=left, color=_COLORS[column],
                      label=label(column, lang))  # fmt: skip
            left = left + groups[column]
        axes.set_xlim(0, max(1.0, float(left.max()) * 1.05))  # room after the longest bar
        axes.invert_yaxis()
        axes.set_xlabel(word("applicants", lang))
        axes.set_ylabel(by)
        axes.set_title(title)
        figure.legend(loc="outside lower center", ncols=len(shown), fontsize="small")
    return laid_out(figure)


def _format(path: Path) -> str:
    kind = path.suffix.lower().removeprefix(".")
    if kind not in FORMATS:
        raise ArgumentError(
            "path", [f"{str(path)!r}: give a file name ending in .png or .svg (got {kind!r})"]
        )
    return kind


def figure_bytes(figure: Figure, kind: str) -> bytes:
    """``figure`` as PNG or SVG bytes, the same bytes for the same figure."""
    import io

    buffer = io.BytesIO()
    metadata = {"Date": None} if kind == "svg" else {"Software": None}
    with chart_style():
        figure.savefig(buffer, format=kind, metadata=metadata)
    return buffer.getvalue()


def save(
    figure: Figure,
    path: str | Path,
    *,
    inputs: Iterable[str | Path] = (),
    force: bool = False,
) -> Path:
    """Write ``figure`` to ``path`` (``.png`` or ``.svg``): never over one of ``inputs``,
    never over an existing file unless ``force``, never half a file."""
    target = check_output(path, inputs=inputs, force=force)
    data = figure_bytes(figure, _format(target))
    return write_file(target, lambda temporary: temporary.write_bytes(data))
