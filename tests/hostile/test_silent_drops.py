"""Nothing is dropped in silence: every row in is a row out, used or excluded with its reason.

Firm registries and applicant tables are built here with the values a careless or hostile
source sends (coordinates 1e308, inf, nan or abroad; employees "1e400", "-3", "abc"; empty
and repeated ids; KSIC codes that are no class). Every registry row comes back in
``Registry.status`` and in each count's ``status``: used, or excluded with a reason and a
detail. Benefit amounts that cannot be worked out say why and name the limit
(``MAX_WON``, ``MAX_DAYS``); amounts bounded by a cap, a minimum or the base name the bound.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import DIRTY_GEO, FIXTURES
from strategies import examples

import selectlib
import selectlib.geo as geo
from selectlib.benefits import BenefitError, benefit, fund, interest_subsidy
from selectlib.benefits.numbers import MAX_DAYS, MAX_WON
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
    return geo.read_areas(DIRTY_GEO / "areas.geojson")


@settings(max_examples=examples(50), deadline=None)
@given(rows=st.lists(firm_rows, min_size=1, max_size=8), exclude_urban=st.booleans())
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


# -- benefit amounts ----------------------------------------------------------------------

ON = "2021-03-02"
BIG = 5 * 10**15  # above MAX_WON, below the 2**53 every integer field accepts


@pytest.fixture(scope="module")
def program() -> selectlib.Profile:
    return selectlib.load_profile(FIXTURES / "benefits_program.yaml")


def applicant(**fields: Any) -> dict[str, Any]:
    record = {"applicant_id": "A", "region": "seoul", "program": "premium", "base": 1_000_000}
    return {**record, **fields}


def only_line(decision: selectlib.Decision) -> selectlib.BenefitLine:
    """The one amount of the applicant's program (the others are not applicable)."""
    (line,) = [line for line in decision.benefits if line.status != "not_applicable"]
    return line


MISSING_CASES = {
    # name: (applicant, words of the reason in English, in Korean)
    "base above MAX_WON": (
        applicant(base=BIG),
        f"base {BIG:,} won is above MAX_WON = {MAX_WON:,} won",
        f"MAX_WON {MAX_WON:,}원",
    ),
    "days above MAX_DAYS": (
        applicant(program="loan", base=100_000_000, loan_days=40_000),
        f"loan_days 40,000 days is above MAX_DAYS = {MAX_DAYS:,} days",
        f"MAX_DAYS {MAX_DAYS:,}일",
    ),
    "no loan days": (applicant(program="loan"), "loan_days is missing", "loan_days 값 없음"),
    "null rate": (
        applicant(region="busan"),
        "premium_rate has no value for region 'busan' (null)",
        "premium_rate에 region busan의 값이 없음",
    ),
    "no project type": (
        applicant(program="smart", partner_id="P"),
        "project_type is missing, so smart_ratio[project_type] cannot be looked up",
        "project_type 값이 없어",
    ),
    "no beneficiary": (
        applicant(program="smart", project_type="a"),
        "no beneficiary: partner_id is missing",
        "수혜자(partner_id) 값 없음",
    ),
    "no base": (applicant(base=None), "base is missing", "base 값 없음"),
    "no program": (
        applicant(program=None),
        "its condition (program == 'premium') cannot be decided: program missing",
        "적용 조건(program == 'premium')을 판단할 수 없음",
    ),
}


@pytest.mark.parametrize("case", sorted(MISSING_CASES))
def test_an_amount_that_cannot_be_worked_out_says_why_in_both_languages(
    program: selectlib.Profile, case: str
) -> None:
    record, english, korean = MISSING_CASES[case]
    decision = program.evaluate(record, on=ON)
    assert decision.eligible
    line = next(line for line in decision.benefits if line.status == "missing")
    assert line.reason is not None
    assert english in line.reason.en
    assert korean in line.reason.ko
    assert english in decision.explain("en")
    assert korean in decision.explain("ko")
    # the table says the same, on the row, and so does the funding table
    table = program.evaluate_many(pd.DataFrame([record]), on=ON)
    assert table["benefit"].isna().all()
    assert table["benefit_problems"].iloc[0].startswith(f"{line.id}: {line.reason.en}")
    funding = fund(program, pd.DataFrame([{**record, "received_no": 1}]), on=ON)
    assert funding.table["funding"].iloc[0] == "missing"
    assert english in funding.table["funding_reason"].iloc[0]


