"""A profile's benefits compiled: the amounts of one decision, or of a whole table at once.

:func:`~selectlib.benefits.compile.compile_benefits` checks the ``benefits`` section
when the profile loads and returns a :class:`BenefitPlan`. The plan
works out each amount with :mod:`selectlib.benefits.money` (exact, integer won) for
one typed record (:meth:`BenefitPlan.lines`) or for every row of a table
(:meth:`BenefitPlan.columns`, in :mod:`selectlib.benefits.table`); both give the
same amounts, and both say why an amount is missing in the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from selectlib.benefits import why
from selectlib.benefits.amount import AmountPlan, whole
from selectlib.benefits.numbers import MAX_DAYS, MAX_WON
from selectlib.benefits.refs import ValueRef, minimum_above_cap, value_problems
from selectlib.benefits.table import columns
from selectlib.eligibility.amounts import BenefitLine, LineStatus
from selectlib.eligibility.coerce import MISSING
from selectlib.expr import DomainCheck
from selectlib.profile.benefits import BenefitsSpec
from selectlib.profile.model import Field, Parameter
from selectlib.profile.params import Env
from selectlib.text import Text

__all__ = ["AmountPlan", "BenefitPlan", "reform_problems"]


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
            nobody = who is MISSING
            beneficiary = None if nobody else str(who)
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
                lacking = [f for f in sorted(plan.when.whole.fields) if typed.get(f) is MISSING]
                return line("missing", reason=why.undecided(spec.when, lacking))
            if holds is False:
                return line("not_applicable")
        base = typed.get(spec.base, MISSING)
        share = plan.share.scalar(typed, env)
        cap = None if plan.cap is None else plan.cap.scalar(typed, env)
        minimum = None if plan.minimum is None else plan.minimum.scalar(typed, env)
        days = None if plan.days is None else plan.days.scalar(typed, env)
        if share is None or _lacking(plan, nobody, base, (cap, minimum, days)):
            return line("missing", reason=_missing(plan, typed, base, (share, cap, minimum)))
        rate = share if isinstance(share, Fraction) else Fraction(share)
        cap, minimum = whole(cap), whole(minimum)
        raw, rounded, amount, bound = plan.one(
            base, rate, cap, minimum, whole(days), self.spec.rounding
        )
        return line(
            "paid",
            base=base,
            rate=rate,
            cap=cap,
            minimum=minimum,
            raw=raw,
            rounded=rounded,
            amount=amount,
            bound=bound,
            firm=base - amount if spec.formula == "matching" else None,
            days=None if days is None else int(days),
            year_days=None if days is None else spec.year_days,
            cap_name=_name(plan.cap, spec.id, "cap", typed),
            minimum_name=_name(plan.minimum, spec.id, "minimum", typed),
        )

    # -- a table ---------------------------------------------------------------------
    def columns(
        self, vectors: Mapping[str, tuple[Any, Any]], env: Env, eligible: npt.NDArray[np.bool_]
    ) -> dict[str, Any]:
        """``benefit`` (the total), ``benefit_problems`` and ``benefit.<id>`` columns.

        An amount is a whole number of won where it was worked out (0 where its
        condition does not hold); ``<NA>`` where the row is not eligible or the amount
        cannot be worked out, and then ``benefit_problems`` says why (``"<id>: <why>"``).
        The total is ``<NA>`` when any amount is.
        """
        return columns(self.amounts, self.fields, self.spec.rounding, vectors, env, eligible)


def _name(ref: ValueRef | None, amount: str, role: str, typed: Mapping[str, Any]) -> str | None:
    """Where a bound of one record comes from (``smart_cap[a]``); None without the bound."""
    if ref is None:
        return None
    code = typed.get(ref.key, MISSING) if ref.key is not None else MISSING
    return why.ref_name(ref, amount, role, None if code is MISSING else code)


def _lacking(plan: AmountPlan, nobody: bool, base: Any, values: tuple[Any, Any, Any]) -> bool:
    """Whether one record's amount cannot be worked out: the cheap test run on every
    line; :func:`_missing` then says why (a days value out of range is None here)."""
    cap, minimum, days = values
    return (
        nobody
        or base is MISSING
        or base > MAX_WON
        or (plan.cap is not None and cap is None)
        or (plan.minimum is not None and minimum is None)
        or (plan.days is not None and plan.days.field is not None and days is None)
    )


def _missing(
    plan: AmountPlan, typed: Mapping[str, Any], base: Any, values: tuple[Any, Any, Any]
) -> Text | None:
    """Why one record's amount cannot be worked out, in the table path's order; or None."""
    spec = plan.spec
    if spec.beneficiary is not None and typed.get(spec.beneficiary, MISSING) is MISSING:
        return why.no_beneficiary(spec.beneficiary)
    if base is MISSING:
        return why.no_value(spec.base)
    if base > MAX_WON:
        return why.base_above(spec.base, int(base))
    if plan.days is not None and plan.days.field is not None:
        days = typed.get(plan.days.field, MISSING)
        if days is MISSING:
            return why.no_value(plan.days.field)
        if not 0 <= days <= MAX_DAYS:
            return why.days_beyond(plan.days.field, int(days))
    for ref, value in zip((plan.share, plan.cap, plan.minimum), values, strict=True):
        if ref is not None and value is None:
            code = typed.get(ref.key, MISSING) if ref.key is not None else MISSING
            return why.no_entry(ref, None if code is MISSING else code)
    return None


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
