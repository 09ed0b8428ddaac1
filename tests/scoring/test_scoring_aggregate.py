"""Panel aggregates: hand-checked trimmed means, recusal (NaN), mean, median, errors."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import examples

import selectlib.scoring.aggregate as aggregate
from selectlib.errors import SelectlibError
from selectlib.scoring import ScoringError
from selectlib.scoring.primitives import AGGREGATES, mean, median, trimmed_mean

NAN = np.nan


def one(aggregate_fn: aggregate.Aggregate, panel: list[float]) -> tuple[float, int, bool]:
    """Aggregate one applicant's scores on one criterion."""
    result = aggregate_fn(np.array(panel, dtype=float).reshape(1, -1, 1))
    return float(result.values[0, 0]), int(result.counts[0, 0]), bool(result.fallback[0, 0])


@pytest.mark.parametrize(
    ("panel", "expected"),
    [
        pytest.param([9, 8, 7, 6, 5], 7.0, id="distinct five: (8+7+6)/3"),
        pytest.param([80, 90, 70, 85, 75, 95, 60], 80.0, id="seven: drop 95 and 60"),
        pytest.param([9, 9, 7, 5], 8.0, id="tie at top: one 9 dropped"),
        pytest.param([9, 7, 5, 5], 6.0, id="tie at bottom: one 5 dropped"),
        pytest.param([9, 9, 5, 5], 7.0, id="ties at both ends"),
        pytest.param([6, 6, 6], 6.0, id="all equal"),
        pytest.param([10, 4, 7], 7.0, id="three: middle one"),
        pytest.param([9, NAN, 7, 5, NAN], 7.0, id="five seats, two recused"),
        pytest.param([NAN, 9, 9, NAN, 1, 3], 6.0, id="recused, tie at top: (9+3)/2"),
    ],
)
def test_trimmed_mean_by_hand(panel: list[float], expected: float) -> None:
    value, count, fallback = one(trimmed_mean, panel)
    assert value == pytest.approx(expected)
    assert count == sum(not np.isnan(x) for x in panel)
    assert fallback is False


@pytest.mark.parametrize(
    ("panel", "expected", "count"),
    [
        pytest.param([9, NAN, 6, NAN, NAN], 7.5, 2, id="shrunk to two: plain mean"),
        pytest.param([NAN, 8, NAN], 8.0, 1, id="shrunk to one"),
    ],
)
def test_trimmed_mean_falls_back_to_the_mean_below_three(
    panel: list[float], expected: float, count: int
) -> None:
    assert one(trimmed_mean, panel) == (pytest.approx(expected), count, True)


def test_no_scores_at_all_is_nan_without_warnings() -> None:
    with np.errstate(all="raise"):
        for fn in AGGREGATES.values():
            value, count, fallback = one(fn, [NAN, NAN, NAN])
            assert np.isnan(value)
            assert count == 0
            assert fallback is False


def test_vectorized_over_applicants_and_criteria() -> None:
    scores = np.array(
        [
            [[9, 30], [8, 20], [7, 10], [1, NAN]],
            [[5, 40], [NAN, 40], [5, 10], [6, 20]],
        ],
        dtype=float,
    )
    result = trimmed_mean(scores)
    np.testing.assert_allclose(result.values, [[7.5, 20.0], [5.0, 30.0]])
    np.testing.assert_array_equal(result.counts, [[4, 3], [3, 4]])
    assert not result.fallback.any()


@pytest.mark.parametrize(
    ("panel", "mean_value", "median_value"),
    [
        ([9, 1, 6, NAN], 16 / 3, 6.0),
        ([9, 1, 6, 4], 5.0, 5.0),
        ([NAN, 7], 7.0, 7.0),
    ],
)
def test_mean_and_median_by_hand(
    panel: list[float], mean_value: float, median_value: float
) -> None:
    assert one(mean, panel)[0] == pytest.approx(mean_value)
    assert one(median, panel)[0] == pytest.approx(median_value)


def test_registry_names_every_aggregate_and_is_read_only() -> None:
    assert dict(AGGREGATES) == {"trimmed_mean": trimmed_mean, "mean": mean, "median": median}
    with pytest.raises(TypeError):
        AGGREGATES["mode"] = mean  # type: ignore[index]


@pytest.mark.parametrize(
    ("scores", "fragment"),
    [
        pytest.param([[1.0, 2.0]], "shaped (applicants, evaluators, criteria)", id="2-D"),
        pytest.param([[[1.0], [np.inf]]], "evaluator 1, criterion 0: score is infinite", id="inf"),
        pytest.param([[["x"]]], "must be numbers", id="text"),
    ],
)
def test_bad_scores_raise_scoring_error(scores: object, fragment: str) -> None:
    with pytest.raises(ScoringError, match="scores") as info:
        trimmed_mean(scores)  # type: ignore[arg-type]
    assert fragment in str(info.value)
    assert isinstance(info.value, SelectlibError)
    assert isinstance(info.value, ValueError)
    assert info.value.argument == "scores"


panels = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=3, max_dims=3, min_side=1, max_side=6),
    elements=st.one_of(st.just(NAN), st.integers(0, 100).map(float)),
)


@settings(max_examples=examples(200), deadline=None)
@given(panels)
def test_aggregates_match_a_plain_python_reference(scores: np.ndarray) -> None:
    trimmed, plain, middle = trimmed_mean(scores), mean(scores), median(scores)
    for a, c in np.ndindex(scores.shape[0], scores.shape[2]):
        present = sorted(x for x in scores[a, :, c] if not np.isnan(x))
        if not present:
            assert np.isnan(trimmed.values[a, c])
            continue
        kept = present[1:-1] if len(present) >= 3 else present
        assert trimmed.values[a, c] == pytest.approx(sum(kept) / len(kept))
        assert plain.values[a, c] == pytest.approx(sum(present) / len(present))
        assert middle.values[a, c] == pytest.approx(float(np.median(present)))
        assert trimmed.fallback[a, c] == (len(present) < 3)


@settings(max_examples=examples(200), deadline=None)
@given(panels, st.data())
def test_raising_one_score_never_lowers_any_aggregate(
    scores: np.ndarray, data: st.DataObject
) -> None:
    index = data.draw(st.tuples(*(st.integers(0, n - 1) for n in scores.shape)))
    if np.isnan(scores[index]):
        return
    raised = scores.copy()
    raised[index] += data.draw(st.integers(1, 50))
    for fn in AGGREGATES.values():
        before, after = fn(scores).values, fn(raised).values
        a, _, c = index
        assert after[a, c] >= before[a, c] - 1e-9


def test_module_doctests() -> None:
    assert doctest.testmod(aggregate).failed == 0


def test_the_aggregates_are_the_ones_a_profile_may_name() -> None:
    from selectlib.profile.evaluation import AGGREGATE_NAMES

    assert sorted(AGGREGATES) == sorted(AGGREGATE_NAMES)
