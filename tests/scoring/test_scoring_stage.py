"""Stage totals: floors (과락), bonus (가점) after the floor check, penalty (감점), pass mark."""

from __future__ import annotations

import doctest
from fractions import Fraction

import numpy as np
import pytest

import selectlib.scoring.stage as stage
from selectlib.scoring import ScoringError
from selectlib.scoring.primitives import StageCriterion, StageRules, score_stage, weighted_total

RULES = StageRules(
    criteria=(
        StageCriterion("plan", 30, floor=12),
        StageCriterion("capability", 40, floor=16),
        StageCriterion("budget", 20),
        StageCriterion("impact", 10),
    ),
    pass_mark=60,
    bonus_cap=5,
)


def test_totals_pass_and_reasons_by_hand() -> None:
    scores = [
        [25, 35, 15, 8],  # 83: passes
        [11, 39, 20, 10],  # 80 but below the plan floor
        [20, 20, 10, 5],  # 55: below the pass mark
        [20, 20, 10, 5],  # 55 + bonus 10 capped to 5 = 60: passes
        [10, 15, 20, 10],  # two floors failed
        [25, 35, 15, 8],  # 83 - penalty 30 = 53
    ]
    result = score_stage(RULES, scores, bonus=[0, 20, 0, 10, 0, 0], penalty=[0, 0, 0, 0, 0, 30])
    np.testing.assert_allclose(result.raw_totals, [83, 80, 55, 55, 55, 83])
    np.testing.assert_allclose(result.totals, [83, 85, 55, 60, 55, 53])
    assert result.passed.tolist() == [True, False, False, True, False, False]
    assert result.reasons() == ["", "floor:plan", "pass_mark", "", "floor:plan", "pass_mark"]
    assert result.below_floor[4].tolist() == [True, True, False, False]
    assert result.criterion_ids == ("plan", "capability", "budget", "impact")
    assert result.failed_floor.tolist() == [-1, 0, -1, -1, 0, -1]
    assert result.reason(2) == "pass_mark"


def test_bonus_never_rescues_a_floor() -> None:
    result = score_stage(RULES, [[11, 40, 20, 10]], bonus=100)
    assert not result.passed[0]
    assert result.reason(0) == "floor:plan"
    assert not result.below_pass_mark[0]


def test_score_exactly_at_floor_and_pass_mark_passes() -> None:
    result = score_stage(RULES, [[12, 16, 20, 10]])
    assert result.totals.tolist() == [58.0]
    assert result.reasons() == ["pass_mark"]
    result = score_stage(RULES, [[12, 16, 20, 10]], bonus=2)
    assert result.passed.tolist() == [True]


def test_numpy_numbers_are_accepted_in_rules() -> None:
    rules = StageRules(criteria=[StageCriterion("a", np.int64(10), floor=np.float64(2.5))])
    assert rules.max_total == 10


def test_no_pass_mark_no_cap() -> None:
    rules = StageRules(criteria=[StageCriterion("all", 100)])
    result = score_stage(rules, [[0.0], [100.0]], bonus=[50, 0])
    assert result.totals.tolist() == [50.0, 100.0]
    assert result.passed.all()


def test_all_bad_cells_reported_at_once() -> None:
    with pytest.raises(ScoringError) as info:
        score_stage(RULES, [[31, 35, 15, 8], [25, np.nan, -1, 8]])
    text = str(info.value)
    assert "3 problems" in text
    assert "row 0, criterion 'plan': 31.0 is outside 0..30" in text
    assert "row 1, criterion 'capability': no score" in text
    assert "row 1, criterion 'budget': -1.0 is outside 0..20" in text
    assert info.value.argument == "scores"


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"scores": [[1, 2, 3]]}, "shaped (applicants, 4 criteria)"),
        ({"bonus": [1, 2, 3]}, "must be a number or 1 numbers"),
        ({"penalty": -1}, "row 0: must be a finite number >= 0"),
        ({"bonus": np.nan}, "row 0: must be a finite number >= 0"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], fragment: str) -> None:
    args: dict[str, object] = {"scores": [[20, 20, 10, 5]], **kwargs}
    scores = args.pop("scores")
    with pytest.raises(ScoringError) as info:
        score_stage(RULES, scores, **args)  # type: ignore[arg-type]
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (lambda: StageCriterion("a", 0), "must be > 0"),
        (lambda: StageCriterion("a", -5), "finite number >= 0"),
        (lambda: StageCriterion("a", 10, floor=11), "floor 11 exceeds max 10"),
        (lambda: StageRules(criteria=()), "at least one criterion"),
        (
            lambda: StageRules(criteria=[StageCriterion("a", 5), StageCriterion("a", 5)]),
            "repeated: a",
        ),
        (
            lambda: StageRules(criteria=[StageCriterion("a", 50)], pass_mark=60),
            "exceeds the most points possible",
        ),
        (lambda: StageRules(criteria=[StageCriterion("a", 5)], bonus_cap=-1), "bonus_cap"),
        (lambda: StageCriterion("a", True), "finite number >= 0"),
        (lambda: StageCriterion("a", "10"), "finite number >= 0"),
    ],
)
def test_rules_fail_when_defined(build: object, fragment: str) -> None:
    with pytest.raises(ScoringError) as info:
        build()  # type: ignore[operator]
    assert fragment in str(info.value)


