"""A compiled condition, ready to evaluate on one record or a whole table, and the
criterion it belongs to: :func:`compile_condition` is the language's entry point."""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs

from selectlib.expr.compiler import COMPARE, SYMBOL_OF, Compiler
from selectlib.expr.functions import FUNCTIONS
from selectlib.expr.syntax import parse
from selectlib.expr.types import Compiled, DomainCheck, Kind, Symbols
from selectlib.profile.model import Criterion

__all__ = ["CompiledCriterion", "Condition", "compile_condition"]


_SCALAR_OPS: Final[Mapping[type[ast.cmpop], Callable[[Any, Any], bool]]] = {
    **COMPARE,
    ast.In: lambda x, c: x in c,
    ast.NotIn: lambda x, c: x not in c,
}
_WORDS: Final = ("and", "or", "not", "in", "true", "false")
"""The words of the language itself."""


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
    tree = parse(source, _names(symbols))
    compiler = Compiler(source, symbols)
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
    return Condition(whole, checks=checks)


def _names(symbols: Symbols) -> frozenset[str]:
    """Every name a condition may write, for "did you mean" suggestions."""
    return frozenset({*symbols.fields, *symbols.params, *FUNCTIONS, *_WORDS})


@attrs.frozen(eq=False)
class CompiledCriterion:
    """A criterion with its compiled condition."""

    criterion: Criterion
    condition: Condition
