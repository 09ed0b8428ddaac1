"""Funding a table of applicants under a budget: who gets what, in full, in part or not at all.

:func:`fund` evaluates every row (eligibility and benefit amounts), then spreads the
budget over the eligible rows by rank, by arrival or pro rata with
:func:`selectlib.benefits.allocate`, one pot per budget key when the budget is a table
(one budget per region). Every input row comes back, with what it asked for, what it
is granted and why.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from selectlib._typing import TableLike
from selectlib.benefits.budget import METHODS, Method, Ties, allocate
from selectlib.benefits.budget import capacity as capacity_of
from selectlib.benefits.numbers import MAX_SHOWN, BenefitError, as_amount
from selectlib.benefits.plan import BenefitPlan
from selectlib.benefits.pot import Pot
from selectlib.benefits.why import funding_reasons, repeated_ids
from selectlib.dates import DateLike, as_date
from selectlib.eligibility.audit import AuditRecord, PendingAudit
from selectlib.eligibility.batch import as_frame, categorical
from selectlib.eligibility.columns import coerce_column, missing_column
from selectlib.errors import InputError
from selectlib.profile.compiled import Profile
from selectlib.profile.model import FieldKind

__all__ = ["FUNDING_STATUSES", "Funding", "Pot", "fund"]

FUNDING_STATUSES: Final = ("full", "partial", "none", "missing", "not_eligible")
BUDGET_HINT: Final = "fund(..., budget=WON)"
"""How a missing budget is given, in the errors :func:`fund` raises; the command line
puts its own option (``--budget WON``) in its place."""
"""Per row: funded in ``full``, in ``partial``, ``none`` (the budget ran out), amount
``missing`` (eligible, but an input the amount needs is missing), ``not_eligible``."""
_FULL, _PARTIAL, _NONE, _MISSING, _NOT_ELIGIBLE = range(5)


@attrs.frozen(eq=False)
class Funding:
    """A budget spread over a table of applicants (see :func:`fund`).

    ``table`` has one row per input row, in order: the columns of
    :meth:`Profile.evaluate_many <selectlib.Profile.evaluate_many>`, then ``requested``
    (the benefit total; 0 when not eligible), ``granted``, ``funding`` (one of
    :data:`FUNDING_STATUSES`), ``funding_reason`` (why a ``missing`` row cannot be
    funded, and a word on a row whose applicant id an earlier row has; ``NaN``
    elsewhere) and ``pot`` when the budget is kept per code.
    ``payments`` has one row per paid amount: who receives how much. :attr:`audit` says
    which rules and inputs (applicants, budget, method) made it.
    """

    profile_id: str
    on: dt.date
    method: Method
    average_support: int | dict[str, int] | None
    pots: tuple[Pot, ...]
    table: pd.DataFrame
    payments: pd.DataFrame
    pending: PendingAudit | None = attrs.field(default=None, kw_only=True, repr=False)

    @property
    def audit(self) -> AuditRecord | None:
        """The run's audit record (kind ``funding``); its input hash is made on first use."""
        return None if self.pending is None else self.pending.record()

    @property
    def budget(self) -> int:
        """The whole budget, every pot together (pots without a budget count 0)."""
        return sum(pot.budget or 0 for pot in self.pots)

    @property
    def granted(self) -> int:
        """The won granted in all."""
        return sum(pot.granted for pot in self.pots)

    @property
    def remaining(self) -> int:
        """The won left unallocated in all."""
        return self.budget - self.granted

    def summary(self) -> pd.DataFrame:
        """One row per pot: budget, requested, granted, remaining, counts and capacity."""
        columns = ["key", "budget", "requested", "granted", "remaining"]
        columns += ["funded_full", "funded_partly", "unfunded", "capacity"]
        frame = pd.DataFrame(
            [{**attrs.asdict(pot), "remaining": pot.remaining} for pot in self.pots],
            columns=columns,
        )
        for name in ("budget", "remaining", "capacity"):
            frame[name] = frame[name].astype("Int64")
        return frame


def _plan_of(profile: Profile) -> BenefitPlan:
    plan = profile.engine.benefits
    if not isinstance(plan, BenefitPlan):  # None: the profile has no benefits section
        raise BenefitError(
            "profile", [f"{profile.id!r} has no 'benefits' section, so there is nothing to fund"]
        )
    return plan


