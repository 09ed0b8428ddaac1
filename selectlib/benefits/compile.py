"""Checking a profile's ``benefits`` section against its fields and parameters, and
compiling it into a :class:`~selectlib.benefits.plan.BenefitPlan` (every problem at once,
each with its key path under ``benefits``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final

from selectlib.benefits.amount import AmountPlan
from selectlib.benefits.plan import BenefitPlan
from selectlib.benefits.refs import (
    RefKind,
    ValueRef,
    minimum_above_cap,
    resolve_ref,
)
from selectlib.errors import ExpressionError
from selectlib.expr import Condition, DomainCheck, Symbols, compile_condition
from selectlib.profile.benefits import AmountSpec, BenefitsSpec
from selectlib.profile.domains import check_domains
from selectlib.profile.model import Field, FieldKind, Parameter

__all__ = ["compile_benefits"]

Problem = tuple[tuple[str | int, ...], str, str]
_OPTIONAL_REFS: Final = ("cap", "minimum", "days")
_SEE_LANGUAGE: Final = "see the condition language in docs/profile-format.md"


def _unset(name: str | None, parameters: Mapping[str, Parameter]) -> str | None:
    """Why an amount cannot use parameter ``name``: it has no value on some dates (null:
    only the budget may), or None when it can."""
    unset = parameters[name].unset if name is not None else ()
    return f"{name!r} has no value from {unset[0].isoformat()} (null)" if unset else None


def _when(
    source: str | None, symbols: Symbols, parameters: Mapping[str, Parameter]
) -> tuple[Condition | None, str | None]:
    """An amount's ``when`` compiled (None without one), or why it cannot be."""
    if source is None:
        return None, None
    try:
        when = compile_condition(source, symbols)
    except ExpressionError as exc:
        return None, str(exc)
    unset = [u for n in sorted(when.whole.params) if (u := _unset(n, parameters))]
    return (None, unset[0]) if unset else (when, None)


def _amount_problems(
    spec: AmountSpec,
    fields: Mapping[str, Field],
    parameters: Mapping[str, Parameter],
    symbols: Symbols,
    broken: frozenset[str],
) -> Iterator[Problem | AmountPlan]:
    path: tuple[str | int, ...] = ("amounts", spec.id)
    base = fields.get(spec.base)
    if base is None or base.kind is not FieldKind.INTEGER:
        yield ((*path, "base"), f"{spec.base!r} is not an integer field", "name the field of won")
    elif base.minimum is None or base.minimum < 0:
        yield (
            (*path, "base"),
            f"the base field {spec.base!r} may be negative",
            f"give {spec.base!r} 'minimum: 0' so a negative amount is refused as invalid input",
        )
    wants, unwanted = ("ratio", "rate") if spec.formula == "matching" else ("rate", "ratio")
    if getattr(spec, unwanted) is not None:
        yield (
            (*path, unwanted),
            f"formula {spec.formula!r} takes {wants!r}, not {unwanted!r}",
            f"write {wants}: ...",
        )
    if (spec.days is not None) != (spec.formula == "interest"):
        yield (
            (*path, "days"),
            "days belongs to the interest formula, and the interest formula needs it",
            "give days with formula: interest only",
        )
    if spec.minimum is not None and spec.formula != "rate":
        yield ((*path, "minimum"), "a minimum applies to the rate formula only", "remove it")
    if spec.beneficiary is not None and spec.beneficiary not in fields:
        yield (
            (*path, "beneficiary"),
            f"no field named {spec.beneficiary!r}",
            "name the field saying who receives the amount",
        )
    share_kind: RefKind = "share" if wants == "ratio" else "rate"
    resolved: dict[str, ValueRef | None] = {}
    kinds: tuple[tuple[str, RefKind], ...] = (
        (wants, share_kind),
        ("cap", "amount"),
        ("minimum", "amount"),
        ("days", "days"),
    )
    for key, kind in kinds:
        ref = getattr(spec, key)
        if ref is None:
            resolved[key] = None
            continue
        if isinstance(ref, str) and ref.split("[")[0].strip() in broken:
            return  # its parameter is already reported as broken
        value, problems = resolve_ref(ref, kind, fields, parameters)
        if value is not None and (unset := _unset(value.param, parameters)):
            value, problems = None, [unset]
        for problem in problems:
            yield ((*path, key), problem, "see 'benefits' in docs/profile-format.md")
        resolved[key] = value
    share = resolved[wants]
    if share is None:
        if getattr(spec, wants) is None:
            yield (path, f"formula {spec.formula!r} needs {wants!r}", f"add {wants}: ...")
        return
    when, why = _when(spec.when, symbols, parameters)
    if why is not None:
        yield ((*path, "when"), why, _SEE_LANGUAGE)
        return
    if any(resolved[k] is None and getattr(spec, k) is not None for k in _OPTIONAL_REFS):
        return
    for problem in minimum_above_cap(resolved["cap"], resolved["minimum"], parameters):
        yield ((*path, "minimum"), problem, "keep every minimum at or below its cap")
        return
    if when is not None:
        for name, index, problem in check_domains(parameters.values(), when.checks):
            yield ((*path, "when"), f"{name!r} (entry {index + 1}): {problem}", _SEE_LANGUAGE)
    yield AmountPlan(spec, share, resolved["cap"], resolved["minimum"], resolved["days"], when)


