"""The robustness report: leave-one-out, the panel bootstrap, leniency, Kendall's W, z-scores.

Small committees built by hand keep every number checkable in a comment. The simulation
behind the bootstrap and leave-one-out is checked against the pipeline itself: re-running
the identity draw (each member once) must give the actual result, and any draw must give
what :func:`run_evaluation` gives for a committee that literally consists of the drawn
members (duplicates as separate members), with the quorum taken from the real committee.
"""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import examples, one_rule_profile

import selectlib
from selectlib.io import read_table, sample_data_dir
from selectlib.scoring import (
    EvaluationInputError,
    EvaluationResult,
    Evaluator,
    Recusal,
    prepare_evaluation,
    read_evaluators,
    read_recusals,
    run_evaluation,
)
from selectlib.scoring.aggregate import mean, trimmed_mean
from selectlib.scoring.closedform import closed_form, extreme_tables
from selectlib.scoring.draws import identity_draws, leave_one_out_draws
from selectlib.scoring.panels import kendall_w
from selectlib.scoring.resample import Simulation, simulate
from selectlib.scoring.robust import robustness

FloatArray = npt.NDArray[np.float64]
Scores = Mapping[str, tuple[Sequence[str], Sequence[str], npt.ArrayLike]]
"""Per stage: evaluator ids, criterion ids, scores ``(applicants, evaluators, criteria)``."""


def make_profile(stages: Mapping[str, Any], final: Mapping[str, Any]) -> selectlib.Profile:
    """A one-rule profile (``x >= 0``, everyone eligible) with this evaluation section."""
    profile: selectlib.Profile = one_rule_profile(stages, final, "robust_program")
    return profile


def stage(criteria: Mapping[str, float], **rules: Any) -> dict[str, Any]:
    """A stage section: criteria id → max points, then panel/pass_mark/advance/... as given."""
    return {
        "label": {"ko": "단계", "en": "Stage"},
        "criteria": {c: {"ko": c, "en": c, "max_points": p} for c, p in criteria.items()},
        **rules,
    }


def applicants(count: int, **columns: Sequence[Any]) -> pd.DataFrame:
    data: dict[str, Any] = {
        "applicant_id": [f"A{i}" for i in range(1, count + 1)],
        "x": ["1"] * count,
        "received": [str(i) for i in range(1, count + 1)],
        "region": ["R"] * count,
        "bonus": [""] * count,
    }
    data.update({k: list(v) for k, v in columns.items()})
    return pd.DataFrame(data)


def long_scores(ids: Sequence[str], scores: Scores) -> pd.DataFrame:
    """The long score format from per-stage arrays; ``NaN`` cells are left out."""
    rows = []
    for stage_id, (evaluators, criteria, values) in scores.items():
        array = np.asarray(values, dtype=np.float64)
        for a, e, c in np.argwhere(np.isfinite(array)).tolist():
            rows.append(
                {
                    "stage": stage_id,
                    "evaluator_id": evaluators[e],
                    "applicant_id": ids[a],
                    "criterion": criteria[c],
                    "score": float(array[a, e, c]),
                }
            )
    return pd.DataFrame(
        rows, columns=["stage", "evaluator_id", "applicant_id", "criterion", "score"]
    )


def evaluate(
    profile: selectlib.Profile,
    table: pd.DataFrame,
    scores: Scores,
    evaluators: Sequence[Evaluator],
    recusals: Sequence[Recusal] = (),
) -> EvaluationResult:
    ids = list(table["applicant_id"])
    prepared = prepare_evaluation(
        profile, table, long_scores(ids, scores), evaluators, recusals, on="2024-05-01"
    )
    return run_evaluation(prepared)


def expected_credit(result: EvaluationResult) -> FloatArray:
    """1 per selected applicant; a tie across the line shares the open seats (at most 1)."""
    selection = result.selection
    tied = int(selection.unresolved.sum())
    share = min(1.0, selection.open_slots / tied) if tied else 0.0
    return selection.selected + selection.unresolved * share


def assert_reproduces(result: EvaluationResult, count: int = 2) -> None:
    simulation = simulate(result, identity_draws(result, count))
    for draw in range(count):
        assert_same_selection(simulation, draw, result)
    assert not simulation.unscorable.any()


def assert_same_selection(simulation: Simulation, draw: int, result: EvaluationResult) -> None:
    """Draw ``draw`` of the simulation has the finalists, ranks and selection of ``result``."""
    np.testing.assert_array_equal(simulation.finalists[draw], result.finalists)
    np.testing.assert_array_equal(simulation.ranks[draw], result.ranking.ranks)
    np.testing.assert_array_equal(simulation.selected[draw], result.selection.selected)
    np.testing.assert_array_equal(simulation.credit[draw], expected_credit(result))


def panel(count: int, external: int | None = None) -> list[Evaluator]:
    """E1..E<count>; the first ``external`` (default all) are external members."""
    limit = count if external is None else external
    return [Evaluator(f"E{i}", f"위원{i}", external=i <= limit) for i in range(1, count + 1)]


# -- a one-stage committee: 5 evaluators, one 100-point criterion, 2 slots -----------------

ONE_STAGE = make_profile(
    {"paper": stage({"q": 100}, panel={"aggregate": "trimmed_mean", "min_size": 3})},
    {"slots": 2, "reserves": 1, "tie_breaks": [{"field": "received", "order": "lower"}]},
)


