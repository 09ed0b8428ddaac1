"""Panel scoring: aggregate evaluators' scores, total a stage, rank and select.

The three-stage evaluation of a profile's ``evaluation:`` section (its data lives with the
profile, in :mod:`selectlib.profile.evaluation`): the pure vectorized layer on numpy arrays
(:mod:`.exact`, :mod:`.aggregate`, :mod:`.stage`, :mod:`.ranking`, :mod:`.portfolio`), and
the pipeline that runs a whole selection from score sheets. Spreadsheet and statistics
libraries load only when a function needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from selectlib.profile.evaluation import (
    Adjustment,
    Advancement,
    Constraint,
    EvaluationSpec,
    Final,
    Panel,
    ScoreCriterion,
    Stage,
    TieBreakRule,
)
from selectlib.scoring.aggregate import (
    AGGREGATES,
    TRIM_MIN_SCORES,
    Aggregate,
    PanelAggregate,
    mean,
    median,
    trimmed_mean,
)
from selectlib.scoring.cube import StageCube
from selectlib.scoring.errors import EvaluationInputError, InputProblem, ScoringError
from selectlib.scoring.inputs import (
    RECUSAL_KINDS,
    Evaluator,
    Recusal,
    parse_evaluators,
    parse_recusals,
    read_evaluators,
    read_recusals,
)
from selectlib.scoring.pipeline import evaluate_selection, run_evaluation, stage_candidates
from selectlib.scoring.portfolio import BalancedSelection, Group, select_balanced
from selectlib.scoring.prepare import Prepared, prepare_evaluation
from selectlib.scoring.ranking import (
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
from selectlib.scoring.result import EvaluationResult, StageOutcome
from selectlib.scoring.stage import (
    StageCriterion,
    StageResult,
    StageRules,
    score_stage,
    weighted_total,
)

if TYPE_CHECKING:
    from selectlib.scoring.readback import read_scores
    from selectlib.scoring.report import report_data, write_report
    from selectlib.scoring.robust import RobustnessReport, robustness
    from selectlib.scoring.sheets import write_sheets

_LAZY = {
    "RobustnessReport": "robust",
    "read_scores": "readback",
    "report_data": "report",
    "robustness": "robust",
    "write_report": "report",
    "write_sheets": "sheets",
}
"""Names whose modules load openpyxl or scipy: imported on first use."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AGGREGATES",
    "RECUSAL_KINDS",
    "TRIM_MIN_SCORES",
    "Adjustment",
    "Advancement",
    "Aggregate",
    "AtLine",
    "BalancedSelection",
    "Constraint",
    "EvaluationInputError",
    "EvaluationResult",
    "EvaluationSpec",
    "Evaluator",
    "Final",
    "Group",
    "InputProblem",
    "Panel",
    "PanelAggregate",
    "Prepared",
    "Ranking",
    "Recusal",
    "RobustnessReport",
    "ScoreCriterion",
    "ScoringError",
    "Selection",
    "Stage",
    "StageCriterion",
    "StageCube",
    "StageOutcome",
    "StageResult",
    "StageRules",
    "TieBreak",
    "TieBreakRule",
    "advance",
    "advance_count",
    "evaluate_selection",
    "mean",
    "median",
    "parse_evaluators",
    "parse_recusals",
    "prepare_evaluation",
    "rank",
    "read_evaluators",
    "read_recusals",
    "read_scores",
    "report_data",
    "robustness",
    "run_evaluation",
    "score_stage",
    "select",
    "select_balanced",
    "stage_candidates",
    "top",
    "trimmed_mean",
    "weighted_total",
    "write_report",
    "write_sheets",
]
