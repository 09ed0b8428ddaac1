"""Properties of the whole scoring layer: panel scores → stage totals → final → selection.

Hypothesis draws panels with recused evaluators (NaN), floors, pass marks, bonuses and
tie-break chains, and checks what must hold for any of them: monotonicity, bounded
selection, disjoint reserves, row-order invariance, every applicant in exactly one place.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import examples

from selectlib.scoring.primitives import (
    AGGREGATES,
    StageCriterion,
    StageRules,
    TieBreak,
    rank,
    score_stage,
    select_ranked,
    weighted_total,
)

MAX_POINTS = 10


@attrs.frozen
class Case:
    """A drawn two-stage evaluation, everything per applicant row."""

    stages: tuple[np.ndarray, ...]  # each (applicants, evaluators, criteria), NaN = recused
    rules: StageRules
    weights: tuple[float, ...]
    bonus: np.ndarray
    applied: np.ndarray  # application order: earlier wins the last tie-break
    aggregate: str
    slots: int
    reserves: int


@st.composite
def cases(draw: st.DrawFn) -> Case:
    applicants = draw(st.integers(1, 12))
    evaluators = draw(st.integers(1, 7))
    criteria = draw(st.integers(1, 3))
    shape = (applicants, evaluators, criteria)

    size = applicants * evaluators * criteria

    def per_row(elements: st.SearchStrategy[Any], count: int) -> np.ndarray:
        return np.array(draw(st.lists(elements, min_size=count, max_size=count)))

    def panel() -> np.ndarray:
        raw = per_row(st.integers(0, MAX_POINTS), size).astype(float).reshape(shape)
        recused = per_row(st.booleans(), size).reshape(shape)
        recused[:, 0, :] = False  # evaluator 0 is never recused: every cell has a score
        return np.where(recused, np.nan, raw)

    floors = [draw(st.none() | st.integers(0, 4)) for _ in range(criteria)]
    rules = StageRules(
        criteria=[StageCriterion(f"c{i}", MAX_POINTS, floor=f) for i, f in enumerate(floors)],
        pass_mark=draw(st.none() | st.integers(0, MAX_POINTS * criteria)),
        bonus_cap=draw(st.none() | st.integers(0, 3)),
    )
    return Case(
        stages=(panel(), panel()),
        rules=rules,
        weights=(draw(st.integers(1, 5)), draw(st.integers(1, 5))),
        bonus=per_row(st.integers(0, 5), applicants).astype(float),
        applied=per_row(st.integers(0, 3), applicants),
        aggregate=draw(st.sampled_from(sorted(AGGREGATES))),
        slots=draw(st.integers(0, 6)),
        reserves=draw(st.integers(0, 4)),
    )


def evaluate(case: Case) -> dict[str, Any]:
    """The full pure pipeline; every value is one entry per applicant row."""
    aggregate = AGGREGATES[case.aggregate]
    results = [
        score_stage(case.rules, aggregate(scores).exact, bonus=case.bonus) for scores in case.stages
    ]
    eligible = results[0].passed & results[1].passed
    final = weighted_total([r.exact_totals for r in results], case.weights).numerators
    last = aggregate(case.stages[1]).exact.numerators
    ranking = rank(
        final,
        [
            TieBreak("last stage", results[1].exact_totals.numerators),
            TieBreak("first criterion", last[:, 0]),
            TieBreak("applied", case.applied, descending=False),
        ],
        eligible=eligible,
    )
    chosen = select_ranked(ranking, case.slots, case.reserves)
    return {
        "final": final,
        "eligible": eligible,
        "ranks": ranking.ranks,
        "decided_by": ranking.decided_by,
        "tied": ranking.tied,
        "selected": chosen.selected,
        "unresolved": chosen.unresolved,
        "reserve": chosen.reserve,
        "reserve_ranks": chosen.reserve_ranks,
        "open_slots": chosen.open_slots,
    }


@settings(max_examples=examples(150), deadline=None)
@given(cases(), st.data())
def test_raising_one_raw_score_never_lowers_the_final_rank(case: Case, data: st.DataObject) -> None:
    which = data.draw(st.integers(0, 1), label="stage")
    scores = case.stages[which]
    cell = tuple(data.draw(st.integers(0, n - 1)) for n in scores.shape)
    if np.isnan(scores[cell]) or scores[cell] >= MAX_POINTS:
        return
    raised = scores.copy()
    raised[cell] = data.draw(st.integers(int(scores[cell]) + 1, MAX_POINTS))
    stages = tuple(raised if i == which else s for i, s in enumerate(case.stages))
    before, after = evaluate(case), evaluate(attrs.evolve(case, stages=stages))
    row = cell[0]
    assert after["final"][row] >= before["final"][row]
    if before["eligible"][row]:
        assert after["eligible"][row]
        assert after["ranks"][row] <= before["ranks"][row]
    others = np.arange(len(case.bonus)) != row
    np.testing.assert_array_equal(after["final"][others], before["final"][others])


@settings(max_examples=examples(150), deadline=None)
@given(cases())
def test_selection_is_bounded_disjoint_and_places_everyone_once(case: Case) -> None:
    out = evaluate(case)
    selected, unresolved, reserve = out["selected"], out["unresolved"], out["reserve"]
    assert selected.sum() <= case.slots
    assert selected.sum() + out["open_slots"] == case.slots
    assert not (selected & reserve).any()
    assert not (unresolved & reserve).any()
    assert not (selected & unresolved).any()
    # every applicant is in exactly one place of the final table
    not_chosen = out["eligible"] & ~selected & ~unresolved & ~reserve
    places = np.stack([~out["eligible"], selected, unresolved, reserve, not_chosen])
    np.testing.assert_array_equal(places.sum(axis=0), 1)
    # only ranked applicants are chosen, and every selected one outranks every other
    assert not ((selected | unresolved | reserve) & ~out["eligible"]).any()
    if selected.any() and (out["eligible"] & ~selected).any():
        assert out["ranks"][selected].max() < out["ranks"][out["eligible"] & ~selected].min()
    if unresolved.any():
        assert unresolved.sum() > out["open_slots"] > 0
        assert len(set(out["ranks"][unresolved].tolist())) == 1


@settings(max_examples=examples(150), deadline=None)
@given(cases(), st.randoms(use_true_random=False))
def test_results_are_identical_under_any_shuffle_of_the_rows(case: Case, rnd: Any) -> None:
    order = np.array(rnd.sample(range(len(case.bonus)), len(case.bonus)))
    shuffled = attrs.evolve(
        case,
        stages=tuple(s[order] for s in case.stages),
        bonus=case.bonus[order],
        applied=case.applied[order],
    )
    before, after = evaluate(case), evaluate(shuffled)
    for name, value in before.items():
        if name == "open_slots":
            assert after[name] == value
        else:
            np.testing.assert_array_equal(after[name], value[order], err_msg=name)


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(st.integers(0, 4), min_size=1, max_size=15),
    st.integers(0, 8),
    st.integers(0, 5),
    st.sampled_from(["include", "exclude"]),
)
def test_selection_with_many_ties_stays_within_slots(
    scores: list[int], slots: int, reserves: int, at_line: Any
) -> None:
    ranking = rank(scores)
    chosen = select_ranked(ranking, slots, reserves, reserve_at_line=at_line)
    assert chosen.selected.sum() <= slots
    assert not (chosen.reserve & (chosen.selected | chosen.unresolved)).any()
    # a tie across the line is left to the committee, never cut arbitrarily
    seats = chosen.selected | chosen.unresolved
    assert seats.sum() >= min(slots, len(scores))
    for value in set(scores):
        group = np.array(scores) == value
        assert chosen.selected[group].all() or not chosen.selected[group].any()
        assert chosen.unresolved[group].all() or not chosen.unresolved[group].any()
    if at_line == "exclude":
        assert chosen.reserve.sum() <= reserves
