"""A loan's repayment and interest-compensation schedule, period by period, in whole won.

Low-interest loan programs (Guro-gu's 2018 plan, seed 003) lend with a grace period
("1년 거치"), then repay in instalments ("4년 분할상환(연2회)"), and the district may pay
part of the interest ("은행금리의 최대 연 1% 보전"). :func:`repayment_schedule` lays that out:
for each period, the principal repaid, the balance left, the interest due, the part the
district compensates and the part the firm pays, all integer won by a stated rounding.

What the sources do not say is a rule of this module, stated here and in every
:class:`Schedule`: the principal is repaid in equal instalments (the won left over by
the division with the last one), interest is due every period on the balance at its
start, at the annual rate divided by the instalments per year, also during the grace
period.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Final, Literal

import attrs
import pandas as pd

from selectlib.benefits.money import Rounding
from selectlib.benefits.numbers import BenefitError, Number, as_amount, as_rate

__all__ = ["MAX_INSTALMENTS_PER_YEAR", "MAX_LOAN_YEARS", "Period", "Schedule", "repayment_schedule"]

MAX_LOAN_YEARS: Final = 100
"""The longest loan a schedule lays out, grace and repayment together (a century): a
longer one is an input mistake, and the bound keeps a schedule at most 1,200 rows."""
MAX_INSTALMENTS_PER_YEAR: Final = 12
"""Monthly at most: more instalments a year are no repayment rule of a support program."""

Phase = Literal["grace", "repayment"]
COLUMNS: Final = (
    "period",
    "phase",
    "principal",
    "balance",
    "interest",
    "compensated",
    "paid_by_firm",
)
"""The columns of :meth:`Schedule.to_frame`, in order."""


@attrs.frozen
class Period:
    """One period of a schedule, in whole won.

    ``principal`` is repaid this period and ``balance`` is what is owed after it;
    ``interest`` is due on the balance at the start of the period, of which the district
    pays ``compensated`` and the firm ``paid_by_firm`` (the two always sum to it).
    """

    period: int
    phase: Phase
    principal: int
    balance: int
    interest: int
    compensated: int
    paid_by_firm: int


@attrs.frozen
class Schedule:
    """A loan's periods, with the terms that made them (rates as exact fractions)."""

    principal: int
    annual_rate: Fraction
    compensated_rate: Fraction
    grace_years: int
    instalments_per_year: int
    repay_years: int
    rounding: Rounding
    periods: tuple[Period, ...]

    @property
    def interest(self) -> int:
        """All the interest due over the loan."""
        return sum(p.interest for p in self.periods)

    @property
    def compensated(self) -> int:
        """All the interest the district pays."""
        return sum(p.compensated for p in self.periods)

    @property
    def paid_by_firm(self) -> int:
        """All the interest the firm pays."""
        return sum(p.paid_by_firm for p in self.periods)

    def to_frame(self) -> pd.DataFrame:
        """The periods as a table, one row each (won as ``int64``)."""
        rows = [attrs.astuple(p) for p in self.periods]
        return pd.DataFrame(rows, columns=list(COLUMNS))


def _whole(value: object, what: str, lowest: int, highest: int) -> int:
    """A whole number of years or instalments within its bounds."""
    if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= highest:
        raise BenefitError(what, [f"must be a whole number, {lowest} to {highest} (got {value!r})"])
    return value


def _terms(
    annual_rate: Number, compensated_rate: Number, years: tuple[int, int, int]
) -> tuple[Fraction, Fraction, int, int, int]:
    """The rates and the counts, checked: the district never pays more than the interest."""
    rate, compensated = as_rate(annual_rate), as_rate(compensated_rate)
    if compensated > rate:
        raise BenefitError(
            "compensated_rate",
            [f"{compensated_rate!r} is above the annual rate {annual_rate!r}, its most"],
        )
    grace = _whole(years[0], "grace_years", 0, MAX_LOAN_YEARS)
    per_year = _whole(years[1], "instalments_per_year", 1, MAX_INSTALMENTS_PER_YEAR)
    repay = _whole(years[2], "repay_years", 1, MAX_LOAN_YEARS)
    if grace + repay > MAX_LOAN_YEARS:
        raise BenefitError(
            "repay_years",
            [
                f"grace {grace} + repayment {repay} years is above MAX_LOAN_YEARS = "
                f"{MAX_LOAN_YEARS}: check the unit (years, not months)"
            ],
        )
    return rate, compensated, grace, per_year, repay


def repayment_schedule(
    principal: int,
    annual_rate: Number,
    grace_years: int,
    instalments_per_year: int,
    repay_years: int,
    *,
    compensated_rate: Number = 0,
    rounding: Rounding,
) -> Schedule:
    """The periods of a loan: grace, then equal principal instalments, interest each period.

    There are ``(grace_years + repay_years) × instalments_per_year`` periods. Interest
    of a period is the balance at its start × ``annual_rate`` / ``instalments_per_year``,
    rounded by ``rounding`` (a required rule, as every won amount's); the district's
    part uses ``compensated_rate`` the same way and the firm pays the rest, so the two
    parts always make the interest due. Each instalment repays principal ÷ instalments
    rounded down to the won, the last one also what that division leaves.

    >>> s = repayment_schedule(10_000_000, "1.8%", 1, 2, 4, rounding=Rounding())
    >>> len(s.periods), s.periods[0].interest, s.periods[2].principal, s.interest
    (10, 90000, 1250000, 585000)
    """
    amount = as_amount(principal, "principal")
    rate, share, grace, per_year, repay = _terms(
        annual_rate, compensated_rate, (grace_years, instalments_per_year, repay_years)
    )
    first, last = grace * per_year + 1, (grace + repay) * per_year
    instalment = amount // (repay * per_year)
    balance, periods = amount, []
    for number in range(1, last + 1):
        interest = rounding.apply(balance * rate / per_year)
        compensated = rounding.apply(balance * share / per_year)
        in_grace = number < first
        repaid = 0 if in_grace else (balance if number == last else instalment)
        balance -= repaid
        phase: Phase = "grace" if in_grace else "repayment"
        periods.append(
            Period(number, phase, repaid, balance, interest, compensated, interest - compensated)
        )
    return Schedule(amount, rate, share, grace, per_year, repay, rounding, tuple(periods))