def _pots(
    profile: Profile, plan: BenefitPlan, frame: pd.DataFrame, on: dt.date, budget: int | None
) -> tuple[npt.NDArray[np.intp], list[tuple[str | None, int | None]]]:
    """Each row's pot (-1: none) and every pot's (key, budget; None where the table's
    entry is null: no budget is set for that code)."""
    n = len(frame)
    if budget is not None:
        return np.zeros(n, np.intp), [(None, as_amount(budget, "budget"))]
    ref = plan.budget
    if ref is None:
        raise BenefitError("budget", [f"{profile.id!r} names no budget; give one: {BUDGET_HINT}"])
    env = profile.params_on(on)
    if ref.param is not None and env.values[ref.param] is None:
        since = env.effective[ref.param].isoformat()
        raise BenefitError(
            "budget",
            [
                f"{profile.id!r} has no budget on {on.isoformat()}: the sources give none "
                f"from {since} ({ref.param!r} is null there, not copied from an earlier "
                f"year); give the budget for this run: {BUDGET_HINT}"
            ],
        )
    value = ref.converted(env)
    if ref.key is None:
        return np.zeros(n, np.intp), [(None, int(value))]
    field = plan.fields[ref.key]
    column = coerce_column(field, frame[ref.key]) if ref.key in frame.columns else None
    codes = list(field.codes)
    if column is None:
        pot = np.full(n, -1, np.intp)
    else:
        unusable = column.unusable()
        pot = np.asarray(column.values, np.intp)
        if unusable is not None:
            pot = np.where(unusable, -1, pot)
    budgets = [value.get(code) for code in codes]
    return pot, [
        (code, None if won is None else int(won)) for code, won in zip(codes, budgets, strict=True)
    ]


def _order(
    plan: BenefitPlan,
    frame: pd.DataFrame,
    method: Method,
    taking: npt.NDArray[np.bool_],
    labels: list[object],
) -> npt.NDArray[Any] | None:
    """Funding order keys, read where rows take part (rank, arrival value or row position).

    None for pro rata, which uses no order.
    """
    if method == "pro_rata":
        return None
    n = len(frame)
    name = plan.spec.allocation.rank if method == "rank" else plan.spec.allocation.arrival
    if name is None:
        if method == "rank":
            raise BenefitError(
                "method",
                ["funding by rank needs a rank field (allocation: rank: <field>) in the profile"],
            )
        return np.arange(n, dtype=np.int64)
    field = plan.fields[name]
    column = (
        coerce_column(field, frame[name]) if name in frame.columns else missing_column(field, n)
    )
    unusable = column.unusable()
    lacking = taking & (unusable if unusable is not None else np.zeros(n, bool))
    if lacking.any():
        rows = [labels[r] for r in np.flatnonzero(lacking)[:MAX_SHOWN].tolist()]
        raise InputError(
            f"rows {rows} are eligible but have no usable {name!r}; give every eligible "
            f"applicant one, or fund them another way",
            field=name,
        )
    if field.kind is FieldKind.CATEGORY:  # an arrival order by category: in declared order
        return np.asarray(column.values, np.int64)
    return np.asarray(column.values)


def _capacity(budget: int, average: int | dict[str, int] | None, key: str | None) -> int | None:
    """How many average supports a pot's budget holds, floored as the plans' own figures
    are (000: 454.5 → 454개사); None without an average."""
    per_pot = average.get(key) if isinstance(average, dict) and key is not None else average
    if not isinstance(per_pot, int) or per_pot <= 0:
        return None
    return capacity_of(budget, per_pot, mode="floor")


def _labels(profile: Profile, frame: pd.DataFrame) -> list[object]:
    """How errors name rows: the applicant id when the table has one, else the row label."""
    identifier = profile.spec.identifier
    if identifier is not None and identifier in frame.columns:
        ids = frame[identifier].tolist()
        return [i if isinstance(i, str) and i else r for i, r in zip(ids, frame.index, strict=True)]
    return frame.index.tolist()


def fund(
    profile: Profile,
    table: TableLike,
    on: DateLike = None,
    *,
    budget: int | None = None,
    method: Method | None = None,
    average_support: int | None = None,
    ties: Ties = "refuse",
    context: Any = None,
) -> Funding:
    """Evaluate ``table`` with ``profile`` on ``on`` and spread the budget over it.

    ``budget`` (whole won) replaces the profile's budget, as one pot; ``method``
    (``"rank"``, ``"arrival"``, ``"pro_rata"``) the profile's allocation method; and
    ``average_support`` its dated average support (for the capacity of each pot).
    Rows tied in the funding order where the tie would decide who is funded raise
    :class:`BenefitError` naming them (by applicant id when the table has one): break
    the tie in the data, or pass ``ties="row_order"`` to fund tied rows in row order.
    """
    plan = _plan_of(profile)
    day = as_date(on)
    frame = as_frame(table)
    inputs = {"applicants": frame, "budget": budget, "method": method, "ties": ties}
    pending = profile.stamp.pending(day, inputs | {"average_support": average_support}, "funding")
    results = profile.evaluate_many(frame, day, context=context)
    chosen: Method = method or plan.spec.allocation.method
    if chosen not in METHODS:
        raise BenefitError("method", [f"must be one of {', '.join(METHODS)} (got {chosen!r})"])
    average = _average(plan, day, average_support)
    total = results["benefit"]
    eligible = results["eligible"].fillna(False).to_numpy(bool)
    known = eligible & total.notna().to_numpy()
    requested = np.where(known, total.fillna(0).to_numpy(np.int64), 0)
    pot, pots = _pots(profile, plan, frame, day, budget)
    taking = known & (pot >= 0)
    labels = _labels(profile, frame)
    keys = _order(plan, frame, chosen, taking, labels)
    granted = np.zeros(len(frame), np.int64)
    # an eligible row with no budget key (no pot) cannot be funded: its information is missing
    status = np.where(eligible, np.where(taking, _NONE, _MISSING), _NOT_ELIGIBLE).astype(np.int8)
    summaries = []
    for index, (key, money) in enumerate(pots):
        rows = np.flatnonzero(taking & (pot == index))
        ask = _Ask(requested[rows], None if keys is None else keys[rows], [labels[r] for r in rows])
        granted[rows], status[rows], summary = _fund_pot(
            plan, key, money, ask, chosen, ties, average
        )
        summaries.append(summary)
    out = results.copy()
    out["requested"] = pd.array(np.where(eligible, requested, 0), dtype="Int64")
    out["granted"] = pd.array(granted, dtype="Int64")
    out["funding"] = categorical(status, list(FUNDING_STATUSES))
    key = plan.budget.key if plan.budget is not None and budget is None else None
    why = funding_reasons(status == _MISSING, results["benefit_problems"], pot, pots, key)
    identifier = profile.spec.identifier
    if identifier is not None and identifier in frame.columns:
        why = repeated_ids(why, frame[identifier], identifier)
    out["funding_reason"] = pd.Categorical(why)
    if pots[0][0] is not None:
        out["pot"] = categorical(pot, [str(k) for k, _ in pots])
    return Funding(
        profile_id=profile.id,
        on=day,
        method=chosen,
        average_support=average,
        pots=tuple(summaries),
        table=out,
        payments=_payments(profile, plan, frame, results, granted, known),
        pending=pending,
    )


