"""Panel scoring: aggregate evaluators' scores, total a stage, rank and select.

This is the pure, vectorized layer of the three-stage evaluation: functions on numpy
arrays with no knowledge of profiles, files or reports. Import it explicitly
(``import selectlib.scoring``); ``import selectlib`` does not load it.
"""

from __future__ import annotations

from .aggregate import (
    AGGREGATES,
    TRIM_MIN_SCORES,
    Aggregate,
    PanelAggregate,
    mean,
    median,
    trimmed_mean,
)
from .errors import ScoringError
from .ranking import (
    AtLine,
    Ranking,
    Selection,
    TieBreak,
    advance,
    advance_count,
    rank,
    select,
    top,
)
from .stage import StageCriterion, StageResult, StageRules, score_stage, weighted_total

__all__ = [
    "AGGREGATES",
    "TRIM_MIN_SCORES",
    "Aggregate",
    "AtLine",
    "PanelAggregate",
    "Ranking",
    "ScoringError",
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
    "select",
    "top",
    "trimmed_mean",
    "weighted_total",
]
