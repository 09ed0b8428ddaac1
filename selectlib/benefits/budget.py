"""Budgets: allocate a budget over applicants, plan capacity, derive targets from shares.

An allocation never pays more than the budget. By rank or by arrival, applicants are
funded in order in full while the budget lasts; the first one it cannot fully fund gets
what is left (or nothing, with ``partial=False``), and everyone after gets nothing.
Pro rata, every request is scaled down by the same factor, rounded down.

Who is funded must never depend on the order of the rows in a file: applicants tied in
the funding order (the same rank, the same arrival time) are refused when the budget
runs out among them, unless the caller says the row order breaks the tie.

>>> allocation = allocate([400, 300, 500], 800, method="arrival")
>>> allocation.granted.tolist(), allocation.status.tolist(), allocation.remaining
([400, 300, 100], ['full', 'full', 'partial'], 0)
>>> capacity(100_000_000, 280_000, mode="floor"), target(96, "90%", mode="floor")
(357, 86)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Final, Literal

import attrs
import numpy as np
import numpy.typing as npt

from selectlib._typing import IntArray
from selectlib.benefits.numbers import (
    MAX_SHOWN,
    BenefitError,
    Number,
    as_amount,
    as_amounts,
    as_rate,
)
from selectlib.profile.benefits import METHODS, Method, Rounding, RoundingMode, Ties

__all__ = [
    "METHODS",
    "Allocation",
    "Method",
    "Remainder",
    "Ties",
    "allocate",
    "capacity",
    "target",
]

Remainder = Literal["keep", "largest"]
"""Won left over by pro-rata rounding: ``"keep"`` it unallocated, or give it a unit at a
time to the ``"largest"`` remainders."""

_INT64_MAX = int(np.iinfo(np.int64).max)


@attrs.frozen(eq=False)
class Allocation:
    """A budget spread over applicant rows.

    Attributes
    ----------
    requested:
        What each row asked for (its benefit amount), whole won.
    granted:
        What each row gets: never more than it asked, never more than the budget in all.
    budget:
        The budget allocated, whole won.
    method:
        ``"rank"``, ``"arrival"`` or ``"pro_rata"``.
    """

    requested: IntArray
    granted: IntArray
    budget: int
    method: Method

    @property
    def status(self) -> npt.NDArray[np.str_]:
        """``"full"``, ``"partial"`` or ``"none"`` per row; a request of 0 is always full."""
        full = self.granted == self.requested
        return np.where(full, "full", np.where(self.granted == 0, "none", "partial"))

    @property
    def total(self) -> int:
        """The won granted in all."""
        return int(self.granted.sum())

    @property
    def remaining(self) -> int:
        """The won of the budget left unallocated."""
        return self.budget - self.total


def _order_keys(
    order: npt.ArrayLike | None, method: Method, count: int, labels: Sequence[object] | None
) -> npt.NDArray[np.generic]:
    """The funding order keys (lower is funded first), checked."""
    if order is None:
        if method == "rank":
            raise BenefitError("order", ["method 'rank' needs the ranks, one per row (1 first)"])
        return np.arange(count)
    keys = np.asarray(order)
    if keys.shape != (count,):
        raise BenefitError("order", [f"needs one key per row, {count} (got shape {keys.shape})"])
    if method == "rank":
        if keys.dtype.kind not in "iu":
            raise BenefitError("order", [f"ranks must be whole numbers (got {keys.dtype})"])
        bad = np.flatnonzero(keys < 1)
        problems = [
            f"row {_named([r], labels)[0]}: rank {keys[r]}; ranks start at 1 "
            "(leave out rows that are not ranked)"
            for r in bad[:MAX_SHOWN].tolist()
        ]
        if problems:
            raise BenefitError("order", problems)
        return keys
    missing = (
        np.isnan(keys)
        if keys.dtype.kind in "fc"
        else np.isnat(keys)
        if keys.dtype.kind in "mM"
        else np.zeros(count, bool)
    )
    if missing.any():
        rows = _named(np.flatnonzero(missing)[:MAX_SHOWN].tolist(), labels)
        raise BenefitError("order", [f"row {r}: the arrival key is missing" for r in rows])
    try:
        np.argsort(keys)
    except TypeError as exc:
        raise BenefitError("order", [f"keys must be comparable with each other ({exc})"]) from None
    return keys


def _walk(
    requests: IntArray,
    budget: int,
    keys: npt.NDArray[np.generic],
    *,
    partial: bool,
    ties: Ties,
    unit: Rounding,
    method: Method,
    labels: Sequence[object] | None,
) -> IntArray:
    """Fund in key order (ties by row order) while the budget lasts; check the ties."""
    sequence = np.argsort(keys, kind="stable")
    wanted = requests[sequence]
    left = np.maximum(budget - (np.cumsum(wanted) - wanted), 0)
    last = unit.apply_ratio(left, 1) if partial else np.zeros_like(left)
    got = np.where(wanted <= left, wanted, last)
    if ties == "refuse" and wanted.size:
        _refuse_deciding_ties(keys[sequence], sequence, wanted, left, last, method, labels)
    granted = np.empty_like(requests)
    granted[sequence] = got
    return granted


def _refuse_deciding_ties(
    keys: npt.NDArray[np.generic],
    sequence: IntArray,
    wanted: IntArray,
    left: IntArray,
    last: IntArray,
    method: Method,
    labels: Sequence[object] | None,
) -> None:
    """Refuse a tie in the funding order that decides who is funded.

    ``keys``, ``wanted``, ``left`` and ``last`` are in funding order. A tied group gets
    the same grants in any order when its positive requests all fit in what is left, or
    when nobody in it can get anything (nobody's request fits and a partial grant would
    round to 0). Otherwise the row order would choose.
    """
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    positive = wanted > 0
    count = np.add.reduceat(positive.astype(np.int64), starts)
    asked = np.add.reduceat(wanted, starts)
    smallest = np.minimum.reduceat(np.where(positive, wanted, _INT64_MAX), starts)
    room = left[starts]
    deciding = (count >= 2) & (asked > room) & ((smallest <= room) | (last[starts] > 0))
    if not deciding.any():
        return
    ends = np.append(starts[1:], keys.size)
    what = "rank" if method == "rank" else "arrival key"
    problems = [
        f"rows {_named(sorted(sequence[s:e].tolist()), labels)} share {what} {_key(keys[s])} and "
        f"the {room[g]:,} won "
        f"left cannot fund all of them ({asked[g]:,} won asked), so the row order would "
        "decide; break the tie (a tie-break rule in the ranking, a finer arrival time) "
        "or fund tied rows in row order (ties='row_order', --row-order-ties)"
        for g, (s, e) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True))
        if deciding[g]
    ]
    raise BenefitError("order", problems[:MAX_SHOWN])


def _key(value: object) -> str:
    """A funding-order key as written: a number plainly, text in quotes."""
    plain = value.item() if isinstance(value, np.generic) else value
    return repr(plain) if isinstance(plain, str) else str(plain)


def _named(rows: list[int], labels: Sequence[object] | None) -> list[object]:
    """Row positions as the caller's labels (applicant ids, input rows), if given."""
    return list(rows) if labels is None else [labels[r] for r in rows]


