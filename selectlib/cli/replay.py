"""The ``selectlib decide`` and ``selectlib replay`` commands: one decision with its audit
record as JSON, and that JSON evaluated again.

Signatures only: the work is in :mod:`selectlib.cli.audit_view`, imported when a command
runs, so ``--help`` loads no table library.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from selectlib.cli.options import (
    DEFAULT_LANG,
    ForceOpt,
    LangOpt,
    OnOpt,
    ProfileArg,
    check_outputs,
)

__all__ = ["decide", "replay"]


def decide(
    profile: ProfileArg,
    applicant: Annotated[
        Path, typer.Argument(help="One applicant: a .json file holding one object.")
    ],
    on: OnOpt = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Change a parameter: KEY=VALUE (VALUE is YAML), repeatable."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the decision JSON here (else stdout).")
    ] = None,
    force: ForceOpt = False,
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """Decide one applicant and print the decision as JSON, with its audit record and input.

    What is printed (or written to --out) is what `selectlib replay` reads back.
    """
    from selectlib.cli.audit_view import decide_one

    check_outputs([out], [applicant, profile], force)
    decide_one(profile, applicant, on, set_, out, lang)


def replay(
    stored: Annotated[
        Path, typer.Argument(help="A decision as `selectlib decide` writes it (.json).")
    ],
    profile: Annotated[
        str | None,
        typer.Option("--profile", help="Replay with this profile (default: the one it names)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """Evaluate a stored decision again: exit 0 if it is reproduced, 1 naming what differs."""
    from selectlib.cli.audit_view import replay_file

    if not replay_file(stored, profile, as_json, lang):
        raise typer.Exit(1)
