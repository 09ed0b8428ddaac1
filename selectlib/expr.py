"""The condition language: parsed into a whitelisted tree, type-checked, compiled once.

A condition such as ``cluster_count >= cluster_min[area_type]`` is parsed with
:func:`ast.parse` (parsing only, nothing is evaluated), every node is checked against
a short whitelist, and the tree is compiled into two closures with one meaning:

* a scalar function ``(record, env) -> value`` for one applicant, and
* a vector function ``(columns, env) -> (values, missing)`` over numpy columns.

Missing inputs propagate as :data:`~selectlib.coerce.MISSING` (scalar) or a mask
(vector); ``and``/``or``/``not`` use three-valued (Kleene) logic, so
``False and missing`` is False and ``True or missing`` is True.
"""

from __future__ import annotations

import ast
import enum
import operator
import warnings
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs
import numpy as np
import pandas as pd

from .coerce import MISSING
from .errors import ExpressionError
from .model import Field, FieldKind
from .params import Env

__all__ = [
    "FUNCTIONS",
    "MAX_LENGTH",
    "Compiled",
    "Condition",
    "DomainCheck",
    "Kind",
    "ParamInfo",
    "Symbols",
    "compile_condition",
]

MAX_LENGTH: Final = 1000
MAX_DEPTH: Final = 40
MAX_NUMBER: Final = 10**15
MAX_ITEMS: Final = 200

Mask = np.ndarray | None
VectorValue = tuple[Any, Mask]
ScalarFn = Callable[[Mapping[str, Any], Env], Any]
VectorFn = Callable[[Mapping[str, VectorValue], Env], VectorValue]


class Kind(enum.Enum):
    """The static type of an expression."""

    NUMBER = "number"
    BOOL = "yes/no"
    STRING = "text"
    SET = "set of codes"
    LIST = "list"
    TABLE = "table"


@attrs.frozen
class Type:
    """A static type; ``domain`` lists the codes of categories, sets and table keys."""

    kind: Kind
    domain: tuple[str, ...] | None = None
    item: Kind | None = None


@attrs.frozen
class ParamInfo:
    """What the compiler needs to know about a parameter: its static type."""

    name: str
    type: Type


@attrs.frozen
class Symbols:
    """The names a condition may use: input fields and parameters."""

    fields: Mapping[str, Field]
    params: Mapping[str, ParamInfo]


@attrs.frozen
class DomainCheck:
    """A promise a parameter's values must keep: e.g. its keys cover a field's codes."""

    param: str
    domain: tuple[str, ...]
    field: str
    need: str  # "keys-cover" (table keys cover the domain) or "within" (list items in it)


@attrs.frozen(eq=False)
class Compiled:
    """A compiled expression: its type, both evaluators, and what it depends on."""

    type: Type
    scalar: ScalarFn
    vector: VectorFn
    params: frozenset[str]
    fields: frozenset[str]
    constant: Any = attrs.field(default=None, kw_only=True)


def _merge_missing(*masks: Mask) -> Mask:
    present = [m for m in masks if m is not None]
    if not present:
        return None
    out = present[0]
    for mask in present[1:]:
        out = out | mask
    return out


_COMPARE: Final[Mapping[type[ast.cmpop], Callable[[Any, Any], Any]]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
_ORDERING: Final = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_ARITH: Final[Mapping[type[ast.AST], Callable[[Any, Any], Any]]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
}
SYMBOL_OF: Final[Mapping[type[ast.AST], str]] = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.In: "in",
    ast.NotIn: "not in",
}


