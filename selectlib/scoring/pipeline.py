"""The whole selection: eligibility, then each stage, then the final ranking and selection.

:func:`~selectlib.scoring.prepare_evaluation` checks every input once (module
:mod:`.prepare`) and :func:`run_evaluation` runs the stages on the checked inputs. Every
applicant of the applicants table is accounted for at every stage with a status, and the
result carries the per-applicant breakdown raw → trimmed → adjusted → stage total → final.

Running from prepared inputs is what the robustness report does to leave an evaluator out.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from selectlib._typing import BoolArray, FloatArray, IntArray
from selectlib.dates import DateLike
from selectlib.errors import Problem
from selectlib.profile.compiled import Profile
from selectlib.scoring.aggregate import AGGREGATES
from selectlib.scoring.cube import StageCube
from selectlib.scoring.errors import EvaluationInputError, ScoringError
from selectlib.scoring.exact import Exact
from selectlib.scoring.inputs import Evaluator, Recusal
from selectlib.scoring.portfolio import BalancedSelection, Group, select_balanced
from selectlib.scoring.prepare import Prepared, prepare_evaluation
from selectlib.scoring.ranking import TieBreak, rank, top
from selectlib.scoring.result import EvaluationResult, Result, StageOutcome, StageStatus
from selectlib.scoring.stage import StageRules, score_stage, weighted_total
from selectlib.scoring.tables import Views

__all__ = [
    "evaluate_selection",
    "run_evaluation",
    "stage_candidates",
]


# -- running ---------------------------------------------------------------------------------


def _dropped(scores: FloatArray, aggregate: str) -> npt.NDArray[np.object_]:
    """Per (applicant, criterion): the panel columns the trimmed mean left out, ``(hi, lo)``."""
    count = np.sum(~np.isnan(scores), axis=1)
    result = np.full(count.shape, None, dtype=object)
    if aggregate != "trimmed_mean":
        return result
    # the first copy of the highest and the last copy of the lowest: two different
    # evaluators even when every score is the same
    high = np.argmax(np.where(np.isnan(scores), -np.inf, scores), axis=1)
    flipped = np.where(np.isnan(scores), np.inf, scores)[:, ::-1]
    low = scores.shape[1] - 1 - np.argmin(flipped, axis=1)
    trimmed = count >= 3
    pairs = zip(high[trimmed].tolist(), low[trimmed].tolist(), strict=True)
    result[trimmed] = np.fromiter(pairs, dtype=object, count=int(trimmed.sum()))
    return result


def _spread(rows: IntArray, part: Exact, count: int) -> Exact:
    """``part`` placed at ``rows`` of an array of ``count`` rows, ``NaN`` elsewhere."""
    numerators = np.full((count, *part.shape[1:]), np.nan)
    numerators[rows] = part.numerators
    return Exact(numerators, part.denominator)


def _run_stage(
    prepared: Prepared,
    cube: StageCube,
    candidates: BoolArray,
    absent: npt.NDArray[np.object_],
    last: bool,
    without: Collection[str],
) -> StageOutcome:
    stage = cube.stage
    count = len(prepared.ids)
    sitting = np.array([e not in without for e in cube.evaluator_ids], dtype=bool)
    active = ~cube.recused & sitting[None, :]
    panel_size = np.where(candidates, active.sum(axis=1), 0).astype(np.int64)
    external_members = np.where(candidates, (active & cube.external).sum(axis=1), 0)
    quorate = candidates & stage.panel.quorate(panel_size, external_members)
    scores = np.where(active[:, :, None] & quorate[:, None, None], cube.scores, np.nan)
    blank = np.isnan(scores) & active[:, :, None] & quorate[:, None, None]
    if blank.any():
        problems = []
        for a, e, c in np.argwhere(blank).tolist():
            where = cube.where[a, e, c] or "scores"
            problems.append(
                Problem(
                    where,
                    f"no {stage.id} score from {cube.evaluator_ids[e]} for {prepared.ids[a]} "
                    f"on {stage.criteria[c].id}",
                    "fill the score, or record a recusal if the evaluator did not score",
                )
            )
        raise EvaluationInputError(problems)
    aggregate = AGGREGATES[stage.panel.aggregate](scores)
    values = aggregate.exact
    bonus, penalty = prepared.adjustments[stage.id]
    rows = np.flatnonzero(quorate)
    result = score_stage(
        StageRules.of(stage), values[rows], bonus=bonus[rows], penalty=penalty[rows]
    )
    failed_floor = np.full(count, -1, np.int64)
    failed_floor[rows] = result.failed_floor
    below_mark = np.zeros(count, bool)
    below_mark[rows] = result.below_pass_mark
    passed = np.zeros(count, bool)
    passed[rows] = result.passed
    totals = _spread(rows, result.exact_totals, count)
    ranking = rank(np.where(passed, totals.numerators, 0.0), eligible=passed)
    cut = None
    go_on = passed
    if stage.advance is not None and not last:
        cut = stage.advance.size(prepared.spec.final.slots)
        go_on = top(ranking, cut, stage.advance.at_line)
    status = absent.copy()
    status[candidates] = StageStatus.NO_QUORUM
    status[quorate & below_mark] = StageStatus.FAILED_PASS_MARK
    status[failed_floor >= 0] = StageStatus.FAILED_FLOOR
    status[passed] = StageStatus.PASSED if last else StageStatus.NOT_IN_TOP
    status[go_on & ~np.full(count, last)] = StageStatus.ADVANCED
    return StageOutcome(
        stage=stage,
        candidates=candidates,
        status=status,
        panel_size=panel_size,
        external_members=external_members.astype(np.int64),
        exact_values=values,
        dropped=_dropped(scores, stage.panel.aggregate),
        exact_raw_totals=_spread(rows, result.exact_raw_totals, count),
        exact_bonus=_spread(rows, result.bonus, count),
        exact_penalty=_spread(rows, result.penalty, count),
        exact_totals=totals,
        ranking=ranking,
        go_on=go_on,
        cut=cut,
        failed_floor=failed_floor,
    )


def _tie_breaks(
    prepared: Prepared, outcomes: Sequence[StageOutcome], finalists: BoolArray
) -> list[TieBreak]:
    by_id = {o.stage.id: o for o in outcomes}
    chain = []
    for rule, field_key in zip(prepared.spec.final.tie_breaks, prepared.tie_keys, strict=True):
        descending = rule.order == "higher"
        if rule.stage is not None:
            key: npt.NDArray[Any] = by_id[rule.stage].exact_totals.numerators
        elif rule.criterion is not None:
            stage_id, _, criterion_id = rule.criterion.partition(".")
            outcome = by_id[stage_id]
            column = outcome.stage.criterion_ids.index(criterion_id)
            key = outcome.exact_values.numerators[:, column]
        else:
            key = field_key
            missing = finalists & (pd.isna(key) if key.dtype.kind == "f" else (key == ""))
            if missing.any():
                raise EvaluationInputError(
                    [
                        Problem(
                            f"applicants, row {r + 2}, column {rule.field}",
                            f"finalist {prepared.ids[r]} has no {rule.field} for the tie-break",
                            "fill it for every applicant",
                        )
                        for r in np.flatnonzero(missing).tolist()
                    ]
                )
        chain.append(TieBreak(rule.name, key, descending))
    return chain


def _results(
    prepared: Prepared,
    outcomes: Sequence[StageOutcome],
    finalists: BoolArray,
    selection: BalancedSelection,
) -> npt.NDArray[np.object_]:
    outcome = prepared.eligibility["outcome"].astype(str).to_numpy(dtype=object)
    results = outcome.copy()
    results[outcome == "eligible"] = Result.ELIMINATED
    for stage in outcomes:
        results[stage.status == StageStatus.NO_QUORUM] = Result.NO_QUORUM
    results[finalists] = Result.NOT_SELECTED
    results[selection.reserve] = Result.RESERVE
    results[selection.displaced] = Result.DISPLACED
    results[selection.unresolved] = Result.UNRESOLVED
    results[selection.selected] = Result.SELECTED
    return results


def _stages(
    prepared: Prepared, without: Collection[str], until: str | None = None
) -> tuple[list[StageOutcome], BoolArray]:
    """Run the stages in order (stopping before ``until``); the outcomes and who goes on."""
    eligibility = prepared.eligibility["outcome"].astype(str).to_numpy(dtype=object)
    candidates = eligibility == "eligible"
    absent = eligibility.copy()
    outcomes = []
    for index, cube in enumerate(prepared.cubes):
        if cube.stage.id == until:
            break
        last = index == len(prepared.cubes) - 1
        outcome = _run_stage(prepared, cube, candidates, absent, last, without)
        absent = eligibility.copy()
        absent[eligibility == "eligible"] = StageStatus.NOT_REACHED
        outcomes.append(outcome)
        candidates = outcome.go_on
    return outcomes, candidates


def stage_candidates(prepared: Prepared, stage_id: str) -> BoolArray:
    """Who is evaluated at ``stage_id``: the eligible, or those who went on from the stage
    before. Only earlier stages' scores are needed (e.g. to write the next score sheets)."""
    if stage_id not in prepared.spec.stage_ids:
        raise ScoringError("stage", [f"no stage {stage_id!r} in {prepared.spec.stage_ids}"])
    return _stages(prepared, (), until=stage_id)[1]


