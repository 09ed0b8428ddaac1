"""Thresholds on a counts table: nationwide cluster discovery and threshold sweeps.

Counting is the expensive part; a threshold only compares numbers. So both functions
take a :class:`~selectlib.geo.count.ClusterCounts` computed once and never recount:
:func:`discover` keeps the (unit, industry) rows that reach the threshold of their
unit's area type, and :func:`sweep` answers "how many clusters under each of these
threshold tables" with one binary search per area type and step.

The area type of a unit comes from ``area_type_of``: a mapping (keyed by the unit code,
or by its 5-digit 시군구 code) or a function given the unit codes, such as
``functools.partial(selectlib.geo.codes.area_types, system="kostat", on=day, policy=p)``
(a function may return the types, or a ``(types, reasons)`` pair like that one).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from selectlib._typing import ObjectArray
from selectlib.geo.count import ClusterCounts
from selectlib.geo.errors import GeoError

__all__ = [
    "AREA_TYPES",
    "DEFAULT_THRESHOLDS",
    "AreaTypeOf",
    "area_types_of",
    "discover",
    "sweep",
    "threshold_vector",
]

AREA_TYPES = ("metro", "city", "county")
DEFAULT_THRESHOLDS: Mapping[str, int] = MappingProxyType({"metro": 50, "city": 40, "county": 20})
"""Firms needed for a cluster by area type (DOMAIN.md §1: 특별·광역시 50, 시 40, 군 20)."""

AreaTypeOf = Mapping[str, str | None] | Callable[[npt.NDArray[np.object_]], Any]


def _is_pair(result: object, n: int) -> bool:
    """Whether a function's result is a ``(types, reasons)`` pair for ``n`` codes."""
    return (
        isinstance(result, tuple)
        and len(result) == 2
        and all(np.ndim(part) == 1 and len(part) == n for part in result)
    )


def area_types_of(
    area_type_of: AreaTypeOf, units: Sequence[str] | ObjectArray
) -> tuple[ObjectArray, ObjectArray]:
    """The area type (``"metro"``, ``"city"``, ``"county"`` or None) of each unit, and why."""
    codes = np.asarray(units, dtype=object).reshape(-1)
    if isinstance(area_type_of, Mapping):
        types, keys = _mapped(area_type_of, codes)
        reasons = np.array([f"area type of {key} as given" for key in keys], dtype=object)
    elif callable(area_type_of):
        result = area_type_of(codes)
        if _is_pair(result, len(codes)):  # copies: the caller's arrays stay as they were
            types = np.array(result[0], dtype=object).reshape(-1)
            reasons = np.array(result[1], dtype=object).reshape(-1)
        else:
            types = np.array(result, dtype=object).reshape(-1)
            reasons = np.full(len(codes), "from area_type_of", dtype=object)
    else:
        raise GeoError(
            "area_type_of must be a mapping of unit or 시군구 codes to area types, or a "
            f"function of the unit codes; got {type(area_type_of).__name__}"
        )
    if len(types) != len(codes):
        raise GeoError(f"area_type_of gave {len(types)} area types for {len(codes)} codes")
    unknown = _check_types(types)
    reasons[unknown & pd.isna(reasons)] = "no area type known for this code"
    return types, reasons


def _mapped(mapping: Mapping[str, str | None], codes: ObjectArray) -> tuple[ObjectArray, list[str]]:
    """Types from a mapping keyed by the unit code, or else by its 5-digit 시군구 code."""
    keys = [code if code in mapping else code[:5] for code in codes]
    return np.array([mapping.get(key) for key in keys], dtype=object), keys


def _check_types(types: ObjectArray) -> npt.NDArray[np.bool_]:
    """Set missing area types to None (in place), refuse unknown ones; where they are missing."""
    unknown = pd.isna(types)
    types[unknown] = None
    wrong = sorted({str(t) for t in types[~unknown] if t not in AREA_TYPES})
    if wrong:
        raise GeoError(f"area types must be {', '.join(AREA_TYPES)} (or None); got {wrong}")
    return np.asarray(unknown, dtype=bool)