class _Compiler:
    def __init__(self, source: str, symbols: Symbols) -> None:
        self.source = source
        self.symbols = symbols
        self.checks: list[DomainCheck] = []

    def fail(self, node: ast.AST | None, message: str) -> ExpressionError:
        column = getattr(node, "col_offset", None)
        return ExpressionError(message, self.source, None if column is None else column + 1)

    # -- entry -------------------------------------------------------------------
    def compile(self, node: ast.AST, depth: int = 0) -> Compiled:
        if depth > MAX_DEPTH:
            raise self.fail(node, f"expression nested deeper than {MAX_DEPTH} levels")
        handler = self._HANDLERS.get(type(node))
        if handler is None:
            raise self.fail(node, _describe_rejected(node))
        return handler(self, node, depth + 1)

    # -- leaves ------------------------------------------------------------------
    def _constant(self, node: ast.Constant, depth: int) -> Compiled:
        value = node.value
        if isinstance(value, bool):
            kind = Kind.BOOL
        elif isinstance(value, int | float):
            if not abs(value) <= MAX_NUMBER:
                raise self.fail(node, f"number {value!r} is too large (limit {MAX_NUMBER:.0e})")
            kind = Kind.NUMBER
        elif isinstance(value, str):
            if len(value) > MAX_LENGTH // 4:
                raise self.fail(node, "text literal is too long")
            kind = Kind.STRING
        else:
            raise self.fail(node, f"literal {value!r} is not allowed: use numbers, text or yes/no")
        return _constant(Type(kind), value)

    def _name(self, node: ast.Name, depth: int) -> Compiled:
        name = node.id
        if name in ("true", "false"):
            return _constant(Type(Kind.BOOL), name == "true")
        if name.startswith("_"):
            raise self.fail(node, f"names starting with '_' are not allowed ({name!r})")
        field = self.symbols.fields.get(name)
        if field is not None:
            return _field(field)
        param = self.symbols.params.get(name)
        if param is not None:
            return _param(param)
        known = sorted({*self.symbols.fields, *self.symbols.params})
        raise self.fail(
            node,
            f"unknown name {name!r}: not an input field or parameter (known: {', '.join(known)})",
        )

    def _list(self, node: ast.List | ast.Tuple | ast.Set, depth: int) -> Compiled:
        if len(node.elts) > MAX_ITEMS:
            raise self.fail(node, f"list literal has more than {MAX_ITEMS} items")
        items = []
        kinds = set()
        for element in node.elts:
            if not isinstance(element, ast.Constant) or isinstance(element.value, bool):
                raise self.fail(element, "a list may only hold text or number literals")
            compiled = self._constant(element, depth)
            kinds.add(compiled.type.kind)
            items.append(element.value)
        if len(kinds) > 1:
            raise self.fail(node, "a list must hold only text or only numbers, not both")
        item = kinds.pop() if kinds else Kind.STRING
        domain = tuple(str(i) for i in items) if item is Kind.STRING else None
        return _constant(Type(Kind.LIST, domain, item), frozenset(items))

    # -- operators ---------------------------------------------------------------
    def _boolop(self, node: ast.BoolOp, depth: int) -> Compiled:
        parts = [self.expect(value, Kind.BOOL, depth, "and/or") for value in node.values]
        combine = _kleene_and if isinstance(node.op, ast.And) else _kleene_or
        result = parts[0]
        for part in parts[1:]:
            result = combine(result, part)
        return result

    def _unary(self, node: ast.UnaryOp, depth: int) -> Compiled:
        if isinstance(node.op, ast.Not):
            return _not(self.expect(node.operand, Kind.BOOL, depth, "not"))
        if isinstance(node.op, ast.USub | ast.UAdd):
            inner = self.expect(node.operand, Kind.NUMBER, depth, "a sign")
            if isinstance(node.op, ast.UAdd):
                return inner
            return _map1(inner, Type(Kind.NUMBER), operator.neg, np.negative)
        raise self.fail(node, "operator '~' is not allowed")

    def _binop(self, node: ast.BinOp, depth: int) -> Compiled:
        left = self.expect(node.left, Kind.NUMBER, depth, "arithmetic")
        right = self.expect(node.right, Kind.NUMBER, depth, "arithmetic")
        if isinstance(node.op, ast.Div):
            return _divide(left, right)
        function = _ARITH.get(type(node.op))
        if function is None:
            raise self.fail(node, f"operator {_op_text(node.op)} is not allowed: use + - * / only")
        return _map2(left, right, Type(Kind.NUMBER), _in_floats(function), _in_floats(function))

    def _compare(self, node: ast.Compare, depth: int) -> Compiled:
        parts = []
        left_node = node.left
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            parts.append(self.compare_pair(left_node, op, right_node, depth))
            left_node = right_node
        result = parts[0]
        for part in parts[1:]:
            result = _kleene_and(result, part)
        return result

    def compare_pair(
        self, left_node: ast.AST, op: ast.cmpop, right_node: ast.AST, depth: int
    ) -> Compiled:
        left = self.compile(left_node, depth)
        right = self.compile(right_node, depth)
        if isinstance(op, ast.In | ast.NotIn):
            result = self._membership(left_node, left, right_node, right)
            return _not(result) if isinstance(op, ast.NotIn) else result
        if isinstance(op, _ORDERING):
            self.require(left_node, left, Kind.NUMBER, SYMBOL_OF[type(op)])
            self.require(right_node, right, Kind.NUMBER, SYMBOL_OF[type(op)])
            function = _COMPARE[type(op)]
            return _map2(left, right, Type(Kind.BOOL), function, function)
        if isinstance(op, ast.Eq | ast.NotEq):
            return self._equality(left_node, left, right_node, right, isinstance(op, ast.NotEq))
        raise self.fail(left_node, "'is' / 'is not' are not allowed: use == or !=")

    def _equality(
        self, left_node: ast.AST, left: Compiled, right_node: ast.AST, right: Compiled, negate: bool
    ) -> Compiled:
        if left.type.kind is not right.type.kind or left.type.kind not in (
            Kind.NUMBER,
            Kind.BOOL,
            Kind.STRING,
        ):
            raise self.fail(
                left_node,
                f"cannot compare {left.type.kind.value} with {right.type.kind.value}",
            )
        if left.type.kind is Kind.STRING:
            result = self._string_equality(left_node, left, right_node, right)
        else:
            result = _map2(left, right, Type(Kind.BOOL), operator.eq, operator.eq)
        return _not(result) if negate else result

    def _string_equality(
        self, left_node: ast.AST, left: Compiled, right_node: ast.AST, right: Compiled
    ) -> Compiled:
        # a category field against text: compare codes, after checking the text is a code
        for node, side, other in ((left_node, left, right), (right_node, right, left)):
            if side.type.domain is not None and other.type.domain is None:
                self.check_codes(node, other, side)
                return _category_in(side, other)
        if left.type.domain is not None and right.type.domain is not None:
            if left.type.domain != right.type.domain:
                raise self.fail(left_node, "cannot compare categories with different codes")
            return _map2(left, right, Type(Kind.BOOL), operator.eq, np.equal)
        return _map2(left, right, Type(Kind.BOOL), operator.eq, _object_equal)

    def _membership(
        self, left_node: ast.AST, left: Compiled, right_node: ast.AST, right: Compiled
    ) -> Compiled:
        rkind = right.type.kind
        if rkind is Kind.SET:
            self.require(left_node, left, Kind.STRING, "in")
            self.check_codes(left_node, left, right)
            return _set_contains(right, left, self)
        if rkind is Kind.LIST:
            if right.type.item is Kind.NUMBER:
                self.require(left_node, left, Kind.NUMBER, "in")
                return _in_number_list(left, right)
            self.require(left_node, left, Kind.STRING, "in")
            if left.type.domain is None:
                return _map2(left, right, Type(Kind.BOOL), _contains, _object_in)
            self.check_codes(right_node, right, left)
            return _category_in(left, right)
        raise self.fail(
            right_node,
            f"the right side of 'in' must be a list, a list parameter or a set field, "
            f"not {rkind.value}",
        )

    def _subscript(self, node: ast.Subscript, depth: int) -> Compiled:
        table = self.compile(node.value, depth)
        if table.type.kind is not Kind.TABLE:
            raise self.fail(node, "only table parameters can be looked up with [...]")
        key = self.compile(node.slice, depth)
        self.require(node.slice, key, Kind.STRING, "a table key")
        literal = _literal_strings(key)
        if literal is not None:
            self.checks.extend(
                DomainCheck(p, tuple(sorted(literal)), "", "keys-cover")
                for p in sorted(table.params)
            )
        elif key.type.domain is None:
            raise self.fail(node.slice, "a table key must be a category field or a text literal")
        else:
            self.check_codes(node.value, table, key)
        return _lookup(table, key)

    def _call(self, node: ast.Call, depth: int) -> Compiled:
        if not isinstance(node.func, ast.Name):
            raise self.fail(node, "only the named functions can be called (e.g. count_in(...))")
        spec = FUNCTIONS.get(node.func.id)
        if spec is None:
            raise self.fail(
                node,
                f"unknown function {node.func.id!r}: allowed are {', '.join(sorted(FUNCTIONS))}",
            )
        if node.keywords:
            raise self.fail(node, f"{node.func.id}() takes no keyword arguments")
        args = [self.compile(arg, depth) for arg in node.args]
        return spec(self, node, args)

    # -- helpers -----------------------------------------------------------------
    def expect(self, node: ast.AST, kind: Kind, depth: int, where: str) -> Compiled:
        compiled = self.compile(node, depth)
        self.require(node, compiled, kind, where)
        return compiled

    def require(self, node: ast.AST, compiled: Compiled, kind: Kind, where: str) -> None:
        if compiled.type.kind is not kind:
            raise self.fail(node, f"{where} needs {kind.value}, got {compiled.type.kind.value}")

    def check_codes(self, node: ast.AST, values: Compiled, against: Compiled) -> None:
        """Text compared with a category must name its codes; parameters must keep to them.

        Literals are checked now; a parameter gets a :class:`DomainCheck` that the
        loader (and every reform) verifies against each of its dated values.
        """
        domain = against.type.domain
        if domain is None:
            return
        literal = _literal_strings(values)
        if literal is not None:
            unknown = sorted(set(literal) - set(domain))
            if unknown:
                raise self.fail(
                    node, f"{', '.join(map(repr, unknown))} not among the codes {', '.join(domain)}"
                )
        field = next(iter(sorted(against.fields)), "")
        need = "keys-cover" if values.type.kind is Kind.TABLE else "within"
        self.checks.extend(DomainCheck(p, domain, field, need) for p in sorted(values.params))

    _HANDLERS: Final[Mapping[type[ast.AST], Callable[[_Compiler, Any, int], Compiled]]] = {
        ast.Constant: _constant,
        ast.Name: _name,
        ast.List: _list,
        ast.Tuple: _list,
        ast.Set: _list,
        ast.BoolOp: _boolop,
        ast.UnaryOp: _unary,
        ast.BinOp: _binop,
        ast.Compare: _compare,
        ast.Subscript: _subscript,
        ast.Call: _call,
    }


