"""Throughput of flagship eligibility on tables as users have them: with ids and names.

Run: ``python benchmarks/bench_eligibility.py [--n 1000000] [--single 10000] [--repeat 5]``.

The applicants carry an ``applicant_id`` (unique text) and a ``name``, and are timed in
two forms, each as pandas gives it back from a file:

- ``batch_rows_per_s=``: ``pd.read_parquet`` of a file written from pandas with the
  category fields as ``category`` dtype (dictionary-encoded Parquet; id and name text);
- ``batch_text_rows_per_s=``: ``pd.read_csv(dtype=str)`` as :func:`selectlib.io.read_csv`
  calls it: every category, set, yes/no and number column is text.

It also prints ``id_slowdown=`` (the Parquet form with id and name ÷ without them),
``numpy_rows_per_s=`` (the same rules in plain numpy on integer-coded columns: the floor),
``ratio_vs_numpy=`` (batch ÷ floor), and ``single_us=``/``single_p99_us=`` (median and
99th percentile µs of one :meth:`Profile.evaluate` call on varying records, reading
``.criteria`` of each). Timings are best-of-``--repeat`` in one run, so every side sees
the same machine state; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import selectlib

ON = dt.date(2024, 5, 1)
AREAS = ["metro", "city", "county"]
OPERATORS = ["nonprofit_corporation", "for_profit"]
MANDATORY = ["survey", "workforce", "shared_facilities", "funding_support", "roadmap"]
AUTONOMOUS = ["network", "tech_exchange", "marketing", "promotion", "consulting", "regional"]
SURNAMES = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"]
GIVEN = ["민준", "서연", "도윤", "하은", "시우", "지유", "주원", "서윤", "예준", "하준"]


def make(n: int, seed: int = 7) -> dict[str, np.ndarray]:
    """The issue's generator, with the area and operator as integer codes."""
    r = np.random.default_rng(seed)
    return dict(  # noqa: C408 - the issue's generator
        area_code=r.choice(np.arange(3, dtype=np.int8), size=n, p=[0.5, 0.3, 0.2]),
        cluster_count=r.integers(0, 120, size=n),
        is_nonprofit=r.random(n) < 0.7,
        staff=r.integers(0, 8, size=n),
        has_dedicated_space=r.random(n) < 0.8,
        has_equipment=r.random(n) < 0.8,
        offers_education=r.random(n) < 0.85,
        n_autonomous_programs=r.integers(0, 7, size=n),
        name_code=r.integers(0, len(SURNAMES) * len(GIVEN), size=n),
        is_related=r.random(n) < 0.9,
    )


def to_profile_inputs(raw: dict[str, np.ndarray]) -> pd.DataFrame:
    """The profile's inputs: id and name text, categories as ``category``, sets as yes/no."""
    n = len(raw["staff"])
    names = np.array([s + g for s in SURNAMES for g in GIVEN], dtype=object)
    columns: dict[str, Any] = {
        "applicant_id": pd.array([f"APP-{i:07d}" for i in range(n)], dtype="str"),
        "name": pd.array(names[raw["name_code"]], dtype="str"),
        "area_type": pd.Categorical.from_codes(raw["area_code"], categories=AREAS),
        "cluster_count": raw["cluster_count"],
        "operator_type": pd.Categorical.from_codes(
            np.where(raw["is_nonprofit"], 0, 1).astype(np.int8), categories=OPERATORS
        ),
        "has_dedicated_space": raw["has_dedicated_space"],
        "has_equipment": raw["has_equipment"],
        "staff": raw["staff"],
        "offers_education": raw["offers_education"],
        "micro_manufacturer_related": raw["is_related"],
    }
    for code in MANDATORY:
        columns[f"mandatory_programs.{code}"] = np.ones(n, dtype=bool)
    for index, code in enumerate(AUTONOMOUS):
        columns[f"autonomous_programs.{code}"] = raw["n_autonomous_programs"] > index
    return pd.DataFrame(columns)