def _pro_rata(
    requests: IntArray, budget: int, asked: int, unit: int, remainder: Remainder
) -> IntArray:
    """``floor(request × budget / asked)`` to the unit; the leftover kept or given out."""
    if asked <= budget:
        return requests.copy()
    scaled = requests.astype(object) * budget  # Python ints: the products exceed int64
    granted = scaled // (asked * unit) * unit
    if remainder == "largest":
        rest = scaled - granted * asked
        spare = (budget - int(granted.sum())) // unit
        room = (rest > 0) & (granted + unit <= requests)
        by_rest = np.argsort(-rest, kind="stable")  # ties by row order
        chosen = by_rest[room[by_rest]][:spare]
        granted[chosen] += unit
    return granted.astype(np.int64)


@attrs.frozen(eq=False)
class _Request:
    """One allocation's checked requests and settings, for the allocation methods."""

    wanted: IntArray
    money: int
    asked: int
    order: npt.ArrayLike | None
    partial: bool
    ties: Ties
    remainder: Remainder
    step: Rounding
    labels: Sequence[object] | None


def _by_share(how: _Request, method: Method) -> IntArray:
    """``pro_rata``: every row a share of the budget in proportion to its request."""
    if how.order is not None or not how.partial:
        raise BenefitError("method", ["pro_rata uses no order and always funds in part"])
    if how.remainder not in ("keep", "largest"):
        raise BenefitError("remainder", [f"must be 'keep' or 'largest' (got {how.remainder!r})"])
    return _pro_rata(how.wanted, how.money, how.asked, how.step.unit, how.remainder)


