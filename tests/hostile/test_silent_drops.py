"""Nothing is dropped in silence: every row in is a row out, used or excluded with its reason.

Firm registries and applicant tables are built here with the values a careless or hostile
source sends (coordinates 1e308, inf, nan or abroad; employees "1e400", "-3", "abc"; empty
and repeated ids; KSIC codes that are no class). Every registry row comes back in
``Registry.status`` and in each count's ``status``: used, or excluded with a reason and a
detail. Benefit amounts that cannot be worked out say why and name the limit
(``MAX_WON``, ``MAX_DAYS``); amounts bounded by a cap, a minimum or the base name the bound.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import SAMPLE_GEO
from strategies import examples

import selectlib.geo as geo
from selectlib.geo.report import Reason

# -- firm registries ----------------------------------------------------------------------

INSIDE = ("127.5033371", "36.1998491", "2101051")  # a point and code of the sample geography
GOOD = {"firm_id": "F", "ksic": "C25924", "employees": "3"}
HOSTILE_IDS = ["", "   ", None, "DUP", "DUP", "\x1b[2J", "=HYPERLINK(1)"]
HOSTILE_EMPLOYEES = ["1e400", "-3", "abc", "", None, "inf", "-inf", "nan", "1e308", "10", "9.5"]
HOSTILE_KSIC = ["C2511", "47190", "", None, "C30320", "C12000"]
HOSTILE_POINTS = [
    ("1e308", "36.2"),
    ("inf", "36.2"),
    ("nan", "nan"),
    ("200", "36.2"),
    ("127.5", "95"),
    ("140.0", "36.2"),  # Japan: outside Korea
    ("127.5", "-36.2"),  # the southern hemisphere
    ("0", "0"),
    ("", ""),
    ("36.1998491", "127.5033371"),  # swapped: repaired, used
]
HOSTILE_CODES = ["9912345", "", None, "abc", "2101051"]

firm_rows = st.fixed_dictionaries(
    {
        "firm_id": st.sampled_from(["F", *HOSTILE_IDS]),
        "ksic": st.sampled_from(["C25924", *HOSTILE_KSIC]),
        "employees": st.sampled_from(["3", *HOSTILE_EMPLOYEES]),
        "point": st.sampled_from([INSIDE[:2], *HOSTILE_POINTS]),
        "dong_code": st.sampled_from([INSIDE[2], *HOSTILE_CODES]),
    }
)


def registry_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A registry as a CSV reader gives it: every cell text; ids made unique unless hostile."""
    table = pd.DataFrame(
        [
            {
                "firm_id": f"F{i}" if row["firm_id"] == "F" else row["firm_id"],
                "ksic": row["ksic"],
                "employees": row["employees"],
                "lon": row["point"][0],
                "lat": row["point"][1],
                "dong_code": row["dong_code"],
            }
            for i, row in enumerate(rows)
        ],
        columns=["firm_id", "ksic", "employees", "lon", "lat", "dong_code"],
        dtype=object,
    )
    return table


def assert_accounted(status: geo.RowStatus, rows_in: int, used: np.ndarray) -> None:
    """Rows in = used + excluded, in order; every excluded row has a reason and a detail."""
    table = status.table
    assert table["row"].tolist() == list(range(rows_in))
    assert status.used + len(status.excluded) == rows_in
    assert (table["status"] == "used").to_numpy().tolist() == used.tolist()
    excluded = status.excluded
    reasons = {reason.value for reason in Reason}
    assert excluded["reason"].isin(reasons).all(), excluded
    assert excluded["detail"].map(lambda d: isinstance(d, str) and d != "").all(), excluded
    assert table.loc[table["status"] == "used", "reason"].isna().all()
    assert sum(status.counts.values()) == len(excluded)


@pytest.fixture(scope="module")
def areas() -> geo.Areas:
    return geo.read_areas(SAMPLE_GEO / "areas.geojson")


@settings(max_examples=examples(50), deadline=None)
@given(rows=st.lists(firm_rows, min_size=1, max_size=12), exclude_urban=st.booleans())
def test_every_firm_is_used_or_excluded_with_its_reason(
    areas: geo.Areas, rows: list[dict[str, Any]], exclude_urban: bool
) -> None:
    registry = geo.read_firms(registry_table(rows), crs=4326)
    assert_accounted(registry.status, len(rows), registry.frame["usable"].to_numpy(dtype=bool))
    by_code = geo.count_by_code(registry, exclude_urban=exclude_urban)
    assert_accounted(by_code.status, len(rows), by_code.counted)
    by_point = geo.count_by_point(registry, areas, exclude_urban=exclude_urban)
    assert_accounted(by_point.status, len(rows), by_point.counted)
    # a plain frame (no registry report) still gives every excluded row a reason
    plain = geo.count_by_point(registry.frame, areas, exclude_urban=exclude_urban)
    assert_accounted(plain.status, len(rows), plain.counted)
    placed = registry.frame["x"].notna().to_numpy()
    radius_used = geo.qualifying(registry, exclude_urban=exclude_urban) & placed
    assert_accounted(
        geo.radius_status(registry, exclude_urban=exclude_urban), len(rows), radius_used
    )
    # used in the registry and not in a count: the count says why, never the registry alone
    for counts in (by_code, by_point):
        status = counts.status.table
        assert set(status.loc[status["status"] == "used", "row"]) <= set(
            np.flatnonzero(registry.frame["usable"].to_numpy(dtype=bool))
        )


