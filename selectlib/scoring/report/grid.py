"""Laying out report content as tables: headers and cells in Korean or English."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import attrs

from selectlib.scoring.display import percent, shown
from selectlib.scoring.inputs import RECUSAL_KINDS
from selectlib.scoring.report.labels import (
    ELIGIBILITY_LABELS,
    HEADERS,
    ROBUSTNESS_LABELS,
    STAGE_STATUSES,
    TABLE_HEADERS,
    VALUE_LABELS,
    Pair,
    Record,
    pick,
)
from selectlib.scoring.result import RESULT_LABELS, STATUS_LABELS

__all__ = [
    "Grid",
    "example_warning",
    "field_label",
    "layout",
    "robustness_title",
    "stage_labels",
    "stage_rows",
]


@attrs.frozen
class Grid:
    """A table laid out for people: headers (main, subtitle), cells, a class per row."""

    headers: list[Pair]
    rows: list[list[Any]]
    classes: list[str]
    keys: list[str] = attrs.field(factory=list)
    """The content's column keys (for the HTML cells' classes); may be empty."""


def stage_labels(data: Record) -> dict[str, Pair]:
    """Each stage id's label in Korean and English."""
    return {s["id"]: (s["label"]["ko"], s["label"]["en"]) for s in data["spec"]["stages"]}


def _criteria(data: Record, stage_id: str | None) -> dict[str, Record]:
    """A stage's criteria by id (none for an unknown stage)."""
    for stage in data["spec"]["stages"]:
        if stage["id"] == stage_id:
            return {c["id"]: c for c in stage["criteria"]}
    return {}


def _header(key: str, data: Record, stage_id: str | None, table: str | None = None) -> Pair:
    """A column's label in Korean and English."""
    if key in TABLE_HEADERS.get(table or "", {}):
        return TABLE_HEADERS[str(table)][key]
    if key in HEADERS:
        return HEADERS[key]
    stage, _, part = key.partition(".")
    labels = stage_labels(data)
    if stage in labels and part in ("status", "total"):
        ko, en = labels[stage]
        return (f"{ko} 결과", f"{en} status") if part == "status" else (ko, en)
    criterion = _criteria(data, stage_id).get(key)
    if criterion is not None:
        points = f" ({criterion['max_points']:g})"
        return criterion["ko"] + points, criterion["en"] + points
    return key, key


def field_label(name: str) -> Pair:
    """An applicants' column named in a sentence: its label, else the name itself."""
    return HEADERS.get(name, (name, name))


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
        return stage_labels(data).get(value)
    if key == "kind" and value in RECUSAL_KINDS:
        return RECUSAL_KINDS[value].ko, value
    if key == "criterion":
        criterion = _criteria(data, record.get("stage")).get(value)
        return None if criterion is None else (criterion["ko"], criterion["en"])
    if key in VALUE_LABELS:
        return VALUE_LABELS[key].get(value)
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
        return pick(("예", "yes") if value else ("아니오", "no"), lang)
    if key == "stage" and value is None and "kind" in record:
        return pick(("전 단계", "every stage"), lang)
    if isinstance(value, float) and key.endswith("probability"):
        return percent(value)
    if isinstance(value, float) and key == "p_value":
        return "< 0.001" if value < 0.001 else shown(value, 3)
    label = _label(key, value, record, data)
    return value if label is None else pick(label, lang)


def layout(
    records: Sequence[Record],
    data: Record,
    lang: str,
    stage_id: str | None = None,
    table: str | None = None,
) -> Grid:
    """Records as a grid with labelled headers and cells; ``reason_ko``/``_en`` → one column.

    ``table`` names a robustness table, whose columns may have headers of their own."""
    keys = list(records[0]) if records else []
    other = "reason_en" if lang == "ko" else "reason_ko"
    keys = [k for k in keys if k != other and k != "kind_ko"]
    headers = [
        _header("reason" if k.startswith("reason_") else k, data, stage_id, table) for k in keys
    ]
    if lang != "ko":
        headers = [(en, ko) for ko, en in headers]
    rows = [[_cell(k, r.get(k), r, data, lang) for k in keys] for r in records]
    classes = [str(r.get("result") or r.get("status") or "") for r in records]
    return Grid(headers, rows, classes, keys)


def stage_rows(records: Sequence[Record]) -> list[Record]:
    """The rows of applicants who were at the stage."""
    return [r for r in records if r.get("status") in STAGE_STATUSES]


def robustness_title(key: str) -> Pair:
    """The Korean and English title of a robustness table."""
    return ROBUSTNESS_LABELS.get(key, (key, key))


def example_warning(data: Record, lang: str) -> str:
    """The caution printed first when the evaluation is an example to edit."""
    note = data["note"][lang] if data["note"] else ""
    if note:  # the note says it is an example: said once
        return pick(("주의: ", "Caution: "), lang) + note
    return pick(("주의: 예시 평가표입니다.", "Caution: an example evaluation."), lang)
