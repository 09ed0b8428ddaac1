"""Plain-language explanations of an evaluation result, in Korean and English: why each
applicant got its result.

Every sentence is built from the numbers of the result, so the text and the tables never
disagree: the rank, the margin to the selection line, the rule that decided a tie, the
stage where an applicant fell out, the constraint that displaced it. :mod:`.whynot`
compares two applicants; :mod:`.tables` lays the same numbers out as tables.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from selectlib.scoring.display import Number, percent, shown
from selectlib.scoring.result import (
    RESULT_LABELS,
    STATUS_LABELS,
    EvaluationResult,
    StageOutcome,
    pick,
)

__all__ = ["Explainer", "apart", "below", "points", "shown_key"]


def points(value: Number) -> str:
    """Points as shown in a text: two decimals, half up (:func:`.display.shown`)."""
    return shown(value)


def shown_key(key: object) -> str:
    """A tie-break field's value as shown: numbers without a needless ``.0``."""
    return f"{key:g}" if isinstance(key, float) else str(key)


def below(value: float, limit: float) -> str:
    """``value``, which is below ``limit``, shown so that it reads below it: 2.699 against a
    floor of 2.7 is "2.699", not "2.70"."""
    for places in range(2, 7):
        text = shown(value, places)
        if float(text) < limit:
            return text
    return repr(value)


