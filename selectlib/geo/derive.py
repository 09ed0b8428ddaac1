"""The ``cluster`` derivation: a profile's cluster count and area type, computed from maps.

The flagship profile's ``derived: cluster`` entry names this kind. Given a
:class:`GeoContext` (a firm registry, and area polygons when points must be placed),
each applicant's cluster is counted from the applicant's location and industry with
the profile's own (dated, reformable) parameters: the unit (``dong``, ``sigungu`` or
``radius``), the radius, the KSIC level, the employee limit, the 도시형소공인
exclusions and the area-type policy. Counts per (unit, industry) are made once per
set of parameters and reused for every applicant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import pandas as pd

from selectlib.geo.codes import AreaTypePolicy, area_types
from selectlib.geo.count import ClusterCounts, count_by_code, count_by_point, count_within_radius
from selectlib.geo.errors import GeoError
from selectlib.geo.ksic import industry_key, normalize_ksic
from selectlib.geo.qualify import Firms
from selectlib.geo.spatial import assign_units

__all__ = ["ClusterDerivation", "GeoContext"]

UNITS = ("dong", "sigungu", "radius")


@attrs.frozen(eq=False)
class GeoContext:
    """The outside data a cluster check needs, and the counts made from it.

    ``firms`` is a :class:`~selectlib.geo.registry.Registry` (or a frame shaped like
    one); ``areas`` the 읍면동 polygons (an :class:`~selectlib.geo.areas.Areas` or a
    GeoDataFrame shaped like one), needed when firms or applicants are given as points;
    ``system`` the code system of the applicants' location codes (``"kostat"`` or
    ``"mois"``; by default the one the areas, else the registry, use).
    """

    firms: Firms
    areas: Any = None
    system: str | None = None
    _counts: dict[tuple[Any, ...], ClusterCounts] = attrs.field(
        factory=dict, init=False, repr=False
    )

    def code_system(self) -> str:
        """The code system of locations: given, else the areas', else the registry's.

        A file that mixes systems (already in its validation report) is read in the
        system most of its codes use.
        """
        if self.system is not None:
            return self.system
        for frame, column in (
            (_frame_of(self.areas), "system"),
            (_frame_of(self.firms), "code_system"),
        ):
            if frame is not None and column in frame.columns:
                found = frame[column].dropna().astype(str)
                if len(found):
                    return str(found.value_counts().index[0])
        return "kostat"

    def counts(
        self, unit: str, level: int, employee_limit: float, exclude_urban: bool
    ) -> ClusterCounts:
        """Counts per (unit, industry), made once per set of parameters.

        With areas, firms are placed by their points (and by code when they have
        none); without, by their administrative codes alone.
        """
        key = (unit, level, float(employee_limit), bool(exclude_urban))
        found = self._counts.get(key)
        if found is None:
            if self.areas is not None:
                found = count_by_point(
                    self.firms, self.areas, unit, level, employee_limit, exclude_urban
                )
            else:
                found = count_by_code(self.firms, unit, level, employee_limit, exclude_urban)
            self._counts[key] = found
        return found

    def locate(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The 읍면동 code of each point (None where a point is in no area)."""
        if self.areas is None:
            raise GeoError(
                "locations given as points need area polygons: pass GeoContext(areas=...)"
            )
        codes, _ = assign_units(x, y, self.areas)
        return codes


def _frame_of(data: Any) -> pd.DataFrame | None:
    if data is None:
        return None
    return data if isinstance(data, pd.DataFrame) else getattr(data, "frame", None)


def _scalar(value: Any) -> Any:
    """A usable single value, or None (missing, or a list where one value belongs)."""
    if np.ndim(value) != 0 or value is None:
        return None
    return None if pd.isna(value) else value


def _column(values: pd.Series | None, n: int, dtype: Any = object) -> np.ndarray:
    if values is None:
        return np.full(n, None if dtype is object else np.nan, dtype=dtype)
    cells = np.array([_scalar(v) for v in values.astype(object)], dtype=object)
    if dtype is object:
        return cells
    return pd.to_numeric(pd.Series(cells, dtype=object), errors="coerce").to_numpy(dtype=float)


