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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import selectlib
from selectlib.errors import InputError
from selectlib.scoring import EvaluationResult, Evaluator, Recusal, evaluate_selection
from selectlib.scoring.report import report_data, write_report

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
    ("A17", "세종소공인지원재단", "metro", 60, "nonprofit_corporation", "세종특별자치시", 16, 5, ""),
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
    return pd.DataFrame(rows, columns=["stage", "evaluator_id", "applicant_id", "criterion", "score"])


@pytest.fixture(scope="module")
def result() -> EvaluationResult:
    profile = selectlib.load_profile("micro_manufacturer_center_2024")
    return evaluate_selection(
        profile, _applicants(), _scores(profile), EVALUATORS, RECUSALS, on="2024-05-01"
    )
