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
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import attrs
import numpy as np
import pandas as pd

from selectlib.errors import InputError
from selectlib.profile.evaluation import EvaluationSpec, Stage
from selectlib.scoring.explain import RESULT_LABELS
from selectlib.scoring.inputs import RECUSAL_KINDS

if TYPE_CHECKING:
    from selectlib.scoring.pipeline import EvaluationResult

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


def pick(pair: Pair, lang: str) -> str:
    """The Korean or the English half of a label."""
    return pair[0] if lang == "ko" else pair[1]


def text_of(text: Any) -> Record | None:
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
        "profile": {"id": profile.id, "name": text_of(profile.name)},
        "date": prepared.on.isoformat(),
        "example": spec.example,
        "note": text_of(spec.note),
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
        from selectlib.scoring.reportxlsx import write_xlsx

        write_xlsx(data, target, lang)
    elif suffix == ".html":
        from selectlib.scoring.reporthtml import html_report

        target.write_text(html_report(data, lang), encoding="utf-8")
    else:
        target.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target
