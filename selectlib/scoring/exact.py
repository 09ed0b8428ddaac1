"""Exact score arithmetic: decimal scores as integers over one shared denominator.

Scores, floors, pass marks, bonuses and weights are decimals with a few places (27.5,
2.7, 0.3). In binary floating point ``(0 + 3.5 + 4.6) / 3`` is ``2.6999999999999997``
and fails a floor of 2.7, and two equal averages may differ in the last bit and decide a
tie. An :class:`Exact` array holds every value as an integer *numerator* over one
``denominator`` shared by the whole array, so sums are exact and ``<``, ``==`` and sorting
compare the true values. Numerators are kept in float64, which holds every integer below
2**53 exactly (:data:`LIMIT`, checked on every operation), so ``NaN`` still means "no
value" and numpy's sorting and ranking work on them unchanged. Display rounding happens
once, at the edge, through :attr:`Exact.values`.

>>> third = ratio(np.array([[0 + 35 + 46]]), np.array([[3]]), 10)  # (0 + 3.5 + 4.6) / 3
>>> floor = fraction(2.7)
>>> bool(third.numerators[0, 0] < floor * third.denominator), float(third.values[0, 0])
(False, 2.7)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from selectlib._typing import FloatArray
from selectlib.decimals import MAX_PLACES, fraction, places_of
from selectlib.scoring.errors import ScoringError

__all__ = [
    "LIMIT",
    "Exact",
    "common",
    "decimal_places",
    "from_decimals",
    "off_step",
    "ratio",
]


LIMIT = 2**53
"""Numerators must stay below this in magnitude: float64 holds such integers exactly."""


def decimal_places(values: npt.ArrayLike) -> int:
    """The fewest decimal places that write every finite value exactly (``NaN`` skipped).

    A value has ``d`` places when rounding it to ``d`` places gives back the same float
    (so ``0.1`` has one place although the float is not one tenth). Raises a
    :class:`ScoringError` when some value needs more than :data:`MAX_PLACES`.
    """
    array = np.asarray(values, dtype=np.float64)
    present = array[np.isfinite(array)]
    for places in range(MAX_PLACES + 1):
        scale = 10.0**places
        if np.array_equal(np.round(present * scale) / scale, present):
            return places
    bad = [float(v) for v in present if places_of(fraction(float(v))) > MAX_PLACES][:5]
    raise ScoringError(
        "scores",
        [f"{v!r} has more than {MAX_PLACES} decimal places; round it" for v in bad],
    )


def off_step(values: npt.ArrayLike, step: float) -> npt.NDArray[np.bool_]:
    r"""``True`` where a value (a float as written) is not a whole number of ``step``\ s.

    ``NaN`` is never off the step: it is no score, reported elsewhere.

    >>> off_step([27.5, 27.3, 30, float("nan")], 0.5).tolist()
    [False, True, False, False]
    """
    array = np.asarray(values, dtype=np.float64)
    unit = fraction(step)
    scale = 10 ** places_of(unit)
    units = np.round(array * float(scale))
    exact = units / float(scale) == array
    per_step = float(unit * scale)
    result: npt.NDArray[np.bool_] = np.isfinite(array) & (~exact | (np.fmod(units, per_step) != 0))
    return result


def _check(numerators: FloatArray) -> FloatArray:
    # the largest and smallest numerators, NaN skipped: two passes, no temporary array
    top = np.fmax.reduce(numerators, axis=None, initial=-np.inf)
    bottom = np.fmin.reduce(numerators, axis=None, initial=np.inf)
    if top >= LIMIT or bottom <= -LIMIT:
        raise ScoringError(
            "scores",
            [
                "the points are too large or too finely divided to add up exactly "
                f"(a numerator reached {float(np.nanmax(np.abs(numerators))):.3g}); "
                "use fewer decimal places in scores and weights, or fewer points"
            ],
        )
    return numerators


def _floats(values: npt.ArrayLike) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


@attrs.frozen(eq=False)
class Exact:
    """Exact numbers: ``numerators / denominator``, elementwise; ``NaN`` = no value.

    Every numerator is an integer below :data:`LIMIT` in magnitude, so adding and
    comparing numerators of the same array is exact.
    """

    numerators: FloatArray = attrs.field(converter=_floats)
    denominator: int = attrs.field(converter=int)

    def __attrs_post_init__(self) -> None:
        if self.denominator < 1:
            raise ScoringError("denominator", [f"must be >= 1 (got {self.denominator})"])
        _check(self.numerators)

    @property
    def values(self) -> FloatArray:
        """The values as floats (each the float nearest the exact value), for display."""
        result: FloatArray = self.numerators / self.denominator
        return result

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of the array."""
        return tuple(self.numerators.shape)

    def __getitem__(self, index: Any) -> Exact:
        return Exact(self.numerators[index], self.denominator)

    def over(self, denominator: int) -> Exact:
        """The same values over ``denominator``, a multiple of the current one."""
        factor, rest = divmod(denominator, self.denominator)
        if rest:
            raise ScoringError(
                "denominator", [f"{denominator} is not a multiple of {self.denominator}"]
            )
        if factor == 1:
            return self  # values are never changed in place: the same values serve
        return Exact(_check(self.numerators * float(factor)), denominator)

    def numerator_of(self, value: Fraction) -> float:
        """``value`` as a numerator over this array's denominator, which must hold it."""
        scaled = value * self.denominator
        if scaled.denominator != 1:
            raise ScoringError("denominator", [f"{self.denominator} does not hold {value}"])
        return float(scaled.numerator)


def common(items: Iterable[Exact | Fraction]) -> int:
    """The least denominator that holds all of ``items`` exactly."""
    result = 1
    for item in items:
        result = math.lcm(result, item.denominator)
    return result


def from_decimals(values: npt.ArrayLike, places: int | None = None) -> Exact:
    """Decimal values (floats as written, ``NaN`` = none) as an :class:`Exact` array.

    ``places`` defaults to the fewest that write every value (:func:`decimal_places`).
    """
    array = np.asarray(values, dtype=np.float64)
    if places is None:
        places = decimal_places(array)
    scale = 10**places
    return Exact(np.round(array * float(scale)), scale)


def _distinct(sizes: FloatArray) -> list[int]:
    """The distinct whole numbers among ``sizes``, in order; counted with ``bincount``
    when they are small (panel sizes), which needs no sort."""
    if sizes.size and sizes.max() < 4096 and (sizes == np.floor(sizes)).all():
        return np.flatnonzero(np.bincount(sizes.astype(np.intp))).tolist()
    return [int(d) for d in np.unique(sizes).tolist()]


def ratio(sums: npt.ArrayLike, divisors: npt.ArrayLike, unit: int) -> Exact:
    """``sums / (divisors × unit)`` elementwise, exactly, over one shared denominator.

    ``sums`` are integers (held in floats) counted in ``1 / unit``; ``divisors`` are
    positive integers, or 0 / ``NaN`` where there is no value. The shared denominator is
    ``unit`` times the least common multiple of the divisors present, so it stays small
    for panels of a few evaluators.
    """
    top = np.asarray(sums, dtype=np.float64)
    below = np.asarray(divisors, dtype=np.float64)
    valid = np.isfinite(below) & (below > 0) & np.isfinite(top)
    present: Sequence[int] = _distinct(below[valid])
    shared = math.lcm(1, *present)
    factor = np.divide(shared, below, out=np.zeros(below.shape), where=valid)
    return Exact(_check(np.where(valid, top * factor, np.nan)), shared * unit)
