"""Evaluators and recusals: reading the committee's tables, checking every row.

Both tables may come from CSV or Excel with English or Korean column names. Every row is
checked and every problem reported at once (:class:`EvaluationInputError`), each naming
its file, row and column.

Evaluators: ``evaluator_id``, ``name``, ``external`` (yes/no), optional ``stages`` (stage
ids separated by ``;``; empty means every stage).

Recusals: ``evaluator_id``, ``applicant_id``, ``kind`` (``exclusion``/``challenge``/
``avoidance`` or 제척/기피/회피), optional ``stage`` (empty: every stage), ``decision``
(for a challenge: ``accepted``/``rejected`` or 인용/기각), ``reason``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs
import pandas as pd

from selectlib.errors import Problem
from selectlib.io.tables import read_table
from selectlib.scoring.errors import EvaluationInputError
from selectlib.text import Text

__all__ = [
    "RECUSAL_KINDS",
    "Evaluator",
    "Recusal",
    "column_names",
    "parse_evaluators",
    "parse_recusals",
    "read_evaluators",
    "read_recusals",
    "text_cell",
]

RECUSAL_KINDS: dict[str, Text] = {
    "exclusion": Text("제척", "exclusion (mandatory: a party, a relative, or an adviser)"),
    "challenge": Text("기피", "challenge (asked by the applicant, decided by the committee)"),
    "avoidance": Text("회피", "avoidance (the evaluator steps aside)"),
}
"""The three kinds of recusal in Korean evaluation rules, by code."""

T = TypeVar("T")

EVALUATOR_COLUMNS = {
    "평가위원id": "evaluator_id",
    "평가위원": "evaluator_id",
    "위원id": "evaluator_id",
    "성명": "name",
    "위원명": "name",
    "이름": "name",
    "외부위원": "external",
    "외부": "external",
    "단계": "stages",
    "참여단계": "stages",
}
RECUSAL_COLUMNS = {
    "평가위원id": "evaluator_id",
    "평가위원": "evaluator_id",
    "신청기관id": "applicant_id",
    "신청기관": "applicant_id",
    "유형": "kind",
    "구분": "kind",
    "단계": "stage",
    "결정": "decision",
    "사유": "reason",
}
KIND_ALIASES = {
    **{code: code for code in RECUSAL_KINDS},
    **{text.ko: code for code, text in RECUSAL_KINDS.items()},
}
DECISIONS = {"accepted": True, "인용": True, "rejected": False, "기각": False}
YES = {"yes", "y", "true", "1", "o", "예", "외부", "external"}
NO = {"no", "n", "false", "0", "x", "아니오", "내부", "internal"}


@attrs.frozen
class Evaluator:
    """A committee member: id, name, external or internal, and the stages sat on.

    ``stages`` empty means every stage.
    """

    id: str
    name: str
    external: bool
    stages: tuple[str, ...] = ()

    def sits_on(self, stage: str) -> bool:
        """Whether the evaluator scores ``stage``."""
        return not self.stages or stage in self.stages


@attrs.frozen
class Recusal:
    """An evaluator who does not score an applicant: 제척, 기피 or 회피.

    A challenge (기피) takes effect only when the committee accepted it; a rejected one
    is kept and reported, and the evaluator's scores count.
    """

    evaluator_id: str
    applicant_id: str
    kind: str
    stage: str | None = None
    accepted: bool = True
    reason: str = ""
    where: str = ""

    def applies(self, stage: str) -> bool:
        """Whether the recusal removes the evaluator's scores at ``stage``."""
        return self.accepted and (self.stage is None or self.stage == stage)


def text_cell(value: Any) -> str:
    """A cell as stripped text, '' for empty; numbers read as ``7.0`` become ``"7"``."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _column(column: object, aliases: Mapping[str, str]) -> str:
    """A column's name as read: its alias (spaces and ``_`` ignored), else stripped, lower."""
    key = str(column).strip().lower().replace(" ", "").replace("_", "")
    return next(
        (v for k, v in aliases.items() if k.replace("_", "") == key), str(column).strip().lower()
    )


def column_names(columns: Iterable[object], aliases: Mapping[str, str]) -> set[str]:
    """The names ``columns`` are read as, given a table's Korean ``aliases``."""
    return {_column(c, aliases) for c in columns}


def _columns(frame: pd.DataFrame, aliases: Mapping[str, str]) -> pd.DataFrame:
    return frame.rename(columns={c: _column(c, aliases) for c in frame.columns})


