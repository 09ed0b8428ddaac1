"""The named functions a condition may call, and :data:`FUNCTIONS`, their registry by name.

Each function checks its own arguments through the compiler it is handed (so its
errors point at the call) and is built from the same two-path blocks as operators.
Adding a function means adding one entry to :data:`FUNCTIONS`; the compiler looks
names up there and nowhere else.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from typing import Any, Final, Protocol, TypeAlias

import numpy as np

from selectlib.eligibility.coerce import MISSING
from selectlib.errors import ExpressionError
from selectlib.expr.ops import balanced, cached, code_mask, map1, map2, union
from selectlib.expr.types import Compiled, Kind, Type, VectorValue
from selectlib.profile.params import Env

__all__ = ["FUNCTIONS", "Compiler", "FunctionSpec"]


class Compiler(Protocol):
    """What a function needs of the compiler that hands it its arguments: a way to fail
    with the position, and the compiler's own checks of kinds and codes."""

    def fail(self, node: ast.AST | None, message: str) -> ExpressionError: ...

    def require(self, node: ast.AST, compiled: Compiled, kind: Kind, where: str) -> None: ...

    def check_codes(self, node: ast.AST, values: Compiled, against: Compiled) -> None: ...


FunctionSpec: TypeAlias = Callable[[Compiler, ast.Call, list[Compiled]], Compiled]
"""A named function: checks its call's arguments, then compiles the call."""


def _called(node: ast.Call) -> str:
    """The name of the function a call node calls (calls are checked to be by name)."""
    return node.func.id if isinstance(node.func, ast.Name) else "?"


def _numbers(compiler: Compiler, node: ast.Call, args: list[Compiled], at_least: int) -> None:
    if len(args) < at_least:
        raise compiler.fail(node, f"{_called(node)}() needs at least {at_least} argument(s)")
    for arg, arg_node in zip(args, node.args, strict=True):
        compiler.require(arg_node, arg, Kind.NUMBER, f"{_called(node)}()")


def _fn_min_max(which: str) -> FunctionSpec:
    fn = min if which == "min" else max
    vfn = np.minimum if which == "min" else np.maximum

    def spec(compiler: Compiler, node: ast.Call, args: list[Compiled]) -> Compiled:
        _numbers(compiler, node, args, 2)
        return balanced(args, lambda a, b: map2(a, b, Type(Kind.NUMBER), fn, vfn))

    return spec


def _fn_abs(compiler: Compiler, node: ast.Call, args: list[Compiled]) -> Compiled:
    _numbers(compiler, node, args, 1)
    if len(args) != 1:
        raise compiler.fail(node, "abs() takes one argument")
    return map1(args[0], Type(Kind.NUMBER), abs, np.abs)


def _set_and_collection(
    compiler: Compiler, node: ast.Call, args: list[Compiled]
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
    fn: Callable[[frozenset[str], frozenset[str]], Any],
    vfn: Callable[[np.ndarray, np.ndarray], Any],
    kind: Kind,
) -> FunctionSpec:
    def spec(compiler: Compiler, node: ast.Call, args: list[Compiled]) -> Compiled:
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
            mask = cached(env, (key, id(allowed)), lambda: code_mask(domain, allowed))
            return vfn(matrix, mask), missing

        return Compiled(Type(kind), scalar, vector, **union(set_, collection))

    return spec


def _count(matrix: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """How many of the codes selected by ``mask`` each row has (a sum of contiguous columns).

    Under 128 codes the sum runs in int8 over the yes/no columns' bytes (no cast per
    pass, four times faster than adding bools to a wider total) and is widened once.
    """
    dtype = np.int16 if matrix.shape[1] < 2**15 else np.int64
    chosen = np.flatnonzero(mask)
    if len(chosen) < 2**7 and matrix.dtype == np.bool_:
        narrow = np.zeros(matrix.shape[0], dtype=np.int8)
        for index in chosen:
            np.add(narrow, matrix[:, index].view(np.int8), out=narrow)
        return narrow.astype(dtype)
    total = np.zeros(matrix.shape[0], dtype=dtype)
    for index in chosen:
        np.add(total, matrix[:, index], out=total)
    return total


def _all(matrix: np.ndarray, mask: np.ndarray) -> np.ndarray:
    result: np.ndarray = np.equal(_count(matrix, mask), np.count_nonzero(mask))
    return result


def _any(matrix: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return _count(matrix, mask) > 0


def _fn_size(compiler: Compiler, node: ast.Call, args: list[Compiled]) -> Compiled:
    if len(args) != 1 or args[0].type.kind not in (Kind.SET, Kind.LIST):
        raise compiler.fail(node, "size() takes one set field or list")
    (arg,) = args
    if arg.type.kind is Kind.LIST:
        return map1(arg, Type(Kind.NUMBER), len, len)
    return map1(arg, Type(Kind.NUMBER), len, lambda m: _count(m, np.ones(m.shape[1], dtype=bool)))


FUNCTIONS: Final[Mapping[str, FunctionSpec]] = {
    "min": _fn_min_max("min"),
    "max": _fn_min_max("max"),
    "abs": _fn_abs,
    "size": _fn_size,
    "count_in": _set_function(lambda s, c: len(s & c), _count, Kind.NUMBER),
    "includes_all": _set_function(lambda s, c: c <= s, _all, Kind.BOOL),
    "includes_any": _set_function(
        lambda s, c: not s.isdisjoint(c),
        _any,
        Kind.BOOL,
    ),
}
"""The functions a condition may call, by name."""
