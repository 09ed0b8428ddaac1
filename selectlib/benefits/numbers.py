"""Numbers for money: exact rates and shares, amounts in integer won, unit conversions.

Rates are exact :class:`~fractions.Fraction` s whatever way they are written (``"20%"``,
``"0.2"``, ``"1/5"``, a ``Decimal``; a float as the short decimal it prints as); amounts
are checked integer won; 천원 and 백만원 convert exactly. Every bad value is reported with
the others in one :class:`BenefitError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Final, TypeAlias

import numpy as np
import numpy.typing as npt

from selectlib._typing import IntArray
from selectlib.eligibility.amounts import percent
from selectlib.errors import BenefitError

__all__ = [
    "INT64_MAX",
    "MAX_DAYS",
    "MAX_SHOWN",
    "MAX_WON",
    "BenefitError",
    "Number",
    "as_amount",
    "as_amounts",
    "as_rate",
    "as_share",
    "baekmanwon",
    "chunwon",
    "percent",
]

Number: TypeAlias = int | Fraction | Decimal | float | str
"""An exact number: an int, a Fraction, a Decimal, a short-decimal float or text."""

MAX_WON: Final = 10**15
"""The largest amount accepted (1,000조 won): anything above is a unit mistake, and the
bound keeps every product of an amount and a rate exact in ``int64``. A base above it
is refused by the pure functions and gives a ``missing`` amount, naming this limit, in
a profile's decisions and tables."""
MAX_DAYS: Final = 100 * 366
"""The longest loan an interest subsidy counts (36,600 days, a century): longer is an
input mistake. A loan above it gives a ``missing`` amount, naming this limit."""
_LIMIT_NAMES: Final = {MAX_WON: "MAX_WON", MAX_DAYS: "MAX_DAYS"}
"""How a refusal names the limit a value is above."""
INT64_MAX: Final = int(np.iinfo(np.int64).max)
MAX_SHOWN: Final = 10
"""The most bad rows a :class:`BenefitError` lists (then a count of the rest)."""


# -- exact numbers -------------------------------------------------------------------


def _exact(value: object, what: str) -> Fraction:
    """``value`` as an exact Fraction; floats are read as the short decimal they print as."""
    if isinstance(value, bool | np.bool_):
        raise BenefitError(what, [f"must be a number (got {value!r})"])
    if isinstance(value, int | np.integer):
        return Fraction(int(value))
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float | np.floating):
        value = Decimal(repr(float(value)))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise BenefitError(what, [f"must be a finite number (got {value})"])
        return Fraction(value)
    if isinstance(value, str):
        body, scale = value.strip(), Fraction(1)
        for suffix in ("%p", "%"):
            if body.endswith(suffix):
                body, scale = body[: -len(suffix)].strip(), Fraction(1, 100)
                break
        try:
            return Fraction(body) * scale
        except (ValueError, ZeroDivisionError):
            raise BenefitError(
                what, [f"{value!r} is not a number; write e.g. '20%', '0.2' or '1/5'"]
            ) from None
    raise BenefitError(what, [f"must be a number (got {value!r} of type {type(value).__name__})"])


def as_rate(value: Number, *, maximum: Fraction | None = Fraction(1)) -> Fraction:
    """A rate as an exact Fraction between 0 and ``maximum`` (100 % unless told otherwise).

    A rate above 100 % is refused by default because it is nearly always a percentage
    written as a plain number (``20`` for 20 %), which would pay twenty times the base.

    >>> as_rate("20%"), as_rate("1.6%"), as_rate(0.2), as_rate("1%p")
    (Fraction(1, 5), Fraction(2, 125), Fraction(1, 5), Fraction(1, 100))
    """
    rate = _exact(value, "rate")
    if rate < 0:
        raise BenefitError("rate", [f"must not be negative (got {value!r})"])
    if maximum is not None and rate > maximum:
        signed = isinstance(value, str) and "%" in value
        fix = (
            "a rate pays at most the whole base"
            if signed
            else "write a percentage with its sign ('20%') or as a fraction (0.2)"
        )
        raise BenefitError(
            "rate", [f"{value!r} is {percent(rate)}, above {percent(maximum)}; {fix}"]
        )
    return rate


