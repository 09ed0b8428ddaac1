"""Draws of a committee's panels for the bootstrap and the leave-one-out analysis.

A draw is, per stage, the cube's seats that sit: drawn with replacement
(:func:`panel_draws`, seeded), every member once (:func:`identity_draws`: the actual
result), or all but one (:func:`leave_one_out_draws`, ``-1`` an empty seat).
:func:`real_quorum` says who has a quorum with the real panel: the quorum is a rule
about the real committee, never re-applied to a draw.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from selectlib._typing import BoolArray, IntArray
from selectlib.scoring.cube import StageCube
from selectlib.scoring.result import EvaluationResult

__all__ = ["identity_draws", "leave_one_out_draws", "panel_draws", "real_quorum"]


def _seats(result: EvaluationResult, cube: StageCube) -> IntArray:
    """The panel seats a draw picks from: the stage's members not left out."""
    return np.array(
        [i for i, e in enumerate(cube.evaluator_ids) if e not in result.left_out], np.int64
    )


def panel_draws(result: EvaluationResult, resamples: int, seed: int) -> tuple[IntArray, ...]:
    """Per stage, ``(resamples, panel size)`` seats drawn with replacement (seeded)."""
    rng = np.random.default_rng(seed)
    draws = []
    for cube in result.prepared.cubes:
        seats = _seats(result, cube)
        picks = rng.integers(0, max(seats.size, 1), size=(resamples, seats.size))
        draws.append(seats[picks])
    return tuple(draws)


def identity_draws(result: EvaluationResult, count: int = 1) -> tuple[IntArray, ...]:
    """Every stage's panel once, in order: re-running it must give the actual result."""
    return tuple(np.tile(_seats(result, cube), (count, 1)) for cube in result.prepared.cubes)


def leave_one_out_draws(
    result: EvaluationResult, evaluator_ids: Sequence[str]
) -> tuple[IntArray, ...]:
    """One draw per evaluator: every stage's panel with that evaluator's seat empty (-1)."""
    draws = []
    for cube in result.prepared.cubes:
        seats = _seats(result, cube)
        names = np.array([cube.evaluator_ids[s] for s in seats.tolist()], dtype=object)
        leaving = np.array(evaluator_ids, dtype=object)[:, None] == names[None, :]
        draws.append(np.where(leaving, -1, seats[None, :]).astype(np.int64))
    return tuple(draws)


def real_quorum(
    result: EvaluationResult, cube: StageCube, without: Collection[str] = ()
) -> BoolArray:
    """Per applicant: whether the real panel (minus ``without`` and the members left out
    of ``result``) still has a quorum after recusals, by the stage's panel rule."""
    away = {*result.left_out, *without}
    sitting = np.array([e not in away for e in cube.evaluator_ids], dtype=bool)
    active = ~cube.recused & sitting[None, :]
    external = (active & cube.external[None, :]).sum(axis=1)
    return cube.stage.panel.quorate(active.sum(axis=1), external)