def as_read_back(frame: pd.DataFrame, folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The frame as ``read_parquet`` and as ``read_csv(dtype=str)`` return it from files."""
    parquet, csv = folder / "applicants.parquet", folder / "applicants.csv"
    frame.to_parquet(parquet, index=False)
    frame.to_csv(csv, index=False)
    # the options selectlib.io.read_csv reads with: text cells, only empty cells missing
    text = pd.read_csv(csv, dtype=str, keep_default_na=False, na_values=[""], index_col=False)
    return pd.read_parquet(parquet, engine="pyarrow"), text


def numpy_rules(raw: dict[str, np.ndarray]) -> np.ndarray:
    """The same rules written by hand in numpy over integer-coded columns."""
    threshold = np.array([50, 40, 20])[raw["area_code"]]
    return (
        (raw["cluster_count"] >= threshold)
        & raw["is_nonprofit"]
        & raw["has_dedicated_space"]
        & raw["has_equipment"]
        & (raw["staff"] >= 3)
        & raw["offers_education"]
        & raw["is_related"]
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


def single_us(profile: selectlib.Profile, frame: pd.DataFrame, calls: int) -> tuple[float, float]:
    """Median and 99th percentile µs of one evaluate() call, reading ``.criteria`` of each.

    Each call is timed alone, on records that vary from call to call.
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
    evaluate, clock = profile.evaluate, time.perf_counter
    for record in records[:200]:
        _ = evaluate(record, on=ON).criteria  # warm up
    samples = np.empty(calls)
    for i in range(calls):
        record = records[i % len(records)]
        t0 = clock()
        _ = evaluate(record, on=ON).criteria
        samples[i] = clock() - t0
    return float(np.median(samples) * 1e6), float(np.percentile(samples, 99) * 1e6)


def eligible_count(result: pd.DataFrame, expected: np.ndarray, form: str) -> int:
    """The eligible count, checked against the numpy rules."""
    eligible = int((result["outcome"] == "eligible").sum())
    if eligible != int(expected.sum()):
        raise SystemExit(f"mismatch ({form}): selectlib {eligible} vs numpy {int(expected.sum())}")
    return eligible


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000, help="applicants in the batch")
    parser.add_argument("--single", type=int, default=10_000, help="single evaluate() calls")
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing (best is kept)")
    args = parser.parse_args()

    profile = selectlib.load_profile("micro_manufacturer_center_2024")
    raw = make(args.n)
    with tempfile.TemporaryDirectory() as folder:
        frame, text = as_read_back(to_profile_inputs(raw), Path(folder))
    bare = frame.drop(columns=["applicant_id", "name"])
    for table in (frame, bare, text):
        profile.evaluate_many(table.head(1000), on=ON)  # warm caches and Arrow's kernels

    def batch(table: pd.DataFrame) -> Callable[[], pd.DataFrame]:
        return lambda: profile.evaluate_many(table, on=ON)

    numpy_s, expected = best_of(args.repeat, lambda: numpy_rules(raw))
    bare_s, bare_result = best_of(args.repeat, batch(bare))
    batch_s, result = best_of(args.repeat, batch(frame))
    text_s, text_result = best_of(args.repeat, batch(text))
    eligible = eligible_count(result, expected, "parquet")
    eligible_count(bare_result, expected, "parquet without id")
    eligible_count(text_result, expected, "text")
    single, p99 = single_us(profile, frame, args.single)

    batch_rate, numpy_rate = args.n / batch_s, args.n / numpy_s
    print(f"n={args.n} batch_s={batch_s:.4f} bare_s={bare_s:.4f} text_s={text_s:.4f}")
    print(f"numpy_s={numpy_s:.4f}")
    print(f"eligible={eligible}")
    print(f"batch_rows_per_s={batch_rate:.0f}")
    print(f"batch_text_rows_per_s={args.n / text_s:.0f}")
    print(f"id_slowdown={batch_s / bare_s:.3f}")
    print(f"numpy_rows_per_s={numpy_rate:.0f}")
    print(f"ratio_vs_numpy={batch_rate / numpy_rate:.3f}")
    print(f"single_us={single:.2f}")
    print(f"single_p99_us={p99:.2f}")


if __name__ == "__main__":
    main()