def _rows(
    frame: pd.DataFrame,
    name: str,
    aliases: Mapping[str, str],
    required: Sequence[str],
    parse: Callable[[dict[str, str], str, list[Problem]], T | None],
) -> tuple[T, ...]:
    frame = _columns(frame, aliases)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise EvaluationInputError(
            [
                Problem(
                    name,
                    f"no column {', '.join(missing)}",
                    f"the columns are {', '.join(map(str, frame.columns))}; add or rename them",
                )
            ]
        )
    problems: list[Problem] = []
    items = []
    for number, record in enumerate(frame.to_dict("records"), start=2):
        cells = {str(k): text_cell(v) for k, v in record.items()}
        item = parse(cells, f"{name}, row {number}", problems)
        if item is not None:
            items.append(item)
    if problems:
        raise EvaluationInputError(problems)
    return tuple(items)


def _evaluator(cells: dict[str, str], where: str, problems: list[Problem]) -> Evaluator | None:
    ok = True
    if not cells["evaluator_id"]:
        problems.append(Problem(f"{where}, column evaluator_id", "empty id", "give an id"))
        ok = False
    flag = cells.get("external", "").lower()
    if flag not in YES | NO:
        problems.append(
            Problem(
                f"{where}, column external",
                f"{cells.get('external', '')!r} is not yes or no",
                "write yes for an external member, no for an internal one (예/아니오 too)",
            )
        )
        ok = False
    stages = tuple(s.strip() for s in cells.get("stages", "").replace(",", ";").split(";"))
    if not ok:
        return None
    return Evaluator(
        id=cells["evaluator_id"],
        name=cells.get("name", "") or cells["evaluator_id"],
        external=flag in YES,
        stages=tuple(s for s in stages if s),
    )


def _recusal(cells: dict[str, str], where: str, problems: list[Problem]) -> Recusal | None:
    found = len(problems)
    for column in ("evaluator_id", "applicant_id"):
        if not cells[column]:
            problems.append(Problem(f"{where}, column {column}", "empty", "give the id"))
    kind = KIND_ALIASES.get(cells["kind"].lower()) or KIND_ALIASES.get(cells["kind"])
    if kind is None:
        problems.append(
            Problem(
                f"{where}, column kind",
                f"unknown recusal kind {cells['kind']!r}",
                "write exclusion (제척), challenge (기피) or avoidance (회피)",
            )
        )
    decision = cells.get("decision", "").lower()
    accepted = True
    if kind == "challenge":
        if decision not in DECISIONS:
            problems.append(
                Problem(
                    f"{where}, column decision",
                    "a challenge (기피) needs the committee's decision"
                    + (f" (got {decision!r})" if decision else ""),
                    "write accepted (인용) or rejected (기각)",
                )
            )
        accepted = DECISIONS.get(decision, True)
    elif decision and not DECISIONS.get(decision, False):
        problems.append(
            Problem(
                f"{where}, column decision",
                f"a {kind} always applies; {decision!r} makes no sense here",
                "leave the decision empty, or write accepted",
            )
        )
    if len(problems) > found or kind is None:
        return None
    return Recusal(
        evaluator_id=cells["evaluator_id"],
        applicant_id=cells["applicant_id"],
        kind=kind,
        stage=cells.get("stage") or None,
        accepted=accepted,
        reason=cells.get("reason", ""),
        where=where,
    )


def parse_evaluators(frame: pd.DataFrame, name: str = "evaluators") -> tuple[Evaluator, ...]:
    """The evaluators of a table; ids must be unique."""
    evaluators = _rows(frame, name, EVALUATOR_COLUMNS, ("evaluator_id", "external"), _evaluator)
    seen: dict[str, int] = {}
    problems = []
    for number, evaluator in enumerate(evaluators, start=2):
        if evaluator.id in seen:
            problems.append(
                Problem(
                    f"{name}, row {number}",
                    f"evaluator {evaluator.id!r} is listed twice"
                    f" (first in row {seen[evaluator.id]})",
                    "give each evaluator one row",
                )
            )
        seen.setdefault(evaluator.id, number)
    if problems:
        raise EvaluationInputError(problems)
    return evaluators


def parse_recusals(frame: pd.DataFrame, name: str = "recusals") -> tuple[Recusal, ...]:
    """The recusals of a table (the ids are checked against the evaluation later)."""
    return _rows(frame, name, RECUSAL_COLUMNS, ("evaluator_id", "applicant_id", "kind"), _recusal)


def read_evaluators(path: str | Path) -> tuple[Evaluator, ...]:
    """:func:`parse_evaluators` of a CSV, Excel, Parquet or JSON file."""
    return parse_evaluators(read_table(path), Path(path).name)


def read_recusals(path: str | Path) -> tuple[Recusal, ...]:
    """:func:`parse_recusals` of a CSV, Excel, Parquet or JSON file."""
    return parse_recusals(read_table(path), Path(path).name)
