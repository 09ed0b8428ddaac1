"""Decimals as written: ``0.1`` is one tenth, not the float nearest it.

Profiles and score sheets write rule numbers and scores as short decimals (27.5, 2.7,
0.3). The scoring and the profile checks read them back exactly through these helpers.
"""

from __future__ import annotations

import math
from fractions import Fraction

from selectlib.errors import ArgumentError

__all__ = ["MAX_PLACES", "fraction", "places_of"]

MAX_PLACES = 6
"""The most decimal places a score, bonus or rule number may have."""


def fraction(value: float | int | str | Fraction) -> Fraction:
    """The decimal a number stands for: ``0.1`` is one tenth, not the float nearest it.

    A float is read by its shortest representation (``repr``), which is how it was
    written in the profile or score sheet.
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ArgumentError("number", [f"must be finite (got {value!r})"])
        return Fraction(repr(value))
    return Fraction(value)


def places_of(value: Fraction) -> int:
    """Decimal places of a decimal fraction; ``MAX_PLACES + 1`` when it has more (or is not
    a decimal, like one third)."""
    for places in range(MAX_PLACES + 1):
        if (value * 10**places).denominator == 1:
            return places
    return MAX_PLACES + 1
