"""Selection with portfolio constraints: at most k selected per region, industry, ...

The selection walks down the final ranking, one rank at a time. An applicant whose group
already holds its ``at_most`` selected applicants is **displaced**: skipped, and reported
with the constraint and the applicants holding the group's seats. Everything else follows
:func:`~selectlib.scoring.primitives.select_ranked`: a tie across the line (or a tie that
would overfill a group) is left **unresolved** for the committee, and reserves are the
next in rank.

Without constraints the result is exactly :func:`~selectlib.scoring.primitives.select_ranked`'s.

>>> import numpy as np
>>> from .ranking import rank
>>> ranking = rank([90, 85, 80, 75])
>>> region = np.array(["서울", "서울", "서울", "부산"], dtype=object)
>>> result = select_balanced(ranking, 2, 1, [Group("region", region, 2)])
>>> result.selected.tolist(), result.displaced.tolist(), result.reserve.tolist()
([True, True, False, False], [False, False, False, False], [False, False, True, False])
>>> result = select_balanced(ranking, 2, 1, [Group("region", region, 1)])
>>> result.selected.tolist(), result.displaced.tolist(), result.holders[1]
([True, False, False, True], [False, True, True, False], (0,))
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from selectlib._typing import BoolArray, IntArray
from selectlib.scoring.errors import ScoringError
from selectlib.scoring.ranking import AtLine, Ranking, rank, top

__all__ = ["BalancedSelection", "Group", "select_balanced"]


@attrs.frozen(eq=False)
class Group:
    """A constraint: at most ``at_most`` selected per value of ``values`` (one per row)."""

    name: str
    values: npt.NDArray[np.object_]
    at_most: int


@attrs.frozen(eq=False)
class BalancedSelection:
    """A :class:`~selectlib.scoring.primitives.Selection`, and who was displaced and why.

    Attributes
    ----------
    displaced:
        Skipped because a group was full while seats remained; neither selected nor reserve.
    constraint:
        Per row, the index of the constraint that displaced it; -1 if not displaced.
    holders:
        Per displaced row, the rows already selected in its full group.
    """

    selected: BoolArray
    unresolved: BoolArray
    reserve: BoolArray
    reserve_ranks: IntArray
    open_slots: int
    displaced: BoolArray
    constraint: IntArray
    holders: dict[int, tuple[int, ...]]


def _full(groups: Sequence[Group], counts: list[Counter[object]], row: int) -> int:
    """The first constraint whose group of ``row`` is full; -1 if none is."""
    for index, group in enumerate(groups):
        if counts[index][group.values[row]] >= group.at_most:
            return index
    return -1


def _overfills(groups: Sequence[Group], counts: list[Counter[object]], rows: list[int]) -> bool:
    for index, group in enumerate(groups):
        joined = Counter(group.values[r] for r in rows)
        if any(counts[index][value] + n > group.at_most for value, n in joined.items()):
            return True
    return False


def select_balanced(
    ranking: Ranking,
    slots: int,
    reserves: int = 0,
    groups: Sequence[Group] = (),
    *,
    reserve_at_line: AtLine = "include",
) -> BalancedSelection:
    """Select ``slots`` applicants in rank order under the ``groups`` constraints."""
    count = ranking.ranks.size
    if slots < 0 or reserves < 0:
        raise ScoringError("slots", [f"slots and reserves must be >= 0 ({slots}, {reserves})"])
    for group in groups:
        if np.shape(group.values) != (count,) or group.at_most < 1:
            raise ScoringError(group.name, [f"needs {count} values and at_most >= 1"])
    selected = np.zeros(count, bool)
    unresolved = np.zeros(count, bool)
    displaced = np.zeros(count, bool)
    constraint = np.full(count, -1, np.int64)
    holders: dict[int, tuple[int, ...]] = {}
    counts: list[Counter[object]] = [Counter() for _ in groups]
    ranked = np.flatnonzero(ranking.ranked)
    for position in np.unique(ranking.ranks[ranked]).tolist():
        taken = int(selected.sum())
        if taken >= slots:
            break
        tied = [int(r) for r in ranked[ranking.ranks[ranked] == position]]
        fitting = []
        for row in tied:
            full = _full(groups, counts, row)
            if full < 0:
                fitting.append(row)
                continue
            displaced[row] = True
            constraint[row] = full
            value = groups[full].values[row]
            holders[row] = tuple(
                int(r) for r in np.flatnonzero(selected & (groups[full].values == value))
            )
        if taken + len(fitting) > slots or _overfills(groups, counts, fitting):
            unresolved[fitting] = True
            break
        selected[fitting] = True
        for index, group in enumerate(groups):
            counts[index].update(group.values[r] for r in fitting)
    rest = ranking.ranked & ~selected & ~unresolved & ~displaced
    rest_ranking = rank(np.where(rest, ranking.ranks, 0), eligible=rest, descending=False)
    reserve = top(rest_ranking, reserves, reserve_at_line)
    return BalancedSelection(
        selected=selected,
        unresolved=unresolved,
        reserve=reserve,
        reserve_ranks=np.where(reserve, rest_ranking.ranks, 0),
        open_slots=slots - int(selected.sum()),
        displaced=displaced,
        constraint=constraint,
        holders=holders,
    )