def _describe_rejected(node: ast.AST) -> str:
    reasons = {
        ast.Attribute: "attribute access (a.b) is not allowed",
        ast.Lambda: "lambdas are not allowed",
        ast.ListComp: "comprehensions are not allowed",
        ast.SetComp: "comprehensions are not allowed",
        ast.DictComp: "comprehensions are not allowed",
        ast.GeneratorExp: "generator expressions are not allowed",
        ast.IfExp: "'x if c else y' is not allowed: use a table parameter",
        ast.NamedExpr: "':=' is not allowed",
        ast.Dict: "dict literals are not allowed: declare a table parameter",
        ast.JoinedStr: "f-strings are not allowed",
        ast.Starred: "'*' unpacking is not allowed",
        ast.Await: "'await' is not allowed",
        ast.Yield: "'yield' is not allowed",
        ast.Slice: "slices are not allowed",
    }
    return reasons.get(type(node), f"{type(node).__name__} is not allowed in a condition")


def _op_text(op: ast.AST) -> str:
    names: dict[type[ast.AST], str] = {
        ast.Pow: "'**'",
        ast.FloorDiv: "'//'",
        ast.Mod: "'%'",
        ast.MatMult: "'@'",
        ast.LShift: "'<<'",
        ast.RShift: "'>>'",
        ast.BitAnd: "'&'",
        ast.BitOr: "'|'",
        ast.BitXor: "'^'",
    }
    return names.get(type(op), type(op).__name__)


