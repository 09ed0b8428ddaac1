"""One amount of a profile compiled: its rate, bounds and condition, and its formula.

:class:`AmountPlan` works out the amount of rows that share one rate and bounds, by
the formula of the amount (:mod:`selectlib.benefits.money`), with numpy for a table or
with Python integers for one record; :mod:`selectlib.benefits.plan` and
:mod:`selectlib.benefits.table` use it for a decision and for a whole table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Final

import attrs

from selectlib._typing import IntArray
from selectlib.benefits.money import (
    BenefitTrace,
    Bound,
    Rounding,
    benefit,
    bound_one,
    interest_subsidy,
)
from selectlib.benefits.numbers import BenefitError
from selectlib.benefits.refs import Exact, ValueRef, refs_used
from selectlib.expr import Condition
from selectlib.profile.benefits import AmountSpec

__all__ = ["AmountPlan", "whole"]


@attrs.frozen
class _Bounds:
    """What bounds an amount: cap, minimum, the days of an interest subsidy, rounding."""

    cap: int | None
    minimum: int | None
    days: IntArray | None
    year_days: int
    rounding: Rounding


def _share_of_base(base: IntArray, share: Fraction, bounds: _Bounds) -> BenefitTrace:
    """``rate`` and ``matching``: a share of the base, bounded."""
    return benefit(base, share, cap=bounds.cap, minimum=bounds.minimum, rounding=bounds.rounding)


def _interest(base: IntArray, share: Fraction, bounds: _Bounds) -> BenefitTrace:
    """``interest``: a rate of the loan for the days it ran, over the year's days."""
    if bounds.days is None:  # a load-time check makes every interest amount name its days
        raise BenefitError("days", ["an interest subsidy needs the days of the loan"])
    return interest_subsidy(
        base,
        share,
        bounds.days,
        year_days=bounds.year_days,
        cap=bounds.cap,
        rounding=bounds.rounding,
    )


_FORMULAS: Final[Mapping[str, Callable[[IntArray, Fraction, _Bounds], BenefitTrace]]] = {
    "rate": _share_of_base,
    "matching": _share_of_base,
    "interest": _interest,
}
"""How each formula (:data:`~selectlib.profile.benefits.FORMULAS`) works out an amount."""


@attrs.frozen(eq=False)
class AmountPlan:
    """One amount compiled: its references resolved and its condition compiled."""

    spec: AmountSpec
    share: ValueRef
    cap: ValueRef | None
    minimum: ValueRef | None
    days: ValueRef | None
    when: Condition | None

    parameters: tuple[str, ...] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        used = refs_used([self.share, self.cap, self.minimum, self.days])
        extra = sorted(self.when.whole.params) if self.when is not None else []
        object.__setattr__(self, "parameters", tuple(dict.fromkeys([*used, *extra])))

    def one(
        self,
        base: int,
        share: Fraction,
        cap: int | None,
        minimum: int | None,
        days: int | None,
        rounding: Rounding,
    ) -> tuple[Fraction, int, int, Bound | None]:
        """One amount with Python integers: (raw, rounded, amount, bound)."""
        raw = base * share if days is None else base * share * Fraction(days, self.spec.year_days)
        return (raw, *bound_one(raw, base, cap=cap, minimum=minimum, rounding=rounding))

    def trace(
        self,
        base: IntArray,
        share: Fraction,
        cap: int | None,
        minimum: int | None,
        days: IntArray | None,
        rounding: Rounding,
    ) -> BenefitTrace:
        """The amounts of rows sharing one rate and bounds, exactly, by the formula."""
        bounds = _Bounds(cap, minimum, days, self.spec.year_days, rounding)
        return _FORMULAS[self.spec.formula](base, share, bounds)


def whole(value: Exact | None) -> int | None:
    """A resolved amount or day count as an int (None stays None)."""
    return None if value is None else int(value)
