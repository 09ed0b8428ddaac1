"""The rates, ratios and amounts a benefit formula names, resolved against a profile.

A value is written as a literal (``"20%"``, ``"6:4"``, ``1000000``), as a parameter's
name, or as a lookup ``parameter[field]`` in a table keyed by a category field (a bare
name of a table with ``keyed_by`` is looked up by that field). :func:`resolve_ref`
checks what is written once, when the profile loads; :class:`ValueRef` then gives the
value per applicant, converted exactly (rates as Fractions, amounts as whole won).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from selectlib.benefits.numbers import MAX_DAYS, BenefitError, as_amount, as_rate, as_share
from selectlib.eligibility.coerce import MISSING
from selectlib.profile.model import Field, FieldKind, Parameter, ParamTable
from selectlib.profile.params import Env

__all__ = [
    "MAX_DAYS",
    "Exact",
    "RefKind",
    "ValueRef",
    "minimum_above_cap",
    "refs_used",
    "resolve_ref",
    "value_problems",
]

RefKind = Literal["rate", "share", "amount", "days"]
Exact = Fraction | int
_LOOKUP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\[([A-Za-z_][A-Za-z0-9_]*)\]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WHAT = {
    "rate": "a rate ('20%', 0.2, '1/5')",
    "share": "a matching ratio ('5:5', '6:4') or a rate ('100%')",
    "amount": "whole won",
    "days": "a whole number of days",
}


def _days(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAYS:
        limit = f"0 to MAX_DAYS = {MAX_DAYS:,}"
        raise BenefitError("days", [f"must be a whole number of days, {limit} (got {value!r})"])
    return value


_CONVERT: Mapping[RefKind, Callable[[Any], Exact]] = {
    "rate": as_rate,
    "share": as_share,
    "amount": as_amount,
    "days": _days,
}


def convert(kind: RefKind, value: Any) -> Exact:
    """``value`` as the exact number ``kind`` needs; BenefitError if it is not one."""
    return _CONVERT[kind](value)


@attrs.frozen
class ValueRef:
    """A resolved rate, ratio, amount or day count: a literal, a parameter, a lookup, a field.

    ``key`` is the category field a table parameter is looked up by; ``field`` an
    integer input field read as is (the loan days of an interest subsidy).
    """

    kind: RefKind
    literal: Exact | None = None
    param: str | None = None
    key: str | None = None
    field: str | None = None

    @property
    def parameters(self) -> tuple[str, ...]:
        """The parameter this value comes from, if any."""
        return () if self.param is None else (self.param,)

    def converted(self, env: Env) -> Any:
        """The parameter's value on ``env``'s date, converted (a dict for a table); cached."""
        assert self.param is not None
        cache_key = ("benefit-ref", self.kind, self.param)
        found = env.cache.get(cache_key)
        if found is None:
            raw = env.values[self.param]
            if isinstance(raw, Mapping):
                found = {k: None if v is None else convert(self.kind, v) for k, v in raw.items()}
            else:
                found = convert(self.kind, raw)
            env.cache[cache_key] = found
        return found

    def scalar(self, typed: Mapping[str, Any], env: Env) -> Exact | None:
        """The value for one typed record; None when it is missing."""
        if self.literal is not None:
            return self.literal
        if self.field is not None:
            value = typed.get(self.field, MISSING)
            return None if value is MISSING or not 0 <= value <= MAX_DAYS else int(value)
        converted = self.converted(env)
        if self.key is None:
            return converted  # type: ignore[no-any-return]
        code = typed.get(self.key, MISSING)
        return None if code is MISSING else converted.get(code)

    def groups(
        self, vectors: Mapping[str, tuple[Any, Any]], fields: Mapping[str, Field], env: Env, n: int
    ) -> tuple[npt.NDArray[np.intp], list[Exact | None]]:
        """Per row, an index into a list of distinct values (None where missing).

        Not for a ``field`` value, which differs row by row.
        """
        if self.literal is not None:
            return np.zeros(n, np.intp), [self.literal]
        converted = self.converted(env)
        if self.key is None:
            return np.zeros(n, np.intp), [converted]
        codes = fields[self.key].codes
        values, missing = vectors[self.key]
        index = np.asarray(values, dtype=np.intp)
        if missing is not None:
            index = np.where(missing, len(codes), index)
        return index, [converted.get(code) for code in codes] + [None]


def _parameter_values(parameter: Parameter) -> Iterator[tuple[int, Any]]:
    """Every value a parameter holds: (history index, value), table entries one by one."""
    for index, entry in enumerate(parameter.history):
        value = entry.value
        items = value.as_dict().values() if isinstance(value, ParamTable) else (value,)
        for item in items:
            if item is not None:
                yield index, item


def resolve_ref(
    ref: Any,
    kind: RefKind,
    fields: Mapping[str, Field],
    parameters: Mapping[str, Parameter],
) -> tuple[ValueRef | None, list[str]]:
    """What ``ref`` names, checked; or None and the problems (each with its fix)."""
    if kind == "days" and isinstance(ref, str) and _NAME.fullmatch(ref):
        field = fields.get(ref)
        if field is None or field.kind is not FieldKind.INTEGER:
            return None, [f"{ref!r} is not an integer field; name the field holding the days"]
        if field.minimum is None or field.minimum < 0:
            return None, [f"the days field {ref!r} may be negative; give it 'minimum: 0'"]
        return ValueRef(kind, field=ref), []
    if isinstance(ref, str) and (match := _LOOKUP.fullmatch(ref.strip())):
        name, key = match.groups()
        return _table_ref(kind, name, key, fields, parameters)
    if isinstance(ref, str) and _NAME.fullmatch(ref.strip()):
        parameter = parameters.get(ref.strip())
        if parameter is None:
            return None, [f"no parameter named {ref!r}; name a parameter or write {_WHAT[kind]}"]
        if isinstance(parameter.shape, ParamTable):
            if parameter.keyed_by is None:
                return None, [f"{ref!r} is a table; look it up by a category field: {ref}[field]"]
            return _table_ref(kind, parameter.name, parameter.keyed_by, fields, parameters)
        return _checked(ValueRef(kind, param=parameter.name), parameter)
    try:
        return ValueRef(kind, literal=convert(kind, ref)), []
    except BenefitError as exc:
        return None, [f"{ref!r} is not {_WHAT[kind]}: {'; '.join(exc.problems)}"]


def _table_ref(
    kind: RefKind,
    name: str,
    key: str,
    fields: Mapping[str, Field],
    parameters: Mapping[str, Parameter],
) -> tuple[ValueRef | None, list[str]]:
    parameter = parameters.get(name)
    if parameter is None:
        return None, [f"no parameter named {name!r}"]
    if not isinstance(parameter.shape, ParamTable):
        return None, [f"{name!r} is not a table; write just {name}"]
    field = fields.get(key)
    if field is None or field.kind is not FieldKind.CATEGORY:
        return None, [f"{key!r} is not a category field; look tables up by a category field"]
    problems = [
        f"{name!r} (entry {index + 1}) lacks key(s) {', '.join(lacking)} (codes of {key!r})"
        for index, entry in enumerate(parameter.history)
        if isinstance(entry.value, ParamTable)
        and (lacking := [code for code in field.codes if code not in entry.value.keys])
    ]
    if problems:
        return None, problems
    return _checked(ValueRef(kind, param=name, key=key), parameter)


def _checked(ref: ValueRef, parameter: Parameter) -> tuple[ValueRef | None, list[str]]:
    problems = value_problems(ref, parameter)
    return (None, problems) if problems else (ref, [])


def value_problems(ref: ValueRef, parameter: Parameter) -> list[str]:
    """The values of ``parameter`` that ``ref`` cannot use (a reform is checked the same way)."""
    problems = []
    for index, value in _parameter_values(parameter):
        try:
            convert(ref.kind, value)
        except BenefitError as exc:
            problems.append(
                f"{parameter.name!r} (entry {index + 1}): {value!r} is not {_WHAT[ref.kind]}: "
                + "; ".join(exc.problems)
            )
    return problems


def _values_on(
    ref: ValueRef, parameters: Mapping[str, Parameter], day: dt.date | None
) -> dict[str | None, Exact]:
    """What ``ref`` holds on ``day``: {None: value}, or {code: value} for a lookup."""
    if ref.literal is not None:
        return {None: ref.literal}
    assert ref.param is not None
    parameter = parameters[ref.param]
    entry = (parameter.at(day) if day is not None else None) or parameter.history[0]
    value = entry.value
    if value is None:
        return {}
    if isinstance(value, ParamTable):
        return {k: convert(ref.kind, v) for k, v in value.entries if v is not None}
    return {None: convert(ref.kind, value)}


def minimum_above_cap(
    cap: ValueRef | None, minimum: ValueRef | None, parameters: Mapping[str, Parameter]
) -> list[str]:
    """Where a minimum would lie above its cap: on each date either takes effect, per code
    when both are looked up by the same field, else any minimum against any cap."""
    if cap is None or minimum is None:
        return []
    dates: set[dt.date | None] = {
        entry.since
        for ref in (cap, minimum)
        if ref.param is not None
        for entry in parameters[ref.param].history
    } or {None}
    for day in sorted(dates, key=lambda d: d or dt.date.min):
        caps, minimums = _values_on(cap, parameters, day), _values_on(minimum, parameters, day)
        when = f" from {day.isoformat()}" if day is not None else ""
        if cap.key is not None and cap.key == minimum.key:
            pairs = [(k, minimums[k], caps[k]) for k in caps if k in minimums]
            for code, low, high in pairs:
                if low > high:
                    return [
                        f"for {code!r}{when}, the minimum {low:,} won is above the cap {high:,}"
                    ]
        elif caps and minimums and max(minimums.values()) > min(caps.values()):
            low, high = max(minimums.values()), min(caps.values())
            return [
                f"{when.strip() or 'always'}: a minimum of {low:,} won can be above a cap of "
                f"{high:,} won"
            ]
    return []


def refs_used(refs: Sequence[ValueRef | None]) -> tuple[str, ...]:
    """The parameters a list of references uses, each once, in order."""
    return tuple(dict.fromkeys(p for ref in refs if ref is not None for p in ref.parameters))