def _in_order(how: _Request, method: Method) -> IntArray:
    """``rank`` and ``arrival``: rows funded in full, in order, while the budget lasts."""
    if how.remainder != "keep":
        raise BenefitError("remainder", [f"applies to pro_rata only (method is {method!r})"])
    if how.ties not in ("refuse", "row_order"):
        raise BenefitError("ties", [f"must be 'refuse' or 'row_order' (got {how.ties!r})"])
    keys = _order_keys(how.order, method, how.wanted.size, how.labels)
    return _walk(
        how.wanted,
        how.money,
        keys,
        partial=how.partial,
        ties=how.ties,
        unit=how.step,
        method=method,
        labels=how.labels,
    )


_ALLOCATORS: Final[Mapping[str, Callable[[_Request, Method], IntArray]]] = {
    "pro_rata": _by_share,
    "rank": _in_order,
    "arrival": _in_order,
}
"""The allocation methods by name (:data:`~selectlib.profile.benefits.METHODS`)."""


def allocate(
    requests: npt.ArrayLike,
    budget: int,
    *,
    method: Method = "rank",
    order: npt.ArrayLike | None = None,
    partial: bool = True,
    ties: Ties = "refuse",
    remainder: Remainder = "keep",
    unit: int = 1,
    labels: Sequence[object] | None = None,
) -> Allocation:
    """Allocate ``budget`` won over the requests (one benefit amount per row).

    ``"rank"``: ``order`` gives each row's rank, 1 funded first. ``"arrival"``: ``order``
    gives an arrival key per row (sequence numbers, timestamps), earliest first; without
    it the row order is the arrival order. Both fund in full while the budget lasts; the
    first row that does not fit gets what is left rounded down to ``unit`` won (nothing
    with ``partial=False``) and every row after it gets nothing, even a smaller request
    that would still fit: funding it would skip a better-placed applicant. Rows tied in
    the order: see :data:`Ties`.

    ``"pro_rata"``: when the requests exceed the budget, every row gets
    ``floor(request × budget / total requested)`` rounded down to ``unit`` won, so no one
    gets more than asked and the total stays within the budget. The few won the rounding
    leaves over stay unallocated (``remainder="keep"``, reported in ``remaining``) or go
    one ``unit`` at a time to the rows with the largest remainders, ties by row order
    (``remainder="largest"``), never above a request.

    ``labels`` (one per row) name the rows in error messages instead of their positions.

    >>> allocate([300, 500, 200], 600, method="rank", order=[2, 1, 3]).granted.tolist()
    [100, 500, 0]
    >>> allocate([300, 500, 200], 600, method="pro_rata").granted.tolist()
    [180, 300, 120]
    """
    wanted = as_amounts(requests, "requests")
    money = as_amount(budget, "budget")
    step = Rounding(unit=unit)
    asked = int(np.sum(wanted, dtype=object))
    if asked > _INT64_MAX:
        raise BenefitError("requests", [f"add up to {asked:,} won, too much to allocate"])
    how = _Request(wanted, money, asked, order, partial, ties, remainder, step, labels)
    allocator = _ALLOCATORS.get(method)
    if allocator is None:
        raise BenefitError("method", [f"must be one of {', '.join(METHODS)} (got {method!r})"])
    granted = allocator(how, method)
    return Allocation(requested=wanted, granted=granted, budget=money, method=method)


def capacity(budget: int, average_support: int, *, mode: RoundingMode) -> int:
    """How many applicants a budget funds at an average support per applicant.

    The rounding is the plan's rule, never a default: the 2021 Seoul plan floors (000:
    200,000천원 / 0.44백만원 = 454.5 → 454개사; 100,000천원 / 0.28 = 357.1 → 357).

    >>> capacity(200_000_000, 440_000, mode="floor")
    454
    """
    money = as_amount(budget, "budget")
    average = as_amount(average_support, "average_support")
    if average == 0:
        raise BenefitError("average_support", ["must be more than 0 won"])
    return Rounding(mode=mode).apply(Fraction(money, average))


def target(count: int, share: Number, *, mode: RoundingMode) -> int:
    """A count times a share, rounded by the plan's rule ("96 × 90 %" → 86 floored).

    The rule is a required argument: the same plan floors counts from shares
    (96 × 90 % = 86.4 → 86) and rounds its growth targets up or to nearest (1,133 × 105 %
    = 1,189.65 → 1,190; 17 × 115 % = 19.55 → 20). The share may exceed 100 %.

    >>> target(96, "50%", mode="floor"), target(1_133, "105%", mode="half_up")
    (48, 1190)
    """
    whole = as_amount(count, "count")
    return Rounding(mode=mode).apply(whole * as_rate(share, maximum=None))