def threshold_vector(thresholds: Mapping[str, int]) -> npt.NDArray[np.float64]:
    """Thresholds in :data:`AREA_TYPES` order, then +inf for units of unknown type."""
    missing = [kind for kind in AREA_TYPES if kind not in thresholds]
    if missing:
        raise GeoError(f"thresholds lack {', '.join(missing)}: give one for each of {AREA_TYPES}")
    values = [thresholds[kind] for kind in AREA_TYPES]
    for kind, value in zip(AREA_TYPES, values, strict=True):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
            raise GeoError(f"threshold for {kind} must be a whole number ≥ 0; got {value!r}")
    return np.array([*values, np.inf], dtype=np.float64)


def _type_index(counts: ClusterCounts, area_type_of: AreaTypeOf) -> npt.NDArray[np.int64]:
    """Per row of the counts table: 0, 1, 2 for metro, city, county; 3 when unknown."""
    if isinstance(area_type_of, Mapping):  # the reasons are not needed here: skip them
        types, _ = _mapped(area_type_of, counts.units)
        _check_types(types)
    else:
        types, _ = area_types_of(area_type_of, counts.units)
    per_unit = np.full(len(types), len(AREA_TYPES), dtype=np.int64)
    for index, kind in enumerate(AREA_TYPES):
        per_unit[types == kind] = index
    return per_unit[counts.unit_index]


def discover(
    counts: ClusterCounts,
    area_type_of: AreaTypeOf,
    thresholds: Mapping[str, int] = DEFAULT_THRESHOLDS,
) -> pd.DataFrame:
    """Every (unit, industry) whose count reaches its area type's threshold.

    Returns the rows of ``counts.table`` that qualify, in its order, with ``area_type``
    and ``threshold`` added. Units whose area type is unknown (None) are never clusters.
    """
    limits = threshold_vector(thresholds)
    kind = _type_index(counts, area_type_of)
    needed = limits[kind]
    keep = counts.table["count"].to_numpy() >= needed
    found = counts.table.loc[keep].reset_index(drop=True)
    found["area_type"] = np.array(AREA_TYPES, dtype=object)[kind[keep]]
    found["threshold"] = needed[keep].astype(np.int64)
    return found


def sweep(
    counts: ClusterCounts,
    area_type_of: AreaTypeOf,
    thresholds_list: Sequence[Mapping[str, int]],
) -> pd.DataFrame:
    """How many clusters each threshold table gives, from the same counts (no recount).

    One row per step: ``step``, the thresholds (``threshold_metro`` ...), the clusters
    per area type (``clusters_metro`` ...) and ``clusters`` in all. Each step equals
    ``len(discover(counts, area_type_of, step_thresholds))``.
    """
    kind = _type_index(counts, area_type_of)
    values = counts.table["count"].to_numpy()
    ordered = [  # as floats, like the limits, so no search converts them again
        np.sort(values[kind == index]).astype(np.float64) for index in range(len(AREA_TYPES))
    ]
    limits = np.array(
        [threshold_vector(thresholds)[: len(AREA_TYPES)] for thresholds in thresholds_list]
    ).reshape(-1, len(AREA_TYPES))
    found = np.column_stack(
        [
            len(sizes) - np.searchsorted(sizes, limits[:, index], side="left")
            for index, sizes in enumerate(ordered)
        ]
    ).reshape(-1, len(AREA_TYPES))
    columns: dict[str, Any] = {"step": np.arange(len(limits))}
    for index, name in enumerate(AREA_TYPES):
        columns[f"threshold_{name}"] = limits[:, index].astype(np.int64)
    for index, name in enumerate(AREA_TYPES):
        columns[f"clusters_{name}"] = found[:, index].astype(np.int64)
    columns["clusters"] = found.sum(axis=1).astype(np.int64)
    return pd.DataFrame(columns)
