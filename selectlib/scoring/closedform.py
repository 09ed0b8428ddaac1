"""The trimmed mean and mean of redrawn panels in closed form, exactly, without gathering.

A drawn panel's sum is a weighted sum over the seats (how often each seat was drawn);
its highest and lowest scores are looked up in tables built once per group of seats
(:func:`extreme_tables`), by the pattern of seats drawn. Scores are integer units, so
every sum is exact and the result is an :class:`~selectlib.scoring.exact.Exact` array.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from selectlib._typing import BoolArray, FloatArray, IntArray
from selectlib.scoring.aggregate import TRIM_MIN_SCORES
from selectlib.scoring.exact import Exact, ratio

__all__ = ["TABLE_SEATS", "closed_form", "extreme_tables"]

TABLE_SEATS = 8
"""The most seats one table of highest and lowest scores covers (2**8 entries per cell)."""


def extreme_tables(
    scores: FloatArray, active: BoolArray, seats: Sequence[int]
) -> tuple[FloatArray, FloatArray]:
    """The highest and lowest active score for every subset of ``seats``: ``(2**k, N, C)``.

    Entry ``m`` covers the seats whose bits are set in ``m``; recusals are applied per
    applicant, so a draw only needs the bit pattern of the seats it drew.
    """
    shape = (1 << len(seats), *scores[:, 0, :].shape)
    high = np.full(shape, -np.inf)
    low = np.full(shape, np.inf)
    for subset in range(1, shape[0]):
        seat = seats[(subset & -subset).bit_length() - 1]
        rest = subset & (subset - 1)
        here = active[:, seat, None]
        np.maximum(high[rest], np.where(here, scores[:, seat, :], -np.inf), out=high[subset])
        np.minimum(low[rest], np.where(here, scores[:, seat, :], np.inf), out=low[subset])
    return high, low


def closed_form(
    trimmed: bool,
    units: FloatArray,
    unit: int,
    active: BoolArray,
    weights: FloatArray,
    rows: IntArray,
    tables: Sequence[tuple[Sequence[int], FloatArray, FloatArray]],
) -> Exact:
    """The trimmed mean (or mean) of drawn panels, ``(draws, rows, criteria)``, exactly.

    ``units`` are the stage's scores in integer units of ``1 / unit`` (zero where blank),
    ``active`` its seats not recused, ``weights`` how often each seat was drawn, ``rows``
    the applicants wanted. The sum is a weighted sum over the seats (integers: exact);
    the highest and lowest drawn scores are looked up in :func:`extreme_tables` by the
    pattern of seats drawn.
    """
    present = active[rows]
    # einsum's own loops, not BLAS: the products are tiny (7 seats) and BLAS threads that
    # spin between calls slow everything else down on a busy machine
    count: FloatArray = np.einsum("re,ae->ra", weights, present.astype(np.float64))[:, :, None]
    counted = (units[rows] * present[:, :, None]).transpose(1, 0, 2).reshape(units.shape[1], -1)
    total: FloatArray = np.einsum("re,ex->rx", weights, counted).reshape(*count.shape[:2], -1)
    count = np.broadcast_to(count, total.shape)
    if not trimmed:
        return ratio(total, count, unit)
    criteria = units.shape[2]
    cells = (rows[:, None] * criteria + np.arange(criteria)).reshape(1, rows.size, criteria)
    high = np.full(total.shape, -np.inf)
    low = np.full(total.shape, np.inf)
    for group, group_high, group_low in tables:
        pattern = (weights[:, group] > 0).astype(np.int64) @ (1 << np.arange(len(group)))
        flat = pattern.reshape(-1, 1, 1) * (units.shape[0] * criteria) + cells
        np.maximum(high, np.take(group_high, flat), out=high)
        np.minimum(low, np.take(group_low, flat), out=low)
    trim = count >= TRIM_MIN_SCORES
    with np.errstate(invalid="ignore"):  # -inf + inf where nobody was drawn: not used
        trimmed_total = np.where(trim, total - high - low, total)
    return ratio(trimmed_total, np.where(trim, count - 2, count), unit)
