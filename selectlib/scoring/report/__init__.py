"""Evaluation reports: the content (:mod:`.data`) and its layouts, from one result.

:func:`report_data` turns an :class:`~selectlib.scoring.EvaluationResult` into plain
JSON-ready content; :mod:`.grid` lays it out as tables with Korean or English labels
(:mod:`.labels`), :mod:`.html` and :mod:`.xlsx` write them, and :func:`write_report`
picks the format by the extension. The three formats come from one content, so they
cannot disagree. Texts from input files are escaped in HTML and cleaned of control
characters in xlsx; openpyxl loads only when a workbook is written.
"""

from __future__ import annotations

from selectlib.scoring.report.data import RobustnessLike, report_data
from selectlib.scoring.report.write import REPORT_FORMATS, write_report

__all__ = ["REPORT_FORMATS", "RobustnessLike", "report_data", "write_report"]
