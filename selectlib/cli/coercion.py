"""Command-line values converted as typer converts them, without pydantic.

typer 0.2x converts each parameter's value through a pydantic ``TypeAdapter`` that it
builds when a command runs, even for an option not given: importing pydantic and
building a command's adapters costs about 0.1 s of every run (``selectlib check`` on a
40-row file takes about 1 s). selectlib's parameters are text, paths, choices, yes/no
flags, lists of those, and values read by a ``parser``: for these, :func:`light_params`
gives each parameter a converter that calls the functions typer's own adapters call
(``coerce_cli_path``, ``coerce_cli_choice``, the parser). Anything else (numbers, a
value of another type) and every error go to typer's converter, so values and messages
stay typer's. With a typer that lacks these hooks, its own conversion stays.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final, get_args, get_origin

from typer._coercion import RuntimeParam, build_runtime_param
from typer._param_types import coerce_cli_choice, coerce_cli_path
from typer.core import _TyperParameter

__all__ = ["light_params"]

_TYPERS: Final = object()
"""What :func:`_convert` returns for a value it leaves to typer."""


def _convert(annotation: Any, param: _TyperParameter, value: Any, ctx: Any) -> Any:
    """``value`` as typer's adapter for ``annotation`` makes it, or ``_TYPERS``."""
    info = param.type_descriptor.parameter_info
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        items = [_convert(item, param, v, ctx) for v in _as_list(value)]
        return _TYPERS if any(i is _TYPERS for i in items) else items
    if info.parser is not None:
        return info.parser(value)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        sensitive = info.case_sensitive
        return coerce_cli_choice(value, choices=list(annotation), case_sensitive=sensitive, ctx=ctx)
    if annotation is str and isinstance(value, str):
        return value
    if annotation is bool and isinstance(value, bool):
        return value
    if annotation is Path and info.path_type is None and isinstance(value, str | Path):
        return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
    return _TYPERS


def _as_list(value: Any) -> list[Any]:
    """A list option's values, as typer's list adapter takes them."""
    return list(value) if isinstance(value, list | tuple) else [value]


@dataclasses.dataclass(frozen=True)
class _Light(RuntimeParam):
    """A parameter's converter: :func:`_convert`, else typer's own."""

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Any) -> Any:
        try:
            converted = _convert(self.annotation, param, value, ctx)
        except Exception:  # typer's converter words every refusal
            converted = _TYPERS
        if converted is _TYPERS:
            own = build_runtime_param(param.type_descriptor)
            return own._coerce_value(value, param=param, ctx=ctx)
        return converted


def light_params(params: Iterable[Any]) -> None:
    """Give a command's parameters the light converter, unless they already have one."""
    for param in params:
        if isinstance(param, _TyperParameter) and param._runtime_param is None:
            descriptor = param.type_descriptor
            param._runtime_param = _Light(
                parameter_info=descriptor.parameter_info, annotation=descriptor.annotation
            )
