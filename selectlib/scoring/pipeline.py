"""The whole selection: eligibility, then each stage, then the final ranking and selection.

:func:`prepare_evaluation` checks every input once (ids, panels, recusals, columns) and
:func:`run_evaluation` runs the stages on the checked inputs. Every applicant of the
applicants table is accounted for at every stage with a status, and the result carries
the per-applicant breakdown raw → trimmed → adjusted → stage total → final.

Running from prepared inputs is what the robustness report does to leave an evaluator out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from ..dates import DateLike, as_date
from .aggregate import AGGREGATES
from .errors import EvaluationInputError, InputProblem, ScoringError
from .explain import Explainer
from .inputs import Evaluator, Recusal, text_cell
from .portfolio import BalancedSelection, Group, select_balanced
from .ranking import Ranking, TieBreak, rank, top
from .spec import EvaluationSpec, Stage
from .stage import score_stage, weighted_total

if TYPE_CHECKING:  # the scoring package is imported by selectlib.model: no import cycle
    from ..profile import Profile

__all__ = [
    "EvaluationResult",
    "Prepared",
    "StageCube",
    "StageOutcome",
    "evaluate_selection",
    "prepare_evaluation",
    "run_evaluation",
    "stage_candidates",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

SCORE_COLUMNS = ("stage", "evaluator_id", "applicant_id", "criterion", "score")


@attrs.frozen(eq=False)
class StageCube:
    """One stage's raw scores over every applicant: ``(applicants, panel, criteria)``.

    ``scores`` is ``NaN`` where no score was given; ``recused`` is ``(applicants, panel)``,
    ``True`` where a recusal removes the evaluator for that applicant at this stage.
    ``where`` holds the location of each score (or of the blank cell) for messages.
    """

    stage: Stage
    evaluator_ids: tuple[str, ...]
    external: BoolArray
    scores: FloatArray
    recused: BoolArray
    where: npt.NDArray[np.object_]


@attrs.frozen(eq=False)
class Prepared:
    """Checked inputs of an evaluation, ready to run (and to re-run without an evaluator)."""

    profile: Profile
    spec: EvaluationSpec
    on: dt.date
    applicants: pd.DataFrame
    ids: tuple[str, ...]
    eligibility: pd.DataFrame
    cubes: tuple[StageCube, ...]
    evaluators: tuple[Evaluator, ...]
    recusals: tuple[Recusal, ...]
    adjustments: Mapping[str, tuple[FloatArray, FloatArray]]
    tie_keys: tuple[npt.NDArray[Any], ...]
    groups: tuple[npt.NDArray[np.object_], ...]
    notes: tuple[str, ...]


@attrs.frozen(eq=False)
class StageOutcome:
    """What happened at one stage, one entry per applicant of the table.

    ``status`` is ``advanced``/``passed`` (the last stage), ``failed_floor``,
    ``failed_pass_mark``, ``not_in_top``, ``no_quorum``, or ``not_reached`` for applicants
    who were not at this stage. Numbers are ``NaN`` where the applicant was not scored.
    """

    stage: Stage
    candidates: BoolArray
    status: npt.NDArray[np.object_]
    panel_size: IntArray
    external_members: IntArray
    values: FloatArray
    dropped: npt.NDArray[np.object_]
    raw_totals: FloatArray
    bonus: FloatArray
    penalty: FloatArray
    totals: FloatArray
    ranking: Ranking
    go_on: BoolArray
    cut: int | None
    failed_floor: IntArray


@attrs.frozen(eq=False)
class EvaluationResult:
    """The outcome of a whole evaluation; one row per applicant in every table.

    ``ranking`` and ``selection`` are over the applicants table's rows (finalists only
    are ranked). Tables are built on request by :meth:`table`, :meth:`stage_table`,
    :meth:`breakdown`; texts by :meth:`explain` and :meth:`why_not`.
    """

    prepared: Prepared
    stages: tuple[StageOutcome, ...]
    finalists: BoolArray
    final_scores: FloatArray
    ranking: Ranking
    selection: BalancedSelection
    results: npt.NDArray[np.object_]
    left_out: tuple[str, ...] = ()

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
        return Explainer(self).explain(self.row(applicant_id), lang)

    def why_not(self, applicant_id: str, other_id: str | None = None, lang: str = "ko") -> str:
        """Why ``applicant_id`` ranks below ``other_id`` (default: the one just above it)."""
        explainer = Explainer(self)
        other = None if other_id is None else self.row(other_id)
        return explainer.why_not(self.row(applicant_id), other, lang)

    # -- tables ----------------------------------------------------------------------------
    def table(self) -> pd.DataFrame:
        """One row per applicant: eligibility, each stage's status and total, the result."""
        return Explainer(self).table()

    def stage_table(self, stage_id: str) -> pd.DataFrame:
        """One row per applicant at a stage: panel, criterion scores, totals, status."""
        return Explainer(self).stage_table(self.stage_outcome(stage_id))

    def breakdown(self) -> pd.DataFrame:
        """Long table: applicant × stage × criterion, raw scores → trimmed → aggregate."""
        return Explainer(self).breakdown()

    def scores(self) -> pd.DataFrame:
        """The raw scores, each with whether it counted and why not."""
        return Explainer(self).scores()


