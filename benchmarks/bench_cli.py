"""The ``selectlib check`` command end to end, against pandas reading and writing the same files.

Run: ``python benchmarks/bench_cli.py [--n 1000000] [--repeat 2]``.

Writes ``--n`` applicants shaped like ``sample_data/applicants.csv`` (an id, a name, text
categories, yes/no cells and ``;``-separated sets, generated as bench_eligibility.py
does) as Parquet (the categories as dictionary columns) and as CSV in a temporary folder.
Then times, each as a subprocess so that both sides pay Python's start:

- ``selectlib check P in.parquet --out out.parquet`` against a pandas ``read_parquet`` +
  ``to_parquet`` of the same file: ``cli_parquet_ratio=`` (target ≤ 2);
- the CSV → CSV run against ``read_csv`` (all text) + ``to_csv``: ``cli_csv_ratio=``
  (target ≤ 2.5);
- the peak resident memory of the Parquet check, ``peak_mb=``, and of a plain
  ``read_parquet``, ``plain_read_peak_mb=`` (target: peak ≤ 2× plain); ``csv_peak_mb=``
  (measured with ``/usr/bin/time``; ``nan`` where it is missing);
- ``selectlib --help``: ``help_s=`` (target ≤ 0.35).

Baseline and check runs alternate; each time printed is the best of ``--repeat`` runs.
Nothing here asserts a time.

The children run as an installed package runs: Python keeps their compiled modules (in
a temporary ``PYTHONPYCACHEPREFIX``, warmed by one run of each command on a small
file), even when this session sets ``PYTHONDONTWRITEBYTECODE`` (pip compiles a wheel's
modules when it installs it; pandas' are compiled in site-packages). Without that,
a source tree's selectlib would compile its hundred modules on every run (about
0.15 s), which pandas does not. ``--no-bytecode`` keeps the session's setting;
``bytecode=`` says which was used.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from bench_eligibility import AREAS, AUTONOMOUS, MANDATORY, make

PROFILE = "micro_manufacturer_center_2024"
ON = "2024-05-01"
TIME = Path("/usr/bin/time")
CATEGORIES = (
    "area_type",
    "operator_type",
    "has_dedicated_space",
    "has_equipment",
    "offers_education",
    "micro_manufacturer_related",
    "mandatory_programs",
    "autonomous_programs",
)


def applicants(n: int) -> pd.DataFrame:
    """``n`` applicants with the sample's columns, as text (categories as ``category``)."""
    raw = make(n)
    yes_no = np.array(["no", "yes"])
    autonomous = [";".join(AUTONOMOUS[:k]) for k in range(len(AUTONOMOUS) + 1)]
    frame = pd.DataFrame(
        {
            "applicant_id": [f"A{i:07d}" for i in range(n)],
            "applicant_name": [f"소공인지원재단 {i}" for i in range(n)],
            "area_type": np.array(AREAS)[raw["area_code"]],
            "cluster_count": raw["cluster_count"],
            "operator_type": np.where(raw["is_nonprofit"], "nonprofit_corporation", "for_profit"),
            "has_dedicated_space": yes_no[raw["has_dedicated_space"].astype(int)],
            "has_equipment": yes_no[raw["has_equipment"].astype(int)],
            "staff": raw["staff"],
            "mandatory_programs": ";".join(MANDATORY),
            "offers_education": yes_no[raw["offers_education"].astype(int)],
            "micro_manufacturer_related": yes_no[raw["is_related"].astype(int)],
            "autonomous_programs": np.array(autonomous)[raw["n_autonomous_programs"]],
        }
    )
    return frame.astype(dict.fromkeys(CATEGORIES, "category"))