def one_stage(rows: Sequence[Sequence[float]], **columns: Sequence[Any]) -> EvaluationResult:
    """Applicants A1.. with the given five scores each on the one criterion."""
    cube = np.asarray(rows, dtype=np.float64)[:, :, None]
    ids = ("E1", "E2", "E3", "E4", "E5")
    return evaluate(
        ONE_STAGE, applicants(len(rows), **columns), {"paper": (ids, ["q"], cube)}, panel(5)
    )


def swing_case() -> EvaluationResult:
    # A1 is first. A2: 70 from everyone → 70. A3: 60 70 70 90 90 → drop 90 and 60 →
    # (70 + 70 + 90) / 3 = 76.67, selected. Without E4 or E5 (a 90): 60 70 70 90 → 70,
    # tied with A2, and A2 applied earlier (received 2 < 3): A2 in, A3 out. Without E1,
    # E2 or E3: e.g. 70 70 90 90 → 80, nothing changes.
    return one_stage([[95] * 5, [70] * 5, [60, 70, 70, 90, 90]])


def test_leave_one_out_finds_the_evaluators_whose_absence_changes_the_selection() -> None:
    result = swing_case()
    assert result.selected_ids == ("A1", "A3")
    table = robustness(result, resamples=20).leave_one_out.set_index("evaluator_id")
    assert table["changed"].tolist() == [False, False, False, True, True]
    assert table.loc["E4", "selected"] == "A1, A2"
    assert (table.loc["E5", "entered"], table.loc["E5", "left"]) == ("A2", "A3")
    assert table.loc["E1", "entered"] == table.loc["E1", "left"] == ""
    # four members still make the quorum of 3, and everyone was scored by everyone
    assert (table["unscorable"] == "").all()
    assert (table["quorum_lost"] == "").all()
    assert table.loc["E2", "stages"] == "paper"
    assert list(table.reset_index().columns) == [
        "evaluator_id",
        "name",
        "external",
        "stages",
        "selected",
        "changed",
        "entered",
        "left",
        "unscorable",
        "quorum_lost",
    ]
    # where the quorum holds, the simulation is the pipeline run without the evaluator
    for evaluator in ("E1", "E4"):
        without = run_evaluation(result.prepared, without={evaluator})
        assert table.loc[evaluator, "selected"] == ", ".join(without.selected_ids)
    # the result itself is untouched
    assert result.selected_ids == ("A1", "A3")
    assert result.left_out == ()


def test_summary_names_the_change_in_both_languages() -> None:
    report = robustness(swing_case(), resamples=50)
    en, ko = report.summary("en"), report.summary("ko")
    assert en.startswith(
        "Leaving out one evaluator changes the selection for 2 of 5 evaluators "
        "(without E4, A2 would be selected instead of A3)."
    )
    assert ko.startswith(
        "평가위원 5명 중 2명은 빼면 선정 결과가 바뀝니다(예: E4을(를) 빼면 A3 대신 A2 선정)."
    )
    assert "the least certain selected applicant is" in en
    assert "Kendall's W" in en
    assert "quorum" not in en
    assert "정족수" not in ko
    assert 3 <= sentences(en) <= 6
    assert 3 <= sentences(ko) <= 6
    assert list(report.tables()) == [
        "leave_one_out",
        "bootstrap",
        "leniency",
        "agreement",
        "normalised",
    ]


def sentences(text: str) -> int:
    """Sentences in a summary: each ends with a full stop and a space (or the end)."""
    return text.count(". ") + text.endswith(".")


def test_an_unchanged_selection_is_said_plainly() -> None:
    # A1 and A2 far ahead of A3 whoever leaves
    report = robustness(one_stage([[90] * 5, [85] * 5, [40] * 5]), resamples=30)
    assert not report.leave_one_out["changed"].any()
    assert report.summary("ko").startswith("평가위원 1명을 빼도 선정 결과는 같습니다.")
    assert report.summary("en").startswith(
        "Leaving out any one evaluator keeps the same selection."
    )
    bootstrap = report.bootstrap.set_index("applicant_id")
    assert bootstrap["selection_probability"].to_dict() == {"A1": 1.0, "A2": 1.0, "A3": 0.0}
    assert bootstrap.loc["A1", "mean_final_rank"] == 1.0


# -- the bootstrap -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> EvaluationResult:
    folder = sample_data_dir() / "evaluation"
    scores = read_table(folder / "scores.csv")
    prepared = prepare_evaluation(
        selectlib.load_profile("micro_manufacturer_center_2024"),
        read_table(sample_data_dir() / "applicants.csv"),
        scores.assign(score=scores["score"].astype(float)),
        read_evaluators(folder / "evaluators.csv"),
        read_recusals(folder / "recusals.csv"),
        on="2024-05-01",
    )
    return run_evaluation(prepared)


def test_identity_draw_reproduces_the_sample_selection(sample: EvaluationResult) -> None:
    assert len(sample.selected_ids) == 5
    assert_reproduces(sample, count=3)


def test_identity_draw_reproduces_a_result_computed_without_an_evaluator(
    sample: EvaluationResult,
) -> None:
    without = run_evaluation(sample.prepared, without={"E03"})
    assert without.selected_ids != sample.selected_ids
    assert_reproduces(without)
    assert all(
        len(d[0]) == len(c.evaluator_ids) - ("E03" in c.evaluator_ids)
        for d, c in zip(identity_draws(without), without.prepared.cubes, strict=True)
    )


