"""A profile's benefits compiled: the amounts of one decision, or of a whole table at once.

:func:`~selectlib.benefits.compile.compile_benefits` checks the ``benefits`` section
when the profile loads and returns a :class:`BenefitPlan`. The plan
works out each amount with :mod:`selectlib.benefits.money` (exact, integer won) for
one typed record (:meth:`BenefitPlan.lines`) or for every row of a table
(:meth:`BenefitPlan.columns`); both give the same amounts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from selectlib._typing import IntArray
from selectlib.benefits.money import (
    BenefitTrace,
    Bound,
    Rounding,
    benefit,
    bound_one,
    interest_subsidy,
)
from selectlib.benefits.numbers import MAX_WON, BenefitError
from selectlib.benefits.refs import (
    MAX_DAYS,
    Exact,
    ValueRef,
    minimum_above_cap,
    refs_used,
    value_problems,
)
from selectlib.eligibility.amounts import BenefitLine, LineStatus
from selectlib.eligibility.coerce import MISSING
from selectlib.expr import Condition, DomainCheck
from selectlib.profile.benefits import AmountSpec, BenefitsSpec
from selectlib.profile.model import Field, Parameter
from selectlib.profile.params import Env

__all__ = ["AmountPlan", "BenefitPlan", "reform_problems"]

PAID, NOT_APPLICABLE, MISSING_LINE, NO_LINE = 0, 1, 2, 3


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


@attrs.frozen(eq=False)
class BenefitPlan:
    """The compiled ``benefits`` section of a profile."""

    spec: BenefitsSpec
    amounts: tuple[AmountPlan, ...]
    fields: Mapping[str, Field]
    budget: ValueRef | None
    checks: tuple[DomainCheck, ...] = ()

    def reform_problems(self, parameters: Mapping[str, Parameter]) -> list[tuple[str, str]]:
        """(parameter, problem) for reformed values the amounts cannot use."""
        return reform_problems(self, parameters)

    # -- one record ------------------------------------------------------------------
    def lines(
        self, typed: Mapping[str, Any], env: Env, applicant: str | None
    ) -> tuple[BenefitLine, ...]:
        """The amounts of one eligible applicant (a typed record), in profile order."""
        return tuple(self._line(plan, typed, env, applicant) for plan in self.amounts)

    def _line(
        self, plan: AmountPlan, typed: Mapping[str, Any], env: Env, applicant: str | None
    ) -> BenefitLine:
        spec = plan.spec
        beneficiary = applicant
        nobody = False
        if spec.beneficiary is not None:
            who = typed.get(spec.beneficiary, MISSING)
            beneficiary = None if who is MISSING else str(who)
            nobody = who is MISSING
        effective = env.cache.get(("benefit-effective", spec.id), MISSING)
        if effective is MISSING:
            dates = (env.effective[p] for p in plan.parameters)
            effective = env.cache[("benefit-effective", spec.id)] = max(dates, default=None)

        def line(status: LineStatus, **values: Any) -> BenefitLine:
            return BenefitLine(
                spec.id,
                spec.label,
                spec.source,
                spec.formula,
                status,
                self.spec.rounding,
                beneficiary=beneficiary,
                parameters=plan.parameters,
                effective=effective,
                **values,
            )

        if plan.when is not None:
            holds = plan.when.whole.scalar(typed, env)
            if holds is MISSING:
                return line("missing")
            if holds is False:
                return line("not_applicable")
        base = typed.get(spec.base, MISSING)
        share = plan.share.scalar(typed, env)
        cap = None if plan.cap is None else plan.cap.scalar(typed, env)
        minimum = None if plan.minimum is None else plan.minimum.scalar(typed, env)
        days = None if plan.days is None else plan.days.scalar(typed, env)
        if (
            nobody
            or base is MISSING
            or base > MAX_WON
            or share is None
            or (plan.cap is not None and cap is None)
            or (plan.minimum is not None and minimum is None)
            or (plan.days is not None and days is None)
        ):
            return line("missing")
        rate = Fraction(share)
        raw, rounded, amount, bound = plan.one(
            base, rate, _whole(cap), _whole(minimum), _whole(days), self.spec.rounding
        )
        return line(
            "paid",
            base=base,
            rate=rate,
            cap=_whole(cap),
            minimum=_whole(minimum),
            raw=raw,
            rounded=rounded,
            amount=amount,
            bound=bound,
            firm=base - amount if spec.formula == "matching" else None,
            days=None if days is None else int(days),
            year_days=None if days is None else spec.year_days,
        )

    # -- a table ---------------------------------------------------------------------
    def columns(
        self, vectors: Mapping[str, tuple[Any, Any]], env: Env, eligible: npt.NDArray[np.bool_]
    ) -> dict[str, Any]:
        """``benefit`` (the total) and ``benefit.<id>`` columns for every row.

        An amount is a whole number of won where it was worked out (0 where its
        condition does not hold); ``<NA>`` where the row is not eligible or something
        the amount needs is missing. The total is ``<NA>`` when any amount is.
        """
        n = eligible.shape[0]
        data: dict[str, Any] = {}
        total = np.zeros(n, np.int64)
        unknown = ~eligible
        for plan in self.amounts:
            amount, status = self.amount_column(plan, vectors, env, eligible)
            missing = status >= MISSING_LINE
            data[f"benefit.{plan.spec.id}"] = pd.arrays.IntegerArray(amount, missing)
            total += np.where(missing, 0, amount)
            unknown |= status == MISSING_LINE
        return {"benefit": pd.arrays.IntegerArray(total, unknown), **data}

    def amount_column(
        self,
        plan: AmountPlan,
        vectors: Mapping[str, tuple[Any, Any]],
        env: Env,
        eligible: npt.NDArray[np.bool_],
    ) -> tuple[IntArray, npt.NDArray[np.int8]]:
        """One amount for every row, and its status code (paid, not applicable, missing, none)."""
        n = eligible.shape[0]
        amount = np.zeros(n, np.int64)
        status = np.where(eligible, PAID, NO_LINE).astype(np.int8)
        if plan.when is not None:
            holds, unknown = plan.when.whole.vector(vectors, env)
            holds = np.broadcast_to(np.asarray(holds, bool), (n,))
            unknown = np.zeros(n, bool) if unknown is None else np.broadcast_to(unknown, (n,))
            status = np.where(eligible & unknown, MISSING_LINE, status)
            status = np.where(eligible & ~unknown & ~holds, NOT_APPLICABLE, status)
        values, missing = vectors[plan.spec.base]
        bases = np.asarray(values)
        bad = np.zeros(n, bool) if missing is None else np.asarray(missing, bool).copy()
        bad |= bases > MAX_WON
        if plan.spec.beneficiary is not None:  # an amount paid to nobody cannot be paid
            _, nobody = vectors[plan.spec.beneficiary]
            if nobody is not None:
                bad |= np.asarray(nobody, bool)
        days_column = None
        if plan.days is not None:
            days_column, days_bad = _days(plan.days, vectors, n)
            bad |= days_bad
        status = np.where((status == PAID) & bad, MISSING_LINE, status).astype(np.int8)
        refs = [plan.share, plan.cap, plan.minimum]
        grouped = [
            None if ref is None else ref.groups(vectors, self.fields, env, n) for ref in refs
        ]
        rows = np.flatnonzero(status == PAID)
        if rows.size == 0:
            return amount, status
        keys = np.stack([np.zeros(n, np.intp) if g is None else g[0] for g in grouped])[:, rows]
        combos, inverse = np.unique(keys, axis=1, return_inverse=True)
        for c in range(combos.shape[1]):
            members = rows[inverse.reshape(-1) == c]
            share, cap, minimum = (
                None if g is None else g[1][int(combos[i, c])] for i, g in enumerate(grouped)
            )
            if (
                share is None
                or (grouped[1] is not None and cap is None)
                or (grouped[2] is not None and minimum is None)
            ):
                status[members] = MISSING_LINE
                continue
            member_days = None if days_column is None else days_column[members]
            try:
                trace = plan.trace(
                    bases[members].astype(np.int64),
                    Fraction(share),
                    _whole(cap),
                    _whole(minimum),
                    member_days,
                    self.spec.rounding,
                )
                amount[members] = trace.amount
            except BenefitError:  # too large for int64: exact Python integers, row by row
                for position, row in enumerate(members.tolist()):
                    amount[row] = plan.one(
                        int(bases[row]),
                        Fraction(share),
                        _whole(cap),
                        _whole(minimum),
                        None if member_days is None else int(member_days[position]),
                        self.spec.rounding,
                    )[2]
        return amount, status


def _whole(value: Exact | None) -> int | None:
    return None if value is None else int(value)


def _days(
    ref: ValueRef, vectors: Mapping[str, tuple[Any, Any]], n: int
) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """The day count per row, and where it is missing."""
    if ref.literal is not None:
        return np.full(n, int(ref.literal), np.int64), np.zeros(n, bool)
    assert ref.field is not None
    values, missing = vectors[ref.field]
    days = np.asarray(values, np.int64)
    bad = np.zeros(n, bool) if missing is None else np.asarray(missing, bool).copy()
    bad |= (days < 0) | (days > MAX_DAYS)
    return np.where(bad, 0, days), bad


# -- compiling ---------------------------------------------------------------------


def reform_problems(
    plan: BenefitPlan, parameters: Mapping[str, Parameter]
) -> list[tuple[str, str]]:
    """(parameter, problem) for values a reform gave that the amounts and budget cannot use."""
    refs = [ref for p in plan.amounts for ref in (p.share, p.cap, p.minimum)]
    refs.append(plan.budget)
    found = [
        (ref.param, problem)
        for ref in refs
        if ref is not None and ref.param is not None
        for problem in value_problems(ref, parameters[ref.param])
    ]
    if found:  # values that cannot be used at all; bounds compare only usable ones
        return found
    for amount in plan.amounts:
        name = next(
            (r.param for r in (amount.minimum, amount.cap) if r is not None and r.param),
            amount.spec.id,
        )
        found += [
            (name, problem) for problem in minimum_above_cap(amount.cap, amount.minimum, parameters)
        ]
    return found