def test_a_null_budget_entry_or_no_budget_key_says_why_a_row_is_not_funded() -> None:
    data = yaml.safe_load((FIXTURES / "benefits_program.yaml").read_text(encoding="utf-8"))
    data["parameters"]["budget"] = {
        "description": {"ko": "지역별 예산", "en": "Budget by region"},
        "unit": "won",
        "keyed_by": "region",
        "value": {"seoul": 10_000_000, "jeju": None, "busan": 0},
    }
    regional = selectlib.Profile.from_dict(data)
    rows = pd.DataFrame(
        [
            applicant(region="jeju", received_no=1),
            applicant(applicant_id="B", region="seoul", received_no=2),
        ]
    )
    funding = fund(regional, rows, on=ON)
    assert funding.table["funding"].tolist() == ["missing", "full"]
    assert (
        funding.table["funding_reason"].iloc[0]
        == "no budget for region 'jeju' on this date (its entry is null: the sources give none); "
        "give one: budget=WON in Python, --budget WON on the command line"
    )
    assert pd.isna(funding.table["funding_reason"].iloc[1])


BOUND_CASES = {
    # name: (applicant, amount, the end of the calculation in English, in Korean)
    "cap parameter": (
        applicant(base=5_000_005),
        1_000_000,
        "= 1,000,001 → cap 1,000,000 (premium_cap)",
        "→ 한도 1,000,000 (premium_cap)",
    ),
    "cap table entry": (
        applicant(program="smart", project_type="a", partner_id="P", base=200_000_000),
        100_000_000,
        "→ cap 100,000,000 (smart_cap[a]); firm pays 100,000,000",
        "→ 한도 100,000,000 (smart_cap[a]); 자부담 100,000,000",
    ),
    "cap literal": (
        applicant(program="loan", base=10**12, loan_days=365),
        5_000_000,
        "→ cap 5,000,000 (loan_subsidy.cap)",
        "→ 한도 5,000,000 (loan_subsidy.cap)",
    ),
    "minimum parameter": (
        applicant(base=30_000),
        10_000,
        "= 6,000 → minimum 10,000 (min_support)",
        "→ 하한 10,000 (min_support)",
    ),
    "minimum above the base": (
        applicant(base=5_000),
        5_000,
        "= 1,000 → minimum 10,000 (min_support) → base 5,000 (the minimum is above the base)",
        "→ 하한 10,000 (min_support) → 기준액 5,000 (하한이 기준액보다 큼)",
    ),
}


@pytest.mark.parametrize("case", sorted(BOUND_CASES))
def test_a_bounded_amount_names_the_bound_and_its_value(
    program: selectlib.Profile, case: str
) -> None:
    record, amount, english, korean = BOUND_CASES[case]
    line = only_line(program.evaluate(record, on=ON))
    assert line.amount == amount
    assert line.formula_text("en").endswith(english), line.formula_text("en")
    assert line.formula_text("ko").endswith(korean), line.formula_text("ko")


def test_an_amount_rounded_up_past_its_base_says_the_base_held_it() -> None:
    data = yaml.safe_load((FIXTURES / "benefits_program.yaml").read_text(encoding="utf-8"))
    data["benefits"]["rounding"] = {"unit": 1000, "mode": "ceil"}
    data["parameters"]["min_support"]["value"] = 0
    ceil = selectlib.Profile.from_dict(data)
    line = only_line(ceil.evaluate(applicant(region="jeju", base=1_500), on=ON))
    assert (line.rounded, line.amount) == (1_500, 1_500)
    assert line.formula_text("en") == (
        "80 % × 1,500 = 1,200 → 2,000 (rounded up to 1,000 won) → base 1,500 (never above the base)"
    )
    assert "→ 기준액 1,500 (기준액 초과 불가)" in line.formula_text("ko")


