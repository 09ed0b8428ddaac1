"""Panel aggregates: one number per applicant and criterion from several evaluators.

Scores arrive as an array shaped ``(applicants, evaluators, criteria)``. ``NaN`` means
"no score": the evaluator was recused (제척·기피·회피) or absent, so the panel for that
applicant is smaller. Every aggregate works on the scores that are present and reports
how many there were, so a later layer can check the quorum.

All three aggregates share one sort along the evaluator axis (``NaN`` sorts last), which
keeps them vectorized over every applicant and criterion at once and avoids numpy's
all-``NaN`` warnings. They work exactly: scores are decimals, counted in integer units
(a score of 8.5 is 85 tenths), and the result is an exact fraction
(:mod:`selectlib.scoring.exact`), so ``(0 + 3.5 + 4.6) / 3`` is 2.7, not
2.6999999999999997.

>>> import numpy as np
>>> scores = np.array([[[9.0], [7.0], [7.0], [5.0], [np.nan]]])  # 1 applicant, 5 seats
>>> result = trimmed_mean(scores)
>>> float(result.values[0, 0]), int(result.counts[0, 0]), bool(result.fallback[0, 0])
(7.0, 4, False)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

import attrs
import numpy as np
import numpy.typing as npt

from selectlib._typing import BoolArray, FloatArray, IntArray
from selectlib.scoring.errors import ScoringError
from selectlib.scoring.exact import Exact, from_decimals, ratio

__all__ = [
    "AGGREGATES",
    "TRIM_MIN_SCORES",
    "Aggregate",
    "PanelAggregate",
    "as_scores",
    "mean",
    "median",
    "trimmed_mean",
]


TRIM_MIN_SCORES = 3
"""The fewest scores the trimmed mean trims; with fewer it is the plain mean."""


@attrs.frozen(eq=False)
class PanelAggregate:
    """The aggregated scores of a panel, shaped ``(applicants, criteria)``.

    Attributes
    ----------
    exact:
        The aggregate, exactly (:class:`~selectlib.scoring.exact.Exact`); ``NaN`` where
        nobody scored that applicant on that criterion.
    counts:
        How many evaluators' scores went into each value (the panel size after recusal).
    fallback:
        ``True`` where the aggregate could not apply its own rule and used the plain mean
        instead (the trimmed mean with fewer than :data:`TRIM_MIN_SCORES` scores). Always
        ``False`` for the mean and the median.
    """

    exact: Exact
    counts: IntArray
    fallback: BoolArray

    @property
    def values(self) -> FloatArray:
        """The aggregate as floats, for display (compare :attr:`exact` instead)."""
        return self.exact.values


Aggregate = Callable[[npt.ArrayLike], PanelAggregate]
"""A panel aggregate: raw scores ``(applicants, evaluators, criteria)`` to a result."""


def as_scores(scores: npt.ArrayLike) -> FloatArray:
    """Check and convert raw panel scores to a float array ``(applicants, evaluators, criteria)``.

    ``NaN`` is allowed (no score); infinities and other shapes are not, because they are
    always a mistake in a score sheet rather than a missing score.
    """
    try:
        array = np.asarray(scores, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ScoringError("scores", [f"must be numbers (got {exc})"]) from None
    if array.ndim != 3:
        raise ScoringError(
            "scores",
            [
                "must be shaped (applicants, evaluators, criteria) "
                f"(got {array.ndim} dimension(s), shape {array.shape})"
            ],
        )
    if np.isinf(array).any():
        infinite = np.argwhere(np.isinf(array))
        raise ScoringError(
            "scores",
            [
                f"applicant row {a}, evaluator {e}, criterion {c}: score is infinite; "
                "use NaN for no score"
                for a, e, c in infinite.tolist()
            ],
        )
    return array


def _sorted(scores: npt.ArrayLike) -> tuple[FloatArray, IntArray, int]:
    """Scores in integer units of ``1 / unit``, sorted along the evaluator axis (``NaN``
    last), the count present, and the unit."""
    array = as_scores(scores)
    units = from_decimals(array)
    counts: IntArray = np.asarray(np.sum(~np.isnan(array), axis=1), dtype=np.int64)
    return np.sort(units.numerators, axis=1), counts, units.denominator


def _kept_sum(ordered: FloatArray, keep: BoolArray) -> FloatArray:
    """The sum of the kept sorted scores (integers in floats: exact)."""
    total: FloatArray = np.where(keep, ordered, 0.0).sum(axis=1)
    return total


def trimmed_mean(scores: npt.ArrayLike) -> PanelAggregate:
    """Drop one highest and one lowest score, then average the rest.

    This is the common Korean panel rule (최고·최저 점수 각 1개 제외 후 평균). Exactly one
    copy of the highest and one copy of the lowest score is dropped even when several
    evaluators gave it, so ``[9, 9, 7, 5]`` averages ``9`` and ``7``: dropping every
    copy would let a single extreme evaluator erase an agreeing colleague.

    With fewer than :data:`TRIM_MIN_SCORES` scores (a panel shrunk by recusal) there is
    nothing left to average after trimming, so the plain mean of the scores present is
    used and ``fallback`` is ``True`` there. With no scores the value is ``NaN``.

    >>> float(trimmed_mean([[[9], [9], [7], [5]]]).values[0, 0])
    8.0
    """
    ordered, counts, unit = _sorted(scores)
    seat = np.arange(ordered.shape[1]).reshape(1, -1, 1)
    fallback = (counts > 0) & (counts < TRIM_MIN_SCORES)
    trimmed = fallback[:, None, :] | ((seat >= 1) & (seat < counts[:, None, :] - 1))
    keep = (seat < counts[:, None, :]) & trimmed
    kept = np.where(fallback, counts, counts - 2)
    exact = ratio(_kept_sum(ordered, keep), kept, unit)
    return PanelAggregate(exact=exact, counts=counts, fallback=fallback)


def mean(scores: npt.ArrayLike) -> PanelAggregate:
    """The plain mean of the scores present (``NaN`` where there are none).

    >>> float(mean([[[9], [np.nan], [6]]]).values[0, 0])
    7.5
    """
    ordered, counts, unit = _sorted(scores)
    seat = np.arange(ordered.shape[1]).reshape(1, -1, 1)
    exact = ratio(_kept_sum(ordered, seat < counts[:, None, :]), counts, unit)
    return PanelAggregate(exact=exact, counts=counts, fallback=np.zeros_like(counts, bool))


def median(scores: npt.ArrayLike) -> PanelAggregate:
    """The median of the scores present: the middle one, or the mean of the middle two.

    >>> float(median([[[9], [1], [6], [np.nan]]]).values[0, 0])
    6.0
    """
    ordered, counts, unit = _sorted(scores)
    if ordered.shape[1] == 0:
        pair = np.full(counts.shape, np.nan)
    else:
        low_seat = np.maximum((counts - 1) // 2, 0)[:, None, :]
        high_seat = np.minimum(np.maximum(counts // 2, 0), ordered.shape[1] - 1)[:, None, :]
        low = np.take_along_axis(ordered, low_seat, axis=1)[:, 0, :]
        high = np.take_along_axis(ordered, high_seat, axis=1)[:, 0, :]
        pair = low + high
    exact = ratio(pair, np.where(counts > 0, 2, 0), unit)
    return PanelAggregate(exact=exact, counts=counts, fallback=np.zeros_like(counts, bool))


AGGREGATES: Mapping[str, Aggregate] = MappingProxyType(
    {"trimmed_mean": trimmed_mean, "mean": mean, "median": median}
)
"""The panel aggregates by the name a profile uses for them (read-only)."""
