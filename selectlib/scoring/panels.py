"""How each evaluator used the scale: leniency, agreement, and a z-score normalised ranking.

Three views of a result's panels, shown next to it and never applied to it:

- :func:`leniency` — each evaluator's totals against the rest of the panel on the same
  applicants: lenient, severe or typical.
- :func:`agreement` — Kendall's W per stage over the applicants every member scored.
- :func:`normalised` — each evaluator's totals as z-scores, averaged per applicant: the
  ranking a per-evaluator normalisation would give, next to the actual one.

scipy is imported inside the functions that need it, so importing this module stays cheap.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from selectlib._typing import BoolArray, FloatArray, IntArray
from selectlib.scoring.ranking import rank
from selectlib.scoring.result import EvaluationResult

__all__ = [
    "AGREEMENT_BANDS",
    "LENIENCY_SHARE",
    "agreement",
    "kendall_w",
    "leniency",
    "normalised",
]


LENIENCY_SHARE = 0.05
"""An evaluator is lenient (severe) when its mean deviation from the rest of the panel is
at least this share of the stage's points above (below) it: 5 points on a 100-point stage."""
AGREEMENT_BANDS = ((0.7, "strong"), (0.3, "moderate"), (0.0, "weak"))
"""Kendall's W from 0.7 is strong, from 0.3 moderate, below weak (Schmidt 1997's bands
0.1/0.3/0.5/0.7/0.9, merged into three words a committee reads at a glance)."""


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


def leniency(result: EvaluationResult) -> pd.DataFrame:
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


def kendall_w(scores: FloatArray) -> float:
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


def agreement(result: EvaluationResult) -> pd.DataFrame:
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
        w = kendall_w(scores)
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


def normalised(result: EvaluationResult) -> pd.DataFrame:
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
        # z-scores are not decimals: an ordinary weighted mean (shown, never applied)
        z_final[finalists] = np.average(
            np.stack([z_by_stage[s][finalists] for s, _ in weights]),
            axis=0,
            weights=[w for _, w in weights],
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
