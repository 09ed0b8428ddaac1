"""The fast paths of scoring give what the straightforward ones give, bit for bit.

The long score table is indexed once and placed with numpy (checked against a plain loop
over its rows, and against the same table shuffled or with other column types); the
bootstrap runs in chunks of draws and in tiles of draws by applicants (checked against one
chunk and one tile, and against numpy's own sums over every draw at once).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import examples, one_rule_profile

import selectlib
from selectlib.scoring import (
    EvaluationInputError,
    EvaluationResult,
    Evaluator,
    Recusal,
    prepare_evaluation,
    redraw,
    run_evaluation,
)
from selectlib.scoring.closedform import TABLE_SEATS, seat_groups
from selectlib.scoring.draws import leave_one_out_draws, panel_draws
from selectlib.scoring.prepare import Prepared
from selectlib.scoring.resample import bootstrap_table, simulate

AGGREGATES = ("trimmed_mean", "mean", "median")


def make_profile(stages: int, criteria: int, aggregate: str, slots: int) -> selectlib.Profile:
    """Everyone eligible; ``stages`` stages of ``criteria`` 10-point criteria, the first
    ones advancing half of the applicants, a tie-break chain and a regional limit."""
    names = [f"s{i + 1}" for i in range(stages)]
    section: dict[str, Any] = {}
    for index, name in enumerate(names):
        section[name] = {
            "label": {"ko": name, "en": name},
            "panel": {"aggregate": aggregate, "min_size": 2},
            "criteria": {
                f"c{c + 1}": {"ko": f"c{c + 1}", "en": f"c{c + 1}", "max_points": 10}
                for c in range(criteria)
            },
            "pass_mark": 2.0 * criteria,
            "bonus": {"field": "bonus", "cap": 2},
        }
        if index < stages - 1:
            section[name]["advance"] = {"count": slots + 2, "at_line": "include"}
    final = {
        "slots": slots,
        "reserves": 1,
        "weights": {name: index + 1 for index, name in enumerate(names)},
        "tie_breaks": [{"criterion": f"{names[-1]}.c1"}, {"field": "received"}],
        "constraints": [{"field": "region", "at_most": 2}],
    }
    profile: selectlib.Profile = one_rule_profile(section, final, "scaling_program")
    return profile


@st.composite
def programs(draw: st.DrawFn) -> dict[str, Any]:
    """A small program with its applicants, long scores (half points, three distinct
    values and tied receipt numbers, so that ties across the line share seats), panel
    and recusals, from one seed."""
    count = draw(st.integers(2, 10))
    seats = draw(st.integers(2, 9))
    stages = draw(st.integers(1, 2))
    criteria = draw(st.integers(1, 3))
    aggregate = draw(st.sampled_from(AGGREGATES))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    ids = [f"A{i:02d}" for i in range(count)]
    table = pd.DataFrame(
        {
            "applicant_id": ids,
            "x": 1,
            "region": rng.choice(["R1", "R2", "R3"], count),
            "received": rng.integers(1, 3, count),  # ties that the whole chain leaves
            "bonus": rng.choice(["", "0", "1", "0.5", "3"], count),
        }
    )
    panel = [Evaluator(f"E{e}", f"위원{e}", external=e % 2 == 0) for e in range(seats)]
    rows = []
    for s in range(stages):
        values = rng.integers(16, 19, (count, seats, criteria)) / 2.0
        for a, e, c in np.ndindex(values.shape):
            rows.append((f"s{s + 1}", f"E{e}", ids[a], f"c{c + 1}", values[a, e, c]))
    long = pd.DataFrame(
        rows, columns=["stage", "evaluator_id", "applicant_id", "criterion", "score"]
    )
    pairs = rng.choice(count * seats, size=min(count, 3), replace=False).tolist()
    recusals = [Recusal(f"E{p % seats}", ids[p // seats], "avoidance") for p in pairs]
    return {
        "profile": make_profile(stages, criteria, aggregate, slots=max(1, count // 3)),
        "table": table,
        "long": long,
        "panel": panel,
        "recusals": recusals,
        "seed": int(rng.integers(0, 1000)),
    }


def prepare(case: dict[str, Any], long: pd.DataFrame) -> Prepared:
    return prepare_evaluation(
        case["profile"], case["table"], long, case["panel"], case["recusals"], on="2024-05-01"
    )


def evaluate(case: dict[str, Any]) -> EvaluationResult:
    return run_evaluation(prepare(case, case["long"]))


def same_cubes(one: Prepared, other: Prepared) -> None:
    for a, b in zip(one.cubes, other.cubes, strict=True):
        np.testing.assert_array_equal(a.scores, b.scores)
        np.testing.assert_array_equal(a.recused, b.recused)
        assert a.where.tolist() == b.where.tolist()


@settings(max_examples=examples(40), deadline=None)
@given(programs())
def test_placing_scores_equals_a_plain_loop_over_the_rows(case: dict[str, Any]) -> None:
    prepared = prepare(case, case["long"])
    ids = list(prepared.ids)
    for cube in prepared.cubes:
        expected = np.full(cube.scores.shape, np.nan)
        where = np.full(cube.scores.shape, "", dtype=object)
        criteria = list(cube.stage.criterion_ids)
        for number, row in enumerate(case["long"].itertuples(index=False), start=2):
            if row.stage != cube.stage.id:
                continue
            cell = (
                ids.index(row.applicant_id),
                cube.evaluator_ids.index(row.evaluator_id),
                criteria.index(row.criterion),
            )
            expected[cell] = row.score
            where[cell] = f"scores, row {number}"
        np.testing.assert_array_equal(cube.scores, expected)
        assert cube.where.tolist() == where.tolist()


@settings(max_examples=examples(40), deadline=None)
@given(programs(), st.integers(0, 2**16), st.sampled_from(["object", "category", "str"]))
def test_a_shuffled_or_retyped_score_table_prepares_the_same(
    case: dict[str, Any], seed: int, dtype: str
) -> None:
    long = case["long"].assign(where=[f"sheet!A{i + 2}" for i in range(len(case["long"]))])
    shuffled = long.sample(frac=1, random_state=seed)
    ids = ["stage", "evaluator_id", "applicant_id", "criterion"]
    shuffled = shuffled.astype(dict.fromkeys(ids, dtype))
    ordered, other = prepare(case, long), prepare(case, shuffled)
    same_cubes(ordered, other)
    first, second = run_evaluation(ordered), run_evaluation(other)
    assert first.results.tolist() == second.results.tolist()
    assert first.ranking.ranks.tolist() == second.ranking.ranks.tolist()


@settings(max_examples=examples(30), deadline=None)
@given(programs(), st.integers(0, 2**16))
def test_a_shuffled_table_reports_the_same_problems(case: dict[str, Any], seed: int) -> None:
    long = case["long"].assign(where=[f"sheet!A{i + 2}" for i in range(len(case["long"]))])
    long.loc[0, "applicant_id"] = "nobody"
    long.loc[1, "evaluator_id"] = "E99"
    long.loc[2, "score"] = 10.5
    long.loc[3, "criterion"] = " c9 "
    long.loc[4, "stage"] = "s7"
    reports = []
    for table in (long, long.sample(frac=1, random_state=seed)):
        with pytest.raises(EvaluationInputError) as caught:
            prepare(case, table)
        reports.append(sorted(map(str, caught.value.problems)))
    assert reports[0] == reports[1]
    assert len(reports[0]) == 5


@settings(max_examples=examples(40), deadline=None)
@given(programs(), st.integers(1, 7))
def test_the_bootstrap_in_chunks_equals_one_chunk_and_numpy_sums(
    case: dict[str, Any], chunk: int
) -> None:
    result = evaluate(case)
    draws = panel_draws(result, 13, case["seed"])
    whole = simulate(result, draws)  # one chunk: 13 draws of a few applicants
    parts = simulate(result, draws, chunk=chunk)
    for name in ("finalists", "ranks", "selected", "credit", "unscorable"):
        np.testing.assert_array_equal(getattr(parts, name), getattr(whole, name))
    table = bootstrap_table(result, draws, chunk=chunk)
    pd.testing.assert_frame_equal(table, bootstrap_table(result, draws), check_exact=True)
    by_id = table.set_index("applicant_id")
    index = [result.ids.index(a) for a in by_id.index]
    # the probabilities are numpy's own means over every draw at once, bit for bit
    assert by_id["selection_probability"].tolist() == whole.credit.mean(axis=0)[index].tolist()
    assert by_id["finalist_probability"].tolist() == whole.finalists.mean(axis=0)[index].tolist()
    assert by_id["unscorable"].tolist() == whole.unscorable.sum(axis=0)[index].tolist()


@settings(max_examples=examples(40), deadline=None)
@given(programs(), st.integers(1, 5), st.integers(1, 64))
def test_tiles_of_any_size_give_the_same_draws(
    case: dict[str, Any], tile_draws: int, block_cells: int
) -> None:
    result = evaluate(case)
    draws = panel_draws(result, 9, case["seed"])
    loo = leave_one_out_draws(result, [e.id for e in case["panel"]])
    expected = [simulate(result, draws), simulate(result, loo)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(redraw, "TILE_DRAWS", tile_draws)
        patch.setattr(redraw, "BLOCK_CELLS", block_cells)
        tiled = [simulate(result, draws), simulate(result, loo)]
    for one, other in zip(expected, tiled, strict=True):
        for name in ("finalists", "ranks", "selected", "credit", "unscorable"):
            np.testing.assert_array_equal(getattr(other, name), getattr(one, name))


def tied_case(scores: list[list[float]]) -> dict[str, Any]:
    """One stage, one criterion, one slot, every receipt number the same: applicants that
    draws leave level share the slot (credits 1/2, 1/3, ...)."""
    count, seats = len(scores), len(scores[0])
    ids = [f"A{a}" for a in range(count)]
    long = pd.DataFrame(
        [("s1", f"E{e}", ids[a], "c1", scores[a][e]) for a in range(count) for e in range(seats)],
        columns=["stage", "evaluator_id", "applicant_id", "criterion", "score"],
    )
    table = pd.DataFrame({"applicant_id": ids, "x": 1, "region": "R", "received": 1, "bonus": ""})
    return {
        "profile": make_profile(1, 1, "mean", 1),
        "table": table,
        "long": long,
        "panel": [Evaluator(f"E{e}", "", external=True) for e in range(seats)],
        "recusals": [],
    }


def test_chunked_probabilities_are_numpys_means_to_the_last_bit() -> None:
    # A0..A2 always tie: they share the seat when A3 draws below them. Summing thirds
    # chunk by chunk (rather than draw after draw) changes the last bit for these chunks
    result = evaluate(tied_case([[1.0, 2.0, 2.0, 1.0]] * 3 + [[2.0, 1.0, 1.0, 2.0]]))
    draws = panel_draws(result, 301, 3)
    credit = simulate(result, draws).credit
    assert {1 / 3, 1.0} <= set(credit.ravel().tolist())  # a share of a tie, a seat
    for chunk in (2, 7, 10):
        table = bootstrap_table(result, draws, chunk=chunk).set_index("applicant_id")
        expected = credit.mean(axis=0)[[result.ids.index(a) for a in table.index]]
        assert table["selection_probability"].tolist() == expected.tolist()


def test_seat_groups_cover_every_seat_once_in_small_groups() -> None:
    for seats in range(30):
        groups = seat_groups(seats)
        assert [s for g in groups for s in g] == list(range(seats))
        assert all(0 < len(g) <= TABLE_SEATS for g in groups)
        assert len(groups) == -(-seats // TABLE_SEATS)
