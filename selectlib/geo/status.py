"""Every firm's outcome in a count: used, or excluded with the reason that left it out.

A count explains its input rows in three places: the registry's report (rows read but
not usable: no id, bad employees, no location...), the count's own report (rows that
would qualify but could not be placed, or whose KSIC is malformed) and the rule itself
(too many employees, an industry outside 도시형소공인). :func:`count_status` puts them
together so that rows in = rows used + rows excluded, each excluded row with its reason.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from selectlib._typing import BoolArray, IntArray
from selectlib.geo.ksic import URBAN_MICRO_EXCLUDED, normalize_ksic
from selectlib.geo.qualify import Firms, check_options, firm_frame, firm_xy, qualify
from selectlib.geo.report import (
    REPORT_COLUMNS,
    Reason,
    RowStatus,
    ValidationReport,
    number_text,
)

__all__ = ["count_status", "firm_report", "radius_status"]


def firm_report(firms: Firms) -> ValidationReport | None:
    """The validation report of ``firms`` when it is a registry read here, else None."""
    report = None if isinstance(firms, pd.DataFrame) else getattr(firms, "report", None)
    return report if isinstance(report, ValidationReport) else None


def _reasons(rows: IntArray, reason: Reason, detail: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {"row": rows, "reason": str(reason), "counted": False, "detail": detail},
        columns=REPORT_COLUMNS,
    )


def _rule_reasons(
    frame: pd.DataFrame, level: int, employee_limit: float, exclude_urban: bool
) -> list[pd.DataFrame]:
    """Why usable rows do not qualify by the rule: employees, or an excluded industry."""
    n = len(frame)
    usable = frame["usable"].to_numpy(dtype=bool) if "usable" in frame.columns else np.ones(n, bool)
    staff = frame["employees"].to_numpy(dtype=np.float64, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        unreadable = usable & ~np.isfinite(staff)
        negative = usable & np.isfinite(staff) & (staff < 0)
        too_many = usable & np.isfinite(staff) & (staff >= employee_limit)
    found = [
        _reasons(
            np.flatnonzero(unreadable),
            Reason.MISSING_EMPLOYEES,
            [
                "no employee count" if np.isnan(v) else f"employees {number_text(v)}"
                for v in staff[unreadable]
            ],
        ),
        _reasons(
            np.flatnonzero(negative),
            Reason.NEGATIVE_EMPLOYEES,
            [f"employees {number_text(v)}" for v in staff[negative]],
        ),
        _reasons(
            np.flatnonzero(too_many),
            Reason.TOO_MANY_EMPLOYEES,
            [
                f"{number_text(v)} employees, not fewer than employee_limit "
                f"{number_text(employee_limit)}"
                for v in staff[too_many]
            ],
        ),
    ]
    if exclude_urban:
        candidate = usable & np.isfinite(staff) & (staff >= 0) & (staff < employee_limit)
        left = qualify(frame, level, employee_limit, True).industry < 0
        rows = np.flatnonzero(candidate & left)
        codes, _ = normalize_ksic(frame["ksic"].iloc[rows].to_numpy(dtype=object))
        division = np.array([None if c is None else str(c)[:2] for c in codes], dtype=object)
        outside = np.isin(division, list(URBAN_MICRO_EXCLUDED))
        found.append(
            _reasons(
                rows[outside],
                Reason.EXCLUDED_INDUSTRY,
                [
                    f"KSIC {code}: division C{code[:2]} is outside 도시형소공인 (exclude_urban)"
                    for code in np.asarray(codes, dtype=object)[outside]
                ],
            )
        )
    return found


def _not_usable(frame: pd.DataFrame) -> list[pd.DataFrame]:
    """Rows a firm table marks ``usable = False``: the last word when nothing says why."""
    if "usable" not in frame.columns:
        return []
    rows = np.flatnonzero(~frame["usable"].to_numpy(dtype=bool))
    return [_reasons(rows, Reason.NOT_USABLE, ["usable is False in the firm table"] * len(rows))]


def count_status(
    frame: pd.DataFrame,
    used: BoolArray,
    registry: ValidationReport | None,
    report: ValidationReport,
    rule: tuple[int, float, bool],
) -> RowStatus:
    """Every row of a count: used, or excluded with the first reason found.

    Reasons are taken in the order the work runs: reading the registry (``registry``),
    then the count's own problems (``report``), then the rule (``rule`` = level,
    employee limit, exclude_urban).
    """
    left_out = [
        found.issues[~found.issues["counted"].astype(bool)]
        for found in (registry, report)
        if found is not None
    ]
    reasons = [*left_out, *_rule_reasons(frame, *rule), *_not_usable(frame)]
    return RowStatus.build(frame["firm_id"], used, reasons)


def radius_status(
    firms: Firms, level: int = 5, employee_limit: float = 10, exclude_urban: bool = False
) -> RowStatus:
    """Every firm of a radius count (:func:`~selectlib.geo.count.count_within_radius`).

    A firm is used when it qualifies and has a point: a radius places firms by their
    point only, so a qualifying firm without one is excluded (``missing_geometry``).
    """
    check_options(level, employee_limit)
    frame = firm_frame(firms)
    found = qualify(frame, level, employee_limit, exclude_urban)
    x, y = firm_xy(frame)
    point = np.isfinite(x) & np.isfinite(y)
    used = (found.industry >= 0) & point
    unplaced = np.flatnonzero((found.industry >= 0) & ~point)
    placing = _reasons(
        unplaced, Reason.MISSING_GEOMETRY, ["no point: a radius count needs one"] * len(unplaced)
    )
    report = ValidationReport.from_issues(len(frame), [*found.issues, placing])
    return count_status(
        frame, used, firm_report(firms), report, (level, employee_limit, exclude_urban)
    )
