"""The ``benefits`` section of a profile, as data: amounts, rounding, budget, allocation.

These classes only hold what the file says. :mod:`selectlib.benefits.plan` checks them
against the profile's fields and parameters when the profile loads and compiles them
into the amounts a decision carries.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import attrs

from selectlib.benefits.budget import Method
from selectlib.benefits.money import Rounding
from selectlib.text import Text

__all__ = [
    "FORMULAS",
    "AllocationSpec",
    "AmountSpec",
    "Average",
    "BenefitsSpec",
    "Formula",
    "Ref",
]

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


@attrs.frozen
class AllocationSpec:
    """How a budget is spread: the method, the fields that order applicants, partial grants."""

    method: Method = "arrival"
    rank: str | None = None
    arrival: str | None = None
    partial: bool = True
    unit: int = 1


@attrs.frozen
class BenefitsSpec:
    """What eligible applicants receive, and the budget that pays for it.

    ``rounding`` is required: how exact amounts become whole won is a rule of the
    program, never a library default. ``budget`` names a parameter (whole won; a table
    keyed by a category field makes one budget per code). ``average_support`` is a
    dated average support per applicant (one, or one per budget code), for capacity
    planning; it may start after the profile's ``valid_from``.
    """

    rounding: Rounding
    amounts: tuple[AmountSpec, ...]
    budget: str | None = None
    average_support: tuple[tuple[dt.date, Average], ...] = ()
    allocation: AllocationSpec = AllocationSpec()

    def average_on(self, on: dt.date) -> Average | None:
        """The average support in force on ``on``, or None before the first entry."""
        found = None
        for since, value in self.average_support:
            if since <= on:
                found = value
        return found
