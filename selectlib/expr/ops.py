"""Building blocks of compiled expressions: each returns one meaning, evaluated two ways.

Every block returns a :class:`~selectlib.expr.types.Compiled` whose scalar closure
(one applicant) and vector closure (numpy columns) are written side by side, so the
two paths cannot drift apart. Missing inputs propagate as :data:`MISSING` (scalar)
or a mask (vector). The blocks trust their arguments: type checks and error
messages belong to the compiler, which is why nothing here imports it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from selectlib.dates import epoch_seconds
from selectlib.eligibility.coerce import MISSING
from selectlib.expr.gather import gather
from selectlib.expr.types import Compiled, Kind, ParamInfo, Type, VectorValue, merge_missing
from selectlib.profile.model import Field, FieldKind
from selectlib.profile.params import Env

__all__ = [
    "balanced",
    "cached",
    "category_in",
    "code_mask",
    "constant",
    "contains",
    "divide",
    "field",
    "in_floats",
    "in_number_list",
    "kleene_and",
    "kleene_or",
    "map1",
    "map2",
    "not_",
    "object_equal",
    "object_in",
    "param",
    "set_contains",
    "union",
]


def constant(type_: Type, value: Any) -> Compiled:
    """A literal; ``constant`` keeps its value so the compiler can check codes in it."""

    def scalar(record: Mapping[str, Any], env: Env) -> Any:
        return value

    def vector(columns: Mapping[str, VectorValue], env: Env) -> VectorValue:
        return value, None

    return Compiled(type_, scalar, vector, frozenset(), frozenset(), constant=value)


_FIELD_TYPES: Final[Mapping[FieldKind, Kind]] = {
    FieldKind.INTEGER: Kind.NUMBER,
    FieldKind.NUMBER: Kind.NUMBER,
    FieldKind.BOOLEAN: Kind.BOOL,
    FieldKind.CATEGORY: Kind.STRING,
    FieldKind.SET: Kind.SET,
    FieldKind.TEXT: Kind.STRING,
    FieldKind.DATETIME: Kind.TIME,
}


def field(field: Field) -> Compiled:
    """An input field, read from the record or the columns by name."""
    name = field.name
    domain = field.codes if field.kind in (FieldKind.CATEGORY, FieldKind.SET) else None

    def scalar(record: Mapping[str, Any], env: Env) -> Any:
        return record[name]

    def vector(columns: Mapping[str, VectorValue], env: Env) -> VectorValue:
        return columns[name]

    return Compiled(
        Type(_FIELD_TYPES[field.kind], domain), scalar, vector, frozenset(), frozenset([name])
    )


def param(info: ParamInfo) -> Compiled:
    """A parameter, read from the environment (its value on the evaluation date)."""
    name = info.name

    def scalar(record: Mapping[str, Any], env: Env) -> Any:
        return env.values[name]

    def vector(columns: Mapping[str, VectorValue], env: Env) -> VectorValue:
        return env.values[name], None

    def vector_time(columns: Mapping[str, VectorValue], env: Env) -> VectorValue:
        return epoch_seconds(env.values[name]), None  # a column of times holds seconds

    timed = info.type.kind is Kind.TIME
    return Compiled(
        info.type, scalar, vector_time if timed else vector, frozenset([name]), frozenset()
    )


def union(*parts: Compiled) -> dict[str, Any]:
    """The ``params`` and ``fields`` keywords of a Compiled built from ``parts``."""
    return {
        "params": frozenset().union(*(p.params for p in parts)),
        "fields": frozenset().union(*(p.fields for p in parts)),
    }


def map1(a: Compiled, type_: Type, fn: Callable[[Any], Any], vfn: Callable[[Any], Any]) -> Compiled:
    """``fn(a)`` on one value, ``vfn(a)`` on a column; missing stays missing."""
    sa, va = a.scalar, a.vector

    def scalar(record: Mapping[str, Any], env: Env) -> Any:
        x = sa(record, env)
        return MISSING if x is MISSING else fn(x)

    def vector(columns: Mapping[str, VectorValue], env: Env) -> VectorValue:
        x, mx = va(columns, env)
        return vfn(x), mx

    return Compiled(type_, scalar, vector, **union(a))


def map2(
    a: Compiled,
    b: Compiled,
    type_: Type,
    fn: Callable[[Any, Any], Any],
    vfn: Callable[[Any, Any], Any],
) -> Compiled:
    """``fn(a, b)`` on values, ``vfn(a, b)`` on columns; missing if either side is."""
    sa, sb, va, vb = a.scalar, b.scalar, a.vector, b.vector

    def scalar(record: Mapping[str, Any], env: Env) -> Any:
        x = sa(record, env)
        if x is MISSING:
            return MISSING
        y = sb(record, env)
        if y is MISSING:
            return MISSING
        return fn(x, y)

    def vector(columns: Mapping[str, VectorValue], env: Env) -> VectorValue:
        x, mx = va(columns, env)
        y, my = vb(columns, env)
        return vfn(x, y), merge_missing(mx, my)

    return Compiled(type_, scalar, vector, **union(a, b))


def in_floats(function: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """Arithmetic in float64 on both paths: same rounding, no int64 overflow in numpy."""

    def apply(x: Any, y: Any) -> Any:
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            return function(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
        return function(float(x), float(y))

    return apply


def divide(a: Compiled, b: Compiled) -> Compiled:
    """Division; dividing by zero gives missing, not an error or infinity."""
    sa, sb, va, vb = a.scalar, b.scalar, a.vector, b.vector

    def scalar(record: Mapping[str, Any], env: Env) -> Any:
        x = sa(record, env)
        y = sb(record, env)
        if x is MISSING or y is MISSING or y == 0:
            return MISSING
        return float(x) / float(y)

    def vector(columns: Mapping[str, VectorValue], env: Env) -> VectorValue:
        x, mx = va(columns, env)
        y, my = vb(columns, env)
        zero = np.asarray(y) == 0
        with np.errstate(divide="ignore", invalid="ignore"):
            values = np.where(zero, 0.0, np.true_divide(x, np.where(zero, 1, y)))
        return values, merge_missing(mx, my, zero if zero.any() else None)

    return Compiled(Type(Kind.NUMBER), scalar, vector, **union(a, b))


def kleene_and(a: Compiled, b: Compiled) -> Compiled:
    """``a and b`` in three-valued logic: False wins over missing, missing over True."""
    sa, sb, va, vb = a.scalar, b.scalar, a.vector, b.vector

    def scalar(record: Mapping[str, Any], env: Env) -> Any:
        x = sa(record, env)
        if x is False:
            return False
        y = sb(record, env)
        if y is False:
            return False
        return MISSING if x is MISSING or y is MISSING else True

    def vector(columns: Mapping[str, VectorValue], env: Env) -> VectorValue:
        x, mx = va(columns, env)
        y, my = vb(columns, env)
        values = np.logical_and(x, y)
        if mx is None and my is None:
            return values, None
        false_x = np.logical_not(x) if mx is None else ~mx & np.logical_not(x)
        false_y = np.logical_not(y) if my is None else ~my & np.logical_not(y)
        either: Any = merge_missing(mx, my)
        missing = np.logical_and(either, ~(false_x | false_y))
        return values & ~missing, missing

    return Compiled(Type(Kind.BOOL), scalar, vector, **union(a, b))


def kleene_or(a: Compiled, b: Compiled) -> Compiled:
    """``a or b`` in three-valued logic: True wins over missing, missing over False."""
    sa, sb, va, vb = a.scalar, b.scalar, a.vector, b.vector

    def scalar(record: Mapping[str, Any], env: Env) -> Any:
        x = sa(record, env)
        if x is True:
            return True
        y = sb(record, env)
        if y is True:
            return True
        return MISSING if x is MISSING or y is MISSING else False

    def vector(columns: Mapping[str, VectorValue], env: Env) -> VectorValue:
        x, mx = va(columns, env)
        y, my = vb(columns, env)
        true_x = np.asarray(x, dtype=bool) if mx is None else ~mx & x
        true_y = np.asarray(y, dtype=bool) if my is None else ~my & y
        values = true_x | true_y
        if mx is None and my is None:
            return values, None
        either: Any = merge_missing(mx, my)
        missing = np.logical_and(either, ~values)
        return values, missing

    return Compiled(Type(Kind.BOOL), scalar, vector, **union(a, b))


def balanced(
    parts: Sequence[Compiled], combine: Callable[[Compiled, Compiled], Compiled]
) -> Compiled:
    """``parts`` combined by an associative ``combine``, as a balanced tree, left to right.

    ``a and b and c ...`` with 200 terms nests 8 deep instead of 200, so evaluating it
    does not recurse once per term.
    """
    if len(parts) == 1:
        return parts[0]
    middle = len(parts) // 2
    return combine(balanced(parts[:middle], combine), balanced(parts[middle:], combine))


def not_(a: Compiled) -> Compiled:
    """``not a``; not missing is missing."""
    return map1(a, Type(Kind.BOOL), operator.not_, np.logical_not)


def contains(item: Any, collection: Any) -> bool:
    """``item in collection`` as a function, for :func:`map2`."""
    return item in collection


def object_equal(x: Any, y: Any) -> Any:
    """``x == y`` for text, element-wise when either side is a column."""
    return np.asarray(x, dtype=object) == np.asarray(y, dtype=object)


def object_in(x: Any, collection: Any) -> Any:
    """``x in collection`` for text, element-wise when ``x`` is a column."""
    if isinstance(x, np.ndarray):
        return pd.Series(x, dtype=object).isin(list(collection)).to_numpy()
    return x in collection


def code_mask(domain: tuple[str, ...], allowed: Any) -> np.ndarray:
    """A bool per domain code: is it in ``allowed`` (a str or a collection of str)."""
    allowed = frozenset([allowed]) if isinstance(allowed, str) else allowed
    return np.fromiter((code in allowed for code in domain), dtype=bool, count=len(domain))


def cached(env: Env, key: Any, make: Callable[[], Any]) -> Any:
    """``make()`` once per environment and ``key``: parameter values are fixed for a date."""
    found = env.cache.get(key)
    if found is None:
        found = env.cache[key] = make()
    return found


def category_in(category: Compiled, collection: Compiled) -> Compiled:
    """``category in [...]`` or ``category == "code"``: a bool lookup per code."""
    domain = category.type.domain
    assert domain is not None
    sc, scoll, vc, vcoll = category.scalar, collection.scalar, category.vector, collection.vector
    key = object()

    def scalar(record: Mapping[str, Any], env: Env) -> Any:
        x = sc(record, env)
        if x is MISSING:
            return MISSING
        allowed = scoll(record, env)
        if allowed is MISSING:
            return MISSING
        return x == allowed if isinstance(allowed, str) else x in allowed

    def vector(columns: Mapping[str, VectorValue], env: Env) -> VectorValue:
        codes, missing = vc(columns, env)
        allowed, allowed_missing = vcoll(columns, env)
        missing = merge_missing(missing, allowed_missing)
        if isinstance(allowed, np.ndarray):
            # text that differs row by row (a text field, a lookup): compare the codes' text
            decoded = np.asarray(domain, dtype=object)[codes]
            return decoded == allowed.astype(object), missing
        if not isinstance(allowed, str | frozenset):  # an empty table entry: nothing to match
            return np.False_, np.array(True)
        mask = cached(env, (key, id(allowed)), lambda: code_mask(domain, allowed))
        return gather(mask, codes), missing

    return Compiled(Type(Kind.BOOL), scalar, vector, **union(category, collection))


def in_number_list(number: Compiled, collection: Compiled) -> Compiled:
    """``number in [1, 2, ...]`` (a literal or a list parameter)."""

    def isin(x: Any, values: Any) -> Any:
        return np.isin(x, np.fromiter(values, dtype=float))

    return map2(number, collection, Type(Kind.BOOL), contains, isin)


def set_contains(set_: Compiled, item: Compiled, code: str) -> Compiled:
    """``"code" in set_field``; ``item`` is the literal ``code``, already checked."""
    domain = set_.type.domain
    assert domain is not None
    index = domain.index(code)
    ss, vs = set_.scalar, set_.vector

    def scalar(record: Mapping[str, Any], env: Env) -> Any:
        x = ss(record, env)
        return MISSING if x is MISSING else code in x

    def vector(columns: Mapping[str, VectorValue], env: Env) -> VectorValue:
        matrix, missing = vs(columns, env)
        return matrix[:, index], missing

    return Compiled(Type(Kind.BOOL), scalar, vector, **union(set_, item))
