"""Reading firm registries: one normalized row per input row, and a report of what was wrong.

A registry locates each firm by a point (lon/lat, or x/y in a declared CRS), by an
administrative code (the national establishment census publishes codes, not points), or
both. Registries are dirty in known ways — coordinates given the wrong way round, degrees
in a column declared as metres, missing points, negative or missing employee counts,
malformed KSIC codes, repeated firm ids, codes of two systems or two vintages in one
column — and each of those is repaired or left out *and reported*, never dropped in
silence: :attr:`Registry.frame` keeps every input row, in input order,
:attr:`Registry.report` says which rows needed attention, why, and whether they are
still counted, and :attr:`Registry.status` gives every row its outcome (used, or
excluded with its reason).

>>> import pandas as pd
>>> firms = pd.DataFrame({"firm_id": ["F1", "F2", ""], "ksic": ["C25111", "25111", "25111"],
...                       "employees": [3, -1, 2], "lon": [127.0, 37.5, 127.0],
...                       "lat": [37.5, 127.0, 37.5]})
>>> registry = read_firms(firms)
>>> registry.frame["usable"].tolist(), sorted(registry.report.counts)
([True, False, False], ['missing_id', 'negative_employees', 'swapped_coordinates'])
>>> registry.status.excluded[["row", "reason"]].to_dict("records")
[{'row': 1, 'reason': 'negative_employees'}, {'row': 2, 'reason': 'missing_id'}]
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Final

import attrs
import numpy as np
import pandas as pd

from selectlib._typing import BoolArray, FloatArray, IntArray, ObjectArray
from selectlib.errors import InputError
from selectlib.geo.codes import normalize_codes
from selectlib.geo.columns import Coded, numbers
from selectlib.geo.geoparquet import read_columns
from selectlib.geo.ksic import normalize_ksic
from selectlib.geo.points import XY_NAMES, find_points, locate
from selectlib.geo.report import Reason, RowStatus, ValidationReport, number_text
from selectlib.geo.sources import (
    READERS,
    Issues,
    classify_coded,
    find_column,
    read_source,
    take_column,
)
from selectlib.io.tables import Readers

__all__ = ["Registry", "read_firms"]


_CODE_NAMES: Final = (
    "adm_cd", "adm_code", "admin_code", "dong_code", "dong_cd", "emd_cd", "emd_code",
    "dong", "행정동코드", "읍면동코드", "sigungu_code", "sigungu_cd", "sgg_cd", "sgg_code",
    "sigungu", "시군구코드", "행정구역코드", "code",
)  # fmt: skip
"""Administrative code columns looked for (case-insensitive), finest level first."""


@attrs.frozen(eq=False)
class Registry:
    """A firm registry read and normalized, with its validation report.

    ``frame`` has one row per input row, in input order (RangeIndex), with columns
    ``firm_id`` (text), ``ksic`` (5-digit text, missing if absent or malformed),
    ``employees`` (float, NaN if missing), ``x``, ``y`` (EPSG:5179 metres, NaN without a
    point), ``code`` (the administrative code as given), ``code_system`` (``"kostat"``,
    ``"mois"``, or missing when unknown or undecided) and ``usable`` (the row can be
    counted if it qualifies). ``report`` lists the rows that needed attention (``row`` =
    position in the input). ``source_crs`` is the CRS the points were read in (None
    without points); ``notes`` says which columns were used and how the CRS was decided.
    """

    frame: pd.DataFrame
    report: ValidationReport
    source_crs: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def status(self) -> RowStatus:
        """Every input row: ``used`` (``usable``), or ``excluded`` with the first reason."""
        left_out = self.report.issues[~self.report.issues["counted"].astype(bool)]
        usable = self.frame["usable"].to_numpy(dtype=bool)
        return RowStatus.build(self.frame["firm_id"], usable, [left_out])


# -- columns ------------------------------------------------------------------------------


def _ids(series: pd.Series) -> tuple[pd.Series, BoolArray]:
    """Firm ids as text (integers without '.0', blanks stripped; NaN where missing) and
    where they are missing: whole-column string operations, never one call per id."""
    kind = pd.api.types.infer_dtype(series)
    if pd.api.types.is_integer_dtype(series.dtype) or kind in ("string", "empty"):
        text = series.astype("str").str.strip()
        missing = (series.isna() | (text == "")).to_numpy(dtype=bool)
        return text.where(~missing).reset_index(drop=True), missing
    coded = _coded(series)
    return pd.Series(coded.text()), coded.at < 0


def _coded(series: pd.Series) -> Coded:
    """A code column's rows as normalized codes (text; blanks missing), once per value."""
    at, uniques = pd.factorize(series, use_na_sentinel=True)
    normalized = np.asarray(normalize_codes(np.asarray(uniques, dtype=object)), dtype=object)
    inner = Coded.of(normalized)  # blanks and values equal once normalized, merged
    return Coded(np.append(inner.at, -1)[at], inner.values)


