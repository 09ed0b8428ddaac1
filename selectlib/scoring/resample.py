"""The panel bootstrap: each stage's panel redrawn, the stages and the selection re-run.

A draw is, per stage, the cube's seats that sit (:mod:`.draws`: drawn with replacement,
every member once, or all but one). :func:`simulate` re-runs the stages
and the selection for all draws at once. The draws measure score uncertainty, not the
quorum, a rule about the real committee applied once by the pipeline: who lacks a quorum
with the real panel (:func:`~selectlib.scoring.draws.real_quorum`) stays out of that
stage in every draw. Drawn members recused for an applicant do not count for it; an
applicant with no drawn member left, or with one who never scored it, is *unscorable* in
that draw and drops out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from selectlib._typing import BoolArray, FloatArray, IntArray
from selectlib.profile.evaluation import FinalRules
from selectlib.scoring.aggregate import AGGREGATES
from selectlib.scoring.closedform import TABLE_SEATS, closed_form, extreme_tables
from selectlib.scoring.cube import StageCube
from selectlib.scoring.draws import real_quorum
from selectlib.scoring.exact import Exact, from_decimals
from selectlib.scoring.result import EvaluationResult
from selectlib.scoring.stage import StageRules, score_stage, weighted_total

__all__ = ["Simulation", "bootstrap_table", "simulate"]


CHUNK_BYTES = 100_000_000
"""About the most memory one chunk of redrawn score panels may take (with its copies)."""
COPIES = 6
"""Working copies an aggregate makes of its input (gather, mask, sort, keep, where, sum)."""


@attrs.frozen(eq=False)
class Simulation:
    """The selection re-run once per draw: arrays ``(draws, applicants)``.

    ``selected`` as the pipeline selects; ``credit`` is 1 for selected, ``open seats /
    group size`` (at most 1) for a group tied across the line after the whole chain, 0
    otherwise; ``ranks`` are the final ranks (0 for non-finalists); ``unscorable`` marks
    who reached a stage with no drawn member left, or with one who never scored them.
    """

    finalists: BoolArray
    ranks: IntArray
    selected: BoolArray
    credit: FloatArray
    unscorable: BoolArray


def _competition(keys: Sequence[npt.NDArray[Any]], valid: BoolArray) -> tuple[IntArray, IntArray]:
    """Competition ranks ("1, 2, 2, 4") along the last axis by ``keys`` (primary first,
    smaller first), and the sorting ``order``; invalid entries sort after every valid one."""
    full = [np.broadcast_to(k, valid.shape) for k in keys]
    order = np.lexsort([*full[::-1], ~valid], axis=-1)
    differs = np.zeros((*valid.shape[:-1], max(valid.shape[-1] - 1, 0)), bool)
    for key in (~valid, *full):
        ordered = np.take_along_axis(key, order, axis=-1)
        differs |= ordered[..., 1:] != ordered[..., :-1]
    new_group = np.concatenate([np.ones((*valid.shape[:-1], 1), bool), differs], axis=-1)
    start = np.maximum.accumulate(np.where(new_group, np.arange(valid.shape[-1]), 0), axis=-1)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, start + 1, axis=-1)
    return order, ranks


def _advance(totals: FloatArray, passed: BoolArray, cut: int, at_line: str) -> BoolArray:
    """:func:`~selectlib.scoring.primitives.top` by stage total for every draw, one sort each.

    Competition rank ≤ ``cut`` means a total at least the ``cut``-th best ("include");
    a tied group ending within the cut means a total above the ``cut + 1``-th ("exclude").
    """
    key = np.sort(np.where(passed, -totals, np.inf), axis=-1)
    edge = cut - 1 if at_line == "include" else cut
    if edge >= key.shape[-1]:
        return passed
    line = key[:, edge : edge + 1]
    return passed & ((-totals <= line) if at_line == "include" else (-totals < line))


def _stage_draws(
    result: EvaluationResult,
    cube: StageCube,
    draw: IntArray,
    candidates: BoolArray,
    columns: list[int],
) -> tuple[Exact, BoolArray, BoolArray, Exact]:
    """One stage's aggregate, floors, adjustments and pass mark, for every draw: the
    totals, who passed, who was unscorable, and the criteria ``columns`` (tie-breaks).

    Only who has a real quorum (:func:`real_quorum`) and is a candidate in some draw is
    looked at. Draws go in chunks sized so that gathering their panels, ``(pairs, panel,
    criteria)``, takes about :data:`CHUNK_BYTES`; the pipeline's own aggregate and
    :func:`score_stage` score them. Trimmed means and means take :func:`closed_form`,
    with the same exact numbers. Every chunk's aggregates are put over one denominator
    (the seats' least common multiple), so totals compare exactly across draws.
    """
    stage = cube.stage
    panel = stage.panel
    cols = np.flatnonzero(candidates.any(axis=0))
    recused = cube.recused[cols]
    scores = cube.scores[cols]
    units = from_decimals(scores)
    # (draws, applicants, seats): a drawn seat counts unless empty (-1) or recused
    active = ~recused.T[draw].transpose(0, 2, 1) & (draw >= 0)[:, None, :]
    allowed = candidates[:, cols] & real_quorum(result, cube)[cols]
    missing: BoolArray = np.asarray(np.isnan(scores).any(axis=2))
    blank = (active & missing.T[draw].transpose(0, 2, 1)).any(axis=2)
    unscorable = allowed & (blank | ~active.any(axis=2))
    scored = allowed & ~unscorable
    count, seats = draw.shape[0], scores.shape[1]
    shared = math.lcm(1, *range(1, draw.shape[1] + 1)) * 2 * units.denominator
    bonus, penalty = (points[cols] for points in result.prepared.adjustments[stage.id])
    rules = StageRules.of(stage)
    totals = np.full(candidates.shape, np.nan)
    denominator = 1
    passed = np.zeros(candidates.shape, bool)
    kept = np.full((len(columns), *candidates.shape), np.nan)
    closed = panel.aggregate in ("trimmed_mean", "mean")
    filled = np.nan_to_num(units.numerators, nan=0.0)
    weights = (draw[:, :, None] == np.arange(seats)).sum(axis=1).astype(np.float64)
    tables = []
    if closed and panel.aggregate == "trimmed_mean":
        # seats in groups small enough for two tables of 2**k entries within CHUNK_BYTES
        cells = 16 * filled[:, 0, :].size
        group_size = int(np.clip(np.log2(max(CHUNK_BYTES // max(cells, 1), 2)), 1, TABLE_SEATS))
        for start in range(0, seats, group_size):
            group = list(range(start, min(start + group_size, seats)))
            tables.append((group, *extreme_tables(filled, ~recused, group)))
    width = draw.shape[1] * len(stage.criteria) * cols.size
    step = max(1, CHUNK_BYTES // (COPIES * 8 * max(width, 1)))
    for begin in range(0, count, step):
        block = scored[begin : begin + step]
        r, a = np.nonzero(block)
        if not r.size:
            continue
        if closed:
            rows = np.flatnonzero(block.any(axis=0))
            trim = panel.aggregate == "trimmed_mean"
            chunk = weights[begin : begin + step]
            part = closed_form(trim, filled, units.denominator, ~recused, chunk, rows, tables)
            values = part[r, np.searchsorted(rows, a)].over(shared)
        else:
            panels = scores[a[:, None], draw[begin + r]]
            panels[~active[begin + r, a]] = np.nan
            values = AGGREGATES[panel.aggregate](panels).exact.over(shared)
        outcome = score_stage(rules, values, bonus=bonus[a], penalty=penalty[a])
        r += begin
        denominator = outcome.exact_totals.denominator  # the same for every chunk
        totals[r, cols[a]] = outcome.exact_totals.numerators
        passed[r, cols[a]] = outcome.passed
        kept[:, r, cols[a]] = values.numerators[:, columns].T
    lost = np.zeros(candidates.shape, bool)
    lost[:, cols] = unscorable
    return Exact(totals, denominator), passed, lost, Exact(kept, shared)


def _field_codes(key: npt.NDArray[Any], higher: bool) -> IntArray:
    """A field tie-break key as integer codes, best first; missing values rank last."""
    missing = np.isnan(key) if key.dtype.kind == "f" else key == ""
    codes = np.zeros(key.size, np.int64)
    if (~missing).any():
        codes[~missing] = np.unique(key[~missing], return_inverse=True)[1].reshape(-1)
    codes = -codes if higher else codes
    return np.where(missing, codes.max(initial=0) + 1, codes)


def _select_many(
    order: IntArray,
    ranks: IntArray,
    finalists: BoolArray,
    final: FinalRules,
    groups: Sequence[npt.NDArray[np.object_]],
) -> tuple[BoolArray, FloatArray]:
    """:func:`~selectlib.scoring.select_balanced` for every draw at once: who is selected,
    and the credits (see :class:`Simulation`).

    Walks the sorted positions once (every draw in step), holding each group's members
    until its last one, then selects the group if it fits the slots and the constraints,
    or leaves it unresolved and stops that draw, as the pipeline does.
    """
    count = ranks.shape[0]
    depth = int(finalists.sum(axis=1).max(initial=0))
    order = order[:, :depth]
    rank_at = np.take_along_axis(ranks, order, axis=1)
    live = np.take_along_axis(finalists, order, axis=1)
    last = np.ones((count, depth), bool)
    last[:, :-1] = rank_at[:, 1:] != rank_at[:, :-1]
    limits = []
    for constraint, values in zip(final.constraints, groups, strict=True):
        _, codes = np.unique(values, return_inverse=True)
        limits.append((codes.reshape(-1), constraint.at_most))
    held = [np.zeros((count, codes.max(initial=0) + 1), np.int64) for codes, _ in limits]
    waiting = [np.zeros_like(h) for h in held]
    taken = np.zeros(count, np.int64)
    pending = np.zeros(count, np.int64)
    done = np.zeros(count, bool)
    fits = np.zeros((count, depth), bool)
    verdict = np.zeros((count, depth), np.int8)  # at a group's last position: 1 in, 2 tied
    draws = np.arange(count)
    for position in range(depth):
        if done.all():
            break
        who = order[:, position]
        fit = live[:, position] & ~done
        for (codes, at_most), seats in zip(limits, held, strict=True):
            fit &= seats[draws, codes[who]] < at_most
        fits[:, position] = fit
        for (codes, _), wait in zip(limits, waiting, strict=True):
            wait[draws, codes[who]] += fit
        pending += fit
        end = last[:, position] & ~done
        over = taken + pending > final.slots
        for (_, at_most), seats, wait in zip(limits, held, waiting, strict=True):
            over |= (seats + wait > at_most).any(axis=1)
        verdict[:, position] = np.where(end, np.where(over, 2, 1), 0)
        accept = end & ~over
        for seats, wait in zip(held, waiting, strict=True):
            seats[accept] += wait[accept]
            wait[end] = 0
        taken += np.where(accept, pending, 0)
        pending[end] = 0
        done |= (end & over) | (taken >= final.slots)
    position_index = np.arange(depth)
    group_end = np.flip(
        np.minimum.accumulate(np.flip(np.where(last, position_index, depth), 1), 1), 1
    )
    decided = np.take_along_axis(verdict, group_end, axis=1)
    chosen = fits & (decided == 1)
    tied = fits & (decided == 2)
    open_seats = final.slots - chosen.sum(axis=1)
    share = np.minimum(1.0, open_seats / np.maximum(tied.sum(axis=1), 1))
    credit = np.zeros(ranks.shape)
    np.put_along_axis(credit, order, chosen + tied * share[:, None], axis=1)
    selected = np.zeros(ranks.shape, bool)
    np.put_along_axis(selected, order, chosen, axis=1)
    return selected, credit


def simulate(result: EvaluationResult, draws: Sequence[IntArray]) -> Simulation:
    """Re-run every stage and the final selection once per draw of the panels.

    ``draws[s]`` is ``(draws, seats)``: the cube columns of stage ``s`` that sit in each
    draw (duplicates allowed, ``-1`` an empty seat). The quorum is not re-applied: who
    lacks it with the real panel stays out (see the module doc); ties, advancement and
    tie-break chains follow the pipeline.
    """
    prepared = result.prepared
    spec = prepared.spec
    count = draws[0].shape[0]
    eligible = prepared.eligibility["outcome"].astype(str).to_numpy() == "eligible"
    candidates = np.repeat(eligible[None, :], count, axis=0)
    unscorable = np.zeros(candidates.shape, bool)
    totals: dict[str, Exact] = {}
    criteria: dict[str, FloatArray] = {}
    for index, (cube, draw) in enumerate(zip(prepared.cubes, draws, strict=True)):
        stage = cube.stage
        wanted = [
            rule.criterion
            for rule in spec.final.tie_breaks
            if rule.criterion is not None and rule.criterion.partition(".")[0] == stage.id
        ]
        columns = [stage.criterion_ids.index(name.partition(".")[2]) for name in wanted]
        stage_totals, candidates, lost, values = _stage_draws(
            result, cube, draw, candidates, columns
        )
        unscorable |= lost
        totals[stage.id] = stage_totals
        criteria.update(zip(wanted, values.numerators, strict=True))
        if stage.advance is not None and index < len(prepared.cubes) - 1:
            cut = stage.advance.size(spec.final.slots)
            at_line = stage.advance.at_line
            candidates = _advance(stage_totals.numerators, candidates, cut, at_line)
    reached = np.flatnonzero(candidates.any(axis=0))  # rank only who is ever a finalist
    finalists = candidates[:, reached]
    final = np.zeros(finalists.shape)
    if finalists.any():
        weights = spec.final_weights()
        parts = [totals[stage_id][:, reached][finalists] for stage_id, _ in weights]
        final[finalists] = weighted_total(parts, [w for _, w in weights]).numerators
    keys: list[npt.NDArray[Any]] = [-final]
    for rule, field_key in zip(spec.final.tie_breaks, prepared.tie_keys, strict=True):
        higher = rule.order == "higher"
        if rule.field is not None:
            keys.append(_field_codes(field_key, higher)[reached])
            continue
        value = (
            totals[rule.stage].numerators
            if rule.stage is not None
            else criteria[str(rule.criterion)]
        )
        value = np.where(finalists, value[:, reached], 0.0)
        keys.append(-value if higher else value)
    order, ranks = _competition(keys, finalists)
    groups = [values[reached] for values in prepared.groups]
    ranks_all = np.zeros(candidates.shape, np.int64)
    credit = np.zeros(candidates.shape)
    selected = np.zeros(candidates.shape, bool)
    ranks_all[:, reached] = np.where(finalists, ranks, 0)
    selected[:, reached], credit[:, reached] = _select_many(
        order, ranks, finalists, spec.final, groups
    )
    return Simulation(candidates, ranks_all, selected, credit, unscorable)


def bootstrap_table(result: EvaluationResult, draws: Sequence[IntArray]) -> pd.DataFrame:
    """Selection and finalist probability per applicant that reached the first stage.

    ``unscorable`` counts the draws in which the applicant dropped out for want of
    scores (see :class:`Simulation`).
    """
    simulation = simulate(result, draws)
    rows = np.flatnonzero(result.stages[0].candidates | result.finalists)
    finals = simulation.finalists.sum(axis=0)
    rank_sum = simulation.ranks.sum(axis=0).astype(np.float64)
    mean_rank = np.divide(rank_sum, finals, out=np.full(finals.shape, np.nan), where=finals > 0)
    frame = pd.DataFrame(
        {
            "applicant_id": [result.ids[r] for r in rows],
            "selected": result.selection.selected[rows],
            "selection_probability": simulation.credit.mean(axis=0)[rows],
            "finalist_probability": simulation.finalists.mean(axis=0)[rows],
            "mean_final_rank": mean_rank[rows],
            "unscorable": simulation.unscorable.sum(axis=0)[rows],
        }
    )
    return frame.sort_values(
        ["selection_probability", "mean_final_rank"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
