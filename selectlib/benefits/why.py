"""Why an amount could not be worked out, and where its bounds come from, in words.

A ``missing`` amount (a :class:`~selectlib.BenefitLine` with status ``missing``, a
``<NA>`` in a table) always says why, in Korean and English: the input that is missing,
the table entry that is null, or the limit a value is beyond
(:data:`~selectlib.benefits.numbers.MAX_WON`, :data:`~selectlib.benefits.numbers.MAX_DAYS`).
A bound is named by where its value comes from: a parameter (``premium_cap``), a table
entry (``smart_cap[a]``) or the profile key of a literal (``loan_subsidy.cap``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from selectlib._typing import ObjectArray
from selectlib.benefits.numbers import MAX_DAYS, MAX_WON
from selectlib.benefits.refs import ValueRef
from selectlib.text import Text

__all__ = [
    "base_above",
    "days_beyond",
    "funding_reasons",
    "no_beneficiary",
    "no_entry",
    "no_value",
    "ref_name",
    "repeated_ids",
    "undecided",
]


def ref_name(ref: ValueRef, amount: str, role: str, code: object = None) -> str:
    """Where a rate, cap, minimum or day count comes from, as a reader finds it."""
    if ref.field is not None:
        return ref.field
    if ref.param is None:
        return f"{amount}.{role}"
    if ref.key is None:
        return ref.param
    return f"{ref.param}[{ref.key if code is None else code}]"


def undecided(when: str | None, fields: Iterable[str]) -> Text:
    """The amount's ``when`` condition reads a missing input."""
    names = ", ".join(fields) or "an input"
    return Text(
        f"적용 조건({when})을 판단할 수 없음: {names} 값 없음",
        f"its condition ({when}) cannot be decided: {names} missing",
    )


def no_beneficiary(field: str) -> Text:
    """Nobody to pay: the beneficiary field is missing."""
    return Text(f"수혜자({field}) 값 없음", f"no beneficiary: {field} is missing")


def no_value(field: str) -> Text:
    """An input the amount needs is missing."""
    return Text(f"{field} 값 없음", f"{field} is missing")


def base_above(field: str, value: int) -> Text:
    """The base is beyond :data:`MAX_WON`."""
    return Text(
        f"{field} {value:,}원이 한도 MAX_WON {MAX_WON:,}원(산정하는 최대 금액)을 넘음: "
        "단위(원·천원·백만원)를 확인하세요",
        f"{field} {value:,} won is above MAX_WON = {MAX_WON:,} won, the largest amount "
        "worked out: check the unit (won, 천원, 백만원)",
    )


def days_beyond(field: str, value: int) -> Text:
    """A loan's day count is negative or beyond :data:`MAX_DAYS`."""
    if value < 0:
        return Text(f"{field} {value:,}일은 음수", f"{field} {value:,} days is negative")
    return Text(
        f"{field} {value:,}일이 한도 MAX_DAYS {MAX_DAYS:,}일(산정하는 최장 대출 기간)을 넘음",
        f"{field} {value:,} days is above MAX_DAYS = {MAX_DAYS:,} days, the longest loan counted",
    )


def no_entry(ref: ValueRef, code: object = None) -> Text:
    """A rate, cap or minimum with no value: its lookup key is missing, or its entry null."""
    param = ref.param or "?"
    if ref.key is None:
        return Text(f"{param} 값 없음(null)", f"{param} has no value (null)")
    if code is None:
        return Text(
            f"{ref.key} 값이 없어 {param}[{ref.key}]을(를) 찾을 수 없음",
            f"{ref.key} is missing, so {param}[{ref.key}] cannot be looked up",
        )
    return Text(
        f"{param}에 {ref.key} {code}의 값이 없음(null)",
        f"{param} has no value for {ref.key} {code!r} (null)",
    )


def funding_reasons(
    missing: npt.NDArray[np.bool_],
    problems: pd.Series,
    pot: npt.NDArray[np.intp],
    pots: Sequence[tuple[str | None, int | None]],
    key: str | None,
) -> ObjectArray:
    """Per row of a funding table, why its funding is ``missing`` (None elsewhere).

    The amount could not be worked out (``problems``, the ``benefit_problems`` column),
    the row has no budget key when the budget is kept per ``key``, or its pot has no
    budget (the budget table's entry is null).
    """
    reasons: ObjectArray = np.full(missing.shape[0], None, dtype=object)
    text = problems.astype(object).where(problems.notna(), None).to_numpy(dtype=object)
    amount = missing & (text != None)  # noqa: E711
    reasons[amount] = "amount cannot be worked out: " + text[amount]
    rest = missing & ~amount
    reasons[rest & (pot < 0)] = f"{key} is missing: the budget is kept per {key}"
    for index, (code, budget) in enumerate(pots):
        if budget is None:
            reasons[rest & (pot == index)] = (
                f"no budget for {key} {code!r} on this date (its entry is null: the sources give "
                "none); give one: budget=WON in Python, --budget WON on the command line"
            )
    return reasons


def repeated_ids(reasons: ObjectArray, ids: pd.Series, name: str) -> ObjectArray:
    """``reasons`` with a word on every row whose ``name`` (the applicant id) an earlier
    row has: two rows of one application would be funded twice."""
    present = ids.notna().to_numpy() & (ids.astype(str).str.strip() != "").to_numpy()
    first = pd.Series(np.arange(len(ids))).groupby(ids.to_numpy(dtype=object)).transform("min")
    again = np.flatnonzero(present & (first.to_numpy() != np.arange(len(ids))))
    out = reasons.copy()
    for row in again:
        earlier = ids.index[int(first.iloc[row])]
        note = f"{name} {ids.iloc[row]!r} repeats row {earlier!r}: funded twice?"
        out[row] = note if out[row] is None else f"{out[row]}; {note}"
    return out
