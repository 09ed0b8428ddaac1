"""Writing a report: an xlsx workbook, a printable HTML page, or JSON, by the extension."""

from __future__ import annotations

import json
from pathlib import Path

from selectlib.errors import InputError
from selectlib.scoring.report.data import RobustnessLike, report_data
from selectlib.scoring.report.html import html_report
from selectlib.scoring.report.xlsx import write_xlsx
from selectlib.scoring.result import EvaluationResult

__all__ = ["REPORT_FORMATS", "write_report"]

REPORT_FORMATS = (".xlsx", ".html", ".json")


def write_report(
    result: EvaluationResult,
    path: str | Path,
    *,
    robustness: RobustnessLike | None = None,
    lang: str = "ko",
) -> Path:
    """Write the report as ``.xlsx``, ``.html`` or ``.json`` (by the extension); the path.

    ``lang`` (``ko`` or ``en``) is the main language of the xlsx and HTML layouts; the
    JSON holds both languages.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in REPORT_FORMATS:
        raise InputError(
            f"cannot tell the report format from {target.name!r}: "
            f"name it {', '.join(REPORT_FORMATS)}",
            file=str(target),
        )
    if lang not in ("ko", "en"):
        raise InputError(f"unknown report language {lang!r}; use ko or en")
    if not target.parent.is_dir():
        raise InputError(
            f"cannot write: the folder {str(target.parent)!r} does not exist; create it first",
            file=str(target),
        )
    data = report_data(result, robustness)
    if suffix == ".xlsx":
        write_xlsx(data, target, lang)
    elif suffix == ".html":
        target.write_text(html_report(data, lang), encoding="utf-8")
    else:
        target.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target
