"""Command-line options shared by the ``selectlib`` commands: language, output format, --on.

Kept apart from :mod:`selectlib.cli.app` so each command module can use them without
importing the application that registers it.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer

from selectlib.dates import as_date
from selectlib.errors import InputError, OutputError
from selectlib.io.files import check_output
from selectlib.io.write import format_of

__all__ = [
    "ForceOpt",
    "Format",
    "Lang",
    "RawCsvOpt",
    "check_folder",
    "check_outputs",
    "option_day",
    "output_format",
]

ForceOpt = Annotated[
    bool, typer.Option("--force", help="Replace output files that exist (else they are kept).")
]
RawCsvOpt = Annotated[
    bool,
    typer.Option(
        "--raw-csv",
        help="Write CSV cells exactly as they are, without the leading ' that stops a "
        "spreadsheet from running cells starting with = + - @ as formulas.",
    ),
]


class Lang(enum.StrEnum):
    """Language of labels and reasons."""

    KO = "ko"
    EN = "en"


class Format(enum.StrEnum):
    """How results are shown or written."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"
    XLSX = "xlsx"
    PARQUET = "parquet"


def option_day(on: str | None) -> dt.date:
    """The --on date (default today); a bad date names the option."""
    try:
        return as_date(on)
    except InputError as exc:
        raise InputError(f"--on {exc.reason}") from None


def output_format(chosen: Format | None, out: Path | None) -> Format:
    """The --format asked for, or the one --out's extension implies (else a table)."""
    if chosen is None:
        return Format(format_of(out)) if out is not None else Format.TABLE
    if chosen is Format.TABLE and out is not None:
        raise typer.BadParameter(
            "table is for the terminal; write csv, json, xlsx or parquet to a file",
            param_hint="--format",
        )
    if chosen in (Format.XLSX, Format.PARQUET) and out is None:
        raise typer.BadParameter(f"{chosen} needs --out FILE", param_hint="--format")
    return chosen


def check_folder(folder: Path, inputs: Iterable[Path | str | None]) -> None:
    """Refuse an output folder that is an input file, or an input folder or inside one
    (what is written there would be read back as input)."""
    target = folder.resolve()
    for given in inputs:
        if given is None:
            continue
        source = Path(given).resolve()
        if target == source or (source.is_dir() and source in target.parents):
            raise OutputError(
                f"the output folder is {'' if target == source else 'inside '}the input "
                f"{str(given)!r}: choose another folder",
                file=str(folder),
            )


def check_outputs(
    outputs: Iterable[Path | None], inputs: Iterable[Path | str | None], force: bool
) -> None:
    """Refuse, before any work, an output that is (or is inside) an input, or that exists
    without --force; ``None`` entries are options not given."""
    given = [path for path in inputs if path is not None]
    for out in outputs:
        if out is not None:
            check_output(out, inputs=given, force=force)
