"""Reading a sweep table for pictures: which columns are counts, which grid point to show.

A sweep table (:func:`selectlib.sweep`) has one row per grid point (and per group with
``by=``): a column per varied parameter, the group column, and count columns named after
the outcomes (``eligible`` ...), the flips (``gained``, ``lost``), the failures
(``failed.<criterion>``) and, for benefit profiles, the money. Charts and maps show one
grid point or sum over groups; the helpers here do that the same way for all of them.

>>> table = pd.DataFrame({"min_staff": [1, 2], "eligible": [5, 3], "gained": [0, 0],
...                       "lost": [0, 2]})
>>> parameters(table)
['min_staff']
>>> busiest_point(table, ["min_staff"])
{'min_staff': 2}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import pandas as pd

from selectlib.errors import ArgumentError

__all__ = [
    "COUNTS",
    "FAILED",
    "FLIPS",
    "OUTCOMES",
    "at_point",
    "busiest_point",
    "failure_columns",
    "parameters",
    "require_columns",
    "summed",
]

OUTCOMES: Final = ("eligible", "ineligible", "incomplete", "invalid")
"""The outcome count columns, in the order charts stack and list them."""
FLIPS: Final = ("gained", "lost")
"""Applicants eligible at a grid point but not in the baseline, and the other way round."""
MONEY: Final = ("requested", "granted", "funded_full", "funded_part", "funded_none", "capacity")
"""The benefit columns of a sweep over a profile with benefits."""
COUNTS: Final = (*OUTCOMES, *FLIPS, *MONEY)
"""Every count column of a sweep table except the per-criterion failures."""
FAILED: Final = "failed."
"""The prefix of the per-criterion failure columns (``failed.<criterion_id>``)."""


def failure_columns(table: pd.DataFrame) -> list[str]:
    """The ``failed.<criterion>`` columns, in table order."""
    return [str(c) for c in table.columns if str(c).startswith(FAILED)]


def parameters(table: pd.DataFrame, by: str | None = None) -> list[str]:
    """The columns that are neither counts nor failures nor ``by``: the varied parameters."""
    return [
        str(c)
        for c in table.columns
        if str(c) not in COUNTS and not str(c).startswith(FAILED) and str(c) != by
    ]


def require_columns(table: pd.DataFrame, names: Sequence[str], argument: str) -> None:
    """An :class:`~selectlib.errors.ArgumentError` naming every column of ``names``
    missing from ``table``, with the columns it has."""
    missing = [name for name in names if name not in table.columns]
    if missing:
        have = ", ".join(repr(str(c)) for c in table.columns)
        raise ArgumentError(
            argument, [f"no column {name!r} in the sweep table (it has {have})" for name in missing]
        )


def summed(table: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """The count and failure columns summed per combination of ``keys`` (groups added up),
    in the order the combinations first appear."""
    values = [c for c in table.columns if str(c) in COUNTS or str(c).startswith(FAILED)]
    if not keys:
        return table[values].sum().to_frame().T
    return table.groupby(list(keys), sort=False, dropna=False)[values].sum().reset_index()


def at_point(
    table: pd.DataFrame, point: Mapping[str, Any] | None, *, by: str | None = None
) -> pd.DataFrame:
    """The rows of one grid point: those matching ``point`` (parameter → value).

    ``point`` may be left out when the table has one grid point; otherwise the rows left
    must all be one point (one row, or one row per ``by`` group), else an error lists
    the parameters still to fix.
    """
    chosen = dict(point or {})
    require_columns(table, list(chosen), "point")
    rows = table
    for name, value in chosen.items():
        rows = rows[rows[name] == value]
    if rows.empty:
        raise ArgumentError("point", [f"no row of the sweep table has {chosen!r}"])
    open_ = [p for p in parameters(rows, by) if p not in chosen and rows[p].nunique() > 1]
    if open_:
        raise ArgumentError(
            "point",
            [
                f"the rows left are {len(rows.drop_duplicates(open_))} grid points: "
                f"give a value for {', '.join(map(repr, open_))} too, "
                f"e.g. point={{{', '.join(f'{p!r}: {_plain(rows[p].iloc[0])!r}' for p in open_)}}}"
            ],
        )
    return rows


def busiest_point(table: pd.DataFrame, vary: Sequence[str]) -> dict[str, Any]:
    """The grid point with the most flips (gained + lost, groups added up); the first such
    point on a tie, the first point when the table has no flip columns. Maps and reports
    show it by default: it is where the change being studied shows most."""
    if not vary:
        return {}
    totals = summed(table, vary)
    if all(column in totals for column in FLIPS):
        flips = totals["gained"] + totals["lost"]
        row = totals.iloc[int(flips.to_numpy().argmax())]
    else:
        row = totals.iloc[0]
    return {name: _plain(row[name]) for name in vary}


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds (so a point prints as typed)."""
    return value.item() if hasattr(value, "item") else value