REGISTRY_CASES = {
    # name: (cells changed in a clean row, reason the registry gives, words of the detail)
    "employees 1e400": (
        {"employees": "1e400"},
        Reason.MISSING_EMPLOYEES,
        "'1e400' is not a finite",
    ),
    "employees -3": ({"employees": "-3"}, Reason.NEGATIVE_EMPLOYEES, "employees -3"),
    "employees abc": ({"employees": "abc"}, Reason.MISSING_EMPLOYEES, "'abc' is not a finite"),
    "employees inf": ({"employees": "inf"}, Reason.MISSING_EMPLOYEES, "'inf' is not a finite"),
    "lon 1e308": ({"lon": "1e308", "dong_code": None}, Reason.OUTSIDE_AREAS, "(1e+308, 36.1998"),
    "lon inf": ({"lon": "inf", "dong_code": None}, Reason.MISSING_GEOMETRY, "lon 'inf' is not a"),
    "lon nan": ({"lon": "nan", "dong_code": None}, Reason.MISSING_GEOMETRY, "lon 'nan' is not a"),
    "lat 95": ({"lat": "95", "dong_code": None}, Reason.OUTSIDE_AREAS, "no position in EPSG:4326"),
    "in Japan": ({"lon": "140", "dong_code": None}, Reason.OUTSIDE_AREAS, "lies outside Korea"),
    "south": ({"lat": "-36.2", "dong_code": None}, Reason.OUTSIDE_AREAS, "lies outside Korea"),
    "empty id": ({"firm_id": ""}, Reason.MISSING_ID, "no firm id"),
    "blank id": ({"firm_id": "   "}, Reason.MISSING_ID, "no firm id"),
    "no id": ({"firm_id": None}, Reason.MISSING_ID, "no firm id"),
    "repeated id": ({"firm_id": "F0"}, Reason.DUPLICATE_ID, "already at row 0"),
    "no ksic": ({"ksic": ""}, Reason.MALFORMED_KSIC, "no KSIC code"),
}


def clean_registry(n: int = 3) -> pd.DataFrame:
    """``n`` clean firms of one industry at one point of the sample geography."""
    lon, lat, code = INSIDE
    firms = {"ksic": "C25924", "employees": "3", "lon": lon, "lat": lat, "dong_code": code}
    return pd.DataFrame({"firm_id": [f"F{i}" for i in range(n)], **firms}, dtype=object)


@pytest.mark.parametrize("case", sorted(REGISTRY_CASES))
def test_each_hostile_value_is_excluded_with_the_reason_that_names_it(case: str) -> None:
    cells, reason, words = REGISTRY_CASES[case]
    table = clean_registry()
    for column, value in cells.items():
        table.loc[1, column] = value
    registry = geo.read_firms(table, crs=4326)
    excluded = registry.status.excluded
    assert excluded["row"].tolist() == [1]
    assert excluded.loc[0, "reason"] == reason.value
    assert words in excluded.loc[0, "detail"]
    assert len(excluded.loc[0, "detail"]) < 200  # 1e308 is said short, not in 309 digits
    by_code = geo.count_by_code(registry)
    assert by_code.status.excluded["reason"].tolist() == [reason.value]
    assert by_code.table["count"].sum() == 2


def test_a_firm_id_left_empty_is_excluded_and_never_counted_as_evidence() -> None:
    table = clean_registry(4)
    table.loc[[1, 2], "firm_id"] = ["", None]
    registry = geo.read_firms(table, crs=4326)
    counts = geo.count_by_code(registry)
    assert counts.count("2101051", "25924") == 2
    assert list(counts.members("2101051", "25924")) == ["F0", "F3"]
    assert counts.status.counts == {"missing_id": 2}


def test_a_bad_point_with_a_code_falls_back_to_the_code_and_says_so(areas: geo.Areas) -> None:
    table = clean_registry()
    table.loc[1, "lon"] = "1e308"
    table.loc[2, "lon"] = "140"
    registry = geo.read_firms(table, crs=4326)
    assert registry.status.used == 3
    issues = registry.report.issues
    assert issues["reason"].tolist() == ["outside_areas", "outside_areas"]
    assert issues["counted"].all()
    assert all("located by its code 2101051" in d for d in issues["detail"])
    assert geo.count_by_point(registry, areas).count("2101051", "25924") == 3


def test_the_rule_says_which_limit_left_a_firm_out() -> None:
    table = clean_registry(4)
    table.loc[1, "employees"] = "10"
    table.loc[2, "ksic"] = "C30320"
    table.loc[3, "employees"] = "1e400"
    registry = geo.read_firms(table, crs=4326)
    status = geo.count_by_code(registry, exclude_urban=True, employee_limit=10).status
    excluded = status.excluded.set_index("row")
    assert excluded["reason"].to_dict() == {
        1: "too_many_employees",
        2: "excluded_industry",
        3: "missing_employees",
    }
    assert "not fewer than employee_limit 10" in excluded.loc[1, "detail"]
    assert "C30 is outside 도시형소공인 (exclude_urban)" in excluded.loc[2, "detail"]
    assert status.summary().splitlines()[0] == "4 rows: 1 used, 3 excluded:"
