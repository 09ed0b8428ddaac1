"""The panel bootstrap: each stage's panel redrawn, the stages and the selection re-run.

A draw is, per stage, the cube's seats that sit (:mod:`.draws`: drawn with replacement,
every member once, or all but one). :func:`simulate` re-runs the stages
and the selection for every draw, vectorized over chunks of draws whose working memory
stays near :data:`CHUNK_BYTES` (:func:`bootstrap_table` keeps only per-applicant sums,
so its memory does not grow with the resamples either). The draws measure score uncertainty, not the
quorum, a rule about the real committee applied once by the pipeline: who lacks a quorum
with the real panel (:func:`~selectlib.scoring.draws.real_quorum`) stays out of that
stage in every draw. Drawn members recused for an applicant do not count for it; an
applicant with no drawn member left, or with one who never scored it, is *unscorable* in
that draw and drops out.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from selectlib._typing import BoolArray, FloatArray, IntArray
from selectlib.profile.evaluation import FinalRules
from selectlib.scoring.exact import Exact
from selectlib.scoring.redraw import StageRedraw, advance
from selectlib.scoring.result import EvaluationResult
from selectlib.scoring.stage import weighted_total

__all__ = ["CHUNK_BYTES", "DRAW_BYTES", "Simulation", "bootstrap_table", "simulate"]


CHUNK_BYTES = 100_000_000
"""About the most memory one chunk of draws may take: draws run in chunks of this size,
so memory stays bounded whatever the number of resamples."""
DRAW_BYTES = 200
"""About the memory one draw takes per applicant while its chunk runs: every stage's
totals and tie-break criteria, the candidates, the ranks and the selection's state."""


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


@attrs.frozen(eq=False)
class _Plan:
    """What every chunk of draws shares: the stages ready to redraw, who is eligible, the
    criteria each stage keeps for tie-breaks, and the field tie-breaks as codes."""

    stages: tuple[StageRedraw, ...]
    eligible: BoolArray
    kept: tuple[tuple[list[str], list[int]], ...]
    field_codes: tuple[IntArray | None, ...]

    @classmethod
    def of(cls, result: EvaluationResult, draws: Sequence[IntArray]) -> _Plan:
        """The plan for ``draws`` of ``result``'s panels, built once per run."""
        prepared = result.prepared
        rules = prepared.spec.final.tie_breaks
        kept = []
        for cube in prepared.cubes:
            stage = cube.stage
            wanted = [
                str(rule.criterion)
                for rule in rules
                if rule.criterion is not None and rule.criterion.partition(".")[0] == stage.id
            ]
            kept.append((wanted, [stage.criterion_ids.index(w.partition(".")[2]) for w in wanted]))
        return cls(
            stages=tuple(
                StageRedraw.of(result, cube, draw.shape[1])
                for cube, draw in zip(prepared.cubes, draws, strict=True)
            ),
            eligible=prepared.eligibility["outcome"].astype(str).to_numpy() == "eligible",
            kept=tuple(kept),
            field_codes=tuple(
                None if rule.field is None else _field_codes(key, rule.order == "higher")
                for rule, key in zip(rules, prepared.tie_keys, strict=True)
            ),
        )