def apart(mine: float, theirs: float) -> tuple[str, str]:
    """Two different values shown with enough decimals to tell them apart (2 to 6):
    24.333 and 24.3334 are not both "24.33" in a text that says one is lower."""
    for places in range(2, 7):
        pair = shown(mine, places), shown(theirs, places)
        if pair[0] != pair[1] or mine == theirs:
            return pair
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
            shown = below(value, floor)
            if lang == "ko":
                return (
                    f"{name} 과락: '{criterion.ko}' {shown}점이 최저 기준 {floor:g}점에 "
                    "미달했습니다."
                )
            return f"{name}: below the floor on '{criterion.en}' ({shown} < {floor:g})."
        if status == "failed_pass_mark":
            mark = float(stage.pass_mark or 0)
            total = below(outcome.totals[row], mark)
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
                    f"({points(outcome.totals[row])}점)."
                )
            return (
                f"{name}: rank {place}; only the top {outcome.cut} go on "
                f"({points(outcome.totals[row])} points)."
            )
        if status == "no_quorum":
            panel = stage.panel
            size = int(outcome.panel_size[row])
            external = int(outcome.external_members[row])
            share = percent(panel.min_external_share)
            if lang == "ko":
                return (
                    f"{name} 평가위원 정족수 미달: 평가위원 {size}명(외부 {external}명), "
                    f"최소 {panel.min_size}명·외부위원 {share} 이상 필요. "
                    "위원회를 다시 구성해 평가해야 합니다."
                )
            return (
                f"{name}: no quorum: {size} evaluators ({external} external); at least "
                f"{panel.min_size} and {share} external are needed. "
                "The stage must be held again with a full panel."
            )
        return ""

    def _path(self, row: int, lang: str) -> str:
        steps = []
        for outcome in self.result.stages:
            if not outcome.candidates[row]:
                break
            label = pick(STATUS_LABELS[str(outcome.status[row])], lang)
            total = outcome.totals[row]
            shown = f" {points(total)}" if np.isfinite(total) else ""
            steps.append(f"{outcome.stage.label.get(lang)}{shown} ({label})")
        return " → ".join(steps)

    def _standing(self, row: int) -> tuple[int, str, str]:
        """A finalist's rank, final score as shown, and margin to the line as shown."""
        margin = self.margin(row)
        gap = "" if margin is None else points(abs(margin))
        return int(self.result.ranking.ranks[row]), points(self.result.final_scores[row]), gap

    def _selected_text(self, row: int, ko: bool) -> str:
        place, score, gap = self._standing(row)
        if self.margin(row) == 0:
            return (
                f"최종 {place}위로 선정되었습니다 (최종 점수 {score}점, 선정되지 않은 "
                "기관과 동점이며 순위 규칙으로 앞섰습니다)."
                if ko
                else f"Selected at rank {place} (final score {score}, equal to the best "
                "applicant not selected; ahead by the tie-break rules)."
            )
        return (
            f"최종 {place}위로 선정되었습니다 (최종 점수 {score}점"
            + (f", 선정되지 않은 최고 점수보다 {gap}점 높음)." if gap else ").")
            if ko
            else f"Selected at rank {place} (final score {score}"
            + (f", {gap} points above the best applicant not selected)." if gap else ").")
        )

    def _reserve_text(self, row: int, ko: bool) -> str:
        place, score, gap = self._standing(row)
        number = int(self.result.selection.reserve_ranks[row])
        text = (
            f"예비 {number}순위입니다 (최종 {place}위, {score}점"
            + (f", 선정선보다 {gap}점 낮음)." if gap else ").")
            if ko
            else f"Reserve no. {number} (rank {place}, {score} points"
            + (f", {gap} below the line)." if gap else ").")
        )
        sharing = np.flatnonzero(self.result.selection.reserve_ranks == number)
        others = ", ".join(self.who(int(r)) for r in sharing if r != row)
        if others:
            text += (
                f" 순위 규칙을 모두 적용해도 {others}와(과) 동점이어서 예비 {number}순위를 "
                "함께 받습니다."
                if ko
                else f" Tied with {others} after every tie-break rule: they share reserve "
                f"no. {number}."
            )
        return text

    def _displaced_text(self, row: int, ko: bool) -> str:
        place, score, _ = self._standing(row)
        selection = self.result.selection
        index = int(selection.constraint[row])
        constraint = self.result.spec.final.constraints[index]
        label = constraint.label.get("ko" if ko else "en") if constraint.label else constraint.field
        value = self.prepared.groups[index][row]
        holders = ", ".join(self.who(r) for r in selection.holders.get(row, ()))
        return (
            f"최종 {place}위({score}점)였으나 '{label}' 제한으로 선정되지 않았습니다: "
            f"{value}에서 이미 {holders}이(가) 선정되었습니다. "
            "제한으로 제외된 기관은 예비 순위에 오르지 않습니다."
            if ko
            else f"Rank {place} ({score} points) but not selected because of '{label}': "
            f"{holders} already hold the seats for {value}. "
            "An applicant displaced by a constraint is not put on the reserve list."
        )

    def _unresolved_text(self, row: int, ko: bool) -> str:
        place = int(self.result.ranking.ranks[row])
        open_slots = self.result.selection.open_slots
        text = (
            f"최종 {place}위 동점: 순위 규칙을 모두 적용해도 동점이어서 "
            f"남은 {open_slots}자리는 위원회가 결정해야 합니다."
            if ko
            else f"Tied at rank {place} after every tie-break rule: the committee must "
            f"decide the {open_slots} remaining seat(s)."
        )
        if int(self.result.selection.unresolved.sum()) <= open_slots:  # seats enough: a limit
            text += (
                " 자리는 남지만 모두 선정하면 선정 제한을 넘습니다."
                if ko
                else " There are seats enough, but seating all of them would break a "
                "balance constraint."
            )
        return text

    def _not_selected_text(self, row: int, ko: bool) -> str:
        place, score, gap = self._standing(row)
        line = self.line()
        if line is None:
            return (
                f"최종 {place}위로 선정되지 않았습니다 (최종 점수 {score}점)."
                if ko
                else f"Not selected: rank {place}, final score {score}."
            )
        return (
            f"최종 {place}위로 선정되지 않았습니다 (최종 점수 {score}점, "
            f"선정선 {points(line)}점보다 {gap}점 낮음)."
            if ko
            else f"Not selected: rank {place}, final score {score}, {gap} points below "
            f"the line ({points(line)})."
        )

    _FINAL_TEXTS: Final = {
        "selected": _selected_text,
        "reserve": _reserve_text,
        "displaced": _displaced_text,
        "unresolved": _unresolved_text,
        "not_selected": _not_selected_text,
    }
    """The text of each final result, by result."""

    def _final_text(self, row: int, lang: str) -> str:
        ko = lang == "ko"
        text = self._FINAL_TEXTS[str(self.result.results[row])](self, row, ko)
        decided = int(self.result.ranking.decided_by[row])
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
            head = pick(RESULT_LABELS[kind], lang)
            return f"{head}: {detail}" if detail else head
        if kind in ("eliminated", "no_quorum"):
            for outcome in self.result.stages:
                if outcome.candidates[row] and not outcome.go_on[row]:
                    return self._stage_failure(outcome, row, lang)
        return self._final_text(row, lang)

    def explain(self, row: int, lang: str) -> str:
        """A short report for one applicant: who, result, why, and its path through stages."""
        kind = pick(RESULT_LABELS[str(self.result.results[row])], lang)
        lines = [f"{self.who(row)}: {kind}", self.reason(row, lang)]
        path = self._path(row, lang)
        if path:
            lines.append(("경과: " if lang == "ko" else "Stages: ") + path)
        return "\n".join(lines)