# -- preparing -------------------------------------------------------------------------------


def _ids(applicants: pd.DataFrame, column: str) -> tuple[str, ...]:
    if column not in applicants.columns:
        raise EvaluationInputError(
            [InputProblem("applicants", f"no column {column!r}", "add the applicant ids")]
        )
    ids = [text_cell(v) for v in applicants[column]]
    problems = []
    seen: dict[str, int] = {}
    for number, value in enumerate(ids, start=2):
        where = f"applicants, row {number}, column {column}"
        if not value:
            problems.append(InputProblem(where, "empty applicant id", "give every row an id"))
        elif value in seen:
            problems.append(
                InputProblem(where, f"{value!r} repeats row {seen[value]}", "make ids unique")
            )
        seen.setdefault(value, number)
    if problems:
        raise EvaluationInputError(problems)
    return tuple(ids)


def _number_column(
    applicants: pd.DataFrame, column: str, problems: list[InputProblem]
) -> FloatArray:
    """A column of points ≥ 0 (empty = 0), every bad cell reported."""
    if column not in applicants.columns:
        problems.append(
            InputProblem("applicants", f"no column {column!r}", "add it (empty cells mean 0)")
        )
        return np.zeros(len(applicants))
    values = np.zeros(len(applicants))
    for index, cell in enumerate(applicants[column]):
        text = text_cell(cell)
        try:
            number = float(text) if text else 0.0
        except ValueError:
            number = -1.0
        if not (np.isfinite(number) and number >= 0):
            problems.append(
                InputProblem(
                    f"applicants, row {index + 2}, column {column}",
                    f"{text!r} is not a number of points >= 0",
                    "write points such as 2 or 0.5, or leave it empty",
                )
            )
            number = 0.0
        values[index] = number
    return values


def _field_keys(
    spec: EvaluationSpec, applicants: pd.DataFrame, problems: list[InputProblem]
) -> tuple[tuple[npt.NDArray[Any], ...], tuple[npt.NDArray[np.object_], ...]]:
    """The tie-break field keys (numbers where every cell is one) and constraint values."""
    keys = []
    for rule in spec.final.tie_breaks:
        if rule.field is None:
            keys.append(np.zeros(0))
            continue
        if rule.field not in applicants.columns:
            problems.append(
                InputProblem("applicants", f"no column {rule.field!r}", "the tie-break needs it")
            )
            keys.append(np.zeros(0))
            continue
        texts = [text_cell(v) for v in applicants[rule.field]]
        numbers = pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce")
        filled = [t for t in texts if t]
        as_numbers = bool(filled) and numbers[[bool(t) for t in texts]].notna().all()
        if as_numbers:
            keys.append(numbers.to_numpy(dtype=np.float64))
        else:
            keys.append(np.array(texts, dtype=object))
    groups = []
    for constraint in spec.final.constraints:
        if constraint.field not in applicants.columns:
            problems.append(
                InputProblem(
                    "applicants", f"no column {constraint.field!r}", "the constraint needs it"
                )
            )
            groups.append(np.array([""] * len(applicants), dtype=object))
            continue
        groups.append(np.array([text_cell(v) for v in applicants[constraint.field]], dtype=object))
    return tuple(keys), tuple(groups)