def _ksic(column: pd.Series) -> tuple[Coded, ObjectArray, BoolArray]:
    """The KSIC column as given, and per distinct value its 5-digit class and whether
    it was malformed (not missing)."""
    at, uniques = pd.factorize(column, use_na_sentinel=True)
    raw = Coded(at.astype(np.int64), np.asarray(uniques, dtype=object))
    ksic5, malformed = (np.asarray(a).reshape(-1) for a in normalize_ksic(raw.values))
    return raw, ksic5, malformed


def _duplicates(ids: pd.Series) -> tuple[BoolArray, IntArray]:
    """Rows whose id an earlier row has, and the first row of each row's id."""
    n = len(ids)
    if pd.Index(ids).is_unique:  # the usual case: one hash pass, nothing repeated
        return np.zeros(n, dtype=bool), np.arange(n, dtype=np.int64)
    keys = pd.factorize(ids)[0]
    seen, first_row = np.unique(keys, return_index=True)
    first = first_row[np.searchsorted(seen, keys)]
    duplicate: BoolArray = (keys >= 0) & (first != np.arange(n))
    return duplicate, first


def _row_problems(
    issues: Issues,
    ids: tuple[pd.Series, BoolArray],
    staff: tuple[FloatArray, BoolArray, pd.Series],
    ksic: tuple[Coded, ObjectArray, BoolArray],
) -> BoolArray:
    """Report missing, unreadable or negative employees, missing or malformed KSIC codes,
    missing and repeated firm ids (each row with its reason); the rows left out."""
    count, bad_count, staff_column = staff
    raw_ksic, ksic5, malformed = ksic
    issues.add(ids[1], Reason.MISSING_ID, lambda r: "no firm id")
    unreadable = ~np.isfinite(count)
    raw_count = np.full(len(count), None, dtype=object)
    raw_count[unreadable] = staff_column[unreadable].to_numpy(dtype=object)
    issues.add(
        unreadable,
        Reason.MISSING_EMPLOYEES,
        lambda r: (
            f"employees {raw_count[r]!r} is not a finite number"
            if bad_count[r] or not np.isnan(count[r])
            else "no employee count"
        ),
    )
    with np.errstate(invalid="ignore"):
        negative = count < 0
    issues.add(
        negative & np.isfinite(count),
        Reason.NEGATIVE_EMPLOYEES,
        lambda r: f"employees {number_text(count[r])}",
    )
    issues.add(
        raw_ksic.rows(pd.isna(ksic5), True),
        Reason.MALFORMED_KSIC,
        lambda r: (
            f"{raw_ksic.values[raw_ksic.at[r]]!r} is no KSIC-10 manufacturing class"
            if raw_ksic.at[r] >= 0 and malformed[raw_ksic.at[r]]
            else "no KSIC code"
        ),
    )
    duplicate, first = _duplicates(ids[0])
    shown = ids[0].to_numpy(dtype=object) if duplicate.any() else None
    issues.add(
        duplicate,
        Reason.DUPLICATE_ID,
        lambda r: f"firm id {shown[r] if shown is not None else None!r} already at row {first[r]}",
    )
    with np.errstate(invalid="ignore"):
        counted = np.isfinite(count) & (count >= 0)
    left_out: BoolArray = duplicate | ids[1] | ~counted
    return left_out


