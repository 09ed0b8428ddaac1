"""The evaluation report as an xlsx workbook: a summary sheet, then one table per sheet."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from selectlib.io.files import save_xlsx
from selectlib.io.safe import put_cell
from selectlib.scoring.display import ROUNDING, half_up, shown
from selectlib.scoring.report.grid import (
    Grid,
    example_warning,
    layout,
    robustness_title,
    stage_labels,
)
from selectlib.scoring.report.labels import (
    ASSUMPTIONS_TITLE,
    SHEETS,
    Record,
    pick,
)

_FORBIDDEN = str.maketrans("", "", "[]:*?/\\")

__all__ = ["sheet_name", "write_xlsx"]


def sheet_name(name: str, used: set[str]) -> str:
    """A valid, unused sheet name: no ``[]:*?/\\``, at most 31 characters."""
    base = name.translate(_FORBIDDEN).strip()[:31] or "Sheet"
    candidate, number = base, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
    used.add(candidate.lower())
    return candidate


def _width(value: Any) -> int:
    """Display width of a cell: wide (Korean) characters count twice."""
    text = shown(value) if isinstance(value, float) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _put_row(sheet: Any, row: int, values: Sequence[Any], bold: bool = False) -> None:
    """Write one row of cells; empty cells stay empty. A float is written as it is shown
    (two decimals, half up: :func:`.display.shown`), so a cell and a sentence agree; the
    JSON report keeps the exact values."""
    from openpyxl.styles import Font

    for column, value in enumerate(values, start=1):
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            continue
        if isinstance(value, float):
            value = float(half_up(value))
        cell = put_cell(sheet, row, column, value)
        if isinstance(value, float):
            cell.number_format = "0.00"
        if bold:
            cell.font = Font(bold=True)


def _fit_columns(
    sheet: Any, rows: Sequence[Sequence[Any]], header: Sequence[str] = (), cap: int = 60
) -> None:
    """Column widths from the widest cell (capped; longer cells wrap; headers wrap at 24)."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    widths = {column: min(_width(h) + 2, 24) for column, h in enumerate(header, start=1)}
    for values in rows:
        for column, value in enumerate(values, start=1):
            if value is not None:
                widths[column] = max(widths.get(column, 6), _width(value) + 2)
    for column, width in widths.items():
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = min(width, cap)
        if width > cap:
            for cell in sheet[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _grid_sheet(sheet: Any, grid: Grid) -> None:
    """A table on its own sheet: bold, frozen header row."""
    from openpyxl.styles import Alignment

    header = [main for main, _ in grid.headers]
    _put_row(sheet, 1, header, bold=True)
    for cell in sheet[1]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, values in enumerate(grid.rows, start=2):
        _put_row(sheet, index, values)
    sheet.freeze_panes = "A2"
    _fit_columns(sheet, grid.rows, header)


def _summary_sheet(sheet: Any, data: Record, lang: str) -> None:
    """Program, date, example warning, counts, selected, reserves, explanations, robustness."""
    from openpyxl.styles import Font

    name = pick((data["profile"]["name"]["ko"], data["profile"]["name"]["en"]), lang)
    row = 1
    put_cell(sheet, row, 1, name).font = Font(bold=True, size=14)
    row += 1
    table_rows: list[list[Any]] = []

    def put(values: Sequence[Any], bold: bool = False, table: bool = False) -> None:
        nonlocal row
        _put_row(sheet, row, values, bold)
        if table:
            table_rows.append(list(values))
        row += 1

    put([pick(("프로필", "Profile"), lang), data["profile"]["id"]])
    put([pick(("기준일", "Date"), lang), data["date"]])
    put([pick(ROUNDING, lang)])
    if data["example"]:
        warning = example_warning(data, lang)
        cell = put_cell(sheet, row, 1, warning)
        cell.font = Font(bold=True, color="FFC00000")
        row += 1
    if data["left_out"]:
        put([pick(("제외된 평가위원", "Evaluators left out"), lang), ", ".join(data["left_out"])])
    if data["assumptions"]:
        row += 1
        put([pick(ASSUMPTIONS_TITLE, lang)], bold=True)
        for assumption in data["assumptions"]:
            put([assumption["where"], assumption[lang]])
    row += 1
    put([pick(("결과별 기관 수", "Applicants per result"), lang)], bold=True)
    for count in data["counts"]:
        put([count[lang], count["count"]], table=True)
    for title, kind in ((("선정", "Selected"), "selected"), (("예비", "Reserves"), "reserve")):
        row += 1
        put([pick(title, lang)], bold=True)
        grid = layout([r for r in data["ranking"] if r["result"] == kind], data, lang)
        if not grid.rows:
            put([pick(("없음", "none"), lang)])
            continue
        put([main for main, _ in grid.headers], bold=True)
        for values in grid.rows:
            put(values, table=True)
    row += 1
    put([pick(("설명", "Explanations"), lang)], bold=True)
    for explanation in _summary_explanations(data):
        for line in explanation[lang].splitlines():
            put([line])
        row += 1
    if data["robustness"] is not None:
        put([pick(("견고성 분석", "Robustness"), lang)], bold=True)
        for line in data["robustness"]["summary"][lang].splitlines():
            put([line])
    _fit_columns(sheet, table_rows, cap=40)


def _summary_explanations(data: Record) -> list[Record]:
    """The selected, then the first three applicants not selected."""
    explanations = data["explanations"]
    chosen = [e for e in explanations if e["result"] == "selected"]
    return chosen + [e for e in explanations if e["result"] != "selected"][:3]


def _workbook_grids(data: Record, lang: str) -> list[tuple[str, Grid]]:
    """Every sheet after the summary: name and table."""
    labels = stage_labels(data)
    grids = [(pick(SHEETS["applicants"], lang), layout(data["applicants"], data, lang))]
    for stage_id, records in data["stages"].items():
        grids.append((pick(labels[stage_id], lang), layout(records, data, lang, stage_id)))
    grids += [
        (pick(SHEETS["breakdown"], lang), layout(data["breakdown"], data, lang)),
        (pick(SHEETS["scores"], lang), layout(data["scores"], data, lang)),
        (pick(SHEETS["recusals"], lang), layout(data["recusals"], data, lang)),
    ]
    if data["robustness"] is not None:
        for key, records in data["robustness"]["tables"].items():
            grids.append(
                (pick(robustness_title(key), lang), layout(records, data, lang, table=key))
            )
    return grids


def write_xlsx(data: Record, path: Path, lang: str) -> None:
    """Write the workbook of the report content ``data`` (openpyxl loads only here)."""
    from openpyxl import Workbook

    book = Workbook()
    used: set[str] = set()
    summary = book.active
    summary.title = sheet_name(pick(SHEETS["summary"], lang), used)
    _summary_sheet(summary, data, lang)
    for name, grid in _workbook_grids(data, lang):
        _grid_sheet(book.create_sheet(sheet_name(name, used)), grid)
    save_xlsx(book, path)
