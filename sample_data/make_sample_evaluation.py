"""Write sample_data/evaluation/: synthetic evaluators, recusals and panel scores.

The three-stage evaluation (document → site → presentation) of the flagship profile's
example evaluation, for the 11 applicants of applicants.csv that are eligible on
2024-05-01. Scores come from a latent quality per applicant and stage, plus each
evaluator's leniency (E02 is clearly lenient, E05 clearly severe), plus seeded noise,
rounded to each criterion's step. A few panels are written by hand (PINNED) so that
the story below holds exactly:

- document: A09 fails the program_plan floor (과락) with a total above the pass mark;
  A17 is below the pass mark on points and passes with its bonus, capped at 3;
  the other 10 fill the 2× advancement (10) exactly;
- site: A03 fails the pass mark; A21 and A35 tie for 7th place and both go on under
  ``at_line: include``; A17 passes but is 9th and is cut (top 1.4× = 7);
- presentation: all 8 pass; A21 and A35 tie again on the final score and on the
  presentation total, and the presentation capability criterion decides;
- final: A07 is the third 경기도 finalist in rank order and is displaced by the
  "at most 2 per 시·도" rule.

Who is scored at each stage is computed, not listed: the stage results come from the
profile and selectlib.scoring's primitives (trimmed_mean, score_stage, rank, top).

Run from anywhere:  python sample_data/make_sample_evaluation.py [OUT_DIR]
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

import selectlib
from selectlib.profile.evaluation import EvaluationSpec, Stage
from selectlib.scoring.exact import Exact
from selectlib.scoring.primitives import (
    AGGREGATES,
    Ranking,
    StageResult,
    StageRules,
    TieBreak,
    rank,
    score_stage,
    top,
    weighted_total,
)

HERE = Path(__file__).resolve().parent
PROFILE = "micro_manufacturer_center_2024"
ON = "2024-05-01"
SEED = 20240501
NOISE = 0.035  # standard deviation of an evaluator's noise, as a share of the points

# evaluator_id, name, external, stages ("" = every stage), leniency (share of the points)
EVALUATORS: list[tuple[str, str, str, str, float]] = [
    ("E01", "김서연", "yes", "", 0.01),
    ("E02", "박준호", "yes", "", 0.09),  # lenient
    ("E03", "이하은", "yes", "document;presentation", -0.01),
    ("E04", "정민수", "yes", "site", 0.02),
    ("E05", "최지훈", "no", "", -0.11),  # severe
    ("E06", "강수진", "no", "document;presentation", 0.0),
    ("E07", "윤태호", "yes", "document;presentation", -0.02),
]

# evaluator_id, applicant_id, kind, stage ("" = every stage), decision, reason
RECUSALS: list[tuple[str, str, str, str, str, str]] = [
    (
        "E03",
        "A11",
        "제척",
        "",
        "",
        "평가위원이 최근 3년 내 신청기관의 자문위원으로 활동함",
    ),
    (
        "E01",
        "A04",
        "회피",
        "site",
        "",
        "신청기관 대표와 공동 연구과제를 수행 중이어서 스스로 평가를 회피함",
    ),
    (
        "E06",
        "A01",
        "기피",
        "",
        "인용",
        "소속 기관이 같은 집적지에서 유사 사업을 수행 중이라는 기피 신청을 위원회가 인용함",
    ),
    (
        "E07",
        "A21",
        "기피",
        "",
        "기각",
        "지난 공모에서 낮은 점수를 주었다는 기피 신청은 구체적 사유가 없어 위원회가 기각함",
    ),
]

# Latent quality per stage and applicant, as a share of each criterion's points.
QUALITY: dict[str, dict[str, float]] = {
    "document": {
        "A01": 0.78, "A03": 0.70, "A04": 0.86, "A06": 0.74, "A07": 0.77, "A09": 0.74,
        "A10": 0.81, "A11": 0.84, "A17": 0.585, "A21": 0.72, "A35": 0.72,
    },
    "site": {
        "A01": 0.80, "A03": 0.55, "A04": 0.86, "A06": 0.76, "A07": 0.79,
        "A10": 0.83, "A11": 0.84, "A17": 0.68, "A21": 0.72, "A35": 0.72,
    },
    "presentation": {
        "A01": 0.81, "A04": 0.88, "A06": 0.75, "A07": 0.80,
        "A10": 0.83, "A11": 0.85, "A21": 0.78, "A35": 0.78,
    },
}  # fmt: skip

# A criterion far from the applicant's overall quality: (stage, applicant, criterion) → shift.
OFFSETS: dict[tuple[str, str, str], float] = {
    ("document", "A09", "program_plan"): -0.40,  # the 과락
    ("document", "A09", "cluster_fit"): 0.10,
}

# Panels written by hand: (stage, applicant) → criterion → scores in panel order (site:
# E01 E02 E04 E05; presentation: E01 E02 E03 E05 E06 E07). The trimmed means make A21 and
# A35 tie at 72 on the site (7th place) and at 77 on the presentation, where A35 has the
# higher capability score (31 against 30).
PINNED: dict[tuple[str, str], dict[str, tuple[float, ...]]] = {
    ("site", "A21"): {
        "space": (29, 33, 30, 25),  # trimmed mean 29.5
        "equipment": (21, 24, 22, 18),  # 21.5
        "staffing": (21, 24, 21, 17),  # 21
    },
    ("site", "A35"): {
        "space": (28, 32, 29, 24),  # 28.5
        "equipment": (22, 25, 22, 19),  # 22
        "staffing": (21, 25, 22, 18),  # 21.5
    },
    ("presentation", "A21"): {
        "capability": (31, 35, 30, 26, 30, 29),  # 30
        "strategy": (24, 27, 23, 20, 23, 23),  # 23.25
        "sustainability": (24, 28, 24, 21, 23, 24),  # 23.75
    },
    ("presentation", "A35"): {
        "capability": (32, 36, 31, 27, 31, 30),  # 31
        "strategy": (23, 27, 23, 20, 22, 22),  # 22.5
        "sustainability": (24, 27, 23, 20, 23, 24),  # 23.5
    },
}


def applicants() -> pd.DataFrame:
    """The sample applicants, every cell as text (empty cells as '')."""
    return pd.read_csv(HERE / "applicants.csv", dtype=str, keep_default_na=False)


def eligible_ids(profile: selectlib.Profile, table: pd.DataFrame) -> list[str]:
    """Ids of the applicants eligible on :data:`ON`, in file order."""
    results = profile.evaluate_many(table, on=ON)
    return table.loc[(results["outcome"] == "eligible").to_numpy(), "applicant_id"].tolist()


def panel(stage: str) -> list[str]:
    """Ids of the evaluators sitting on ``stage``, in id order."""
    return [e[0] for e in EVALUATORS if not e[3] or stage in e[3].split(";")]


def recused(evaluator: str, applicant: str, stage: str) -> bool:
    """Whether a recusal that took effect removes this evaluator for this applicant."""
    return any(
        r[0] == evaluator and r[1] == applicant and r[3] in ("", stage) and r[4] != "기각"
        for r in RECUSALS
    )


def noise(spec: EvaluationSpec, table: pd.DataFrame) -> dict[str, npt.NDArray[np.float64]]:
    """Noise per stage for every applicant × evaluator × criterion, drawn in a fixed order.

    Drawn for all applicants and evaluators, so a cell's noise does not depend on who
    reached the stage.
    """
    rng = np.random.default_rng(SEED)
    shape = (len(table), len(EVALUATORS))
    return {s.id: rng.normal(0.0, NOISE, (*shape, len(s.criteria))) for s in spec.stages}


def step(max_points: float) -> float:
    """Scoring step of a criterion: whole points, half points on 10-point criteria."""
    return 0.5 if max_points <= 10 else 1.0


def stage_scores(
    stage: Stage, candidates: Sequence[str], table: pd.DataFrame, drawn: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Raw scores ``(candidates, panel, criteria)``; NaN where the evaluator is recused."""
    seats = panel(stage.id)
    leniency = {e[0]: e[4] for e in EVALUATORS}
    columns = [e[0] for e in EVALUATORS]
    rows = table["applicant_id"].tolist()
    scores = np.full((len(candidates), len(seats), len(stage.criteria)), np.nan)
    for a, applicant in enumerate(candidates):
        pinned = PINNED.get((stage.id, applicant), {})
        for c, criterion in enumerate(stage.criteria):
            for e, evaluator in enumerate(seats):
                if recused(evaluator, applicant, stage.id):
                    continue
                if criterion.id in pinned:
                    scores[a, e, c] = pinned[criterion.id][e]
                    continue
                share = (
                    QUALITY[stage.id][applicant]
                    + OFFSETS.get((stage.id, applicant, criterion.id), 0.0)
                    + leniency[evaluator]
                    + drawn[rows.index(applicant), columns.index(evaluator), c]
                )
                size = step(criterion.max_points)
                points = np.round(share * criterion.max_points / size) * size
                scores[a, e, c] = float(np.clip(points, 0.0, criterion.max_points))
    return scores


