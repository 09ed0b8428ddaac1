"""The ``benefits`` section of a profile, as data: amounts, rounding, budget, allocation.

These classes hold what the file says, and the rounding rule what it does to an exact
amount (integer arithmetic only). :mod:`selectlib.benefits.plan` checks them
against the profile's fields and parameters when the profile loads and compiles them
into the amounts a decision carries.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any, Literal, overload

import attrs

from selectlib._typing import IntArray
from selectlib.dates import day_of
from selectlib.errors import BenefitError
from selectlib.profile.assumed import Assumed
from selectlib.text import Text

__all__ = [
    "FLOOR_WON",
    "FORMULAS",
    "METHODS",
    "ROUNDING_MODES",
    "AllocationSpec",
    "AmountSpec",
    "Average",
    "BenefitsSpec",
    "Bound",
    "Formula",
    "Method",
    "Ref",
    "Rounding",
    "RoundingMode",
    "Ties",
]

Method = Literal["rank", "arrival", "pro_rata"]
METHODS: tuple[Method, ...] = ("rank", "arrival", "pro_rata")
Ties = Literal["refuse", "row_order"]
"""Applicants tied in the funding order: ``"refuse"`` when the tie decides who is funded,
or fund them in ``"row_order"``."""
Bound = Literal["cap", "minimum"]
RoundingMode = Literal["floor", "half_up", "ceil"]
ROUNDING_MODES: tuple[RoundingMode, ...] = ("floor", "half_up", "ceil")


def _check_unit(_: object, __: object, value: object) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < 1
        or value != 10 ** (len(str(value)) - 1)
    ):
        raise BenefitError("unit", [f"must be 1, 10, 100, 1000 ... won (got {value!r})"])


def _check_mode(_: object, __: object, value: object) -> None:
    if value not in ROUNDING_MODES:
        raise BenefitError("mode", [f"must be one of {', '.join(ROUNDING_MODES)} (got {value!r})"])


@overload
def _round_ratio(numerator: int, denominator: int, unit: int, mode: RoundingMode) -> int: ...
@overload
def _round_ratio(
    numerator: IntArray, denominator: int, unit: int, mode: RoundingMode
) -> IntArray: ...
def _round_ratio(numerator: Any, denominator: int, unit: int, mode: RoundingMode) -> Any:
    """``numerator / denominator`` (non-negative) rounded to a multiple of ``unit``.

    One definition for a Python int and an ``int64`` array: only integer division and
    comparison, so nothing is ever approximated.
    """
    step = denominator * unit
    whole, rest = divmod(numerator, step)
    if mode == "half_up":
        whole = whole + (2 * rest >= step)
    elif mode == "ceil":
        whole = whole + (rest > 0)
    return whole * unit


@attrs.frozen
class Rounding:
    """How an exact amount becomes whole won: to a ``unit`` (1, 10, 100, 1,000 won) by a ``mode``.

    Grant rules nearly always cut off what is below the unit (원 미만 절사, ``"floor"``):
    the payer never pays a fraction it did not owe. ``"half_up"`` (사사오입: a half goes
    up) and ``"ceil"`` (절상) are for rules that say so.

    >>> Rounding(unit=10).apply(Fraction(9_999_999, 10))
    999990
    >>> Rounding(mode="half_up").apply(Fraction(1, 2)), Rounding(mode="ceil").apply(Fraction(1, 3))
    (1, 1)
    """

    unit: int = attrs.field(default=1, validator=_check_unit)
    mode: RoundingMode = attrs.field(default="floor", validator=_check_mode)
    assumption: tuple[Assumed, ...] = attrs.field(default=(), kw_only=True, repr=False)

    def apply(self, amount: Fraction | int) -> int:
        """Round one exact, non-negative amount."""
        exact = Fraction(amount)
        if exact < 0:
            raise BenefitError("amount", [f"must not be negative (got {exact})"])
        return _round_ratio(exact.numerator, exact.denominator, self.unit, self.mode)

    def apply_ratio(self, numerator: IntArray, denominator: int) -> IntArray:
        """Round ``numerator / denominator`` row by row: :meth:`apply` on an array."""
        return _round_ratio(numerator, denominator, self.unit, self.mode)


FLOOR_WON = Rounding()
"""The default rounding: down to the won (원 미만 절사)."""


Formula = Literal["rate", "matching", "interest"]
FORMULAS: tuple[Formula, ...] = ("rate", "matching", "interest")
Average = int | tuple[tuple[str, int], ...]
"""An average support per applicant in won: one for every pot, or one per budget code
(``((code, won), ...)``) when only some codes' averages are known."""
Ref = str | int | float
"""A rate, ratio or amount as written: a literal (``"20%"``, ``0.2``, ``1000000``), a
parameter's name (``premium_cap``), or a table lookup (``cap_by_type[project_type]``)."""


@attrs.frozen
class AmountSpec:
    """One amount an application receives: a formula over a base field, bounded.

    ``rate`` (formulas ``rate`` and ``interest``) or ``ratio`` (``matching``: the
    supported share of a project cost, ``"6:4"``) gives the share; ``cap`` and
    ``minimum`` bound the amount; ``days``/``year_days`` make an interest subsidy;
    ``when`` (a condition) says when the amount applies at all; ``beneficiary`` names
    the field saying who receives it, for applications with several parties.
    """

    id: str
    label: Text
    source: str
    formula: Formula
    base: str
    rate: Ref | None = None
    ratio: Ref | None = None
    cap: Ref | None = None
    minimum: Ref | None = None
    days: Ref | None = None
    year_days: int = 365
    when: str | None = None
    beneficiary: str | None = None
    assumption: tuple[Assumed, ...] = ()


@attrs.frozen
class AllocationSpec:
    """How a budget is spread: the method, the fields that order applicants, partial grants."""

    method: Method = "arrival"
    rank: str | None = None
    arrival: str | None = None
    partial: bool = True
    unit: int = 1
    source: str | None = None
    assumption: tuple[Assumed, ...] = ()


@attrs.frozen
class PaymentPlan:
    """A grant paid in dated instalments (교부 계획): how much is paid on which day.

    ``total`` (whole won, or the name of a parameter holding it) is what the
    instalments must add up to; the profile does not load when they do not.
    """

    id: str
    label: Text
    source: str
    instalments: tuple[tuple[dt.date, int], ...]
    total: int | str | None = None
    assumption: tuple[Assumed, ...] = ()


@attrs.frozen
class BenefitsSpec:
    """What eligible applicants receive, and the budget that pays for it.

    ``rounding`` is required: how exact amounts become whole won is a rule of the
    program, never a library default. ``budget`` names a parameter (whole won; a table
    keyed by a category field makes one budget per code). ``average_support`` is a
    dated average support per applicant (one, or one per budget code), for capacity
    planning; it may start after the profile's ``valid_from``, and its origin is
    ``average_support_source`` or an ``average_support_assumption``. ``payment_plans``
    are grants paid in dated instalments.
    """

    rounding: Rounding
    amounts: tuple[AmountSpec, ...]
    budget: str | None = None
    average_support: tuple[tuple[dt.date, Average], ...] = ()
    average_support_source: str | None = None
    average_support_assumption: tuple[Assumed, ...] = ()
    allocation: AllocationSpec = AllocationSpec()
    payment_plans: tuple[PaymentPlan, ...] = ()

    def average_on(self, on: dt.date) -> Average | None:
        """The average support in force on ``on``, or None before the first entry."""
        day = day_of(on)
        found = None
        for since, value in self.average_support:
            if since <= day:
                found = value
        return found