def _chunk_size(result: EvaluationResult) -> int:
    """How many draws fit in :data:`CHUNK_BYTES` (:data:`DRAW_BYTES` per applicant each;
    a stage's aggregates take a block of draws at a time, see
    :data:`~selectlib.scoring.redraw.BLOCK_CELLS`)."""
    return max(1, CHUNK_BYTES // (DRAW_BYTES * max(len(result.ids), 1)))


def _chunks(draws: Sequence[IntArray], size: int) -> Iterator[list[IntArray]]:
    """The draws in chunks of ``size`` (one empty chunk when there are none)."""
    count = draws[0].shape[0]
    for begin in range(0, max(count, 1), size):
        yield [draw[begin : begin + size] for draw in draws]


def _run(result: EvaluationResult, plan: _Plan, draws: Sequence[IntArray]) -> Simulation:
    """Every stage and the final selection for one chunk of draws."""
    spec = result.prepared.spec
    candidates = np.repeat(plan.eligible[None, :], draws[0].shape[0], axis=0)
    unscorable = np.zeros(candidates.shape, bool)
    totals: dict[str, Exact] = {}
    criteria: dict[str, FloatArray] = {}
    last = len(plan.stages) - 1
    for index, (stage, draw, (wanted, columns)) in enumerate(
        zip(plan.stages, draws, plan.kept, strict=True)
    ):
        rules = stage.cube.stage
        stage_totals, candidates, lost, values = stage.run(draw, candidates, columns)
        unscorable |= lost
        totals[rules.id] = stage_totals
        criteria.update(zip(wanted, values.numerators, strict=True))
        if rules.advance is not None and index < last:
            cut = rules.advance.size(spec.final.slots)
            candidates = advance(stage_totals.numerators, candidates, cut, rules.advance.at_line)
    reached = np.flatnonzero(candidates.any(axis=0))  # rank only who is ever a finalist
    finalists = candidates[:, reached]
    final = np.zeros(finalists.shape)
    if finalists.any():
        weights = spec.final_weights()
        parts = [totals[stage_id][:, reached][finalists] for stage_id, _ in weights]
        final[finalists] = weighted_total(parts, [w for _, w in weights]).numerators
    keys: list[npt.NDArray[Any]] = [-final]
    for rule, codes in zip(spec.final.tie_breaks, plan.field_codes, strict=True):
        if codes is not None:
            keys.append(codes[reached])
            continue
        value = (
            totals[rule.stage].numerators
            if rule.stage is not None
            else criteria[str(rule.criterion)]
        )
        value = np.where(finalists, value[:, reached], 0.0)
        keys.append(-value if rule.order == "higher" else value)
    order, ranks = _competition(keys, finalists)
    groups = [values[reached] for values in result.prepared.groups]
    ranks_all = np.zeros(candidates.shape, np.int64)
    credit = np.zeros(candidates.shape)
    selected = np.zeros(candidates.shape, bool)
    ranks_all[:, reached] = np.where(finalists, ranks, 0)
    selected[:, reached], credit[:, reached] = _select_many(
        order, ranks, finalists, spec.final, groups
    )
    return Simulation(candidates, ranks_all, selected, credit, unscorable)


def simulate(
    result: EvaluationResult, draws: Sequence[IntArray], *, chunk: int | None = None
) -> Simulation:
    """Re-run every stage and the final selection once per draw of the panels.

    ``draws[s]`` is ``(draws, seats)``: the cube columns of stage ``s`` that sit in each
    draw (duplicates allowed, ``-1`` an empty seat). The quorum is not re-applied: who
    lacks it with the real panel stays out (see the module doc); ties, advancement and
    tie-break chains follow the pipeline. Draws run ``chunk`` at a time (by default as
    many as fit in :data:`CHUNK_BYTES`); every draw's result is the same either way.
    """
    plan = _Plan.of(result, draws)
    parts = [_run(result, plan, part) for part in _chunks(draws, chunk or _chunk_size(result))]
    return Simulation(
        finalists=np.concatenate([p.finalists for p in parts]),
        ranks=np.concatenate([p.ranks for p in parts]),
        selected=np.concatenate([p.selected for p in parts]),
        credit=np.concatenate([p.credit for p in parts]),
        unscorable=np.concatenate([p.unscorable for p in parts]),
    )


def bootstrap_table(
    result: EvaluationResult, draws: Sequence[IntArray], *, chunk: int | None = None
) -> pd.DataFrame:
    """Selection and finalist probability per applicant that reached the first stage.

    ``unscorable`` counts the draws in which the applicant dropped out for want of
    scores (see :class:`Simulation`). The draws run in chunks (as in :func:`simulate`)
    and only per-applicant sums are kept, so memory does not grow with the draws.
    """
    plan = _Plan.of(result, draws)
    count = len(result.ids)
    finals = np.zeros(count, np.int64)
    rank_sum = np.zeros(count, np.int64)
    credit = np.zeros(count)
    unscorable = np.zeros(count, np.int64)
    for part in _chunks(draws, chunk or _chunk_size(result)):
        simulation = _run(result, plan, part)
        finals += simulation.finalists.sum(axis=0)
        rank_sum += simulation.ranks.sum(axis=0)
        unscorable += simulation.unscorable.sum(axis=0)
        # numpy sums a (draws, applicants) array's rows in order: so does this, and the
        # means are numpy's to the last bit (one applicant's credits are 0 or 1: exact)
        for row in simulation.credit:
            credit += row
    draws_count = draws[0].shape[0]
    rows = np.flatnonzero(result.stages[0].candidates | result.finalists)
    mean_rank = np.divide(
        rank_sum.astype(np.float64), finals, out=np.full(count, np.nan), where=finals > 0
    )
    frame = pd.DataFrame(
        {
            "applicant_id": [result.ids[r] for r in rows],
            "selected": result.selection.selected[rows],
            "selection_probability": (credit / draws_count)[rows],
            "finalist_probability": (finals / draws_count)[rows],
            "mean_final_rank": mean_rank[rows],
            "unscorable": unscorable[rows],
        }
    )
    return frame.sort_values(
        ["selection_probability", "mean_final_rank"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
