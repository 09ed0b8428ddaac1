"""Tables and plain-language explanations of an evaluation result, in Korean and English.

Every sentence is built from the numbers of the result, so the text and the tables never
disagree: the rank, the margin to the selection line, the rule that decided a tie, the
stage and criterion where an applicant fell behind, the constraint that displaced it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from selectlib.profile.evaluation import Stage
from selectlib.scoring.inputs import RECUSAL_KINDS

if TYPE_CHECKING:
    from selectlib.scoring.pipeline import EvaluationResult, StageOutcome

__all__ = ["RESULT_LABELS", "STATUS_LABELS", "Explainer"]

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


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "ko" else pair[1]


def _points(value: float) -> str:
    return f"{value:.2f}"


def _shown_key(key: object) -> str:
    return f"{key:g}" if isinstance(key, float) else str(key)


def _below(value: float, limit: float) -> str:
    """``value``, which is below ``limit``, shown so that it reads below it: 2.699 against a
    floor of 2.7 is "2.699", not "2.70"."""
    for places in range(2, 7):
        shown = f"{value:.{places}f}"
        if float(shown) < limit:
            return shown
    return repr(value)


def _apart(mine: float, theirs: float) -> tuple[str, str]:
    """Two different values shown with enough decimals to tell them apart (2 to 6):
    24.333 and 24.3334 are not both "24.33" in a text that says one is lower."""
    for places in range(2, 7):
        shown = f"{mine:.{places}f}", f"{theirs:.{places}f}"
        if shown[0] != shown[1] or mine == theirs:
            return shown
    return f"{mine!r}", f"{theirs!r}"


class Explainer:
    """Builds the tables and texts of one :class:`~selectlib.scoring.EvaluationResult`."""

    def __init__(self, result: EvaluationResult) -> None:
        self.result = result
        self.prepared = result.prepared
        applicants = self.prepared.applicants
        self.names = (
            [str(v) if pd.notna(v) else "" for v in applicants["applicant_name"]]
            if "applicant_name" in applicants.columns
            else [""] * len(self.prepared.ids)
        )

    # -- shared numbers ----------------------------------------------------------------------
    def who(self, row: int) -> str:
        """An applicant's id and name, e.g. ``A05 (부산산업진흥재단)``."""
        name = self.names[row]
        return f"{self.prepared.ids[row]} ({name})" if name else self.prepared.ids[row]

    def named(self, row: int) -> str:
        """An applicant's id and name without brackets, e.g. ``A05 부산산업진흥재단``."""
        name = self.names[row]
        return f"{self.prepared.ids[row]} {name}" if name else self.prepared.ids[row]

    def line(self) -> float | None:
        """The final score of the last selected applicant (the selection line)."""
        selected = self.result.selection.selected
        return float(self.result.final_scores[selected].min()) if selected.any() else None

    def _best_left_out(self) -> int | None:
        """The row of the best finalist left out on its score (not displaced)."""
        selection = self.result.selection
        out = np.flatnonzero(self.result.finalists & ~selection.selected & ~selection.displaced)
        if out.size == 0:
            return None
        return int(out[np.argmax(self.result.exact_final.numerators[out])])

    def best_not_selected(self) -> float | None:
        """The best final score among finalists left out on their score (not displaced)."""
        best = self._best_left_out()
        return None if best is None else float(self.result.final_scores[best])

    def margin(self, row: int) -> float | None:
        """Points above the best applicant left out (selected) or behind the line (others),
        from the exact scores (0 means equal, not nearly equal)."""
        result = self.result
        if not result.finalists[row]:
            return None
        final = result.exact_final
        if result.selection.selected[row]:
            other = self._best_left_out()
        else:
            chosen = np.flatnonzero(result.selection.selected)
            other = int(chosen[np.argmin(final.numerators[chosen])]) if chosen.size else None
        if other is None:
            return None
        return float((final.numerators[row] - final.numerators[other]) / final.denominator)

    def rule_label(self, index: int, lang: str) -> str:
        """The label of ranking rule ``index`` (0 = the final score)."""
        if index == 0:
            return "최종 점수" if lang == "ko" else "final score"
        rule = self.result.spec.final.tie_breaks[index - 1]
        return rule.label.get(lang) if rule.label else rule.name

    # -- texts -----------------------------------------------------------------------------
    def _stage_failure(self, outcome: StageOutcome, row: int, lang: str) -> str:
        stage = outcome.stage
        name = stage.label.get(lang)
        status = outcome.status[row]
        if status == "failed_floor":
            criterion = stage.criteria[int(outcome.failed_floor[row])]
            value = outcome.values[row, int(outcome.failed_floor[row])]
            floor = float(criterion.floor or 0)
            shown = _below(value, floor)
            if lang == "ko":
                return (
                    f"{name} 과락: '{criterion.ko}' {shown}점이 최저 기준 {floor:g}점에 "
                    "미달했습니다."
                )
            return f"{name}: below the floor on '{criterion.en}' ({shown} < {floor:g})."
        if status == "failed_pass_mark":
            mark = float(stage.pass_mark or 0)
            total = _below(outcome.totals[row], mark)
            if lang == "ko":
                return f"{name} 점수 {total}점이 기준점수 {mark:g}점에 미달했습니다."
            return f"{name}: {total} points, below the pass mark of {mark:g}."
        if status == "not_in_top":
            place = int(outcome.ranking.ranks[row])
            if outcome.cut is not None and place <= outcome.cut:  # tied across the line
                if lang == "ko":
                    return (
                        f"{name} {place}위 동점: 상위 {outcome.cut}개 기관의 경계에서 동점이며, "
                        "규칙에 따라 경계의 동점자는 모두 제외됩니다."
                    )
                return (
                    f"{name}: tied at rank {place} across the line of the top {outcome.cut}; "
                    "the rule leaves every applicant tied at the line out."
                )
            if lang == "ko":
                return (
                    f"{name} {place}위: 상위 {outcome.cut}개 기관만 다음 단계에 진출합니다 "
                    f"({_points(outcome.totals[row])}점)."
                )
            return (
                f"{name}: rank {place}; only the top {outcome.cut} go on "
                f"({_points(outcome.totals[row])} points)."
            )
        if status == "no_quorum":
            panel = stage.panel
            size = int(outcome.panel_size[row])
            external = int(outcome.external_members[row])
            if lang == "ko":
                return (
                    f"{name} 평가위원 정족수 미달: 평가위원 {size}명(외부 {external}명), "
                    f"최소 {panel.min_size}명·외부위원 {panel.min_external_share:.0%} 이상 필요. "
                    "위원회를 다시 구성해 평가해야 합니다."
                )
            return (
                f"{name}: no quorum: {size} evaluators ({external} external); at least "
                f"{panel.min_size} and {panel.min_external_share:.0%} external are needed. "
                "The stage must be held again with a full panel."
            )
        return ""

    def _path(self, row: int, lang: str) -> str:
        steps = []
        for outcome in self.result.stages:
            if not outcome.candidates[row]:
                break
            label = _pick(STATUS_LABELS[str(outcome.status[row])], lang)
            total = outcome.totals[row]
            shown = f" {_points(total)}" if np.isfinite(total) else ""
            steps.append(f"{outcome.stage.label.get(lang)}{shown} ({label})")
        return " → ".join(steps)

    def _final_text(self, row: int, lang: str) -> str:
        result = self.result
        kind = str(result.results[row])
        place = int(result.ranking.ranks[row])
        score = _points(result.final_scores[row])
        margin = self.margin(row)
        gap = "" if margin is None else _points(abs(margin))
        line = self.line()
        ko = lang == "ko"
        if kind == "selected":
            text = (
                f"최종 {place}위로 선정되었습니다 (최종 점수 {score}점"
                + (f", 선정되지 않은 최고 점수보다 {gap}점 높음)." if gap else ").")
                if ko
                else f"Selected at rank {place} (final score {score}"
                + (f", {gap} points above the best applicant not selected)." if gap else ").")
            )
            if margin is not None and margin == 0:
                text = (
                    f"최종 {place}위로 선정되었습니다 (최종 점수 {score}점, 선정되지 않은 "
                    "기관과 동점이며 순위 규칙으로 앞섰습니다)."
                    if ko
                    else f"Selected at rank {place} (final score {score}, equal to the best "
                    "applicant not selected; ahead by the tie-break rules)."
                )
        elif kind == "reserve":
            number = int(result.selection.reserve_ranks[row])
            text = (
                f"예비 {number}순위입니다 (최종 {place}위, {score}점"
                + (f", 선정선보다 {gap}점 낮음)." if gap else ").")
                if ko
                else f"Reserve no. {number} (rank {place}, {score} points"
                + (f", {gap} below the line)." if gap else ").")
            )
            sharing = np.flatnonzero(result.selection.reserve_ranks == number)
            others = ", ".join(self.who(int(r)) for r in sharing if r != row)
            if others:
                text += (
                    f" 순위 규칙을 모두 적용해도 {others}와(과) 동점이어서 예비 {number}순위를 "
                    "함께 받습니다."
                    if ko
                    else f" Tied with {others} after every tie-break rule: they share reserve "
                    f"no. {number}."
                )
        elif kind == "displaced":
            index = int(result.selection.constraint[row])
            constraint = result.spec.final.constraints[index]
            label = constraint.label.get(lang) if constraint.label else constraint.field
            value = self.prepared.groups[index][row]
            holders = ", ".join(self.who(r) for r in result.selection.holders.get(row, ()))
            text = (
                f"최종 {place}위({score}점)였으나 '{label}' 제한으로 선정되지 않았습니다: "
                f"{value}에서 이미 {holders}이(가) 선정되었습니다."
                if ko
                else f"Rank {place} ({score} points) but not selected because of '{label}': "
                f"{holders} already hold the seats for {value}."
            )
            text += (
                " 제한으로 제외된 기관은 예비 순위에 오르지 않습니다."
                if ko
                else " An applicant displaced by a constraint is not put on the reserve list."
            )
        elif kind == "unresolved":
            open_slots = result.selection.open_slots
            text = (
                f"최종 {place}위 동점: 순위 규칙을 모두 적용해도 동점이어서 "
                f"남은 {open_slots}자리는 위원회가 결정해야 합니다."
                if ko
                else f"Tied at rank {place} after every tie-break rule: the committee must "
                f"decide the {open_slots} remaining seat(s)."
            )
            if int(result.selection.unresolved.sum()) <= open_slots:  # seats enough: a limit
                text += (
                    " 자리는 남지만 모두 선정하면 선정 제한을 넘습니다."
                    if ko
                    else " There are seats enough, but seating all of them would break a "
                    "balance constraint."
                )
        else:
            if line is None:
                text = (
                    f"최종 {place}위로 선정되지 않았습니다 (최종 점수 {score}점)."
                    if ko
                    else f"Not selected: rank {place}, final score {score}."
                )
            else:
                text = (
                    f"최종 {place}위로 선정되지 않았습니다 (최종 점수 {score}점, "
                    f"선정선 {_points(line)}점보다 {gap}점 낮음)."
                    if ko
                    else f"Not selected: rank {place}, final score {score}, {gap} points below "
                    f"the line ({_points(line)})."
                )
        decided = int(result.ranking.decided_by[row])
        if decided > 0:
            rule = self.rule_label(decided, lang)
            text += (
                f" 바로 위 기관과 최종 점수가 같아 '{rule}' 규칙으로 순위가 정해졌습니다."
                if ko
                else f" Its final score equals the one above it; '{rule}' decided the order."
            )
        return text

    def reason(self, row: int, lang: str) -> str:
        """One paragraph: the result and why, for one applicant."""
        kind = str(self.result.results[row])
        if kind in ("ineligible", "incomplete", "invalid"):
            column = "reasons_ko" if lang == "ko" else "reasons_en"
            detail = str(self.prepared.eligibility[column].iloc[row] or "")
            if kind == "invalid":
                detail = str(self.prepared.eligibility["problems"].iloc[row] or detail)
            head = _pick(RESULT_LABELS[kind], lang)
            return f"{head}: {detail}" if detail else head
        if kind in ("eliminated", "no_quorum"):
            for outcome in self.result.stages:
                if outcome.candidates[row] and not outcome.go_on[row]:
                    return self._stage_failure(outcome, row, lang)
        return self._final_text(row, lang)

    def explain(self, row: int, lang: str) -> str:
        """A short report for one applicant: who, result, why, and its path through stages."""
        kind = _pick(RESULT_LABELS[str(self.result.results[row])], lang)
        lines = [f"{self.who(row)}: {kind}", self.reason(row, lang)]
        path = self._path(row, lang)
        if path:
            lines.append(("경과: " if lang == "ko" else "Stages: ") + path)
        return "\n".join(lines)

    def _just_above(self, row: int) -> int | None:
        ranks = self.result.ranking.ranks
        above = np.flatnonzero(self.result.finalists & (ranks < ranks[row]) & (ranks > 0))
        if above.size == 0:
            return None
        return int(above[np.argmax(ranks[above])])

    def _score_gap(self, row: int, other: int, lang: str) -> list[str]:
        result = self.result
        weights = result.spec.final_weights()
        total = sum(w for _, w in weights)
        parts = []
        worst: tuple[float, Stage, int] | None = None
        for stage_id, weight in weights:
            outcome = result.stage_outcome(stage_id)
            share = weight / total
            diff = share * (outcome.totals[row] - outcome.totals[other])
            parts.append(f"{outcome.stage.label.get(lang)} {diff:+.2f}")
            for column in range(len(outcome.stage.criteria)):
                gap = share * (outcome.values[row, column] - outcome.values[other, column])
                if worst is None or gap < worst[0]:
                    worst = (gap, outcome.stage, column)
        difference = result.final_scores[row] - result.final_scores[other]
        ko = lang == "ko"
        lines = [
            (
                f"최종 점수가 {_points(abs(difference))}점 낮습니다. 단계별 차이(가중치 반영): "
                if ko
                else f"Its final score is {_points(abs(difference))} points lower. "
                "By stage (weighted): "
            )
            + ", ".join(parts)
            + "."
        ]
        if worst is not None and worst[0] < 0:
            gap, stage, column = worst
            criterion = stage.criteria[column]
            lines.append(
                f"가장 크게 뒤진 항목: {stage.label.ko} '{criterion.ko}' "
                f"({gap:+.2f}점, 가중치 반영)."
                if ko
                else f"Largest gap: {stage.label.en} '{criterion.en}' ({gap:+.2f}, weighted)."
            )
        return lines

    def _tie_text(self, row: int, other: int, lang: str) -> str:
        result = self.result
        keys = result.prepared.spec.final.tie_breaks
        chain = [(self.rule_label(i + 1, lang), rule) for i, rule in enumerate(keys)]
        for index, (label, rule) in enumerate(chain):
            key = np.asarray(result.tie_breaks[index].key)
            if key[row] == key[other]:  # exact keys: equal values are equal
                continue
            mine, theirs = self._tie_values(index, row, other)
            return (
                f"최종 점수가 같아({_points(result.final_scores[row])}점) 순위 규칙 "
                f"'{label}'로 정해졌습니다: {mine} 대 {theirs}."
                if lang == "ko"
                else f"The final scores are equal ({_points(result.final_scores[row])}); "
                f"the rule '{label}' decided: {mine} against {theirs}"
                f" ({'higher' if rule.order == 'higher' else 'lower'} wins)."
            )
        return (
            "최종 점수와 모든 순위 규칙의 값이 같아 동점입니다."
            if lang == "ko"
            else "The final scores and every tie-break value are equal: a tie."
        )

    def _tie_values(self, index: int, row: int, other: int) -> tuple[str, str]:
        """Rule ``index``'s values for two rows, as shown (apart when they differ)."""
        rule = self.result.spec.final.tie_breaks[index]
        if rule.field is not None:
            keys = self.prepared.tie_keys[index]
            return _shown_key(keys[row]), _shown_key(keys[other])
        if rule.stage is not None:
            values = self.result.stage_outcome(rule.stage).totals
        else:
            stage_id, _, criterion_id = str(rule.criterion).partition(".")
            outcome = self.result.stage_outcome(stage_id)
            values = outcome.values[:, outcome.stage.criterion_ids.index(criterion_id)]
        return _apart(float(values[row]), float(values[other]))

    def why_not(self, row: int, other: int | None, lang: str) -> str:
        """Why ``row`` is below ``other`` (default: the finalist just above it)."""
        result = self.result
        ko = lang == "ko"
        if not result.finalists[row]:
            return self.explain(row, lang)
        other = self._just_above(row) if other is None else other
        if other is None:
            return (
                f"{self.who(row)}은(는) 최종 1위입니다."
                if ko
                else f"{self.who(row)} is ranked first."
            )
        if not result.finalists[other]:
            return self.explain(other, lang)
        mine, theirs = int(result.ranking.ranks[row]), int(result.ranking.ranks[other])
        me, them = self.named(row), self.named(other)
        head = (
            f"{me} ({mine}위, {_points(result.final_scores[row])}점)이(가) "
            f"{them} ({theirs}위, {_points(result.final_scores[other])}점)보다 뒤인 이유:"
            if ko
            else f"Why {me} (rank {mine}, {_points(result.final_scores[row])}) "
            f"and not {them} (rank {theirs}, {_points(result.final_scores[other])}):"
        )
        lines = [head]
        if mine < theirs:
            lines = [
                f"{self.who(row)}이(가) 더 높은 순위입니다 ({mine}위 대 {theirs}위)."
                if ko
                else f"{self.who(row)} ranks higher ({mine} against {theirs})."
            ]
            return "\n".join(lines)
        if result.exact_final.numerators[row] < result.exact_final.numerators[other]:
            lines += self._score_gap(row, other, lang)
        else:
            lines.append(self._tie_text(row, other, lang))
        if str(result.results[row]) in ("displaced", "unresolved"):
            lines.append(self.reason(row, lang))
        return "\n".join(lines)

    # -- tables ----------------------------------------------------------------------------
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
            data[f"{outcome.stage.id}.total"] = outcome.totals.round(4)
        ranks = result.ranking.ranks
        data["final_score"] = result.final_scores.round(4)
        data["rank"] = pd.array(np.where(ranks > 0, ranks, 0), dtype="Int64")
        data["rank"][ranks == 0] = pd.NA
        names = result.ranking.rule_names()
        data["decided_by"] = [None if n is None or n == "score" else n for n in names]
        data["result"] = result.results.tolist()
        reserve = result.selection.reserve_ranks
        data["reserve_rank"] = pd.array(np.where(reserve > 0, reserve, 0), dtype="Int64")
        data["reserve_rank"][reserve == 0] = pd.NA
        data["margin"] = [
            None if (m := self.margin(r)) is None else round(m, 4) for r in range(len(ranks))
        ]
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
            data[criterion.id] = outcome.values[:, column].round(4)
        data["raw_total"] = outcome.raw_totals.round(4)
        data["bonus"] = outcome.bonus
        data["penalty"] = outcome.penalty
        data["total"] = outcome.totals.round(4)
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
                            "aggregate": round(float(outcome.values[row, column]), 4),
                            "stage_raw_total": round(float(outcome.raw_totals[row]), 4),
                            "bonus": float(outcome.bonus[row]),
                            "penalty": float(outcome.penalty[row]),
                            "stage_total": round(float(outcome.totals[row]), 4),
                            "weight": weights.get(stage.id, 0.0) / total_weight,
                            "final_score": (
                                round(float(result.final_scores[row]), 4)
                                if result.finalists[row]
                                else None
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
