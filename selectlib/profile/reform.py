"""Reforms: new parameter values on a copy of a profile, checked like the original."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from selectlib.eligibility.coerce import shown
from selectlib.eligibility.engine import Engine
from selectlib.errors import ParameterError
from selectlib.profile.convert_params import parameter_value
from selectlib.profile.domains import check_domains
from selectlib.profile.model import (
    Assumed,
    Dated,
    Parameter,
    ParamTable,
    ParamValue,
    ProfileSpec,
)
from selectlib.profile.paramcheck import param_type

__all__ = ["reformed_spec"]


def _with_entry(table: ParamValue | None, key: str, value: Any, name: str) -> ParamTable:
    if table is None:
        raise ParameterError(name, f"has no value on some dates (null), so set the whole {name}")
    if not isinstance(table, ParamTable):
        raise ParameterError(name, f"is not a table, so {name}.{key} cannot be set")
    if key not in table.keys:
        raise ParameterError(name, f"has no key {key!r} (keys: {', '.join(table.keys)})")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float | str)):
        raise ParameterError(name, f"{name}.{key} must be a number or text, got {shown(value)}")
    return ParamTable(tuple((k, value if k == key else v) for k, v in table.entries))


def _new_history(
    parameter: Parameter, key: str | None, raw: Any, since: dt.date | None
) -> tuple[Dated, ...]:
    name = parameter.name
    try:
        value = None if key is not None else parameter_value(parameter.kind, raw)
    except TypeError as exc:
        raise ParameterError(name, str(exc)) from None
    if since is None:
        if key is None:
            assert value is not None
            return (Dated(parameter.history[0].since, value),)
        return tuple(
            Dated(e.since, _with_entry(e.value, key, raw, name)) for e in parameter.history
        )
    kept = tuple(entry for entry in parameter.history if entry.since < since)
    if key is not None:
        current = parameter.at(since) or parameter.history[0]
        value = _with_entry(current.value, key, raw, name)
    assert value is not None
    return (*kept, Dated(since, value))


def _still_assumed(
    parameter: Parameter, key: str | None, since: dt.date | None
) -> tuple[Assumed, ...]:
    """The profile's assumptions that still describe some value after a reform sets ``key``
    (every key when None) from ``since`` (every date when None): the values a reform sets
    are the user's, not the profile's assumptions."""
    earlier = since is not None and parameter.history[0].since < since

    def kept(a: Assumed) -> bool:
        other_dates = (a.since is None and earlier) or (
            a.since is not None and since is not None and a.since < since
        )
        other_keys = key is not None and a.key != key
        return other_dates or other_keys

    return tuple(a for a in parameter.assumption if kept(a))


def reformed_spec(
    spec: ProfileSpec, engine: Engine, changes: Mapping[str, Any], since: dt.date | None
) -> ProfileSpec:
    """``spec`` with ``changes`` applied; raise ParameterError if a value does not fit."""
    if not isinstance(changes, Mapping):
        raise ParameterError(
            "?",
            f"changes must be a mapping of parameter names to values, got {type(changes).__name__}",
        )
    by_name = {p.name: p for p in spec.parameters}
    updated = dict(by_name)
    for dotted, raw in changes.items():
        if not isinstance(dotted, str):
            raise ParameterError(
                shown(dotted), "a parameter is named by text: 'name', or 'name.key' for a table"
            )
        name, _, key = dotted.partition(".")
        original = by_name.get(name)
        if original is None:
            raise ParameterError(
                name, f"no such parameter in {spec.id!r}; known: {', '.join(by_name)}"
            )
        parameter = updated[name]
        history = _new_history(parameter, key or None, raw, since)
        candidate = attrs.evolve(
            parameter,
            history=history,
            assumption=_still_assumed(parameter, key or None, since),
        )
        before, _ = param_type(original)
        after, why = param_type(candidate)
        if after is None:
            raise ParameterError(name, why)
        if before is not None and (before.kind, before.item) != (after.kind, after.item):
            raise ParameterError(
                name,
                f"must stay a {before.kind.value}"
                + (f" of {before.item.value}" if before.item else "")
                + f", got {after.kind.value}"
                + (f" of {after.item.value}" if after.item else ""),
            )
        updated[name] = candidate
    new_spec = attrs.evolve(spec, parameters=tuple(updated[p.name] for p in spec.parameters))
    checks = [check for item in engine.criteria for check in item.condition.checks]
    checks += _keyed_checks(new_spec)
    if engine.benefits is not None:
        checks += engine.benefits.checks
    for name, index, problem in check_domains(new_spec.parameters, checks):
        raise ParameterError(name, f"{problem} (entry {index + 1})")
    if engine.benefits is not None:
        for name, problem in engine.benefits.reform_problems(updated):
            raise ParameterError(name, problem)
    return new_spec


def _keyed_checks(spec: ProfileSpec) -> list[Any]:
    from selectlib.expr import DomainCheck

    fields = {f.name: f for f in spec.fields}
    return [
        DomainCheck(p.name, fields[p.keyed_by].codes, p.keyed_by, "keys-cover")
        for p in spec.parameters
        if p.keyed_by in fields
    ]