def test_bootstrap_probabilities_are_shares_and_fill_at_most_the_slots(
    sample: EvaluationResult,
) -> None:
    table = robustness(sample, resamples=300, seed=3).bootstrap
    reached = int(sample.stages[0].candidates.sum())
    assert len(table) == reached
    for column in ("selection_probability", "finalist_probability"):
        assert table[column].between(0, 1).all()
    assert (table["selection_probability"] <= table["finalist_probability"] + 1e-12).all()
    assert table["selection_probability"].sum() <= sample.spec.final.slots + 1e-9
    assert set(table.loc[table["selected"], "applicant_id"]) == set(sample.selected_ids)
    finalists = table["finalist_probability"] > 0
    assert table.loc[finalists, "mean_final_rank"].between(1, reached).all()
    assert table.loc[~finalists, "mean_final_rank"].isna().all()
    assert table["unscorable"].between(0, 300).all()
    assert list(table.columns) == [
        "applicant_id",
        "selected",
        "selection_probability",
        "finalist_probability",
        "mean_final_rank",
        "unscorable",
    ]


def test_the_sample_report_measures_the_scores_not_the_quorum(sample: EvaluationResult) -> None:
    report = robustness(sample, resamples=300, seed=0)
    table = report.leave_one_out.set_index("evaluator_id")
    # document and presentation panels: E01 E02 E03 E05 E06 E07, at least 5. A01 (E06
    # recused) and A11 (E03 recused) have exactly 5: anyone else leaving breaks it. Site:
    # E01 E02 E04 E05, at least 3; A04 (E01 recused there) has exactly 3.
    assert table["quorum_lost"].to_dict() == {
        "E01": "A01, A11",
        "E02": "A01, A04, A11",
        "E03": "A01",
        "E04": "A04",
        "E05": "A01, A04, A11",
        "E06": "A11",
        "E07": "A01, A11",
    }
    # nobody reaches a stage unscored, and the selection holds for most evaluators
    assert (table["unscorable"] == "").all()
    assert table.loc[["E03", "E04", "E05", "E06", "E07"], "changed"].tolist() == [False] * 5
    en = report.summary("en")
    assert (
        "Without E01 the document review would lack a quorum for A01, A11: the panel rule "
        "needs at least 5 members after recusals, at least 50 % of them external (leaving "
        "out any of the 7 evaluators breaks one)."
    ) in en
    assert "누구를 빼도 정족수 미달" in report.summary("ko")
    assert 3 <= sentences(en) <= 6
    # the four best are selected in nearly every draw, the fifth in most
    bootstrap = report.bootstrap.set_index("applicant_id")["selection_probability"]
    assert (bootstrap[list(sample.selected_ids[:4])] > 0.9).all()
    assert bootstrap[sample.selected_ids[4]] > 0.5
    assert bootstrap.drop(list(sample.selected_ids)).max() < 0.2


def test_the_same_seed_gives_the_same_numbers_and_another_seed_others(
    sample: EvaluationResult,
) -> None:
    first = robustness(sample, resamples=200, seed=11)
    again = robustness(sample, resamples=200, seed=11)
    other = robustness(sample, resamples=200, seed=12)
    for name, table in first.tables().items():
        pd.testing.assert_frame_equal(table, again.tables()[name])
    assert (first.resamples, first.seed, other.seed) == (200, 11, 12)
    assert not first.bootstrap.equals(other.bootstrap)


def test_a_tie_across_the_line_gets_a_share_of_the_open_seat() -> None:
    # A2 and A3 are equal on the score and on the receipt number: one seat for two
    tied = one_stage([[90] * 5, [80] * 5, [80] * 5, [50] * 5], received=["1", "2", "2", "4"])
    assert tied.selection.unresolved.tolist() == [False, True, True, False]
    assert_reproduces(tied)
    simulation = simulate(tied, identity_draws(tied))
    assert simulation.credit[0].tolist() == [1.0, 0.5, 0.5, 0.0]
    table = robustness(tied, resamples=40).bootstrap.set_index("applicant_id")
    assert table.loc["A2", "selection_probability"] == 0.5


def test_a_constraint_displaces_in_every_draw_as_in_the_pipeline() -> None:
    profile = make_profile(
        {"paper": stage({"q": 100}, panel={"aggregate": "mean"})},
        {"slots": 2, "constraints": [{"field": "region", "at_most": 1}]},
    )
    table = applicants(3, region=["서울", "서울", "부산"])
    cube = np.array([[[90.0]] * 3, [[80.0]] * 3, [[70.0]] * 3])
    result = evaluate(profile, table, {"paper": (["E1", "E2", "E3"], ["q"], cube)}, panel(3))
    assert result.selected_ids == ("A1", "A3")
    assert result.results[1] == "displaced"
    assert_reproduces(result)


def test_advancement_excluding_a_tie_at_the_line_is_reproduced() -> None:
    # three stage totals 90, 80, 80 with room for 2: "exclude" drops both 80s
    profile = make_profile(
        {
            "paper": stage(
                {"q": 100},
                panel={"aggregate": "mean"},
                advance={"count": 2, "at_line": "exclude"},
            ),
            "talk": stage({"t": 100}, panel={"aggregate": "mean"}),
        },
        {"slots": 2},
    )
    ids = ["E1", "E2", "E3"]
    paper = np.array([[[90.0]] * 3, [[80.0]] * 3, [[80.0]] * 3])
    talk = np.full((3, 3, 1), 60.0)
    result = evaluate(
        profile, applicants(3), {"paper": (ids, ["q"], paper), "talk": (ids, ["t"], talk)}, panel(3)
    )
    assert result.finalists.tolist() == [True, False, False]
    assert_reproduces(result)