def _average(
    plan: BenefitPlan, day: dt.date, average_support: int | None
) -> int | dict[str, int] | None:
    """The average support per applicant in force (one, or one per budget code)."""
    if average_support is not None:
        average = as_amount(average_support, "average_support")
        if average == 0:
            raise BenefitError("average_support", ["must be more than 0 won"])
        return average
    dated = plan.spec.average_on(day)
    return dict(dated) if isinstance(dated, tuple) else dated


@attrs.frozen(eq=False)
class _Ask:
    """What the rows of one pot ask for: amounts, their funding order, their labels."""

    amounts: npt.NDArray[np.int64]
    order: npt.NDArray[Any] | None
    labels: list[object]


def _fund_pot(
    plan: BenefitPlan,
    key: str | None,
    money: int | None,
    ask: _Ask,
    method: Method,
    ties: Ties,
    average: int | dict[str, int] | None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int8], Pot]:
    """One pot's grants, the rows' funding statuses, and the pot's summary."""
    asked = ask.amounts
    if money is None:  # no budget set for this code: its rows cannot be funded yet
        missing = np.full(asked.size, _MISSING, np.int8)
        return np.zeros(asked.size, np.int64), missing, Pot(key, None, int(asked.sum()), 0, 0, 0, 0)
    allocation = plan.spec.allocation
    got = allocate(
        asked,
        money,
        method=method,
        order=ask.order,
        partial=allocation.partial if method != "pro_rata" else True,
        ties=ties,
        unit=allocation.unit,
        labels=ask.labels,
    ).granted
    state = np.where(got == asked, _FULL, np.where(got == 0, _NONE, _PARTIAL)).astype(np.int8)
    summary = Pot(
        key=key,
        budget=money,
        requested=int(asked.sum()),
        granted=int(got.sum()),
        funded_full=int((state == _FULL).sum()),
        funded_partly=int((state == _PARTIAL).sum()),
        unfunded=int((state == _NONE).sum()),
        capacity=_capacity(money, average, key),
    )
    return got, state, summary


def _payments(
    profile: Profile,
    plan: BenefitPlan,
    frame: pd.DataFrame,
    results: pd.DataFrame,
    granted: npt.NDArray[np.int64],
    known: npt.NDArray[np.bool_],
) -> pd.DataFrame:
    """One row per amount paid: row, applicant, amount id, beneficiary, amount, granted.

    An application granted less than it asked has its grant spread over its amounts
    in profile order, each in full before the next.
    """
    identifier = profile.spec.identifier
    applicants = (
        frame[identifier].to_numpy(object)
        if identifier is not None and identifier in frame.columns
        else np.full(len(frame), None, object)
    )
    left = granted.copy()
    parts = []
    for amount in plan.amounts:
        column = results[f"benefit.{amount.spec.id}"]
        asked = column.fillna(0).to_numpy(np.int64)
        paid = np.minimum(np.where(known, asked, 0), left)
        left -= paid
        who = applicants
        if amount.spec.beneficiary is not None and amount.spec.beneficiary in frame.columns:
            who = frame[amount.spec.beneficiary].to_numpy(object)
        rows = np.flatnonzero(known & (asked > 0))
        parts.append(
            pd.DataFrame(
                {
                    "position": rows,
                    "row": frame.index.to_numpy()[rows],
                    "applicant": applicants[rows],
                    "amount": amount.spec.id,
                    "beneficiary": who[rows],
                    "requested": asked[rows],
                    "granted": paid[rows],
                }
            )
        )
    payments = pd.concat(parts, ignore_index=True)  # a benefits section has one amount or more
    payments = payments.sort_values("position", kind="stable", ignore_index=True)
    return payments.drop(columns="position")
