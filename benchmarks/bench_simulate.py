"""A 25-point sweep of the flagship over a national table: one sweep against 25 compares.

Run: ``python benchmarks/bench_simulate.py [--n 1000000] [--repeat 2]``.

The applicants are ``bench_eligibility``'s (an ``applicant_id`` and a ``name`` beside the
inputs, categories as ``category``, as ``read_parquet`` gives them back). The grid is
``min_staff`` 1..5 × ``cluster_min.metro`` 30..70. Prints, as its last lines:

- ``sweep_s=``: :func:`selectlib.sweep` over the grid (in-process);
- ``naive_s=``: the same answers the plain way, 25 × :func:`selectlib.compare` of the
  profile against ``with_params`` of each point, in the same run;
- ``ratio_vs_naive=``: naive ÷ sweep (the issue's target: at least 3);
- ``naive_evaluate_s=`` and ``ratio_vs_evaluate=``: the 50 ``evaluate_many`` calls those
  compares make (baseline and reform at each point) without ``compare``'s description of
  who flips and why, which is most of a compare's time: the sweep against evaluation alone;
- ``dask_local_s=``: the same sweep of the table written as 8 Parquet partitions, read by
  ``dd.read_parquet`` and counted on a ``distributed.LocalCluster`` of 2 worker
  processes on the loopback interface (reading the files included; starting the cluster
  and the workers' first import of selectlib not);
- ``dask_overhead=``: dask_local ÷ sweep.

The sweep's gained and lost are checked against the compares, and the Dask table against
the in-process one. Timings are best-of-``--repeat`` in one run; nothing here asserts a time.
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
from bench_eligibility import make, to_profile_inputs

import selectlib

ON = dt.date(2024, 5, 1)
VARY = {"min_staff": [1, 2, 3, 4, 5], "cluster_min.metro": [30, 40, 50, 60, 70]}
PARTITIONS = 8


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def naive(profile: selectlib.Profile, frame: pd.DataFrame) -> list[tuple[int, int]]:
    """Gained and lost at each grid point, one compare per point."""
    flips = []
    for staff in VARY["min_staff"]:
        for metro in VARY["cluster_min.metro"]:
            reform = profile.with_params({"min_staff": staff, "cluster_min.metro": metro})
            change = selectlib.compare(profile, reform, frame, on=ON)["change"]
            flips.append((int((change == "gained").sum()), int((change == "lost").sum())))
    return flips


def evaluations(profile: selectlib.Profile, frame: pd.DataFrame) -> list[int]:
    """The eligible count at each grid point, one ``evaluate_many`` per point and one of
    the baseline per point: what ``compare`` evaluates, without describing the flips."""
    eligible = []
    for staff in VARY["min_staff"]:
        for metro in VARY["cluster_min.metro"]:
            reform = profile.with_params({"min_staff": staff, "cluster_min.metro": metro})
            profile.evaluate_many(frame, on=ON)
            after = reform.evaluate_many(frame, on=ON)["outcome"]
            eligible.append(int((after == "eligible").sum()))
    return eligible


def partitions(frame: pd.DataFrame, folder: Path) -> Path:
    """``frame`` as 8 Parquet files in ``folder``."""
    for number, rows in enumerate(np.array_split(np.arange(len(frame)), PARTITIONS)):
        frame.iloc[rows].to_parquet(folder / f"part{number}.parquet", index=False)
    return folder


def dask_sweep(
    profile: selectlib.Profile, folder: Path, repeat: int, threads: bool
) -> tuple[float, Any]:
    """The sweep on a local cluster of two workers (processes, or threads), loopback only."""
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=not threads,
            protocol="tcp",
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster),
    ):
        first = dd.read_parquet(str(folder)).partitions[:2]
        selectlib.sweep(profile, first, VARY, on=ON)  # the workers import selectlib
        return best_of(
            repeat, lambda: selectlib.sweep(profile, dd.read_parquet(str(folder)), VARY, on=ON)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000, help="applicants in the table")
    parser.add_argument("--repeat", type=int, default=2, help="runs per timing (best is kept)")
    parser.add_argument(
        "--threads", action="store_true", help="workers as threads (quick to start: smoke runs)"
    )
    args = parser.parse_args()

    profile = selectlib.load_profile("micro_manufacturer_center_2024")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        whole = folder / "applicants.parquet"
        to_profile_inputs(make(args.n)).to_parquet(whole, index=False)
        frame = pd.read_parquet(whole, engine="pyarrow")
        selectlib.sweep(profile, frame.head(1000), VARY, on=ON)  # warm caches
        sweep_s, table = best_of(args.repeat, lambda: selectlib.sweep(profile, frame, VARY, on=ON))
        naive_s, flips = best_of(args.repeat, lambda: naive(profile, frame))
        if list(zip(table["gained"], table["lost"], strict=True)) != flips:
            raise SystemExit("mismatch: the sweep's gained/lost differ from the compares")
        evaluate_s, eligible = best_of(args.repeat, lambda: evaluations(profile, frame))
        if table["eligible"].tolist() != eligible:
            raise SystemExit("mismatch: the sweep's eligible counts differ from evaluate_many")
        (folder / "parts").mkdir()
        dask_s, lazy = dask_sweep(
            profile, partitions(frame, folder / "parts"), args.repeat, args.threads
        )
        if not lazy.equals(table):
            raise SystemExit("mismatch: the Dask sweep differs from the in-process one")

    workers = "threads" if args.threads else "processes"
    print(f"n={args.n} points={len(table)} partitions={PARTITIONS} workers=2 {workers}")
    print(f"eligible_at_baseline={int(table['eligible'].iloc[12])}")  # min_staff 3, metro 50
    print(f"sweep_s={sweep_s:.3f}")
    print(f"naive_s={naive_s:.3f}")
    print(f"ratio_vs_naive={naive_s / sweep_s:.2f}")
    print(f"naive_evaluate_s={evaluate_s:.3f}")
    print(f"ratio_vs_evaluate={evaluate_s / sweep_s:.2f}")
    print(f"dask_local_s={dask_s:.3f}")
    print(f"dask_overhead={dask_s / sweep_s:.2f}")


if __name__ == "__main__":
    main()
