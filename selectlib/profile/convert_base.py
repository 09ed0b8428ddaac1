"""The profile converter itself, with the hooks every part of a profile shares: dates,
exact fractions, and mappings keyed by name in the file that are lists in the classes."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import cattrs

from selectlib.eligibility.coerce import shown

__all__ = ["converter", "keyed", "structure_date", "unkeyed"]

converter = cattrs.Converter(omit_if_default=True, forbid_extra_keys=True)


def structure_date(value: Any, _: type) -> dt.date:
    """A date from a YAML date, a datetime or ISO text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise TypeError(f"expected a date (YYYY-MM-DD), got {shown(value)}")


converter.register_unstructure_hook(dt.date, lambda d: d.isoformat())
converter.register_unstructure_hook(Fraction, str)
converter.register_structure_hook(Fraction, lambda value, _: Fraction(str(value)))
converter.register_structure_hook(dt.date, structure_date)


def keyed(items: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """Unstructured items as a mapping by ``key``, the key dropped from each value."""
    return {item.pop(key): item for item in items}


def unkeyed(mapping: Any, key: str, defaults: dict[str, Any] | None = None) -> Any:
    """A mapping by ``key`` as a list of dicts carrying the key (the inverse of keyed)."""
    if not isinstance(mapping, dict):
        return mapping  # let structuring report the wrong type
    return [{**(defaults or {}), key: name, **(spec or {})} for name, spec in mapping.items()]
