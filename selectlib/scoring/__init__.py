"""Panel scoring: aggregate evaluators' scores, total a stage, rank and select.

The three-stage evaluation of a profile's ``evaluation:`` section (its data lives with the
profile, in :mod:`selectlib.profile.evaluation`), as a workflow: the committee
(:func:`read_evaluators`, :func:`read_recusals`), score sheets (:func:`write_sheets`,
:func:`read_scores`), the whole selection (:func:`evaluate_selection`, or
:func:`prepare_evaluation` then :func:`run_evaluation`), its robustness and reports. The
pure vectorized layer on numpy arrays it is built from is :mod:`.primitives`.
Spreadsheet and statistics libraries load only when a function needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from selectlib.profile.evaluation import (
    Adjustment,
    Advancement,
    Constraint,
    EvaluationSpec,
    FinalRules,
    Panel,
    ScoreCriterion,
    Stage,
    TieBreakRule,
)
from selectlib.scoring.cube import StageCube
from selectlib.scoring.errors import EvaluationInputError, ScoringError
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
from selectlib.scoring.prepare import Prepared, prepare_evaluation
from selectlib.scoring.result import EvaluationResult, Result, StageOutcome, StageStatus

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
    "RECUSAL_KINDS",
    "Adjustment",
    "Advancement",
    "Constraint",
    "EvaluationInputError",
    "EvaluationResult",
    "EvaluationSpec",
    "Evaluator",
    "FinalRules",
    "Panel",
    "Prepared",
    "Recusal",
    "Result",
    "RobustnessReport",
    "ScoreCriterion",
    "ScoringError",
    "Stage",
    "StageCube",
    "StageOutcome",
    "StageStatus",
    "TieBreakRule",
    "evaluate_selection",
    "parse_evaluators",
    "parse_recusals",
    "prepare_evaluation",
    "read_evaluators",
    "read_recusals",
    "read_scores",
    "report_data",
    "robustness",
    "run_evaluation",
    "stage_candidates",
    "write_report",
    "write_sheets",
]
