"""Panel aggregates: one number per applicant and criterion from several evaluators.

Scores arrive as an array shaped ``(applicants, evaluators, criteria)``. ``NaN`` means
"no score": the evaluator was recused (제척·기피·회피) or absent, so the panel for that
applicant is smaller. Every aggregate works on the scores that are present and reports
how many there were, so a later layer can check the quorum.

All three aggregates share one sort along the evaluator axis (``NaN`` sorts last), which
keeps them vectorized over every applicant and criterion at once and avoids numpy's
all-``NaN`` warnings.

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

from .errors import ScoringError

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

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

TRIM_MIN_SCORES = 3
"""The fewest scores the trimmed mean trims; with fewer it is the plain mean."""


@attrs.frozen(eq=False)
class PanelAggregate:
    """The aggregated scores of a panel, shaped ``(applicants, criteria)``.

    Attributes
    ----------
    values:
        The aggregate; ``NaN`` where nobody scored that applicant on that criterion.
    counts:
        How many evaluators' scores went into each value (the panel size after recusal).
    fallback:
        ``True`` where the aggregate could not apply its own rule and used the plain mean
        instead (the trimmed mean with fewer than :data:`TRIM_MIN_SCORES` scores). Always
        ``False`` for the mean and the median.
    """

    values: FloatArray
    counts: IntArray
    fallback: BoolArray


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


def _sorted(scores: npt.ArrayLike) -> tuple[FloatArray, IntArray]:
    """Scores sorted along the evaluator axis (``NaN`` last) and the count present."""
    array = as_scores(scores)
    counts: IntArray = np.asarray(np.sum(~np.isnan(array), axis=1), dtype=np.int64)
    return np.sort(array, axis=1), counts


def _masked_mean(ordered: FloatArray, keep: BoolArray, counts: IntArray) -> FloatArray:
    """Mean of the kept sorted scores; ``NaN`` where none is kept."""
    total = np.where(keep, ordered, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, total / np.maximum(counts, 1), np.nan)


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
    ordered, counts = _sorted(scores)
    seat = np.arange(ordered.shape[1]).reshape(1, -1, 1)
    fallback = (counts > 0) & (counts < TRIM_MIN_SCORES)
    trimmed = fallback[:, None, :] | ((seat >= 1) & (seat < counts[:, None, :] - 1))
    keep = (seat < counts[:, None, :]) & trimmed
    kept = np.where(fallback, counts, counts - 2)
    values = _masked_mean(ordered, keep, kept)
    return PanelAggregate(values=values, counts=counts, fallback=fallback)


def mean(scores: npt.ArrayLike) -> PanelAggregate:
    """The plain mean of the scores present (``NaN`` where there are none).

    >>> float(mean([[[9], [np.nan], [6]]]).values[0, 0])
    7.5
    """
    ordered, counts = _sorted(scores)
    seat = np.arange(ordered.shape[1]).reshape(1, -1, 1)
    values = _masked_mean(ordered, seat < counts[:, None, :], counts)
    return PanelAggregate(values=values, counts=counts, fallback=np.zeros_like(counts, bool))


def median(scores: npt.ArrayLike) -> PanelAggregate:
    """The median of the scores present: the middle one, or the mean of the middle two.

    >>> float(median([[[9], [1], [6], [np.nan]]]).values[0, 0])
    6.0
    """
    ordered, counts = _sorted(scores)
    empty = ordered.shape[1] == 0
    low_seat = np.maximum((counts - 1) // 2, 0)[:, None, :]
    high_seat = np.maximum(counts // 2, 0)[:, None, :]
    if empty:
        values = np.full(counts.shape, np.nan)
    else:
        low = np.take_along_axis(ordered, low_seat, axis=1)[:, 0, :]
        high = np.take_along_axis(ordered, np.minimum(high_seat, ordered.shape[1] - 1), axis=1)
        values = np.where(counts > 0, (low + high[:, 0, :]) / 2.0, np.nan)
    return PanelAggregate(values=values, counts=counts, fallback=np.zeros_like(counts, bool))


AGGREGATES: Mapping[str, Aggregate] = MappingProxyType(
    {"trimmed_mean": trimmed_mean, "mean": mean, "median": median}
)
"""The panel aggregates by the name a profile uses for them (read-only)."""
