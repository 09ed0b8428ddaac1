"""What a geo batch says about its input rows: the problems found, and each row's outcome.

Dirty data is expected (swapped coordinates, points at sea, invalid polygons, bad
industry codes...). Nothing is dropped or miscounted silently: each problem found is
a row of a :class:`ValidationReport`, with its reason, and whether the row was still
counted (after a repair) or left out; and a :class:`RowStatus` gives every input row
its outcome, ``used`` or ``excluded`` with the reason, so rows in = rows out.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from selectlib._typing import BoolArray

__all__ = ["STATUS_COLUMNS", "Reason", "RowStatus", "ValidationReport", "number_text"]


class Reason(enum.StrEnum):
    """Why a row of a firm registry or an area file needed attention."""

    SWAPPED_COORDINATES = "swapped_coordinates"  # lon/lat (or x/y) given the wrong way round
    DEGREES_AS_METRES = "degrees_as_metres"  # a projected CRS declared, values look like degrees
    MISSING_GEOMETRY = "missing_geometry"  # no coordinates and no unit code
    EMPTY_GEOMETRY = "empty_geometry"
    OUTSIDE_AREAS = "outside_areas"  # a point in no area (at sea, abroad, wrong CRS)
    OVERLAPPING_AREAS = "overlapping_areas"  # a point in two areas: assigned to one, said so
    INVALID_POLYGON = "invalid_polygon"  # an area polygon repaired with make_valid
    MISSING_EMPLOYEES = "missing_employees"
    NEGATIVE_EMPLOYEES = "negative_employees"
    MALFORMED_KSIC = "malformed_ksic"  # not a KSIC-10 manufacturing class
    DUPLICATE_ID = "duplicate_id"  # a firm id seen before: the first row counts
    UNKNOWN_CODE = "unknown_code"  # an administrative code no area has
    MIXED_CODE_SYSTEMS = "mixed_code_systems"  # KOSTAT and MOIS codes (or years) in one file
    MISSING_ID = "missing_id"  # no firm id: cannot be audited or told apart from a duplicate
    NOT_USABLE = "not_usable"  # a firm table (not read here) marks the row usable = False
    TOO_MANY_EMPLOYEES = "too_many_employees"  # not fewer than the employee limit
    EXCLUDED_INDUSTRY = "excluded_industry"  # outside 도시형소공인 (exclude_urban)


REPORT_COLUMNS = ["row", "reason", "counted", "detail"]
STATUS_COLUMNS = ["row", "firm_id", "status", "reason", "detail"]
"""The columns of :attr:`RowStatus.table`."""


def number_text(value: float) -> str:
    """A number for a message, short even when absurd: 1950000, 127.031, -2, 1e+308, inf."""
    if not np.isfinite(value) or abs(value) >= 1e15:
        return f"{value:.6g}"
    return f"{value:.0f}" if abs(value) >= 1000 or float(value).is_integer() else f"{value:.6g}"


def _rows(count: int, lang: str = "en") -> str:
    """``count`` rows, singular for one (``행`` in Korean)."""
    if lang == "ko":
        return f"{count:,}행"
    return f"{count:,} row{'' if count == 1 else 's'}"


@attrs.frozen(eq=False)
class ValidationReport:
    """Problems found in one batch of input.

    ``rows_in`` rows came in; ``issues`` has one row per (input row, reason) with
    ``row`` (the input row's position), ``reason`` (a :class:`Reason` value),
    ``counted`` (True if the row was still used, e.g. after swapping coordinates back)
    and ``detail`` (what was seen, in words).
    """

    rows_in: int
    issues: pd.DataFrame = attrs.field(factory=lambda: pd.DataFrame(columns=REPORT_COLUMNS))

    @classmethod
    def from_issues(cls, rows_in: int, issues: Iterable[pd.DataFrame]) -> ValidationReport:
        """A report from frames with the columns ``row, reason, counted, detail``."""
        frames = [frame[REPORT_COLUMNS] for frame in issues if len(frame)]
        table = (
            pd.concat(frames, ignore_index=True).sort_values(["row", "reason"], kind="stable")
            if frames
            else pd.DataFrame(columns=REPORT_COLUMNS)
        )
        return cls(rows_in, table.reset_index(drop=True))

    @property
    def counts(self) -> dict[str, int]:
        """How many rows each reason concerns."""
        return {str(k): int(v) for k, v in self.issues["reason"].value_counts().items()}

    @property
    def rows_left_out(self) -> int:
        """How many distinct input rows were not used at all."""
        used = self.issues.groupby("row")["counted"].all()
        return int((~used).sum())

    def merge(self, other: ValidationReport) -> ValidationReport:
        """Both reports' issues, for the same input rows."""
        return ValidationReport.from_issues(self.rows_in, [self.issues, other.issues])

    def summary(self, lang: str = "en") -> str:
        """One line per reason: how many rows, and whether they were counted (``lang``
        ko or en; the reasons are codes, the same in both)."""
        ko = lang == "ko"
        if not len(self.issues):
            return f"{_rows(self.rows_in, lang)}: {'문제 없음' if ko else 'no problems found'}"
        out = f"{self.rows_left_out:,}행 제외" if ko else f"{self.rows_left_out:,} left out"
        lines = [f"{_rows(self.rows_in, lang)}; {out}:"]
        for reason, group in self.issues.groupby("reason", sort=True):
            kept = int(group["counted"].sum())
            still = f"{kept:,}행은 그래도 셈" if ko else f"{kept:,} still counted"
            lines.append(f"  {reason}: {_rows(len(group), lang)} ({still})")
        return "\n".join(lines)


@attrs.frozen(eq=False)
class RowStatus:
    """Every input row's outcome: ``used``, or ``excluded`` with the reason that left it out.

    ``table`` has one row per input row, in input order, with the columns
    :data:`STATUS_COLUMNS`: ``row`` (position in the input), ``firm_id``, ``status``
    (``"used"`` or ``"excluded"``), ``reason`` (a :class:`Reason` value, None when used)
    and ``detail`` (what was seen, in words). A row left out for several reasons shows
    the first one found, in the order the work runs (reading, then qualifying, then
    placing); :class:`ValidationReport` has them all.
    """

    table: pd.DataFrame

    @classmethod
    def build(
        cls, firm_ids: npt.ArrayLike, used: BoolArray, reasons: Iterable[pd.DataFrame]
    ) -> RowStatus:
        """The status of each row from ``used`` and report-shaped frames of reasons.

        ``reasons`` come in priority order; only their ``row``, ``reason`` and ``detail``
        are read, and an excluded row takes its first reason.
        """
        n = len(used)
        frames = [frame[["row", "reason", "detail"]] for frame in reasons if len(frame)]
        reason = np.full(n, None, dtype=object)
        detail = np.full(n, None, dtype=object)
        if frames:
            found = pd.concat(frames, ignore_index=True)
            found = found[~used[found["row"].to_numpy(dtype=np.int64)]]
            found = found.drop_duplicates("row", keep="first")
            rows = found["row"].to_numpy(dtype=np.int64)
            reason[rows] = found["reason"].astype(str).to_numpy(dtype=object)
            detail[rows] = found["detail"].to_numpy(dtype=object)
        table = pd.DataFrame(
            {
                "row": np.arange(n, dtype=np.int64),
                "firm_id": pd.array(np.asarray(firm_ids, dtype=object), dtype="str"),
                "status": np.where(used, "used", "excluded").astype(object),
                "reason": reason,
                "detail": detail,
            },
            columns=STATUS_COLUMNS,
        )
        return cls(table)

    @property
    def rows_in(self) -> int:
        """How many rows came in (= rows out)."""
        return len(self.table)

    @property
    def used(self) -> int:
        """How many rows were used."""
        return int((self.table["status"] == "used").sum())

    @property
    def excluded(self) -> pd.DataFrame:
        """The rows not used, each with its reason and detail (a table to print or write)."""
        return self.table[self.table["status"] == "excluded"].reset_index(drop=True)

    @property
    def counts(self) -> dict[str, int]:
        """How many rows each reason left out."""
        found = self.excluded["reason"].value_counts(dropna=False)
        return {str(k): int(v) for k, v in sorted(found.items(), key=lambda kv: str(kv[0]))}

    def summary(self, lang: str = "en") -> str:
        """How many rows were used and, one line per reason, how many were excluded."""
        excluded = self.rows_in - self.used
        used = (
            f"{self.used:,}행 사용, {excluded:,}행 제외"
            if lang == "ko"
            else (f"{self.used:,} used, {excluded:,} excluded")
        )
        head = f"{_rows(self.rows_in, lang)}: {used}"
        lines = [f"  {reason}: {_rows(count, lang)}" for reason, count in self.counts.items()]
        return "\n".join([head + (":" if lines else ""), *lines])