def _readers(names: set[str]) -> Readers:
    """The file readers, Parquet reading only the registry's columns (and 2D points as WKB)."""
    lowered = {name.lower() for name in (*_CODE_NAMES, *(n for pair in XY_NAMES for n in pair))}
    parquet = functools.partial(read_columns, exact=names, lowered=lowered)
    return {**READERS, ".parquet": parquet, ".geoparquet": parquet}


def read_firms(
    source: str | Path | pd.DataFrame,
    *,
    crs: object = None,
    id: str = "firm_id",
    ksic: str = "ksic",
    employees: str = "employees",
    x: str | None = None,
    y: str | None = None,
    code: str | None = None,
) -> Registry:
    """Read a firm registry into a :class:`Registry`: every row kept, problems reported.

    ``source`` is a file (CSV, Parquet, GeoParquet, GeoPackage, Shapefile, GeoJSON) or a
    (Geo)DataFrame; ``id``, ``ksic`` and ``employees`` name those columns. Points come
    from the ``x``/``y`` columns if named, else a GeoDataFrame's geometry, else columns
    found by name (lon/lat, longitude/latitude, 경도/위도, x/y); ``crs`` declares their
    CRS (default: the file's, else read from the values: lon/lat or EPSG:5179 in Korea).
    ``code`` names the administrative code column (default: found by name, e.g.
    ``adm_cd``, ``dong_code``, ``sigungu``). A registry needs points, codes, or both.

    Reported (``counted``: the row is still usable): swapped coordinates and degrees
    declared as metres (repaired); missing, empty or impossible points (infinite, 1e308,
    beyond ±180°/±90°: the row is located by its code if it has one); employees missing,
    not a finite number ("abc", "1e400") or negative, KSIC missing or malformed, no firm
    id, a firm id seen in an earlier row (left out); codes of a second system or date
    (kept); codes valid in no system (located by the point only). A row without a firm
    id is left out: it cannot be cited as evidence, audited or told from a duplicate.
    """
    named = {id, ksic, employees} | {name for name in (x, y, code) if name is not None}
    table, file = read_source(source, _readers(named))
    n = len(table)
    issues, notes = Issues(), []
    ids = _ids(take_column(table, id, "id", file))
    raw_ksic, ksic5, malformed = _ksic(take_column(table, ksic, "ksic", file))
    staff_column = take_column(table, employees, "employees", file)
    staff, staff_bad = numbers(staff_column)

    taken = {id, ksic, employees}
    code_name = code or find_column(table, [c for c in _CODE_NAMES if c not in taken])
    codes = Coded(np.full(n, -1, dtype=np.int64), np.zeros(0, dtype=object))
    if code_name:
        codes = _coded(take_column(table, code_name, "code", file))
    system, located = classify_coded(codes, issues)
    has_code = codes.rows(located, False)
    notes.append(f"columns: id {id!r}, KSIC {ksic!r}, employees {employees!r}, code {code_name!r}")

    points = find_points(table, x, y, taken | {code_name or ""}, file)
    px = py = np.full(n, np.nan)
    source_crs = None
    if points is not None:
        px, py, source_crs = locate(points, crs, codes, has_code, issues, notes, file)
    elif code_name is None:
        raise InputError(
            "no location: give coordinate columns (lon/lat or x/y; name them with x=, y=) "
            "or an administrative code column (code=)",
            file=file,
        )
    else:
        issues.add(~has_code, Reason.MISSING_GEOMETRY, lambda r: "no point and no code")

    staff_reading = (staff, staff_bad, staff_column.reset_index(drop=True))
    left_out = _row_problems(issues, ids, staff_reading, (raw_ksic, ksic5, malformed))
    ksic_found = raw_ksic.rows(pd.notna(ksic5), False)
    usable = ksic_found & ~left_out & (np.isfinite(px) | has_code)
    frame = pd.DataFrame(
        {
            "firm_id": ids[0].array,
            "ksic": raw_ksic.text(ksic5),
            "employees": staff,
            "x": px,
            "y": py,
            "code": codes.text(),
            "code_system": codes.text(system),
            "usable": usable,
        }
    )
    return Registry(frame, issues.report(n, usable), source_crs, tuple(notes))
