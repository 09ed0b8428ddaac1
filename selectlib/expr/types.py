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


def merge_missing(*masks: Mask) -> Mask:
    """The rows missing in any of ``masks``; None (no row missing) when all are None."""
    present = [m for m in masks if m is not None]
    if not present:
        return None
    out = present[0]
    for mask in present[1:]:
        out = out | mask
    return out
