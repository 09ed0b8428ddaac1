"""The first pages of the printable report: what a committee reads and signs.

The selection and the reserves with their names, the count of every result, the final
ranking with each reason (and, with a robustness report, each finalist's selection
probability), the robustness in words, and where the rest is: the rules, the stages,
every explanation, the robustness tables, the assumptions and the raw scores follow in
the appendix and in the workbook.
"""

from __future__ import annotations

from typing import Final

from selectlib.scoring.display import ROUNDING
from selectlib.scoring.report.grid import layout
from selectlib.scoring.report.labels import Pair, Record, pick
from selectlib.scoring.report.markup import esc, heading, html_table

__all__ = ["APPENDIX", "summary_section"]

APPENDIX: Final[dict[str, Pair]] = {
    "rules": ("부록 1. 평가 규칙과 단계별 결과", "Appendix 1. Rules and stage results"),
    "explanations": ("부록 2. 기관별 설명", "Appendix 2. Every applicant's explanation"),
    "robustness": ("부록 3. 견고성 분석 표", "Appendix 3. Robustness tables"),
    "assumptions": ("부록 4. 가정", "Appendix 4. Assumptions"),
    "details": ("부록 5. 제척·기피·회피와 세부 점수", "Appendix 5. Recusals and detailed scores"),
}
"""The appendix sections, in order, as the summary names them."""
SUMMARY_COLUMNS: Final = ("rank", "applicant_id", "applicant_name", "final_score")
"""The first columns of the summary's ranking (stage totals, constraint fields and the
result, margin and reason follow)."""
LEFT_OUT: Final = frozenset(("reserve_rank", "decided_by"))
"""Ranking columns the summary leaves to the reason and the appendix."""


def _who(data: Record, ids: list[str]) -> str:
    names = {r["applicant_id"]: r.get("applicant_name") or "" for r in data["ranking"]}
    return ", ".join(f"{i} {names.get(i, '')}".strip() for i in ids)


def _lead(data: Record, lang: str) -> list[str]:
    """The selection and the reserves by name, then the count of every result."""
    none = pick(("없음", "none"), lang)
    selected = _who(data, data["selected"]) or none
    reserves = _who(data, data["reserves"]) or none
    total = sum(c["count"] for c in data["counts"])
    counts = " · ".join(f"{c[lang]} {c['count']}" for c in data["counts"])
    return [
        f'<p class="lead"><b>{esc(pick(("선정", "Selected"), lang))}</b> '
        f"({len(data['selected'])}): {esc(selected)}</p>",
        f'<p class="lead"><b>{esc(pick(("예비", "Reserves"), lang))}</b> '
        f"({len(data['reserves'])}): {esc(reserves)}</p>",
        f"<p>{esc(pick((f'신청 {total}개 기관: ', f'{total} applicants: '), lang))}"
        f"{esc(counts)}</p>",
    ]


def _ranking(data: Record) -> list[Record]:
    """The ranking's records for the summary, with each finalist's selection probability."""
    probability = {}
    if data["robustness"] is not None:
        for row in data["robustness"]["tables"].get("bootstrap", []):
            probability[row.get("applicant_id")] = row.get("selection_probability")
    records = []
    for row in data["ranking"]:
        record = {k: v for k, v in row.items() if k not in LEFT_OUT}
        if probability:
            record["selection_probability"] = probability.get(row["applicant_id"])
        records.append(record)
    return records


def _robustness(data: Record, lang: str) -> list[str]:
    robustness = data["robustness"]
    if robustness is None:
        return []
    settings = pick(
        (
            f"(평가위원을 다시 뽑아 {robustness['resamples']}회 재계산, 시드 {robustness['seed']}; "
            f"표: {APPENDIX['robustness'][0]})",
            f"({robustness['resamples']} redraws of the panels, seed {robustness['seed']}; "
            f"tables: {APPENDIX['robustness'][1]})",
        ),
        lang,
    )
    lines = robustness["summary"][lang].splitlines()
    return [
        heading("h3", ("견고성", "Robustness"), lang),
        *(f"<p>{esc(line)}</p>" for line in lines),
        f'<p class="detail">{esc(settings)}</p>',
    ]


def _where_the_rest_is(data: Record, lang: str) -> list[str]:
    sections = [key for key in APPENDIX if key != "robustness" or data["robustness"]]
    names = ", ".join(pick(APPENDIX[key], lang).split(". ", 1)[1] for key in sections)
    assumed = len(data["assumptions"])
    lines = [
        pick(
            (
                f"세부 내용은 부록({names})과 xlsx 통합문서에 있습니다.",
                f"The details are in the appendix ({names}) and in the xlsx workbook.",
            ),
            lang,
        ),
        pick(ROUNDING, lang),
    ]
    if assumed:
        lines.insert(
            0,
            pick(
                (
                    f"이 평가는 공고에 없어 프로필이 정한 가정 {assumed}개를 씁니다"
                    f" ({APPENDIX['assumptions'][0]}).",
                    f"This evaluation rests on {assumed} assumptions the notice leaves open"
                    f" ({APPENDIX['assumptions'][1]}).",
                ),
                lang,
            ),
        )
    return [f'<p class="detail">{esc(line)}</p>' for line in lines]


def summary_section(data: Record, lang: str) -> list[str]:
    """The summary: selection, reserves, counts, ranking with reasons, robustness."""
    return [
        '<section class="summary">',
        heading("h2", ("요약", "Summary"), lang),
        *_lead(data, lang),
        heading("h3", ("최종 순위", "Final ranking"), lang),
        html_table(layout(_ranking(data), data, lang), lang),
        *_robustness(data, lang),
        *_where_the_rest_is(data, lang),
        "</section>",
    ]
