"""Sweep tables built by hand, in the shape :func:`selectlib.sweep` returns, for the picture
tests: one row per grid point and group, counts that differ from point to point."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

CRITERIA = ("staff", "cluster_count")


def sweep_table(
    vary: Mapping[str, Sequence[Any]],
    *,
    by: str | None = None,
    groups: Sequence[str] = (),
    size: int = 60,
) -> pd.DataFrame:
    """A full grid over ``vary`` (and ``groups`` of column ``by``): ``size`` applicants per
    row split into the four outcomes, flips and failures depending on the point's place."""
    rows = []
    names = list(vary)
    keys = [*names, by] if by else names
    levels = [list(vary[n]) for n in names] + ([list(groups)] if by else [])
    for index, values in enumerate(itertools.product(*levels)):
        eligible = (size * 2) // 3 - (index * 7) % (size // 2)
        invalid = index % 2
        incomplete = 1 + index % 3
        row: dict[str, Any] = dict(zip(keys, values, strict=True))
        row |= {
            "eligible": eligible,
            "ineligible": size - eligible - incomplete - invalid,
            "incomplete": incomplete,
            "invalid": invalid,
            "gained": index % 4,
            "lost": (index * 3) % 5,
        }
        row |= {f"failed.{c}": (index + k) % 9 for k, c in enumerate(CRITERIA)}
        rows.append(row)
    table = pd.DataFrame(rows)
    counts = [c for c in table.columns if c not in keys]
    return table.astype(dict.fromkeys(counts, "int64"))
