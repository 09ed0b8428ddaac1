"""Evaluation reports: xlsx, printable HTML and JSON from one result, and that they agree.

The evaluation is small and hand-built on the flagship profile's example evaluation.
Every evaluator scores ``quality × points + offset``, the offsets of the six evaluators
being (-2, -1, 0, +1, +2, 0) × points / 20: the trimmed mean drops the +2 and the -2
and the rest average to exactly ``quality × points``, also for the panels shrunk by the
recusals below (E06 and E03 both have offset 0). So each stage total is the quality in
percent, plus the document bonus (capped at 3) minus its penalty:

=====  ======  ========  ====  ============  ======  =====  ============================
id     region  document  site  presentation  final   rank   result
=====  ======  ========  ====  ============  ======  =====  ============================
A04    경기    85        85    90            88.5    1      selected (name has <script>)
A10    경기    80        90    85            86.5    2      selected
A01    서울    80-1      80    85            83.5    3      selected
A07    경기    70+1      75    85            82.0    4      displaced (third 경기도)
A11    경남    75        80    80            80.0    5      selected
A35    충북    75+2      75    80            78.5    6      selected (received 4th)
A03    대구    75-2      75    80            78.5    7      reserve 1 (received 39th)
A21    경북    60        70    -             -       -      not in the site top 7
A09    전남    65        65    -             -       -      not in the site top 7
A17    세종    70+3      35    -             -       -      site floor (space 14 < 16)
A06    충북    55        -     -             -       -      below the document pass mark
A02    부산    -         -     -             -       -      ineligible (cluster 49)
A22    경북    -         -     -             -       -      incomplete (no area type)
=====  ======  ========  ====  ============  ======  =====  ============================

A35 and A03 tie on the final score, the presentation total and its capability
criterion; the earlier application (received_no) puts A35 first.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import selectlib
from selectlib.errors import InputError
from selectlib.scoring import EvaluationResult, Evaluator, Recusal, evaluate_selection
from selectlib.scoring.report import report_data, write_report
from selectlib.scoring.report.xlsx import sheet_name

SCRIPT_NAME = '<script>alert("x")</script> 수원산업진흥원'
PROGRAMS = "survey;workforce;shared_facilities;funding_support;roadmap"

# id, name, area_type, cluster_count, operator_type, region, received_no, bonus, penalty
APPLICANTS = [
    ("A01", "서울소공인지원재단", "metro", 50, "nonprofit_corporation", "서울특별시", 13, "", 1),
    ("A02", "부산산업진흥재단", "metro", 49, "nonprofit_corporation", "부산광역시", 26, "", ""),
    ("A03", "대구소공인협회", "metro", 51, "nonprofit_corporation", "대구광역시", 39, "", 2),
    ("A04", SCRIPT_NAME, "city", 40, "nonprofit_corporation", "경기도", 11, "", ""),
    ("A06", "청주제조혁신재단", "city", 41, "nonprofit_corporation", "충청북도", 37, "", ""),
    ("A07", "양평소공인협동조합", "county", 20, "nonprofit_corporation", "경기도", 9, 1, ""),
    ("A09", "담양전통공예진흥회", "county", 21, "nonprofit_corporation", "전라남도", 35, "", ""),
    ("A10", "전주대학교 산학협력단", "metro", 60, "university", "경기도", 7, "", ""),
    ("A11", "창원시 산업진흥원", "metro", 60, "local_government_body", "경상남도", 20, "", ""),
    (
        "A17",
        "세종소공인지원재단",
        "metro",
        60,
        "nonprofit_corporation",
        "세종특별자치시",
        16,
        5,
        "",
    ),
    ("A21", "포항철강소공인회", "metro", 60, "nonprofit_corporation", "경상북도", 27, "", ""),
    ("A22", "경주공예협동조합", "", 60, "nonprofit_corporation", "경상북도", 40, "", ""),
    ("A35", "보은대추가공협동조합", "county", 25, "university", "충청북도", 4, 2, ""),
]
# quality in percent of the points, per stage (document, site, presentation)
QUALITY = {
    "A01": (80, 80, 85),
    "A03": (75, 75, 80),
    "A04": (85, 85, 90),
    "A06": (55, 60, 70),
    "A07": (70, 75, 85),
    "A09": (65, 65, 70),
    "A10": (80, 90, 85),
    "A11": (75, 80, 80),
    "A17": (70, 35, 70),
    "A21": (60, 70, 70),
    "A35": (75, 75, 80),
}
OFFSETS = {"E01": -2, "E02": -1, "E03": 0, "E04": 1, "E05": 2, "E06": 0}
EVALUATORS = [
    Evaluator("E01", "김서연", True),
    Evaluator("E02", "박준호", True),
    Evaluator("E03", "이하은", True),
    Evaluator("E04", "정민수", True),
    Evaluator("E05", "최지훈", False),
    Evaluator("E06", "강수진", False),
]
RECUSALS = [
    Recusal("E06", "A01", "avoidance", "document", True, "자문 이력으로 스스로 회피"),
    Recusal("E03", "A10", "exclusion", None, True, "신청기관 소속 연구원"),
    Recusal("E02", "A04", "challenge", "presentation", False, "기피 신청 기각"),
]


def _applicants() -> pd.DataFrame:
    rows = [
        {
            "applicant_id": id_,
            "applicant_name": name,
            "area_type": area,
            "cluster_count": clusters,
            "operator_type": operator,
            "has_dedicated_space": "yes",
            "has_equipment": "yes",
            "staff": 4 if id_ == "A17" else 3,
            "mandatory_programs": PROGRAMS,
            "offers_education": "yes",
            "micro_manufacturer_related": "yes",
            "autonomous_programs": "network;promotion;consulting",
            "region": region,
            "received_no": received,
            "bonus_points": bonus,
            "penalty_points": penalty,
        }
        for id_, name, area, clusters, operator, region, received, bonus, penalty in APPLICANTS
    ]
    return pd.DataFrame(rows)


def _scores(profile: selectlib.Profile) -> pd.DataFrame:
    spec = profile.spec.evaluation
    assert spec is not None
    rows = []
    for index, stage in enumerate(spec.stages):
        for applicant, quality in QUALITY.items():
            for evaluator, offset in OFFSETS.items():
                for criterion in stage.criteria:
                    points = criterion.max_points
                    score = quality[index] * points / 100 + offset * points / 20
                    rows.append((stage.id, evaluator, applicant, criterion.id, score))
    return pd.DataFrame(
        rows, columns=["stage", "evaluator_id", "applicant_id", "criterion", "score"]
    )


@pytest.fixture(scope="module")
def result() -> EvaluationResult:
    profile = selectlib.load_profile("micro_manufacturer_center_2024")
    return evaluate_selection(
        profile, _applicants(), _scores(profile), EVALUATORS, RECUSALS, on="2024-05-01"
    )


class FakeRobustness:
    """A stand-in for the robustness report: two tables, one with a named index."""

    resamples = 200
    seed = 7

    def tables(self) -> dict[str, pd.DataFrame]:
        leave_one_out = pd.DataFrame(
            {"evaluator_id": ["E01", "E05"], "selected_changed": [False, True]}
        )
        bootstrap = pd.DataFrame(
            {"probability": [0.985, float("nan")]},
            index=pd.Index(["A04", "A02"], name="applicant_id"),
        )
        return {"leave_one_out": leave_one_out, "bootstrap": bootstrap}

    def summary(self, lang: str = "ko") -> str:
        return (
            "E05를 빼면 선정 기관이 바뀝니다." if lang == "ko" else "Without E05 the set changes."
        )


SELECTED = ["A04", "A10", "A01", "A11", "A35"]
SHEETS = [
    "요약",
    "신청기관",
    "서류검토",
    "현장실사",
    "발표평가",
    "세부점수",
    "원점수",
    "제척·기피·회피",
]


def _sheet_rows(sheet: Any) -> list[dict[str, Any]]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


# -- the content ---------------------------------------------------------------------------


def test_report_data_holds_the_hand_checked_selection(result: EvaluationResult) -> None:
    data = report_data(result)
    assert data["selected"] == SELECTED == list(result.selected_ids)
    assert data["reserves"] == ["A03"] == list(result.reserve_ids)
    assert data["profile"]["id"] == "micro_manufacturer_center_2024"
    assert data["date"] == "2024-05-01"
    assert data["example"] is True
    assert data["note"]["ko"].startswith("예시 평가표입니다")
    counts = {c["result"]: c["count"] for c in data["counts"]}
    assert counts == {
        "selected": 5,
        "reserve": 1,
        "displaced": 1,
        "eliminated": 4,
        "ineligible": 1,
        "incomplete": 1,
    }
    ranking = [(r["applicant_id"], r["rank"], r["final_score"]) for r in data["ranking"]]
    assert ranking == [
        ("A04", 1, 88.5),
        ("A10", 2, 86.5),
        ("A01", 3, 83.5),
        ("A07", 4, 82.0),
        ("A11", 5, 80.0),
        ("A35", 6, 78.5),
        ("A03", 7, 78.5),
    ]
    by_id = {r["applicant_id"]: r for r in data["ranking"]}
    assert by_id["A07"]["result"] == "displaced"
    assert by_id["A07"]["region"] == "경기도"
    assert by_id["A03"]["decided_by"] == "field:received_no"
    assert by_id["A03"]["reserve_rank"] == 1
    assert "index" not in by_id["A03"]


def test_report_data_states_the_rules_panels_and_recusals(result: EvaluationResult) -> None:
    data = report_data(result)
    document, site, presentation = data["spec"]["stages"]
    assert [c["id"] for c in document["criteria"]] == [
        "capability",
        "cluster_fit",
        "program_plan",
        "budget",
        "infrastructure",
    ]
    assert document["criteria"][0]["floor"] == 12
    assert (document["pass_mark"], document["advance"]["size"]) == (60, 10)
    assert document["bonus"] == {"field": "bonus_points", "cap": 3}
    assert (site["advance"]["size"], presentation["advance"]) == (7, None)
    final = data["spec"]["final"]
    assert [(w["stage"], w["share"]) for w in final["weights"]] == [
        ("site", 0.3),
        ("presentation", 0.7),
    ]
    assert [r["name"] for r in final["tie_breaks"]] == [
        "stage:presentation",
        "criterion:presentation.capability",
        "field:received_no",
    ]
    assert (final["slots"], final["reserves"]) == (5, 2)
    assert final["constraints"][0]["at_most"] == 2
    panel = data["panels"]["document"]
    assert [(m["evaluator_id"], m["external"]) for m in panel] == [
        ("E01", True),
        ("E02", True),
        ("E03", True),
        ("E04", True),
        ("E05", False),
        ("E06", False),
    ]
    recusals = [
        (r["evaluator_id"], r["kind_ko"], r["stage"], r["accepted"]) for r in data["recusals"]
    ]
    assert recusals == [
        ("E06", "회피", "document", True),
        ("E03", "제척", None, True),
        ("E02", "기피", "presentation", False),
    ]
    # the recusals shrank the panels: A01 at the document stage, A10 everywhere;
    # the rejected challenge left A04's presentation panel whole
    stages = {k: {r["applicant_id"]: r for r in v} for k, v in data["stages"].items()}
    assert stages["document"]["A01"]["panel_size"] == 5
    assert stages["document"]["A01"]["total"] == 79.0
    assert stages["presentation"]["A10"]["panel_size"] == 5
    assert stages["presentation"]["A04"]["panel_size"] == 6
    assert stages["site"]["A17"]["status"] == "failed_floor"
    assert stages["site"]["A17"]["applicant_name"] == "세종소공인지원재단"


def test_report_data_is_plain_json_with_nulls(result: EvaluationResult) -> None:
    data = report_data(result)
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)  # no NaN, no numpy
    assert json.loads(text) == data
    applicants = {r["applicant_id"]: r for r in data["applicants"]}
    assert len(applicants) == 13
    assert applicants["A02"]["final_score"] is None
    assert applicants["A02"]["rank"] is None
    assert isinstance(applicants["A04"]["rank"], int)
    assert data["robustness"] is None
    # every applicant who reached the document stage is explained: finalists by rank first
    explained = [e["applicant_id"] for e in data["explanations"]]
    finalists = ["A04", "A10", "A01", "A07", "A11", "A35", "A03"]
    assert explained == [*finalists, "A06", "A09", "A17", "A21"]
    assert data["explanations"][0]["ko"] == result.explain("A04", "ko")
    assert data["explanations"][3]["en"] == result.explain("A07", "en")


# -- the three formats ---------------------------------------------------------------------


def test_json_report_round_trips(result: EvaluationResult, tmp_path: Path) -> None:
    path = write_report(result, tmp_path / "report.json")
    assert path == tmp_path / "report.json"
    text = path.read_text(encoding="utf-8")
    assert "서울소공인지원재단" in text  # Korean kept as is
    data = json.loads(text)
    assert data["selected"] == list(result.selected_ids)
    assert data["reserves"] == list(result.reserve_ids)
    assert data == report_data(result)


def test_xlsx_report_has_every_sheet_and_agrees_with_the_result(
    result: EvaluationResult, tmp_path: Path
) -> None:
    path = write_report(result, tmp_path / "report.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == SHEETS
    applicants = book["신청기관"]
    rows = _sheet_rows(applicants)
    assert len(rows) == 13
    assert applicants.freeze_panes == "A2"
    assert all(cell.font.bold for cell in applicants[1])
    selected = [r["신청기관 ID"] for r in rows if r["결과"] == "선정"]
    assert sorted(selected) == sorted(result.selected_ids)
    a04 = next(r for r in rows if r["신청기관 ID"] == "A04")
    assert a04["기관명"] == SCRIPT_NAME  # a cell holds text, nothing to escape
    assert a04["최종 점수"] == 88.5
    names = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[list(rows[0]).index("기관명")]
    assert applicants.column_dimensions[names].width >= 20  # Korean names are wide
    document = _sheet_rows(book["서류검토"])
    a01 = next(r for r in document if r["신청기관 ID"] == "A01")
    assert (a01["결과"], a01["평가위원 수"], a01["단계 점수"]) == ("진출", 5, 79)
    assert "운영기관 역량 및 소공인 지원 실적 (30)" in a01
    total = book["서류검토"].cell(row=2, column=list(a01).index("단계 점수") + 1)
    assert total.number_format == "0.00"
    recusals = _sheet_rows(book["제척·기피·회피"])
    assert [(r["유형"], r["단계"], r["적용"]) for r in recusals] == [
        ("회피", "서류검토", "예"),
        ("제척", "전 단계", "예"),
        ("기피", "발표평가", "아니오"),
    ]
    assert len(_sheet_rows(book["원점수"])) == len(result.scores())
    assert len(_sheet_rows(book["세부점수"])) == len(result.breakdown())


def test_xlsx_summary_warns_and_lists_the_selection(
    result: EvaluationResult, tmp_path: Path
) -> None:
    book = openpyxl.load_workbook(write_report(result, tmp_path / "report.xlsx"))
    cells = [c for row in book["요약"].iter_rows() for c in row if c.value is not None]
    warning = next(c for c in cells if str(c.value).startswith("주의: 예시 평가표"))
    assert warning.font.bold
    assert warning.font.color.rgb == "FFC00000"
    texts = [str(c.value) for c in cells]
    assert "2024-05-01" in texts
    for applicant in SELECTED:
        assert applicant in texts
    # the explanations: every selected, then A07, A03 and A06 (the first three not selected)
    heads = [t for t in texts if t.startswith("A") and "): " in t]
    assert [h[:3] for h in heads] == [*SELECTED, "A07", "A03", "A06"]


def test_html_report_is_self_contained_escaped_and_printable(
    result: EvaluationResult, tmp_path: Path
) -> None:
    text = write_report(result, tmp_path / "report.html").read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    for applicant in SELECTED:
        assert applicant in text
    assert "주의: 예시 평가표" in text
    assert "2024-05-01" in text
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//)""", text)
    assert "src=" not in text
    assert "<script" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; 수원산업진흥원" in text
    assert "@media print" in text
    assert "break-inside: avoid" in text
    assert "size: A4" in text
    # the final ranking highlights the five selected; the reserve and the displaced have rows
    head = '<h3>최종 순위<span class="sub">Final ranking</span></h3>'
    summary = text.split('<section class="summary">')[1].split("</section>")[0]
    ranking = summary.split(head)[1]
    assert ranking.count('<tr class="selected">') == 5
    assert ranking.count('<tr class="reserve">') == 1
    assert ranking.count('<tr class="displaced">') == 1
    assert "경기도에서 이미 A04" in ranking  # the displaced applicant's reason
    for stage in ("서류검토", "현장실사", "발표평가"):
        assert f"<h3>{stage}<span" in text
    # each applicant who reached the document stage is explained
    assert text.count('<div class="explain') == 11
    assert "바로 위 기관과 최종 점수가 같아 &#x27;먼저 접수한 기관&#x27; 규칙" in text


