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
}
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
