"""The ``selectlib simulate`` command: a grid of rule changes over a table of applicants.

Only the signature lives here (``--help`` loads no table library); the work is in
:mod:`selectlib.cli.sweep_run`, imported when the command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from selectlib.cli.geo import AreasOpt
from selectlib.cli.options import (
    DEFAULT_LANG,
    ForceOpt,
    LangOpt,
    OnOpt,
    ProfileArg,
    RawCsvOpt,
)

__all__ = ["simulate"]

VaryOpt = Annotated[
    list[str],
    typer.Option(
        "--vary",
        metavar="KEY=V1,V2,...",
        help="A parameter and its values (YAML, comma-separated), repeatable: "
        "min_staff=1,2,3, cluster_min.metro=30,40,50, budget=100_000_000,200_000_000, "
        "allocation=rank,pro_rata.",
    ),
]
SweepInputArg = Annotated[
    Path,
    typer.Argument(help="Applicants: .csv, .xlsx, .parquet, .json, or a folder of .parquet."),
]
ZipOpt = Annotated[
    bool, typer.Option("--zip", help="Pair the values of the --vary keys instead of combining.")
]
ByOpt = Annotated[
    str | None, typer.Option("--by", metavar="COLUMN", help="Count per value of this column.")
]
SweepBudgetOpt = Annotated[
    str | None,
    typer.Option("--budget", metavar="WON", help="Budget in won, replacing the profile's."),
]
SweepFirmsOpt = Annotated[
    Path | None,
    typer.Option("--firms", help="A firm registry: the cluster parameters are swept from it."),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        help="A Dask scheduler for a folder of Parquet partitions (default: in-process).",
    ),
]
SweepOutOpt = Annotated[
    Path | None,
    typer.Option("--out", help="Write the sweep table: .xlsx, .csv, .parquet or .json."),
]


def simulate(
    profile: ProfileArg,
    input: SweepInputArg,
    vary: VaryOpt,
    zip_: ZipOpt = False,
    by: ByOpt = None,
    budget: SweepBudgetOpt = None,
    on: OnOpt = None,
    firms: SweepFirmsOpt = None,
    areas: AreasOpt = None,
    scheduler: SchedulerOpt = None,
    out: SweepOutOpt = None,
    lang: LangOpt = DEFAULT_LANG,
    force: ForceOpt = False,
    raw_csv: RawCsvOpt = False,
) -> None:
    """Sweep parameters over INPUT: outcomes, flips and failures at each grid point."""
    from selectlib.cli.sweep_run import run_sweep

    run_sweep(
        profile,
        input,
        vary,
        zipped=zip_,
        by=by,
        budget=budget,
        on=on,
        firms=firms,
        areas=areas,
        scheduler=scheduler,
        out=out,
        lang=lang,
        force=force,
        raw_csv=raw_csv,
    )
