"""The synthetic three-stage evaluation in sample_data/evaluation/ and the script that makes it.

The story the demo tells is checked here with the scoring primitives alone (trimmed_mean,
score_stage, rank, top, weighted_total), computed from the shipped files, independently
of the generator's own code: who fails a floor or the pass mark, who is cut, the tie at
the site line, the exact final tie and the rule that decides it, the displaced applicant.
"""

from __future__ import annotations

import runpy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

import selectlib
from selectlib.io import read_table, sample_data_dir
from selectlib.profile.evaluation import EvaluationSpec, Stage
from selectlib.scoring.exact import Exact
from selectlib.scoring.inputs import Evaluator, Recusal, read_evaluators, read_recusals
from selectlib.scoring.primitives import (
    Ranking,
    StageResult,
    StageRules,
    TieBreak,
    rank,
    score_stage,
    top,
    trimmed_mean,
    weighted_total,
)

FOLDER = sample_data_dir() / "evaluation"
FILES = ("evaluators.csv", "recusals.csv", "scores.csv")
ON = "2024-05-01"
ELIGIBLE = ["A01", "A03", "A04", "A06", "A07", "A09", "A10", "A11", "A17", "A21", "A35"]


@pytest.fixture(scope="module")
def spec(flagship: selectlib.Profile) -> EvaluationSpec:
    evaluation = flagship.spec.evaluation
    assert evaluation is not None
    return evaluation


@pytest.fixture(scope="module")
def applicants() -> pd.DataFrame:
    return read_table(sample_data_dir() / "applicants.csv").set_index("applicant_id")


@pytest.fixture(scope="module")
def evaluators() -> tuple[Evaluator, ...]:
    return read_evaluators(FOLDER / "evaluators.csv")


@pytest.fixture(scope="module")
def recusals() -> tuple[Recusal, ...]:
    return read_recusals(FOLDER / "recusals.csv")


@pytest.fixture(scope="module")
def scores() -> pd.DataFrame:
    frame = read_table(FOLDER / "scores.csv")
    return frame.assign(score=frame["score"].astype(float))


# -- the generator -------------------------------------------------------------------------


def test_generator_is_deterministic_and_made_the_shipped_files(tmp_path: Path) -> None:
    script = runpy.run_path(str(sample_data_dir() / "make_sample_evaluation.py"))
    first, second = tmp_path / "first", tmp_path / "second"
    story = script["write"](first)
    script["write"](second)
    for name in FILES:
        data = (first / name).read_bytes()
        assert data.startswith("\ufeff".encode()), name  # UTF-8 with BOM, for Excel
        assert data == (second / name).read_bytes(), name
        assert data == (FOLDER / name).read_bytes(), f"{name} differs: rerun the script"
    assert "displaced A07" in story


# -- the files -----------------------------------------------------------------------------


def test_the_committee(evaluators: tuple[Evaluator, ...], recusals: tuple[Recusal, ...]) -> None:
    assert [e.id for e in evaluators] == [f"E0{i}" for i in range(1, 8)]
    assert sum(e.external for e in evaluators) == 5
    assert [e.id for e in evaluators if e.sits_on("site")] == ["E01", "E02", "E04", "E05"]
    kinds = [(r.kind, r.accepted) for r in recusals]
    assert sorted(kinds) == [
        ("avoidance", True),
        ("challenge", False),
        ("challenge", True),
        ("exclusion", True),
    ]
    assert all(r.reason for r in recusals)


def test_every_id_exists_and_every_score_is_on_its_criterion_scale(
    scores: pd.DataFrame,
    spec: EvaluationSpec,
    evaluators: tuple[Evaluator, ...],
    applicants: pd.DataFrame,
) -> None:
    sitting = {(s, e.id) for s in spec.stage_ids for e in evaluators if e.sits_on(s)}
    assert set(zip(scores["stage"], scores["evaluator_id"], strict=True)) <= sitting
    assert set(scores["applicant_id"]) <= set(applicants.index)
    for stage in spec.stages:
        rows = scores[scores["stage"] == stage.id]
        maxima = {c.id: c.max_points for c in stage.criteria}
        assert set(rows["criterion"]) == set(maxima)
        top_marks = rows["criterion"].map(maxima)
        assert (rows["score"] >= 0).all()
        assert (rows["score"] <= top_marks).all()
        assert (rows["score"] * 2 % 1 == 0).all()  # whole or half points
        assert (rows["max_points"].astype(float) == top_marks).all()
    key = ["stage", "evaluator_id", "applicant_id", "criterion"]
    assert not scores.duplicated(key).any()


