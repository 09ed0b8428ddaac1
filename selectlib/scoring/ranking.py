"""Ranking with tie-break chains, advancement to the next stage, final selection.

A ranking orders applicants by a score, then by each tie-break rule in turn (e.g. higher
presentation score, then higher capability criterion, then earlier application). For
every applicant it records which rule placed it below the applicants just above, and
whether the chain ran out with it still tied (then it shares a rank, "1, 2, 2, 4").

Everything is computed per applicant row and depends only on the values, never on the
row order, so shuffling the input rows shuffles the results the same way.

>>> ranking = rank([90, 85, 85, 85], [TieBreak("presentation", [0, 30, 20, 20])])
>>> ranking.ranks.tolist(), ranking.rule_names()
([1, 2, 3, 3], [None, 'score', 'presentation', 'presentation'])
>>> ranking.tied.tolist()
[False, False, True, True]
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from selectlib._typing import BoolArray, IntArray
from selectlib.profile.evaluation import Advancement, AtLine
from selectlib.scoring.errors import ScoringError

__all__ = [
    "AtLine",
    "Ranking",
    "Selection",
    "TieBreak",
    "advance",
    "advance_count",
    "rank",
    "select_ranked",
    "top",
]


TOP = -1
"""``decided_by`` value of applicants with nobody ranked above them."""


@attrs.frozen(eq=False)
class TieBreak:
    """One tie-break rule: a name, a key per applicant, and whether higher wins.

    Keys may be numbers, dates or strings: only their order matters. ``descending=False``
    means lower wins (an earlier application date).
    """

    name: str
    key: npt.ArrayLike
    descending: bool = True


@attrs.frozen(eq=False)
class Ranking:
    """The ranks of the ranked applicants, one entry per applicant row.

    Attributes
    ----------
    ranks:
        Competition ranks from 1 ("1, 2, 2, 4"); 0 for rows not ranked (not eligible).
    decided_by:
        The rule that placed the row below the applicants just above it: 0 for the score,
        ``k`` for ``tie_breaks[k - 1]``; :data:`TOP` (-1) for rank 1 and unranked rows.
    tied:
        ``True`` where the whole chain was exhausted and the row shares its rank.
    rules:
        ``("score", *tie-break names)``, to name ``decided_by``.
    """

    ranks: IntArray
    decided_by: IntArray
    tied: BoolArray
    rules: tuple[str, ...]

    @property
    def ranked(self) -> BoolArray:
        """``True`` for rows that were ranked."""
        return self.ranks > 0

    def rule_names(self) -> list[str | None]:
        """The name of the deciding rule per row; ``None`` for rank 1 and unranked rows."""
        return [None if d == TOP else self.rules[d] for d in self.decided_by.tolist()]


def _codes(name: str, key: npt.ArrayLike, rows: IntArray, count: int, descending: bool) -> IntArray:
    """Dense integer codes of ``key[rows]`` that sort in the order of the key, best first."""
    full = np.asarray(key)
    if full.shape != (count,):
        raise ScoringError(name, [f"needs one key per applicant, {count} (got {full.shape})"])
    array = full[rows]
    missing = (
        np.isnan(array)
        if array.dtype.kind in "fc"
        else np.isnat(array)
        if array.dtype.kind in "mM"
        else np.zeros(array.shape, bool)
    )
    if missing.any():
        bad = rows[missing].tolist()
        raise ScoringError(name, [f"row {r}: key is missing (NaN or NaT)" for r in bad])
    try:
        _, inverse = np.unique(array, return_inverse=True)
    except TypeError as exc:
        raise ScoringError(name, [f"keys must be comparable with each other ({exc})"]) from None
    codes = inverse.reshape(-1).astype(np.int64)
    return -codes if descending else codes


def rank(
    score: npt.ArrayLike,
    tie_breaks: Sequence[TieBreak] = (),
    *,
    eligible: npt.ArrayLike | None = None,
    descending: bool = True,
) -> Ranking:
    """Rank the eligible applicants by ``score``, breaking ties by the chain in order.

    ``eligible`` (default all) restricts the ranking; only eligible rows need valid keys.
    """
    scores = np.asarray(score)
    if scores.ndim != 1:
        raise ScoringError("score", [f"must be one number per applicant (got {scores.shape})"])
    count = scores.shape[0]
    mask = np.ones(count, bool) if eligible is None else np.asarray(eligible, dtype=bool)
    if mask.shape != (count,):
        raise ScoringError("eligible", [f"needs {count} flags (got shape {mask.shape})"])
    rows = np.flatnonzero(mask)
    keys = [("score", scores, descending)] + [(t.name, t.key, t.descending) for t in tie_breaks]
    codes = np.stack([_codes(name, key, rows, count, down) for name, key, down in keys])
    names = tuple(name for name, _, _ in keys)
    ranks = np.zeros(count, np.int64)
    decided_by = np.full(count, TOP, np.int64)
    tied = np.zeros(count, bool)
    if rows.size == 0:
        return Ranking(ranks, decided_by, tied, names)
    order = np.lexsort(codes[::-1])
    ordered = codes[:, order]
    differs = ordered[:, 1:] != ordered[:, :-1]
    new_group = np.concatenate([[True], differs.any(axis=0)])
    level = np.concatenate([[TOP], np.argmax(differs, axis=0)])
    position = np.arange(rows.size)
    start = np.maximum.accumulate(np.where(new_group, position, 0))
    group_size = np.bincount(start, minlength=rows.size)[start]

    target = rows[order]
    ranks[target] = start + 1
    decided_by[target] = level[start]
    tied[target] = group_size > 1
    return Ranking(ranks, decided_by, tied, names)


def top(ranking: Ranking, n: int, at_line: AtLine) -> BoolArray:
    """The ranked rows within the top ``n``, with a stated rule for a tie across the line.

    ``"include"`` takes every applicant tied at the line (more than ``n`` may pass);
    ``"exclude"`` leaves the whole tied group out (at most ``n`` pass). Ties already
    broken by the chain are no ties here: pass the ranking with or without a chain to
    choose between "cut by the chain" and "cut by the score alone".
    """
    if n < 0:
        raise ScoringError("n", [f"must be >= 0 (got {n})"])
    ranks = ranking.ranks
    if at_line == "include":
        return ranking.ranked & (ranks <= n)
    if at_line == "exclude":
        size = np.bincount(ranks, minlength=ranks.size + 1)[ranks]
        return ranking.ranked & (ranks + size - 1 <= n)
    raise ScoringError("at_line", [f"must be 'include' or 'exclude' (got {at_line!r})"])


def advance_count(slots: int, multiple: float) -> int:
    """How many advance for "the top ``multiple``× of the slots", rounded up.

    >>> advance_count(5, 2), advance_count(5, 1.5)
    (10, 8)
    """
    if slots < 0 or not math.isfinite(multiple) or multiple <= 0:
        raise ScoringError("multiple", [f"need slots >= 0 and multiple > 0 ({slots}, {multiple})"])
    return Advancement(multiple=multiple).size(slots)


def advance(ranking: Ranking, slots: int, multiple: float, at_line: AtLine) -> BoolArray:
    """Who goes on to the next stage: the top ``multiple``× of ``slots`` (see :func:`top`)."""
    return top(ranking, advance_count(slots, multiple), at_line)


@attrs.frozen(eq=False)
class Selection:
    """The final selection, one entry per applicant row.

    Attributes
    ----------
    selected:
        Selected; never more than the slots.
    unresolved:
        Tied across the selection line after the whole chain: the committee must decide
        (a lottery, a hearing) for ``open_slots`` seats among them. Neither selected nor
        reserve.
    reserve:
        On the reserve list; never selected or unresolved.
    reserve_ranks:
        Position on the reserve list from 1 (ties share a position); 0 if not a reserve.
    open_slots:
        Seats left for the unresolved group.
    """

    selected: BoolArray
    unresolved: BoolArray
    reserve: BoolArray
    reserve_ranks: IntArray
    open_slots: int


def select_ranked(
    ranking: Ranking, slots: int, reserves: int = 0, *, reserve_at_line: AtLine = "include"
) -> Selection:
    """Select ``slots`` applicants and a reserve list of ``reserves`` from the rest.

    A tie across the selection line is never cut arbitrarily: the tied group is reported
    as ``unresolved`` and the selection stays within the slots. Reserves are ranked among
    the remaining ranked rows; ``reserve_at_line`` says what a tie at the end of the
    reserve list does (by default every tied applicant is kept on the list).
    """
    if slots < 0 or reserves < 0:
        raise ScoringError("slots", [f"slots and reserves must be >= 0 ({slots}, {reserves})"])
    selected = top(ranking, slots, "exclude")
    unresolved = top(ranking, slots, "include") & ~selected
    rest = ranking.ranked & ~selected & ~unresolved
    rest_ranking = rank(np.where(rest, ranking.ranks, 0), eligible=rest, descending=False)
    reserve = top(rest_ranking, reserves, reserve_at_line)
    return Selection(
        selected=selected,
        unresolved=unresolved,
        reserve=reserve,
        reserve_ranks=np.where(reserve, rest_ranking.ranks, 0),
        open_slots=slots - int(selected.sum()),
    )
