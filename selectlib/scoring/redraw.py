"""One stage re-run for many draws of its panel: the bootstrap's and leave-one-out's step.

:class:`StageRedraw` holds what does not depend on the draws, built once per stage: the
scores in integer units, who has a real quorum (:func:`~selectlib.scoring.draws.real_quorum`),
the bonus and penalty, and the closed form's sums and tables. :meth:`StageRedraw.run`
scores one chunk of draws; its work grows with the draws times the applicants reached,
never with the applicants alone, so chunking the draws keeps the whole run linear.
"""

from __future__ import annotations

import math

import attrs
import numpy as np

from selectlib._typing import BoolArray, FloatArray, IntArray
from selectlib.scoring.aggregate import AGGREGATES
from selectlib.scoring.closedform import ClosedForm
from selectlib.scoring.cube import StageCube
from selectlib.scoring.draws import real_quorum
from selectlib.scoring.exact import Exact, from_decimals
from selectlib.scoring.result import EvaluationResult
from selectlib.scoring.stage import StageRules, score_stage

__all__ = ["BLOCK_CELLS", "CLOSED_FORMS", "TILE_DRAWS", "Outcomes", "StageRedraw", "advance"]

BLOCK_CELLS = 1 << 18
"""About how many aggregates (draws × applicants × criteria) one tile computes at once:
a few MB per working array, so the passes over them stay in the cache."""
TILE_DRAWS = 64
"""The most draws in one tile: each candidate's panel, gathered once per tile, serves
that many draws."""
CLOSED_FORMS = ("trimmed_mean", "mean")
"""The aggregates computed in closed form (:mod:`.closedform`), without gathering panels."""


@attrs.frozen(eq=False)
class Outcomes:
    """One stage's results for a chunk of draws, filled block by block: totals (numerators),
    who passed, who was unscorable, and the criteria kept for tie-breaks."""

    totals: FloatArray
    passed: BoolArray
    lost: BoolArray
    kept: FloatArray

    @classmethod
    def empty(cls, shape: tuple[int, int], kept: int) -> Outcomes:
        """Nobody scored yet, for ``shape`` (draws, applicants)."""
        return cls(
            np.full(shape, np.nan),
            np.zeros(shape, bool),
            np.zeros(shape, bool),
            np.full((kept, *shape), np.nan),
        )


