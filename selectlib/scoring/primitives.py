"""The pure, vectorized building blocks of the evaluation, on numpy arrays: panel
aggregates, a stage's totals, ranking with tie-break chains, selection with constraints,
and exact decimal arithmetic. They know nothing of profiles, files or reports; the
workflow in :mod:`selectlib.scoring` is built from them (see docs/scoring.md).
"""

from __future__ import annotations

from selectlib.profile.evaluation import AtLine
from selectlib.scoring.aggregate import (
    AGGREGATES,
    TRIM_MIN_SCORES,
    Aggregate,
    PanelAggregate,
    mean,
    median,
    trimmed_mean,
)
from selectlib.scoring.exact import Exact
from selectlib.scoring.portfolio import BalancedSelection, Group, select_balanced
from selectlib.scoring.ranking import (
    Ranking,
    Selection,
    TieBreak,
    advance,
    advance_count,
    rank,
    select_ranked,
    top,
)
from selectlib.scoring.stage import (
    StageCriterion,
    StageResult,
    StageRules,
    score_stage,
    weighted_total,
)

__all__ = [
    "AGGREGATES",
    "TRIM_MIN_SCORES",
    "Aggregate",
    "AtLine",
    "BalancedSelection",
    "Exact",
    "Group",
    "PanelAggregate",
    "Ranking",
    "Selection",
    "StageCriterion",
    "StageResult",
    "StageRules",
    "TieBreak",
    "advance",
    "advance_count",
    "mean",
    "median",
    "rank",
    "score_stage",
    "select_balanced",
    "select_ranked",
    "top",
    "trimmed_mean",
    "weighted_total",
]
