"""What an evaluation produces: each stage's outcome, the whole result, and the words for
its statuses and results.

The pipeline (:mod:`.pipeline`) builds these; the texts and tables that explain them
(:mod:`.explain`, :mod:`.whynot`, :mod:`.tables`) read them, and reach the result's
methods through the ``views`` it was given, so nothing here imports them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Protocol

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from selectlib._typing import BoolArray, FloatArray, IntArray
from selectlib.eligibility.audit import AuditRecord, PendingAudit
from selectlib.profile.evaluation import EvaluationSpec, Stage
from selectlib.scoring.exact import Exact
from selectlib.scoring.portfolio import BalancedSelection
from selectlib.scoring.prepare import Prepared
from selectlib.scoring.ranking import Ranking, TieBreak

__all__ = [
    "RESULT_LABELS",
    "STATUS_LABELS",
    "EvaluationResult",
    "Result",
    "StageOutcome",
    "StageStatus",
    "Views",
    "pick",
]


class StageStatus(enum.StrEnum):
    """Where an applicant stands after a stage (or why it was not at it)."""

    ADVANCED = "advanced"
    PASSED = "passed"  # the last stage: passed, and a finalist
    FAILED_FLOOR = "failed_floor"
    FAILED_PASS_MARK = "failed_pass_mark"
    NOT_IN_TOP = "not_in_top"
    NO_QUORUM = "no_quorum"
    NOT_REACHED = "not_reached"  # eliminated at an earlier stage


class Result(enum.StrEnum):
    """An eligible applicant's final result (the others keep their eligibility outcome)."""

    SELECTED = "selected"
    RESERVE = "reserve"
    UNRESOLVED = "unresolved"
    DISPLACED = "displaced"
    NOT_SELECTED = "not_selected"
    ELIMINATED = "eliminated"
    NO_QUORUM = "no_quorum"


RESULT_LABELS = {
    "selected": ("선정", "selected"),
    "reserve": ("예비", "reserve"),
    "unresolved": ("동점 — 위원회 결정 필요", "tied at the line — the committee decides"),
    "displaced": ("균형 제한으로 제외", "displaced by a balance constraint"),
    "not_selected": ("미선정", "not selected"),
    "eliminated": ("단계 탈락", "eliminated at a stage"),
    "no_quorum": ("정족수 미달", "no quorum"),
    "ineligible": ("지원 요건 미충족", "not eligible"),
    "incomplete": ("판정 보류(정보 부족)", "undecided: information missing"),
    "invalid": ("입력 오류", "invalid input"),
}
STATUS_LABELS = {
    "advanced": ("진출", "advanced"),
    "passed": ("통과", "passed"),
    "failed_floor": ("과락", "below a floor"),
    "failed_pass_mark": ("기준점수 미달", "below the pass mark"),
    "not_in_top": ("순위 밖", "not in the top"),
    "no_quorum": ("정족수 미달", "no quorum"),
    "not_reached": ("해당 없음(이전 단계 탈락)", "not reached"),
    "ineligible": ("지원 요건 미충족", "not eligible"),
    "incomplete": ("판정 보류", "undecided"),
    "invalid": ("입력 오류", "invalid input"),
}


def pick(pair: tuple[str, str], lang: str) -> str:
    """The Korean or the English half of a label."""
    return pair[0] if lang == "ko" else pair[1]


class Views(Protocol):
    """The texts and tables of a result (:class:`selectlib.scoring.tables.Views`)."""

    def explain(self, row: int, lang: str) -> str: ...

    def why_not(self, row: int, other: int | None, lang: str) -> str: ...

    def table(self) -> pd.DataFrame: ...

    def stage_table(self, outcome: StageOutcome) -> pd.DataFrame: ...

    def breakdown(self) -> pd.DataFrame: ...

    def scores(self) -> pd.DataFrame: ...


@attrs.frozen(eq=False)
class StageOutcome:
    """What happened at one stage, one entry per applicant of the table.

    ``status`` is ``advanced``/``passed`` (the last stage), ``failed_floor``,
    ``failed_pass_mark``, ``not_in_top``, ``no_quorum``, or ``not_reached`` for applicants
    who were not at this stage. The ``exact_*`` arrays hold the numbers exactly
    (:mod:`.exact`), ``NaN`` where the applicant was not scored; the float properties of
    the same names without ``exact_`` are for display.
    """

    stage: Stage
    candidates: BoolArray
    status: npt.NDArray[np.object_]
    panel_size: IntArray
    external_members: IntArray
    exact_values: Exact
    dropped: npt.NDArray[np.object_]
    exact_raw_totals: Exact
    exact_bonus: Exact
    exact_penalty: Exact
    exact_totals: Exact
    ranking: Ranking
    go_on: BoolArray
    cut: int | None
    failed_floor: IntArray

    @property
    def values(self) -> FloatArray:
        """The panel's aggregate per criterion ``(applicants, criteria)``, for display."""
        return self.exact_values.values

    @property
    def raw_totals(self) -> FloatArray:
        """The sum of the aggregates, for display."""
        return self.exact_raw_totals.values

    @property
    def bonus(self) -> FloatArray:
        """The bonus counted (after its cap), for display."""
        return self.exact_bonus.values

    @property
    def penalty(self) -> FloatArray:
        """The penalty counted (after its cap), for display."""
        return self.exact_penalty.values

    @property
    def totals(self) -> FloatArray:
        """The stage total after bonus and penalty, for display."""
        return self.exact_totals.values


