"""The trimmed mean and mean of redrawn panels in closed form, exactly, without gathering.

A drawn panel's sum is a weighted sum over the seats (how often each seat was drawn);
its highest and lowest scores are looked up in tables built once per group of seats
(:func:`extreme_tables`), by the pattern of seats drawn. Scores are integer units, so
every sum is exact and the result is an :class:`~selectlib.scoring.exact.Exact` array.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import attrs
import numpy as np

from selectlib._typing import BoolArray, FloatArray, IntArray
from selectlib.scoring.aggregate import TRIM_MIN_SCORES
from selectlib.scoring.errors import ScoringError
from selectlib.scoring.exact import Exact, ratio

__all__ = ["TABLE_SEATS", "ClosedForm", "closed_form", "extreme_tables", "seat_groups"]

TABLE_SEATS = 4
"""The most seats one table of highest and lowest scores covers: ``2**4`` entries per
score, so the tables take a fixed multiple of a stage's scores whatever the number of
applicants, and looking the extremes up costs one pass per group of four seats."""

Tables = Sequence[tuple[Sequence[int], FloatArray, FloatArray]]
"""Per group of seats: the seats, and their tables of highest and lowest scores."""


def seat_groups(seats: int) -> list[list[int]]:
    """``range(seats)`` in the fewest groups of at most :data:`TABLE_SEATS`, sizes even."""
    count = -(-seats // TABLE_SEATS)
    bounds = [i * seats // count for i in range(count + 1)] if count else [0]
    return [list(range(start, end)) for start, end in itertools.pairwise(bounds)]


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


@attrs.frozen(eq=False)
class ClosedForm:
    """Panels made ready once for the closed form of any number of draws.

    ``present`` is ``(rows, seats)``, 1 where the seat is not recused; ``counted``
    ``(seats, rows, criteria)`` the scores in integer units of ``1 / unit`` where
    present, 0 elsewhere; ``tables`` the highest and lowest scores per group of seats
    (:func:`extreme_tables`, for the trimmed mean), ``(2**k, rows, criteria)``. Built
    once per stage; :meth:`draws` gathers what a block of draws and applicants needs.
    """

    trimmed: bool
    unit: int
    present: FloatArray
    counted: FloatArray
    tables: Tables

    @classmethod
    def of(
        cls,
        trimmed: bool,
        units: FloatArray,
        unit: int,
        active: BoolArray,
        tables: Tables | None = None,
    ) -> ClosedForm:
        """The closed form of the panels ``units`` (``(applicants, seats, criteria)``,
        zero where blank), ``active`` their seats not recused; the tables are built over
        :func:`seat_groups` unless given."""
        if tables is None:
            groups = seat_groups(units.shape[1]) if trimmed else []
            tables = [(group, *extreme_tables(units, active, group)) for group in groups]
        counted = np.ascontiguousarray((units * active[:, :, None]).transpose(1, 0, 2))
        return cls(trimmed, unit, active.astype(np.float64), counted, tables)

    def draws(
        self,
        weights: FloatArray,
        rows: IntArray,
        denominator: int | None = None,
        at: tuple[IntArray, IntArray] | None = None,
    ) -> Exact:
        """The trimmed mean (or mean) of drawn panels, ``(draws, rows, criteria)``, exactly.

        ``weights`` is ``(draws, seats)``: how often each seat was drawn; ``rows`` the
        applicants wanted. The sum is a weighted sum over the seats (integers: exact);
        the highest and lowest drawn scores are looked up in the tables by the pattern of
        seats drawn. ``denominator``, a multiple of ``unit`` times every panel size, puts
        the result straight over it (one multiplication instead of finding a shared
        denominator, then scaling again). ``at`` (draws, positions in ``rows``) keeps only
        those pairs: ``(pairs, criteria)``.
        """
        seats = self.counted.shape[0]
        # einsum's own loops, not BLAS: the products are tiny (7 seats) and BLAS threads
        # that spin between calls slow everything else down on a busy machine
        count: FloatArray = np.einsum("re,ae->ra", weights, self.present[rows])[:, :, None]
        counted = self.counted[:, rows].reshape(seats, -1)
        total: FloatArray = np.einsum("re,ex->rx", weights, counted).reshape(*count.shape[:2], -1)
        if self.trimmed:
            high, low = self._extremes(weights, rows)
            trim = count >= TRIM_MIN_SCORES
            with np.errstate(invalid="ignore"):  # -inf + inf where nobody was drawn: unused
                trimmed = total - high
                trimmed -= low
            if not trim.all():
                np.copyto(trimmed, total, where=~trim)
            total, count = trimmed, np.where(trim, count - 2, count)
        if at is not None:
            total, count = total[at], count[at]
        return self._divided(total, count, denominator)

    def _extremes(self, weights: FloatArray, rows: IntArray) -> tuple[FloatArray, FloatArray]:
        """The highest and lowest drawn score per draw, row and criterion (``∓inf`` where
        no seat was drawn), looked up by the pattern of seats each draw drew."""
        applicants, criteria = self.counted.shape[1:]
        high: FloatArray | None = None
        low: FloatArray | None = None
        for group, group_high, group_low in self.tables:
            pattern = (weights[:, group] > 0).astype(np.intp) @ (1 << np.arange(len(group)))
            # each (draw, row) takes its criteria at once: rows of the tables seen 2-D
            at = pattern[:, None] * applicants + rows[None, :]
            drawn_high = np.take(group_high.reshape(-1, criteria), at, axis=0)
            drawn_low = np.take(group_low.reshape(-1, criteria), at, axis=0)
            if high is None or low is None:
                high, low = drawn_high, drawn_low
                continue
            np.maximum(high, drawn_high, out=high)
            np.minimum(low, drawn_low, out=low)
        if high is None or low is None:  # no seats
            shape = (weights.shape[0], rows.size, criteria)
            return np.full(shape, -np.inf), np.full(shape, np.inf)
        return high, low

    def _divided(self, sums: FloatArray, sizes: FloatArray, denominator: int | None) -> Exact:
        """``sums / (sizes × unit)``: over ``denominator`` if given, else as :func:`ratio`.

        Sizes are whole numbers of scores (0 where none: ``NaN``); each size's factor is
        looked up, so every numerator is one exact product."""
        if denominator is None:
            return ratio(sums, np.broadcast_to(sizes, sums.shape), self.unit)
        largest = int(sizes.max(initial=0))
        if any(denominator % (self.unit * size) for size in range(1, largest + 1)):
            raise ScoringError(
                "denominator", [f"{denominator} does not hold every panel size up to {largest}"]
            )
        factors = np.array(
            [np.nan, *(denominator // (self.unit * size) for size in range(1, largest + 1))]
        )
        return Exact(sums * factors[sizes.astype(np.intp)], denominator)


def closed_form(
    trimmed: bool,
    units: FloatArray,
    unit: int,
    active: BoolArray,
    weights: FloatArray,
    rows: IntArray,
    tables: Tables,
) -> Exact:
    """The trimmed mean (or mean) of drawn panels, ``(draws, rows, criteria)``, exactly:
    :meth:`ClosedForm.draws` of the panels ``units`` (zero where blank) in units of
    ``1 / unit``, ``active`` their seats not recused, ``weights`` how often each seat was
    drawn, for the applicants ``rows``, with the given tables."""
    return ClosedForm.of(trimmed, units, unit, active, tables).draws(weights, rows)
