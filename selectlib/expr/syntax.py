"""The surface of the condition language: parsing text, and naming what is not allowed.

:func:`parse` checks the raw text (:func:`~selectlib.expr.lexical.check_text`), turns it
into a Python syntax tree with :func:`ast.parse` (parsing only; nothing is evaluated) and
checks the tree's depth, all before the compiler sees it. The compiler rejects every node
outside its whitelist, and :func:`describe_rejected` says why in words.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Collection

from selectlib.errors import ExpressionError
from selectlib.expr.lexical import check_text
from selectlib.expr.types import MAX_DEPTH

__all__ = ["column_of", "describe_rejected", "op_text", "parse"]


def parse(source: str, names: Collection[str] = ()) -> ast.expr:
    """Parse a condition's text into a Python syntax tree without evaluating anything.

    ``names`` are the names the condition may use, for suggestions in error messages.
    """
    if not isinstance(source, str):
        raise ExpressionError("a condition must be text", repr(source))
    check_text(source, names)
    if not source.strip():
        raise ExpressionError("condition is empty", source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "invalid decimal literal": we say it ourselves
            tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        column = _column(source, exc.lineno or 1, max(exc.offset or 1, 1) - 1)
        raise ExpressionError(f"syntax error: {exc.msg}", source, column) from None
    _check_depth(source, tree.body)
    return tree.body


def _check_depth(source: str, root: ast.expr) -> None:
    """Refuse a tree deeper than :data:`MAX_DEPTH`, walking it without recursion."""
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(
                f"expression nested deeper than {MAX_DEPTH} levels (limit "
                "selectlib.expr.MAX_DEPTH): write it flatter or split it into criteria",
                source,
                column_of(source, node),
            )
        children = ast.iter_child_nodes(node)
        stack.extend((child, depth + 1) for child in children if isinstance(child, ast.expr))


def column_of(source: str, node: ast.AST) -> int | None:
    """The 1-based column in ``source`` where ``node`` starts, counted in characters.

    Python counts a node's offset in UTF-8 bytes of its line in the stripped text; a
    condition with Korean text before the node would otherwise point too far right.
    """
    line = getattr(node, "lineno", None)
    offset = getattr(node, "col_offset", None)
    if line is None or offset is None:
        return None
    text = source.strip().splitlines(keepends=True)[line - 1]
    return _column(source, line, len(text.encode()[:offset].decode(errors="ignore")))


def _column(source: str, line: int, offset: int) -> int:
    """The 1-based column in ``source`` of character ``offset`` on ``line`` of the stripped text."""
    lines = source.strip().splitlines(keepends=True)
    before = sum(len(text) for text in lines[: line - 1])
    return len(source) - len(source.lstrip()) + before + offset + 1


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
        ast.Tuple: "a comma outside [...] or a call's brackets is not allowed: join "
        "conditions with 'and' or 'or', and write a list in square brackets, [1, 2]",
        ast.Set: "{...} is not allowed: write a list in square brackets, ['a', 'b']",
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
        ast.Is: "'is'",
        ast.IsNot: "'is not'",
    }
    return names.get(type(op), type(op).__name__)
