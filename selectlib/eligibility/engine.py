"""The compiled form of a profile's rules, and evaluation of one record."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs

from selectlib.eligibility.amounts import BenefitLine
from selectlib.eligibility.audit import ProfileStamp, Stamp
from selectlib.eligibility.coerce import MISSING, Coercer, Invalid, scalar_coercer, shown
from selectlib.eligibility.decision import (
    CriterionInfo,
    CriterionStatus,
    Decision,
    Outcome,
)
from selectlib.errors import InputError, Problem
from selectlib.expr import CompiledCriterion, Condition
from selectlib.profile.model import Field, FieldKind, Text
from selectlib.profile.params import Env
from selectlib.profile.sections import BenefitsPlan

__all__ = ["Engine", "as_record", "wide_names"]

_ABSENT: Final = object()
PASSED, FAILED, UNDECIDED = CriterionStatus.PASSED, CriterionStatus.FAILED, CriterionStatus.MISSING


Step = Callable[[Mapping[str, Any], Env], tuple[Any, Any, Any, Text]]
"""One compiled criterion: record and parameters in; status, value, threshold, message out."""


def wide_names(field: Field) -> tuple[str, ...]:
    """The one-column-per-code names a set field may also be given as (``programs.survey``)."""
    return tuple(f"{field.name}.{code}" for code in field.codes)


@attrs.frozen(eq=False)
class _FieldPlan:
    name: str
    coerce: Coercer
    required: bool
    wide: tuple[str, ...]
    codes: tuple[str, ...]
    flag: Coercer


@attrs.frozen(eq=False)
class Engine:
    """A profile's fields, criteria and benefits compiled for evaluation; shared by its
    reforms."""

    profile_id: str
    fields: tuple[Field, ...]
    criteria: tuple[CompiledCriterion, ...]
    identifier: str | None = None
    benefits: BenefitsPlan | None = None
    _plans: tuple[_FieldPlan, ...] = attrs.field(init=False)
    _steps: tuple[Step, ...] = attrs.field(init=False)
    _unchecked: frozenset[int] = attrs.field(init=False)
    reasons: dict[int, tuple[str, str]] = attrs.field(init=False, factory=dict, repr=False)
    """The reasons (ko, en) of each combination of statuses already met, by its base-3
    number: filled by :mod:`selectlib.eligibility.results`, shared by the reforms,
    whose criteria and messages are the same."""

    def __attrs_post_init__(self) -> None:
        flag = scalar_coercer(Field("flag", FieldKind.BOOLEAN, Text("", "")))
        plans = tuple(
            _FieldPlan(
                f.name,
                scalar_coercer(f),
                f.required,
                wide_names(f) if f.kind is FieldKind.SET else (),
                f.codes,
                flag,
            )
            for f in self.fields
        )
        object.__setattr__(self, "_plans", plans)
        steps = tuple(_step(item) for item in self.criteria)
        object.__setattr__(self, "_steps", steps)
        unchecked = frozenset(i for i, c in enumerate(self.criteria) if not c.criterion.blocking)
        object.__setattr__(self, "_unchecked", unchecked)

    def waits(self, statuses: tuple[CriterionStatus, ...]) -> bool:
        """Whether a missing status leaves the decision incomplete: one of a criterion that
        waits for its input (not one left unchecked, ``if_missing: not_checked``)."""
        unchecked = self._unchecked
        return any(s is UNDECIDED and i not in unchecked for i, s in enumerate(statuses))

    def info(self, env: Env) -> tuple[CriterionInfo, ...]:
        """The criteria's descriptions on ``env``'s date (cached in the env)."""
        found = env.cache.get("info")
        if found is None:
            found = env.cache["info"] = tuple(self._info(item, env) for item in self.criteria)
        return found

    @staticmethod
    def _info(item: CompiledCriterion, env: Env) -> CriterionInfo:
        cond = item.condition
        used = (cond.threshold or cond.whole).params
        params = tuple(sorted(used))
        effective = max((env.effective[p] for p in params), default=None)
        crit = item.criterion
        return CriterionInfo(crit.id, crit.label, crit.source, cond.symbol, params, effective)

    def typed_record(
        self, record: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[Problem], list[str]]:
        """Coerce a record's fields: typed values, problems, and required fields missing."""
        typed: dict[str, Any] = {}
        problems: list[Problem] = []
        missing: list[str] = []
        get = record.get
        for plan in self._plans:
            name = plan.name
            raw = get(name, _ABSENT)
            if raw is _ABSENT:
                value = _from_wide(plan, record) if plan.wide else MISSING
            else:
                value = plan.coerce(raw)
                if value.__class__ is not Invalid and value is not MISSING:
                    typed[name] = value
                    continue
                if value is MISSING and plan.wide:  # a set left empty may come as yes/no keys
                    value = _from_wide(plan, record)
            if value.__class__ is Invalid:
                problems.append(Problem(name, value.problem, key=name, value=shown(raw, 60)))
                value = MISSING
            elif value is MISSING and plan.required:
                missing.append(name)
            typed[name] = value
        return typed, problems, missing

    def evaluate(self, record: Any, env: Env, profile: ProfileStamp | None = None) -> Decision:
        """Evaluate one record (a mapping, or JSON text of an object) on ``env``'s date;
        with ``profile``, the decision carries its audit stamp (the record, copied)."""
        record = as_record(record)
        typed, problems, missing = self.typed_record(record)
        if self._steps:
            statuses, values, thresholds, messages = zip(
                *[step(typed, env) for step in self._steps], strict=True
            )
        else:
            statuses = values = thresholds = messages = ()
        if problems:
            outcome = Outcome.INVALID
        elif FAILED in statuses:
            outcome = Outcome.INELIGIBLE
        elif UNDECIDED in statuses and (not self._unchecked or self.waits(statuses)):
            outcome = Outcome.INCOMPLETE
        else:
            outcome = Outcome.ELIGIBLE
        applicant = None
        if self.identifier is not None:
            ident = typed.get(self.identifier, MISSING)
            applicant = None if ident is MISSING else str(ident)
        lines: tuple[BenefitLine, ...] = ()
        if self.benefits is not None and outcome is Outcome.ELIGIBLE:
            lines = self.benefits.lines(typed, env, applicant)
        return Decision(
            self.profile_id,
            env.on,
            outcome,
            self.info(env),
            statuses,
            values,
            thresholds,
            messages,
            tuple(problems),
            tuple(missing),
            applicant,
            lines,
            None if profile is None else Stamp(profile, dict(record), time.time_ns()),
        )


