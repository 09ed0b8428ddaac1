"""The whole evaluation pipeline on small hand-built committees, checked by hand.

A tiny profile (one eligibility rule, ``x >= 0``) with a two-stage evaluation keeps every
number small enough to compute in a comment: trimmed means with recused evaluators,
quorum, floors before bonus, advancement with ties at the line, the weighted final,
each tie-break rule, portfolio constraints, and the texts that explain them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest

import selectlib
from selectlib.scoring import (
    EvaluationInputError,
    Evaluator,
    Recusal,
    evaluate_selection,
    prepare_evaluation,
    run_evaluation,
)

EVALUATION: dict[str, Any] = {
    "stages": {
        "paper": {
            "label": {"ko": "서류", "en": "Paper"},
            "panel": {"aggregate": "trimmed_mean", "min_size": 3, "min_external_share": 0.5},
            "criteria": {
                "plan": {"ko": "계획", "en": "Plan", "max_points": 60, "floor": 20},
                "team": {"ko": "인력", "en": "Team", "max_points": 40},
            },
            "pass_mark": 50,
            "bonus": {"field": "bonus", "cap": 3},
            "advance": {"multiple": 2, "at_line": "include"},
        },
        "talk": {
            "label": {"ko": "발표", "en": "Talk"},
            "criteria": {
                "vision": {"ko": "비전", "en": "Vision", "max_points": 50},
                "capability": {"ko": "역량", "en": "Capability", "max_points": 50},
            },
        },
    },
    "final": {
        "slots": 2,
        "reserves": 1,
        "weights": {"paper": 30, "talk": 70},
        "tie_breaks": [
            {"stage": "talk", "label": {"ko": "발표 점수", "en": "talk score"}},
            {"criterion": "talk.capability"},
            {"field": "received", "order": "lower"},
        ],
    },
}


def make_profile(evaluation: Mapping[str, Any] = EVALUATION) -> selectlib.Profile:
    return selectlib.Profile.from_dict(
        {
            "id": "tiny_program",
            "name": {"ko": "작은 사업", "en": "Tiny program"},
            "valid_from": "2024-01-01",
            "identifier": "applicant_id",
            "fields": {
                "applicant_id": {
                    "kind": "text",
                    "required": False,
                    "description": {"ko": "ID", "en": "ID"},
                },
                "x": {"kind": "integer", "description": {"ko": "x", "en": "x"}},
            },
            "parameters": {},
            "criteria": [
                {
                    "id": "x_ok",
                    "label": {"ko": "x", "en": "x"},
                    "source": "test",
                    "condition": "x >= 0",
                    "messages": {
                        "passed": {"ko": "예", "en": "yes"},
                        "failed": {"ko": "아니오", "en": "no"},
                        "missing": {"ko": "없음", "en": "missing"},
                    },
                }
            ],
            "evaluation": evaluation,
        }
    )


PROFILE = make_profile()
PANEL = [Evaluator(f"E{i}", f"위원{i}", external=i <= 3) for i in range(1, 6)]


def applicants(count: int, **columns: Sequence[Any]) -> pd.DataFrame:
    data: dict[str, Any] = {
        "applicant_id": [f"A{i}" for i in range(1, count + 1)],
        "x": ["1"] * count,
        "bonus": [""] * count,
        "received": [str(i) for i in range(1, count + 1)],
    }
    data.update({k: list(v) for k, v in columns.items()})
    return pd.DataFrame(data)


def long_scores(table: Mapping[tuple[str, str], Mapping[str, Sequence[float]]]) -> pd.DataFrame:
    """``{(stage, applicant): {criterion: [score per evaluator E1..]}}`` as the long format."""
    rows = []
    for (stage, applicant), criteria in table.items():
        for criterion, scores in criteria.items():
            for number, score in enumerate(scores, start=1):
                if score is not None:
                    rows.append(
                        {
                            "stage": stage,
                            "evaluator_id": f"E{number}",
                            "applicant_id": applicant,
                            "criterion": criterion,
                            "score": score,
                        }
                    )
    return pd.DataFrame(rows)


def flat(stage: str, applicant: str, plan: float, team: float) -> dict[Any, Any]:
    """Every evaluator gives the same scores (the aggregate is then exactly them)."""
    if stage == "paper":
        return {(stage, applicant): {"plan": [plan] * 5, "team": [team] * 5}}
    return {(stage, applicant): {"vision": [plan] * 5, "capability": [team] * 5}}


def test_trimmed_mean_with_a_recused_evaluator_drops_one_high_and_one_low() -> None:
    # E2 is recused (회피) for A1: its 60 must not count. The others: 50, 40, 30, 20
    # → drop 50 and 20 → (40 + 30) / 2 = 35 on plan; team 30, 30, 10, 20 (E2's 40 out)
    # → drop one 30 (the first) and 10 → (30 + 20) / 2 = 25. Total 60.
    scores = long_scores(
        {
            ("paper", "A1"): {"plan": [50, 60, 40, 30, 20], "team": [30, 40, 30, 10, 20]},
            **flat("talk", "A1", 40, 40),
        }
    )
    recusal = Recusal("E2", "A1", "avoidance", reason="자문 이력")
    result = evaluate_selection(PROFILE, applicants(1), scores, PANEL, [recusal])
    paper = result.stage_table("paper").iloc[0]
    assert (paper["plan"], paper["team"], paper["total"]) == (35.0, 25.0, 60.0)
    assert paper["panel_size"] == 4
    breakdown = result.breakdown().set_index(["stage", "criterion"]).loc["paper"]
    assert breakdown.loc["plan", "dropped_high"] == "E1"
    assert breakdown.loc["plan", "dropped_low"] == "E5"
    assert breakdown.loc["team", "dropped_high"] == "E1"
    assert breakdown.loc["team", "dropped_low"] == "E4"
    assert "E2" not in breakdown.loc["plan", "scores"]
    raw = result.scores()
    excluded = raw[(raw["evaluator_id"] == "E2") & (raw["stage"] == "paper")]
    assert set(excluded["excluded"]) == {"recusal: 회피 (avoidance)"}
    assert not excluded["counted"].any()


def test_a_rejected_challenge_keeps_the_evaluators_scores() -> None:
    scores = long_scores(
        {
            ("paper", "A1"): {"plan": [50, 60, 40, 30, 20], "team": [30] * 5},
            **flat("talk", "A1", 40, 40),
        }
    )
    rejected = Recusal("E2", "A1", "challenge", accepted=False)
    result = evaluate_selection(PROFILE, applicants(1), scores, PANEL, [rejected])
    # all five count: drop 60 and 20 → (50 + 40 + 30) / 3 = 40
    assert result.stage_table("paper").loc[0, "plan"] == 40.0
    assert result.stage_table("paper").loc[0, "panel_size"] == 5


def test_quorum_lost_by_recusal_is_reported_not_scored() -> None:
    # A1 loses three evaluators: 2 left < min_size 3. A2 loses E1..E3, all external:
    # 2 members, 0 external → below half external (and below the size).
    scores = long_scores(
        {**flat("paper", "A1", 40, 30), **flat("paper", "A2", 40, 30), **flat("talk", "A2", 9, 9)}
    )
    recusals = [Recusal(f"E{i}", "A1", "exclusion") for i in (1, 4, 5)]
    recusals += [Recusal("E4", "A2", "avoidance")]
    result = evaluate_selection(PROFILE, applicants(2), scores, PANEL, recusals)
    table = result.table().set_index("applicant_id")
    assert table.loc["A1", "paper.status"] == "no_quorum"
    assert table.loc["A1", "result"] == "no_quorum"
    assert np.isnan(table.loc["A1", "paper.total"])
    assert "정족수" in result.explain("A1")
    assert "no quorum: 2 evaluators (2 external)" in result.explain("A1", "en")
    # A2: four members, three external → quorate
    assert table.loc["A2", "paper.status"] == "advanced"


def test_quorum_needs_the_external_share() -> None:
    scores = long_scores(flat("paper", "A1", 40, 30))
    recusals = [Recusal(f"E{i}", "A1", "exclusion") for i in (1, 2)]
    result = evaluate_selection(PROFILE, applicants(1), scores, PANEL, recusals)
    # E3, E4, E5 remain: 3 members but only E3 is external (1/3 < 1/2)
    assert result.table().loc[0, "paper.status"] == "no_quorum"


def test_a_floor_fails_whatever_the_total_and_the_bonus_cannot_lift_it() -> None:
    # A1: plan 19.5 < floor 20 although 19.5 + 40 + bonus 3 = 62.5 > 50.
    # A2: 30 + 18 = 48 < 50, but the bonus (5, capped at 3) lifts it to 51.
    scores = long_scores({**flat("paper", "A1", 19.5, 40), **flat("paper", "A2", 30, 18)})
    scores = pd.concat([scores, long_scores({**flat("talk", "A2", 30, 30)})], ignore_index=True)
    result = evaluate_selection(PROFILE, applicants(2, bonus=["3", "5"]), scores, PANEL)
    table = result.table().set_index("applicant_id")
    assert table.loc["A1", "paper.status"] == "failed_floor"
    assert table.loc["A2", "paper.total"] == 51.0
    assert table.loc["A2", "paper.status"] == "advanced"
    assert "'계획' 19.50점이 최저 기준 20점에 미달" in result.explain("A1")
    assert "below the floor on 'Plan' (19.50 < 20)" in result.explain("A1", "en")


def test_missing_and_misplaced_scores_are_all_reported_with_where() -> None:
    scores = long_scores(flat("paper", "A1", 40, 30))
    scores["where"] = [f"paper.csv, row {i + 2}" for i in range(len(scores))]
    scores = scores.drop(index=3)  # E4's plan score for A1
    extra = pd.DataFrame(
        [
            {"stage": "paper", "evaluator_id": "E9", "applicant_id": "A1", "criterion": "plan",
             "score": 1, "where": "extra.csv, row 2"},
            {"stage": "paper", "evaluator_id": "E1", "applicant_id": "Z9", "criterion": "plan",
             "score": 1, "where": "extra.csv, row 3"},
            {"stage": "paper", "evaluator_id": "E1", "applicant_id": "A1", "criterion": "luck",
             "score": 1, "where": "extra.csv, row 4"},
            {"stage": "paper", "evaluator_id": "E1", "applicant_id": "A1", "criterion": "plan",
             "score": 1, "where": "extra.csv, row 5"},
            {"stage": "speech", "evaluator_id": "E1", "applicant_id": "A1", "criterion": "plan",
             "score": 1, "where": "extra.csv, row 6"},
        ]
    )  # fmt: skip
    with pytest.raises(EvaluationInputError) as caught:
        prepare_evaluation(PROFILE, applicants(1), pd.concat([scores, extra]), PANEL)
    messages = [str(p) for p in caught.value.problems]
    assert any("extra.csv, row 2: unknown evaluator 'E9'" in m for m in messages)
    assert any("extra.csv, row 3: unknown applicant 'Z9'" in m for m in messages)
    assert any("extra.csv, row 4: stage paper has no criterion 'luck'" in m for m in messages)
    assert any(
        "extra.csv, row 5: a second score for the same cell (first at paper.csv, row 2)" in m
        for m in messages
    )
    assert any("extra.csv, row 6: unknown stage 'speech'" in m for m in messages)
    assert len(messages) == 5
    prepared = prepare_evaluation(PROFILE, applicants(1), scores, PANEL)
    with pytest.raises(EvaluationInputError, match="no paper score from E4 for A1 on plan"):
        run_evaluation(prepared)


def test_a_stage_nobody_sits_on_is_an_input_problem() -> None:
    panel = [Evaluator(f"E{i}", "x", external=True, stages=("paper",)) for i in range(1, 6)]
    with pytest.raises(EvaluationInputError, match="nobody sits on stage talk"):
        prepare_evaluation(PROFILE, applicants(1), long_scores(flat("paper", "A1", 40, 30)), panel)


def test_an_evaluator_outside_the_stage_panel_is_an_error() -> None:
    panel = [*PANEL[:4], Evaluator("E5", "위원5", external=False, stages=("talk",))]
    scores = long_scores(flat("paper", "A1", 40, 30))
    with pytest.raises(EvaluationInputError, match="evaluator 'E5' does not sit on paper"):
        prepare_evaluation(PROFILE, applicants(1), scores, panel)


def test_advancement_takes_the_top_multiple_of_the_slots_with_ties_included() -> None:
    # 2 slots × 2 = 4 advance; A4 and A5 tie at the line (60) → both go on with "include".
    totals = [90, 80, 70, 60, 60, 55]
    table: dict[Any, Any] = {}
    for number, total in enumerate(totals, start=1):
        table.update(flat("paper", f"A{number}", total - 30, 30))
        table.update(flat("talk", f"A{number}", 40, 40))
    result = evaluate_selection(PROFILE, applicants(6), long_scores(table), PANEL)
    status = result.table().set_index("applicant_id")["paper.status"]
    assert status.to_dict() == {
        "A1": "advanced", "A2": "advanced", "A3": "advanced",
        "A4": "advanced", "A5": "advanced", "A6": "not_in_top",
    }  # fmt: skip
    assert "상위 4개 기관만" in result.explain("A6")
    excluding = make_profile(
        {**EVALUATION, "stages": {**EVALUATION["stages"], "paper": {
            **EVALUATION["stages"]["paper"], "advance": {"multiple": 2, "at_line": "exclude"}}}}
    )  # fmt: skip
    result = evaluate_selection(excluding, applicants(6), long_scores(table), PANEL)
    status = result.table().set_index("applicant_id")["paper.status"]
    assert list(status[status == "advanced"].index) == ["A1", "A2", "A3"]


def test_final_score_weighs_the_stages_and_the_chain_decides_ties() -> None:
    # final = 0.3 paper + 0.7 talk.
    # A2: paper 60, talk 80 → 18 + 56 = 74.0, first.
    # A1: paper 80, talk 70 (40 + 30) → 24 + 49 = 73.0
    # A3: paper 80, talk 70 (30 + 40) → 73.0: ties A1 on the final and on the talk;
    #     capability 40 against A1's 30 → A3 ahead by the second rule.
    # A4: exactly A3's scores → tied with A3 down to capability; received 4 against 3
    #     → A3 ahead by the third rule (the earlier application wins).
    table: dict[Any, Any] = {}
    table.update(flat("paper", "A1", 50, 30) | flat("talk", "A1", 40, 30))
    table.update(flat("paper", "A2", 30, 30) | flat("talk", "A2", 40, 40))
    table.update(flat("paper", "A3", 50, 30) | flat("talk", "A3", 30, 40))
    table.update(flat("paper", "A4", 50, 30) | flat("talk", "A4", 30, 40))
    result = evaluate_selection(PROFILE, applicants(4), long_scores(table), PANEL)
    final = result.table().set_index("applicant_id")
    assert final["final_score"].to_dict() == {"A1": 73.0, "A2": 74.0, "A3": 73.0, "A4": 73.0}
    assert final["rank"].to_dict() == {"A1": 4, "A2": 1, "A3": 2, "A4": 3}
    assert final.loc["A4", "decided_by"] == "field:received"
    assert final.loc["A1", "decided_by"] == "criterion:talk.capability"
    assert result.selected_ids == ("A2", "A3")
    assert result.reserve_ids == ("A4",)
    why = result.why_not("A4", "A3", lang="en")
    assert "the rule 'field:received' decided: 4 against 3 (lower wins)" in why
    why_ko = result.why_not("A3", "A2")
    assert "최종 점수가 1.00점 낮습니다" in why_ko
    assert "서류 +6.00, 발표 -7.00" in why_ko


def test_a_criterion_tie_break_decides_and_an_exhausted_chain_is_left_to_the_committee() -> None:
    # All three: paper 80, talk 70 → final 73, equal talk totals. A1's talk splits
    # 30 + 40 (capability 40), A2 and A3 split 40 + 30 → A1 first by the second rule.
    # A2 and A3 have the same scores and the same receipt number: the chain runs out.
    table: dict[Any, Any] = {}
    table.update(flat("paper", "A1", 50, 30) | flat("talk", "A1", 30, 40))
    table.update(flat("paper", "A2", 50, 30) | flat("talk", "A2", 40, 30))
    table.update(flat("paper", "A3", 50, 30) | flat("talk", "A3", 40, 30))
    frame = applicants(3, received=["1", "2", "2"])
    result = evaluate_selection(PROFILE, frame, long_scores(table), PANEL)
    final = result.table().set_index("applicant_id")
    assert final["rank"].to_dict() == {"A1": 1, "A2": 2, "A3": 2}
    assert final.loc["A2", "decided_by"] == "criterion:talk.capability"
    # two slots: A1 is in; A2 and A3 are tied for the last seat after the whole chain
    assert result.selected_ids == ("A1",)
    assert final.loc["A2", "result"] == final.loc["A3", "result"] == "unresolved"
    assert result.selection.open_slots == 1
    assert "위원회가 결정" in result.explain("A2")
    assert "a tie" in result.why_not("A3", "A2", lang="en")


def test_a_portfolio_constraint_displaces_and_says_who_holds_the_seats() -> None:
    evaluation = {
        **EVALUATION,
        "final": {
            **EVALUATION["final"],
            "constraints": [
                {"field": "region", "at_most": 1, "label": {"ko": "지역 균형", "en": "balance"}}
            ],
        },
    }
    table: dict[Any, Any] = {}
    for number, talk in enumerate([45, 44, 43, 42], start=1):
        table.update(flat("paper", f"A{number}", 50, 30) | flat("talk", f"A{number}", talk, 40))
    frame = applicants(4, region=["서울", "서울", "부산", "부산"])
    result = evaluate_selection(make_profile(evaluation), frame, long_scores(table), PANEL)
    final = result.table().set_index("applicant_id")
    assert final["result"].to_dict() == {
        "A1": "selected", "A2": "displaced", "A3": "selected", "A4": "reserve",
    }  # fmt: skip
    assert "'지역 균형' 제한" in result.explain("A2")
    assert "A1 (" not in result.explain("A2")  # no name column: just the id
    assert "서울에서 이미 A1이(가) 선정" in result.explain("A2")
    assert "A1 already hold the seats for 서울" in result.explain("A2", "en")


def test_every_applicant_is_accounted_for_at_every_stage() -> None:
    table: dict[Any, Any] = {}
    for number, (plan, team) in enumerate([(50, 30), (10, 30), (40, 30), (45, 30), (20, 25)]):
        name = f"A{number + 1}"
        table.update(flat("paper", name, plan, team) | flat("talk", name, 40, 40))
    frame = applicants(6, x=["1", "1", "1", "1", "1", "-1"])
    result = evaluate_selection(PROFILE, frame, long_scores(table), PANEL)
    final = result.table()
    assert list(final["applicant_id"]) == [f"A{i}" for i in range(1, 7)]
    assert final.set_index("applicant_id")["paper.status"].to_dict() == {
        "A1": "advanced", "A2": "failed_floor", "A3": "advanced", "A4": "advanced",
        "A5": "failed_pass_mark", "A6": "ineligible",
    }  # fmt: skip
    assert final.set_index("applicant_id")["talk.status"].to_dict() == {
        "A1": "passed", "A2": "not_reached", "A3": "passed", "A4": "passed",
        "A5": "not_reached", "A6": "ineligible",
    }  # fmt: skip
    assert final["result"].notna().all()
    for stage in ("paper", "talk"):
        assert len(result.stage_table(stage)) == 6


def test_leaving_an_evaluator_out_reruns_on_the_same_inputs() -> None:
    scores = long_scores(
        {
            ("paper", "A1"): {"plan": [50, 60, 40, 30, 20], "team": [30] * 5},
            **flat("talk", "A1", 40, 40),
        }
    )
    prepared = prepare_evaluation(PROFILE, applicants(1), scores, PANEL)
    # without E1: 60, 40, 30, 20 → drop 60 and 20 → 35
    result = run_evaluation(prepared, without={"E1"})
    assert result.stage_table("paper").loc[0, "plan"] == 35.0
    assert result.left_out == ("E1",)


def test_a_profile_without_an_evaluation_cannot_be_evaluated() -> None:
    data = PROFILE.to_dict()
    del data["evaluation"]
    plain = selectlib.Profile.from_dict(data)
    assert plain.spec.evaluation is None
    with pytest.raises(selectlib.SelectlibError, match="has no evaluation section"):
        prepare_evaluation(plain, applicants(1), long_scores({}), PANEL)


def test_receipt_numbers_stay_numbers_when_an_ineligible_row_has_text() -> None:
    # "10" against "9": compared as text, "10" would come first; A3 is ineligible
    table: dict[Any, Any] = {}
    for name in ("A1", "A2"):
        table.update(flat("paper", name, 50, 30) | flat("talk", name, 40, 40))
    frame = applicants(3, received=["10", "9", "미접수"], x=["1", "1", "-1"])
    result = evaluate_selection(PROFILE, frame, long_scores(table), PANEL)
    final = result.table().set_index("applicant_id")
    assert final["rank"].to_dict()["A2"] == 1
    assert final.loc["A1", "decided_by"] == "field:received"
    assert "9 against 10" not in result.why_not("A1", lang="en")
    assert "10 against 9 (lower wins)" in result.why_not("A1", lang="en")


def test_inputs_the_committee_gets_wrong_are_reported_not_guessed() -> None:
    evaluation = {
        **EVALUATION,
        "final": {**EVALUATION["final"], "constraints": [{"field": "region", "at_most": 1}]},
    }
    scores = long_scores(flat("paper", "A1", 40, 30))
    scores.loc[0, "score"] = 95  # on a 60-point criterion
    panel = [*PANEL, Evaluator("E9", "x", True, ("서류",))]
    with pytest.raises(EvaluationInputError) as caught:
        prepare_evaluation(make_profile(evaluation), applicants(1, region=[""]), scores, panel)
    messages = [str(p) for p in caught.value.problems]
    assert any("row 2, column region: no region for an eligible applicant" in m for m in messages)
    assert any("95 is outside 0–60 (plan)" in m for m in messages)
    assert any("E9 sits on '서류', which is not a stage" in m for m in messages)
    twice = [*PANEL, Evaluator("E1", "again", external=True)]
    with pytest.raises(EvaluationInputError, match="evaluator 'E1' is listed twice"):
        prepare_evaluation(PROFILE, applicants(1), long_scores(flat("paper", "A1", 4, 3)), twice)
