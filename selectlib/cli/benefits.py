"""The ``selectlib benefits`` command: who is granted how much under a program's budget.

Evaluates a table of applicants with a profile that has a ``benefits`` section, spreads
the budget with :func:`selectlib.fund` and shows the pots and the
applicants, or writes every row (and the payments and pots beside it) to files. What is
shown and written is in :mod:`selectlib.cli.funding_view`, imported by the command, so
``--help`` loads no table library.
"""

from __future__ import annotations

import enum
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final

import typer

from selectlib.cli.options import (
    DEFAULT_LANG,
    ForceOpt,
    Format,
    FormatOpt,
    InputArg,
    LangOpt,
    OnOpt,
    ProfileArg,
    RawCsvOpt,
    check_outputs,
    option_day,
    output_format,
)

if TYPE_CHECKING:
    from selectlib.benefits.budget import Method
    from selectlib.benefits.numbers import BenefitError

__all__ = ["benefits", "parse_won"]

SHOWN_ROWS: Final = 30
"""Applicants shown in the terminal; --out writes all of them."""
_WON: Final = re.compile(r"[0-9]+(?:_[0-9]+)*|[0-9]{1,3}(?:,[0-9]{3})+")


class Allocate(enum.StrEnum):
    """How the budget is spread, as written on the command line."""

    RANK = "rank"
    ARRIVAL = "arrival"
    PRO_RATA = "pro-rata"


METHODS: Final[dict[Allocate, Method]] = {
    Allocate.RANK: "rank",
    Allocate.ARRIVAL: "arrival",
    Allocate.PRO_RATA: "pro_rata",
}


def parse_won(text: str | None, option: str) -> int | None:
    """A whole number of won from the command line: ``100000000``, ``100_000_000`` or
    ``100,000,000`` (commas in groups of three); anything else is a usage error."""
    if text is None:
        return None
    body = text.strip()
    if not _WON.fullmatch(body):
        raise typer.BadParameter(
            f"{text!r} is not a whole number of won; write e.g. 100000000, 100_000_000 "
            "or 100,000,000",
            param_hint=option,
        )
    return int(body.replace(",", "").replace("_", ""))


def cli_shaped(error: BenefitError) -> BenefitError:
    """``error`` with the command line's option in place of the Python argument it names
    (``--budget WON``, not ``fund(..., budget=WON)``)."""
    from selectlib.benefits.funding import BUDGET_HINT
    from selectlib.benefits.numbers import BenefitError as Shaped

    problems = [p.replace(BUDGET_HINT, "--budget WON") for p in error.problems]
    return Shaped(error.argument, problems)


# -- the command -----------------------------------------------------------------------------


BudgetOpt = Annotated[
    str | None,
    typer.Option(
        "--budget",
        metavar="WON",
        help="Budget in won, replacing the profile's (one pot): 100000000 or 100,000,000.",
    ),
]
AllocateOpt = Annotated[
    Allocate | None,
    typer.Option("--allocate", help="rank, arrival or pro-rata (default: the profile's)."),
]
AverageOpt = Annotated[
    str | None,
    typer.Option(
        "--average",
        metavar="WON",
        help="Average support per applicant in won, for the capacity of each pot "
        "(default: the profile's).",
    ),
]
RowOrderOpt = Annotated[
    bool,
    typer.Option(
        "--row-order-ties",
        help="Fund applicants tied in the funding order in row order instead of refusing.",
    ),
]
FundingOutOpt = Annotated[
    Path | None,
    typer.Option("--out", help="Write every row here, with FILE_payments and FILE_pots."),
]


def benefits(
    profile: ProfileArg,
    input: InputArg,
    on: OnOpt = None,
    budget: BudgetOpt = None,
    allocate: AllocateOpt = None,
    average: AverageOpt = None,
    row_order: RowOrderOpt = False,
    out: FundingOutOpt = None,
    format: FormatOpt = None,
    lang: LangOpt = DEFAULT_LANG,
    force: ForceOpt = False,
    raw_csv: RawCsvOpt = False,
) -> None:
    """Decide every applicant in INPUT and spread the budget: who gets how much, and why."""
    from rich.console import Console

    from selectlib.benefits.funding import fund
    from selectlib.benefits.numbers import BenefitError
    from selectlib.cli.funding_view import (
        applicants_table,
        output_files,
        show_summary,
        write_funding,
    )
    from selectlib.cli.labels import wrote
    from selectlib.cli.render import absent_fields_note, say
    from selectlib.io.safe import csv_frame
    from selectlib.io.tables import read_table
    from selectlib.io.write import json_text
    from selectlib.profile.compiled import load_profile

    chosen = output_format(format, out)
    check_outputs(output_files(out) if out is not None else [], [input, profile], force)
    money = parse_won(budget, "--budget")
    mean = parse_won(average, "--average")
    if mean == 0:
        raise typer.BadParameter("must be more than 0 won", param_hint="--average")
    rules = load_profile(profile)
    day = option_day(on)
    frame = read_table(input)
    note = absent_fields_note(rules, list(frame.columns), False, lang)
    if note:
        say(Console(stderr=True), note)
    try:
        funding = fund(
            rules,
            frame,
            day,
            budget=money,
            method=METHODS[allocate] if allocate is not None else None,
            average_support=mean,
            ties="row_order" if row_order else "refuse",
        )
    except BenefitError as exc:
        raise cli_shaped(exc) from None
    console = Console(stderr=out is None and chosen is not Format.TABLE, highlight=False)
    show_summary(console, rules, funding, lang)
    if chosen is Format.TABLE:
        console.print(applicants_table(rules, funding, lang, SHOWN_ROWS))
    elif out is not None:
        for path, rows in write_funding(funding, out, chosen, raw_csv):
            say(console, wrote(path, rows, lang))
    elif chosen is Format.CSV:
        frame = funding.table if raw_csv else csv_frame(funding.table)
        typer.echo(frame.to_csv(index=False), nl=False)
    else:
        typer.echo(json_text(funding.table), nl=False)
