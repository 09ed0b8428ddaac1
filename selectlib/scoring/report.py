"""Evaluation reports: an xlsx workbook, a printable HTML page, or JSON, from one result.

:func:`report_data` turns an :class:`~selectlib.scoring.EvaluationResult` (and optionally
a robustness report) into plain JSON-ready content. The xlsx and HTML writers only lay
that content out, so the three formats cannot disagree. Codes (``selected``,
``failed_floor``, ``document``) stay codes in the content and become Korean or English
labels only when laid out. Texts from input files (applicant names, reasons) are escaped
in HTML and cleaned of control characters in xlsx.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import attrs
import numpy as np
import pandas as pd

from ..errors import InputError
from .explain import RESULT_LABELS, STATUS_LABELS
from .spec import RECUSAL_KINDS, EvaluationSpec, Stage

if TYPE_CHECKING:
    from .pipeline import EvaluationResult

__all__ = ["REPORT_FORMATS", "RobustnessLike", "report_data", "write_report"]

Record = dict[str, Any]
Pair = tuple[str, str]
"""A label in Korean and English."""

REPORT_FORMATS = (".xlsx", ".html", ".json")


class RobustnessLike(Protocol):
    """What a report needs of a robustness report: its tables, summary and settings."""

    @property
    def resamples(self) -> int: ...

    @property
    def seed(self) -> int: ...

    def tables(self) -> Mapping[str, pd.DataFrame]: ...

    def summary(self, lang: str = "ko") -> str: ...


ELIGIBILITY_LABELS: dict[str, Pair] = {
    "eligible": ("적격", "eligible"),
    **{k: RESULT_LABELS[k] for k in ("ineligible", "incomplete", "invalid")},
}
ROBUSTNESS_LABELS: dict[str, Pair] = {
    "leave_one_out": ("평가위원 제외 분석", "Leave one evaluator out"),
    "bootstrap": ("재표본 선정확률", "Selection probability"),
    "leniency": ("평가위원 관대·엄격", "Evaluator leniency"),
    "agreement": ("평가 일치도", "Agreement"),
    "normalised": ("표준화 순위", "Normalised ranking"),
}
SHEETS: dict[str, Pair] = {
    "summary": ("요약", "Summary"),
    "applicants": ("신청기관", "Applicants"),
    "breakdown": ("세부점수", "Breakdown"),
    "scores": ("원점수", "Raw scores"),
    "recusals": ("제척·기피·회피", "Recusals"),
}
AGGREGATE_LABELS: dict[str, Pair] = {
    "trimmed_mean": ("최고·최저 점수 1개씩 제외 후 평균", "mean without the highest and lowest"),
    "mean": ("평균", "mean"),
    "median": ("중앙값", "median"),
}
HEADERS: dict[str, Pair] = {
    "applicant_id": ("신청기관 ID", "Applicant ID"),
    "applicant_name": ("기관명", "Name"),
    "eligibility": ("지원 요건", "Eligibility"),
    "final_score": ("최종 점수", "Final score"),
    "rank": ("순위", "Rank"),
    "decided_by": ("순위 결정 규칙", "Decided by"),
    "result": ("결과", "Result"),
    "reserve_rank": ("예비 순위", "Reserve no."),
    "margin": ("선정선과의 차이", "Margin to the line"),
    "reason": ("사유", "Reason"),
    "status": ("결과", "Status"),
    "panel_size": ("평가위원 수", "Panel size"),
    "external_members": ("외부위원 수", "External members"),
    "raw_total": ("합계(가감점 전)", "Raw total"),
    "bonus": ("가점", "Bonus"),
    "penalty": ("감점", "Penalty"),
    "total": ("단계 점수", "Stage total"),
    "stage_rank": ("단계 순위", "Stage rank"),
    "stage": ("단계", "Stage"),
    "criterion": ("평가항목", "Criterion"),
    "max_points": ("배점", "Points"),
    "floor": ("과락 기준", "Floor"),
    "scores": ("위원별 점수", "Scores"),
    "dropped_high": ("제외(최고점)", "Dropped (highest)"),
    "dropped_low": ("제외(최저점)", "Dropped (lowest)"),
    "aggregate": ("항목 점수", "Aggregate"),
    "stage_raw_total": ("단계 합계(가감점 전)", "Stage raw total"),
    "stage_total": ("단계 점수", "Stage total"),
    "weight": ("가중치", "Weight"),
    "evaluator_id": ("평가위원 ID", "Evaluator ID"),
    "evaluator_name": ("평가위원", "Evaluator"),
    "external": ("외부위원", "External"),
    "score": ("점수", "Score"),
    "counted": ("반영", "Counted"),
    "excluded": ("제외 사유", "Why not counted"),
    "where": ("위치", "Where"),
    "kind": ("유형", "Kind"),
    "accepted": ("적용", "Applied"),
    "region": ("시·도", "Region"),
    "industry": ("업종", "Industry"),
    "received_no": ("접수 번호", "Receipt no."),
    "count": ("기관 수", "Applicants"),
}
STAGE_STATUSES = frozenset(
    ("advanced", "passed", "failed_floor", "failed_pass_mark", "not_in_top", "no_quorum")
)
"""Statuses of applicants who were at a stage (the others had left or never entered)."""


def _pick(pair: Pair, lang: str) -> str:
    return pair[0] if lang == "ko" else pair[1]


def _text(text: Any) -> Record | None:
    """A :class:`~selectlib.text.Text` as ``{"ko", "en"}``."""
    return None if text is None else {"ko": text.ko, "en": text.en}


# -- the content -----------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """``value`` as JSON-ready Python: numpy scalars unwrapped, NaN and NA as ``None``."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _records(frame: pd.DataFrame) -> list[Record]:
    """A table as JSON-ready records; a named index (e.g. ``evaluator_id``) is kept as columns."""
    named = any(name is not None for name in frame.index.names)
    frame = frame.reset_index(drop=not named)
    frame = frame.set_axis([str(c) for c in frame.columns], axis=1)
    records: list[Record] = _plain(frame.to_dict(orient="records"))
    return records


