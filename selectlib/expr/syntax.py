"""The surface of the condition language: parsing text, and naming what is not allowed.

:func:`parse` turns a condition's text into a Python syntax tree with :func:`ast.parse`
(parsing only; nothing is evaluated), within the length limit. The compiler rejects
every node outside its whitelist, and :func:`describe_rejected` says why in words.
"""

from __future__ import annotations

import ast
import warnings

from selectlib.errors import ExpressionError
from selectlib.expr.types import MAX_LENGTH

__all__ = ["describe_rejected", "op_text", "parse"]


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


def describe_rejected(node: ast.AST) -> str:
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


def op_text(op: ast.AST) -> str:
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
