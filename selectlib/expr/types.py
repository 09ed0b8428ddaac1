"""The vocabulary of the condition language: static types, limits and compiled expressions.

Every other module of :mod:`selectlib.expr` speaks in these terms, and the loader
uses them to describe fields and parameters, so they live apart from the code that
builds or evaluates expressions.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs
import numpy as np

from selectlib.profile.model import Field
from selectlib.profile.params import Env

__all__ = [
    "MAX_DEPTH",
    "MAX_ITEMS",
    "MAX_LENGTH",
    "MAX_NUMBER",
    "MAX_TEXT",
    "MAX_TOKENS",
    "Compiled",
    "DomainCheck",
    "Kind",
    "Mask",
    "ParamInfo",
    "ScalarFn",
    "Symbols",
    "Type",
    "VectorFn",
    "VectorValue",
    "merge_missing",
]

MAX_LENGTH: Final = 1000
"""The most characters a condition may have; a longer rule should be split into criteria."""
MAX_TOKENS: Final = 400
"""The most tokens (names, numbers, texts, operators, brackets) a condition may have.

Counted on the raw text before parsing, so the syntax tree Python builds stays small
whatever the text holds; realistic conditions use a few dozen."""
MAX_DEPTH: Final = 40
"""How deeply a condition may nest: open brackets (counted before parsing) and levels of
its syntax tree (each operator, call or ``not``; counted before compiling). Parsing,
compiling and evaluating all recurse, so this bounds them; no reviewer reads 40 levels."""
MAX_NUMBER: Final = 10**15
"""The largest magnitude of a number literal: exact in float64 and int64 alike."""
MAX_ITEMS: Final = 200
"""The most items in a list literal; a longer list belongs in a list parameter."""
MAX_TEXT: Final = MAX_LENGTH // 4
"""The most characters in a text literal: codes are short, longer text is a typo."""

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
    TIME = "date and time"


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
    looked_up: tuple[Compiled, Compiled] | None = attrs.field(default=None, kw_only=True)
    """For ``table[key]``, the table and the key: a comparison with it can then decide
    per distinct entry (see :mod:`selectlib.expr.lookups`)."""


def merge_missing(*masks: Mask) -> Mask:
    """The rows missing in any of ``masks``; None (no row missing) when all are None."""
    present = [m for m in masks if m is not None]
    if not present:
        return None
    out = present[0]
    for mask in present[1:]:
        out = out | mask
    return out
