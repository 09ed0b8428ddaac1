"""How robust an evaluation result is: shown next to the result, never applied to it.

Five views of one :class:`~selectlib.scoring.EvaluationResult`, each a table:

- **leave_one_out** — the whole evaluation re-run without each evaluator in turn: does
  the selected set change, who comes in and who goes out, who loses the quorum?
- **bootstrap** — each stage's panel redrawn with replacement from its own members
  (seeded), the stage rules and the final selection re-run once per draw, vectorized
  over the draws: how often each applicant is selected, and its mean final rank. A
  group still tied across the selection line after the whole chain shares the open
  seats (credit ``open seats / group size``, at most 1 each).
- **leniency** — each evaluator's totals against the rest of the panel on the same
  applicants: lenient, severe or typical.
- **agreement** — Kendall's W per stage over the applicants every member scored.
- **normalised** — each evaluator's totals as z-scores, averaged per applicant: the
  ranking a per-evaluator normalisation would give, next to the actual one.

The committee decides with the actual result; these tables only show how much it
depends on who sat on the panels and how they used the scale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from ..text import Text
from .aggregate import AGGREGATES, TRIM_MIN_SCORES
from .errors import EvaluationInputError, ScoringError
from .pipeline import EvaluationResult, Prepared, StageCube, run_evaluation
from .ranking import rank
from .spec import Final
from .stage import score_stage, weighted_total

__all__ = ["RobustnessReport", "robustness"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

CHUNK_BYTES = 100_000_000
"""About the most memory one chunk of redrawn score panels may take (with its copies)."""
COPIES = 6
"""Working copies an aggregate makes of its input (gather, mask, sort, keep, where, sum)."""
GRID = 1024.0
"""Scores that are all multiples of ``1 / GRID`` add up exactly in any order."""
TABLE_SEATS = 8
"""The most seats one table of highest and lowest scores covers (2**8 entries per cell)."""
LENIENCY_SHARE = 0.05
"""An evaluator is lenient (severe) when its mean deviation from the rest of the panel is
at least this share of the stage's points above (below) it: 5 points on a 100-point stage."""
AGREEMENT_BANDS = ((0.7, "strong"), (0.3, "moderate"), (0.0, "weak"))
"""Kendall's W from 0.7 is strong, from 0.3 moderate, below weak (Schmidt 1997's bands
0.1/0.3/0.5/0.7/0.9, merged into three words a committee reads at a glance)."""
WORDS = {"strong": "강함", "moderate": "보통", "weak": "약함"}


