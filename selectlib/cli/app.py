"""The ``selectlib`` command: check applicants, compare reforms, inspect profiles.

Errors selectlib raises on purpose (and file errors) end the command with
``error: <message>`` on stderr and exit code 1, never a traceback.

Light to import: typer builds ``--help`` from the commands' signatures alone, so the
table libraries (pandas, numpy, pyarrow, openpyxl, the geo stack) and rich's help
formatting are imported only when a command runs.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final, NoReturn, ParamSpec, TypeVar

import typer

from selectlib.cli.benefits import benefits
from selectlib.cli.evaluate import evaluate, sheets
from selectlib.cli.geo import AreasOpt, clusters
from selectlib.cli.help import LightGroup, PlainHelp
from selectlib.cli.options import (
    DEFAULT_LANG,
    ForceOpt,
    Format,
    FormatOpt,
    InputArg,
    Lang,
    LangOpt,
    OnOpt,
    ProfileArg,
    RawCsvOpt,
    check_outputs,
    option_day,
    output_format,
    parse_set,
)
from selectlib.cli.profiles import (
    profiles_list,
    profiles_schema,
    profiles_show,
    profiles_validate,
)
from selectlib.cli.replay import decide, replay
from selectlib.cli.serve import serve
from selectlib.cli.simulate import simulate
from selectlib.cli.starter import profiles_new
from selectlib.errors import SelectlibError

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from selectlib.cli.batches import Run
    from selectlib.profile.compiled import Profile

__all__ = ["app", "main"]

BATCH_ROWS: Final[int | None] = None
"""Rows read, evaluated and written at a time by check and compare (memory grows with it);
None: :data:`selectlib.io.stream.BATCH_ROWS`, read when a command runs."""
TABLE_ROWS: Final = 1_000
"""Rows shown in a terminal table; --out writes all of them."""


app = typer.Typer(
    name="selectlib",
    help="Decide who may take part in a public support program, and why.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    cls=LightGroup,
)
profiles_app = typer.Typer(
    help="List, show, validate profiles.",
    no_args_is_help=True,
    rich_markup_mode=None,
    cls=LightGroup,
)
app.add_typer(profiles_app, name="profiles")

OutOpt = Annotated[Path | None, typer.Option("--out", help="Write results to this file.")]
SET_HELP: Final = "Change a parameter: KEY=VALUE (VALUE is YAML), repeatable."
SetOpt = Annotated[list[str] | None, typer.Option("--set", help=SET_HELP, metavar="KEY=VALUE")]
FirmsOpt = Annotated[
    Path | None, typer.Option("--firms", help="A firm registry to compute the clusters from.")
]
SetRequired = Annotated[list[str], typer.Option("--set", help=SET_HELP, metavar="KEY=VALUE")]

P = ParamSpec("P")
R = TypeVar("R")


# -- errors ----------------------------------------------------------------------------------


def _message(exc: BaseException) -> str:
    if isinstance(exc, OSError) and not isinstance(exc, SelectlibError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return str(exc)


def _report(exc: BaseException) -> None:
    typer.echo(f"error: {_message(exc)}", err=True)


def _fail(exc: BaseException) -> NoReturn:
    _report(exc)
    raise typer.Exit(1)


def _handled(command: Callable[P, R]) -> Callable[P, R]:
    """Turn selectlib and file errors inside ``command`` into ``error: ...`` and exit 1."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (SelectlibError, OSError) as exc:
            _fail(exc)

    return run


# -- shared steps ----------------------------------------------------------------------------


def _batch_rows() -> int:
    """BATCH_ROWS, or the stream's default (imported only when a command runs)."""
    from selectlib.io.stream import BATCH_ROWS as DEFAULT

    return DEFAULT if BATCH_ROWS is None else BATCH_ROWS


def _rules(profile: str, items: list[str] | None) -> Profile:
    from selectlib.profile.compiled import load_profile

    loaded = load_profile(profile)
    changes = parse_set(items)
    return loaded.with_params(changes) if changes else loaded


def _summary_console(chosen: Format, out: Path | None) -> Console:
    """stdout, unless stdout carries csv/json data: then stderr."""
    from rich.console import Console

    return Console(stderr=out is None and chosen is not Format.TABLE, highlight=False)


def _wrote(console: Console, run: Run, out: Path | None, lang: Lang) -> None:
    from selectlib.cli.labels import wrote
    from selectlib.cli.render import say

    if out is not None:
        say(console, wrote(out, run.rows, lang))


# -- commands --------------------------------------------------------------------------------