def test_rules_are_frozen_values() -> None:
    import attrs

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        RULES.pass_mark = 10  # type: ignore[misc]
    assert attrs.evolve(RULES, pass_mark=50).pass_mark == 50
    assert RULES.max_total == 100


def test_weighted_total() -> None:
    assert weighted_total([[80, 60], [70, 90]], [0.3, 0.7]).values.tolist() == [73, 81]
    assert weighted_total([[80, 60]], [1]).values.tolist() == [80, 60]
    # exactly: 0.1 × 1 + 0.2 × 1 is 0.3, and 30/70 is the same as 0.3/0.7
    assert weighted_total([[0.1], [0.2]], [1, 1]).values.tolist() == [0.15]
    mixed = weighted_total([[85.5, 72], [77, 91.25]], [0.3, 0.7])
    assert (
        mixed.values.tolist() == weighted_total([[85.5, 72], [77, 91.25]], [30, 70]).values.tolist()
    )
    with pytest.raises(ScoringError, match="one weight per stage"):
        weighted_total([[1], [2]], [1])
    with pytest.raises(ScoringError, match="not all 0"):
        weighted_total([[1], [2]], [0, 0])
    with pytest.raises(ScoringError, match="one total per applicant"):
        weighted_total([[1, 2], [2]], [1, 1])
    with pytest.raises(ScoringError, match="no NaN"):
        weighted_total([[1, np.nan]], [1])


def test_module_doctests() -> None:
    assert doctest.testmod(stage).failed == 0


def test_weighted_total_does_not_depend_on_the_row() -> None:
    # a matrix product rounded 0.2 * 1 + 0.6 * 3 differently by row (found by hypothesis)
    for rows in range(1, 12):
        for row in range(rows):
            first, last = np.zeros(rows), np.zeros(rows)
            first[row], last[row] = 0.2, 0.6
            combined = weighted_total([first, last], [1, 3])
            assert combined.values[row] == weighted_total([[0.2], [0.6]], [1, 3]).values[0] == 0.5


def test_equal_points_tie_whatever_the_order_they_are_added_in() -> None:
    # Both panels' trimmed means add up to exactly 353/6 points, but summing the three
    # float aggregates gives 58.83333333333333 and 58.83333333333334: totals are exact
    # fractions, so the tie is a tie and the tie-break chain decides it.
    from selectlib.scoring.primitives import trimmed_mean

    first = [[13.5, 21.0, 26.0], [17.0, 13.5, 19.5], [11.5, 14.0, 27.0], [23.0, 27.0, 26.5],
             [27.5, 16.0, 19.0]]  # fmt: skip
    second = [[14.0, 18.0, 15.5], [13.5, 16.0, 24.0], [16.0, 28.0, 21.5], [12.5, 29.0, 27.5],
              [25.0, 13.0, 25.5]]  # fmt: skip
    aggregate = trimmed_mean(np.array([first, second]))
    values = aggregate.values
    assert values[0].sum() != values[1].sum()  # the float noise this guards against
    rules = StageRules((StageCriterion("a", 30), StageCriterion("b", 30), StageCriterion("c", 30)))
    totals = score_stage(rules, aggregate.exact).exact_totals
    assert totals.numerators[0] == totals.numerators[1]
    assert Fraction(int(totals.numerators[0]), totals.denominator) == Fraction(353, 6)
    final = weighted_total([totals, totals], [30, 70])
    assert final.numerators[0] == final.numerators[1]
    assert final.values.tolist() == [353 / 6] * 2
