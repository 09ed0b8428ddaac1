"""A grant's payment plan (교부 계획): the instalments a profile's ``payment_plans`` give,
dated, with what has been paid by each date and what is left."""

from __future__ import annotations

import datetime as dt
from typing import Final

import pandas as pd

from selectlib.benefits.numbers import BenefitError
from selectlib.profile.benefits import PaymentPlan
from selectlib.profile.compiled import Profile

__all__ = ["PLAN_COLUMNS", "payment_plan"]

PLAN_COLUMNS: Final = ("instalment", "date", "amount", "paid_to_date", "remaining")
"""The columns of :func:`payment_plan`, in order."""


def _plan(profile: Profile, plan_id: str) -> PaymentPlan:
    plans = profile.spec.benefits.payment_plans if profile.spec.benefits else ()
    for plan in plans:
        if plan.id == plan_id:
            return plan
    known = ", ".join(plan.id for plan in plans) or "none"
    raise BenefitError(
        "plan", [f"{profile.id!r} has no payment plan {plan_id!r} (its plans: {known})"]
    )


def _total(profile: Profile, plan: PaymentPlan, first: dt.date) -> int:
    if isinstance(plan.total, str):
        entry = profile.parameter(plan.total).at(first)
        assert entry is not None  # whole won on that date: checked when the profile loaded
        assert isinstance(entry.value, int)
        return entry.value
    return plan.total if plan.total is not None else sum(won for _, won in plan.instalments)


def payment_plan(profile: Profile, plan_id: str) -> pd.DataFrame:
    """The instalments of ``profile``'s payment plan ``plan_id``, in date order: its
    number (1 first), date, amount, what has been paid by then and what remains of the
    total, all whole won. The profile checked when it loaded that they add up.

    >>> import selectlib
    >>> from selectlib.benefits import payment_plan
    >>> grants = selectlib.load_profile("seoul_fixed_grants")
    >>> payment_plan(grants, "kbiz_grant")["remaining"].tolist()
    [1000000000, 600000000, 0]
    """
    plan = _plan(profile, plan_id)
    total = _total(profile, plan, plan.instalments[0][0])
    rows = []
    paid = 0
    for number, (day, won) in enumerate(plan.instalments, start=1):
        paid += won
        rows.append((number, day, won, paid, total - paid))
    return pd.DataFrame(rows, columns=list(PLAN_COLUMNS))
