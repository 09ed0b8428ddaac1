"""Throughput of benefit amounts and funding: a table at once vs one decision at a time.

Run: ``python benchmarks/bench_benefits.py [--n 200000] [--single 2000] [--repeat 3]``.
Uses the ``interest_subsidy`` profile (two amounts chosen by loan type, rates looked up
by local government, one budget pot per local government): the heaviest benefit
profile. Prints, as its last lines: ``batch_rows_per_s=`` (``evaluate_many`` with the
benefit columns), ``fund_rows_per_s=`` (``Profile.fund``: evaluation, amounts and the
allocation of every pot), ``single_us=`` (median µs per :meth:`Profile.evaluate` with
its benefit lines), ``ratio_batch_vs_single=`` (batch rows/s ÷ single rows/s) and
``benefit_overhead=`` (``evaluate_many`` time with benefits ÷ without). Timings are
best-of-N in one run; nothing here asserts a time.
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

ON = dt.date(2021, 3, 2)
PROFILE = "interest_subsidy"


def make(profile: selectlib.Profile, n: int, seed: int = 11) -> pd.DataFrame:
    """``n`` synthetic loan applications, seeded."""
    r = np.random.default_rng(seed)
    codes = next(f for f in profile.fields if f.name == "local_government").codes
    return pd.DataFrame(
        {
            "applicant_id": [f"L{i:07}" for i in range(n)],
            "local_government": r.choice(np.array(codes), size=n),
            "is_sme": r.random(n) < 0.95,
            "fund_member": r.random(n) < 0.9,
            "loan_type": r.choice(np.array(["bill", "operating"]), size=n),
            "principal": r.integers(1_000_000, 500_000_000, size=n),
            "loan_days": r.integers(30, 366, size=n),
            "received_no": np.arange(1, n + 1),
        }
    )


def best(run: Callable[[], Any], repeat: int) -> float:
    """The fastest of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--single", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    profile = selectlib.load_profile(PROFILE)
    data = profile.to_dict()
    data.pop("benefits")
    plain = selectlib.Profile.from_dict(data)
    table = make(profile, args.n)
    records = table.head(args.single).to_dict("records")

    batch_s = best(lambda: profile.evaluate_many(table, ON), args.repeat)
    plain_s = best(lambda: plain.evaluate_many(table, ON), args.repeat)
    fund_s = best(lambda: selectlib.fund(profile, table, ON), args.repeat)
    singles = []
    for record in records:
        start = time.perf_counter()
        profile.evaluate(record, ON)
        singles.append(time.perf_counter() - start)
    single_us = statistics.median(singles) * 1e6

    funding = selectlib.fund(profile, table, ON)
    check = profile.evaluate_many(table.head(args.single), ON)["benefit"]
    scalar = [profile.evaluate(r, ON).benefit_total for r in records]
    agree = [None if pd.isna(v) else int(v) for v in check] == scalar
    print(f"rows={args.n} granted={funding.granted} budget={funding.budget} agree={agree}")
    print(f"batch_rows_per_s={args.n / batch_s:.0f}")
    print(f"fund_rows_per_s={args.n / fund_s:.0f}")
    print(f"single_us={single_us:.1f}")
    print(f"ratio_batch_vs_single={(args.n / batch_s) / (1e6 / single_us):.1f}")
    print(f"benefit_overhead={batch_s / plain_s:.2f}")


if __name__ == "__main__":
    main()