def advance_without_scores() -> EvaluationResult:
    # Stage s1 (mean, top 1 goes on): A1 80 80 90 → 83.3, A2 90 90 40 → 73.3, A1 goes on.
    # A2 has no s2 scores: without E3 (or in a draw without it) A2 would go on unscored.
    profile = make_profile(
        {
            "s1": stage({"q": 100}, panel={"aggregate": "mean"}, advance={"count": 1}),
            "s2": stage({"t": 100}, panel={"aggregate": "mean"}),
        },
        {"slots": 1},
    )
    ids = ["E1", "E2", "E3"]
    s1 = np.array([[[80.0], [80.0], [90.0]], [[90.0], [90.0], [40.0]]])
    s2 = np.array([[[70.0]] * 3, [[np.nan]] * 3])
    return evaluate(
        profile, applicants(2), {"s1": (ids, ["q"], s1), "s2": (ids, ["t"], s2)}, panel(3)
    )


def test_an_applicant_going_on_without_scores_is_reported_not_a_crash() -> None:
    result = advance_without_scores()
    assert result.selected_ids == ("A1",)
    # the pipeline itself cannot run without E3: A2 would reach s2, where nobody scored it
    with pytest.raises(EvaluationInputError, match="no s2 score from E1 for A2"):
        run_evaluation(result.prepared, without={"E3"})
    report = robustness(result, resamples=200, seed=5)
    table = report.leave_one_out.set_index("evaluator_id")
    # without E3: A1 80 80 → 80, A2 90 90 → 90 goes on alone, unscored: nobody is selected
    assert table.loc["E3", ["selected", "changed", "entered", "left"]].tolist() == [
        "",
        True,
        "",
        "A1",
    ]
    assert table.loc["E3", "unscorable"] == "A2"
    # without E1: A1 80 90 → 85, A2 90 40 → 65; without E2 the same: nothing changes
    assert table.loc[["E1", "E2"], "changed"].tolist() == [False, False]
    assert (table.loc[["E1", "E2"], "unscorable"] == "").all()
    assert (table["quorum_lost"] == "").all()  # a panel of one is enough here
    en, ko = report.summary("en"), report.summary("ko")
    assert en.startswith(
        "Without E3, A1 would no longer be selected; without E3, A2 would reach a stage "
        "unscored and count as out."
    )
    assert ko.startswith(
        "E3을(를) 빼면 선정 결과가 바뀝니다: A1 선정 제외; "
        "E3을(를) 빼면 A2이(가) 점수가 없는 단계에 올라가 탈락으로 봅니다."
    )
    assert 3 <= sentences(en) <= 6
    assert 3 <= sentences(ko) <= 6
    # a draw E1, E1, E2 at s1 puts A2 (90) above A1 (80); A2 drops out, unscored
    simulation = simulate(result, (np.array([[0, 0, 1]]), np.array([[0, 1, 2]])))
    assert simulation.unscorable[0].tolist() == [False, True]
    assert simulation.credit[0].tolist() == [0.0, 0.0]
    bootstrap = report.bootstrap.set_index("applicant_id")
    assert bootstrap.loc["A2", "unscorable"] > 0
    assert bootstrap.loc["A2", "selection_probability"] == 0.0


def test_a_result_with_every_member_left_out_is_reproduced() -> None:
    nobody = run_evaluation(advance_without_scores().prepared, without={"E1", "E2", "E3"})
    assert list(nobody.results) == ["no_quorum", "no_quorum"]
    assert_reproduces(nobody)
    report = robustness(nobody, resamples=10)
    assert report.leave_one_out.empty
    # no quorum in the result: out in every draw, and not for want of scores
    assert report.bootstrap["selection_probability"].tolist() == [0.0, 0.0]
    assert report.bootstrap["unscorable"].tolist() == [0, 0]
    assert report.agreement["n_evaluators"].tolist() == [0, 0]


def test_the_closed_form_equals_the_aggregates_exactly() -> None:
    # half points with duplicates in the draws and recusals: the closed form used for
    # trimmed means and means must give the aggregates of the gathered panels exactly
    rng = np.random.default_rng(4)
    scores = rng.integers(0, 41, (30, 6, 3)) / 2.0
    recused = rng.random((30, 6)) < 0.2
    draws = rng.integers(0, 6, (25, 6))
    weights = (draws[:, :, None] == np.arange(6)).sum(axis=1).astype(float)
    rows = np.arange(30)
    panels = scores[rows[None, :, None], draws[:, None, :]]  # (draws, applicants, seats, C)
    panels[recused[rows[None, :, None], draws[:, None, :]]] = np.nan
    flat = panels.reshape(-1, 6, 3)
    units = scores * 2  # in halves
    tables = [([0, 1, 2], *extreme_tables(units, ~recused, [0, 1, 2]))]
    tables.append(([3, 4, 5], *extreme_tables(units, ~recused, [3, 4, 5])))
    for trimmed, aggregate in ((True, trimmed_mean), (False, mean)):
        closed = closed_form(trimmed, units, 2, ~recused, weights, rows, tables)
        expected = aggregate(flat).exact
        shared = math.lcm(closed.denominator, expected.denominator)
        np.testing.assert_array_equal(
            closed.over(shared).numerators,
            expected.over(shared).numerators.reshape(25, 30, 3),
        )


