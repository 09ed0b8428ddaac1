"""Checking parameters when a profile loads: one kind of value across a history, numbers
within exact range, names free of the language's words, keyed tables covering their codes.
"""

from __future__ import annotations

import datetime as dt
import keyword
from collections.abc import Iterator, Sequence

from selectlib.eligibility.coerce import LARGEST
from selectlib.errors import Problem
from selectlib.expr import (
    CompiledCriterion,
    DomainCheck,
    Kind,
    ParamInfo,
    Type,
)
from selectlib.profile.domains import check_domains
from selectlib.profile.model import (
    FieldKind,
    Parameter,
    ParamTable,
    ParamValue,
    ProfileSpec,
)
from selectlib.profile.source import KeyPath, SourceMap

__all__ = ["history_path", "param_type", "parameter_problems", "unset_uses"]


def param_type(parameter: Parameter) -> tuple[Type | None, str]:
    """The static type a parameter's values share, or None and why they do not."""
    if any(_too_large(entry.value) for entry in parameter.history):
        return None, (
            f"has a number that is not finite or lies beyond ±{LARGEST:,} (2**53), "
            "where numbers stop being exact"
        )
    values = [entry.value for entry in parameter.history if entry.value is not None]
    if not values:
        return None, "has no value on any date (every entry is null)"
    types = {_value_type(value) for value in values}
    if None in types:
        return None, (
            "mixes text and numbers in one list or table, or holds a list or table inside one"
        )
    kinds = {(t.kind, t.item) for t in types if t is not None}
    if len(kinds) > 1:
        return None, "its dated values do not all have the same shape (number, list or table)"
    ((kind, item),) = kinds
    return Type(kind, None, item), ""


def _too_large(value: ParamValue | None) -> bool:
    items = (
        value.as_dict().values()
        if isinstance(value, ParamTable)
        else (value if isinstance(value, tuple) else (value,))
    )
    # abs(v) <= LARGEST is false for NaN and infinities, and compares a huge int exactly
    # (math.isfinite would turn it into a float, and overflow)
    return any(
        isinstance(v, int | float) and not isinstance(v, bool) and not abs(v) <= LARGEST
        for v in items
    )


def _value_type(value: object) -> Type | None:
    if isinstance(value, dt.datetime):
        return Type(Kind.TIME)
    if isinstance(value, bool):
        return Type(Kind.BOOL)
    if isinstance(value, int | float):
        return Type(Kind.NUMBER)
    if isinstance(value, str):
        return Type(Kind.STRING)
    if isinstance(value, tuple):
        if not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in value):
            return None
        items = {Kind.STRING if isinstance(v, str) else Kind.NUMBER for v in value}
        if len(items) > 1:
            return None
        return Type(Kind.LIST, None, items.pop() if items else Kind.STRING)
    if not isinstance(value, ParamTable):  # a reform may pass anything
        return None
    entries = [v for _, v in value.entries if v is not None]
    if not all(isinstance(v, str | int | float) for v in entries):
        return None
    kinds = {_value_type(v) for v in entries}
    if len(kinds) > 1:
        return None
    inner = kinds.pop() if kinds else Type(Kind.NUMBER)
    return Type(Kind.TABLE, None, inner.kind if inner else None)


def parameter_problems(
    spec: ProfileSpec, source: SourceMap
) -> Iterator[Problem | tuple[str, ParamInfo]]:
    """Each parameter's problems (names, kinds of values, keyed tables), then its typed
    symbol if it has a type."""
    fields = {f.name: f for f in spec.fields}
    for parameter in spec.parameters:
        path: KeyPath = ("parameters", parameter.name)
        if keyword.iskeyword(parameter.name) or parameter.name in ("true", "false"):
            yield source.problem(
                path, f"{parameter.name!r} is a word of the condition language", "rename it"
            )
        if parameter.name in fields:
            yield source.problem(
                path, f"{parameter.name!r} is both a field and a parameter", "rename one of them"
            )
        type_, why = param_type(parameter)
        if type_ is None:
            yield source.problem(path, why, "make every dated value the same kind")
            continue
        if parameter.keyed_by is not None:
            keyed = fields.get(parameter.keyed_by)
            if keyed is None or keyed.kind is not FieldKind.CATEGORY:
                yield source.problem(
                    (*path, "keyed_by"),
                    f"{parameter.keyed_by!r} is not a category field",
                    "name a field of kind category",
                )
            elif type_.kind is Kind.TABLE:
                check = DomainCheck(parameter.name, keyed.codes, keyed.name, "keys-cover")
                for _, index, problem in check_domains([parameter], [check]):
                    yield source.problem(
                        history_path(source, parameter, index),
                        problem,
                        "add an entry for every code",
                    )
        yield parameter.name, ParamInfo(parameter.name, type_)


def unset_uses(
    spec: ProfileSpec,
    compiled: Sequence[CompiledCriterion],
    source: SourceMap,
    positions: Sequence[int] | None = None,
) -> Iterator[Problem]:
    """Criteria and derivations that use a parameter with ``null`` entries: a decision
    needs a value on every date, so only the benefits' budget may be left without one."""
    unset = {p.name: p.unset for p in spec.parameters if p.unset}
    if not unset:
        return
    hint = "give a value for every date, or keep null for the benefits' budget only"
    for one in compiled:
        index = spec.criteria.index(one.criterion)
        for name in sorted(one.condition.whole.params & unset.keys()):
            yield source.problem(
                ("criteria", index if positions is None else positions[index], "condition"),
                f"uses {name!r}, which has no value from {unset[name][0].isoformat()} (null)",
                hint,
            )
    for derivation in spec.derived:
        for role, name in derivation.parameters:
            if name in unset:
                yield source.problem(
                    ("derived", derivation.name, "parameters", role),
                    f"{name!r} has no value from {unset[name][0].isoformat()} (null)",
                    hint,
                )


def history_path(source: SourceMap, parameter: Parameter, index: int) -> KeyPath:
    """Where a parameter's ``index``-th dated value is written: under history, or value."""
    base: KeyPath = ("parameters", parameter.name)
    if (*base, "value") in source.lines:
        return (*base, "value")
    return (*base, "history", parameter.history[index].since.isoformat())