def _literal_strings(compiled: Compiled) -> frozenset[str] | None:
    value = compiled.constant
    if isinstance(value, str):
        return frozenset([value])
    if isinstance(value, frozenset):
        return value
    return None


# -- building blocks: each returns a Compiled with matching scalar and vector code --------


def _constant(type_: Type, value: Any) -> Compiled:
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
}


def _field(field: Field) -> Compiled:
    name = field.name
    domain = field.codes if field.kind in (FieldKind.CATEGORY, FieldKind.SET) else None

    def scalar(record: Mapping[str, Any], env: Env) -> Any:
        return record[name]

    def vector(columns: Mapping[str, VectorValue], env: Env) -> VectorValue:
        return columns[name]

    return Compiled(
        Type(_FIELD_TYPES[field.kind], domain), scalar, vector, frozenset(), frozenset([name])
    )


def _param(info: ParamInfo) -> Compiled:
    name = info.name

    def scalar(record: Mapping[str, Any], env: Env) -> Any:
        return env.values[name]

    def vector(columns: Mapping[str, VectorValue], env: Env) -> VectorValue:
        return env.values[name], None

    return Compiled(info.type, scalar, vector, frozenset([name]), frozenset())


def _union(*parts: Compiled) -> dict[str, Any]:
    return {
        "params": frozenset().union(*(p.params for p in parts)),
        "fields": frozenset().union(*(p.fields for p in parts)),
    }


