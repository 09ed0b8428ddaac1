"""Which firms of a registry count toward a cluster, their industry key and their unit.

A firm qualifies when it is usable (the registry kept it), has fewer than
``employee_limit`` regular employees (and not a negative number), a KSIC-10 manufacturing
class and, with ``exclude_urban``, a 도시형소공인 industry. Work on text columns (KSIC and
administrative codes) is done once per distinct value after a factorization, so a
500,000-row registry costs two hash passes, not 500,000 string operations.
"""

from __future__ import annotations

from typing import Protocol

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from selectlib._typing import IntArray
from selectlib.geo.errors import GeoError
from selectlib.geo.ksic import LEVELS, URBAN_MICRO_EXCLUDED, normalize_ksic
from selectlib.geo.report import REPORT_COLUMNS, Reason

__all__ = [
    "UNITS",
    "Firms",
    "Qualified",
    "check_options",
    "firm_frame",
    "firm_xy",
    "industry_label",
    "qualify",
    "unit_codes",
]

UNITS = ("dong", "sigungu")
_REQUIRED = ("firm_id", "ksic", "employees")


_NO_ISSUES = pd.DataFrame(columns=REPORT_COLUMNS)


class _HasFrame(Protocol):
    @property
    def frame(self) -> pd.DataFrame: ...


Firms = pd.DataFrame | _HasFrame
"""A Registry-shaped DataFrame, or an object (a ``Registry``) whose ``frame`` is one."""


def firm_frame(firms: Firms) -> pd.DataFrame:
    """The registry frame of ``firms``, checked for the columns counting needs."""
    frame = firms if isinstance(firms, pd.DataFrame) else firms.frame
    missing = [name for name in _REQUIRED if name not in frame.columns]
    if missing:
        raise GeoError(
            f"the firm table lacks column(s) {', '.join(missing)}: read it with "
            "selectlib.geo.registry.read_firms, or name its columns firm_id, ksic, employees"
        )
    return frame


def firm_xy(frame: pd.DataFrame) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The registry's x/y (EPSG:5179) as float arrays; NaN where a firm has no point."""
    if "x" not in frame.columns or "y" not in frame.columns:
        nothing = np.full(len(frame), np.nan)
        return nothing, nothing
    return (
        frame["x"].to_numpy(dtype=np.float64, na_value=np.nan),
        frame["y"].to_numpy(dtype=np.float64, na_value=np.nan),
    )


def _is_number(value: object, whole: bool = False) -> bool:
    kinds = (int, np.integer) if whole else (int, float, np.integer, np.floating)
    return isinstance(value, kinds) and not isinstance(value, bool | np.bool_)


def check_options(level: int, employee_limit: float, unit: str | None = None) -> None:
    """Raise :class:`GeoError` for a KSIC level, employee limit or unit kind that cannot work."""
    if not _is_number(level, whole=True) or level not in LEVELS:
        raise GeoError(f"KSIC level must be 2, 3 or 5; got {level!r}")
    if not _is_number(employee_limit) or not np.isfinite(employee_limit) or employee_limit <= 0:
        raise GeoError(f"employee_limit must be a positive number; got {employee_limit!r}")
    if unit is not None and unit not in UNITS:
        raise GeoError(f"unit must be one of {', '.join(UNITS)}; got {unit!r}")


def industry_label(value: object, level: int) -> str:
    """An industry given by a person ("C25111", "25111", "251", 25111) as a key of ``level``."""
    text = str(value).strip().upper()
    text = text[1:] if text.startswith("C") else text
    if not (text.isascii() and text.isdigit() and len(text) >= level):
        raise GeoError(
            f"industry {value!r} is not a KSIC code of at least {level} digits "
            "(e.g. 'C25111', '25111' or, at level 3, '251')"
        )
    return text[:level]


def _issues(rows: IntArray, reason: Reason, counted: bool, detail: list[str]) -> pd.DataFrame:
    if not len(rows):
        return _NO_ISSUES
    return pd.DataFrame(
        {"row": rows, "reason": str(reason), "counted": counted, "detail": detail},
        columns=REPORT_COLUMNS,
    )


@attrs.frozen(eq=False)
class Qualified:
    """Per input row: its industry (index into ``industries``, -1 if it does not qualify)."""

    industry: IntArray
    industries: npt.NDArray[np.object_]  # sorted industry keys
    issues: list[pd.DataFrame]

    def index_of(self, label: str) -> int:
        """The index of one industry key, or -1 when no qualifying firm has it."""
        at = int(np.searchsorted(self.industries, label))
        found = at < len(self.industries) and self.industries[at] == label
        return at if found else -1