@settings(max_examples=examples(40), deadline=None)
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {
                "region": st.sampled_from(["seoul", "jeju", "busan", None]),
                "program": st.sampled_from(["premium", "smart", "loan", None]),
                "base": st.sampled_from([0, 5_000, 5_000_005, MAX_WON, MAX_WON + 1, BIG, None]),
                "project_type": st.sampled_from(["a", "c", None]),
                "loan_days": st.sampled_from([0, 365, MAX_DAYS, MAX_DAYS + 1, None]),
                "partner_id": st.sampled_from(["P", None]),
            }
        ),
        min_size=1,
        max_size=8,
    )
)
def test_every_amount_is_worked_out_or_says_why(
    program: selectlib.Profile, rows: list[dict[str, Any]]
) -> None:
    table = pd.DataFrame(rows).assign(applicant_id=[f"A{i}" for i in range(len(rows))])
    results = program.evaluate_many(table, on=ON)
    assert len(results) == len(rows)
    for position, record in enumerate(table.to_dict("records")):
        decision = program.evaluate(record, on=ON)
        problems = results["benefit_problems"].iloc[position]
        missing = [line for line in decision.benefits if line.status == "missing"]
        assert pd.isna(problems) == (not missing)
        for line in missing:
            assert line.reason is not None
            assert f"{line.id}: {line.reason.en}" in problems
        for line in decision.benefits:
            shown = results[f"benefit.{line.id}"].iloc[position]
            assert pd.isna(shown) == (line.status == "missing")
    funding = fund(program, table.assign(received_no=range(len(rows))), on=ON)
    status = funding.table["funding"].astype(str)
    assert funding.table["funding_reason"].notna().tolist() == (status == "missing").tolist()


def test_the_pure_functions_name_the_limit_they_refuse() -> None:
    with pytest.raises(BenefitError, match=f"is above MAX_WON = {MAX_WON:,}"):
        benefit([1_000, BIG], "20%")
    with pytest.raises(BenefitError, match=f"is above MAX_DAYS = {MAX_DAYS:,}"):
        interest_subsidy([1_000_000], "2%", [MAX_DAYS + 1])


def test_an_application_id_seen_twice_is_funded_but_flagged(program: selectlib.Profile) -> None:
    rows = pd.DataFrame(
        [applicant(received_no=1), applicant(applicant_id="B", received_no=2), applicant()],
        index=["r1", "r2", "r3"],
    ).assign(received_no=[1, 2, 3])
    funding = fund(program, rows, on=ON)
    assert funding.table["funding"].tolist() == ["full", "full", "full"]
    reasons = funding.table["funding_reason"]
    assert reasons.isna().tolist() == [True, True, False]
    assert reasons.iloc[2] == "applicant_id 'A' repeats row 'r1': funded twice?"


@pytest.mark.parametrize("bad", [(np.inf, 36.2), (np.nan, np.nan), (1e308, 36.2)])
def test_a_geometry_that_is_no_finite_point_is_reported(bad: tuple[float, float]) -> None:
    frame = gpd.GeoDataFrame(
        {"firm_id": ["A", "B"], "ksic": "25924", "employees": [1, 2]},
        geometry=[shapely.Point(127.5, 36.2), shapely.Point(*bad)],
        crs=4326,
    )
    status = geo.read_firms(frame).status
    assert status.table["status"].tolist() == ["used", "excluded"]
    assert status.excluded.loc[0, "reason"] in ("missing_geometry", "outside_areas")
    assert "no code either" in status.excluded.loc[0, "detail"]


def test_the_clusters_command_accounts_for_every_firm(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from selectlib.cli.app import app

    excluded = tmp_path / "excluded.csv"
    firms = DIRTY_GEO / "firms.csv"
    args = ["clusters", str(firms), "--areas", str(DIRTY_GEO / "areas.geojson")]
    result = CliRunner().invoke(
        app, [*args, "--on", "2024-05-01", "--excluded", str(excluded), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    rows_in = len(pd.read_csv(firms, dtype=str))
    left_out = pd.read_csv(excluded, dtype=str)
    used = int(result.output.split(" used, ")[0].rsplit(" ", 1)[1])
    assert used + len(left_out) == rows_in
    assert left_out["reason"].notna().all()
    assert left_out["detail"].notna().all()
    assert f"{rows_in} rows: {used} used, {len(left_out)} excluded" in result.output
