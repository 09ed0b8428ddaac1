"""Money as integer won: exact rates, rounding to a unit, capped benefits, matching, interest.

Amounts are integer won end to end (numpy ``int64`` arrays, one entry per applicant row)
and rates are exact :class:`~fractions.Fraction` s, so 20 % of 4,999,995 won is exactly
999,999 won, never 999,998.9999. A rate may be written ``"20%"``, ``"0.2"``, ``"1/5"``,
``Decimal("0.2")`` or ``Fraction(1, 5)``; a float is read as the short decimal it prints
as (``0.2`` is 1/5, not the binary 0.2000000000000000111), because that is what the
person who typed it meant.

Every formula keeps the exact amount before rounding in its :class:`BenefitTrace`, so a
decision can show the whole calculation: base, rate, exact amount, rounded amount, the
bound that applied and the rounding rule.

>>> trace = benefit([4_999_995, 5_000_000, 5_000_005], "20%", cap=1_000_000)
>>> trace.amount.tolist(), trace.bounds()
([999999, 1000000, 1000000], [None, None, 'cap'])
>>> trace.raw()[2]
Fraction(1000001, 1)
"""

from __future__ import annotations

from fractions import Fraction

import attrs
import numpy as np
import numpy.typing as npt

from selectlib._typing import BoolArray, IntArray
from selectlib.benefits.numbers import (
    INT64_MAX,
    MAX_DAYS,
    BenefitError,
    Number,
    as_amount,
    as_amounts,
    as_rate,
    as_share,
)
from selectlib.profile.benefits import (
    FLOOR_WON,
    ROUNDING_MODES,
    Bound,
    Rounding,
    RoundingMode,
)

__all__ = [
    "FLOOR_WON",
    "ROUNDING_MODES",
    "BenefitTrace",
    "Bound",
    "Matching",
    "Rounding",
    "RoundingMode",
    "benefit",
    "bound_one",
    "interest_subsidy",
    "matching",
]

# -- benefits ------------------------------------------------------------------------


@attrs.frozen(eq=False)
class BenefitTrace:
    """A benefit per applicant row and how it was reached.

    ``raw = base × rate`` (× ``days / year_days`` for an interest subsidy) exactly, as
    ``raw_numerator / raw_denominator``; ``rounded`` is ``raw`` rounded by ``rounding``
    (and never above the base); ``amount`` is ``rounded`` bounded by ``minimum`` and
    ``cap``.

    Attributes
    ----------
    base, rate, cap, minimum, rounding:
        The inputs: the base per row (premium, fee, project cost, principal) and the rule.
    raw_numerator, raw_denominator:
        The exact amount before rounding, per row.
    rounded:
        The rounded amount before the bounds.
    amount:
        The benefit paid, whole won.
    capped:
        ``True`` where the cap lowered the amount (a rounded amount equal to the cap is
        not capped: the formula reached it by itself).
    raised:
        ``True`` where the minimum raised the amount.
    days, year_days:
        The loan days per row and the days in a year, for an interest subsidy; else ``None``.
    """

    base: IntArray
    rate: Fraction
    raw_numerator: IntArray
    raw_denominator: int
    rounded: IntArray
    amount: IntArray
    capped: BoolArray
    raised: BoolArray
    cap: int | None
    minimum: int | None
    rounding: Rounding
    days: IntArray | None = None
    year_days: int | None = None

    def raw(self) -> list[Fraction]:
        """The exact amount before rounding, per row."""
        return [Fraction(n, self.raw_denominator) for n in self.raw_numerator.tolist()]

    def bounds(self) -> list[Bound | None]:
        """The bound that changed the amount per row: ``"cap"``, ``"minimum"`` or ``None``."""
        return [
            "cap" if c else "minimum" if r else None
            for c, r in zip(self.capped.tolist(), self.raised.tolist(), strict=True)
        ]


def _check_fits(bases: IntArray, factor: int, denominator: int, unit: int) -> None:
    """Refuse a rate so fine that ``base × rate`` would overflow ``int64``."""
    largest = int(bases.max(initial=0)) * factor
    if largest > INT64_MAX or 2 * denominator * unit > INT64_MAX:
        raise BenefitError(
            "rate",
            [
                f"base × rate numerator {largest:,} (denominator {denominator:,}) is too large "
                "for exact integer arithmetic; give the rate with fewer digits"
            ],
        )


def _optional_amount(value: int | None, what: str) -> int | None:
    return None if value is None else as_amount(value, what)


def bound_one(
    raw: Fraction, base: int, *, cap: int | None, minimum: int | None, rounding: Rounding
) -> tuple[int, int, Bound | None]:
    """One exact amount rounded, then bounded: (rounded, amount, bound that applied).

    The scalar twin of the array path of :func:`benefit`, for one decision at a time
    without numpy's per-call cost; the tests check that both agree on every input.
    Its arguments are trusted: checked amounts, a non-negative ``raw``.
    """
    rounded = min(rounding.apply(raw), base)
    amount = rounded
    bound: Bound | None = None
    if minimum is not None and rounded < min(base, minimum):
        amount, bound = min(base, minimum), "minimum"
    if cap is not None and amount > cap:
        amount, bound = cap, "cap"
    return rounded, amount, bound