def test_a_recused_member_drawn_twice_does_not_knock_an_applicant_out() -> None:
    # min_size 3, E1 recused for A1 (so A1 has E2..E4: 80, 90, 100 → 90; A2 85 80 90 85
    # → 85): A1 is selected. The quorum is not checked again in the draws:
    # draw 0 (E1, E1, E2, E2): A1 keeps E2 twice → 80 from one member, still scored;
    #   A2 85 85 80 80 → 82.5 and is selected.
    # draw 1 (E1, E1, E4, E3): A1 (100 + 90) / 2 = 95, A2 (85 + 85 + 85 + 90) / 4 = 86.25.
    # draw 2 (E1 four times): nobody left to score A1, who is unscorable; A2 85.
    profile = make_profile(
        {"paper": stage({"q": 100}, panel={"aggregate": "mean", "min_size": 3})},
        {"slots": 1},
    )
    cube = np.array([[[np.nan], [80.0], [90.0], [100.0]], [[85.0], [80.0], [90.0], [85.0]]])
    result = evaluate(
        profile,
        applicants(2),
        {"paper": (["E1", "E2", "E3", "E4"], ["q"], cube)},
        panel(4),
        [Recusal("E1", "A1", "exclusion")],
    )
    assert result.selected_ids == ("A1",)
    draws = np.array([[0, 0, 1, 1], [0, 0, 3, 2], [0, 0, 0, 0]])
    simulation = simulate(result, (draws,))
    assert simulation.finalists.tolist() == [[True, True], [True, True], [False, True]]
    assert simulation.ranks.tolist() == [[2, 1], [1, 2], [0, 1]]
    assert simulation.credit.tolist() == [[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]
    assert simulation.unscorable.tolist() == [[False, False], [False, False], [True, False]]


def quorum_case() -> EvaluationResult:
    # E1..E3 external, E4 and E5 internal; a panel needs 3 members, half of them external.
    #   A1 90 from all five.
    #   A2 95, but E1 and E2 recused: E3 E4 E5, one external in three → no quorum.
    #   A3 80, E3 recused: E1 E2 E4 E5 (2 of 4 external). Without E1 or E2: 1 of 3.
    #   A4 70, E4 and E5 recused: E1 E2 E3. Without any of them: 2 members.
    # Selected (2 slots): A1 and A3.
    profile = make_profile(
        {
            "paper": stage(
                {"q": 100},
                panel={"aggregate": "mean", "min_size": 3, "min_external_share": 0.5},
            )
        },
        {"slots": 2},
    )
    nan = np.nan
    cube = np.array(
        [
            [90.0] * 5,
            [nan, nan, 95.0, 95.0, 95.0],
            [80.0, 80.0, nan, 80.0, 80.0],
            [70.0] * 3 + [nan] * 2,
        ]
    )[:, :, None]
    pairs = [("E1", "A2"), ("E2", "A2"), ("E3", "A3"), ("E4", "A4"), ("E5", "A4")]
    return evaluate(
        profile,
        applicants(4),
        {"paper": ([f"E{i}" for i in range(1, 6)], ["q"], cube)},
        panel(5, external=3),
        [Recusal(e, a, "avoidance") for e, a in pairs],
    )


def test_leave_one_out_reports_a_lost_quorum_without_applying_it() -> None:
    result = quorum_case()
    assert result.selected_ids == ("A1", "A3")
    assert result.results[1] == "no_quorum"
    report = robustness(result, resamples=50, seed=2)
    table = report.leave_one_out.set_index("evaluator_id")
    assert table["quorum_lost"].to_dict() == {
        "E1": "A3, A4",
        "E2": "A3, A4",
        "E3": "A4",
        "E4": "",
        "E5": "",
    }
    # the selection is simulated with the real quorum: A3 stays, A2 stays out
    assert (table["selected"] == "A1, A3").all()
    assert not table["changed"].any()
    assert (table["unscorable"] == "").all()
    # whereas the pipeline run without E1 would apply the rule and drop A3 and A4
    assert run_evaluation(result.prepared, without={"E1"}).selected_ids == ("A1",)
    assert [(x.evaluator_id, x.stage, x.applicant_ids) for x in report.quorum_losses] == [
        ("E1", "paper", ("A3", "A4")),
        ("E2", "paper", ("A3", "A4")),
        ("E3", "paper", ("A4",)),
    ]
    en, ko = report.summary("en"), report.summary("ko")
    assert (
        "Leaving out any one evaluator keeps the same selection. Without E1 the stage would "
        "lack a quorum for A3, A4: the panel rule needs at least 3 members after recusals, "
        "at least 50 % of them external (3 of 5 evaluators would each break one)."
    ) in en
    assert (
        "E1을(를) 빼면 단계에서 A3, A4의 정족수가 모자랍니다: 패널 규칙상 제척·기피·회피 후 "
        "위원 3명 이상, 외부위원 50 % 이상이 필요합니다(평가위원 5명 중 3명은 빼면 정족수 미달)."
    ) in ko
    assert 3 <= sentences(en) <= 6
    assert 3 <= sentences(ko) <= 6
    # A2 lacks a quorum with the real committee, so it is out of every draw, not unscorable
    bootstrap = report.bootstrap.set_index("applicant_id")
    assert bootstrap.loc["A2", ["selection_probability", "finalist_probability"]].tolist() == [
        0.0,
        0.0,
    ]
    assert bootstrap.loc["A2", "unscorable"] == 0
    assert_reproduces(result)


# -- any draw equals the pipeline run by the drawn committee (hypothesis) -----------------

RULES = [
    {"stage": "s1"},
    {"criterion": "s2.c"},
    {"criterion": "s1.a", "order": "lower"},
    {"field": "received", "order": "lower"},
]


@st.composite
def committees(draw: st.DrawFn) -> dict[str, Any]:
    """A random two-stage evaluation (scores on a 0.1, 1 or 2.5-point grid), recusals, and
    three draws of each stage's panel."""
    count = draw(st.integers(2, 7))
    size = draw(st.integers(3, 5))
    # E0 sits on both stages: a stage without any member crashes the pipeline (reported)
    sits = [(), *(draw(st.sampled_from([(), ("s1",), ("s2",)])) for _ in range(size - 1))]
    evaluators = [
        Evaluator(f"E{i}", f"위원{i}", external=draw(st.booleans()), stages=sits[i])
        for i in range(size)
    ]

    def panel_rules() -> dict[str, Any]:
        return {
            "aggregate": draw(st.sampled_from(["trimmed_mean", "mean", "median"])),
            "min_size": draw(st.integers(1, 4)),
            "min_external_share": draw(st.sampled_from([0.0, 0.0, 0.5, 0.6])),
        }

    s1: dict[str, Any] = stage(
        {"a": 10, "b": 5},
        panel=panel_rules(),
        bonus={"field": "bonus", "cap": 1},
        advance={
            "count": draw(st.integers(1, count)),
            "at_line": draw(st.sampled_from(["include", "exclude"])),
        },
    )
    if draw(st.booleans()):
        s1["criteria"]["a"]["floor"] = 3
        s1["pass_mark"] = 6
    rules = draw(st.lists(st.sampled_from(RULES), unique_by=str, max_size=4))
    final: dict[str, Any] = {"slots": draw(st.integers(1, 3)), "tie_breaks": rules}
    if draw(st.booleans()):
        final["weights"] = {"s1": 1, "s2": 2}
    if draw(st.booleans()):
        final["constraints"] = [{"field": "region", "at_most": 1}]
    sections = {"s1": s1, "s2": stage({"c": 15}, panel=panel_rules())}
    profile = make_profile(sections, final)
    table = applicants(
        count,
        received=[str(draw(st.integers(1, 3))) for _ in range(count)],
        region=[draw(st.sampled_from(["R1", "R2"])) for _ in range(count)],
        bonus=[draw(st.sampled_from(["", "0.5", "2"])) for _ in range(count)],
    )
    members = {s: [e for e in evaluators if e.sits_on(s)] for s in ("s1", "s2")}
    scores = {}
    for stage_id, criteria in (("s1", {"a": 10, "b": 5}), ("s2", {"c": 15})):
        sitting = members[stage_id]
        shape = (count, len(sitting), len(criteria))
        step = draw(st.sampled_from([1, 10, 25]))  # tenths of a point: fine grid, or ties
        steps = np.array([10 * int(p) // step for p in criteria.values()])
        # each applicant's level per criterion, plus each evaluator's own noise (or none,
        # so that equal levels tie exactly)
        wanted = count * len(criteria)
        levels = draw(st.lists(st.integers(0, 3), min_size=wanted, max_size=wanted))
        level = np.resize(np.array(levels, dtype=np.int64), (count, 1, len(criteria)))
        noisy = draw(st.booleans())
        cells = int(np.prod(shape))
        noise = draw(st.lists(st.integers(0, 100 * noisy), min_size=cells, max_size=cells))
        units = level * steps // 3 + np.array(noise, dtype=np.int64).reshape(shape)
        grid = (units % (steps + 1)) * step
        scores[stage_id] = ([e.id for e in sitting], list(criteria), grid / 10)
    pairs = st.tuples(st.integers(0, size - 1), st.integers(0, count - 1))
    recusals = [
        Recusal(f"E{e}", f"A{a + 1}", "exclusion", stage=draw(st.sampled_from([None, "s1", "s2"])))
        for e, a in draw(st.lists(pairs, unique=True, max_size=4))
    ]
    draws = tuple(
        np.array([[draw(st.integers(0, len(m) - 1)) for _ in m] for _ in range(3)], np.int64)
        for m in members.values()
    )
    return {
        "profile": profile,
        "sections": sections,
        "final": final,
        "table": table,
        "scores": scores,
        "evaluators": evaluators,
        "recusals": recusals,
        "draws": draws,
    }


def real_quorum_mask(case: Mapping[str, Any], stage_id: str) -> npt.NDArray[np.bool_]:
    """Per applicant: the stage's real panel, after recusals, meets the panel rule."""
    rule = case["sections"][stage_id]["panel"]
    sitting = [e for e in case["evaluators"] if e.sits_on(stage_id)]
    mask = []
    for applicant in case["table"]["applicant_id"]:
        left = [
            e
            for e in sitting
            if not any(
                r.evaluator_id == e.id and r.applicant_id == applicant and r.applies(stage_id)
                for r in case["recusals"]
            )
        ]
        external = sum(e.external for e in left)
        mask.append(
            len(left) >= max(rule["min_size"], 1)
            and external >= rule["min_external_share"] * len(left) - 1e-9
        )
    return np.array(mask)


def drawn_committee(
    case: Mapping[str, Any], draws: Sequence[npt.NDArray[np.int64]]
) -> EvaluationResult | None:
    """The evaluation run by the drawn members (per stage, seats; -1 an empty seat),
    duplicates as separate members, with the quorum of the real committee: the profile's
    panel rule is relaxed to one member and applicants without a real quorum at a stage
    have every drawn member recused there. ``None`` if a stage has no drawn member."""
    relaxed = {
        stage_id: {**section, "panel": {**section["panel"], "min_size": 1, "min_external_share": 0}}
        for stage_id, section in case["sections"].items()
    }
    members = {e.id: e for e in case["evaluators"]}
    ids = list(case["table"]["applicant_id"])
    evaluators: list[Evaluator] = []
    scores = {}
    recusals = []
    for stage_id, seats in zip(("s1", "s2"), draws, strict=True):
        names, criteria, values = case["scores"][stage_id]
        blocked = [a for a, ok in zip(ids, real_quorum_mask(case, stage_id), strict=True) if not ok]
        kept = [seat for seat in seats.tolist() if seat >= 0]
        if not kept:
            return None
        copies = []
        for number, seat in enumerate(kept):
            original = members[names[seat]]
            copy = Evaluator(
                f"{original.id}_{stage_id}_{number}", "", original.external, (stage_id,)
            )
            evaluators.append(copy)
            copies.append(copy.id)
            recusals += [
                Recusal(copy.id, r.applicant_id, "exclusion", stage=stage_id)
                for r in case["recusals"]
                if r.evaluator_id == original.id and r.applies(stage_id)
            ]
            recusals += [Recusal(copy.id, a, "exclusion", stage=stage_id) for a in blocked]
        scores[stage_id] = (copies, criteria, np.asarray(values)[:, kept, :])
    profile = make_profile(relaxed, case["final"])
    return evaluate(profile, case["table"], scores, evaluators, recusals)


def assert_draws_match(
    case: Mapping[str, Any], result: EvaluationResult, draws: Sequence[npt.NDArray[np.int64]]
) -> None:
    """Every draw of the simulation gives what the drawn committee's evaluation gives."""
    simulation = simulate(result, draws)
    for index in range(draws[0].shape[0]):
        expected = drawn_committee(case, [d[index] for d in draws])
        if expected is None:  # a stage with nobody left: nobody gets through it
            assert not simulation.finalists[index].any()
            assert not simulation.credit[index].any()
            continue
        assert_same_selection(simulation, index, expected)


@pytest.mark.slow  # over 5 s in the ci profile
@settings(max_examples=examples(60), deadline=None)
@given(committees())
def test_any_draw_equals_the_pipeline_run_by_the_drawn_committee(case: dict[str, Any]) -> None:
    result = evaluate(
        case["profile"], case["table"], case["scores"], case["evaluators"], case["recusals"]
    )
    assert_reproduces(result)
    assert_draws_match(case, result, case["draws"])
    # leaving one evaluator out is one more draw: the panels with that seat empty
    everyone = [e.id for e in case["evaluators"]]
    assert_draws_match(case, result, leave_one_out_draws(result, everyone))


# -- leniency, agreement, normalised ---------------------------------------------------------


def test_a_lenient_and_a_severe_evaluator_are_labelled() -> None:
    # E2..E4 give b; E1 gives b + 10, E5 b - 10. Against the other four: E1 is
    # 10 - (0 + 0 + 0 - 10) / 4 = +12.5, E5 -12.5, E2 0 - (10 + 0 + 0 - 10) / 4 = 0.
    base = [80, 65, 50, 35]
    report = robustness(one_stage([[b + 10, b, b, b, b - 10] for b in base]), resamples=10)
    table = report.leniency.set_index("evaluator_id")
    assert table["label"].to_dict() == {
        "E1": "lenient",
        "E2": "typical",
        "E3": "typical",
        "E4": "typical",
        "E5": "severe",
    }
    assert table.loc["E1", "deviation"] == pytest.approx(12.5)
    assert table.loc["E5", "deviation"] == pytest.approx(-12.5)
    assert table.loc["E2", "deviation"] == pytest.approx(0.0)
    assert table.loc["E1", "mean_total"] == pytest.approx(np.mean(base) + 10)
    assert table.loc["E1", "panel_mean"] == pytest.approx(np.mean(base) - 2.5)
    assert table.loc["E1", "sd_total"] == pytest.approx(np.std(base, ddof=1))
    assert (table["n_scored"] == 4).all()
    en = report.summary("en")
    assert "most lenient evaluator is E1 (+12.50 points" in en
    assert "most severe evaluator is E5 (-12.50 points" in en
    # every evaluator orders the applicants the same way: W = 1
    agreement = report.agreement.iloc[0]
    assert agreement["kendall_w"] == pytest.approx(1.0)
    assert (agreement["n_applicants"], agreement["n_evaluators"], agreement["dof"]) == (4, 5, 3)
    assert agreement["chi2"] == pytest.approx(15.0)  # m (n - 1) W
    assert agreement["interpretation"] == "strong"
    assert agreement["p_value"] == pytest.approx(0.0018166, rel=1e-4)  # chi2.sf(15, 3)


def test_kendall_w_textbook_values() -> None:
    # ProofWiki, "Kendall's Coefficient of Concordance/Examples/Arbitrary Example 1":
    # 3 competitors ranked by 4 judges, W = 1/16
    assert kendall_w(np.array([[1, 1, 2, 3], [3, 2, 3, 1], [2, 3, 1, 2]], float)) == pytest.approx(
        1 / 16
    )
    # 10 projects ranked by 4 judges: sum of squared deviations 1048,
    # W = 12 · 1048 / (4² · (10³ − 10)) = 0.7939
    projects = np.array(
        [
            [1, 2, 3, 4],
            [3, 1, 2, 2],
            [4, 4, 1, 3],
            [5, 5, 5, 1],
            [2, 6, 7, 6],
            [8, 3, 4, 7],
            [6, 8, 6, 5],
            [7, 7, 8, 9],
            [10, 10, 9, 8],
            [9, 9, 10, 10],
        ],
        float,
    )
    assert kendall_w(projects) == pytest.approx(12 * 1048 / (16 * 990))
    # ties: judge 1 scores (1, 1, 2) → ranks 1.5, 1.5, 3; judge 2 ranks 1, 2, 3.
    # Rank sums 2.5, 3.5, 6 (mean 4): S = 6.5; T = 2³ − 2 = 6.
    # W = 12 · 6.5 / (2² · (27 − 3) − 2 · 6) = 78 / 84
    assert kendall_w(np.array([[1, 1], [1, 2], [2, 3]], float)) == pytest.approx(78 / 84)
    assert kendall_w(np.array([[5, 1], [6, 2], [7, 3]], float)) == pytest.approx(1.0)
    assert np.isnan(kendall_w(np.ones((1, 3))))


def severe_part_time_case() -> EvaluationResult:
    # mean of the panel; E4 (severe) is recused for A1 and A2, so only scores A3 and A4.
    #        E1..E3   E4     total
    #   A1   70       -      70     rank 1
    #   A2   60       -      60     rank 3
    #   A3   72       40     64     rank 2
    #   A4   62       38     56     rank 4
    # z-scores: E1..E3 over 70, 60, 72, 62 (mean 66, sd √26): A1 +0.784, A2 -1.177,
    # A3 +1.177, A4 -0.784; E4 over 40, 38: A3 +1, A4 -1. Averaged: A1 0.784,
    # A3 (3 · 1.177 + 1) / 4 = 1.133, A4 -0.838, A2 -1.177: A3 first, A2 last.
    profile = make_profile(
        {"paper": stage({"q": 100}, panel={"aggregate": "mean", "min_size": 3})},
        {"slots": 1},
    )
    cube = np.array(
        [[70, 70, 70, np.nan], [60, 60, 60, np.nan], [72, 72, 72, 40], [62, 62, 62, 38]], float
    )[:, :, None]
    recusals = [Recusal("E4", a, "avoidance") for a in ("A1", "A2")]
    return evaluate(
        profile,
        applicants(4),
        {"paper": (["E1", "E2", "E3", "E4"], ["q"], cube)},
        panel(4),
        recusals,
    )


def test_z_scores_undo_a_severe_evaluator_who_scored_only_some_applicants() -> None:
    result = severe_part_time_case()
    assert result.selected_ids == ("A1",)
    report = robustness(result, resamples=10)
    table = report.normalised.set_index(["stage", "applicant_id"])
    paper = table.loc["paper"]
    assert paper["total"].tolist() == [70.0, 60.0, 64.0, 56.0]
    assert paper["rank"].tolist() == [1, 3, 2, 4]
    z = 6 / np.sqrt(26)  # (72 - 66) / √26 = (66 - 60) / √26
    expected = [4 / np.sqrt(26), -z, (3 * z + 1) / 4, (-3 * 4 / np.sqrt(26) - 1) / 4]
    assert paper["z_score"].to_numpy() == pytest.approx(expected)
    assert paper["z_rank"].tolist() == [2, 4, 1, 3]
    assert paper["rank_change"].tolist() == [-1, -1, 1, 1]
    final = table.loc["final"]
    assert final["top"].tolist() == [True, False, False, False]
    assert final["z_top"].tolist() == [False, False, True, False]
    assert "changes the top 1: A3 in, A1 out" in report.summary("en")
    assert "상위 1개가 바뀝니다: A3 포함, A1 제외" in report.summary("ko")
    # the severe evaluator: -32 and -24 against the others' 72 and 62 → -28, severe;
    # E1 against the others (70, 60, 61.33, 54): 0, 0, +10.67, +8 → 14/3 < 5, typical
    leniency = report.leniency.set_index("evaluator_id")
    assert leniency.loc["E4", "deviation"] == pytest.approx(-28.0)
    assert leniency.loc["E4", ["n_scored", "label"]].tolist() == [2, "severe"]
    assert leniency.loc["E1", "deviation"] == pytest.approx(14 / 3)
    assert leniency.loc["E1", "label"] == "typical"
    # agreement uses only the applicants every member scored (A3 and A4)
    assert report.agreement.loc[0, "n_applicants"] == 2
    assert report.agreement.loc[0, "kendall_w"] == pytest.approx(1.0)


def test_resamples_must_be_positive() -> None:
    with pytest.raises(ValueError, match="resamples"):
        robustness(swing_case(), resamples=0)


def test_importing_the_report_does_not_load_scipy() -> None:
    code = (
        "import selectlib.scoring.robust, selectlib.scoring.resample, "
        "selectlib.scoring.panels, sys; "
        "assert 'scipy' not in sys.modules, 'scipy loaded'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
