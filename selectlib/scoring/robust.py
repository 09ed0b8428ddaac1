"""How robust an evaluation result is: shown next to the result, never applied to it.

Five views of one :class:`~selectlib.scoring.EvaluationResult`, each a table:

- **leave_one_out** — each evaluator left out in turn (here): does the selected set
  change, who comes in and who goes out, who would reach a stage unscored, and for whom
  the real panel rule would no longer hold (reported, not applied).
- **bootstrap** — each stage's panel redrawn with replacement, the stages and the final
  selection re-run per draw (:mod:`~selectlib.scoring.resample`): how often each
  applicant is selected, and its mean final rank.
- **leniency**, **agreement**, **normalised** — how each evaluator used the scale
  (:mod:`~selectlib.scoring.panels`).

Leave-one-out and the bootstrap share one simulation and measure score uncertainty, not
the quorum: the quorum is a rule about the real committee, already applied by the
pipeline. The committee decides with the actual result; these tables only show how much
it depends on who sat on the panels and how they used the scale.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import attrs
import numpy as np
import pandas as pd

from selectlib.scoring.display import percent, shown, signed
from selectlib.scoring.draws import leave_one_out_draws, panel_draws, real_quorum
from selectlib.scoring.errors import ScoringError
from selectlib.scoring.panels import LENIENCY_SHARE, agreement, leniency, normalised
from selectlib.scoring.resample import bootstrap_table, simulate
from selectlib.scoring.result import EvaluationResult
from selectlib.text import Text

__all__ = ["QuorumLoss", "RobustnessReport", "robustness"]

WORDS = {"strong": "강함", "moderate": "보통", "weak": "약함"}
"""Kendall's W bands in Korean."""
LEAVE_ONE_OUT_COLUMNS = [
    "evaluator_id",
    "name",
    "external",
    "stages",
    "selected",
    "changed",
    "entered",
    "left",
    "unscorable",
    "quorum_lost",
]


@attrs.frozen
class QuorumLoss:
    """Without ``evaluator_id``, the real panel of ``stage`` would lack a quorum for
    ``applicant_ids`` (who had one): the rule needs ``min_size`` members after recusals,
    ``min_external_share`` of them external."""

    evaluator_id: str
    stage: str
    applicant_ids: tuple[str, ...]
    min_size: int
    min_external_share: float