def _plan_problems(spec: BenefitsSpec, parameters: Mapping[str, Parameter]) -> Iterator[Problem]:
    """A payment plan's instalments must add up to its total (won or a parameter's value
    on the first instalment's date)."""
    for plan in spec.payment_plans:
        path = ("payment_plans", plan.id, "total")
        total = plan.total
        if isinstance(total, str):
            parameter = parameters.get(total)
            entry = parameter.at(plan.instalments[0][0]) if parameter is not None else None
            if entry is None or type(entry.value) is not int:
                yield (
                    path,
                    f"{total!r} is no parameter of whole won then",
                    "name one, or give won",
                )
                continue
            total = entry.value
        paid = sum(won for _, won in plan.instalments)
        if total is not None and paid != total:
            yield (
                path,
                f"the instalments add up to {paid:,} won, not the total {total:,}",
                "fix an instalment or the total",
            )


def compile_benefits(
    spec: BenefitsSpec,
    fields: Mapping[str, Field],
    parameters: Mapping[str, Parameter],
    symbols: Symbols,
    broken: frozenset[str] = frozenset(),
) -> tuple[BenefitPlan | None, list[Problem]]:
    """Check a ``benefits`` section; the compiled plan, or None and every problem."""
    problems: list[Problem] = []
    plans: list[AmountPlan] = []
    for amount in spec.amounts:
        for item in _amount_problems(amount, fields, parameters, symbols, broken):
            if isinstance(item, AmountPlan):
                plans.append(item)
            else:
                problems.append(item)
    budget = None
    if spec.budget is not None:
        budget, found = resolve_ref(spec.budget, "amount", fields, parameters)
        if spec.budget.split("[")[0] not in parameters:
            budget, found = None, [f"no parameter named {spec.budget!r}"]
        problems += [(("budget",), p, "name a parameter of whole won") for p in found]
    allocation = spec.allocation
    orderable = (FieldKind.INTEGER, FieldKind.NUMBER, FieldKind.TEXT, FieldKind.CATEGORY)
    for key, kinds in (("rank", (FieldKind.INTEGER,)), ("arrival", orderable)):
        name = getattr(allocation, key)
        field = fields.get(name) if name is not None else None
        if name is not None and (field is None or field.kind not in kinds):
            what = "an integer field" if key == "rank" else "a number, text or category field"
            problems.append((("allocation", key), f"{name!r} is not {what}", "name an input field"))
    if allocation.method == "rank" and allocation.rank is None:
        problems.append(
            (("allocation", "rank"), "method 'rank' needs the field of ranks", "add rank: <field>")
        )
    problems += _plan_problems(spec, parameters)
    if problems:
        return None, problems
    checks = tuple(
        DomainCheck(ref.param, fields[ref.key].codes, ref.key, "keys-cover")
        for plan in plans
        for ref in (plan.share, plan.cap, plan.minimum)
        if ref is not None and ref.param is not None and ref.key is not None
    ) + tuple(check for plan in plans if plan.when is not None for check in plan.when.checks)
    return BenefitPlan(spec, tuple(plans), fields, budget, checks), []