def points(table: pd.DataFrame, candidates: Sequence[str], column: str) -> npt.NDArray[np.float64]:
    """Bonus or penalty points of the candidates (empty = 0)."""
    by_id = table.set_index("applicant_id")[column]
    return np.array([float(by_id[a] or 0) for a in candidates])


@dataclass(frozen=True)
class StageOutcome:
    """One stage's results, one entry per candidate (in ``candidates`` order)."""

    stage: Stage
    candidates: list[str]
    criteria: Exact  # aggregated, (candidates, criteria)
    result: StageResult
    advanced: npt.NDArray[np.bool_]

    def total(self, applicant: str) -> float:
        """The applicant's adjusted stage total (for display)."""
        return float(self.result.totals[self.candidates.index(applicant)])

    def totals(self, applicants: Sequence[str]) -> Exact:
        """The applicants' adjusted stage totals, exactly."""
        return self.result.exact_totals[[self.candidates.index(a) for a in applicants]]

    def ids(self, mask: npt.NDArray[np.bool_]) -> list[str]:
        """The candidates where ``mask`` is true."""
        return [a for a, m in zip(self.candidates, mask.tolist(), strict=True) if m]


def run_stage(
    spec: EvaluationSpec,
    stage: Stage,
    candidates: Sequence[str],
    table: pd.DataFrame,
    scores: npt.NDArray[np.float64],
) -> StageOutcome:
    """One stage with the scoring primitives: aggregate, total, pass, rank, advance."""
    aggregate = AGGREGATES[stage.panel.aggregate](scores)
    bonus = points(table, candidates, stage.bonus.field) if stage.bonus else 0.0
    penalty = points(table, candidates, stage.penalty.field) if stage.penalty else 0.0
    result = score_stage(StageRules.of(stage), aggregate.exact, bonus=bonus, penalty=penalty)
    ranking = rank(result.exact_totals.numerators, eligible=result.passed)
    if stage.advance is None:
        advanced = result.passed
    else:
        advanced = top(ranking, stage.advance.size(spec.final.slots), stage.advance.at_line)
    return StageOutcome(stage, list(candidates), aggregate.exact, result, advanced)


