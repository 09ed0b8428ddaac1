"""The assumptions a profile makes, listed for outputs, and the numbers it leaves unsourced.

Every report says which of its rules rest on an assumption (``assumption:`` in the
profile) rather than on a source; ``selectlib profiles validate --strict`` refuses a
parameter that has neither a ``source:`` nor an ``assumption:``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import attrs

from selectlib.dates import day_of
from selectlib.errors import Problem
from selectlib.profile.assumed import Assumed
from selectlib.profile.benefits import BenefitsSpec
from selectlib.profile.model import Parameter, ParamTable, ProfileSpec
from selectlib.profile.source import SourceMap
from selectlib.text import Text

__all__ = ["Assumption", "assumption_problems", "assumptions", "unsourced"]


@attrs.frozen
class Assumption:
    """One assumption in force: where in the profile (``parameters.cluster_radius_m``,
    ``parameters.budget[2020-01-01]``, ``criteria.cluster_size``, ``evaluation.final``,
    ``benefits.rounding``)
    and what was assumed and why."""

    where: str
    text: Text


def _where(base: str, assumed: Assumed) -> str:
    parts = [p for p in (assumed.since and assumed.since.isoformat(), assumed.key) if p]
    return base + "".join(f"[{part}]" for part in parts)


def _in_force(parameter: Parameter, assumed: Assumed, on: dt.date | None) -> bool:
    if on is None:
        return True
    entry = parameter.at(on)
    return entry is not None and assumed.since in (None, entry.since)


def assumptions(spec: ProfileSpec, on: dt.date | str | None = None) -> tuple[Assumption, ...]:
    """Every assumption of the profile in file order; with ``on``, only those in force
    that day (a dated one while its entry is in force)."""
    day = None if on is None else day_of(on)
    found: list[Assumption] = []
    for parameter in spec.parameters:
        found += (
            Assumption(_where(f"parameters.{parameter.name}", a), a.text)
            for a in parameter.assumption
            if _in_force(parameter, a, day)
        )
    for criterion in spec.criteria:
        found += (Assumption(f"criteria.{criterion.id}", a.text) for a in criterion.assumption)
    if spec.evaluation is not None:
        final = spec.evaluation.final.assumption
        found += (Assumption("evaluation.final", a.text) for a in final)
    if spec.benefits is not None:
        found += _benefit_assumptions(spec.benefits)
    found += (
        Assumption(_where("carried_forward", a), a.text)
        for a in spec.carried_forward
        if day is None or (a.since is not None and a.since <= day)
    )
    return tuple(found)


def _benefit_assumptions(benefits: BenefitsSpec) -> Iterator[Assumption]:
    yield from (Assumption("benefits.rounding", a.text) for a in benefits.rounding.assumption)
    for amount in benefits.amounts:
        yield from (Assumption(f"benefits.amounts.{amount.id}", a.text) for a in amount.assumption)
    average = benefits.average_support_assumption
    yield from (Assumption("benefits.average_support", a.text) for a in average)
    yield from (Assumption("benefits.allocation", a.text) for a in benefits.allocation.assumption)
    for plan in benefits.payment_plans:
        where = f"benefits.payment_plans.{plan.id}"
        yield from (Assumption(where, a.text) for a in plan.assumption)


def unsourced(spec: ProfileSpec) -> tuple[str, ...]:
    """Where a number rests on neither a ``source:`` nor an ``assumption:``: parameters,
    and a benefits section's average support and (with a budget) its allocation."""
    found = [
        f"parameters.{p.name}" for p in spec.parameters if p.source is None and not p.assumption
    ]
    benefits = spec.benefits
    if benefits is not None:
        if benefits.average_support and not (
            benefits.average_support_source or benefits.average_support_assumption
        ):
            found.append("benefits.average_support")
        allocation = benefits.allocation
        if benefits.budget and not (allocation.source or allocation.assumption):
            found.append("benefits.allocation")
    return tuple(found)


def assumption_problems(spec: ProfileSpec, source: SourceMap) -> Iterator[Problem]:
    """Dated or keyed assumptions that name no entry of their parameter; a carried-forward
    assumption without the date it starts."""
    for index, assumed in enumerate(spec.carried_forward):
        if assumed.since is None or assumed.key is not None:
            yield source.problem(
                ("carried_forward", index),
                "a carried-forward assumption needs since: (the first date past the sources) "
                "and no key",
                "add since: YYYY-MM-DD, the day after the last the sources cover",
            )
    for parameter in spec.parameters:
        dates = {entry.since for entry in parameter.history}
        keys = {
            k for e in parameter.history if isinstance(e.value, ParamTable) for k in e.value.keys
        }
        for index, assumed in enumerate(parameter.assumption):
            path = ("parameters", parameter.name, "assumption", index)
            if assumed.since is not None and assumed.since not in dates:
                shown = ", ".join(sorted(d.isoformat() for d in dates))
                yield source.problem(
                    (*path, "since"),
                    f"{assumed.since.isoformat()} is not a date of {parameter.name!r}'s history",
                    f"name one of {shown}",
                )
            if assumed.key is not None and assumed.key not in keys:
                yield source.problem(
                    (*path, "key"),
                    f"{assumed.key!r} is not a key of the table {parameter.name!r}",
                    "name a key of the table, or leave key out",
                )
