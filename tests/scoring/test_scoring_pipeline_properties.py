"""Properties of the whole pipeline and of balanced selection, for any drawn committee.

Hypothesis draws score sheets (with recusals), bonuses, receipt numbers and regions for a
two-stage evaluation, and checks what must hold whatever they are: the result does not
depend on row order, raising a score never lowers a finalist's rank, the selection stays
within the slots and the constraints, reserves never overlap it, and every applicant
appears exactly once.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import examples
from test_scoring_pipeline import EVALUATION, make_profile

from selectlib.scoring import Evaluator, Recusal, evaluate_selection
from selectlib.scoring.primitives import Group, rank, select_balanced, select_ranked

BALANCED = make_profile(
    {
        **EVALUATION,
        "final": {
            **EVALUATION["final"],
            "slots": 3,
            "reserves": 2,
            "constraints": [{"field": "region", "at_most": 2}],
        },
    }
)
PANEL = [Evaluator(f"E{i}", f"위원{i}", external=i <= 3) for i in range(1, 6)]
MAXIMA = {"paper": {"plan": 60, "team": 40}, "talk": {"vision": 50, "capability": 50}}


@st.composite
def committees(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, list[Recusal]]:
    count = draw(st.integers(2, 8))
    ids = [f"A{i}" for i in range(1, count + 1)]
    frame = pd.DataFrame(
        {
            "applicant_id": ids,
            "x": ["1"] * count,
            "bonus": [str(draw(st.sampled_from([0, 1, 4]))) for _ in ids],
            "received": [str(draw(st.integers(1, 4))) for _ in ids],
            "region": [draw(st.sampled_from(["서울", "부산", "대구"])) for _ in ids],
        }
    )
    rows = []
    for stage, criteria in MAXIMA.items():
        for applicant in ids:
            for evaluator in PANEL:
                for criterion, top in criteria.items():
                    score = draw(st.integers(0, top * 2)) / 2
                    rows.append((stage, evaluator.id, applicant, criterion, score))
    scores = pd.DataFrame(
        rows, columns=["stage", "evaluator_id", "applicant_id", "criterion", "score"]
    )
    recusals = [
        Recusal(f"E{draw(st.integers(4, 5))}", draw(st.sampled_from(ids)), "avoidance")
        for _ in range(draw(st.integers(0, 2)))
    ]
    return frame, scores, recusals


def outcome_by_id(frame: pd.DataFrame, scores: pd.DataFrame, recusals: list[Recusal]) -> Any:
    result = evaluate_selection(BALANCED, frame, scores, PANEL, recusals)
    table = result.table().set_index("applicant_id")
    return result, table


@settings(max_examples=examples(60), deadline=None)
@given(committees(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order(case: Any, random: Any) -> None:
    frame, scores, recusals = case
    _, before = outcome_by_id(frame, scores, recusals)
    rows = list(range(len(frame)))
    random.shuffle(rows)
    score_rows = list(range(len(scores)))
    random.shuffle(score_rows)
    _, after = outcome_by_id(frame.iloc[rows], scores.iloc[score_rows], recusals)
    columns = ["result", "rank", "final_score", "paper.status", "talk.status", "reserve_rank"]
    pd.testing.assert_frame_equal(before.loc[after.index, columns], after[columns])


@settings(max_examples=examples(60), deadline=None)
@given(committees(), st.data())
def test_raising_a_score_never_lowers_a_finalists_rank(case: Any, data: st.DataObject) -> None:
    frame, scores, recusals = case
    _, table = outcome_by_id(frame, scores, recusals)
    finalists = list(table.index[table["rank"].notna()])
    if not finalists:
        return
    applicant = data.draw(st.sampled_from(finalists))
    row = data.draw(st.sampled_from(list(np.flatnonzero(scores["applicant_id"] == applicant))))
    stage, criterion = scores.loc[row, "stage"], scores.loc[row, "criterion"]
    raised = scores.copy()
    raised.loc[row, "score"] = MAXIMA[stage][criterion]
    _, after = outcome_by_id(frame, raised, recusals)
    assert pd.notna(after.loc[applicant, "rank"])
    assert after.loc[applicant, "rank"] <= table.loc[applicant, "rank"]


@settings(max_examples=examples(80), deadline=None)
@given(committees())
def test_selection_is_bounded_balanced_and_accounts_for_everyone(case: Any) -> None:
    frame, scores, recusals = case
    result, table = outcome_by_id(frame, scores, recusals)
    assert list(table.index) == list(frame["applicant_id"])  # each exactly once, in order
    selected = table["result"] == "selected"
    assert selected.sum() <= 3
    assert table["reserve_rank"].dropna().le(2).all()
    assert not (result.selection.selected & result.selection.reserve).any()
    regions = frame.set_index("applicant_id").loc[selected, "region"]
    assert (regions.value_counts() <= 2).all()
    assert set(table["result"]) <= {
        "selected", "reserve", "unresolved", "displaced", "not_selected", "eliminated",
        "no_quorum", "ineligible",
    }  # fmt: skip


@settings(max_examples=examples(200), deadline=None)
@given(
    st.lists(st.integers(0, 6), min_size=1, max_size=12),
    st.integers(0, 5),
    st.integers(0, 4),
)
def test_without_constraints_balanced_selection_is_plain_selection(
    scores: list[int], slots: int, reserves: int
) -> None:
    ranking = rank(scores)
    plain = select_ranked(ranking, slots, reserves)
    balanced = select_balanced(ranking, slots, reserves)
    for name in ("selected", "unresolved", "reserve", "reserve_ranks"):
        assert np.array_equal(getattr(plain, name), getattr(balanced, name)), name
    assert plain.open_slots == balanced.open_slots
    assert not balanced.displaced.any()


@settings(max_examples=examples(200), deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 6), st.sampled_from("abc")), min_size=1, max_size=12),
    st.integers(1, 5),
    st.integers(1, 3),
)
def test_a_constraint_is_never_exceeded_and_displacement_needs_a_full_group(
    rows: list[tuple[int, str]], slots: int, at_most: int
) -> None:
    ranking = rank([score for score, _ in rows])
    region = np.array([r for _, r in rows], dtype=object)
    result = select_balanced(ranking, slots, 2, [Group("region", region, at_most)])
    assert result.selected.sum() <= slots
    for value in "abc":
        assert (result.selected & (region == value)).sum() <= at_most
    for row, holders in result.holders.items():
        assert len(holders) == at_most
        assert all(region[h] == region[row] and result.selected[h] for h in holders)
        assert all(ranking.ranks[h] < ranking.ranks[row] for h in holders)
    assert not (result.displaced & (result.selected | result.reserve)).any()