def test_recused_evaluators_have_no_scores(
    scores: pd.DataFrame, recusals: tuple[Recusal, ...], spec: EvaluationSpec
) -> None:
    scored = set(zip(scores["stage"], scores["evaluator_id"], scores["applicant_id"], strict=True))
    removed = [
        (s, r.evaluator_id, r.applicant_id)
        for r in recusals
        for s in spec.stage_ids
        if r.applies(s)
    ]
    assert ("site", "E01", "A04") in removed  # the avoidance is for the site only
    assert ("document", "E06", "A01") in removed  # the accepted challenge
    assert not scored & set(removed)
    # the rejected challenge does not remove anyone
    assert ("document", "E07", "A21") in scored
    assert ("presentation", "E07", "A21") in scored


# -- the story, with the scoring primitives ------------------------------------------------


@attrs.frozen
class Outcome:
    candidates: list[str]
    criteria: npt.NDArray[np.float64]
    result: StageResult
    ranking: Ranking
    advanced: list[str]

    def at(self, applicant: str) -> int:
        return self.candidates.index(applicant)

    def total(self, applicant: str) -> float:
        return float(self.result.totals[self.at(applicant)])

    def totals(self, applicants: list[str]) -> Exact:
        return self.result.exact_totals[[self.at(a) for a in applicants]]


def _panel(
    stage: Stage,
    applicant: str,
    evaluators: Sequence[Evaluator],
    recusals: Sequence[Recusal],
) -> list[Evaluator]:
    gone = {r.evaluator_id for r in recusals if r.applicant_id == applicant and r.applies(stage.id)}
    return [e for e in evaluators if e.sits_on(stage.id) and e.id not in gone]


def _stage(
    spec: EvaluationSpec,
    stage: Stage,
    candidates: list[str],
    data: dict[str, Any],
) -> Outcome:
    rows = data["scores"][data["scores"]["stage"] == stage.id]
    assert sorted(set(rows["applicant_id"])) == sorted(candidates)  # only those evaluated
    seats = [e.id for e in data["evaluators"] if e.sits_on(stage.id)]
    cube = np.full((len(candidates), len(seats), len(stage.criteria)), np.nan)
    for row in rows.itertuples():
        at = (
            candidates.index(row.applicant_id),
            seats.index(row.evaluator_id),
            stage.criterion_ids.index(row.criterion),
        )
        cube[at] = row.score
    for a, applicant in enumerate(candidates):
        panel = _panel(stage, applicant, data["evaluators"], data["recusals"])
        # every remaining panel member scored every criterion, and the quorum holds
        assert (~np.isnan(cube[a])).sum(axis=1).tolist() == [
            len(stage.criteria) if e in {p.id for p in panel} else 0 for e in seats
        ]
        assert len(panel) >= stage.panel.min_size
        assert sum(p.external for p in panel) / len(panel) >= stage.panel.min_external_share
    table = data["applicants"].loc[candidates]

    def points(field: str) -> npt.NDArray[np.float64]:
        return table[field].fillna("0").astype(float).to_numpy()

    criteria = trimmed_mean(cube).exact
    result = score_stage(
        StageRules.of(stage),
        criteria,
        bonus=points(stage.bonus.field) if stage.bonus else 0.0,
        penalty=points(stage.penalty.field) if stage.penalty else 0.0,
    )
    ranking = rank(result.exact_totals.numerators, eligible=result.passed)
    advanced = (
        top(ranking, stage.advance.size(spec.final.slots), stage.advance.at_line)
        if stage.advance
        else result.passed
    )
    chosen = [a for a, keep in zip(candidates, advanced.tolist(), strict=True) if keep]
    return Outcome(candidates, criteria.values, result, ranking, chosen)


@pytest.fixture(scope="module")
def stages(
    flagship: selectlib.Profile,
    spec: EvaluationSpec,
    scores: pd.DataFrame,
    evaluators: tuple[Evaluator, ...],
    recusals: tuple[Recusal, ...],
    applicants: pd.DataFrame,
) -> dict[str, Outcome]:
    data = {
        "scores": scores,
        "evaluators": evaluators,
        "recusals": recusals,
        "applicants": applicants,
    }
    decisions = flagship.evaluate_many(applicants.reset_index(), on=ON)
    candidates = applicants.index[(decisions["outcome"] == "eligible").to_numpy()].tolist()
    assert candidates == ELIGIBLE
    result = {}
    for stage in spec.stages:
        result[stage.id] = _stage(spec, stage, candidates, data)
        candidates = result[stage.id].advanced
    return result


def test_document_floor_fail_and_bonus(stages: dict[str, Outcome]) -> None:
    document = stages["document"]
    reasons = dict(zip(document.candidates, document.result.reasons(), strict=True))
    assert {a: r for a, r in reasons.items() if r} == {"A09": "floor:program_plan"}
    a09 = document.at("A09")
    assert document.criteria[a09, 2] == 10.0  # program_plan, floor 12
    assert document.total("A09") == 62.25  # above the pass mark: the floor alone fails it
    a17 = document.at("A17")
    assert document.result.raw_totals[a17] == 57.125  # below 60 on points
    assert document.total("A17") == 60.125  # + bonus 5 capped at 3
    assert document.total("A03") == document.result.raw_totals[document.at("A03")] - 2  # 감점
    assert len(document.advanced) == 10  # 2 × 5 slots, exactly the 10 who passed