def _map1(
    a: Compiled, type_: Type, fn: Callable[[Any], Any], vfn: Callable[[Any], Any]
) -> Compiled:
    sa, va = a.scalar, a.vector

    def scalar(record: Mapping[str, Any], env: Env) -> Any:
        x = sa(record, env)
        return MISSING if x is MISSING else fn(x)

    def vector(columns: Mapping[str, VectorValue], env: Env) -> VectorValue:
        x, mx = va(columns, env)
        return vfn(x), mx

    return Compiled(type_, scalar, vector, **_union(a))


def _map2(
    a: Compiled,
    b: Compiled,
    type_: Type,
    fn: Callable[[Any, Any], Any],
    vfn: Callable[[Any, Any], Any],
) -> Compiled:
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
        return vfn(x, y), _merge_missing(mx, my)

    return Compiled(type_, scalar, vector, **_union(a, b))


def _in_floats(function: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """Arithmetic in float64 on both paths: same rounding, no int64 overflow in numpy."""

    def apply(x: Any, y: Any) -> Any:
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            return function(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
        return function(float(x), float(y))

    return apply


def _divide(a: Compiled, b: Compiled) -> Compiled:
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
        return values, _merge_missing(mx, my, zero if zero.any() else None)

    return Compiled(Type(Kind.NUMBER), scalar, vector, **_union(a, b))


def _kleene_and(a: Compiled, b: Compiled) -> Compiled:
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
        either: Any = _merge_missing(mx, my)
        missing = np.logical_and(either, ~(false_x | false_y))
        return values & ~missing, missing

    return Compiled(Type(Kind.BOOL), scalar, vector, **_union(a, b))


def _kleene_or(a: Compiled, b: Compiled) -> Compiled:
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
        either: Any = _merge_missing(mx, my)
        missing = np.logical_and(either, ~values)
        return values, missing

    return Compiled(Type(Kind.BOOL), scalar, vector, **_union(a, b))


def _not(a: Compiled) -> Compiled:
    return _map1(a, Type(Kind.BOOL), operator.not_, np.logical_not)


def _contains(item: Any, collection: Any) -> bool:
    return item in collection


def _object_equal(x: Any, y: Any) -> Any:
    return np.asarray(x, dtype=object) == np.asarray(y, dtype=object)


def _object_in(x: Any, collection: Any) -> Any:
    if isinstance(x, np.ndarray):
        return pd.Series(x, dtype=object).isin(list(collection)).to_numpy()
    return x in collection


def _code_mask(domain: tuple[str, ...], allowed: Any) -> np.ndarray:
    """A bool per domain code: is it in ``allowed`` (a str or a collection of str)."""
    allowed = frozenset([allowed]) if isinstance(allowed, str) else allowed
    return np.fromiter((code in allowed for code in domain), dtype=bool, count=len(domain))


def _cached(env: Env, key: Any, make: Callable[[], Any]) -> Any:
    found = env.cache.get(key)
    if found is None:
        found = env.cache[key] = make()
    return found


def _category_in(category: Compiled, collection: Compiled) -> Compiled:
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
        if allowed_missing is not None:
            raise TypeError("category membership needs a constant collection")
        mask = _cached(env, (key, id(allowed)), lambda: _code_mask(domain, allowed))
        return mask[codes], missing

    return Compiled(Type(Kind.BOOL), scalar, vector, **_union(category, collection))


def _in_number_list(number: Compiled, collection: Compiled) -> Compiled:
    def isin(x: Any, values: Any) -> Any:
        return np.isin(x, np.fromiter(values, dtype=float))

    return _map2(number, collection, Type(Kind.BOOL), _contains, isin)


def _set_contains(set_: Compiled, item: Compiled, compiler: _Compiler) -> Compiled:
    """``"code" in set_field``."""
    domain = set_.type.domain
    assert domain is not None
    literal = _literal_strings(item)
    if literal is None:
        raise compiler.fail(None, "the left side of 'in' a set field must be a text literal")
    (code,) = literal
    index = domain.index(code)
    ss, vs = set_.scalar, set_.vector

    def scalar(record: Mapping[str, Any], env: Env) -> Any:
        x = ss(record, env)
        return MISSING if x is MISSING else code in x

    def vector(columns: Mapping[str, VectorValue], env: Env) -> VectorValue:
        matrix, missing = vs(columns, env)
        return matrix[:, index], missing

    return Compiled(Type(Kind.BOOL), scalar, vector, **_union(set_, item))


def _lookup(table: Compiled, key: Compiled) -> Compiled:
    """``table[key]``; a key the table lacks, or an empty entry, gives missing."""
    st, sk, vt, vk = table.scalar, key.scalar, table.vector, key.vector
    item = table.type.item or Kind.NUMBER
    domain = key.type.domain
    cache_key = object()

    def scalar(record: Mapping[str, Any], env: Env) -> Any:
        k = sk(record, env)
        if k is MISSING:
            return MISSING
        found = st(record, env).get(k)
        return MISSING if found is None else found

    def vector(columns: Mapping[str, VectorValue], env: Env) -> VectorValue:
        mapping, _ = vt(columns, env)
        keys, missing = vk(columns, env)
        if domain is None or isinstance(keys, str):
            value = mapping.get(keys)
            if isinstance(keys, str):
                if value is None:
                    return 0, np.array(True)
                return value, missing
            raise TypeError("table lookups need a category key")

        def make() -> tuple[np.ndarray, np.ndarray]:
            entries = [mapping.get(code) for code in domain]
            absent = np.array([entry is None for entry in entries], dtype=bool)
            present = [e for e in entries if e is not None]
            whole = all(isinstance(e, int) and not isinstance(e, bool) for e in present)
            dtype = {Kind.BOOL: bool, Kind.STRING: object}.get(item, np.int64 if whole else float)
            values = np.array([0 if e is None else e for e in entries], dtype=dtype)
            return values, absent

        values, absent = _cached(env, (cache_key, id(mapping)), make)
        out = values[keys]
        if absent.any():
            missing = _merge_missing(missing, absent[keys])
        return out, missing

    return Compiled(Type(item), scalar, vector, **_union(table, key))


# -- named functions -------------------------------------------------------------------

FunctionSpec = Callable[[_Compiler, ast.Call, list[Compiled]], Compiled]


def _called(node: ast.Call) -> str:
    """The name of the function a call node calls (calls are checked to be by name)."""
    return node.func.id if isinstance(node.func, ast.Name) else "?"


def _numbers(compiler: _Compiler, node: ast.Call, args: list[Compiled], at_least: int) -> None:
    if len(args) < at_least:
        raise compiler.fail(node, f"{_called(node)}() needs at least {at_least} argument(s)")
    for arg, arg_node in zip(args, node.args, strict=True):
        compiler.require(arg_node, arg, Kind.NUMBER, f"{_called(node)}()")


def _fn_min_max(which: str) -> FunctionSpec:
    fn = min if which == "min" else max
    vfn = np.minimum if which == "min" else np.maximum

    def spec(compiler: _Compiler, node: ast.Call, args: list[Compiled]) -> Compiled:
        _numbers(compiler, node, args, 2)
        result = args[0]
        for arg in args[1:]:
            result = _map2(result, arg, Type(Kind.NUMBER), fn, vfn)
        return result

    return spec


def _fn_abs(compiler: _Compiler, node: ast.Call, args: list[Compiled]) -> Compiled:
    _numbers(compiler, node, args, 1)
    if len(args) != 1:
        raise compiler.fail(node, "abs() takes one argument")
    return _map1(args[0], Type(Kind.NUMBER), abs, np.abs)


def _set_and_collection(
    compiler: _Compiler, node: ast.Call, args: list[Compiled]
) -> tuple[Compiled, Compiled]:
    name = _called(node)
    if len(args) != 2:
        raise compiler.fail(node, f"{name}(set_field, list) takes two arguments")
    set_, collection = args
    compiler.require(node.args[0], set_, Kind.SET, f"{name}() first argument")
    if collection.type.kind is not Kind.LIST or collection.type.item is Kind.NUMBER:
        raise compiler.fail(
            node.args[1], f"{name}() second argument must be a list of codes or a list parameter"
        )
    compiler.check_codes(node.args[1], collection, set_)
    return set_, collection


def _set_function(
    name: str,
    fn: Callable[[frozenset[str], frozenset[str]], Any],
    vfn: Callable[[np.ndarray, np.ndarray], Any],
    kind: Kind,
) -> FunctionSpec:
    def spec(compiler: _Compiler, node: ast.Call, args: list[Compiled]) -> Compiled:
        set_, collection = _set_and_collection(compiler, node, args)
        ss, sc, vs, vc = set_.scalar, collection.scalar, set_.vector, collection.vector
        domain = set_.type.domain or ()
        key = object()

        def scalar(record: Mapping[str, Any], env: Env) -> Any:
            x = ss(record, env)
            if x is MISSING:
                return MISSING
            return fn(x, sc(record, env))

        def vector(columns: Mapping[str, VectorValue], env: Env) -> VectorValue:
            matrix, missing = vs(columns, env)
            allowed, _ = vc(columns, env)
            mask = _cached(env, (key, id(allowed)), lambda: _code_mask(domain, allowed))
            return vfn(matrix, mask), missing

        return Compiled(Type(kind), scalar, vector, **_union(set_, collection))

    return spec


def _count(matrix: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """How many of the codes selected by ``mask`` each row has (a sum of contiguous columns)."""
    total = np.zeros(matrix.shape[0], dtype=np.int16 if matrix.shape[1] < 2**15 else np.int64)
    for index in np.flatnonzero(mask):
        np.add(total, matrix[:, index], out=total)
    return total


def _all(matrix: np.ndarray, mask: np.ndarray) -> np.ndarray:
    result: np.ndarray = np.equal(_count(matrix, mask), np.count_nonzero(mask))
    return result


def _any(matrix: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return _count(matrix, mask) > 0


def _fn_size(compiler: _Compiler, node: ast.Call, args: list[Compiled]) -> Compiled:
    if len(args) != 1 or args[0].type.kind not in (Kind.SET, Kind.LIST):
        raise compiler.fail(node, "size() takes one set field or list")
    (arg,) = args
    if arg.type.kind is Kind.LIST:
        return _map1(arg, Type(Kind.NUMBER), len, len)
    return _map1(arg, Type(Kind.NUMBER), len, lambda m: _count(m, np.ones(m.shape[1], dtype=bool)))


FUNCTIONS: Final[Mapping[str, FunctionSpec]] = {
    "min": _fn_min_max("min"),
    "max": _fn_min_max("max"),
    "abs": _fn_abs,
    "size": _fn_size,
    "count_in": _set_function("count_in", lambda s, c: len(s & c), _count, Kind.NUMBER),
    "includes_all": _set_function("includes_all", lambda s, c: c <= s, _all, Kind.BOOL),
    "includes_any": _set_function(
        "includes_any",
        lambda s, c: not s.isdisjoint(c),
        _any,
        Kind.BOOL,
    ),
}
"""The functions a condition may call, by name."""


def parse(source: str) -> ast.expr:
    """Parse a condition's text into a Python syntax tree without evaluating anything."""
    if not isinstance(source, str):
        raise ExpressionError("a condition must be text", repr(source))
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"condition longer than {MAX_LENGTH} characters", source[:60])
    if not source.strip():
        raise ExpressionError("condition is empty", source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "invalid decimal literal": we say it ourselves
            tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        column = max(exc.offset or 1, 1)
        raise ExpressionError(f"syntax error: {exc.msg}", source, column) from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ExpressionError(f"cannot parse: {type(exc).__name__}", source[:60]) from None
    return tree.body


_SCALAR_OPS: Final[Mapping[type[ast.cmpop], Callable[[Any, Any], bool]]] = {
    **_COMPARE,
    ast.In: lambda x, c: x in c,
    ast.NotIn: lambda x, c: x not in c,
}


@attrs.frozen(eq=False)
class Condition:
    """A compiled condition, and for ``value OP threshold`` its two sides and operator.

    The two sides are what an explanation shows: the value seen and the threshold
    applied. Applying ``op`` to them gives the same answer as ``whole``.
    """

    whole: Compiled
    value: Compiled | None = None
    threshold: Compiled | None = None
    op: Callable[[Any, Any], bool] | None = None
    symbol: str | None = None
    checks: tuple[DomainCheck, ...] = ()


def compile_condition(source: str, symbols: Symbols) -> Condition:
    """Parse, check and compile a condition; raise :class:`ExpressionError` if it is not valid."""
    tree = parse(source)
    compiler = _Compiler(source, symbols)
    try:
        whole = compiler.compile(tree)
        compiler.require(tree, whole, Kind.BOOL, "a condition")
        checks = tuple(dict.fromkeys(compiler.checks))
        if isinstance(tree, ast.Compare) and len(tree.ops) == 1:
            op = type(tree.ops[0])
            return Condition(
                whole,
                compiler.compile(tree.left),
                compiler.compile(tree.comparators[0]),
                _SCALAR_OPS[op],
                SYMBOL_OF[op],
                checks,
            )
    except RecursionError:
        raise ExpressionError("expression nested too deeply", source[:60]) from None
    return Condition(whole, checks=checks)