def _step(item: CompiledCriterion) -> Step:
    """One criterion as one call: (status, value seen, threshold, message).

    A ``value OP threshold`` condition evaluates its two sides and applies the
    operator, so the explanation shows both; any other condition is evaluated whole.
    """
    cond: Condition = item.condition
    messages = item.criterion.messages
    by_status = {PASSED: messages.passed, FAILED: messages.failed, UNDECIDED: messages.missing}
    whole, op = cond.whole.scalar, cond.op
    if op is None or cond.value is None or cond.threshold is None:

        def run_whole(typed: Mapping[str, Any], env: Env) -> tuple[Any, Any, Any, Text]:
            result = whole(typed, env)
            status = PASSED if result is True else FAILED if result is False else UNDECIDED
            return status, None if result is MISSING else result, None, by_status[status]

        return run_whole
    value_fn, threshold_fn = cond.value.scalar, cond.threshold.scalar

    def run(typed: Mapping[str, Any], env: Env) -> tuple[Any, Any, Any, Text]:
        value = value_fn(typed, env)
        threshold = threshold_fn(typed, env)
        if value is MISSING or threshold is MISSING:
            return (
                UNDECIDED,
                None if value is MISSING else value,
                None if threshold is MISSING else threshold,
                by_status[UNDECIDED],
            )
        status = PASSED if op(value, threshold) else FAILED
        return status, value, threshold, by_status[status]

    return run


def _from_wide(plan: _FieldPlan, record: Mapping[str, Any]) -> Any:
    """A set field given as one yes/no entry per code; absent if none of them is there."""
    flags = [record.get(name, _ABSENT) for name in plan.wide]
    if all(flag is _ABSENT for flag in flags):
        return MISSING
    chosen = []
    missing = False
    for code, name, raw in zip(plan.codes, plan.wide, flags, strict=True):
        flag = MISSING if raw is _ABSENT else plan.flag(raw)
        if flag.__class__ is Invalid:  # an invalid flag outweighs a missing one
            return Invalid(f"{name}: {flag.problem}")
        if flag is MISSING:
            missing = True
        elif flag:
            chosen.append(code)
    return MISSING if missing else frozenset(chosen)


def as_record(record: Any) -> Mapping[str, Any]:
    """A record from a mapping or from JSON text of an object; InputError otherwise."""
    if isinstance(record, Mapping):
        return record
    if isinstance(record, str | bytes | bytearray):
        try:
            record = json.loads(record)
        except ValueError as exc:
            raise InputError(f"record is not valid JSON: {exc}") from None
        except RecursionError:
            raise InputError("record is JSON nested too deeply to read") from None
        if isinstance(record, Mapping):
            return record
    hint = " (for a row of a DataFrame, pass row.to_dict())" if hasattr(record, "to_dict") else ""
    raise InputError(
        f"a record must be a mapping of field names to values (or JSON of one), "
        f"got {type(record).__name__}{hint}"
    )