def test_html_report_in_english_leads_with_english(
    result: EvaluationResult, tmp_path: Path
) -> None:
    text = write_report(result, tmp_path / "report.html", lang="en").read_text(encoding="utf-8")
    assert '<html lang="en">' in text
    assert '<h3>Final ranking<span class="sub">최종 순위</span></h3>' in text
    assert "Caution: An example evaluation" in text
    assert "Selected at rank 1" in text


def test_xlsx_report_in_english_names_its_sheets_in_english(
    result: EvaluationResult, tmp_path: Path
) -> None:
    book = openpyxl.load_workbook(write_report(result, tmp_path / "r.xlsx", lang="en"))
    assert book.sheetnames[:3] == ["Summary", "Applicants", "Document review"]


# -- robustness ----------------------------------------------------------------------------


def test_reports_include_the_robustness_tables_and_summary(
    result: EvaluationResult, tmp_path: Path
) -> None:
    robustness = FakeRobustness()
    data = report_data(result, robustness)
    assert data["robustness"]["resamples"] == 200
    assert data["robustness"]["summary"]["en"] == "Without E05 the set changes."
    assert data["robustness"]["tables"]["bootstrap"] == [
        {"applicant_id": "A04", "probability": 0.985},
        {"applicant_id": "A02", "probability": None},
    ]
    book = openpyxl.load_workbook(write_report(result, tmp_path / "r.xlsx", robustness=robustness))
    assert book.sheetnames == [*SHEETS, "평가위원 제외 분석", "재표본 선정확률"]
    assert _sheet_rows(book["재표본 선정확률"])[0] == {"신청기관 ID": "A04", "probability": "99 %"}
    leave = _sheet_rows(book["평가위원 제외 분석"])
    assert [r["selected_changed"] for r in leave] == ["아니오", "예"]
    summary = [c.value for row in book["요약"].iter_rows() for c in row]
    assert "E05를 빼면 선정 기관이 바뀝니다." in summary
    text = write_report(result, tmp_path / "r.html", robustness=robustness).read_text("utf-8")
    assert "E05를 빼면 선정 기관이 바뀝니다." in text
    assert "재표본 선정확률" in text
    assert "<td>99 %</td>" in text  # a probability as a percentage, half up
    saved = json.loads(write_report(result, tmp_path / "r.json", robustness=robustness).read_text())
    assert saved["robustness"] == data["robustness"]


# -- errors and details --------------------------------------------------------------------


def test_an_unknown_extension_is_refused_naming_the_allowed_ones(
    result: EvaluationResult, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match=r"report\.pdf.*\.xlsx, \.html, \.json"):
        write_report(result, tmp_path / "report.pdf")
    assert not (tmp_path / "report.pdf").exists()
    with pytest.raises(InputError, match="language"):
        write_report(result, tmp_path / "report.html", lang="fr")


def test_sheet_names_are_valid_and_unique() -> None:
    used: set[str] = set()
    long = "평가/위원:[제외]*분석?\\" * 4
    first = sheet_name(long, used)
    second = sheet_name(long, used)
    for name in (first, second):
        assert len(name) <= 31
        assert not set(name) & set("[]:*?/\\")
    assert first != second
    assert second.endswith(" (2)")


def test_importing_the_report_module_does_not_load_openpyxl() -> None:
    code = "import sys, selectlib.scoring.report; assert 'openpyxl' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