def test_site_pass_mark_fail_tie_at_the_line_and_cut(stages: dict[str, Outcome]) -> None:
    site = stages["site"]
    assert site.candidates == [a for a in ELIGIBLE if a != "A09"]
    reasons = dict(zip(site.candidates, site.result.reasons(), strict=True))
    assert {a: r for a, r in reasons.items() if r} == {"A03": "pass_mark"}
    assert site.total("A03") == 55.5
    assert site.total("A21") == site.total("A35") == 72.0
    assert site.ranking.ranks[site.at("A21")] == site.ranking.ranks[site.at("A35")] == 7
    assert site.total("A17") == 69.5  # passed, 9th: cut by the top 1.4 × 5 = 7
    assert site.ranking.ranks[site.at("A17")] == 9
    assert site.advanced == ["A01", "A04", "A06", "A07", "A10", "A11", "A21", "A35"]


def test_everyone_passes_the_presentation(stages: dict[str, Outcome]) -> None:
    presentation = stages["presentation"]
    assert presentation.candidates == stages["site"].advanced
    assert presentation.result.passed.all()
    assert presentation.total("A21") == presentation.total("A35") == 77.0
    capability = presentation.criteria[:, 0]
    assert capability[presentation.at("A35")] == 31.0
    assert capability[presentation.at("A21")] == 30.0


def _chain(
    spec: EvaluationSpec, stages: dict[str, Outcome], finalists: list[str], table: pd.DataFrame
) -> list[TieBreak]:
    keys = []
    for rule in spec.final.tie_breaks:
        if rule.stage:
            key = [stages[rule.stage].total(a) for a in finalists]
        elif rule.criterion:
            stage_id, _, criterion = rule.criterion.partition(".")
            column = spec.stage(stage_id).criterion_ids.index(criterion)
            outcome = stages[stage_id]
            key = [float(outcome.criteria[outcome.at(a), column]) for a in finalists]
        else:
            key = table.loc[finalists, rule.field].astype(float).tolist()
        keys.append(TieBreak(rule.name, np.array(key), descending=rule.order == "higher"))
    return keys


def test_final_tie_chain_and_regional_balance(
    stages: dict[str, Outcome], spec: EvaluationSpec, applicants: pd.DataFrame
) -> None:
    finalists = stages["presentation"].advanced
    weights = spec.final_weights()
    assert weights == (("site", 30.0), ("presentation", 70.0))
    totals = [stages[s].totals(finalists) for s, _ in weights]
    final = weighted_total(totals, [w for _, w in weights]).values
    by_id = dict(zip(finalists, final.tolist(), strict=True))
    assert by_id["A21"] == by_id["A35"] == 75.5  # exactly: 0.3 × 72 + 0.7 × 77
    assert rank(final).ranks[finalists.index("A35")] == 6  # tied without the chain
    assert rank(final).ranks[finalists.index("A21")] == 6

    ranking = rank(final, _chain(spec, stages, finalists, applicants))
    assert not ranking.tied.any()
    order = [finalists[i] for i in np.argsort(ranking.ranks).tolist()]
    assert order == ["A04", "A11", "A10", "A01", "A07", "A35", "A21", "A06"]
    names = dict(zip(finalists, ranking.rule_names(), strict=True))
    # stage:presentation does not split them (77 each); the capability criterion does
    assert names["A21"] == "criterion:presentation.capability"

    (constraint,) = spec.final.constraints
    region = applicants["region"]
    selected: list[str] = []
    displaced: list[str] = []
    for applicant in order:
        same = [s for s in selected if region[s] == region[applicant]]
        if len(selected) < spec.final.slots:
            if len(same) >= constraint.at_most:
                displaced.append(applicant)
            else:
                selected.append(applicant)
    reserves = [a for a in order if a not in selected and a not in displaced]
    assert selected == ["A04", "A11", "A10", "A01", "A35"]
    assert displaced == ["A07"]
    assert region[["A04", "A10", "A07"]].tolist() == ["경기도"] * 3
    assert reserves[: spec.final.reserves] == ["A21", "A06"]


def test_one_evaluator_is_lenient_and_one_severe(scores: pd.DataFrame) -> None:
    share = scores["score"] / scores["max_points"].astype(float)
    cell = ["stage", "applicant_id", "criterion"]
    deviation = share - share.groupby([scores[c] for c in cell]).transform("median")
    by_evaluator = deviation.groupby(scores["evaluator_id"]).mean()
    assert by_evaluator.idxmax() == "E02"
    assert by_evaluator.idxmin() == "E05"
    assert by_evaluator["E02"] > 0.05
    assert by_evaluator["E05"] < -0.05
    assert by_evaluator.drop(["E02", "E05"]).abs().max() < 0.03