def qualify(
    frame: pd.DataFrame, level: int, employee_limit: float, exclude_urban: bool
) -> Qualified:
    """Which rows qualify, and the industry key of each qualifying row.

    A usable row whose KSIC is missing or malformed is reported (``MALFORMED_KSIC``, not
    counted); rows the registry already left out (``usable`` false) are its business.
    """
    n = len(frame)
    usable = frame["usable"].to_numpy(dtype=bool) if "usable" in frame.columns else np.ones(n, bool)
    employees = frame["employees"].to_numpy(dtype=np.float64, na_value=np.nan)
    candidate = usable & (employees >= 0) & (employees < employee_limit)
    found, uniques = pd.factorize(frame["ksic"], use_na_sentinel=True)
    normalized, _ = normalize_ksic(np.asarray(uniques, dtype=object))
    codes = np.empty(len(uniques) + 1, dtype=object)  # the last slot (-1): missing
    codes[:-1] = normalized
    keys = np.full(len(codes), None, dtype=object)
    present = np.array([code is not None for code in codes], dtype=bool)
    good = present.copy()
    if exclude_urban:
        good &= np.array([code is None or code[:2] not in URBAN_MICRO_EXCLUDED for code in codes])
    keys[good] = [code[:level] for code in codes[good]]
    index_of_key, industries = pd.factorize(keys[good], sort=True)
    per_unique = np.full(len(codes), -1, dtype=np.int64)
    per_unique[good] = index_of_key
    industry = np.where(candidate, per_unique[found], -1)

    bad_rows = np.flatnonzero(usable & ~present[found])
    raw = frame["ksic"].iloc[bad_rows].to_numpy(dtype=object)
    detail = [
        "no KSIC code" if pd.isna(value) else f"KSIC {value!r} is not a KSIC-10 manufacturing class"
        for value in raw
    ]
    issues = [_issues(bad_rows, Reason.MALFORMED_KSIC, False, detail)]
    return Qualified(industry, np.asarray(industries, dtype=object), issues)


def unit_codes(
    frame: pd.DataFrame, unit: str, rows: IntArray, missing: str = "no administrative code"
) -> tuple[IntArray, npt.NDArray[np.object_], list[pd.DataFrame]]:
    """The unit of each of ``rows`` from the registry's ``code`` column.

    Returns, per row, an index into the sorted unit codes also returned (-1 for none),
    and the problems. A 읍면동 unit is the code itself (7-digit KOSTAT or 10-digit MOIS);
    a 시군구 unit is its first 5 digits. Rows without a code are reported
    ``MISSING_GEOMETRY`` (with ``missing`` as the detail), rows whose code cannot give the
    unit ``UNKNOWN_CODE`` (neither counted).
    """
    if "code" not in frame.columns:
        return (
            np.full(len(rows), -1, dtype=np.int64),
            np.array([], dtype=object),
            [_no_location(rows, missing)],
        )
    few = len(rows) < len(frame) // 4  # then factorize only the rows asked about
    column = frame["code"].iloc[rows] if few else frame["code"]
    found, uniques = pd.factorize(column, use_na_sentinel=True)
    found = found if few else found[rows]
    texts = [str(code).strip() for code in uniques.tolist()]
    lengths = (7, 10) if unit == "dong" else (5, 7, 10)
    valid = np.array(
        [len(text) in lengths and text.isascii() and text.isdigit() for text in texts], dtype=bool
    )
    cut = None if unit == "dong" else 5
    labels = np.array([text[:cut] for text in texts], dtype=object)
    index_of_label, units = pd.factorize(labels[valid], sort=True)
    per_unique = np.full(len(texts) + 1, -1, dtype=np.int64)  # the last slot: no code
    per_unique[np.flatnonzero(valid)] = index_of_label
    at = per_unique[found]
    wrong = np.flatnonzero((at < 0) & (found >= 0))
    what = "읍면동 (7 or 10 digits)" if unit == "dong" else "시군구 (5, 7 or 10 digits)"
    detail = [f"code {texts[found[i]]!r} does not give a {what} code" for i in wrong]
    issues = [
        _no_location(rows[found < 0], missing),
        _issues(rows[wrong], Reason.UNKNOWN_CODE, False, detail),
    ]
    return at, np.asarray(units, dtype=object), issues


def _no_location(rows: IntArray, detail_text: str) -> pd.DataFrame:
    detail = [detail_text] * len(rows)
    return _issues(rows, Reason.MISSING_GEOMETRY, False, detail)
