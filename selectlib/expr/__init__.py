"""The condition language: parsed into a whitelisted tree, type-checked, compiled once.

A condition such as ``cluster_count >= cluster_min[area_type]`` is parsed with
:func:`ast.parse` (parsing only, nothing is evaluated), every node is checked against
a short whitelist, and the tree is compiled into two closures with one meaning:

* a scalar function ``(record, env) -> value`` for one applicant, and
* a vector function ``(columns, env) -> (values, missing)`` over numpy columns.

Missing inputs propagate as :data:`~selectlib.eligibility.coerce.MISSING` (scalar) or a mask
(vector); ``and``/``or``/``not`` use three-valued (Kleene) logic, so
``False and missing`` is False and ``True or missing`` is True.

The package is split by role: :mod:`.types` (static types, limits, compiled
expressions), :mod:`.lexical` and :mod:`.syntax` (checking the raw text, then
parsing it), :mod:`.ops` (the two-path building blocks), :mod:`.functions` (the named
functions) and :mod:`.compiler` (checking and assembling the tree). Import from here;
the submodules may move.
"""

from selectlib.expr.condition import CompiledCriterion, Condition, compile_condition
from selectlib.expr.functions import FUNCTIONS
from selectlib.expr.syntax import parse
from selectlib.expr.types import (
    MAX_DEPTH,
    MAX_ITEMS,
    MAX_LENGTH,
    MAX_NUMBER,
    MAX_TEXT,
    MAX_TOKENS,
    Compiled,
    DomainCheck,
    Kind,
    ParamInfo,
    Symbols,
    Type,
)

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_ITEMS",
    "MAX_LENGTH",
    "MAX_NUMBER",
    "MAX_TEXT",
    "MAX_TOKENS",
    "Compiled",
    "CompiledCriterion",
    "Condition",
    "DomainCheck",
    "Kind",
    "ParamInfo",
    "Symbols",
    "Type",
    "compile_condition",
    "parse",
]