@attrs.frozen(eq=False)
class StageRedraw:
    """One stage's panels, ready to be redrawn: everything the draws do not change.

    ``units`` are the cube's scores in integer units (``NaN`` blank); ``missing`` is
    ``(applicants, seats)``, a seat with a blank criterion; ``quorum`` who has a quorum
    with the real panel; ``shared`` the denominator every draw's aggregates are put over
    (any panel size's least common multiple), so totals compare exactly across chunks.
    """

    cube: StageCube
    rules: StageRules
    units: Exact
    missing: BoolArray
    quorum: BoolArray
    bonus: Exact
    penalty: Exact
    shared: int
    closed: ClosedForm | None

    @classmethod
    def of(cls, result: EvaluationResult, cube: StageCube, width: int) -> StageRedraw:
        """The stage of ``cube`` for draws of ``width`` seats."""
        units = from_decimals(cube.scores)
        aggregate = cube.stage.panel.aggregate
        closed = None
        if aggregate in CLOSED_FORMS:
            filled = np.nan_to_num(units.numerators, nan=0.0)
            trimmed = aggregate == "trimmed_mean"
            closed = ClosedForm.of(trimmed, filled, units.denominator, ~cube.recused)
        bonus, penalty = result.prepared.adjustments[cube.stage.id]
        return cls(
            cube=cube,
            rules=StageRules.of(cube.stage),
            units=units,
            missing=np.asarray(np.isnan(cube.scores).any(axis=2)),
            quorum=real_quorum(result, cube),
            bonus=bonus,
            penalty=penalty,
            shared=math.lcm(1, *range(1, width + 1)) * 2 * units.denominator,
            closed=closed,
        )

    def _values(
        self, draw: IntArray, active: BoolArray, r: IntArray, a: IntArray, rows: IntArray
    ) -> Exact:
        """The aggregate of every scored pair (draw ``r``, applicant ``rows[a]``), exactly,
        over :attr:`shared`."""
        if self.closed is not None:
            weights = (draw[:, :, None] == np.arange(self.units.shape[1])).sum(axis=1)
            return self.closed.draws(weights.astype(np.float64), rows, self.shared, at=(r, a))
        panels = self.cube.scores[rows[a][:, None], draw[r]]
        panels[~active] = np.nan
        aggregate = AGGREGATES[self.cube.stage.panel.aggregate]
        return aggregate(panels).exact.over(self.shared)

    def run(
        self, draw: IntArray, candidates: BoolArray, columns: list[int]
    ) -> tuple[Exact, BoolArray, BoolArray, Exact]:
        """The stage for every draw of ``draw`` (``(draws, seats)``, -1 an empty seat):
        the totals, who passed, who was unscorable, and the criteria ``columns``
        (tie-breaks), each ``(draws, applicants)``.

        Only who is a candidate and has a real quorum is scored. A drawn seat counts
        unless empty or recused; someone with no seat left, or with one that left a
        criterion blank, is unscorable. The work goes in tiles of at most
        :data:`TILE_DRAWS` draws by as many candidates as make about :data:`BLOCK_CELLS`
        aggregates: small enough for the processor's cache, whatever the number of
        applicants.
        """
        cols = np.flatnonzero(candidates.any(axis=0))
        out = Outcomes.empty(candidates.shape, len(columns))
        width = min(draw.shape[0], TILE_DRAWS)
        slab = max(1, BLOCK_CELLS // (max(width, 1) * len(self.rules.criteria)))
        denominator = 1
        for start in range(0, cols.size, slab):
            rows = cols[start : start + slab]
            for begin in range(0, draw.shape[0], width):
                block = slice(begin, begin + width)
                found = self._tile(draw[block], candidates[block], rows, columns, out, block)
                denominator = found or denominator
        totals = Exact(out.totals, denominator)
        return totals, out.passed, out.lost, Exact(out.kept, self.shared)

    def _tile(
        self,
        draw: IntArray,
        candidates: BoolArray,
        rows: IntArray,
        columns: list[int],
        out: Outcomes,
        block: slice,
    ) -> int | None:
        """:meth:`run` for the draws at ``block`` and the applicants ``rows``, written to
        ``out``; the totals' denominator (the same for every tile), ``None`` if nobody
        was scored."""
        active = ~self.cube.recused[rows].T[draw].transpose(0, 2, 1) & (draw >= 0)[:, None, :]
        allowed = candidates[:, rows] & self.quorum[rows]
        blank = (active & self.missing[rows].T[draw].transpose(0, 2, 1)).any(axis=2)
        unscorable = allowed & (blank | ~active.any(axis=2))
        out.lost[block, rows] = unscorable
        r, a = np.nonzero(allowed & ~unscorable)
        if not r.size:
            return None
        values = self._values(draw, active[r, a], r, a, rows)
        who = rows[a]
        outcome = score_stage(self.rules, values, bonus=self.bonus[who], penalty=self.penalty[who])
        r += block.start
        out.totals[r, who] = outcome.exact_totals.numerators
        out.passed[r, who] = outcome.passed
        out.kept[:, r, who] = values.numerators[:, columns].T
        return outcome.exact_totals.denominator


def advance(totals: FloatArray, passed: BoolArray, cut: int, at_line: str) -> BoolArray:
    """:func:`~selectlib.scoring.primitives.top` by stage total for every draw.

    Competition rank ≤ ``cut`` means a total at least the ``cut``-th best ("include");
    a tied group ending within the cut means a total above the ``cut + 1``-th
    ("exclude"). One partition per draw finds that total.
    """
    key = np.where(passed, -totals, np.inf)
    edge = cut - 1 if at_line == "include" else cut
    if edge >= key.shape[-1]:
        return passed
    line = np.partition(key, edge, axis=-1)[:, edge : edge + 1]
    return passed & ((-totals <= line) if at_line == "include" else (-totals < line))
