"""The content of an evaluation report, as plain JSON-ready data.

:func:`report_data` turns an :class:`~selectlib.scoring.EvaluationResult` (and optionally
a robustness report) into plain JSON-ready content. The xlsx and HTML writers only lay
that content out, so the three formats cannot disagree. Codes (``selected``,
``failed_floor``, ``document``) stay codes in the content and become Korean or English
labels only when laid out. Texts from input files (applicant names, reasons) are escaped
in HTML and cleaned of control characters in xlsx.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import attrs
import numpy as np
import pandas as pd

from selectlib.profile.evaluation import EvaluationSpec, Stage
from selectlib.scoring.inputs import RECUSAL_KINDS
from selectlib.scoring.report.labels import Record, text_of
from selectlib.scoring.result import RESULT_LABELS, EvaluationResult

__all__ = ["RobustnessLike", "report_data"]


class RobustnessLike(Protocol):
    """What a report needs of a robustness report: its tables, summary and settings."""

    @property
    def resamples(self) -> int: ...

    @property
    def seed(self) -> int: ...

    def tables(self) -> Mapping[str, pd.DataFrame]: ...

    def summary(self, lang: str = "ko") -> str: ...


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
        "assumptions": [
            {"where": a.where, "ko": a.text.ko, "en": a.text.en}
            for a in profile.assumptions(prepared.on)
        ],
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