_CODE_LENGTHS = {"dong": (7, 10), "sigungu": (5, 7, 10)}


def _code_text(value: Any) -> str | None:
    """An administrative code as digits, or None if it is not one."""
    if value is None or isinstance(value, bool):
        return None
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    text = text.strip()
    return text if text.isdigit() and len(text) in (5, 7, 10) else None


class ClusterDerivation:
    """Computes ``count`` and ``area_type`` for the ``cluster`` kind of derivation."""

    def derive_one(
        self, inputs: Mapping[str, Any], params: Mapping[str, Any], context: Any, on: dt.date
    ) -> Mapping[str, Any]:
        """One applicant: its cluster count and area type (None where undecidable)."""
        table = {role: pd.Series([value], dtype=object) for role, value in inputs.items()}
        out = self.derive_table(table, params, context, on)
        return {role: values[0] for role, values in out.items()}

    def derive_table(
        self,
        inputs: Mapping[str, pd.Series | None],
        params: Mapping[str, Any],
        context: Any,
        on: dt.date,
    ) -> Mapping[str, Any]:
        """Every applicant's cluster count and area type, one value per row."""
        if not isinstance(context, GeoContext):
            raise GeoError(
                f"the cluster derivation needs a selectlib.geo.GeoContext, got "
                f"{type(context).__name__}"
            )
        unit = str(params["unit"])
        if unit not in UNITS:
            raise GeoError(f"cluster_unit must be one of {', '.join(UNITS)}; got {unit!r}")
        level = int(params["level"])
        limit = float(params["employee_limit"])
        exclude = bool(params.get("exclude_urban", False))
        policy = AreaTypePolicy(
            metro_county=params.get("metro_county", "county"), sejong=params.get("sejong", "metro")
        )
        n = max((len(v) for v in inputs.values() if v is not None), default=0)
        ksic, malformed = normalize_ksic(_column(inputs.get("industry"), n))
        industry = np.asarray(ksic, dtype=object)
        industry[np.asarray(malformed, dtype=bool)] = None
        codes = np.array([_code_text(v) for v in _column(inputs.get("location"), n)], object)
        x = _column(inputs.get("x"), n, float)
        y = _column(inputs.get("y"), n, float)
        has_point = np.isfinite(x) & np.isfinite(y)
        if context.areas is not None and (has_point & (codes == None)).any():  # noqa: E711
            where = np.flatnonzero(has_point & (codes == None))  # noqa: E711
            codes[where] = context.locate(x[where], y[where])
        count = np.full(n, None, dtype=object)
        known = np.array([i is not None for i in industry], dtype=bool)
        if unit == "radius":
            rows = np.flatnonzero(known & has_point)
            if len(rows):
                found = count_within_radius(
                    context.firms,
                    np.column_stack([x[rows], y[rows]]),
                    industry[rows],
                    float(params.get("radius_m", 500)),
                    level,
                    limit,
                    exclude,
                )
                count[rows] = [int(c) for c in found]
        else:
            table = context.counts(unit, level, limit, exclude).table
            # a code too coarse for the unit (a 시군구 code when counting by 읍면동) says nothing
            fits = np.array([c is not None and len(c) in _CODE_LENGTHS[unit] for c in codes])
            rows = np.flatnonzero(known & fits)
            wanted = pd.DataFrame(
                {
                    "unit": [c if unit == "dong" else c[:5] for c in codes[rows]],
                    "industry": industry_key(industry[rows], level),
                }
            )
            # a (unit, industry) with no qualifying firm is not in the table: it counts 0
            joined = wanted.merge(table, on=["unit", "industry"], how="left")
            count[rows] = [int(c) for c in joined["count"].fillna(0)]
        sigungu = np.array([c[:5] if c is not None else None for c in codes], dtype=object)
        types = np.full(n, None, dtype=object)
        if (sigungu != None).any():  # noqa: E711
            rows = np.flatnonzero(sigungu != None)  # noqa: E711
            found_types, _ = area_types(sigungu[rows], context.code_system(), on, policy)
            types[rows] = found_types
        return {"count": count, "area_type": types}