def check(
    profile: ProfileArg,
    input: InputArg,
    on: OnOpt = None,
    out: OutOpt = None,
    format: FormatOpt = None,
    set_: SetOpt = None,
    lang: LangOpt = DEFAULT_LANG,
    firms: FirmsOpt = None,
    areas: AreasOpt = None,
    force: ForceOpt = False,
    raw_csv: RawCsvOpt = False,
) -> None:
    """Evaluate every applicant in INPUT and show or write the decisions.

    With --firms (and --areas), the profile's derived fields (the cluster count and area
    type) are computed from the firm registry and maps instead of read from INPUT.
    """
    from rich.console import Console

    from selectlib.cli import render
    from selectlib.cli.batches import Job, run_batches
    from selectlib.cli.geo import geo_context
    from selectlib.cli.labels import word
    from selectlib.cli.render import say

    chosen = output_format(format, out)
    check_outputs([out], [input, firms, areas, profile], force)
    rules = _rules(profile, set_)
    day = option_day(on)
    context = geo_context(firms, areas) if firms is not None else None
    other = "reasons_en" if lang is Lang.KO else "reasons_ko"
    noted: list[bool] = []

    def work(frame: pd.DataFrame) -> pd.DataFrame:
        if not noted:
            noted.append(True)
            derived = context is not None
            note = render.absent_fields_note(rules, list(frame.columns), derived, lang)
            if note:
                say(Console(stderr=True), note)
        results = rules.evaluate_many(frame, on=day, explain=True, context=context)
        return results.drop(columns=other) if chosen is not Format.TABLE else results

    job = Job(work, "outcome", lambda results: results.iloc[:TABLE_ROWS])
    sheet = word("results", lang)
    appendix = render.assumptions_sheet(rules, day, lang, scoring=False)
    run = run_batches(
        input,
        job,
        rows=_batch_rows(),
        out=out,
        format=chosen,
        raw=raw_csv,
        sheet=sheet,
        appendix=appendix,
    )
    console = _summary_console(chosen, out)
    if chosen is Format.TABLE:
        table = render.decisions_table(run.table(), rules, lang, limit=TABLE_ROWS, total=run.rows)
        console.print(table)
    _wrote(console, run, out, lang)
    if context is not None:
        say(console, f"{word('firm registry', lang)}: {context.firms.report.summary(lang)}")
    render.show_assumptions(console, rules, day, lang, scoring=False)
    say(console, render.outcome_counts_line(run.counts, run.rows, lang))


def compare(
    profile: ProfileArg,
    input: InputArg,
    set_: SetRequired,
    on: OnOpt = None,
    out: OutOpt = None,
    format: FormatOpt = None,
    lang: LangOpt = DEFAULT_LANG,
    force: ForceOpt = False,
    raw_csv: RawCsvOpt = False,
) -> None:
    """Evaluate INPUT before and after --set changes: who flips, which way, and why."""
    from selectlib.cli import render
    from selectlib.cli.batches import Job, run_batches
    from selectlib.cli.labels import word
    from selectlib.cli.render import say
    from selectlib.profile.compiled import load_profile
    from selectlib.simulate.compare import compare as compare_profiles
    from selectlib.simulate.compare import summarize_comparison

    chosen = output_format(format, out)
    check_outputs([out], [input, profile], force)
    baseline = load_profile(profile)
    reform = _rules(profile, set_)
    day = option_day(on)

    def work(frame: pd.DataFrame) -> pd.DataFrame:
        return compare_profiles(baseline, reform, frame, on=day)

    job = Job(work, "change", lambda result: result[result["change"] != "unchanged"])
    sheet = word("comparison", lang)
    run = run_batches(
        input, job, rows=_batch_rows(), out=out, format=chosen, raw=raw_csv, sheet=sheet
    )
    console = _summary_console(chosen, out)
    if chosen is Format.TABLE:
        flipped = run.table()
        console.print(render.summary_table(summarize_comparison(flipped), lang))
        console.print(render.comparison_table(flipped, baseline.spec.identifier, lang=lang))
    _wrote(console, run, out, lang)
    render.show_assumptions(console, baseline, day, lang, scoring=False)
    say(console, render.change_counts_line(run.counts, run.rows, lang))


def demo(
    out: Annotated[
        Path,
        typer.Option("--out", help="Folder for the decisions, the reform and the reports."),
    ] = Path("selectlib-demo"),
    lang: LangOpt = DEFAULT_LANG,
    force: ForceOpt = False,
) -> None:
    """Run the flagship program on the sample data: eligibility, a reform, the selection."""
    from selectlib.cli.demo import run_demo

    run_demo(out, lang, force)


COMMANDS: Final[dict[str, Callable[..., None]]] = {
    "check": check,
    "compare": compare,
    "demo": demo,
    "benefits": benefits,
    "clusters": clusters,
    "evaluate": evaluate,
    "sheets": sheets,
    "serve": serve,
    "decide": decide,
    "replay": replay,
    "simulate": simulate,
}
"""The commands in the order ``selectlib --help`` lists them (then ``profiles``)."""
PROFILES_COMMANDS: Final[dict[str, Callable[..., None]]] = {
    "list": profiles_list,
    "show": profiles_show,
    "validate": profiles_validate,
    "schema": profiles_schema,
    "new": profiles_new,
}
"""The ``selectlib profiles`` sub-commands."""


def _register(group: typer.Typer, name: str, command: Callable[..., None]) -> None:
    """Add ``command`` to ``group``, its errors handled. The command list of ``--help``
    shows the docstring's whole first line: plain help would cut it at the screen's width."""
    summary = (command.__doc__ or "").strip().splitlines()[0]
    group.command(name, short_help=summary, cls=PlainHelp)(_handled(command))


for _name, _command in COMMANDS.items():
    _register(app, _name, _command)
for _name, _command in PROFILES_COMMANDS.items():
    _register(profiles_app, _name, _command)


def main() -> None:
    """Run the command line (the ``selectlib`` console script)."""
    try:
        app(prog_name="selectlib")
    except (SelectlibError, OSError) as exc:  # raised outside a command body
        _report(exc)
        sys.exit(1)


if __name__ == "__main__":
    main()
