"""Writing a report: an xlsx workbook, a printable HTML page, or JSON, by the extension."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

from selectlib.errors import InputError
from selectlib.io.files import check_output, write_file
from selectlib.scoring.report.data import RobustnessLike, report_data
from selectlib.scoring.report.html import html_report
from selectlib.scoring.report.labels import Record
from selectlib.scoring.report.xlsx import write_xlsx
from selectlib.scoring.result import EvaluationResult

__all__ = ["REPORT_FORMATS", "REPORT_WRITERS", "write_report"]


def _write_html(data: Record, path: Path, lang: str) -> None:
    path.write_text(html_report(data, lang), encoding="utf-8")


def _write_json(data: Record, path: Path, lang: str) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


REPORT_WRITERS: Final[Mapping[str, Callable[[Record, Path, str], None]]] = {
    ".xlsx": write_xlsx,
    ".html": _write_html,
    ".json": _write_json,
}
"""The report writers by file suffix; each writes the report content in one language."""
REPORT_FORMATS: Final = tuple(REPORT_WRITERS)


def write_report(
    result: EvaluationResult,
    path: str | Path,
    *,
    robustness: RobustnessLike | None = None,
    lang: str = "ko",
    force: bool = False,
) -> Path:
    """Write the report as ``.xlsx``, ``.html`` or ``.json`` (by the extension); the path.

    ``lang`` (``ko`` or ``en``) is the main language of the xlsx and HTML layouts; the
    JSON holds both languages. An existing file is replaced only with ``force``; missing
    folders are created.
    """
    target = Path(path)
    writer = REPORT_WRITERS.get(target.suffix.lower())
    if writer is None:
        raise InputError(
            f"cannot tell the report format from {target.name!r}: "
            f"name it {', '.join(REPORT_FORMATS)}",
            file=str(target),
        )
    if lang not in ("ko", "en"):
        raise InputError(f"unknown report language {lang!r}; use ko or en")
    check_output(target, force=force)
    data = report_data(result, robustness)
    return write_file(target, lambda temporary: writer(data, temporary, lang))