@dataclass(frozen=True)
class FinalOutcome:
    """The final ranking and selection of the finalists."""

    finalists: list[str]
    scores: npt.NDArray[np.float64]
    ranking: Ranking
    selected: list[str]
    reserves: list[str]
    displaced: list[str]


def tie_break_keys(
    spec: EvaluationSpec,
    stages: Mapping[str, StageOutcome],
    finalists: Sequence[str],
    table: pd.DataFrame,
) -> list[TieBreak]:
    """The final tie-break chain as keys over the finalists."""
    by_id = table.set_index("applicant_id")
    keys = []
    for rule in spec.final.tie_breaks:
        if rule.stage is not None:
            key = stages[rule.stage].totals(finalists).numerators.tolist()
        elif rule.criterion is not None:
            stage_id, _, criterion = rule.criterion.partition(".")
            outcome = stages[stage_id]
            column = outcome.stage.criterion_ids.index(criterion)
            rows = [outcome.candidates.index(a) for a in finalists]
            key = outcome.criteria.numerators[rows, column].tolist()
        else:
            column_values = by_id[str(rule.field)]
            key = [float(column_values[a]) for a in finalists]
        keys.append(TieBreak(rule.name, np.array(key), descending=rule.order == "higher"))
    return keys


def final(
    spec: EvaluationSpec, stages: Mapping[str, StageOutcome], table: pd.DataFrame
) -> FinalOutcome:
    """Final score, ranking with the tie-break chain, and a greedy constrained selection."""
    last = stages[spec.stages[-1].id]
    finalists = last.ids(last.result.passed)
    weights = spec.final_weights()
    totals = [stages[s].totals(finalists) for s, _ in weights]
    exact = weighted_total(totals, [w for _, w in weights])
    scores = exact.values
    ranking = rank(exact.numerators, tie_break_keys(spec, stages, finalists, table))
    if ranking.tied.any():
        raise ValueError("the sample's final ranking must have no unbroken tie")
    by_id = table.set_index("applicant_id")
    held: dict[tuple[str, str], int] = {}
    selected: list[str] = []
    reserves: list[str] = []
    displaced: list[str] = []
    for row in np.argsort(ranking.ranks, kind="stable").tolist():
        applicant = finalists[row]
        groups = [(c.field, str(by_id.loc[applicant, c.field])) for c in spec.final.constraints]
        limits = [c.at_most for c in spec.final.constraints]
        if len(selected) < spec.final.slots:
            if any(held.get(g, 0) >= k for g, k in zip(groups, limits, strict=True)):
                displaced.append(applicant)
                continue
            selected.append(applicant)
            for group in groups:
                held[group] = held.get(group, 0) + 1
        elif len(reserves) < spec.final.reserves:
            reserves.append(applicant)
    return FinalOutcome(finalists, scores, ranking, selected, reserves, displaced)


