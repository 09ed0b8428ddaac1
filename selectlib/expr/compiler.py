"""Checking and compiling a condition's syntax tree: the front end of the language.

:class:`Compiler` walks the tree that :func:`~selectlib.expr.syntax.parse` made,
against a short whitelist; it checks types and codes, and assembles the building
blocks of :mod:`~selectlib.expr.ops` and the functions of
:mod:`~selectlib.expr.functions`. Error messages about a condition are worded here,
pointing at the column of the offending part.
"""

from __future__ import annotations

import ast
import difflib
import operator
from collections.abc import Callable, Mapping
from typing import Any, Final

import numpy as np

from selectlib.errors import ExpressionError
from selectlib.expr import lookups, ops
from selectlib.expr.functions import FUNCTIONS
from selectlib.expr.syntax import column_of, describe_rejected, op_text
from selectlib.expr.types import (
    MAX_ITEMS,
    MAX_NUMBER,
    MAX_TEXT,
    Compiled,
    DomainCheck,
    Kind,
    Symbols,
    Type,
)

__all__ = ["COMPARE", "SYMBOL_OF", "Compiler", "did_you_mean"]


COMPARE: Final[Mapping[type[ast.cmpop], Callable[[Any, Any], Any]]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
_ORDERING: Final = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_DIRECTION: Final[Mapping[type[ast.cmpop], str]] = {
    ast.Lt: "up",
    ast.LtE: "up",
    ast.Gt: "down",
    ast.GtE: "down",
}
"""Which way an ordering points: a chain of comparisons must keep to one way."""
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


class Compiler:
    """Compiles one condition's syntax tree, collecting the domain checks it needs.

    The named functions receive the compiler too, and report through its
    :meth:`fail`, :meth:`require` and :meth:`check_codes`, so every message
    about a condition carries its text and column the same way.
    """

    def __init__(self, source: str, symbols: Symbols) -> None:
        self.source = source
        self.symbols = symbols
        self.checks: list[DomainCheck] = []

    def fail(self, node: ast.AST | None, message: str) -> ExpressionError:
        column = None if node is None else column_of(self.source, node)
        return ExpressionError(message, self.source, column)

    # -- entry -------------------------------------------------------------------
    def compile(self, node: ast.AST) -> Compiled:
        """Compile ``node``; :func:`~selectlib.expr.syntax.parse` has bounded its depth."""
        handler = self._HANDLERS.get(type(node))
        if handler is None:
            raise self.fail(node, describe_rejected(node))
        return handler(self, node)

    # -- leaves ------------------------------------------------------------------
    def _constant(self, node: ast.Constant) -> Compiled:
        value = node.value
        if isinstance(value, bool):
            kind = Kind.BOOL
        elif isinstance(value, int | float):
            if not abs(value) <= MAX_NUMBER:
                raise self.fail(
                    node,
                    f"number {value!r} is too large (limit {MAX_NUMBER:.0e}, "
                    "selectlib.expr.MAX_NUMBER): put large amounts in a parameter",
                )
            kind = Kind.NUMBER
        elif isinstance(value, str):
            if len(value) > MAX_TEXT:
                raise self.fail(
                    node,
                    f"text literal longer than {MAX_TEXT} characters (limit "
                    "selectlib.expr.MAX_TEXT): use a shorter code",
                )
            kind = Kind.STRING
        else:
            raise self.fail(node, f"literal {value!r} is not allowed: use numbers, text or yes/no")
        return ops.constant(Type(kind), value)

    def _name(self, node: ast.Name) -> Compiled:
        name = node.id
        if name in ("true", "false"):
            return ops.constant(Type(Kind.BOOL), name == "true")
        if name.startswith("_"):
            raise self.fail(node, f"names starting with '_' are not allowed ({name!r})")
        field = self.symbols.fields.get(name)
        if field is not None:
            return ops.field(field)
        param = self.symbols.params.get(name)
        if param is not None:
            return ops.param(param)
        known = sorted({*self.symbols.fields, *self.symbols.params})
        raise self.fail(
            node,
            f"unknown name {name!r}: not an input field or parameter"
            f"{did_you_mean(name, known)} (known: {', '.join(known)})",
        )

    def _list(self, node: ast.List) -> Compiled:
        if len(node.elts) > MAX_ITEMS:
            raise self.fail(
                node,
                f"list literal has more than {MAX_ITEMS} items (limit selectlib.expr.MAX_ITEMS): "
                "declare a list parameter",
            )
        items = []
        kinds = set()
        for element in node.elts:
            if not isinstance(element, ast.Constant) or isinstance(element.value, bool):
                raise self.fail(element, "a list may only hold text or number literals")
            compiled = self._constant(element)
            kinds.add(compiled.type.kind)
            items.append(element.value)
        if len(kinds) > 1:
            raise self.fail(node, "a list must hold only text or only numbers, not both")
        item = kinds.pop() if kinds else Kind.STRING
        domain = tuple(str(i) for i in items) if item is Kind.STRING else None
        return ops.constant(Type(Kind.LIST, domain, item), frozenset(items))

    # -- operators ---------------------------------------------------------------
    def _boolop(self, node: ast.BoolOp) -> Compiled:
        parts = [self.expect(value, Kind.BOOL, "and/or") for value in node.values]
        combine = ops.kleene_and if isinstance(node.op, ast.And) else ops.kleene_or
        return ops.balanced(parts, combine)

    def _unary(self, node: ast.UnaryOp) -> Compiled:
        if isinstance(node.op, ast.Not):
            return ops.not_(self.expect(node.operand, Kind.BOOL, "not"))
        if isinstance(node.op, ast.USub | ast.UAdd):
            inner = self.expect(node.operand, Kind.NUMBER, "a sign")
            if isinstance(node.op, ast.UAdd):
                return inner
            return ops.map1(inner, Type(Kind.NUMBER), operator.neg, np.negative)
        raise self.fail(node, "operator '~' is not allowed")

    def _binop(self, node: ast.BinOp) -> Compiled:
        left = self.expect(node.left, Kind.NUMBER, "arithmetic")
        right = self.expect(node.right, Kind.NUMBER, "arithmetic")
        if isinstance(node.op, ast.Div):
            return ops.divide(left, right)
        function = _ARITH.get(type(node.op))
        if function is None:
            raise self.fail(node, f"operator {op_text(node.op)} is not allowed: use + - * / only")
        return ops.map2(
            left, right, Type(Kind.NUMBER), ops.in_floats(function), ops.in_floats(function)
        )

    def _compare(self, node: ast.Compare) -> Compiled:
        directions = {_DIRECTION.get(type(op)) for op in node.ops}
        if len(node.ops) > 1 and (None in directions or len(directions) > 1):
            chain = " ... ".join(SYMBOL_OF.get(type(op), op_text(op).strip("'")) for op in node.ops)
            raise self.fail(
                node.comparators[0],
                f"a chain of comparisons ({chain}) may only bound a value from both sides in "
                "one direction, as in 0 < x <= 10: write the comparisons out, joined with 'and'",
            )
        parts = []
        left_node = node.left
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            parts.append(self.compare_pair(left_node, op, right_node))
            left_node = right_node
        return ops.balanced(parts, ops.kleene_and)

    def compare_pair(self, left_node: ast.AST, op: ast.cmpop, right_node: ast.AST) -> Compiled:
        left = self.compile(left_node)
        right = self.compile(right_node)
        if isinstance(op, ast.In | ast.NotIn):
            result = self._membership(left_node, left, right_node, right)
            return ops.not_(result) if isinstance(op, ast.NotIn) else result
        if isinstance(op, _ORDERING):
            # numbers with numbers, or times with times (a submission time and a deadline)
            kind = Kind.TIME if left.type.kind is Kind.TIME else Kind.NUMBER
            self.require(left_node, left, kind, SYMBOL_OF[type(op)])
            self.require(right_node, right, kind, SYMBOL_OF[type(op)])
            function = COMPARE[type(op)]
            return lookups.ordering(left, right, function)
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
            Kind.TIME,
        ):
            raise self.fail(
                left_node,
                f"cannot compare {left.type.kind.value} with {right.type.kind.value}",
            )
        if left.type.kind is Kind.STRING:
            result = self._string_equality(left_node, left, right_node, right)
        else:
            result = ops.map2(left, right, Type(Kind.BOOL), operator.eq, operator.eq)
        return ops.not_(result) if negate else result

    def _string_equality(
        self, left_node: ast.AST, left: Compiled, right_node: ast.AST, right: Compiled
    ) -> Compiled:
        # a category field against text: compare codes, after checking the text is a code
        for node, side, other in ((left_node, left, right), (right_node, right, left)):
            if side.type.domain is not None and other.type.domain is None:
                self.check_codes(node, other, side)
                return ops.category_in(side, other)
        if left.type.domain is not None and right.type.domain is not None:
            if left.type.domain != right.type.domain:
                raise self.fail(left_node, "cannot compare categories with different codes")
            return ops.map2(left, right, Type(Kind.BOOL), operator.eq, np.equal)
        return ops.map2(left, right, Type(Kind.BOOL), operator.eq, ops.object_equal)

    def _membership(
        self, left_node: ast.AST, left: Compiled, right_node: ast.AST, right: Compiled
    ) -> Compiled:
        rkind = right.type.kind
        if rkind is Kind.SET:
            self.require(left_node, left, Kind.STRING, "in")
            self.check_codes(left_node, left, right)
            literal = _literal_strings(left)
            if literal is None:
                raise self.fail(
                    left_node, "the left side of 'in' a set field must be a text literal"
                )
            (code,) = literal
            return ops.set_contains(right, left, code)
        if rkind is Kind.LIST:
            if right.type.item is Kind.NUMBER:
                self.require(left_node, left, Kind.NUMBER, "in")
                return ops.in_number_list(left, right)
            self.require(left_node, left, Kind.STRING, "in")
            if left.type.domain is None:
                return ops.map2(left, right, Type(Kind.BOOL), ops.contains, ops.object_in)
            self.check_codes(right_node, right, left)
            return ops.category_in(left, right)
        raise self.fail(
            right_node,
            f"the right side of 'in' must be a list, a list parameter or a set field, "
            f"not {rkind.value}",
        )

    def _subscript(self, node: ast.Subscript) -> Compiled:
        table = self.compile(node.value)
        if table.type.kind is not Kind.TABLE:
            raise self.fail(node, "only table parameters can be looked up with [...]")
        key = self.compile(node.slice)
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
        return lookups.lookup(table, key)

    def _call(self, node: ast.Call) -> Compiled:
        if not isinstance(node.func, ast.Name):
            raise self.fail(node, "only the named functions can be called (e.g. count_in(...))")
        spec = FUNCTIONS.get(node.func.id)
        if spec is None:
            allowed = sorted(FUNCTIONS)
            raise self.fail(
                node,
                f"unknown function {node.func.id!r}{did_you_mean(node.func.id, allowed)}: "
                f"allowed are {', '.join(allowed)}",
            )
        if node.keywords:
            raise self.fail(node, f"{node.func.id}() takes no keyword arguments")
        args = [self.compile(arg) for arg in node.args]
        return spec(self, node, args)

    # -- helpers -----------------------------------------------------------------
    def expect(self, node: ast.AST, kind: Kind, where: str) -> Compiled:
        compiled = self.compile(node)
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
                close = did_you_mean(unknown[0], list(domain)) if len(unknown) == 1 else ""
                raise self.fail(
                    node,
                    f"{', '.join(map(repr, unknown))} not among the codes "
                    f"{', '.join(domain)}{close}",
                )
        field = next(iter(sorted(against.fields)), "")
        need = "keys-cover" if values.type.kind is Kind.TABLE else "within"
        self.checks.extend(DomainCheck(p, domain, field, need) for p in sorted(values.params))

    _HANDLERS: Final[Mapping[type[ast.AST], Callable[[Compiler, Any], Compiled]]] = {
        ast.Constant: _constant,
        ast.Name: _name,
        ast.List: _list,
        ast.BoolOp: _boolop,
        ast.UnaryOp: _unary,
        ast.BinOp: _binop,
        ast.Compare: _compare,
        ast.Subscript: _subscript,
        ast.Call: _call,
    }


def did_you_mean(name: str, known: list[str]) -> str:
    """``"; did you mean 'staff'?"`` for the known name closest to a misspelt one ('' if
    none is close): a typo in a condition is fixed at a glance."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close else ""


def _literal_strings(compiled: Compiled) -> frozenset[str] | None:
    """The values of a text or list literal as a set, or None if ``compiled`` is neither."""
    value = compiled.constant
    if isinstance(value, str):
        return frozenset([value])
    if isinstance(value, frozenset):
        return value
    return None
