"""The evaluation report as one self-contained HTML page a committee can print (A4)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import attrs

from selectlib.scoring.display import ROUNDING, percent, shown
from selectlib.scoring.report.grid import (
    Grid,
    example_warning,
    layout,
    robustness_title,
    stage_labels,
    stage_rows,
)
from selectlib.scoring.report.labels import (
    AGGREGATE_LABELS,
    ASSUMPTIONS_TITLE,
    HEADERS,
    SHEETS,
    Pair,
    Record,
    pick,
)

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
.assumptions { border: 1px solid #999; padding: 6px 10px; margin: 8px 0; }
.assumptions ul { margin: 4px 0 0 18px; padding: 0; }
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

__all__ = ["html_report"]


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _heading(tag: str, pair: Pair, lang: str) -> str:
    main, sub = (pair[0], pair[1]) if lang == "ko" else (pair[1], pair[0])
    return f'<{tag}>{_esc(main)}<span class="sub">{_esc(sub)}</span></{tag}>'


def _html_cell(value: Any) -> str:
    """A table cell; numbers right-aligned with two decimals, text escaped."""
    if isinstance(value, float):
        return f'<td class="num">{shown(value)}</td>'
    if isinstance(value, int):
        return f'<td class="num">{value}</td>'
    return f"<td>{_esc(value)}</td>"


def _html_table(grid: Grid, lang: str) -> str:
    """A grid as an HTML table; empty grids say so."""
    if not grid.rows:
        return f"<p>{_esc(pick(('없음', 'none'), lang))}</p>"
    head = "".join(
        f'<th>{_esc(main)}<span class="sub">{_esc(sub)}</span></th>' for main, sub in grid.headers
    )
    body = "\n".join(
        f'<tr class="{_esc(css)}">' + "".join(_html_cell(v) for v in values) + "</tr>"
        for values, css in zip(grid.rows, grid.classes, strict=True)
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def _items(lines: Sequence[str]) -> str:
    return '<ul class="rules">' + "".join(f"<li>{_esc(x)}</li>" for x in lines) + "</ul>"


def _stage_rules(stage: Record, lang: str) -> list[str]:
    """The stage's rules in plain words, one line each."""
    ko = lang == "ko"
    panel = stage["panel"]
    how = pick(AGGREGATE_LABELS.get(panel["aggregate"], (panel["aggregate"],) * 2), lang)
    share = percent(panel["min_external_share"])
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
            limit = "" if cap is None else pick((f", 최대 {cap:g}점", f", at most {cap:g}"), lang)
            lines.append(f"{pick(pair, lang)}: {stage[key]['field']}{limit}")
    advance = stage["advance"]
    if advance is not None:
        at_line = advance["at_line"] == "include"
        ties = pick(
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
    labels = stage_labels(data)
    weights = " + ".join(
        f"{pick(labels[w['stage']], lang)} {percent(w['share'])}" for w in final["weights"]
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
            else pick((f"{field}별 최대 {most}개", f"at most {most} per {field}"), lang)
        )
        lines.append(f"제한: {label}" if ko else f"Constraint: {label}")
    return lines


def _criteria_grid(stage: Record, lang: str) -> Grid:
    headers = [HEADERS["criterion"], HEADERS["max_points"], HEADERS["floor"]]
    rows = [[c[lang], c["max_points"], c["floor"]] for c in stage["criteria"]]
    if lang != "ko":
        headers = [(en, ko) for ko, en in headers]
    return Grid(headers, rows, [""] * len(rows))


def _panel_line(members: Sequence[Record], lang: str) -> str:
    tag = pick(("외부", "external"), lang)
    names = [
        f"{m['evaluator_id']} {m['name']}" + (f" ({tag})" if m["external"] else "") for m in members
    ]
    return pick(("평가위원: ", "Panel: "), lang) + ", ".join(names)


def _html_header(data: Record, lang: str) -> list[str]:
    name = data["profile"]["name"]
    parts = [
        _heading("h1", (name["ko"] + " 평가 결과", name["en"] + " — evaluation report"), lang),
        f'<p class="meta">{_esc(pick(("기준일", "Date"), lang))}: {_esc(data["date"])} · '
        f"{_esc(pick(('프로필', 'Profile'), lang))}: {_esc(data['profile']['id'])}</p>",
    ]
    if data["example"]:
        parts.append(f'<div class="warning">{_esc(example_warning(data, lang))}</div>')
    if data["left_out"]:
        left = pick(("제외된 평가위원", "Evaluators left out"), lang)
        parts.append(f'<p class="warning">{_esc(left)}: {_esc(", ".join(data["left_out"]))}</p>')
    if data["assumptions"]:
        title = pick(ASSUMPTIONS_TITLE, lang)
        items = "".join(
            f"<li><code>{_esc(a['where'])}</code>: {_esc(a[lang])}</li>"
            for a in data["assumptions"]
        )
        parts.append(f'<div class="assumptions"><b>{_esc(title)}</b><ul>{items}</ul></div>')
    return parts


def _html_summary(data: Record, lang: str) -> list[str]:
    counts = Grid(
        [HEADERS["result"], HEADERS["count"]],
        [[c[lang], c["count"]] for c in data["counts"]],
        [c["result"] for c in data["counts"]],
    )
    if lang != "ko":
        counts = attrs.evolve(counts, headers=[(en, ko) for ko, en in counts.headers])
    none = pick(("없음", "none"), lang)
    return [
        "<section>",
        _heading("h2", ("요약", "Summary"), lang),
        _html_table(counts, lang),
        f"<p><b>{_esc(pick(('선정', 'Selected'), lang))}</b>: "
        f"{_esc(', '.join(data['selected']) or none)}</p>",
        f"<p><b>{_esc(pick(('예비', 'Reserves'), lang))}</b>: "
        f"{_esc(', '.join(data['reserves']) or none)}</p>",
        f'<p class="meta">{_esc(pick(ROUNDING, lang))}</p>',
        "</section>",
    ]


def _html_stage(data: Record, stage: Record, lang: str) -> list[str]:
    label = (stage["label"]["ko"], stage["label"]["en"])
    records = stage_rows(data["stages"][stage["id"]])
    return [
        '<section class="page">',
        _heading("h2", label, lang),
        _items(_stage_rules(stage, lang)),
        f"<p>{_esc(_panel_line(data['panels'][stage['id']], lang))}</p>",
        _html_table(_criteria_grid(stage, lang), lang),
        _heading("h3", ("단계 결과", "Stage results"), lang),
        _html_table(layout(records, data, lang, stage["id"]), lang),
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
        parts.append(_heading("h3", robustness_title(key), lang))
        parts.append(_html_table(layout(records, data, lang), lang))
    parts.append("</section>")
    return parts


def html_report(data: Record, lang: str = "ko") -> str:
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
        _html_table(layout(data["ranking"], data, lang), lang),
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
        _html_table(layout(data["recusals"], data, lang), lang),
        _heading("h3", SHEETS["breakdown"], lang),
        _html_table(layout(data["breakdown"], data, lang), lang),
        "</section>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
