"""A profile's amounts for every row of a table, and why those that are missing are.

The table path of :class:`~selectlib.benefits.plan.BenefitPlan`: one ``benefit.<id>``
column per amount (``<NA>`` where it cannot be worked out), the total ``benefit``, and
``benefit_problems``: per row, why an amount is missing (``"<id>: <why>"``, the same
words as a decision's :attr:`~selectlib.BenefitLine.reason`), ``<NA>`` where none is.
The amounts are the ones one record at a time gives, row for row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from selectlib._typing import IntArray, ObjectArray
from selectlib.benefits import why
from selectlib.benefits.amount import AmountPlan, whole
from selectlib.benefits.numbers import MAX_DAYS, MAX_WON, BenefitError
from selectlib.benefits.refs import ValueRef
from selectlib.profile.benefits import Rounding
from selectlib.profile.model import Field
from selectlib.profile.params import Env
from selectlib.text import Text

__all__ = ["MISSING_LINE", "NOT_APPLICABLE", "NO_LINE", "PAID", "amount_column", "columns"]

PAID, NOT_APPLICABLE, MISSING_LINE, NO_LINE = 0, 1, 2, 3

Vectors = Mapping[str, tuple[Any, Any]]


class _Reasons:
    """Per row, why an amount is missing: the first reason given to a row stays."""

    def __init__(self, amount: str, n: int) -> None:
        self.amount = amount
        self.text: ObjectArray = np.full(n, None, dtype=object)

    def note(self, rows: npt.NDArray[np.bool_], reason: Text | Callable[[int], Text]) -> None:
        """Give ``reason`` (one Text, or one per row) to the rows without one yet."""
        at = np.flatnonzero(rows & (self.text == None))  # noqa: E711
        if not at.size:
            return
        if isinstance(reason, Text):
            self.text[at] = f"{self.amount}: {reason.en}"
        else:
            self.text[at] = [f"{self.amount}: {reason(int(row)).en}" for row in at]


def columns(
    amounts: tuple[AmountPlan, ...],
    fields: Mapping[str, Field],
    rounding: Rounding,
    vectors: Vectors,
    env: Env,
    eligible: npt.NDArray[np.bool_],
) -> dict[str, Any]:
    """``benefit`` (the total), ``benefit_problems`` and one ``benefit.<id>`` per amount."""
    n = eligible.shape[0]
    data: dict[str, Any] = {}
    total = np.zeros(n, np.int64)
    unknown = ~eligible
    problems: ObjectArray = np.full(n, None, dtype=object)
    for plan in amounts:
        amount, status, reasons = amount_column(plan, fields, rounding, vectors, env, eligible)
        missing = status >= MISSING_LINE
        data[f"benefit.{plan.spec.id}"] = pd.arrays.IntegerArray(amount, missing)
        total += np.where(missing, 0, amount)
        unknown |= status == MISSING_LINE
        more = status == MISSING_LINE
        both = more & (problems != None)  # noqa: E711
        problems[both] = problems[both] + "; " + reasons[both]
        first = more & ~both
        problems[first] = reasons[first]
    return {
        "benefit": pd.arrays.IntegerArray(total, unknown),
        "benefit_problems": pd.Categorical(problems),
        **data,
    }


def _days(
    ref: ValueRef, vectors: Vectors, paid: npt.NDArray[np.bool_], reasons: _Reasons
) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """The day count per row, and where it is missing or beyond :data:`MAX_DAYS`."""
    n = paid.shape[0]
    if ref.literal is not None:
        return np.full(n, int(ref.literal), np.int64), np.zeros(n, bool)
    assert ref.field is not None
    values, missing = vectors[ref.field]
    days = np.asarray(values, np.int64)
    absent = np.zeros(n, bool) if missing is None else np.asarray(missing, bool).copy()
    beyond = ~absent & ((days < 0) | (days > MAX_DAYS))
    field = ref.field
    reasons.note(paid & absent, why.no_value(field))
    reasons.note(paid & beyond, lambda row: why.days_beyond(field, int(days[row])))
    bad = absent | beyond
    return np.where(bad, 0, days), bad


def _unusable(
    plan: AmountPlan, vectors: Vectors, paid: npt.NDArray[np.bool_], reasons: _Reasons
) -> tuple[npt.NDArray[Any], npt.NDArray[np.bool_], IntArray | None]:
    """The bases, the rows to be paid that cannot be worked out (each given its reason
    among the ``paid`` rows), and the days of an interest subsidy."""
    spec = plan.spec
    n = paid.shape[0]
    bad = np.zeros(n, bool)
    if spec.beneficiary is not None:  # an amount paid to nobody cannot be paid
        _, nobody = vectors[spec.beneficiary]
        if nobody is not None:
            bad |= np.asarray(nobody, bool)
            reasons.note(paid & bad, why.no_beneficiary(spec.beneficiary))
    values, missing = vectors[spec.base]
    bases = np.asarray(values)
    absent = np.zeros(n, bool) if missing is None else np.asarray(missing, bool)
    reasons.note(paid & absent, why.no_value(spec.base))
    above = ~absent & (bases > MAX_WON)
    reasons.note(paid & above, lambda row: why.base_above(spec.base, int(bases[row])))
    bad |= absent | above
    days_column = None
    if plan.days is not None:
        days_column, days_bad = _days(plan.days, vectors, paid, reasons)
        bad |= days_bad
    return bases, bad & paid, days_column


def _condition(
    plan: AmountPlan, vectors: Vectors, env: Env, status: npt.NDArray[np.int8], reasons: _Reasons
) -> npt.NDArray[np.int8]:
    """Rows whose ``when`` does not hold (not applicable) or cannot be decided (missing)."""
    if plan.when is None:
        return status
    n = status.shape[0]
    holds, unknown = plan.when.whole.vector(vectors, env)
    holds = np.broadcast_to(np.asarray(holds, bool), (n,))
    unknown = np.zeros(n, bool) if unknown is None else np.broadcast_to(unknown, (n,))
    eligible = status == PAID
    reasons.note(eligible & unknown, why.undecided(plan.spec.when, sorted(plan.when.whole.fields)))
    status = np.where(eligible & unknown, MISSING_LINE, status)
    return np.where(eligible & ~unknown & ~holds, NOT_APPLICABLE, status).astype(np.int8)


def amount_column(
    plan: AmountPlan,
    fields: Mapping[str, Field],
    rounding: Rounding,
    vectors: Vectors,
    env: Env,
    eligible: npt.NDArray[np.bool_],
) -> tuple[IntArray, npt.NDArray[np.int8], ObjectArray]:
    """One amount for every row, its status code (paid, not applicable, missing, none),
    and why it is missing (``"<id>: <why>"``; None where it is not)."""
    n = eligible.shape[0]
    amount = np.zeros(n, np.int64)
    reasons = _Reasons(plan.spec.id, n)
    status = np.where(eligible, PAID, NO_LINE).astype(np.int8)
    status = _condition(plan, vectors, env, status, reasons)
    bases, bad, days_column = _unusable(plan, vectors, status == PAID, reasons)
    status = np.where(bad, MISSING_LINE, status).astype(np.int8)
    refs = [plan.share, plan.cap, plan.minimum]
    grouped = [None if ref is None else ref.groups(vectors, fields, env, n) for ref in refs]
    rows = np.flatnonzero(status == PAID)
    if rows.size == 0:
        return amount, status, reasons.text
    keys = np.stack([np.zeros(n, np.intp) if g is None else g[0] for g in grouped])[:, rows]
    combos, inverse = np.unique(keys, axis=1, return_inverse=True)
    for c in range(combos.shape[1]):
        members = rows[inverse.reshape(-1) == c]
        values = [None if g is None else g[1][int(combos[i, c])] for i, g in enumerate(grouped)]
        lacking = [i for i, g in enumerate(grouped) if g is not None and values[i] is None]
        if lacking:
            ref = refs[lacking[0]]
            assert ref is not None
            code = _code(ref, fields, int(combos[lacking[0], c]))
            lookup = np.zeros(n, bool)
            lookup[members] = True
            reasons.note(lookup, why.no_entry(ref, code))
            status[members] = MISSING_LINE
            continue
        member_days = None if days_column is None else days_column[members]
        amount[members] = _amounts(plan, bases[members], values, member_days, rounding)
    return amount, status, reasons.text


def _code(ref: ValueRef, fields: Mapping[str, Field], index: int) -> str | None:
    """The code a table lookup used (None: the key field was missing)."""
    if ref.key is None:
        return None
    codes = fields[ref.key].codes
    return str(codes[index]) if index < len(codes) else None


def _amounts(
    plan: AmountPlan,
    bases: npt.NDArray[Any],
    values: list[Any],
    days: IntArray | None,
    rounding: Rounding,
) -> IntArray:
    """The amounts of rows sharing one rate and bounds; exact Python integers if too large."""
    share, cap, minimum = values
    try:
        trace = plan.trace(
            bases.astype(np.int64), Fraction(share), whole(cap), whole(minimum), days, rounding
        )
        return trace.amount
    except BenefitError:  # too large for int64: exact Python integers, row by row
        return np.array(
            [
                plan.one(
                    int(bases[i]),
                    Fraction(share),
                    whole(cap),
                    whole(minimum),
                    None if days is None else int(days[i]),
                    rounding,
                )[2]
                for i in range(len(bases))
            ],
            dtype=np.int64,
        )
