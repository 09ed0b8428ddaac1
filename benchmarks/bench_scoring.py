"""Speed of the three-stage evaluation: the pipeline, the panel bootstrap, a pandas baseline.

Run: ``python benchmarks/bench_scoring.py [--applicants 1000] [--evaluators 7] [--criteria 10]
[--stages 3] [--resamples 1000] [--repeat 3] [--profile]``.

A synthetic program (everyone eligible) with ``--stages`` stages of ``--criteria`` 10-point
criteria, trimmed-mean panels of ``--evaluators`` (the first ones external), low pass marks,
advancement to 50 % then 20 % (then 8 %, ...) of the applicants, 20 slots, 5 reserves, a
tie-break chain and a regional constraint. Every applicant has scores at every stage (the
pipeline ignores those of stages not reached), from a latent quality, each evaluator's
leniency and noise. A few recusals shrink some panels.

Timings are best of ``--repeat``: ``pipeline_s`` is prepare_evaluation + run_evaluation,
``bootstrap_s`` the seeded panel bootstrap with ``--resamples`` draws, ``groupby_s`` a plain
pandas groupby of the trimmed-mean stage totals (drop one highest and one lowest score per
applicant and criterion, average, sum per applicant) on the same long table, checked against
the pipeline's first-stage totals. The same program with a fifth of the applicants is timed
in the same run: ``scale_5x`` is pipeline + bootstrap at ``--applicants`` divided by the same
at a fifth of them (5 for linear scaling), with ``pipeline_scale_5x`` and
``bootstrap_scale_5x`` for each part. ``peak_mb`` is the most memory the pipeline and the
bootstrap hold at once (tracemalloc, in one more untimed run), ``rss_mb`` the process's
peak resident memory. The last lines are ``target_met=`` (pipeline + bootstrap under 2 s),
``pipeline_s=``, ``bootstrap_s=``, ``groupby_s=``, then the scaling and memory figures.
Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

import selectlib
from selectlib.scoring import (
    EvaluationResult,
    Evaluator,
    Recusal,
    prepare_evaluation,
    run_evaluation,
)
from selectlib.scoring.draws import panel_draws
from selectlib.scoring.resample import bootstrap_table

SLOTS = 20
RESERVES = 5
TARGET_S = 2.0
REGIONS = [f"region_{i:02d}" for i in range(17)]  # 17 시·도


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs, and the last result."""
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def keep_share(index: int) -> float:
    """The share of all applicants that goes on after stage ``index``: 50 %, 20 %, 8 %, ..."""
    return 0.5 * 0.4**index


def make_profile(applicants: int, evaluators: int, criteria: int, stages: int) -> Any:
    """A one-rule eligibility profile (``x >= 0``) with the synthetic evaluation section."""
    text = {"ko": "x", "en": "x"}
    names = [f"s{i + 1}" for i in range(stages)]
    section: dict[str, Any] = {}
    for index, name in enumerate(names):
        section[name] = {
            "label": {"ko": f"{index + 1}단계", "en": f"Stage {index + 1}"},
            "panel": {
                "aggregate": "trimmed_mean",
                "min_size": min(5, evaluators),
                "min_external_share": 0.5,
            },
            "criteria": {
                f"c{c + 1}": {"ko": f"항목{c + 1}", "en": f"item {c + 1}", "max_points": 10}
                for c in range(criteria)
            },
            "pass_mark": 3.0 * criteria,  # 30 % of the points: most pass
        }
        if index == 0:
            section[name]["bonus"] = {"field": "bonus_points", "cap": 3}
            section[name]["penalty"] = {"field": "penalty_points"}
        if index < stages - 1:
            count = max(SLOTS, round(keep_share(index) * applicants))
            section[name]["advance"] = {"count": count, "at_line": "include"}
    final = {
        "slots": SLOTS,
        "reserves": RESERVES,
        "weights": {name: index + 1 for index, name in enumerate(names)},
        "tie_breaks": [
            {"stage": names[-1]},
            {"criterion": f"{names[-1]}.c1"},
            {"field": "received_no", "order": "lower"},
        ],
        "constraints": [{"field": "region", "at_most": 3}],
    }
    return selectlib.Profile.from_dict(
        {
            "id": "bench_program",
            "name": {"ko": "벤치마크 사업", "en": "Benchmark program"},
            "valid_from": "2024-01-01",
            "identifier": "applicant_id",
            "fields": {
                "applicant_id": {"kind": "text", "required": False, "description": text},
                "x": {"kind": "integer", "description": text},
            },
            "parameters": {},
            "criteria": [
                {
                    "id": "x_ok",
                    "label": text,
                    "source": "benchmark",
                    "condition": "x >= 0",
                    "messages": {"passed": text, "failed": text, "missing": text},
                }
            ],
            "evaluation": {"stages": section, "final": final},
        }
    )