def _score_frame(scores: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in SCORE_COLUMNS if c not in scores.columns]
    if missing:
        raise EvaluationInputError(
            [
                InputProblem(
                    "scores",
                    f"no column {', '.join(missing)}",
                    "use the long format stage, evaluator_id, applicant_id, criterion, score",
                )
            ]
        )
    frame = pd.DataFrame(
        {column: _id_texts(scores[column]) for column in SCORE_COLUMNS[:4]}
        | {"score": pd.to_numeric(scores["score"], errors="coerce").to_numpy(np.float64)}
    )
    frame["where"] = (
        scores["where"].to_numpy(dtype=object)
        if "where" in scores.columns
        else np.char.add("scores, row ", np.arange(2, len(frame) + 2).astype(str)).astype(object)
    )
    return frame


def _id_texts(column: pd.Series) -> npt.NDArray[np.object_]:
    """A column of ids as clean text, each distinct value cleaned once (ids repeat a lot)."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    cleaned = np.array([text_cell(u) for u in uniques] + [""], dtype=object)
    return cleaned[codes]


def _placement_problem(
    stage: Stage, evaluators: Sequence[Evaluator], record: Sequence[Any], kind: int
) -> InputProblem:
    """Why a score row has no place in the stage's cube: ``kind`` 0 applicant, 1 evaluator,
    2 criterion."""
    applicant, evaluator, criterion, at = record
    if kind == 0:
        return InputProblem(at, f"unknown applicant {applicant!r}", "check the id")
    if kind == 1:
        if any(x.id == evaluator for x in evaluators):
            return InputProblem(
                at,
                f"evaluator {evaluator!r} does not sit on {stage.id}",
                "check the evaluators table (its stages column)",
            )
        return InputProblem(
            at, f"unknown evaluator {evaluator!r}", "add the evaluator to the evaluators table"
        )
    return InputProblem(
        at,
        f"stage {stage.id} has no criterion {criterion!r}",
        f"use one of {', '.join(stage.criterion_ids)}",
    )


def _cube(
    stage: Stage,
    frame: pd.DataFrame,
    ids: Sequence[str],
    evaluators: Sequence[Evaluator],
    recusals: Sequence[Recusal],
    problems: list[InputProblem],
) -> StageCube:
    """The stage's scores placed in an ``(applicants, panel, criteria)`` array, vectorized."""
    panel = [e for e in evaluators if e.sits_on(stage.id)]
    panel_ids = [e.id for e in panel]
    shape = (len(ids), len(panel), len(stage.criteria))
    cube = np.full(shape, np.nan)
    where = np.full(shape, "", dtype=object)
    rows = frame[frame["stage"] == stage.id]
    index = np.stack(
        [
            pd.Index(ids).get_indexer(pd.Index(rows["applicant_id"])),
            pd.Index(panel_ids).get_indexer(pd.Index(rows["evaluator_id"])),
            pd.Index(stage.criterion_ids).get_indexer(pd.Index(rows["criterion"])),
        ]
    )
    records = rows[["applicant_id", "evaluator_id", "criterion", "where"]].to_numpy()
    unplaced = (index < 0).any(axis=0)
    for row in np.flatnonzero(unplaced).tolist():
        kind = int(np.argmax(index[:, row] < 0))
        problems.append(_placement_problem(stage, evaluators, records[row], kind))
    placed = np.flatnonzero(~unplaced)
    flat = np.ravel_multi_index(tuple(index[:, placed]), shape) if placed.size else placed
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    starts = np.ones(order.size, bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    first = placed[order][np.maximum.accumulate(np.where(starts, np.arange(order.size), 0))]
    for row, original in zip(placed[order][~starts].tolist(), first[~starts].tolist(), strict=True):
        problems.append(
            InputProblem(
                records[row][3],
                f"a second score for the same cell (first at {records[original][3]})",
                "keep one score per evaluator, applicant and criterion",
            )
        )
    repeat = np.zeros(placed.size, bool)
    repeat[order[~starts]] = True
    keep = placed[~repeat]
    cube.flat[flat[~repeat]] = rows["score"].to_numpy(dtype=np.float64)[keep]
    where.flat[flat[~repeat]] = records[keep, 3]
    recused = np.zeros(shape[:2], bool)
    applicant_index = {a: i for i, a in enumerate(ids)}
    evaluator_index = {x: i for i, x in enumerate(panel_ids)}
    for recusal in recusals:
        row = applicant_index.get(recusal.applicant_id, -1)
        seat = evaluator_index.get(recusal.evaluator_id, -1)
        if recusal.applies(stage.id) and row >= 0 and seat >= 0:
            recused[row, seat] = True
    return StageCube(
        stage=stage,
        evaluator_ids=tuple(panel_ids),
        external=np.array([x.external for x in panel], dtype=bool),
        scores=cube,
        recused=recused,
        where=where,
    )


def _recusal_problems(
    spec: EvaluationSpec,
    recusals: Sequence[Recusal],
    ids: Collection[str],
    evaluators: Sequence[Evaluator],
) -> list[InputProblem]:
    known = {e.id for e in evaluators}
    problems = []
    for recusal in recusals:
        where = recusal.where or "recusals"
        if recusal.evaluator_id not in known:
            problems.append(
                InputProblem(where, f"unknown evaluator {recusal.evaluator_id!r}", "check the id")
            )
        if recusal.applicant_id not in ids:
            problems.append(
                InputProblem(where, f"unknown applicant {recusal.applicant_id!r}", "check the id")
            )
        if recusal.stage is not None and recusal.stage not in spec.stage_ids:
            problems.append(
                InputProblem(
                    where,
                    f"unknown stage {recusal.stage!r}",
                    f"use one of {', '.join(spec.stage_ids)}, or leave it empty for all",
                )
            )
    return problems


def prepare_evaluation(
    profile: Profile,
    applicants: pd.DataFrame,
    scores: pd.DataFrame,
    evaluators: Sequence[Evaluator],
    recusals: Sequence[Recusal] = (),
    *,
    on: DateLike = None,
    context: Any = None,
) -> Prepared:
    """Check every input and decide eligibility; raise listing every problem at once.

    ``scores`` is the long format (see :func:`selectlib.scoring.read_scores`).
    """
    spec = profile.spec.evaluation
    if spec is None:
        raise ScoringError("profile", [f"{profile.id} has no evaluation section"])
    date = as_date(on)
    applicants = applicants.reset_index(drop=True)
    ids = _ids(applicants, profile.spec.identifier or "applicant_id")
    problems: list[InputProblem] = []
    if not evaluators:
        problems.append(InputProblem("evaluators", "no evaluators", "list the committee"))
    adjustments = {}
    for stage in spec.stages:
        bonus = _number_column(applicants, stage.bonus.field, problems) if stage.bonus else None
        penalty = (
            _number_column(applicants, stage.penalty.field, problems) if stage.penalty else None
        )
        zeros = np.zeros(len(ids))
        adjustments[stage.id] = (
            zeros if bonus is None else bonus,
            zeros if penalty is None else penalty,
        )
    tie_keys, groups = _field_keys(spec, applicants, problems)
    problems += _recusal_problems(spec, recusals, set(ids), evaluators)
    frame = _score_frame(scores)
    unknown = sorted(set(frame["stage"].unique()) - set(spec.stage_ids))
    for name in unknown:
        first = frame.loc[frame["stage"] == name, "where"].iloc[0]
        problems.append(
            InputProblem(first, f"unknown stage {name!r}", f"use {', '.join(spec.stage_ids)}")
        )
    for stage in spec.stages:
        if evaluators and not any(e.sits_on(stage.id) for e in evaluators):
            problems.append(
                InputProblem(
                    "evaluators",
                    f"nobody sits on stage {stage.id}",
                    "add the stage to someone's stages column, or leave the column empty",
                )
            )
    cubes = tuple(_cube(stage, frame, ids, evaluators, recusals, problems) for stage in spec.stages)
    if problems:
        raise EvaluationInputError(problems)
    eligibility = profile.evaluate_many(applicants, on=date, context=context)
    return Prepared(
        profile=profile,
        spec=spec,
        on=date,
        applicants=applicants,
        ids=ids,
        eligibility=eligibility,
        cubes=cubes,
        evaluators=tuple(evaluators),
        recusals=tuple(recusals),
        adjustments=adjustments,
        tie_keys=tie_keys,
        groups=groups,
        notes=(),
    )


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
    for a, c in np.argwhere(count >= 3).tolist():
        result[a, c] = (int(high[a, c]), int(low[a, c]))
    return result


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
    share = np.divide(external_members, panel_size, out=np.zeros(count), where=panel_size > 0)
    quorate = (
        candidates
        & (panel_size >= max(stage.panel.min_size, 1))
        & (share >= stage.panel.min_external_share - 1e-9)
    )
    scores = np.where(active[:, :, None] & quorate[:, None, None], cube.scores, np.nan)
    blank = np.isnan(scores) & active[:, :, None] & quorate[:, None, None]
    if blank.any():
        problems = []
        for a, e, c in np.argwhere(blank).tolist():
            where = cube.where[a, e, c] or "scores"
            problems.append(
                InputProblem(
                    where,
                    f"no {stage.id} score from {cube.evaluator_ids[e]} for {prepared.ids[a]} "
                    f"on {stage.criteria[c].id}",
                    "fill the score, or record a recusal if the evaluator did not score",
                )
            )
        raise EvaluationInputError(problems)
    aggregate = AGGREGATES[stage.panel.aggregate](scores)
    values = np.where(quorate[:, None], aggregate.values, np.nan)
    bonus, penalty = prepared.adjustments[stage.id]
    rows = np.flatnonzero(quorate)
    result = score_stage(stage.rules(), values[rows], bonus=bonus[rows], penalty=penalty[rows])
    raw_totals = np.full(count, np.nan)
    totals = np.full(count, np.nan)
    raw_totals[rows] = result.raw_totals
    totals[rows] = result.totals
    capped = (
        bonus
        if stage.bonus is None or stage.bonus.cap is None
        else np.minimum(bonus, stage.bonus.cap)
    )
    failed_floor = np.full(count, -1, np.int64)
    failed_floor[rows] = result.failed_floor
    below_mark = np.zeros(count, bool)
    below_mark[rows] = result.below_pass_mark
    passed = np.zeros(count, bool)
    passed[rows] = result.passed
    ranking = rank(np.where(passed, totals, 0.0), eligible=passed)
    cut = None
    go_on = passed
    if stage.advance is not None and not last:
        cut = stage.advance.size(prepared.spec.final.slots)
        go_on = top(ranking, cut, stage.advance.at_line)
    status = absent.copy()
    status[candidates] = "no_quorum"
    status[quorate & below_mark] = "failed_pass_mark"
    status[failed_floor >= 0] = "failed_floor"
    status[passed] = "passed" if last else "not_in_top"
    status[go_on & ~np.full(count, last)] = "advanced"
    return StageOutcome(
        stage=stage,
        candidates=candidates,
        status=status,
        panel_size=panel_size,
        external_members=external_members.astype(np.int64),
        values=values,
        dropped=_dropped(scores, stage.panel.aggregate),
        raw_totals=raw_totals,
        bonus=np.where(quorate, capped, np.nan),
        penalty=np.where(quorate, penalty, np.nan),
        totals=totals,
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
            key: npt.NDArray[Any] = by_id[rule.stage].totals
        elif rule.criterion is not None:
            stage_id, _, criterion_id = rule.criterion.partition(".")
            outcome = by_id[stage_id]
            key = outcome.values[:, outcome.stage.criterion_ids.index(criterion_id)]
        else:
            key = field_key
            missing = finalists & (pd.isna(key) if key.dtype.kind == "f" else (key == ""))
            if missing.any():
                raise EvaluationInputError(
                    [
                        InputProblem(
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
    results = np.where(outcome == "eligible", "eliminated", outcome).astype(object)
    for stage in outcomes:
        results[stage.status == "no_quorum"] = "no_quorum"
    results[finalists] = "not_selected"
    results[selection.reserve] = "reserve"
    results[selection.displaced] = "displaced"
    results[selection.unresolved] = "unresolved"
    results[selection.selected] = "selected"
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
        absent = np.where(eligibility == "eligible", "not_reached", eligibility)
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
    final_scores = np.full(len(prepared.ids), np.nan)
    if finalists.any():
        totals = [by_id[stage_id].totals[finalists] for stage_id, _ in weights]
        final_scores[finalists] = weighted_total(totals, [w for _, w in weights])
    ranking = rank(
        np.where(finalists, final_scores, 0.0),
        _tie_breaks(prepared, outcomes, finalists),
        eligible=finalists,
    )
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
        final_scores=final_scores,
        ranking=ranking,
        selection=selection,
        results=_results(prepared, outcomes, finalists, selection),
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
    """:func:`prepare_evaluation` then :func:`run_evaluation`: the whole selection."""
    prepared = prepare_evaluation(
        profile, applicants, scores, evaluators, recusals, on=on, context=context
    )
    return run_evaluation(prepared)