@attrs.frozen(eq=False)
class EvaluationResult:
    """The outcome of a whole evaluation; one row per applicant in every table.

    ``ranking`` and ``selection`` are over the applicants table's rows (finalists only
    are ranked); ``tie_breaks`` holds the chain's exact keys. Tables are built on request
    by :meth:`table`, :meth:`stage_table`, :meth:`breakdown`; texts by :meth:`explain` and
    :meth:`why_not`, through ``views`` (:class:`selectlib.scoring.tables.Views`, given by
    the pipeline, so that this module needs nothing of the texts).
    """

    prepared: Prepared
    stages: tuple[StageOutcome, ...]
    finalists: BoolArray
    exact_final: Exact
    tie_breaks: tuple[TieBreak, ...]
    ranking: Ranking
    selection: BalancedSelection
    results: npt.NDArray[np.object_]
    views: Callable[[EvaluationResult], Views] = attrs.field(kw_only=True, repr=False)
    left_out: tuple[str, ...] = ()
    pending: PendingAudit | None = attrs.field(default=None, kw_only=True, repr=False)

    @property
    def audit(self) -> AuditRecord | None:
        """Which rules and inputs (applicants, scores, evaluators, recusals) made this
        selection (kind ``selection``); None for a re-run without some evaluators."""
        return None if self.pending is None else self.pending.record()

    @property
    def final_scores(self) -> FloatArray:
        """The final scores of the finalists (``NaN`` for the others), for display."""
        return self.exact_final.values

    @property
    def spec(self) -> EvaluationSpec:
        """The evaluation section the result was computed with."""
        return self.prepared.spec

    @property
    def ids(self) -> tuple[str, ...]:
        """The applicant ids, in the applicants table's order."""
        return self.prepared.ids

    @property
    def selected_ids(self) -> tuple[str, ...]:
        """The selected applicants, best first."""
        return self._in_rank_order(self.selection.selected)

    @property
    def reserve_ids(self) -> tuple[str, ...]:
        """The reserve list, first reserve first."""
        return self._in_rank_order(self.selection.reserve)

    def _in_rank_order(self, mask: BoolArray) -> tuple[str, ...]:
        rows = np.flatnonzero(mask)
        order = np.argsort(self.ranking.ranks[rows], kind="stable")
        return tuple(self.ids[r] for r in rows[order])

    def stage_outcome(self, stage_id: str) -> StageOutcome:
        """The outcome of one stage; ``KeyError`` for an unknown stage."""
        for outcome in self.stages:
            if outcome.stage.id == stage_id:
                return outcome
        raise KeyError(stage_id)

    def row(self, applicant_id: str) -> int:
        """The row of an applicant; ``KeyError`` naming the id if it is unknown."""
        try:
            return self.ids.index(str(applicant_id))
        except ValueError:
            raise KeyError(f"no applicant {applicant_id!r} in this evaluation") from None

    # -- text ------------------------------------------------------------------------------
    def explain(self, applicant_id: str, lang: str = "ko") -> str:
        """Why an applicant got its result: rank, margin to the line, deciding rule."""
        return self.views(self).explain(self.row(applicant_id), lang)

    def why_not(self, applicant_id: str, other_id: str | None = None, lang: str = "ko") -> str:
        """Why ``applicant_id`` ranks below ``other_id`` (default: the one just above it)."""
        other = None if other_id is None else self.row(other_id)
        return self.views(self).why_not(self.row(applicant_id), other, lang)

    # -- tables ----------------------------------------------------------------------------
    def table(self) -> pd.DataFrame:
        """One row per applicant: eligibility, each stage's status and total, the result."""
        return self.views(self).table()

    def stage_table(self, stage_id: str) -> pd.DataFrame:
        """One row per applicant at a stage: panel, criterion scores, totals, status."""
        return self.views(self).stage_table(self.stage_outcome(stage_id))

    def breakdown(self) -> pd.DataFrame:
        """Long table: applicant × stage × criterion, raw scores → trimmed → aggregate."""
        return self.views(self).breakdown()

    def scores(self) -> pd.DataFrame:
        """The raw scores, each with whether it counted and why not."""
        return self.views(self).scores()