def as_share(ratio: Number | tuple[Number, Number]) -> Fraction:
    """The supported share of a matching ratio: ``"6:4"`` or ``(6, 4)`` is 3/5; a rate as is.

    >>> as_share("5:5"), as_share("6:4"), as_share((6, 4)), as_share("100%")
    (Fraction(1, 2), Fraction(3, 5), Fraction(3, 5), Fraction(1, 1))
    """
    if isinstance(ratio, str) and ":" in ratio:
        parts: Sequence[Number] = ratio.split(":")
    elif isinstance(ratio, tuple):
        parts = ratio
    else:
        return as_rate(ratio)
    if len(parts) != 2:
        raise BenefitError("ratio", [f"must be 'support:own' such as '6:4' (got {ratio!r})"])
    support, own = (_exact(p, "ratio") for p in parts)
    if support < 0 or own < 0 or support + own == 0:
        raise BenefitError("ratio", [f"needs two non-negative parts, not both 0 (got {ratio!r})"])
    return support / (support + own)


def _to_won(amount: Number, factor: int, unit: str) -> int:
    exact = _exact(amount, f"amount in {unit}") * factor
    if exact.denominator != 1:
        raise BenefitError(
            f"amount in {unit}", [f"{amount!r} {unit} is not a whole number of won ({exact})"]
        )
    return exact.numerator


def chunwon(amount: Number) -> int:
    """Thousand won (천원) to won, exactly.

    >>> chunwon(100_000), chunwon("0.5")
    (100000000, 500)
    """
    return _to_won(amount, 1_000, "천원")


def baekmanwon(amount: Number) -> int:
    """Million won (백만원) to won, exactly.

    >>> baekmanwon(100), baekmanwon("0.28")
    (100000000, 280000)
    """
    return _to_won(amount, 1_000_000, "백만원")


# -- integer amounts -----------------------------------------------------------------


def _listed(problems: list[str]) -> list[str]:
    """The first :data:`MAX_SHOWN` problems and a count of the rest."""
    if len(problems) <= MAX_SHOWN:
        return problems
    return [*problems[:MAX_SHOWN], f"... and {len(problems) - MAX_SHOWN} more rows"]


def as_amounts(values: npt.ArrayLike, what: str = "amount", *, maximum: int = MAX_WON) -> IntArray:
    """Integer amounts (won, or a count such as days) as a 1-D ``int64`` array, one per row.

    A single number is one row. Floats are refused even when whole: an amount that went
    through a float may already have lost a won, and a missing value (``NaN``) is not an
    amount. Every bad row is reported at once; a value above ``maximum`` is said to be
    above the named limit (``MAX_WON``, ``MAX_DAYS``).
    """
    limit = f"{_LIMIT_NAMES[maximum]} = {maximum:,}" if maximum in _LIMIT_NAMES else f"{maximum:,}"
    array = np.asarray(values)
    if array.ndim > 1:
        raise BenefitError(what, [f"must be one amount per row (got shape {array.shape})"])
    array = array.reshape(-1)
    if array.size == 0:
        return np.zeros(0, np.int64)
    if array.dtype.kind in "iu":
        too_big = array > maximum
        negative = array < 0
        problems = [f"row {r}: {array[r]} is negative" for r in np.flatnonzero(negative)]
        problems += [f"row {r}: {array[r]} is above {limit}" for r in np.flatnonzero(too_big)]
        if problems:
            raise BenefitError(what, _listed(problems))
        return array.astype(np.int64)
    if array.dtype.kind == "O":
        problems = []
        for row, value in enumerate(array.tolist()):
            if isinstance(value, bool) or not isinstance(value, int):
                problems.append(f"row {row}: {value!r} is not a whole number")
            elif not 0 <= value <= maximum:
                problems.append(f"row {row}: {value} is outside 0 .. {limit}")
        if problems:
            raise BenefitError(what, _listed(problems))
        return array.astype(np.int64)
    kind = {"f": "floats", "b": "booleans"}.get(array.dtype.kind, f"{array.dtype} values")
    raise BenefitError(
        what,
        [f"must be whole numbers (got {kind}); convert checked integers with .astype('int64')"],
    )


def as_amount(value: int, what: str = "amount") -> int:
    """One integer amount of won between 0 and :data:`MAX_WON`."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise BenefitError(what, [f"must be whole won (got {value!r})"])
    if not 0 <= value <= MAX_WON:
        raise BenefitError(what, [f"must be between 0 and MAX_WON = {MAX_WON:,} won (got {value})"])
    return int(value)


# -- rounding ------------------------------------------------------------------------