@attrs.frozen(eq=False)
class RobustnessReport:
    """The robustness tables of one evaluation result, for reports (see the module doc)."""

    leave_one_out: pd.DataFrame
    bootstrap: pd.DataFrame
    leniency: pd.DataFrame
    agreement: pd.DataFrame
    normalised: pd.DataFrame
    resamples: int
    seed: int
    stage_labels: Mapping[str, Text] = attrs.field(factory=dict)
    quorum_losses: tuple[QuorumLoss, ...] = ()

    def tables(self) -> dict[str, pd.DataFrame]:
        """Sheet name → table, in display order."""
        return {
            "leave_one_out": self.leave_one_out,
            "bootstrap": self.bootstrap,
            "leniency": self.leniency,
            "agreement": self.agreement,
            "normalised": self.normalised,
        }

    def _stage(self, stage_id: str, lang: str) -> str:
        label = self.stage_labels.get(stage_id)
        return label.get(lang) if label else stage_id

    def summary(self, lang: str = "ko") -> str:
        """A few plain sentences (at most six): the main findings of every table."""
        ko = lang == "ko"
        return " ".join(
            s
            for s in (
                self._leave_one_out_text(ko),
                self._quorum_text(ko, lang),
                self._bootstrap_text(ko),
                self._agreement_text(ko, lang),
                self._leniency_text(ko, lang),
                self._normalised_text(ko),
            )
            if s
        )

    def _leave_one_out_text(self, ko: bool) -> str:
        rows = self.leave_one_out.to_dict("records")
        if not rows:
            return ""
        changed = [r for r in rows if r["changed"]]
        if not changed:
            text = (
                "평가위원 1명을 빼도 선정 결과는 같습니다"
                if ko
                else "Leaving out any one evaluator keeps the same selection"
            )
        elif len(changed) == 1:
            text = (
                f"{changed[0]['evaluator_id']}을(를) 빼면 선정 결과가 바뀝니다: "
                + _change(changed[0], ko)
                if ko
                else f"Without {changed[0]['evaluator_id']}, {_change(changed[0], ko)}"
            )
        else:
            first = changed[0]
            text = (
                f"평가위원 {len(rows)}명 중 {len(changed)}명은 빼면 선정 결과가 바뀝니다"
                f"(예: {first['evaluator_id']}을(를) 빼면 {_change(first, ko)})"
                if ko
                else f"Leaving out one evaluator changes the selection for {len(changed)} of "
                f"{len(rows)} evaluators (without {first['evaluator_id']}, {_change(first, ko)})"
            )
        gaps = [r for r in rows if r["unscorable"]]
        if gaps:
            names = [str(r["evaluator_id"]) for r in gaps]
            ids = ", ".join(dict.fromkeys(", ".join(r["unscorable"] for r in gaps).split(", ")))
            if not ko:
                text += f"; without {' or '.join(names)}, {ids} would reach a stage unscored"
                return text + " and count as out."
            who = f"{names[0]}을(를)" if len(names) == 1 else f"{', '.join(names)} 중 1명을"
            text += f"; {who} 빼면 {ids}이(가) 점수가 없는 단계에 올라가 탈락으로 봅니다"
        return text + "."

    def _quorum_text(self, ko: bool, lang: str) -> str:
        """The first quorum that leaving one evaluator out would break (reported only)."""
        if not self.quorum_losses:
            return ""
        loss = self.quorum_losses[0]
        who, ids = loss.evaluator_id, ", ".join(loss.applicant_ids)
        stage = self._stage(loss.stage, lang)
        count = len(dict.fromkeys(x.evaluator_id for x in self.quorum_losses))
        total = len(self.leave_one_out)
        share = loss.min_external_share
        if ko:
            rule = f"위원 {loss.min_size}명 이상" + (
                f", 외부위원 {percent(share)} 이상" if share else ""
            )
            more = "" if count == 1 else f"(평가위원 {total}명 중 {count}명은 빼면 정족수 미달)"
            more = f"(평가위원 {total}명 중 누구를 빼도 정족수 미달)" if count == total else more
            return (
                f"{who}을(를) 빼면 {stage}에서 {ids}의 정족수가 모자랍니다: 패널 규칙상 "
                f"제척·기피·회피 후 {rule}이 필요합니다{more}."
            )
        rule = f"at least {loss.min_size} members after recusals" + (
            f", at least {percent(share)} of them external" if share else ""
        )
        more = "" if count == 1 else f" ({count} of {total} evaluators would each break one)"
        more = (
            f" (leaving out any of the {total} evaluators breaks one)" if count == total else more
        )
        stage = stage[:1].lower() + stage[1:]
        return (
            f"Without {who} the {stage} would lack a quorum for {ids}: "
            f"the panel rule needs {rule}{more}."
        )

    def _bootstrap_text(self, ko: bool) -> str:
        rows = self.bootstrap.to_dict("records")
        chosen = [r for r in rows if r["selected"]]
        if not chosen:
            return ""
        weakest = min(chosen, key=lambda r: float(r["selection_probability"]))
        who, chance = weakest["applicant_id"], float(weakest["selection_probability"])
        text = (
            f"평가위원을 {self.resamples}회 재표본하면 선정 기관 중 선정 확률이 가장 낮은 기관은 "
            f"{who}({percent(chance)})"
            if ko
            else f"Redrawing the panels {self.resamples} times, the least certain selected "
            f"applicant is {who} (selected in {percent(chance)})"
        )
        others = [r for r in rows if not r["selected"] and r["selection_probability"] > 0]
        if others:
            best = max(others, key=lambda r: float(r["selection_probability"]))
            who, chance = best["applicant_id"], float(best["selection_probability"])
            text += (
                f"이고, 선정되지 않은 기관 중 가장 높은 기관은 {who}({percent(chance)})"
                if ko
                else f"; the likeliest applicant not selected is {who} ({percent(chance)})"
            )
        return text + ("입니다." if ko else ".")

    def _agreement_text(self, ko: bool, lang: str) -> str:
        parts = []
        for row in self.agreement.to_dict("records"):
            word = row["interpretation"]
            if not isinstance(word, str):  # None, or NaN once pandas has seen a float
                continue
            said = f"({WORDS[word]})" if ko else f" ({word})"
            parts.append(f"{self._stage(str(row['stage']), lang)} {shown(row['kendall_w'])}{said}")
        if not parts:
            return ""
        head = "평가위원 간 일치도(Kendall's W): " if ko else "Agreement (Kendall's W): "
        return head + ", ".join(parts) + "."

    def _leniency_text(self, ko: bool, lang: str) -> str:
        rows = self.leniency.to_dict("records")
        parts = []
        for label, sign in (("lenient", 1.0), ("severe", -1.0)):
            marked = [r for r in rows if r["label"] == label]
            if not marked:
                continue
            row = max(marked, key=lambda r: sign * float(r["deviation"]))
            who, gap = row["evaluator_id"], float(row["deviation"])
            stage = self._stage(str(row["stage"]), lang)
            parts.append(
                f"가장 {'후한' if label == 'lenient' else '엄격한'} 평가위원은 "
                f"{who}({stage}, 다른 위원 평균 대비 {signed(gap)}점)"
                if ko
                else f"the most {label} evaluator is {who} "
                f"({signed(gap)} points against the rest of the panel, {stage})"
            )
        if not parts:
            return (
                f"패널 평균과 배점의 {percent(LENIENCY_SHARE)} 이상 차이 나는 평가위원은 없습니다."
                if ko
                else f"No evaluator deviates from the panel by {percent(LENIENCY_SHARE)} of a "
                "stage's points or more."
            )
        text = ", ".join(parts) + ("입니다." if ko else ".")
        return text[0].upper() + text[1:]

    def _normalised_text(self, ko: bool) -> str:
        rows = [r for r in self.normalised.to_dict("records") if r["stage"] == "final"]
        if not rows:
            return ""
        slots = sum(bool(r["top"]) for r in rows)
        came = ", ".join(str(r["applicant_id"]) for r in rows if r["z_top"] and not r["top"])
        went = ", ".join(str(r["applicant_id"]) for r in rows if r["top"] and not r["z_top"])
        if not came and not went:
            return (
                f"평가위원별 z-점수로 정규화해도 최종 상위 {slots}개는 같습니다."
                if ko
                else f"Normalising each evaluator's totals to z-scores keeps the same top {slots}."
            )
        return (
            f"평가위원별 z-점수로 정규화하면 최종 상위 {slots}개가 바뀝니다: "
            f"{came or '-'} 포함, {went or '-'} 제외."
            if ko
            else f"Normalising each evaluator's totals to z-scores changes the top {slots}: "
            f"{came or '-'} in, {went or '-'} out."
        )