@attrs.frozen(eq=False)
class RobustnessReport:
    """The robustness tables of one evaluation result, for reports (see the module doc)."""

    leave_one_out: pd.DataFrame
    bootstrap: pd.DataFrame
    leniency: pd.DataFrame
    agreement: pd.DataFrame
    normalised: pd.DataFrame
    resamples: int
    seed: int
    stage_labels: Mapping[str, Text] = attrs.field(factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Sheet name → table, in display order."""
        return {
            "leave_one_out": self.leave_one_out,
            "bootstrap": self.bootstrap,
            "leniency": self.leniency,
            "agreement": self.agreement,
            "normalised": self.normalised,
        }

    def _stage(self, stage_id: str, lang: str) -> str:
        label = self.stage_labels.get(stage_id)
        return label.get(lang) if label else stage_id

    def summary(self, lang: str = "ko") -> str:
        """A few plain sentences: the main findings of every table."""
        ko = lang == "ko"
        return " ".join(
            s
            for s in (
                self._leave_one_out_text(ko),
                self._bootstrap_text(ko),
                self._agreement_text(ko, lang),
                self._leniency_text(ko, lang),
                self._normalised_text(ko),
            )
            if s
        )

    def _leave_one_out_text(self, ko: bool) -> str:
        rows = self.leave_one_out.to_dict("records")
        if not rows:
            return ""
        changed = [r for r in rows if not r["error"] and r["changed"] is True]
        failed = ", ".join(str(r["evaluator_id"]) for r in rows if r["error"])
        text = (
            "평가위원 1명을 빼도 선정 결과가 바뀌지 않습니다."
            if ko
            else "Leaving out any one evaluator does not change the selection."
        )
        if changed:
            first = changed[0]
            who, came, went = first["evaluator_id"], first["entered"] or "-", first["left"] or "-"
            if len(changed) == 1:
                text = (
                    f"{who}을(를) 빼면 선정 결과가 바뀝니다: {came} 선정, {went} 제외."
                    if ko
                    else f"Leaving out {who} changes the selection: {came} in, {went} out."
                )
            else:
                text = (
                    f"평가위원 {len(rows)}명 중 {len(changed)}명은 빼면 선정 결과가 바뀝니다"
                    f"(예: {who}을(를) 빼면 {came} 선정, {went} 제외)."
                    if ko
                    else f"Leaving out one evaluator changes the selection for {len(changed)} "
                    f"of {len(rows)} evaluators (e.g. without {who}: {came} in, {went} out)."
                )
        if failed:
            text += (
                f" {failed}을(를) 빼면 점수나 정족수가 모자라 평가를 진행할 수 없습니다."
                if ko
                else f" Without {failed} the evaluation cannot run (scores or a quorum missing)."
            )
        return text

    def _bootstrap_text(self, ko: bool) -> str:
        rows = self.bootstrap.to_dict("records")
        chosen = [r for r in rows if r["selected"]]
        if not chosen:
            return ""
        weakest = min(chosen, key=lambda r: float(r["selection_probability"]))
        who, chance = weakest["applicant_id"], float(weakest["selection_probability"])
        text = (
            f"평가위원을 {self.resamples}회 재표본하면 선정 기관 중 선정 확률이 가장 낮은 기관은 "
            f"{who}({chance:.0%})입니다"
            if ko
            else f"Redrawing the panels {self.resamples} times, the least certain selected "
            f"applicant is {who} (selected in {chance:.0%})"
        )
        others = [r for r in rows if not r["selected"] and r["selection_probability"] > 0]
        if others:
            best = max(others, key=lambda r: float(r["selection_probability"]))
            who, chance = best["applicant_id"], float(best["selection_probability"])
            text += (
                f". 선정되지 않은 기관 중 선정 확률이 가장 높은 기관은 {who}({chance:.0%})입니다"
                if ko
                else f"; the likeliest applicant not selected is {who} ({chance:.0%})"
            )
        return text + "."

    def _agreement_text(self, ko: bool, lang: str) -> str:
        parts = []
        for row in self.agreement.to_dict("records"):
            if row["interpretation"] is None:
                continue
            word = str(row["interpretation"])
            shown = f"({WORDS[word]})" if ko else f" ({word})"
            parts.append(f"{self._stage(str(row['stage']), lang)} {row['kendall_w']:.2f}{shown}")
        if not parts:
            return ""
        head = "평가위원 간 일치도(Kendall's W): " if ko else "Agreement (Kendall's W): "
        return head + ", ".join(parts) + "."

    def _leniency_text(self, ko: bool, lang: str) -> str:
        rows = self.leniency.to_dict("records")
        parts = []
        for label, sign in (("lenient", 1.0), ("severe", -1.0)):
            marked = [r for r in rows if r["label"] == label]
            if not marked:
                continue
            row = max(marked, key=lambda r: sign * float(r["deviation"]))
            who, gap = row["evaluator_id"], float(row["deviation"])
            stage = self._stage(str(row["stage"]), lang)
            parts.append(
                f"가장 {'후한' if label == 'lenient' else '엄격한'} 평가위원은 "
                f"{who}({stage}, 다른 위원 평균 대비 {gap:+.1f}점)"
                if ko
                else f"the most {label} evaluator is {who} "
                f"({gap:+.1f} points against the rest of the panel, {stage})"
            )
        if not parts:
            return (
                f"패널 평균과 배점의 {LENIENCY_SHARE:.0%} 이상 차이 나는 평가위원은 없습니다."
                if ko
                else f"No evaluator deviates from the panel by {LENIENCY_SHARE:.0%} of a "
                "stage's points or more."
            )
        text = ", ".join(parts) + ("입니다." if ko else ".")
        return text[0].upper() + text[1:]

    def _normalised_text(self, ko: bool) -> str:
        rows = [r for r in self.normalised.to_dict("records") if r["stage"] == "final"]
        if not rows:
            return ""
        slots = sum(bool(r["top"]) for r in rows)
        came = ", ".join(str(r["applicant_id"]) for r in rows if r["z_top"] and not r["top"])
        went = ", ".join(str(r["applicant_id"]) for r in rows if r["top"] and not r["z_top"])
        if not came and not went:
            return (
                f"평가위원별 z-점수로 정규화해도 최종 상위 {slots}개는 같습니다."
                if ko
                else f"Normalising each evaluator's totals to z-scores keeps the same top {slots}."
            )
        return (
            f"평가위원별 z-점수로 정규화하면 최종 상위 {slots}개가 바뀝니다: "
            f"{came or '-'} 포함, {went or '-'} 제외."
            if ko
            else f"Normalising each evaluator's totals to z-scores changes the top {slots}: "
            f"{came or '-'} in, {went or '-'} out."
        )


def robustness(
    result: EvaluationResult, *, resamples: int = 1000, seed: int = 0
) -> RobustnessReport:
    """The robustness report of ``result``; ``resamples`` panel redraws seeded by ``seed``."""
    if resamples < 1:
        raise ScoringError("resamples", [f"must be >= 1 (got {resamples})"])
    return RobustnessReport(
        leave_one_out=_leave_one_out(result),
        bootstrap=_bootstrap(result, _draws(result, resamples, seed)),
        leniency=_leniency(result),
        agreement=_agreement(result),
        normalised=_normalised(result),
        resamples=resamples,
        seed=seed,
        stage_labels={s.id: s.label for s in result.spec.stages},
    )


# -- leave one evaluator out -----------------------------------------------------------------


def _leave_one_out(result: EvaluationResult) -> pd.DataFrame:
    """One row per evaluator: the selection of the evaluation re-run without them."""
    prepared = result.prepared
    before = set(result.selected_ids)
    lost_before = _no_quorum(result)
    records = []
    for evaluator in prepared.evaluators:
        if evaluator.id in result.left_out:
            continue
        record: dict[str, Any] = {
            "evaluator_id": evaluator.id,
            "name": evaluator.name,
            "external": evaluator.external,
            "stages": ", ".join(
                c.stage.id for c in prepared.cubes if evaluator.id in c.evaluator_ids
            ),
        }
        try:
            other = run_evaluation(prepared, without={*result.left_out, evaluator.id})
        except (EvaluationInputError, ScoringError) as exc:
            lines = str(exc).splitlines()
            record.update(selected=None, changed=None, entered="", left="", no_quorum=None)
            record["error"] = " ".join(line.strip() for line in lines[:2])
        else:
            after = other.selected_ids
            record.update(
                selected=", ".join(after),
                changed=set(after) != before,
                entered=", ".join(a for a in after if a not in before),
                left=", ".join(a for a in result.selected_ids if a not in after),
                no_quorum=int((_no_quorum(other) & ~lost_before).sum()),
                error="",
            )
        records.append(record)
    columns = "evaluator_id name external stages selected changed entered left no_quorum error"
    frame = pd.DataFrame.from_records(records, columns=columns.split())
    return frame.astype({"changed": "boolean", "no_quorum": "Int64"})


def _no_quorum(result: EvaluationResult) -> BoolArray:
    """Applicants without a quorum at some stage."""
    lost = np.zeros(len(result.ids), bool)
    for outcome in result.stages:
        lost |= outcome.status == "no_quorum"
    return lost


# -- bootstrap -------------------------------------------------------------------------------


@attrs.frozen(eq=False)
class Simulation:
    """The selection re-run once per draw: arrays ``(draws, applicants)``.

    ``credit`` is 1 for selected, ``open seats / group size`` (at most 1) for a group tied
    across the line after the whole chain, 0 otherwise; ``ranks`` are the final ranks (0
    for non-finalists); ``no_quorum`` marks applicants whose drawn panel missed the quorum
    at some stage; ``unscorable`` those who reached a stage where a drawn member had left a
    score blank (they were never evaluated there) and so dropped out.
    """

    finalists: BoolArray
    ranks: IntArray
    credit: FloatArray
    no_quorum: BoolArray
    unscorable: BoolArray


def _seats(result: EvaluationResult, cube: StageCube) -> IntArray:
    """The panel seats a redraw picks from: the stage's members not left out."""
    return np.array(
        [i for i, e in enumerate(cube.evaluator_ids) if e not in result.left_out], np.int64
    )


def _draws(result: EvaluationResult, resamples: int, seed: int) -> tuple[IntArray, ...]:
    """Per stage, ``(resamples, panel size)`` seats drawn with replacement (seeded)."""
    rng = np.random.default_rng(seed)
    draws = []
    for cube in result.prepared.cubes:
        seats = _seats(result, cube)
        picks = rng.integers(0, max(seats.size, 1), size=(resamples, seats.size))
        draws.append(seats[picks])
    return tuple(draws)


def _identity_draws(result: EvaluationResult, count: int = 1) -> tuple[IntArray, ...]:
    """Every stage's panel once, in order: re-running it must give the actual result."""
    return tuple(np.tile(_seats(result, cube), (count, 1)) for cube in result.prepared.cubes)


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
    """:func:`~selectlib.scoring.top` by stage total for every draw, from one sort per draw.

    Competition rank ≤ ``cut`` means a total at least the ``cut``-th best ("include");
    a tied group ending within the cut means a total above the ``cut + 1``-th ("exclude").
    """
    key = np.sort(np.where(passed, -totals, np.inf), axis=-1)
    edge = cut - 1 if at_line == "include" else cut
    if edge >= key.shape[-1]:
        return passed
    line = key[:, edge : edge + 1]
    return passed & ((-totals <= line) if at_line == "include" else (-totals < line))


@attrs.frozen(eq=False)
class _StageDraws:
    totals: FloatArray
    passed: BoolArray
    no_quorum: BoolArray
    unscorable: BoolArray
    columns: FloatArray


def _on_grid(scores: FloatArray) -> bool:
    """Whether every score is a multiple of 1/1024 (integers, halves, ...) below 2**30.

    Sums of such scores are exact in any order, so :func:`_closed_form` then gives the
    aggregate's own result to the last bit (one exact numerator, one rounded division).
    """
    present = scores[np.isfinite(scores)]
    scaled = present * GRID
    return bool(np.all(scaled == np.round(scaled)) and np.all(np.abs(present) < 2.0**30))


def _extreme_tables(
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


def _closed_form(
    trimmed: bool,
    scores: FloatArray,
    active: BoolArray,
    weights: FloatArray,
    rows: IntArray,
    tables: Sequence[tuple[Sequence[int], FloatArray, FloatArray]],
) -> FloatArray:
    """The trimmed mean (or mean) of drawn panels, ``(draws, rows, criteria)``.

    ``weights`` counts how often each seat was drawn; ``scores`` (zero where blank) and
    ``active`` are the stage's, ``rows`` the applicants wanted. The sum is a weighted sum
    over the seats; the highest and lowest drawn scores are looked up in
    :func:`_extreme_tables` by the pattern of seats drawn.
    """
    present = active[rows]
    # einsum's own loops, not BLAS: the products are tiny (7 seats) and BLAS threads that
    # spin between calls slow everything else down on a busy machine
    count: FloatArray = np.einsum("re,ae->ra", weights, present.astype(np.float64))[:, :, None]
    counted = (scores[rows] * present[:, :, None]).transpose(1, 0, 2).reshape(scores.shape[1], -1)
    total: FloatArray = np.einsum("re,ex->rx", weights, counted).reshape(*count.shape[:2], -1)
    if not trimmed:
        return total / np.where(count > 0, count, np.nan)  # NaN where nobody counted
    criteria = scores.shape[2]
    cells = (rows[:, None] * criteria + np.arange(criteria)).reshape(1, rows.size, criteria)
    high = np.full(total.shape, -np.inf)
    low = np.full(total.shape, np.inf)
    for group, group_high, group_low in tables:
        pattern = (weights[:, group] > 0).astype(np.int64) @ (1 << np.arange(len(group)))
        flat = pattern.reshape(-1, 1, 1) * (scores.shape[0] * criteria) + cells
        np.maximum(high, np.take(group_high, flat), out=high)
        np.minimum(low, np.take(group_low, flat), out=low)
    trim = count >= TRIM_MIN_SCORES
    with np.errstate(invalid="ignore"):  # -inf + inf where nobody was drawn: not used
        trimmed_total = np.where(trim, total - high - low, total)
    return trimmed_total / np.where(trim, count - 2, np.where(count > 0, count, np.nan))


def _stage_draws(
    prepared: Prepared, cube: StageCube, draw: IntArray, candidates: BoolArray, columns: list[int]
) -> _StageDraws:
    """One stage's quorum, aggregate, floors, adjustments and pass mark, for every draw.

    Only applicants that are candidates in some draw are looked at. Draws go in chunks
    sized so that gathering their panels, ``(pairs, panel, criteria)``, takes about
    :data:`CHUNK_BYTES`; the pipeline's own aggregate and :func:`score_stage` score them.
    Trimmed means and means of scores on a grid (:func:`_on_grid`, the usual integer or
    half points) skip the gathering through :func:`_closed_form`, with the same numbers.
    """
    stage = cube.stage
    panel = stage.panel
    cols = np.flatnonzero(candidates.any(axis=0))
    recused = cube.recused[cols]
    scores = cube.scores[cols]
    active = ~recused.T[draw].transpose(0, 2, 1)  # (draws, applicants, seats)
    size = active.sum(axis=2)
    external = (active & cube.external[draw][:, None, :]).sum(axis=2)
    share = np.divide(external, size, out=np.zeros(size.shape), where=size > 0)
    quorate = (
        candidates[:, cols]
        & (size >= max(panel.min_size, 1))
        & (share >= panel.min_external_share - 1e-9)
    )
    missing: BoolArray = np.asarray(np.isnan(scores).any(axis=2))
    unscorable = quorate & (active & missing.T[draw].transpose(0, 2, 1)).any(axis=2)
    scored = quorate & ~unscorable
    totals = np.full(candidates.shape, np.nan)
    passed = np.zeros(candidates.shape, bool)
    kept = np.full((len(columns), *candidates.shape), np.nan)
    rules = stage.rules()
    bonus, penalty = (points[cols] for points in prepared.adjustments[stage.id])
    closed = panel.aggregate in ("trimmed_mean", "mean") and _on_grid(scores)
    filled = np.nan_to_num(scores, nan=0.0)
    count, seats = draw.shape[0], scores.shape[1]
    weights = (draw[:, :, None] == np.arange(seats)).sum(axis=1).astype(np.float64)
    tables = []
    if closed and panel.aggregate == "trimmed_mean":
        # seats in groups small enough for two tables of 2**k entries within CHUNK_BYTES
        cells = 16 * filled[:, 0, :].size
        group_size = int(np.clip(np.log2(max(CHUNK_BYTES // max(cells, 1), 2)), 1, TABLE_SEATS))
        for start in range(0, seats, group_size):
            group = list(range(start, min(start + group_size, seats)))
            tables.append((group, *_extreme_tables(filled, ~recused, group)))
    width = draw.shape[1] * len(stage.criteria) * cols.size
    step = max(1, CHUNK_BYTES // (COPIES * 8 * max(width, 1)))
    for begin in range(0, count, step):
        block = scored[begin : begin + step]
        r, a = np.nonzero(block)
        if not r.size:
            continue
        if closed:
            rows = np.flatnonzero(block.any(axis=0))
            values = _closed_form(
                panel.aggregate == "trimmed_mean",
                filled,
                ~recused,
                weights[begin : begin + step],
                rows,
                tables,
            )[r, np.searchsorted(rows, a)]
        else:
            panels = scores[a[:, None], draw[begin + r]]
            panels[~active[begin + r, a]] = np.nan
            values = AGGREGATES[panel.aggregate](panels).values
        outcome = score_stage(rules, values, bonus=bonus[a], penalty=penalty[a])
        r += begin
        totals[r, cols[a]] = outcome.totals
        passed[r, cols[a]] = outcome.passed
        kept[:, r, cols[a]] = values[:, columns].T
    no_quorum = np.zeros(candidates.shape, bool)
    no_quorum[:, cols] = candidates[:, cols] & ~quorate
    lost = np.zeros(candidates.shape, bool)
    lost[:, cols] = unscorable
    return _StageDraws(totals, passed, no_quorum, lost, kept)


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
    final: Final,
    groups: Sequence[npt.NDArray[np.object_]],
) -> FloatArray:
    """:func:`~selectlib.scoring.select_balanced` for every draw at once: the credits.

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
    return credit


def _simulate(result: EvaluationResult, draws: Sequence[IntArray]) -> Simulation:
    """Re-run every stage and the final selection once per draw of the panels.

    ``draws[s]`` is ``(draws, seats)``: the cube columns of stage ``s`` that sit in each
    draw (duplicates allowed). Quorum counts duplicates as members and skips drawn members
    recused for the applicant; ties, advancement and tie-break chains follow the pipeline.
    """
    prepared = result.prepared
    spec = prepared.spec
    count = draws[0].shape[0]
    eligible = prepared.eligibility["outcome"].astype(str).to_numpy() == "eligible"
    candidates = np.repeat(eligible[None, :], count, axis=0)
    no_quorum = np.zeros(candidates.shape, bool)
    unscorable = np.zeros(candidates.shape, bool)
    totals: dict[str, FloatArray] = {}
    criteria: dict[str, FloatArray] = {}
    for index, (cube, draw) in enumerate(zip(prepared.cubes, draws, strict=True)):
        stage = cube.stage
        wanted = [
            rule.criterion
            for rule in spec.final.tie_breaks
            if rule.criterion is not None and rule.criterion.partition(".")[0] == stage.id
        ]
        columns = [stage.criterion_ids.index(name.partition(".")[2]) for name in wanted]
        outcome = _stage_draws(prepared, cube, draw, candidates, columns)
        no_quorum |= outcome.no_quorum
        unscorable |= outcome.unscorable
        totals[stage.id] = outcome.totals
        criteria.update(zip(wanted, outcome.columns, strict=True))
        candidates = outcome.passed
        if stage.advance is not None and index < len(prepared.cubes) - 1:
            cut = stage.advance.size(spec.final.slots)
            candidates = _advance(outcome.totals, outcome.passed, cut, stage.advance.at_line)
    reached = np.flatnonzero(candidates.any(axis=0))  # rank only who is ever a finalist
    finalists = candidates[:, reached]
    final = np.zeros(finalists.shape)
    if finalists.any():
        weights = spec.final_weights()
        stage_totals = [totals[stage_id][:, reached][finalists] for stage_id, _ in weights]
        final[finalists] = weighted_total(stage_totals, [w for _, w in weights])
    keys: list[npt.NDArray[Any]] = [-final]
    for rule, field_key in zip(spec.final.tie_breaks, prepared.tie_keys, strict=True):
        higher = rule.order == "higher"
        if rule.field is not None:
            keys.append(_field_codes(field_key, higher)[reached])
            continue
        value = totals[rule.stage] if rule.stage is not None else criteria[str(rule.criterion)]
        value = np.where(finalists, value[:, reached], 0.0)
        keys.append(-value if higher else value)
    order, ranks = _competition(keys, finalists)
    groups = [values[reached] for values in prepared.groups]
    ranks_all = np.zeros(candidates.shape, np.int64)
    credit = np.zeros(candidates.shape)
    ranks_all[:, reached] = np.where(finalists, ranks, 0)
    credit[:, reached] = _select_many(order, ranks, finalists, spec.final, groups)
    return Simulation(
        finalists=candidates,
        ranks=ranks_all,
        credit=credit,
        no_quorum=no_quorum,
        unscorable=unscorable,
    )


def _bootstrap(result: EvaluationResult, draws: Sequence[IntArray]) -> pd.DataFrame:
    """Selection and finalist probability per applicant that reached the first stage.

    ``no_quorum`` and ``unscorable`` count the draws in which the applicant dropped out
    for want of a quorum or of scores (see :class:`Simulation`).
    """
    simulation = _simulate(result, draws)
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
            "no_quorum": simulation.no_quorum.sum(axis=0)[rows],
            "unscorable": simulation.unscorable.sum(axis=0)[rows],
        }
    )
    return frame.sort_values(
        ["selection_probability", "mean_final_rank"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


# -- the panels: leniency, agreement, normalised ranking ---------------------------------------


def _evaluator_totals(result: EvaluationResult, index: int) -> tuple[FloatArray, BoolArray]:
    """Each evaluator's own total per applicant at a stage, and where it counted.

    Counted: the applicant was scored at the stage (a candidate with a quorum) and the
    evaluator was neither recused nor left out.
    """
    cube = result.prepared.cubes[index]
    scored = np.isfinite(result.stages[index].totals)
    sitting = np.array([e not in result.left_out for e in cube.evaluator_ids], bool)
    counted = scored[:, None] & ~cube.recused & sitting[None, :]
    totals = np.where(counted, cube.scores.sum(axis=2), np.nan)
    return totals, counted


def _leniency(result: EvaluationResult) -> pd.DataFrame:
    """Per stage and evaluator: own totals against the rest of the panel on the same applicants.

    ``deviation`` is the mean of (own total − the other counted members' mean) over the
    applicants the evaluator scored. The label is ``lenient`` when it is at least
    :data:`LENIENCY_SHARE` of the stage's points, ``severe`` at most minus that, else
    ``typical``. A share of the points (rather than a z-score among 5–7 evaluators, whose
    spread one extreme member inflates enough to hide itself) reads the same on every
    stage and says how many points the habit is worth.
    """
    records = []
    for index, cube in enumerate(result.prepared.cubes):
        totals, counted = _evaluator_totals(result, index)
        limit = LENIENCY_SHARE * cube.stage.max_points
        for seat, evaluator in enumerate(cube.evaluator_ids):
            if evaluator in result.left_out:
                continue
            rows = counted[:, seat]
            own = totals[rows, seat]
            others = np.delete(totals[rows], seat, axis=1)
            present = np.isfinite(others).any(axis=1)
            others_mean = np.nanmean(others[present], axis=1) if present.any() else np.zeros(0)
            deviation = float(np.mean(own[present] - others_mean)) if present.any() else np.nan
            label = (
                None
                if np.isnan(deviation)
                else "lenient"
                if deviation >= limit
                else "severe"
                if deviation <= -limit
                else "typical"
            )
            records.append(
                {
                    "stage": cube.stage.id,
                    "evaluator_id": evaluator,
                    "n_scored": int(rows.sum()),
                    "mean_total": float(own.mean()) if own.size else np.nan,
                    "sd_total": float(own.std(ddof=1)) if own.size > 1 else np.nan,
                    "panel_mean": float(others_mean.mean()) if others_mean.size else np.nan,
                    "deviation": deviation,
                    "label": label,
                }
            )
    columns = "stage evaluator_id n_scored mean_total sd_total panel_mean deviation label"
    return pd.DataFrame.from_records(records, columns=columns.split())


def _kendall_w(scores: FloatArray) -> float:
    """Kendall's W of ``(applicants, evaluators)`` scores, with the correction for ties.

    ``W = 12 S / (m²(n³ − n) − m ΣT)``, ``S`` the squared deviations of the applicants'
    rank sums from their mean, ``T = Σ(t³ − t)`` over each evaluator's groups of tied
    scores (ranked by their average rank). ``NaN`` when it is undefined.
    """
    from scipy.stats import rankdata

    n, m = scores.shape
    if n < 2 or m < 2:
        return float("nan")
    ranks = rankdata(scores, axis=0)
    sums = ranks.sum(axis=1)
    s = float(((sums - sums.mean()) ** 2).sum())
    ties = 0.0
    for column in scores.T:
        _, sizes = np.unique(column, return_counts=True)
        ties += float((sizes**3 - sizes).sum())
    denominator = m**2 * (n**3 - n) - m * ties
    return 12 * s / denominator if denominator > 0 else float("nan")


def _agreement(result: EvaluationResult) -> pd.DataFrame:
    """Kendall's W per stage over the applicants every (not left out) member scored.

    The chi-squared test ``m(n − 1)W`` with ``n − 1`` degrees of freedom asks whether
    the members agree more than chance; words follow :data:`AGREEMENT_BANDS`.
    """
    from scipy.stats import chi2

    records = []
    for index, cube in enumerate(result.prepared.cubes):
        totals, counted = _evaluator_totals(result, index)
        members = np.array([e not in result.left_out for e in cube.evaluator_ids], bool)
        rows = counted[:, members].all(axis=1) & np.isfinite(result.stages[index].totals)
        scores = totals[rows][:, members]
        n, m = scores.shape
        w = _kendall_w(scores)
        statistic = m * (n - 1) * w
        records.append(
            {
                "stage": cube.stage.id,
                "n_applicants": n,
                "n_evaluators": m,
                "kendall_w": w,
                "chi2": statistic,
                "dof": max(n - 1, 0),
                "p_value": float(chi2.sf(statistic, n - 1)) if np.isfinite(w) else np.nan,
                "interpretation": None
                if np.isnan(w)
                else next(word for low, word in AGREEMENT_BANDS if w >= low),
            }
        )
    return pd.DataFrame.from_records(records)


def _z_scores(result: EvaluationResult, index: int) -> FloatArray:
    """Per applicant, the mean over its counted evaluators of their z-scored totals.

    Each evaluator's totals are standardised over the applicants that evaluator scored
    at the stage (population sd; an evaluator who gave everyone the same total ranks no
    one, so contributes 0). ``NaN`` where the applicant was not scored.
    """
    totals, counted = _evaluator_totals(result, index)
    own = np.where(counted, totals, 0.0)
    scored = np.maximum(counted.sum(axis=0), 1)
    mean = own.sum(axis=0) / scored
    sd = np.sqrt(np.where(counted, (own - mean) ** 2, 0.0).sum(axis=0) / scored)
    z = np.where(counted, (own - mean) / np.where(sd > 0, sd, 1.0), 0.0)
    members = counted.sum(axis=1)
    return np.where(members > 0, z.sum(axis=1) / np.maximum(members, 1), np.nan)


def _ranks(values: FloatArray, mask: BoolArray) -> IntArray:
    """Competition ranks of ``values`` (higher first) among the ``mask`` rows."""
    return rank(np.where(mask, values, 0.0), eligible=mask).ranks


def _normalised(result: EvaluationResult) -> pd.DataFrame:
    """Per stage and for the final: actual total and rank next to the z-score and its rank.

    Stage rows are the applicants scored at the stage; ``total`` is the stage total (with
    bonus and penalty), ranked among them. Final rows are the finalists: the final score
    and its rank, and the same stage weights applied to the stage z-scores; ``top`` and
    ``z_top`` say whether each is within the top ``slots`` by either. ``rank_change`` is
    ``rank − z_rank``: positive moves up under normalisation.
    """
    ids = np.array(result.ids, dtype=object)
    frames = []
    z_by_stage = {}
    for index, outcome in enumerate(result.stages):
        z = _z_scores(result, index)
        z_by_stage[outcome.stage.id] = z
        rows = np.isfinite(outcome.totals) & np.isfinite(z)
        frames.append(_rows(ids, outcome.stage.id, outcome.totals, z, rows, None))
    finalists = result.finalists
    if finalists.any():
        weights = result.spec.final_weights()
        z_final = np.full(ids.size, np.nan)
        z_final[finalists] = weighted_total(
            [z_by_stage[s][finalists] for s, _ in weights], [w for _, w in weights]
        )
        slots = result.spec.final.slots
        frames.append(_rows(ids, "final", result.final_scores, z_final, finalists, slots))
    return pd.concat(frames, ignore_index=True)


def _rows(
    ids: npt.NDArray[np.object_],
    stage: str,
    totals: FloatArray,
    z: FloatArray,
    rows: BoolArray,
    slots: int | None,
) -> pd.DataFrame:
    ranks = _ranks(totals, rows)[rows]
    z_ranks = _ranks(z, rows)[rows]
    top = pd.array([None] * int(rows.sum()) if slots is None else ranks <= slots, "boolean")
    z_top = pd.array([None] * int(rows.sum()) if slots is None else z_ranks <= slots, "boolean")
    return pd.DataFrame(
        {
            "applicant_id": ids[rows],
            "stage": stage,
            "total": totals[rows],
            "rank": ranks,
            "z_score": z[rows],
            "z_rank": z_ranks,
            "rank_change": ranks - z_ranks,
            "top": top,
            "z_top": z_top,
        }
    )
