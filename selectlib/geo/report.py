"""The validation report every geo batch returns: a count per reason and the rows behind it.

Dirty data is expected (swapped coordinates, points at sea, invalid polygons, bad
industry codes...). Nothing is dropped or miscounted silently: each problem found is
a row here, with its reason, and whether the row was still counted (after a repair)
or left out.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs
import pandas as pd

__all__ = ["Reason", "ValidationReport"]


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


REPORT_COLUMNS = ["row", "reason", "counted", "detail"]


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

    def summary(self) -> str:
        """One line per reason: how many rows, and whether they were counted."""
        if not len(self.issues):
            return f"{self.rows_in:,} rows: no problems found"
        lines = [f"{self.rows_in:,} rows; {self.rows_left_out:,} left out:"]
        for reason, group in self.issues.groupby("reason", sort=True):
            kept = int(group["counted"].sum())
            lines.append(f"  {reason}: {len(group):,} rows ({kept:,} still counted)")
        return "\n".join(lines)
