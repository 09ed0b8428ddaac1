"""Command-line options shared by the ``selectlib`` commands: language, output format, --on,
--set.

Kept apart from :mod:`selectlib.cli.app` so each command module can use them without
importing the application that registers it. Light: typer builds ``--help`` from these
annotations, so this module imports no table library (``selectlib --help`` starts fast).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any, Final

import typer

from selectlib.dates import as_date
from selectlib.errors import InputError, OutputError

__all__ = [
    "DEFAULT_LANG",
    "LANG_ENV",
    "LANG_OPTION",
    "MAX_SET_DEPTH",
    "MAX_SET_LENGTH",
    "ForceOpt",
    "Format",
    "FormatOpt",
    "InputArg",
    "Lang",
    "LangOpt",
    "OnOpt",
    "ProfileArg",
    "RawCsvOpt",
    "check_folder",
    "check_outputs",
    "option_day",
    "output_format",
    "parse_lang",
    "parse_set",
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


ProfileArg = Annotated[
    str, typer.Argument(help="A built-in profile id or a profile file.", metavar="PROFILE")
]
InputArg = Annotated[
    Path, typer.Argument(help="Applicants: .csv, .xlsx, .parquet or .json.", metavar="INPUT")
]
OnOpt = Annotated[
    str | None,
    typer.Option("--on", help="Evaluation date YYYY-MM-DD (default: today).", metavar="DATE"),
]
FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format", help="table, csv, json, xlsx or parquet (default: from --out, else table)."
    ),
]

DEFAULT_LANG: Final = Lang.KO
"""The language of every command when neither --lang nor SELECTLIB_LANG says otherwise."""
LANG_ENV: Final = "SELECTLIB_LANG"
"""The environment variable that sets --lang once for every command."""


def parse_lang(value: object) -> Lang:
    """--lang (or SELECTLIB_LANG) as a :class:`Lang`; any other value is one usage line
    naming the choices."""
    if isinstance(value, Lang):
        return value
    try:
        return Lang(str(value).strip().lower())
    except ValueError:
        raise typer.BadParameter(
            f"{str(value)[:40]!r} is not a language: choose ko (Korean) or en (English)"
        ) from None


LANG_OPTION: Final = typer.Option(
    "--lang",
    envvar=LANG_ENV,
    parser=parse_lang,
    metavar="ko|en",
    show_envvar=True,
    help="Language of every label, status and reason.",
)
"""The one language switch of every command: ``lang: LangOpt = DEFAULT_LANG``."""
LangOpt = Annotated[Lang, LANG_OPTION]


def option_day(on: str | None) -> dt.date:
    """The --on date (default today); a bad date names the option."""
    try:
        return as_date(on)
    except InputError as exc:
        raise InputError(f"--on {exc.reason}") from None


def output_format(chosen: Format | None, out: Path | None) -> Format:
    """The --format asked for, or the one --out's extension implies (else a table)."""
    from selectlib.io.write import format_of

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
    from selectlib.io.files import check_output

    given = [path for path in inputs if path is not None]
    for out in outputs:
        if out is not None:
            check_output(out, inputs=given, force=force)


MAX_SET_LENGTH: Final = 4_000
"""The longest ``--set KEY=VALUE``, in characters: room for a table of every region, and
short of the 4,300 digits past which Python refuses to read a whole number."""
MAX_SET_DEPTH: Final = 4
"""The deepest nesting of lists and mappings in a ``--set`` value; a parameter's value has
one level (a list or a table), and ``with_params`` says which shape it needs."""


def _cut(item: str) -> str:
    """An option as given, cut short for a message."""
    return repr(item) if len(item) <= 40 else f"{item[:40]!r}..."


def parse_set(items: Sequence[str] | None) -> dict[str, Any]:
    """``--set KEY=VALUE`` options as a mapping, each VALUE read as YAML (a date as text).

    The size (MAX_SET_LENGTH) and the nesting (MAX_SET_DEPTH) are checked before a value
    is built, so a value thousands of digits long or thousands deep costs nothing; a
    value that is not YAML is a usage error.
    """
    import yaml

    from selectlib.cli.set_yaml import nesting, read_value

    changes: dict[str, Any] = {}
    for item in items or []:
        key, equals, text = item.partition("=")
        if not equals or not key.strip():
            raise typer.BadParameter(
                f"{_cut(item)} is not KEY=VALUE (e.g. min_staff=2)", param_hint="--set"
            )
        if len(item) > MAX_SET_LENGTH:
            raise InputError(
                f"--set {_cut(item)} is {len(item):,} characters, more than "
                f"MAX_SET_LENGTH ({MAX_SET_LENGTH:,}); change a large table in the profile file"
            )
        try:
            deep = nesting(text, MAX_SET_DEPTH) > MAX_SET_DEPTH
            value = None if deep else read_value(text)
        except (yaml.YAMLError, ValueError) as exc:
            problem = getattr(exc, "problem", None) or str(exc) or "not YAML"
            raise typer.BadParameter(f"{_cut(item)}: {problem}", param_hint="--set") from None
        if deep:
            raise InputError(
                f"--set {_cut(item)}: lists or mappings nest more than MAX_SET_DEPTH "
                f"({MAX_SET_DEPTH}) deep; a parameter is a number, text, a list or a table"
            )
        changes[key.strip()] = value
    return changes