def _stage_data(stage: Stage, slots: int) -> Record:
    """A stage's rules, with its points and how many advance (for the given slots)."""
    data: Record = _plain(attrs.asdict(stage))
    data["max_points"] = stage.max_points
    if stage.advance is not None:
        data["advance"]["size"] = stage.advance.size(slots)
    return data


def _spec_data(spec: EvaluationSpec) -> Record:
    """The rules of the evaluation, as the report states them."""
    final = spec.final
    total = sum(w for _, w in spec.final_weights())
    return {
        "stages": [_stage_data(stage, final.slots) for stage in spec.stages],
        "final": {
            "slots": final.slots,
            "reserves": final.reserves,
            "weights": [
                {"stage": s, "weight": w, "share": w / total} for s, w in spec.final_weights()
            ],
            "tie_breaks": [
                {**_plain(attrs.asdict(rule)), "name": rule.name} for rule in final.tie_breaks
            ],
            "constraints": [_plain(attrs.asdict(c)) for c in final.constraints],
            "reserve_at_line": final.reserve_at_line,
        },
    }


def _with_names(frame: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """``frame`` with the applicants' names after their ids, for people reading it."""
    if "applicant_name" not in frame.columns:
        frame.insert(1, "applicant_name", list(names))
    return frame


def _ranking(result: EvaluationResult, table: pd.DataFrame) -> list[Record]:
    """The finalists in rank order, with their stage totals and constraint fields."""
    spec = result.spec
    frame = table[result.finalists].copy()
    fields = []
    for constraint, groups in zip(spec.final.constraints, result.prepared.groups, strict=True):
        if constraint.field not in frame.columns:
            frame[constraint.field] = groups[result.finalists]
            fields.append(constraint.field)
    columns = [
        "rank",
        "applicant_id",
        "applicant_name",
        "final_score",
        *[f"{stage_id}.total" for stage_id, _ in spec.final_weights()],
        *fields,
        "result",
        "reserve_rank",
        "decided_by",
        "margin",
        "reason_ko",
        "reason_en",
    ]
    frame = frame.sort_values("rank", kind="stable")
    return _records(frame[[c for c in columns if c in frame.columns]])


def _explanations(result: EvaluationResult) -> list[Record]:
    """``explain`` of everyone who reached the first stage: finalists by rank, then the rest."""
    reached = np.flatnonzero(result.stages[0].candidates)
    ranks = np.where(result.finalists[reached], result.ranking.ranks[reached], np.iinfo(int).max)
    order = reached[np.argsort(ranks, kind="stable")]
    return [
        {
            "applicant_id": result.ids[row],
            "result": str(result.results[row]),
            "ko": result.explain(result.ids[row], "ko"),
            "en": result.explain(result.ids[row], "en"),
        }
        for row in order.tolist()
    ]


def _recusals(result: EvaluationResult) -> list[Record]:
    """Every recusal given, applied or not (a rejected challenge is reported too)."""
    names = {e.id: e.name for e in result.prepared.evaluators}
    return [
        {
            "evaluator_id": r.evaluator_id,
            "evaluator_name": names.get(r.evaluator_id, ""),
            "applicant_id": r.applicant_id,
            "kind": r.kind,
            "kind_ko": RECUSAL_KINDS[r.kind].ko,
            "stage": r.stage,
            "accepted": r.accepted,
            "reason": r.reason,
        }
        for r in result.prepared.recusals
    ]


def _panels(result: EvaluationResult) -> dict[str, list[Record]]:
    """Per stage, the evaluators who sat on it, external or not."""
    people = {e.id: e for e in result.prepared.evaluators}
    return {
        cube.stage.id: [
            {
                "evaluator_id": e,
                "name": people[e].name,
                "external": people[e].external,
                "left_out": e in result.left_out,
            }
            for e in cube.evaluator_ids
        ]
        for cube in result.prepared.cubes
    }


def _robustness_data(robustness: RobustnessLike) -> Record:
    """The robustness settings, summary (both languages) and tables."""
    return {
        "resamples": int(robustness.resamples),
        "seed": int(robustness.seed),
        "summary": {"ko": robustness.summary("ko"), "en": robustness.summary("en")},
        "tables": {str(k): _records(v) for k, v in robustness.tables().items()},
    }


def report_data(result: EvaluationResult, robustness: RobustnessLike | None = None) -> Record:
    """Everything a report shows, as plain JSON-ready data (codes, numbers, both languages).

    The xlsx and HTML reports are layouts of exactly this content.
    """
    prepared = result.prepared
    spec = result.spec
    table = result.table()
    names = table["applicant_name"] if "applicant_name" in table else [""] * len(result.ids)
    profile = prepared.profile
    counts = pd.Series(result.results).value_counts()
    return {
        "profile": {"id": profile.id, "name": _text(profile.name)},
        "date": prepared.on.isoformat(),
        "example": spec.example,
        "note": _text(spec.note),
        "spec": _spec_data(spec),
        "left_out": list(result.left_out),
        "counts": [
            {"result": code, "ko": ko, "en": en, "count": int(counts[code])}
            for code, (ko, en) in RESULT_LABELS.items()
            if code in counts.index
        ],
        "selected": list(result.selected_ids),
        "reserves": list(result.reserve_ids),
        "ranking": _ranking(result, table),
        "applicants": _records(table),
        "stages": {
            o.stage.id: _records(_with_names(result.stage_table(o.stage.id), list(names)))
            for o in result.stages
        },
        "panels": _panels(result),
        "recusals": _recusals(result),
        "explanations": _explanations(result),
        "breakdown": _records(result.breakdown()),
        "scores": _records(result.scores()),
        "robustness": None if robustness is None else _robustness_data(robustness),
    }


# -- laying out tables -----------------------------------------------------------------------


@attrs.frozen
class _Grid:
    """A table laid out for people: headers (main, subtitle), cells, a class per row."""

    headers: list[Pair]
    rows: list[list[Any]]
    classes: list[str]


def _stage_labels(data: Record) -> dict[str, Pair]:
    return {s["id"]: (s["label"]["ko"], s["label"]["en"]) for s in data["spec"]["stages"]}


def _criteria(data: Record, stage_id: str | None) -> dict[str, Record]:
    """A stage's criteria by id (none for an unknown stage)."""
    for stage in data["spec"]["stages"]:
        if stage["id"] == stage_id:
            return {c["id"]: c for c in stage["criteria"]}
    return {}


def _header(key: str, data: Record, stage_id: str | None) -> Pair:
    """A column's label in Korean and English."""
    if key in HEADERS:
        return HEADERS[key]
    stage, _, part = key.partition(".")
    labels = _stage_labels(data)
    if stage in labels and part in ("status", "total"):
        ko, en = labels[stage]
        return (f"{ko} 결과", f"{en} status") if part == "status" else (ko, en)
    criterion = _criteria(data, stage_id).get(key)
    if criterion is not None:
        points = f" ({criterion['max_points']:g})"
        return criterion["ko"] + points, criterion["en"] + points
    return key, key


def _label(key: str, value: Any, record: Record, data: Record) -> Pair | None:
    """The label of a coded cell (a result, a status, a stage, ...); ``None`` if not coded."""
    if not isinstance(value, str):
        return None
    if key == "result":
        return RESULT_LABELS.get(value)
    if key == "status" or key.endswith(".status"):
        return STATUS_LABELS.get(value)
    if key == "eligibility":
        return ELIGIBILITY_LABELS.get(value)
    if key == "stage":
        return _stage_labels(data).get(value)
    if key == "kind" and value in RECUSAL_KINDS:
        return RECUSAL_KINDS[value].ko, value
    if key == "criterion":
        criterion = _criteria(data, record.get("stage")).get(value)
        return None if criterion is None else (criterion["ko"], criterion["en"])
    if key == "decided_by":
        rules = {r["name"]: r["label"] for r in data["spec"]["final"]["tie_breaks"]}
        label = rules.get(value)
        return None if label is None else (label["ko"], label["en"])
    return None


def _cell(key: str, value: Any, record: Record, data: Record, lang: str) -> Any:
    """A cell for people: labels for codes and yes/no, text for lists; numbers stay numbers."""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return _pick(("예", "yes") if value else ("아니오", "no"), lang)
    if key == "stage" and value is None and "kind" in record:
        return _pick(("전 단계", "every stage"), lang)
    label = _label(key, value, record, data)
    return value if label is None else _pick(label, lang)


def _layout(
    records: Sequence[Record], data: Record, lang: str, stage_id: str | None = None
) -> _Grid:
    """Records as a grid with labelled headers and cells; ``reason_ko``/``_en`` → one column."""
    keys = list(records[0]) if records else []
    other = "reason_en" if lang == "ko" else "reason_ko"
    keys = [k for k in keys if k != other and k != "kind_ko"]
    headers = [_header("reason" if k.startswith("reason_") else k, data, stage_id) for k in keys]
    if lang != "ko":
        headers = [(en, ko) for ko, en in headers]
    rows = [[_cell(k, r.get(k), r, data, lang) for k in keys] for r in records]
    return _Grid(headers, rows, [str(r.get("result") or r.get("status") or "") for r in records])


def _stage_rows(records: Sequence[Record]) -> list[Record]:
    """The rows of applicants who were at the stage."""
    return [r for r in records if r.get("status") in STAGE_STATUSES]


def _robustness_title(key: str) -> Pair:
    return ROBUSTNESS_LABELS.get(key, (key, key))


# -- xlsx ------------------------------------------------------------------------------------

_FORBIDDEN = str.maketrans("", "", "[]:*?/\\")


def _sheet_name(name: str, used: set[str]) -> str:
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
    text = f"{value:.2f}" if isinstance(value, float) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _xlsx_value(value: Any) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


def _put_row(sheet: Any, row: int, values: Sequence[Any], bold: bool = False) -> None:
    """Write one row of cells; floats get two decimals, empty cells stay empty."""
    from openpyxl.styles import Font

    for column, value in enumerate(values, start=1):
        if value is None:
            continue
        cell = sheet.cell(row=row, column=column, value=_xlsx_value(value))
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


def _grid_sheet(sheet: Any, grid: _Grid) -> None:
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

    name = _pick((data["profile"]["name"]["ko"], data["profile"]["name"]["en"]), lang)
    row = 1
    sheet.cell(row=row, column=1, value=_xlsx_value(name)).font = Font(bold=True, size=14)
    row += 1
    table_rows: list[list[Any]] = []

    def put(values: Sequence[Any], bold: bool = False, table: bool = False) -> None:
        nonlocal row
        _put_row(sheet, row, values, bold)
        if table:
            table_rows.append(list(values))
        row += 1

    put([_pick(("프로필", "Profile"), lang), data["profile"]["id"]])
    put([_pick(("기준일", "Date"), lang), data["date"]])
    if data["example"]:
        warning = _example_warning(data, lang)
        cell = sheet.cell(row=row, column=1, value=_xlsx_value(warning))
        cell.font = Font(bold=True, color="FFC00000")
        row += 1
    if data["left_out"]:
        put([_pick(("제외된 평가위원", "Evaluators left out"), lang), ", ".join(data["left_out"])])
    row += 1
    put([_pick(("결과별 기관 수", "Applicants per result"), lang)], bold=True)
    for count in data["counts"]:
        put([count[lang], count["count"]], table=True)
    for title, kind in ((("선정", "Selected"), "selected"), (("예비", "Reserves"), "reserve")):
        row += 1
        put([_pick(title, lang)], bold=True)
        grid = _layout([r for r in data["ranking"] if r["result"] == kind], data, lang)
        if not grid.rows:
            put([_pick(("없음", "none"), lang)])
            continue
        put([main for main, _ in grid.headers], bold=True)
        for values in grid.rows:
            put(values, table=True)
    row += 1
    put([_pick(("설명", "Explanations"), lang)], bold=True)
    for explanation in _summary_explanations(data):
        for line in explanation[lang].splitlines():
            put([line])
        row += 1
    if data["robustness"] is not None:
        put([_pick(("견고성 분석", "Robustness"), lang)], bold=True)
        for line in data["robustness"]["summary"][lang].splitlines():
            put([line])
    _fit_columns(sheet, table_rows, cap=40)


def _summary_explanations(data: Record) -> list[Record]:
    """The selected, then the first three applicants not selected."""
    explanations = data["explanations"]
    chosen = [e for e in explanations if e["result"] == "selected"]
    return chosen + [e for e in explanations if e["result"] != "selected"][:3]


def _workbook_grids(data: Record, lang: str) -> list[tuple[str, _Grid]]:
    """Every sheet after the summary: name and table."""
    labels = _stage_labels(data)
    grids = [(_pick(SHEETS["applicants"], lang), _layout(data["applicants"], data, lang))]
    for stage_id, records in data["stages"].items():
        grids.append((_pick(labels[stage_id], lang), _layout(records, data, lang, stage_id)))
    grids += [
        (_pick(SHEETS["breakdown"], lang), _layout(data["breakdown"], data, lang)),
        (_pick(SHEETS["scores"], lang), _layout(data["scores"], data, lang)),
        (_pick(SHEETS["recusals"], lang), _layout(data["recusals"], data, lang)),
    ]
    if data["robustness"] is not None:
        for key, records in data["robustness"]["tables"].items():
            grids.append((_pick(_robustness_title(key), lang), _layout(records, data, lang)))
    return grids


def _write_xlsx(data: Record, path: Path, lang: str) -> None:
    from openpyxl import Workbook

    book = Workbook()
    used: set[str] = set()
    summary = book.active
    summary.title = _sheet_name(_pick(SHEETS["summary"], lang), used)
    _summary_sheet(summary, data, lang)
    for name, grid in _workbook_grids(data, lang):
        _grid_sheet(book.create_sheet(_sheet_name(name, used)), grid)
    book.save(path)


# -- HTML ------------------------------------------------------------------------------------

CSS = """
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "Malgun Gothic", "Apple SD Gothic Neo", "Noto Sans KR", sans-serif;
  font-size: 10pt; color: #111; max-width: 1100px; margin: 0 auto; padding: 16px; }
h1 { font-size: 18pt; margin: 0 0 4px; }
h2 { font-size: 14pt; border-bottom: 2px solid #333; padding-bottom: 2px; margin-top: 24px; }
h3 { font-size: 11pt; margin: 14px 0 4px; }
.sub { font-size: 0.75em; font-weight: normal; color: #555; margin-left: 0.5em; }
th .sub { display: block; margin: 0; }
.meta { color: #333; }
.warning { border: 2px solid #c00000; color: #c00000; font-weight: bold; padding: 8px;
  margin: 10px 0; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 8.5pt; }
th, td { border: 1px solid #999; padding: 2px 4px; vertical-align: top; text-align: left; }
th { background: #eee; }
td.num { text-align: right; white-space: nowrap; }
tr.selected td { background: #e2f3df; font-weight: bold; }
tr.reserve td { background: #fff5d1; }
tr.displaced td, tr.unresolved td, tr.no_quorum td { background: #fde1df; }
ul.rules { margin: 4px 0 8px; padding-left: 20px; }
.explain { border-left: 3px solid #999; padding: 2px 8px; margin: 6px 0;
  break-inside: avoid; page-break-inside: avoid; }
.explain p { margin: 2px 0; }
tr { break-inside: avoid; page-break-inside: avoid; }
@media print {
  body { max-width: none; padding: 0; }
  section.page { break-before: page; page-break-before: always; }
  thead { display: table-header-group; }
}
"""


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _heading(tag: str, pair: Pair, lang: str) -> str:
    main, sub = (pair[0], pair[1]) if lang == "ko" else (pair[1], pair[0])
    return f'<{tag}>{_esc(main)}<span class="sub">{_esc(sub)}</span></{tag}>'


def _html_cell(value: Any) -> str:
    """A table cell; numbers right-aligned with two decimals, text escaped."""
    if isinstance(value, float):
        return f'<td class="num">{value:.2f}</td>'
    if isinstance(value, int):
        return f'<td class="num">{value}</td>'
    return f"<td>{_esc(value)}</td>"


def _html_table(grid: _Grid, lang: str) -> str:
    """A grid as an HTML table; empty grids say so."""
    if not grid.rows:
        return f"<p>{_esc(_pick(('없음', 'none'), lang))}</p>"
    head = "".join(
        f'<th>{_esc(main)}<span class="sub">{_esc(sub)}</span></th>' for main, sub in grid.headers
    )
    body = "\n".join(
        f'<tr class="{_esc(css)}">' + "".join(_html_cell(v) for v in values) + "</tr>"
        for values, css in zip(grid.rows, grid.classes, strict=True)
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def _example_warning(data: Record, lang: str) -> str:
    head = _pick(("주의: 예시 평가표", "Caution: an example evaluation"), lang)
    note = data["note"][lang] if data["note"] else ""
    return f"{head}: {note}" if note else head


def _items(lines: Sequence[str]) -> str:
    return '<ul class="rules">' + "".join(f"<li>{_esc(x)}</li>" for x in lines) + "</ul>"


def _stage_rules(stage: Record, lang: str) -> list[str]:
    """The stage's rules in plain words, one line each."""
    ko = lang == "ko"
    panel = stage["panel"]
    how = _pick(AGGREGATE_LABELS.get(panel["aggregate"], (panel["aggregate"],) * 2), lang)
    share = f"{panel['min_external_share']:.0%}"
    lines = [
        f"집계: {how}; 정족수: 평가위원 {panel['min_size']}명 이상, 외부위원 {share} 이상"
        if ko
        else f"Aggregate: {how}; quorum: at least {panel['min_size']} evaluators, {share} external",
    ]
    if stage["pass_mark"] is not None:
        mark, top = f"{stage['pass_mark']:g}", f"{stage['max_points']:g}"
        lines.append(f"기준점수: {mark}점 (만점 {top}점)" if ko else f"Pass mark: {mark} of {top}")
    for key, pair in (("bonus", ("가점", "Bonus")), ("penalty", ("감점", "Penalty"))):
        if stage[key] is not None:
            cap = stage[key]["cap"]
            limit = "" if cap is None else _pick((f", 최대 {cap:g}점", f", at most {cap:g}"), lang)
            lines.append(f"{_pick(pair, lang)}: {stage[key]['field']}{limit}")
    advance = stage["advance"]
    if advance is not None:
        at_line = advance["at_line"] == "include"
        ties = _pick(
            ("동점자 포함", "ties included") if at_line else ("동점자 제외", "ties out"), lang
        )
        lines.append(
            f"다음 단계 진출: 상위 {advance['size']}개 기관 ({ties})"
            if ko
            else f"Advancement: the top {advance['size']} ({ties})"
        )
    return lines


def _final_rules(data: Record, lang: str) -> list[str]:
    ko = lang == "ko"
    final = data["spec"]["final"]
    labels = _stage_labels(data)
    weights = " + ".join(
        f"{_pick(labels[w['stage']], lang)} {w['share']:.0%}" for w in final["weights"]
    )
    lines = [
        f"선정 {final['slots']}개, 예비 {final['reserves']}개; 최종 점수 = {weights}"
        if ko
        else f"{final['slots']} selected, {final['reserves']} reserves; final score = {weights}"
    ]
    for number, rule in enumerate(final["tie_breaks"], start=1):
        label = rule["label"][lang] if rule["label"] else rule["name"]
        lines.append(f"동점 처리 {number}: {label}" if ko else f"Tie-break {number}: {label}")
    for constraint in final["constraints"]:
        field, most = constraint["field"], constraint["at_most"]
        label = (
            constraint["label"][lang]
            if constraint["label"]
            else _pick((f"{field}별 최대 {most}개", f"at most {most} per {field}"), lang)
        )
        lines.append(f"제한: {label}" if ko else f"Constraint: {label}")
    return lines


def _criteria_grid(stage: Record, lang: str) -> _Grid:
    headers = [HEADERS["criterion"], HEADERS["max_points"], HEADERS["floor"]]
    rows = [[c[lang], c["max_points"], c["floor"]] for c in stage["criteria"]]
    if lang != "ko":
        headers = [(en, ko) for ko, en in headers]
    return _Grid(headers, rows, [""] * len(rows))


def _panel_line(members: Sequence[Record], lang: str) -> str:
    tag = _pick(("외부", "external"), lang)
    names = [
        f"{m['evaluator_id']} {m['name']}" + (f" ({tag})" if m["external"] else "") for m in members
    ]
    return _pick(("평가위원: ", "Panel: "), lang) + ", ".join(names)


def _html_header(data: Record, lang: str) -> list[str]:
    name = data["profile"]["name"]
    parts = [
        _heading("h1", (name["ko"] + " 평가 결과", name["en"] + " — evaluation report"), lang),
        f'<p class="meta">{_esc(_pick(("기준일", "Date"), lang))}: {_esc(data["date"])} · '
        f"{_esc(_pick(('프로필', 'Profile'), lang))}: {_esc(data['profile']['id'])}</p>",
    ]
    if data["example"]:
        parts.append(f'<div class="warning">{_esc(_example_warning(data, lang))}</div>')
    if data["left_out"]:
        left = _pick(("제외된 평가위원", "Evaluators left out"), lang)
        parts.append(f'<p class="warning">{_esc(left)}: {_esc(", ".join(data["left_out"]))}</p>')
    return parts


def _html_summary(data: Record, lang: str) -> list[str]:
    counts = _Grid(
        [HEADERS["result"], HEADERS["count"]],
        [[c[lang], c["count"]] for c in data["counts"]],
        [c["result"] for c in data["counts"]],
    )
    if lang != "ko":
        counts = attrs.evolve(counts, headers=[(en, ko) for ko, en in counts.headers])
    none = _pick(("없음", "none"), lang)
    return [
        "<section>",
        _heading("h2", ("요약", "Summary"), lang),
        _html_table(counts, lang),
        f"<p><b>{_esc(_pick(('선정', 'Selected'), lang))}</b>: "
        f"{_esc(', '.join(data['selected']) or none)}</p>",
        f"<p><b>{_esc(_pick(('예비', 'Reserves'), lang))}</b>: "
        f"{_esc(', '.join(data['reserves']) or none)}</p>",
        "</section>",
    ]


def _html_stage(data: Record, stage: Record, lang: str) -> list[str]:
    label = (stage["label"]["ko"], stage["label"]["en"])
    records = _stage_rows(data["stages"][stage["id"]])
    return [
        '<section class="page">',
        _heading("h2", label, lang),
        _items(_stage_rules(stage, lang)),
        f"<p>{_esc(_panel_line(data['panels'][stage['id']], lang))}</p>",
        _html_table(_criteria_grid(stage, lang), lang),
        _heading("h3", ("단계 결과", "Stage results"), lang),
        _html_table(_layout(records, data, lang, stage["id"]), lang),
        "</section>",
    ]


def _html_explanations(data: Record, lang: str) -> list[str]:
    parts = ['<section class="page">', _heading("h2", ("기관별 설명", "Explanations"), lang)]
    for explanation in data["explanations"]:
        lines = explanation[lang].splitlines()
        body = "".join(f"<p>{_esc(line)}</p>" for line in lines[1:])
        css = _esc(explanation["result"])
        parts.append(f'<div class="explain {css}"><h3>{_esc(lines[0])}</h3>{body}</div>')
    parts.append("</section>")
    return parts


def _html_robustness(data: Record, lang: str) -> list[str]:
    robustness = data["robustness"]
    settings = (
        f"재표본 {robustness['resamples']}회, 시드 {robustness['seed']}"
        if lang == "ko"
        else f"{robustness['resamples']} resamples, seed {robustness['seed']}"
    )
    parts = ['<section class="page">', _heading("h2", ("견고성 분석", "Robustness"), lang)]
    parts += [f"<p>{_esc(line)}</p>" for line in robustness["summary"][lang].splitlines()]
    parts.append(f'<p class="meta">{_esc(settings)}</p>')
    for key, records in robustness["tables"].items():
        parts.append(_heading("h3", _robustness_title(key), lang))
        parts.append(_html_table(_layout(records, data, lang), lang))
    parts.append("</section>")
    return parts


def _html_report(data: Record, lang: str = "ko") -> str:
    """The report as one self-contained, printable HTML page (inline CSS, no scripts)."""
    name = data["profile"]["name"][lang]
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{_esc(lang)}"><head><meta charset="utf-8">',
        f"<title>{_esc(name)}</title><style>{CSS}</style></head><body>",
        *_html_header(data, lang),
        *_html_summary(data, lang),
        '<section class="page">',
        _heading("h2", ("최종 순위", "Final ranking"), lang),
        _items(_final_rules(data, lang)),
        _html_table(_layout(data["ranking"], data, lang), lang),
        "</section>",
    ]
    for stage in data["spec"]["stages"]:
        parts += _html_stage(data, stage, lang)
    parts += _html_explanations(data, lang)
    if data["robustness"] is not None:
        parts += _html_robustness(data, lang)
    parts += [
        '<section class="page">',
        _heading("h2", ("부록", "Appendix"), lang),
        _heading("h3", SHEETS["recusals"], lang),
        _html_table(_layout(data["recusals"], data, lang), lang),
        _heading("h3", SHEETS["breakdown"], lang),
        _html_table(_layout(data["breakdown"], data, lang), lang),
        "</section>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


# -- writing ---------------------------------------------------------------------------------


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
        _write_xlsx(data, target, lang)
    elif suffix == ".html":
        target.write_text(_html_report(data, lang), encoding="utf-8")
    else:
        target.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target
