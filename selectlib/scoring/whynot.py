"""Why one finalist ranks below another: the score gap by stage and criterion, or the
tie-break rule that decided, compared on the exact keys."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from selectlib.decimals import fraction
from selectlib.profile.evaluation import Stage
from selectlib.scoring.display import signed
from selectlib.scoring.exact import Exact
from selectlib.scoring.explain import Explainer, apart, points, shown_key

__all__ = ["WhyNot"]


def _gap(values: Exact, mine: tuple[int, ...], theirs: tuple[int, ...]) -> Fraction:
    """``values[mine] - values[theirs]``, exactly."""
    top = values.numerators[mine] - values.numerators[theirs]
    return Fraction(int(top), values.denominator)


class WhyNot(Explainer):
    """The texts of :class:`~selectlib.scoring.explain.Explainer` and "why not"."""

    def _just_above(self, row: int) -> int | None:
        ranks = self.result.ranking.ranks
        above = np.flatnonzero(self.result.finalists & (ranks < ranks[row]) & (ranks > 0))
        if above.size == 0:
            return None
        return int(above[np.argmax(ranks[above])])

    def _score_gap(self, row: int, other: int, lang: str) -> list[str]:
        """The gap by stage and the largest by criterion, all from the exact values (a
        float difference can land on the other side of a half and round otherwise than
        the margin it explains)."""
        result = self.result
        weights = [(stage_id, fraction(w)) for stage_id, w in result.spec.final_weights()]
        total = sum(w for _, w in weights)
        parts = []
        worst: tuple[Fraction, Stage, int] | None = None
        for stage_id, weight in weights:
            outcome = result.stage_outcome(stage_id)
            share = weight / total
            diff = share * _gap(outcome.exact_totals, (row,), (other,))
            parts.append(f"{outcome.stage.label.get(lang)} {signed(diff)}")
            for column in range(len(outcome.stage.criteria)):
                values = outcome.exact_values
                gap = share * _gap(values, (row, column), (other, column))
                if worst is None or gap < worst[0]:
                    worst = (gap, outcome.stage, column)
        difference = _gap(result.exact_final, (row,), (other,))
        ko = lang == "ko"
        lines = [
            (
                f"최종 점수가 {points(abs(difference))}점 낮습니다. 단계별 차이(가중치 반영): "
                if ko
                else f"Its final score is {points(abs(difference))} points lower. "
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
                f"({signed(gap)}점, 가중치 반영)."
                if ko
                else f"Largest gap: {stage.label.en} '{criterion.en}' ({signed(gap)}, weighted)."
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
                f"최종 점수가 같아({points(result.final_scores[row])}점) 순위 규칙 "
                f"'{label}'로 정해졌습니다: {mine} 대 {theirs}."
                if lang == "ko"
                else f"The final scores are equal ({points(result.final_scores[row])}); "
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
            return shown_key(keys[row]), shown_key(keys[other])
        if rule.stage is not None:
            values = self.result.stage_outcome(rule.stage).totals
        else:
            stage_id, _, criterion_id = str(rule.criterion).partition(".")
            outcome = self.result.stage_outcome(stage_id)
            values = outcome.values[:, outcome.stage.criterion_ids.index(criterion_id)]
        return apart(float(values[row]), float(values[other]))

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
            f"{me} ({mine}위, {points(result.final_scores[row])}점)이(가) "
            f"{them} ({theirs}위, {points(result.final_scores[other])}점)보다 뒤인 이유:"
            if ko
            else f"Why {me} (rank {mine}, {points(result.final_scores[row])}) "
            f"and not {them} (rank {theirs}, {points(result.final_scores[other])}):"
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