def evaluate(
    profile: selectlib.Profile, table: pd.DataFrame
) -> tuple[dict[str, npt.NDArray[np.float64]], dict[str, StageOutcome], FinalOutcome]:
    """Generate every stage's raw scores and evaluate them: raw scores, stages, final."""
    spec = profile.spec.evaluation
    if spec is None:
        raise ValueError(f"{PROFILE} has no evaluation section")
    drawn = noise(spec, table)
    candidates = eligible_ids(profile, table)
    raw: dict[str, npt.NDArray[np.float64]] = {}
    stages: dict[str, StageOutcome] = {}
    for stage in spec.stages:
        raw[stage.id] = stage_scores(stage, candidates, table, drawn[stage.id])
        check_quorum(stage, candidates)
        stages[stage.id] = run_stage(spec, stage, candidates, table, raw[stage.id])
        candidates = stages[stage.id].ids(stages[stage.id].advanced)
    return raw, stages, final(spec, stages, table)


def check_quorum(stage: Stage, candidates: Sequence[str]) -> None:
    """Every candidate keeps a quorum after recusal (the sample has no no-quorum case)."""
    external = {e[0]: e[2] == "yes" for e in EVALUATORS}
    for applicant in candidates:
        seats = [e for e in panel(stage.id) if not recused(e, applicant, stage.id)]
        share = sum(external[e] for e in seats) / len(seats)
        if len(seats) < stage.panel.min_size or share < stage.panel.min_external_share:
            raise ValueError(f"{stage.id}: {applicant} has no quorum")


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """A CSV file as UTF-8 with BOM (Excel opens it in Korean), ``\\n`` line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def number(value: float) -> str:
    """A score as text: ``29`` for whole points, ``8.5`` for half points."""
    return f"{value:g}"


def score_rows(
    table: pd.DataFrame,
    raw: Mapping[str, npt.NDArray[np.float64]],
    stages: Mapping[str, StageOutcome],
) -> list[list[str]]:
    """The long score table: stage, evaluator, applicant, criterion; recused cells left out."""
    names = table.set_index("applicant_id")["applicant_name"]
    rows = []
    for stage_id, outcome in stages.items():
        stage = outcome.stage
        for e, evaluator in enumerate(panel(stage_id)):
            for a, applicant in enumerate(outcome.candidates):
                for c, criterion in enumerate(stage.criteria):
                    score = raw[stage_id][a, e, c]
                    if np.isnan(score):
                        continue
                    rows.append(
                        [
                            stage_id,
                            evaluator,
                            applicant,
                            criterion.id,
                            number(score),
                            names[applicant],
                            criterion.ko,
                            number(criterion.max_points),
                        ]
                    )
    return rows


def generate() -> tuple[dict[str, bytes], str]:
    """The three files by name, as bytes, and a summary of the story they tell."""
    profile = selectlib.load_profile(PROFILE)
    table = applicants()
    raw, stages, outcome = evaluate(profile, table)
    files = {
        "evaluators.csv": csv_bytes(
            ["evaluator_id", "name", "external", "stages"], [e[:4] for e in EVALUATORS]
        ),
        "recusals.csv": csv_bytes(
            ["evaluator_id", "applicant_id", "kind", "stage", "decision", "reason"], RECUSALS
        ),
        "scores.csv": csv_bytes(
            [
                "stage",
                "evaluator_id",
                "applicant_id",
                "criterion",
                "score",
                "applicant_name",
                "criterion_label",
                "max_points",
            ],
            score_rows(table, raw, stages),
        ),
    }
    return files, summary(stages, outcome)


def write(out_dir: str | Path) -> str:
    """Write evaluators.csv, recusals.csv and scores.csv into ``out_dir``; return the summary."""
    files, story = generate()
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (target / name).write_bytes(data)
    return story


def summary(stages: Mapping[str, StageOutcome], outcome: FinalOutcome) -> str:
    """Who failed, advanced and was selected, in a few lines."""
    lines = []
    for stage_id, stage in stages.items():
        reasons = stage.result.reasons()
        failed = [f"{a} {r}" for a, r in zip(stage.candidates, reasons, strict=True) if r]
        cut = stage.ids(stage.result.passed & ~stage.advanced)
        lines.append(
            f"{stage_id}: {len(stage.candidates)} scored; failed: {', '.join(failed) or '-'};"
            f" passed but cut: {', '.join(cut) or '-'};"
            f" advanced: {int(stage.advanced.sum())}"
        )
    lines.append(
        f"final: selected {', '.join(outcome.selected)}; reserves {', '.join(outcome.reserves)};"
        f" displaced {', '.join(outcome.displaced) or '-'}"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] = ()) -> None:
    """Write the files into ``argv[0]`` (default: evaluation/ next to this script)."""
    out_dir = Path(argv[0]) if argv else HERE / "evaluation"
    print(write(out_dir))
    print(f"wrote evaluators.csv, recusals.csv and scores.csv to {out_dir}")


if __name__ == "__main__":
    main(sys.argv[1:])
