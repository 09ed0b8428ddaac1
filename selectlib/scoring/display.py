"""How a score, a margin or a mean is shown: two decimals, rounded half up (사사오입).

A Korean committee rounds half up: 74.675 is shown 74.68. Python's ``f"{x:.2f}"`` does
not: it rounds the binary float, which for 74.675 lies just below, and gives 74.67; the
same number rounded twice (to four places in a table, to two in a sentence) can give
0.82 in one place and 0.83 in another. Every renderer (the terminal, the sentences, HTML,
xlsx) therefore shows numbers through :func:`shown` alone, computed on the exact value:
a :class:`~fractions.Fraction` or :class:`~decimal.Decimal` as it is, a float as the
decimal it is written as (``repr``: the shortest decimal that reads back as that float,
which for the nearest float to an exact score is that score). So a margin and the
sentence about it cannot disagree.

>>> shown(74.675), shown(-0.825), shown(Fraction(1, 3)), signed(1.8)
('74.68', '-0.83', '0.33', '+1.80')
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Final

__all__ = ["PLACES", "ROUNDING", "Number", "half_up", "percent", "shown", "signed"]

PLACES: Final = 2
"""Decimal places of every score, margin and mean shown."""

ROUNDING: Final = (
    "점수·점수 차이·평균은 소수점 셋째 자리에서 반올림(사사오입)하여 둘째 자리까지 표시합니다.",
    "Scores, differences and means are shown to two decimals, rounded half up (0.005 → 0.01).",
)
"""The rounding rule, as the reports print it (Korean, English)."""

Number = Fraction | Decimal | float | int
"""What can be shown: exact values (Fraction, Decimal, int) or floats read as written."""


def _exact(value: Number) -> Fraction:
    """The exact value: a float is taken as the decimal it is written as."""
    if isinstance(value, float):  # numpy's float64 too
        return Fraction(Decimal(repr(float(value))))
    exact = Fraction(value)  # numpy's integers are Rational too, their parts numpy's
    return Fraction(int(exact.numerator), int(exact.denominator))


def half_up(value: Number, places: int = PLACES) -> Decimal:
    """``value`` rounded to ``places`` decimals, halves away from zero (사사오입)."""
    exact = _exact(value)
    scaled = abs(exact) * 10**places
    whole = math.floor(scaled + Fraction(1, 2))
    return Decimal(-whole if exact < 0 else whole).scaleb(-places)


def shown(value: Number, places: int = PLACES) -> str:
    """``value`` as shown: ``places`` decimals, half up; '' for NaN (no value)."""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return f"{half_up(value, places):f}"


def signed(value: Number, places: int = PLACES) -> str:
    """``value`` as shown with its sign: ``+1.80``, ``-2.62`` (``-0.00`` for a tiny loss)."""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    exact = _exact(value)
    return ("-" if exact < 0 else "+") + shown(abs(exact), places)


def percent(value: Number) -> str:
    """A share as a whole percentage, half up: 0.885 → ``89 %``."""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return f"{half_up(_exact(value) * 100, 0):f} %"
