"""Every key of the evaluation section is honoured or refused: none is accepted and ignored.

The test walks the published JSON Schema of ``evaluation:`` and, for each key it admits,
changes that key in the flagship's example evaluation and reruns the sample committee.
A rule (a number, a choice, a column) must change the outcome (statuses, totals, ranks,
results) or be refused with a located error; a label must change what the report or the
score sheet says. A key the schema admits and this registry does not know fails the test,
so a new key cannot be added without showing what it does.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import selectlib
from selectlib.errors import SelectlibError
from selectlib.io import read_table, sample_data_dir
from selectlib.profile.schema import PROFILE_SCHEMA
from selectlib.scoring import (
    EvaluationInputError,
    evaluate_selection,
    read_evaluators,
    read_recusals,
    read_scores,
    report_data,
    write_sheets,
)

FLAGSHIP = selectlib.load_profile("micro_manufacturer_center_2024")
BASE: dict[str, Any] = FLAGSHIP.to_dict()
FOLDER = sample_data_dir() / "evaluation"
APPLICANTS = read_table(sample_data_dir() / "applicants.csv")
EVALUATORS = read_evaluators(FOLDER / "evaluators.csv")
RECUSALS = read_recusals(FOLDER / "recusals.csv")
SCORES = read_scores(FOLDER / "scores.csv", FLAGSHIP.spec.evaluation)  # type: ignore[arg-type]

Edit = Callable[[dict[str, Any]], None]


def keys(schema: dict[str, Any], path: str = "") -> Iterator[str]:
    """Every key path the schema admits; ``*`` for a key chosen by the author (an id)."""
    properties = schema.get("properties", {})
    for name, child in properties.items():
        yield from keys(child, f"{path}.{name}" if path else name)
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        yield from keys(extra, f"{path}.*")
    if isinstance(schema.get("items"), dict):
        yield from keys(schema["items"], f"{path}[]")
    if not properties and not isinstance(extra, dict) and "items" not in schema and path:
        yield path


def _stage(data: dict[str, Any], stage: str) -> dict[str, Any]:
    stage_data: dict[str, Any] = data["evaluation"]["stages"][stage]
    return stage_data


def _final(data: dict[str, Any]) -> dict[str, Any]:
    final: dict[str, Any] = data["evaluation"]["final"]
    return final


def _set(stage: str, key: str, value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        _stage(data, stage)[key] = value

    return edit


def _set_in(stage: str, part: str, key: str, value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        _stage(data, stage).setdefault(part, {})[key] = value

    return edit


def _criterion(stage: str, criterion: str, key: str, value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        _stage(data, stage)["criteria"][criterion][key] = value

    return edit


def _final_set(key: str, value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        _final(data)[key] = value

    return edit


def _tie_break(index: int, key: str, value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        rule = _final(data)["tie_breaks"][index]
        if key in ("stage", "criterion", "field"):  # a rule names exactly one of them
            for kind in ("stage", "criterion", "field"):
                rule.pop(kind, None)
        rule[key] = value

    return edit


def _constraint(key: str, value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        _final(data)["constraints"][0][key] = value

    return edit


def _top(key: str, value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        data["evaluation"][key] = value

    return edit


def _advance_by_count(data: dict[str, Any]) -> None:
    _stage(data, "document")["advance"] = {"count": 4}


def _reserve_tie(data: dict[str, Any]) -> None:
    # no tie-breaks, no constraint: A35 and A21 tie at rank 6, the one reserve position
    _final(data).update(reserves=1, tie_breaks=[], constraints=[])


OUTCOME, REPORT, SHEET, REFUSED = "outcome", "report", "sheet", "refused"

#: key path → (what the key must change, the edit, an edit applied to both sides first)
REGISTRY: dict[str, tuple[str, Edit, Edit | None]] = {
    "example": (REPORT, _top("example", False), None),
    "note.ko": (REPORT, _top("note", {"ko": "다른 안내", "en": "x"}), None),
    "note.en": (REPORT, _top("note", {"ko": "x", "en": "Another note"}), None),
    "stages.*.label.ko": (REPORT, _set("site", "label", {"ko": "현장", "en": "Site"}), None),
    "stages.*.label.en": (REPORT, _set("site", "label", {"ko": "현장실사", "en": "Visit"}), None),
    "stages.*.criteria.*.ko": (REPORT, _criterion("document", "program_plan", "ko", "계획"), None),
    "stages.*.criteria.*.en": (REPORT, _criterion("document", "program_plan", "en", "Plan"), None),
    "stages.*.criteria.*.max_points": (
        REFUSED,
        _criterion("document", "capability", "max_points", 25),
        None,
    ),
    "stages.*.criteria.*.floor": (
        OUTCOME,
        _criterion("document", "capability", "floor", 20),
        None,
    ),
    "stages.*.criteria.*.guide.ko": (
        SHEET,
        _criterion("document", "capability", "guide", {"ko": "실적 위주", "en": "x"}),
        None,
    ),
    "stages.*.criteria.*.guide.en": (
        SHEET,
        _criterion("document", "capability", "guide", {"ko": "x", "en": "Track record"}),
        None,
    ),
    "stages.*.panel.aggregate": (
        OUTCOME,
        _set_in("presentation", "panel", "aggregate", "mean"),
        None,
    ),
    "stages.*.panel.min_size": (OUTCOME, _set_in("presentation", "panel", "min_size", 7), None),
    "stages.*.panel.min_external_share": (
        OUTCOME,
        _set_in("document", "panel", "min_external_share", 0.8),
        None,
    ),
    "stages.*.step": (REFUSED, _set("document", "step", 1), None),
    "stages.*.pass_mark": (OUTCOME, _set("document", "pass_mark", 70), None),
    "stages.*.bonus.field": (REFUSED, _set_in("document", "bonus", "field", "no_column"), None),
    "stages.*.bonus.cap": (OUTCOME, _set_in("document", "bonus", "cap", 0), None),
    "stages.*.penalty.field": (
        REFUSED,
        _set_in("document", "penalty", "field", "no_column"),
        None,
    ),
    "stages.*.penalty.cap": (OUTCOME, _set_in("document", "penalty", "cap", 1), None),
    "stages.*.advance.multiple": (OUTCOME, _set_in("document", "advance", "multiple", 1), None),
    "stages.*.advance.count": (OUTCOME, _advance_by_count, None),
    "stages.*.advance.at_line": (OUTCOME, _set_in("site", "advance", "at_line", "exclude"), None),
    "final.slots": (OUTCOME, _final_set("slots", 4), None),
    "final.assumption": (REPORT, _final_set("assumption", {"ko": "가정", "en": "assumed"}), None),
    "final.reserves": (OUTCOME, _final_set("reserves", 1), None),
    "final.weights.*": (OUTCOME, _final_set("weights", {"site": 50, "presentation": 50}), None),
    "final.tie_breaks[].stage": (OUTCOME, _tie_break(0, "stage", "document"), None),
    "final.tie_breaks[].criterion": (
        OUTCOME,
        _tie_break(1, "criterion", "presentation.strategy"),
        None,
    ),
    "final.tie_breaks[].field": (REFUSED, _tie_break(2, "field", "no_column"), None),
    "final.tie_breaks[].order": (OUTCOME, _tie_break(1, "order", "lower"), None),
    "final.tie_breaks[].label.ko": (
        REPORT,
        _tie_break(1, "label", {"ko": "역량", "en": "higher capability score in the presentation"}),
        None,
    ),
    "final.tie_breaks[].label.en": (
        REPORT,
        _tie_break(1, "label", {"ko": "센터 운영 역량 점수가 높은 기관", "en": "capability"}),
        None,
    ),
    "final.constraints[].field": (REFUSED, _constraint("field", "no_column"), None),
    "final.constraints[].at_most": (OUTCOME, _constraint("at_most", 3), None),
    "final.constraints[].label.ko": (
        REPORT,
        _constraint("label", {"ko": "지역", "en": "regional balance (at most 2 per province)"}),
        None,
    ),
    "final.constraints[].label.en": (
        REPORT,
        _constraint("label", {"ko": "지역 균형 (시·도별 최대 2개)", "en": "region"}),
        None,
    ),
    "final.reserve_at_line": (OUTCOME, _final_set("reserve_at_line", "exclude"), _reserve_tie),
}


def run(data: dict[str, Any]) -> Any:
    profile = selectlib.Profile.from_dict(data)
    scores = SCORES  # read once: the pipeline checks every score against the edited rules
    return evaluate_selection(profile, APPLICANTS, scores, EVALUATORS, RECUSALS, on="2024-05-01")


@functools.cache
def _outcome(text: str) -> str:
    table = run(json.loads(text)).table()
    columns = [c for c in table.columns if not c.startswith("reason")]
    return str(table[columns].to_csv(index=False))


def outcome(data: dict[str, Any]) -> str:
    """The results of every applicant (each profile evaluated once per test session)."""
    return _outcome(json.dumps(data))  # not sorted: the order of the stages matters


def report(data: dict[str, Any]) -> str:
    content = report_data(run(data))
    del content["spec"]  # the rules echoed back do not count: what is said about them does
    return json.dumps(content, ensure_ascii=False, sort_keys=True, default=str)


def sheet(data: dict[str, Any], folder: Path) -> str:
    profile = selectlib.Profile.from_dict(data)
    assert profile.spec.evaluation is not None
    two = APPLICANTS.head(2)
    paths = write_sheets(profile.spec.evaluation, "document", two, EVALUATORS[:1], folder)
    book = openpyxl.load_workbook(paths[0])
    return "\n".join(str(c.value) for row in book["안내"].iter_rows() for c in row)


def test_the_registry_covers_every_key_of_the_schema() -> None:
    admitted = set(keys(PROFILE_SCHEMA["properties"]["evaluation"]))
    assert admitted == set(REGISTRY)


@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_each_key_changes_a_result_or_is_refused(key: str, tmp_path: Path) -> None:
    kind, edit, setup = REGISTRY[key]
    before = copy.deepcopy(BASE)
    if setup is not None:
        setup(before)
    after = copy.deepcopy(before)
    edit(after)
    assert after != before, "the edit must change the profile"
    if kind == REFUSED:
        with pytest.raises((SelectlibError, EvaluationInputError)) as info:
            run(after)
        assert str(info.value)  # located messages are checked by the error tests
        return
    if kind == SHEET:
        assert sheet(after, tmp_path / "after") != sheet(before, tmp_path / "before")
        return
    see = outcome if kind == OUTCOME else report
    assert see(after) != see(before), f"changing {key} changed nothing"
