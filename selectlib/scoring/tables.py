"""The tables of a result: one row per applicant, per stage, per score; and :class:`Views`,
everything a result explains about itself."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from selectlib.scoring.inputs import RECUSAL_KINDS
from selectlib.scoring.result import StageOutcome
from selectlib.scoring.whynot import WhyNot

__all__ = ["Views"]


class Views(WhyNot):
    """The texts and the tables of one :class:`~selectlib.scoring.EvaluationResult`."""

    def table(self) -> pd.DataFrame:
        """One row per applicant: eligibility, each stage, the final result and why."""
        result = self.result
        prepared = self.prepared
        data: dict[str, Any] = {"applicant_id": list(prepared.ids)}
        if "applicant_name" in prepared.applicants.columns:
            data["applicant_name"] = self.names
        data["eligibility"] = prepared.eligibility["outcome"].astype(str).to_list()
        for outcome in result.stages:
            data[f"{outcome.stage.id}.status"] = outcome.status.tolist()
            data[f"{outcome.stage.id}.total"] = outcome.totals
        ranks = result.ranking.ranks
        data["final_score"] = result.final_scores
        data["rank"] = pd.array(np.where(ranks > 0, ranks, 0), dtype="Int64")
        data["rank"][ranks == 0] = pd.NA
        names = result.ranking.rule_names()
        data["decided_by"] = [None if n is None or n == "score" else n for n in names]
        data["result"] = result.results.tolist()
        reserve = result.selection.reserve_ranks
        data["reserve_rank"] = pd.array(np.where(reserve > 0, reserve, 0), dtype="Int64")
        data["reserve_rank"][reserve == 0] = pd.NA
        data["margin"] = [self.margin(r) for r in range(len(ranks))]
        data["reason_ko"] = [self.reason(r, "ko") for r in range(len(ranks))]
        data["reason_en"] = [self.reason(r, "en") for r in range(len(ranks))]
        return pd.DataFrame(data)

    def stage_table(self, outcome: StageOutcome) -> pd.DataFrame:
        """One row per applicant at a stage: panel, aggregated criteria, totals, status."""
        stage = outcome.stage
        data: dict[str, Any] = {"applicant_id": list(self.prepared.ids)}
        data["status"] = outcome.status.tolist()
        data["panel_size"] = outcome.panel_size
        data["external_members"] = outcome.external_members
        for column, criterion in enumerate(stage.criteria):
            data[criterion.id] = outcome.values[:, column]
        data["raw_total"] = outcome.raw_totals
        data["bonus"] = outcome.bonus
        data["penalty"] = outcome.penalty
        data["total"] = outcome.totals
        ranks = outcome.ranking.ranks
        data["stage_rank"] = pd.array(np.where(ranks > 0, ranks, 0), dtype="Int64")
        data["stage_rank"][ranks == 0] = pd.NA
        data["reason_ko"] = [self._stage_failure(outcome, r, "ko") for r in range(ranks.size)]
        data["reason_en"] = [self._stage_failure(outcome, r, "en") for r in range(ranks.size)]
        return pd.DataFrame(data)

    def breakdown(self) -> pd.DataFrame:
        """Applicant × stage × criterion: each raw score, the two dropped, the aggregate.

        With the stage's raw total, bonus, penalty and total, and the final score, it is
        the whole path raw → trimmed → adjusted → stage total → final.
        """
        result = self.result
        weights = dict(result.spec.final_weights())
        total_weight = sum(weights.values())
        records = []
        for cube, outcome in zip(self.prepared.cubes, result.stages, strict=True):
            stage = outcome.stage
            scored = np.flatnonzero(np.isfinite(outcome.totals))
            for row in scored.tolist():
                for column, criterion in enumerate(stage.criteria):
                    raw = cube.scores[row, :, column]
                    counted = ~cube.recused[row] & np.isfinite(raw)
                    counted &= np.array(
                        [e not in result.left_out for e in cube.evaluator_ids], dtype=bool
                    )
                    shown = ", ".join(
                        f"{cube.evaluator_ids[e]} {raw[e]:g}" for e in np.flatnonzero(counted)
                    )
                    dropped = outcome.dropped[row, column]
                    high = low = None
                    if dropped is not None:
                        high = cube.evaluator_ids[dropped[0]]
                        low = cube.evaluator_ids[dropped[1]]
                    records.append(
                        {
                            "applicant_id": self.prepared.ids[row],
                            "stage": stage.id,
                            "criterion": criterion.id,
                            "max_points": criterion.max_points,
                            "floor": criterion.floor,
                            "panel_size": int(outcome.panel_size[row]),
                            "scores": shown,
                            "dropped_high": high,
                            "dropped_low": low,
                            "aggregate": float(outcome.values[row, column]),
                            "stage_raw_total": float(outcome.raw_totals[row]),
                            "bonus": float(outcome.bonus[row]),
                            "penalty": float(outcome.penalty[row]),
                            "stage_total": float(outcome.totals[row]),
                            "weight": weights.get(stage.id, 0.0) / total_weight,
                            "final_score": (
                                float(result.final_scores[row]) if result.finalists[row] else None
                            ),
                        }
                    )
        return pd.DataFrame.from_records(records)

    def scores(self) -> pd.DataFrame:
        """The raw scores, each with whether it counted and, if not, why."""
        result = self.result
        records = []
        for cube, outcome in zip(self.prepared.cubes, result.stages, strict=True):
            stage = outcome.stage
            kinds = {
                (r.evaluator_id, r.applicant_id): r.kind
                for r in self.prepared.recusals
                if r.applies(stage.id)
            }
            for a, e, c in np.argwhere(np.isfinite(cube.scores)).tolist():
                applicant = self.prepared.ids[a]
                evaluator = cube.evaluator_ids[e]
                reason = ""
                if not outcome.candidates[a]:
                    reason = "not at this stage"
                elif evaluator in result.left_out:
                    reason = "evaluator left out"
                elif cube.recused[a, e]:
                    kind = kinds.get((evaluator, applicant), "exclusion")
                    reason = f"recusal: {RECUSAL_KINDS[kind].ko} ({kind})"
                elif outcome.status[a] == "no_quorum":
                    reason = "no quorum"
                elif outcome.dropped[a, c] is not None and e == outcome.dropped[a, c][0]:
                    reason = "dropped: highest"
                elif outcome.dropped[a, c] is not None and e == outcome.dropped[a, c][1]:
                    reason = "dropped: lowest"
                records.append(
                    {
                        "stage": stage.id,
                        "evaluator_id": evaluator,
                        "applicant_id": applicant,
                        "criterion": stage.criteria[c].id,
                        "score": float(cube.scores[a, e, c]),
                        "counted": reason == "",
                        "excluded": reason or None,
                        "where": cube.where[a, e, c],
                    }
                )
        return pd.DataFrame.from_records(records)