def _change(row: Mapping[Hashable, Any], ko: bool) -> str:
    """Who would come in and who would go out, in a few words."""
    came, went = str(row["entered"]), str(row["left"])
    if ko:
        if came and went:
            return f"{went} 대신 {came} 선정"
        return f"{came} 추가 선정" if came else f"{went} 선정 제외"
    if came and went:
        return f"{came} would be selected instead of {went}"
    return f"{came} would also be selected" if came else f"{went} would no longer be selected"


def robustness(
    result: EvaluationResult, *, resamples: int = 1000, seed: int = 0
) -> RobustnessReport:
    """The robustness report of ``result``; ``resamples`` panel redraws seeded by ``seed``."""
    if resamples < 1:
        raise ScoringError("resamples", [f"must be >= 1 (got {resamples})"])
    table, losses = _leave_one_out(result)
    return RobustnessReport(
        leave_one_out=table,
        bootstrap=bootstrap_table(result, panel_draws(result, resamples, seed)),
        leniency=leniency(result),
        agreement=agreement(result),
        normalised=normalised(result),
        resamples=resamples,
        seed=seed,
        stage_labels={s.id: s.label for s in result.spec.stages},
        quorum_losses=losses,
    )


def _leave_one_out(result: EvaluationResult) -> tuple[pd.DataFrame, tuple[QuorumLoss, ...]]:
    """One row per evaluator: the selection simulated with that evaluator's seats empty.

    Same machinery as the bootstrap (:func:`~selectlib.scoring.resample.simulate`), one
    draw per evaluator: the quorum is not re-applied. ``unscorable`` lists who would reach
    a stage unscored (and so drop out); ``quorum_lost`` who, scored at a stage in the
    actual result, would lack a quorum there under the real panel rule without the
    evaluator — reported, not applied. Never raises for missing scores or quorum.
    """
    prepared = result.prepared
    members = [e for e in prepared.evaluators if e.id not in result.left_out]
    if not members:
        return pd.DataFrame(columns=LEAVE_ONE_OUT_COLUMNS), ()
    simulation = simulate(result, leave_one_out_draws(result, [e.id for e in members]))
    ids = np.array(result.ids, dtype=object)
    before = result.selected_ids
    scored = [o.candidates & (o.status != "no_quorum") for o in result.stages]
    records: list[dict[str, Any]] = []
    losses = []
    for index, evaluator in enumerate(members):
        rows = np.flatnonzero(simulation.selected[index])
        after = ids[rows[np.argsort(simulation.ranks[index, rows], kind="stable")]].tolist()
        lost = np.zeros(ids.size, bool)
        for cube, here in zip(prepared.cubes, scored, strict=True):
            if evaluator.id not in cube.evaluator_ids:
                continue
            gone = here & ~real_quorum(result, cube, without=(evaluator.id,))
            if gone.any():
                panel = cube.stage.panel
                losses.append(
                    QuorumLoss(
                        evaluator.id,
                        cube.stage.id,
                        tuple(ids[gone].tolist()),
                        panel.min_size,
                        panel.min_external_share,
                    )
                )
            lost |= gone
        records.append(
            {
                "evaluator_id": evaluator.id,
                "name": evaluator.name,
                "external": evaluator.external,
                "stages": ", ".join(
                    c.stage.id for c in prepared.cubes if evaluator.id in c.evaluator_ids
                ),
                "selected": ", ".join(after),
                "changed": set(after) != set(before),
                "entered": ", ".join(a for a in after if a not in before),
                "left": ", ".join(a for a in before if a not in after),
                "unscorable": ", ".join(ids[simulation.unscorable[index]].tolist()),
                "quorum_lost": ", ".join(ids[lost].tolist()),
            }
        )
    return pd.DataFrame.from_records(records, columns=LEAVE_ONE_OUT_COLUMNS), tuple(losses)
