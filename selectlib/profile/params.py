"""Dated parameters: what each parameter is worth on a given date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import attrs

from selectlib.errors import ParameterError
from selectlib.profile.model import Dated, Parameter, ParamTable, ParamValue

__all__ = ["Env", "native", "resolve"]


def native(value: ParamValue | None) -> Any:
    """A parameter value in the form expressions use: tables as dicts, lists as frozensets
    (None, a period with no value, stays None)."""
    if isinstance(value, ParamTable):
        return MappingProxyType(value.as_dict())
    if isinstance(value, tuple):
        return frozenset(value)
    return value


def _read_only(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


@attrs.frozen(eq=False)
class Env:
    """Every parameter resolved on one date, plus a cache for vectorized lookups.

    ``values`` and ``effective`` are read-only views: an Env is shared by every
    evaluation on its date, so changing it would change other decisions (a reform is
    :meth:`Profile.with_params`, never an edit). ``cache`` is internal.
    """

    on: dt.date
    values: Mapping[str, Any] = attrs.field(converter=_read_only)
    effective: Mapping[str, dt.date] = attrs.field(converter=_read_only)
    cache: dict[Any, Any] = attrs.field(factory=dict, repr=False)


def resolve(parameters: Sequence[Parameter], on: dt.date) -> Env:
    """Look up every parameter on ``on``; a parameter with no value yet is an error."""
    values: dict[str, Any] = {}
    effective: dict[str, dt.date] = {}
    for parameter in parameters:
        entry: Dated | None = parameter.at(on)
        if entry is None:
            first = parameter.history[0].since.isoformat()
            raise ParameterError(
                parameter.name,
                f"has no value on {on.isoformat()}: its history starts on {first}; "
                "evaluate on a later date or add an earlier entry to the profile",
            )
        values[parameter.name] = native(entry.value)
        effective[parameter.name] = entry.since
    return Env(on, values, effective)
