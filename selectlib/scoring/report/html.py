"""The evaluation report as one self-contained HTML page a committee can print (A4)."""

from __future__ import annotations

from collections.abc import Sequence

from selectlib.scoring.display import percent
from selectlib.scoring.report.grid import (
    Grid,
    example_warning,
    field_label,
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
    Record,
    pick,
)
from selectlib.scoring.report.markup import esc, heading, html_table, items
from selectlib.scoring.report.summary import APPENDIX, summary_section

CSS = """
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "Malgun Gothic", "Apple SD Gothic Neo", "Noto Sans KR", "NanumGothic",
  sans-serif;
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
th, td { border: 1px solid #999; padding: 2px 4px; vertical-align: top; text-align: left;
  word-break: keep-all; overflow-wrap: break-word; }
td.name { min-width: 8em; }
td.reason { min-width: 22em; }
p, li, .warning { word-break: keep-all; }
.lead { font-size: 11pt; margin: 4px 0; }
.detail { color: #333; font-size: 9pt; }
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
            field = pick(field_label(stage[key]["field"]), lang)
            source = pick((f"신청 자료의 '{field}'", f"the applicants' '{field}'"), lang)
            lines.append(f"{pick(pair, lang)}: {source}{limit}")
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
        field, most = pick(field_label(constraint["field"]), lang), constraint["at_most"]
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
        heading("h1", (name["ko"] + " 평가 결과", name["en"] + " — evaluation report"), lang),
        f'<p class="meta">{esc(pick(("기준일", "Date"), lang))}: {esc(data["date"])} · '
        f"{esc(pick(('프로필', 'Profile'), lang))}: {esc(data['profile']['id'])}</p>",
    ]
    if data["example"]:
        parts.append(f'<div class="warning">{esc(example_warning(data, lang))}</div>')
    if data["left_out"]:
        left = pick(("제외된 평가위원", "Evaluators left out"), lang)
        parts.append(f'<p class="warning">{esc(left)}: {esc(", ".join(data["left_out"]))}</p>')
    return parts


def _html_assumptions(data: Record, lang: str) -> list[str]:
    if not data["assumptions"]:
        return []
    listed = "".join(
        f"<li><code>{esc(a['where'])}</code>: {esc(a[lang])}</li>" for a in data["assumptions"]
    )
    return [
        '<section class="page">',
        heading("h2", APPENDIX["assumptions"], lang),
        f'<div class="assumptions"><b>{esc(pick(ASSUMPTIONS_TITLE, lang))}</b>'
        f"<ul>{listed}</ul></div>",
        "</section>",
    ]


def _html_stage(data: Record, stage: Record, lang: str) -> list[str]:
    label = (stage["label"]["ko"], stage["label"]["en"])
    records = stage_rows(data["stages"][stage["id"]])
    return [
        heading("h3", label, lang),
        items(_stage_rules(stage, lang)),
        f"<p>{esc(_panel_line(data['panels'][stage['id']], lang))}</p>",
        html_table(_criteria_grid(stage, lang), lang),
        html_table(layout(records, data, lang, stage["id"]), lang),
    ]


def _html_explanations(data: Record, lang: str) -> list[str]:
    parts = ['<section class="page">', heading("h2", APPENDIX["explanations"], lang)]
    for explanation in data["explanations"]:
        lines = explanation[lang].splitlines()
        body = "".join(f"<p>{esc(line)}</p>" for line in lines[1:])
        css = esc(explanation["result"])
        parts.append(f'<div class="explain {css}"><h3>{esc(lines[0])}</h3>{body}</div>')
    parts.append("</section>")
    return parts


def _html_robustness(data: Record, lang: str) -> list[str]:
    robustness = data["robustness"]
    settings = (
        f"재표본 {robustness['resamples']}회, 시드 {robustness['seed']}"
        if lang == "ko"
        else f"{robustness['resamples']} resamples, seed {robustness['seed']}"
    )
    parts = ['<section class="page">', heading("h2", APPENDIX["robustness"], lang)]
    parts.append(f'<p class="meta">{esc(settings)}</p>')
    for key, records in robustness["tables"].items():
        parts.append(heading("h3", robustness_title(key), lang))
        parts.append(html_table(layout(records, data, lang, table=key), lang))
    parts.append("</section>")
    return parts


def _html_rules(data: Record, lang: str) -> list[str]:
    parts = [
        '<section class="page">',
        heading("h2", APPENDIX["rules"], lang),
        heading("h3", ("최종 선정 규칙", "Final selection rules"), lang),
        items(_final_rules(data, lang)),
    ]
    for stage in data["spec"]["stages"]:
        parts += _html_stage(data, stage, lang)
    return [*parts, "</section>"]


def html_report(data: Record, lang: str = "ko") -> str:
    """The report as one self-contained, printable HTML page (inline CSS, no scripts): a
    summary of a page or two, then the appendix."""
    name = data["profile"]["name"][lang]
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{esc(lang)}"><head><meta charset="utf-8">',
        f"<title>{esc(name)}</title><style>{CSS}</style></head><body>",
        *_html_header(data, lang),
        *summary_section(data, lang),
        *_html_rules(data, lang),
        *_html_explanations(data, lang),
    ]
    if data["robustness"] is not None:
        parts += _html_robustness(data, lang)
    parts += [
        *_html_assumptions(data, lang),
        '<section class="page">',
        heading("h2", APPENDIX["details"], lang),
        heading("h3", SHEETS["recusals"], lang),
        html_table(layout(data["recusals"], data, lang), lang),
        heading("h3", SHEETS["breakdown"], lang),
        html_table(layout(data["breakdown"], data, lang), lang),
        "</section>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
