"""Throughput of flagship eligibility: selectlib batch and single calls vs hand-written numpy.

Run: ``python benchmarks/bench_eligibility.py [--n 1000000] [--single 10000]``.
Prints, as its last lines: ``eligible=``, ``batch_rows_per_s=``, ``numpy_rows_per_s=``,
``ratio_vs_numpy=`` (selectlib rows/s ÷ numpy rows/s) and ``single_us=`` (median µs per
:meth:`Profile.evaluate` call with the full explanation). Timings are best-of-N in one
run, so both sides see the same machine state; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

import selectlib

ON = dt.date(2024, 5, 1)
MANDATORY = ["survey", "workforce", "shared_facilities", "funding_support", "roadmap"]
AUTONOMOUS = ["network", "tech_exchange", "marketing", "promotion", "consulting", "regional"]


def make(n: int, seed: int = 7) -> dict[str, np.ndarray]:
    """The issue's generator, unchanged."""
    r = np.random.default_rng(seed)
    area = r.choice(np.array(["metro", "city", "county"]), size=n, p=[0.5, 0.3, 0.2])
    return dict(  # noqa: C408 - the issue's generator, verbatim
        area_type=area,
        cluster_count=r.integers(0, 120, size=n),
        is_nonprofit=r.random(n) < 0.7,
        staff=r.integers(0, 8, size=n),
        has_dedicated_space=r.random(n) < 0.8,
        has_equipment=r.random(n) < 0.8,
        offers_education=r.random(n) < 0.85,
        n_autonomous_programs=r.integers(0, 7, size=n),
    )


def to_profile_inputs(raw: dict[str, np.ndarray]) -> pd.DataFrame:
    """The generator's columns as the flagship profile's inputs (sets as yes/no columns)."""
    n = len(raw["staff"])
    columns: dict[str, Any] = {
        "area_type": raw["area_type"],
        "cluster_count": raw["cluster_count"],
        "operator_type": np.where(raw["is_nonprofit"], "nonprofit_corporation", "for_profit"),
        "has_dedicated_space": raw["has_dedicated_space"],
        "has_equipment": raw["has_equipment"],
        "staff": raw["staff"],
        "offers_education": raw["offers_education"],
    }
    for code in MANDATORY:
        columns[f"mandatory_programs.{code}"] = np.ones(n, dtype=bool)
    for index, code in enumerate(AUTONOMOUS):
        columns[f"autonomous_programs.{code}"] = raw["n_autonomous_programs"] > index
    return pd.DataFrame(columns)


def numpy_rules(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The same rules written by hand in numpy over the generator's columns."""
    area = raw["area_type"]
    threshold = np.where(area == "metro", 50, np.where(area == "city", 40, 20))
    return (
        (raw["cluster_count"] >= threshold)
        & raw["is_nonprofit"]
        & raw["has_dedicated_space"]
        & raw["has_equipment"]
        & (raw["staff"] >= 3)
        & raw["offers_education"]
        & (raw["n_autonomous_programs"] >= 3)
    )


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def single_us(
    profile: selectlib.Profile, frame: pd.DataFrame, calls: int, *, objects: bool = False
) -> float:
    """Median µs of evaluate() on single records with the full explanation.

    The decision holds every criterion's status, value, threshold, effective date,
    source and messages; with ``objects`` the timing also builds the per-criterion
    :class:`CriterionResult` objects (``decision.criteria``), which are made on demand.
    """
    rows = frame.head(min(calls, len(frame))).to_dict("records")
    records = [
        {
            **{k: v for k, v in row.items() if "." not in k},
            "mandatory_programs": MANDATORY,
            "autonomous_programs": [c for c in AUTONOMOUS if row[f"autonomous_programs.{c}"]],
        }
        for row in rows
    ]
    for record in records[:100]:
        _ = profile.evaluate(record, on=ON).criteria  # warm up, and touch the explanation
    samples = []
    batch = 100
    for start in range(0, calls, batch):
        chunk = [records[(start + i) % len(records)] for i in range(batch)]
        t0 = time.perf_counter()
        if objects:
            for record in chunk:
                _ = profile.evaluate(record, on=ON).criteria
        else:
            for record in chunk:
                profile.evaluate(record, on=ON)
        samples.append((time.perf_counter() - t0) / batch * 1e6)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000, help="applicants in the batch")
    parser.add_argument("--single", type=int, default=10_000, help="single evaluate() calls")
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing (best is kept)")
    args = parser.parse_args()

    profile = selectlib.load_profile("micro_manufacturer_center_2024")
    raw = make(args.n)
    frame = to_profile_inputs(raw)
    profile.evaluate_many(frame.head(1000), on=ON)  # warm caches

    numpy_s, expected = best_of(args.repeat, lambda: numpy_rules(raw))
    batch_s, result = best_of(args.repeat, lambda: profile.evaluate_many(frame, on=ON))
    eligible = int((result["outcome"] == "eligible").sum())
    if eligible != int(expected.sum()):
        raise SystemExit(f"mismatch: selectlib {eligible} vs numpy {int(expected.sum())}")
    single = single_us(profile, frame, args.single)
    with_objects = single_us(profile, frame, args.single, objects=True)

    batch_rate = args.n / batch_s
    numpy_rate = args.n / numpy_s
    print(f"n={args.n} batch_s={batch_s:.4f} numpy_s={numpy_s:.4f}")
    print(f"single_with_criteria_objects_us={with_objects:.2f}")
    print(f"eligible={eligible}")
    print(f"batch_rows_per_s={batch_rate:.0f}")
    print(f"numpy_rows_per_s={numpy_rate:.0f}")
    print(f"ratio_vs_numpy={batch_rate / numpy_rate:.3f}")
    print(f"single_us={single:.2f}")


if __name__ == "__main__":
    main()