def child_env(cache: Path | None) -> dict[str, str]:
    """The children's environment; with ``cache``, compiled modules are kept there."""
    env = dict(os.environ)
    if cache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def timed(command: list[str], folder: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of ``command`` run as a child process.

    It runs in ``folder``, so ``python -m selectlib`` imports the installed selectlib (or
    the one on PYTHONPATH), not a source tree in the current folder. The peak is
    measured by ``/usr/bin/time`` (a small parent: a child forked from this
    process would count this process's memory before its ``exec``); NaN without it.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as report:
        timer = ["/usr/bin/time", "-f", "%M", "-o", report.name] if TIME.exists() else []
        start = time.perf_counter()
        done = subprocess.run(
            [*timer, *command], capture_output=True, check=False, cwd=folder, env=env
        )
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr.decode()}")
        kib = report.read().strip().splitlines()[-1:] if timer else []
    return seconds, float(kib[0]) / 1024 if kib else float("nan")


def best(
    repeat: int, commands: dict[str, list[str]], folder: Path, env: dict[str, str]
) -> dict[str, tuple[float, float]]:
    """Each command's fastest run and its largest peak, the commands alternating."""
    results: dict[str, tuple[float, float]] = {}
    for _ in range(repeat):
        for name, command in commands.items():
            seconds, peak = timed(command, folder, env)
            old = results.get(name, (seconds, peak))
            results[name] = (min(old[0], seconds), max(old[1], peak))
    return results


def pandas_copy(read: str, write: str) -> list[str]:
    """A child process that reads and writes with pandas alone."""
    return [sys.executable, "-c", f"import pandas as pd; frame = {read}; {write}"]


def write_inputs(n: int, folder: Path) -> tuple[Path, Path]:
    """``n`` applicants as Parquet and as CSV in ``folder``."""
    folder.mkdir(exist_ok=True)
    parquet, csv = folder / "in.parquet", folder / "in.csv"
    frame = applicants(n)
    frame.to_parquet(parquet, index=False)
    frame.to_csv(csv, index=False)
    return parquet, csv


def commands_for(root: Path, parquet: Path, csv: Path) -> dict[str, list[str]]:
    """The timed commands, reading ``parquet`` and ``csv`` and writing into ``root``."""
    cli = [sys.executable, "-m", "selectlib"]
    check = [*cli, "check", PROFILE, "--on", ON, "--force"]
    text = "dtype=str, keep_default_na=False, na_values=['']"
    return {
        "pandas_parquet": pandas_copy(
            f"pd.read_parquet({str(parquet)!r})",
            f"frame.to_parquet({str(root / 'pd.parquet')!r}, index=False)",
        ),
        "cli_parquet": [*check, str(parquet), "--out", str(root / "out.parquet")],
        "pandas_csv": pandas_copy(
            f"pd.read_csv({str(csv)!r}, {text})",
            f"frame.to_csv({str(root / 'pd.csv')!r}, index=False)",
        ),
        "cli_csv": [*check, str(csv), "--out", str(root / "out.csv")],
        "plain_read": pandas_copy(f"pd.read_parquet({str(parquet)!r})", "None"),
        "help": [*cli, "--help"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000, help="applicants in the files")
    parser.add_argument("--repeat", type=int, default=2, help="runs per timing (best is kept)")
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="keep this session's PYTHONDONTWRITEBYTECODE (a source tree compiled each run)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        env = child_env(None if args.no_bytecode else root / "pycache")
        if not args.no_bytecode:  # compile every module the commands import, once
            warm = root / "warm"
            best(1, commands_for(warm, *write_inputs(1_000, warm)), warm, env)
        commands = commands_for(root, *write_inputs(args.n, root))
        got = best(args.repeat, commands, root, env)
        rows = len(pd.read_parquet(root / "out.parquet", columns=["outcome"]))
        if rows != args.n:
            raise SystemExit(f"check wrote {rows} rows for {args.n} applicants")

    for name, (seconds, peak) in got.items():
        print(f"{name}_s={seconds:.3f} {name}_peak_mb={peak:.0f}")
    print(f"n={args.n}")
    print(f"bytecode={'off' if args.no_bytecode else 'cached'}")
    print(f"cli_parquet_ratio={got['cli_parquet'][0] / got['pandas_parquet'][0]:.2f}")
    print(f"cli_csv_ratio={got['cli_csv'][0] / got['pandas_csv'][0]:.2f}")
    print(f"peak_mb={got['cli_parquet'][1]:.0f}")
    print(f"csv_peak_mb={got['cli_csv'][1]:.0f}")
    print(f"plain_read_peak_mb={got['plain_read'][1]:.0f}")
    print(f"help_s={got['help'][0]:.3f}")


if __name__ == "__main__":
    main()