def _bounded(
    base: IntArray,
    rate: Fraction,
    numerator: IntArray,
    denominator: int,
    *,
    cap: int | None,
    minimum: int | None,
    rounding: Rounding,
    days: IntArray | None = None,
    year_days: int | None = None,
) -> BenefitTrace:
    """Round the exact amounts, then apply the minimum and the cap."""
    rounded = np.minimum(rounding.apply_ratio(numerator, denominator), base)
    amount = rounded
    raised = np.zeros(base.shape, bool)
    capped = np.zeros(base.shape, bool)
    if minimum is not None:
        lower = np.minimum(base, minimum)
        raised = rounded < lower
        amount = np.maximum(amount, lower)
    if cap is not None:
        capped = amount > cap
        amount = np.minimum(amount, cap)
    return BenefitTrace(
        base=base,
        rate=rate,
        raw_numerator=numerator,
        raw_denominator=denominator,
        rounded=rounded,
        amount=amount,
        capped=capped,
        raised=raised,
        cap=cap,
        minimum=minimum,
        rounding=rounding,
        days=days,
        year_days=year_days,
    )


def benefit(
    base: npt.ArrayLike,
    rate: Number,
    *,
    cap: int | None = None,
    minimum: int | None = None,
    rounding: Rounding = FLOOR_WON,
) -> BenefitTrace:
    """``rate × base``, rounded, then at least ``minimum`` and at most ``cap``, per row.

    The order is the one the documents imply ("20 % of the premium, at most 1,000,000
    won"): the exact amount is rounded first, then bounded, so a cap or a minimum is paid
    exactly as written even when it is not a multiple of the rounding unit. Two
    safeguards keep the amount between 0 and the base: rounding up never goes above the
    base, and a minimum never pays more than the base (so a base of 0 gets 0). A minimum
    above the cap is refused. The result is non-decreasing in the base.

    >>> benefit([3_499_999, 3_500_000, 3_500_001], "50%", cap=1_750_000).amount.tolist()
    [1749999, 1750000, 1750000]
    >>> benefit([0, 100_000, 1_000_000], "10%", minimum=50_000).amount.tolist()
    [0, 50000, 100000]
    """
    bases = as_amounts(base, "base")
    share = as_rate(rate)
    cap_won = _optional_amount(cap, "cap")
    min_won = _optional_amount(minimum, "minimum")
    if cap_won is not None and min_won is not None and min_won > cap_won:
        raise BenefitError("minimum", [f"{min_won:,} won is above the cap of {cap_won:,} won"])
    _check_fits(bases, share.numerator, share.denominator, rounding.unit)
    return _bounded(
        bases,
        share,
        bases * share.numerator,
        share.denominator,
        cap=cap_won,
        minimum=min_won,
        rounding=rounding,
    )


@attrs.frozen(eq=False)
class Matching:
    """A project cost split into the supported part and the firm's own part (자부담).

    The supported part is a :class:`BenefitTrace` with the project cost as its base; it
    is paid by the government, or by the government and a large firm together in the
    co-prosperity models ("정부·대기업 : 참여기업 6 : 4"). The firm pays the rest, so
    the two always add up to the cost.
    """

    support: BenefitTrace
    firm: IntArray

    @property
    def total(self) -> IntArray:
        """The project cost per row."""
        return self.support.base

    @property
    def government(self) -> IntArray:
        """The supported part per row (government, or government and large firm)."""
        return self.support.amount


def matching(
    total_cost: npt.ArrayLike,
    ratio: Number | tuple[Number, Number],
    *,
    cap: int | None = None,
    rounding: Rounding = FLOOR_WON,
) -> Matching:
    """Split a project cost by a matching ratio (``"5:5"``, ``"6:4"``, ``"100%"``), capped.

    The supported part is rounded (down to the won by default) and capped; the firm pays
    exactly the rest, so any rounding falls on the firm's side and the parts add up to
    the cost.

    >>> split = matching([150_000_000, 400_000_000], "5:5", cap=150_000_000)
    >>> split.government.tolist(), split.firm.tolist()
    ([75000000, 150000000], [75000000, 250000000])
    """
    support = benefit(total_cost, as_share(ratio), cap=cap, rounding=rounding)
    return Matching(support=support, firm=support.base - support.amount)


def interest_subsidy(
    principal: npt.ArrayLike,
    rate: Number,
    days: npt.ArrayLike,
    *,
    year_days: int = 365,
    cap: int | None = None,
    rounding: Rounding = FLOOR_WON,
) -> BenefitTrace:
    """The interest a subsidy pays: ``principal × rate × days / year_days``, rounded, capped.

    ``rate`` is the subsidised annual rate (the points of interest the city pays, "1%p");
    ``days`` is one number for every row or one per row. Korean loan interest counts a
    year as 365 days, leap years included, hence the default.

    >>> interest_subsidy([100_000_000, 50_000_000], "2%", [365, 180]).amount.tolist()
    [2000000, 493150]
    """
    principals = as_amounts(principal, "principal")
    share = as_rate(rate)
    periods = as_amounts(days, "days", maximum=MAX_DAYS)
    if isinstance(year_days, bool) or not isinstance(year_days, int) or year_days < 1:
        raise BenefitError("year_days", [f"must be a positive whole number (got {year_days!r})"])
    if periods.size != 1 and principals.size != 1 and periods.size != principals.size:
        raise BenefitError(
            "days", [f"needs one number, or one per row: {principals.size} (got {periods.size})"]
        )
    principals, periods = np.broadcast_arrays(principals, periods)
    denominator = share.denominator * year_days
    longest = int(periods.max(initial=0))
    _check_fits(principals, share.numerator * longest, denominator, rounding.unit)
    return _bounded(
        principals.copy(),
        share,
        principals * share.numerator * periods,
        denominator,
        cap=_optional_amount(cap, "cap"),
        minimum=None,
        rounding=rounding,
        days=periods.copy(),
        year_days=year_days,
    )
