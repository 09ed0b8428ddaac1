"""Command-line options shared by the ``selectlib`` commands: language, output format, --on.

Kept apart from :mod:`selectlib.cli.app` so each command module can use them without
importing the application that registers it.
"""

from __future__ import annotations

import datetime as dt
import enum
from pathlib import Path

import typer

from selectlib.dates import as_date
from selectlib.errors import InputError
from selectlib.io.write import format_of

__all__ = ["Format", "Lang", "option_day", "output_format"]


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
            "table is for the terminal; write csv, json or xlsx to a file", param_hint="--format"
        )
    if chosen is Format.XLSX and out is None:
        raise typer.BadParameter("xlsx needs --out FILE", param_hint="--format")
    return chosen