def run_evaluation(prepared: Prepared, *, without: Collection[str] = ()) -> EvaluationResult:
    """Run every stage and the final selection on checked inputs.

    ``without`` names evaluators to leave out entirely (as if they had not sat), which
    may break a stage's quorum; the robustness report uses it.
    """
    spec = prepared.spec
    outcomes, candidates = _stages(prepared, without)
    finalists = candidates
    weights = spec.final_weights()
    by_id = {o.stage.id: o for o in outcomes}
    rows = np.flatnonzero(finalists)
    totals = [by_id[stage_id].exact_totals[rows] for stage_id, _ in weights]
    final = _spread(rows, weighted_total(totals, [w for _, w in weights]), len(prepared.ids))
    chain = tuple(_tie_breaks(prepared, outcomes, finalists))
    ranking = rank(np.where(finalists, final.numerators, 0.0), chain, eligible=finalists)
    groups = [
        Group(c.field, values, c.at_most)
        for c, values in zip(spec.final.constraints, prepared.groups, strict=True)
    ]
    selection = select_balanced(
        ranking,
        spec.final.slots,
        spec.final.reserves,
        groups,
        reserve_at_line=spec.final.reserve_at_line,
    )
    return EvaluationResult(
        prepared=prepared,
        stages=tuple(outcomes),
        finalists=finalists,
        exact_final=final,
        tie_breaks=chain,
        ranking=ranking,
        selection=selection,
        results=_results(prepared, outcomes, finalists, selection),
        views=Views,
        left_out=tuple(without),
    )


def evaluate_selection(
    profile: Profile,
    applicants: pd.DataFrame,
    scores: pd.DataFrame,
    evaluators: Sequence[Evaluator],
    recusals: Sequence[Recusal] = (),
    *,
    on: DateLike = None,
    context: Any = None,
) -> EvaluationResult:
    """:func:`prepare_evaluation` then :func:`run_evaluation`: the whole selection, with
    its audit record (``result.audit``)."""
    prepared = prepare_evaluation(
        profile, applicants, scores, evaluators, recusals, on=on, context=context
    )
    inputs = {
        "applicants": applicants,
        "scores": scores,
        "evaluators": evaluators,
        "recusals": recusals,
    }
    pending = profile.stamp.pending(prepared.on, inputs, "selection")
    return attrs.evolve(run_evaluation(prepared), pending=pending)
