"""``--help`` in words a user types: ``PROFILE INPUT``, ``--out FILE``, ``--set KEY=VALUE``,
not typer's ``{profile}``, ``<path>``, ``<list[str]>`` or ``<bool>``.

Every command is registered with :class:`PlainHelp`, so a command module only names its
options (``metavar=`` where a better word exists) and the rest reads plainly too. Light:
only typer, like the other modules ``--help`` loads.
"""

from __future__ import annotations

import re
from typing import Any, Final

from typer.core import TyperCommand, TyperGroup

__all__ = ["TYPE_WORDS", "LightGroup", "PlainHelp", "argument_name", "plain"]

TYPE_WORDS: Final = {
    "path": "FILE",
    "str": "TEXT",
    "int": "N",
    "float": "N",
    "bool": "",
    "list[str]": "TEXT...",
    "list[Path]": "FILE...",
}
"""The word shown for each of typer's type labels (a flag, ``<bool>``, shows none)."""
_TYPE = re.compile(r" <([^<>]+)>")


def _word(match: re.Match[str]) -> str:
    label = match.group(1)
    shown = TYPE_WORDS.get(label, label)  # a choice such as table|csv stays itself
    return f" {shown}" if shown else ""


def argument_name(param: Any) -> str:
    """An argument as ``--help`` names it: its metavar, else its name in capitals;
    ``...`` when it takes several values."""
    name = str(param.metavar or param.name).upper()
    return f"{name}..." if param.nargs != 1 else name


def plain(record: str) -> str:
    """A help line's option or argument column with typer's ``<type>`` labels as words."""
    return _TYPE.sub(_word, record)


class PlainHelp(TyperCommand):
    """A command whose ``--help`` names arguments and values in plain words, and whose
    values are converted without pydantic where typer allows it."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Parse as typer does; values are converted by :mod:`selectlib.cli.coercion`."""
        _light(self.get_params(ctx))
        parsed: list[str] = super().parse_args(ctx, args)
        return parsed

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """``PROFILE INPUT`` (an argument by its name alone), not ``{profile} {input}``."""
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """The arguments by name, then the options with their values as words."""
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            name, text = record
            if param.param_type_name == "argument":
                arguments.append((argument_name(param), text))
            else:
                options.append((plain(name), text))
        for title, records in (("Arguments", arguments), ("Options", options)):
            if records:
                with formatter.section(title):
                    formatter.write_dl(records)


class LightGroup(TyperGroup):
    """A group of commands (``selectlib``, ``selectlib profiles``) whose own options are
    converted without pydantic, as :class:`PlainHelp`'s are."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Parse as typer does; values are converted by :mod:`selectlib.cli.coercion`."""
        _light(self.get_params(ctx))
        parsed: list[str] = super().parse_args(ctx, args)
        return parsed


def _light(params: list[Any]) -> None:
    """Give ``params`` converters that need no pydantic, where this typer allows it."""
    try:
        from selectlib.cli.coercion import light_params
    except ImportError:  # a typer without 0.2x's conversion hooks converts as it does
        return
    light_params(params)