def make_inputs(
    applicants: int, evaluators: int, criteria: int, stages: int, seed: int = 7
) -> tuple[pd.DataFrame, pd.DataFrame, list[Evaluator], list[Recusal]]:
    """Applicants, long-format scores for every applicant at every stage, panel, recusals."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"A{i:05d}" for i in range(applicants)], dtype=object)
    table = pd.DataFrame(
        {
            "applicant_id": ids,
            "x": 1,
            "region": rng.choice(REGIONS, applicants),
            "received_no": rng.permutation(applicants) + 1,
            "bonus_points": rng.choice([0.0, 0.0, 1.0, 2.0, 5.0], applicants),
            "penalty_points": rng.choice([0.0, 0.0, 0.0, 1.0], applicants),
        }
    )
    panel = [
        Evaluator(f"E{e + 1:02d}", f"위원{e + 1}", external=e < (evaluators + 1) // 2 + 1)
        for e in range(evaluators)
    ]
    quality = rng.normal(6.5, 1.2, (stages, applicants, 1, 1))
    leniency = rng.normal(0.0, 0.5, (1, 1, evaluators, 1))
    noise = rng.normal(0.0, 0.8, (stages, applicants, evaluators, criteria))
    scores = np.clip(np.round(quality + leniency + noise), 0, 10)
    s, a, e, c = np.indices(scores.shape).reshape(4, -1)
    long = pd.DataFrame(
        {
            "stage": np.array([f"s{i + 1}" for i in range(stages)], dtype=object)[s],
            "evaluator_id": np.array([x.id for x in panel], dtype=object)[e],
            "applicant_id": ids[a],
            "criterion": np.array([f"c{i + 1}" for i in range(criteria)], dtype=object)[c],
            "score": scores.reshape(-1),
        }
    )
    pairs = rng.choice(applicants * evaluators, size=max(1, applicants // 50), replace=False)
    recusals = [
        Recusal(panel[p % evaluators].id, str(ids[p // evaluators]), "avoidance")
        for p in pairs.tolist()
    ]
    return table, long, panel, recusals


def groupby_totals(long: pd.DataFrame, recusals: list[Recusal]) -> dict[str, pd.Series]:
    """Trimmed-mean stage totals per applicant with plain pandas, recused scores removed."""
    out = pd.MultiIndex.from_tuples([(r.evaluator_id, r.applicant_id) for r in recusals])
    kept = long[~pd.MultiIndex.from_arrays([long["evaluator_id"], long["applicant_id"]]).isin(out)]
    totals = {}
    for stage, rows in kept.groupby("stage", sort=False):
        grouped = rows.groupby(["applicant_id", "criterion"], sort=False)["score"]
        trimmed = (grouped.sum() - grouped.max() - grouped.min()) / (grouped.count() - 2)
        totals[str(stage)] = trimmed.groupby(level="applicant_id", sort=False).sum()
    return totals


def timed_runs(
    args: argparse.Namespace, applicants: int
) -> tuple[float, float, EvaluationResult, pd.DataFrame, Callable[[], Any]]:
    """Best-of timings of the pipeline and the bootstrap at ``applicants``, their last
    results, and one untimed run of both (for the profile and the memory peak)."""
    profile = make_profile(applicants, args.evaluators, args.criteria, args.stages)
    table, long, panel, recusals = make_inputs(
        applicants, args.evaluators, args.criteria, args.stages
    )

    def pipeline() -> EvaluationResult:
        prepared = prepare_evaluation(profile, table, long, panel, recusals, on="2024-05-01")
        return run_evaluation(prepared)

    def bootstrap(result: EvaluationResult) -> pd.DataFrame:
        return bootstrap_table(result, panel_draws(result, args.resamples, 0))

    pipeline_s, result = best_of(args.repeat, pipeline)
    bootstrap_s, frame = best_of(args.repeat, lambda: bootstrap(result))
    return pipeline_s, bootstrap_s, result, frame, lambda: bootstrap(pipeline())


def peak_mb(run: Callable[[], Any]) -> float:
    """The most memory ``run`` holds at once above what was held before, in MB."""
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (peak - start) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applicants", type=int, default=1000)
    parser.add_argument("--evaluators", type=int, default=7)
    parser.add_argument("--criteria", type=int, default=10)
    parser.add_argument("--stages", type=int, default=3)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--profile", action="store_true", help="print a pyinstrument profile of one run"
    )
    args = parser.parse_args()
    fifth_pipeline_s, fifth_bootstrap_s, *_ = timed_runs(args, max(1, args.applicants // 5))
    pipeline_s, bootstrap_s, result, frame, once = timed_runs(args, args.applicants)
    _, long, _, recusals = make_inputs(args.applicants, args.evaluators, args.criteria, args.stages)
    groupby_s, totals = best_of(args.repeat, lambda: groupby_totals(long, recusals))

    first = result.stages[0]
    expected = pd.Series(first.raw_totals, index=list(result.ids))
    check = totals["s1"].reindex(expected.index)
    assert np.allclose(check.to_numpy(), expected.to_numpy(), rtol=0, atol=1e-9), (
        "groupby totals differ from the pipeline's"
    )
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
        once()
        profiler.stop()
        print(profiler.output_text(show_all=False))
    peak = peak_mb(once)

    rows = len(long)
    print(
        f"applicants={args.applicants} evaluators={args.evaluators} criteria={args.criteria} "
        f"stages={args.stages} score_rows={rows} resamples={args.resamples}"
    )
    reached = ", ".join(f"{o.stage.id}:{int(o.candidates.sum())}" for o in result.stages)
    print(f"candidates per stage: {reached}; finalists={int(result.finalists.sum())}")
    print(f"selected={len(result.selected_ids)} reserves={len(result.reserve_ids)}")
    least = frame.loc[frame["selected"], "selection_probability"].min()
    print(f"least certain selected: {least:.3f}; groupby check: equal to the pipeline's s1 totals")
    print(f"pipeline score rows per s: {rows / pipeline_s:.0f}")
    print(f"target_met={pipeline_s + bootstrap_s < TARGET_S}")
    print(f"pipeline_s={pipeline_s:.4f}")
    print(f"bootstrap_s={bootstrap_s:.4f}")
    print(f"groupby_s={groupby_s:.4f}")
    scale = (pipeline_s + bootstrap_s) / (fifth_pipeline_s + fifth_bootstrap_s)
    print(f"scale_5x={scale:.2f}")
    print(f"pipeline_scale_5x={pipeline_s / fifth_pipeline_s:.2f}")
    print(f"bootstrap_scale_5x={bootstrap_s / fifth_bootstrap_s:.2f}")
    print(f"peak_mb={peak:.0f}")
    print(f"rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")


if __name__ == "__main__":
    main()
