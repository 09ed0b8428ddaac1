"""The words of the reports: labels in Korean and English for codes and column names."""

from __future__ import annotations

from typing import Any

from selectlib.scoring.result import RESULT_LABELS

__all__ = [
    "AGGREGATE_LABELS",
    "ELIGIBILITY_LABELS",
    "HEADERS",
    "ROBUSTNESS_LABELS",
    "SHEETS",
    "STAGE_STATUSES",
    "TABLE_HEADERS",
    "VALUE_LABELS",
    "Pair",
    "Record",
    "pick",
    "text_of",
]

Record = dict[str, Any]
Pair = tuple[str, str]
"""A label in Korean and English."""

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
ASSUMPTIONS_TITLE: Pair = (
    "가정 (자료에 없어 프로필이 정한 내용)",
    "Assumptions (where the sources are silent, the profile's choice)",
)
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
    "bonus_points": ("가점 점수", "Bonus points"),
    "penalty_points": ("감점 점수", "Penalty points"),
    # robustness tables
    "name": ("성명", "Name"),
    "stages": ("참여 단계", "Stages"),
    "selected": ("선정 여부", "Selected"),
    "changed": ("선정 변동", "Selection changes"),
    "entered": ("새로 선정", "Newly selected"),
    "left": ("선정에서 빠짐", "No longer selected"),
    "unscorable": ("채점 불가", "Left unscored"),
    "quorum_lost": ("정족수 미달", "Quorum lost"),
    "selection_probability": ("선정 확률", "Selection probability"),
    "finalist_probability": ("최종 후보 확률", "Finalist probability"),
    "mean_final_rank": ("평균 최종 순위", "Mean final rank"),
    "n_scored": ("채점 기관 수", "Applicants scored"),
    "mean_total": ("평균 점수", "Mean total"),
    "sd_total": ("점수 표준편차", "SD of totals"),
    "panel_mean": ("다른 위원 평균", "Rest of the panel's mean"),
    "deviation": ("평균과의 차이", "Deviation"),
    "label": ("판정", "Verdict"),
    "n_applicants": ("기관 수", "Applicants"),
    "n_evaluators": ("평가위원 수", "Evaluators"),
    "kendall_w": ("일치도(켄달의 W)", "Kendall's W"),
    "chi2": ("카이제곱 통계량", "Chi-square"),
    "dof": ("자유도", "Degrees of freedom"),
    "p_value": ("유의확률", "p-value"),
    "interpretation": ("해석", "Interpretation"),
    "z_score": ("표준점수(z)", "z-score"),
    "z_rank": ("표준점수 순위", "Rank by z-score"),
    "rank_change": ("순위 변동", "Rank change"),
    "top": ("선정 범위 안", "In the top"),
    "z_top": ("표준점수로 선정 범위 안", "In the top by z-score"),
}
TABLE_HEADERS: dict[str, dict[str, Pair]] = {
    "leave_one_out": {
        "name": ("평가위원", "Evaluator"),
        "selected": ("그 위원을 뺀 선정 기관", "Selected without them"),
        "unscorable": ("채점 불가 기관", "Applicants left unscored"),
        "quorum_lost": ("정족수 미달 기관", "Applicants losing the quorum"),
    },
    "bootstrap": {
        "selected": ("실제 선정", "Selected"),
        "unscorable": ("채점 불가 횟수", "Draws left unscored"),
    },
}
"""Headers of a column whose meaning depends on the table (robustness tables by key)."""
VALUE_LABELS: dict[str, dict[str, Pair]] = {
    "label": {
        "lenient": ("후함", "lenient"),
        "severe": ("엄격함", "severe"),
        "typical": ("보통", "typical"),
    },
    "interpretation": {
        "strong": ("강함", "strong"),
        "moderate": ("보통", "moderate"),
        "weak": ("약함", "weak"),
    },
}
"""Labels of coded cells of the robustness tables, by column."""
STAGE_STATUSES = frozenset(
    ("advanced", "passed", "failed_floor", "failed_pass_mark", "not_in_top", "no_quorum")
)
"""Statuses of applicants who were at a stage (the others had left or never entered)."""


def pick(pair: Pair, lang: str) -> str:
    """The Korean or the English half of a label."""
    return pair[0] if lang == "ko" else pair[1]


def text_of(text: Any) -> Record | None:
    """A :class:`~selectlib.text.Text` as ``{"ko", "en"}``."""
    return None if text is None else {"ko": text.ko, "en": text.en}
