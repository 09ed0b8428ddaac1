"""The ``selectlib profiles`` sub-commands: list, show, validate, schema.

Kept apart from :mod:`selectlib.cli.app` (which registers them) so the application module
stays a table of commands; light to import like the other command modules: the profile
loader and rich are imported when a command runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from selectlib.cli.options import (
    DEFAULT_LANG,
    ForceOpt,
    Lang,
    LangOpt,
    OnOpt,
    ProfileArg,
    option_day,
)
from selectlib.errors import ProfileError, SelectlibError

__all__ = ["profiles_list", "profiles_schema", "profiles_show", "profiles_validate"]


def profiles_list(lang: LangOpt = DEFAULT_LANG) -> None:
    """List the built-in profiles."""
    from rich.console import Console

    from selectlib.cli.profile_view import profiles_table
    from selectlib.profile.compiled import list_profiles, load_profile

    Console().print(profiles_table([load_profile(name) for name in list_profiles()], lang))


def profiles_show(profile: ProfileArg, on: OnOpt = None, lang: LangOpt = DEFAULT_LANG) -> None:
    """Show a profile's fields, parameters (on --on) and criteria."""
    from rich.console import Console

    from selectlib.cli import profile_view
    from selectlib.cli.labels import word
    from selectlib.cli.render import say, show_assumptions
    from selectlib.profile.compiled import load_profile

    loaded = load_profile(profile)
    day = option_day(on)
    spec = loaded.spec
    console = Console(highlight=False)
    console.rule(f"{spec.id}: {spec.name.get(lang)}")
    valid_to = spec.valid_to.isoformat() if spec.valid_to else word("open", lang)
    valid = f"{spec.valid_from} ~ {valid_to}"
    say(console, f"{word('version', lang)} {spec.version}; {word('valid', lang)} {valid}")
    for note in spec.notes:
        say(console, f"{word('note', lang)}: {note.get(lang)}")
    console.print(profile_view.fields_table(loaded, lang))
    console.print(profile_view.parameters_table(loaded, day, lang))
    console.print(profile_view.criteria_table(loaded, lang))
    show_assumptions(console, loaded, day, lang)


def _unsourced_lines(path: Path, wheres: tuple[str, ...] | list[str]) -> list[str]:
    return [f"{path}: {len(wheres)} value(s) neither sourced nor assumed"] + [
        f"  $.{where}: no source: and no assumption: "
        '(fix: cite the clause the value comes from, source: "004 ②", or say '
        "what was assumed and why, assumption: {ko: ..., en: ...})"
        for where in wheres
    ]


def _validated(path: Path, strict: bool, lang: Lang) -> tuple[bool, list[str]]:
    """Whether one file is a valid profile, and the lines ``profiles validate`` prints."""
    from selectlib.cli.labels import counted, word
    from selectlib.profile.assumptions import unsourced
    from selectlib.profile.compiled import load_profile

    try:
        loaded = load_profile(path)
    except ProfileError as exc:
        found = counted(len(exc.problems), "problem", lang)
        return False, [f"{path}: {found}", *(f"  {problem}" for problem in exc.problems)]
    except SelectlibError as exc:  # not found, not UTF-8
        text = str(exc)
        return False, [text if text.startswith(f"{path}:") else f"{path}: {text}"]
    unlabelled = unsourced(loaded.spec) if strict else ()
    if unlabelled:
        return False, _unsourced_lines(path, list(unlabelled))
    criteria = counted(len(loaded.criteria), "criterion", lang)
    return True, [f"{path}: {word('ok', lang)} ({loaded.id}, {criteria})"]


def profiles_validate(
    paths: Annotated[list[Path], typer.Argument(help="Profile files to check.", metavar="FILE")],
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Also refuse a number with neither a source: nor an assumption: label.",
        ),
    ] = False,
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """Check profile files; list every problem with its line and how to fix it."""
    bad = 0
    for path in paths:
        ok, lines = _validated(path, strict, lang)
        bad += not ok
        for line in lines:
            typer.echo(line)
    if bad:
        typer.echo(_bad_line(bad, len(paths), lang), err=True)
        raise typer.Exit(1)


def _bad_line(bad: int, total: int, lang: Lang) -> str:
    if lang is Lang.KO:
        return f"error: 프로필 {total:,}개 중 {bad:,}개에 문제가 있습니다"
    profiles = "profile" if total == 1 else "profiles"
    return f"error: {bad:,} of {total:,} {profiles} {'has' if bad == 1 else 'have'} problems"


def profiles_schema(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the schema here.", metavar="FILE")
    ] = None,
    force: ForceOpt = False,
    lang: LangOpt = DEFAULT_LANG,
) -> None:
    """Print the JSON Schema of the profile format."""
    from selectlib.io.files import check_output, write_file
    from selectlib.profile.schema import PROFILE_SCHEMA

    text = json.dumps(PROFILE_SCHEMA, indent=2, ensure_ascii=False)
    if out is None:
        typer.echo(text)
    else:
        check_output(out, force=force)
        write_file(out, lambda path: path.write_text(text + "\n", encoding="utf-8"))
        typer.echo(f"저장: {out}" if lang is Lang.KO else f"wrote {out}")
