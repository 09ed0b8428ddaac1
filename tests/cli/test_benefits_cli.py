"""The ``selectlib benefits`` command: pots, allocation methods, files, and its errors.

Uses a small product-liability-insurance-like profile written here (premium support
at a rate per region, capped), not the built-in benefit profiles, so the expected won
amounts can be worked out by hand:

* a seoul 1,000,000 × 20% = 200,000 (arrives 3rd)
* b jeju 2,000,000 × 80% = 1,600,000, capped at 1,000,000 (arrives 1st)
* c busan: ineligible (busan is not a supported region)
* d seoul 300,000 × 20% = 60,000 (arrives 5th)
* e: region missing (incomplete); f: premium 'abc' (invalid)
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from selectlib.cli import app as cli
from selectlib.cli.benefits import SHOWN_ROWS
from selectlib.io import read_table

ON = "2024-05-01"
IDS = ["a", "b", "c", "d", "e", "f"]
REQUESTED = {"a": 200_000, "b": 1_000_000, "d": 60_000}

PROFILE = """\
id: pl_test
name: {ko: PL보험 시험, en: PL test}
valid_from: 2018-01-01
identifier: applicant_id
fields:
  applicant_id: {kind: text, required: false, description: {ko: id, en: id}}
  region:
    kind: category
    description: {ko: 지역, en: region}
    choices:
      seoul: {ko: 서울, en: Seoul}
      jeju: {ko: 제주, en: Jeju}
      busan: {ko: 부산, en: Busan}
  premium: {kind: integer, minimum: 0, description: {ko: 보험료, en: premium}}
  received_no: {kind: integer, required: false, description: {ko: 접수번호, en: receipt}}
  rank: {kind: integer, required: false, description: {ko: 순위, en: rank}}
parameters:
  rate:
    description: {ko: 지원율, en: rate}
    keyed_by: region
    history:
      2018-01-01: {seoul: "20%", jeju: "80%", busan: null}
  cap: {description: {ko: 한도, en: cap}, value: 1000000}
  budget:
    description: {ko: 예산, en: budget}
    history: {2018-01-01: 20000000, 2021-01-01: 100000000}
criteria:
  - id: in_region
    label: {ko: 지역, en: region}
    source: "000"
    condition: region in ['seoul', 'jeju']
    messages:
      passed: {ko: 예, en: "yes"}
      failed: {ko: 아니오, en: "no"}
      missing: {ko: 모름, en: unknown}
benefits:
  rounding: {unit: 1, mode: floor}
  amounts:
    premium_support:
      label: {ko: 보험료 지원, en: premium support}
      source: "000 PL"
      formula: rate
      base: premium
      rate: rate
      cap: cap
  budget: budget
  average_support: {2021-01-01: 280000}
  allocation: {method: arrival, arrival: received_no}
"""
KEYED_BUDGET = """\
  budget:
    description: {ko: 예산, en: budget}
    keyed_by: region
    history: {2018-01-01: {seoul: 300000, jeju: 1000000, busan: 0}}
"""
APPLICANTS = """\
applicant_id,region,premium,received_no,rank
a,seoul,1000000,3,1
b,jeju,2000000,1,3
c,busan,500000,2,
d,seoul,300000,5,2
e,,100,4,
f,seoul,abc,6,
"""


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    return write(tmp_path / "pl.yaml", PROFILE)


@pytest.fixture
def applicants(tmp_path: Path) -> Path:
    return write(tmp_path / "applicants.csv", APPLICANTS)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str | Path) -> Result:
    """Invoke the CLI in-process with a wide terminal, so rich does not wrap cells."""
    return CliRunner().invoke(
        cli.app, ["benefits", "--lang", "en", *map(str, args)], env={"COLUMNS": "250"}
    )


def ok(*args: str | Path) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def row(output: str, first: str) -> list[str]:
    """The cells of the table line whose first cell is ``first``."""
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if len(cells) > 1 and cells[0] == first:
            return cells
    raise AssertionError(f"no table row starting with {first!r} in:\n{output}")


def assert_error(result: Result, code: int, *fragments: str) -> None:
    """Exit ``code``, every fragment on stderr, no traceback."""
    assert result.exit_code == code, result.output
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# -- what is printed -------------------------------------------------------------------------


def test_pots_capacity_and_applicants(profile: Path, applicants: Path) -> None:
    out = ok(profile, applicants, "--on", ON)
    assert "PL test (pl_test)" in out
    assert "on 2024-05-01 · allocation: by arrival (received_no)" in out
    assert "average support 280,000 won" in out
    # budget, requested, granted, remaining, full, partly, unfunded, capacity (100M // 280k)
    pot = row(out, "100,000,000")
    assert pot == ["100,000,000", "1,260,000", "1,260,000", "98,740,000", "3", "0", "0", "357"]
    line = "6 applicants: full 3 · partial 0 · unfunded 0 · amount missing 0 · not eligible 3"
    assert line in out
    # id, outcome, premium support, requested, granted, funding, reasons
    assert row(out, "b") == ["b", "eligible", "1,000,000", "1,000,000", "1,000,000", "full", ""]
    assert row(out, "c") == ["c", "ineligible", "", "0", "0", "not eligible", "region: no"]
    assert row(out, "e")[-1] == "region: unknown"
    assert row(out, "f")[-1] == "premium: expected a whole number, got 'abc'"


def test_budget_overrides_the_profile_and_funds_by_arrival(profile: Path, applicants: Path) -> None:
    out = ok(profile, applicants, "--on", ON, "--budget", "1,100,000")
    # b arrives first and is funded in full, a gets the 100,000 left, d nothing
    pot = row(out, "1,100,000")
    assert pot == ["1,100,000", "1,260,000", "1,100,000", "0", "1", "1", "1", "3"]
    assert row(out, "b")[4:6] == ["1,000,000", "full"]
    assert row(out, "a")[3:6] == ["200,000", "100,000", "partial"]
    assert row(out, "d")[3:6] == ["60,000", "0", "unfunded"]
    assert ok(profile, applicants, "--on", ON, "--budget", "1_100_000") == out


def test_pro_rata(profile: Path, applicants: Path) -> None:
    out = ok(profile, applicants, "--on", ON, "--budget", "1100000", "--allocate", "pro-rata")
    assert "allocation: pro rata" in out
    granted = {key: int(row(out, key)[4].replace(",", "")) for key in REQUESTED}
    # everyone gets the same share 1,100,000 / 1,260,000 of the request, rounded down
    assert granted == {key: asked * 1_100_000 // 1_260_000 for key, asked in REQUESTED.items()}
    assert row(out, "1,100,000")[1:7] == ["1,260,000", "1,099,998", "2", "0", "3", "0"]


def test_rank_and_arrival_on_a_ranked_profile(tmp_path: Path, applicants: Path) -> None:
    text = PROFILE.replace("{method: arrival, arrival: received_no}", "{method: rank, rank: rank}")
    ranked = write(tmp_path / "ranked.yaml", text)
    by_rank = ok(ranked, applicants, "--on", ON, "--budget", "300000")
    assert "allocation: by rank (rank)" in by_rank
    # ranks a 1, d 2, b 3: a and d in full, b the 40,000 left
    assert [row(by_rank, key)[4:6] for key in "adb"] == [
        ["200,000", "full"],
        ["60,000", "full"],
        ["40,000", "partial"],
    ]
    # the same profile by arrival with no arrival field: row order a, b, d
    by_row = ok(ranked, applicants, "--on", ON, "--budget", "300000", "--allocate", "arrival")
    assert "allocation: by arrival (row order)" in by_row
    assert [row(by_row, key)[4:6] for key in "abd"] == [
        ["200,000", "full"],
        ["100,000", "partial"],
        ["0", "unfunded"],
    ]


def test_rank_needs_a_rank_field(profile: Path, applicants: Path) -> None:
    result = run(profile, applicants, "--on", ON, "--allocate", "rank")
    assert_error(result, 1, "error: method: funding by rank needs a rank field")


def test_average_sets_the_capacity(profile: Path, applicants: Path) -> None:
    out = ok(profile, applicants, "--on", ON, "--average", "500,000")
    assert row(out, "100,000,000")[-1] == "200"
    assert "average support 500,000 won" in out
    assert_error(run(profile, applicants, "--on", ON, "--average", "0"), 2, "more than 0 won")


def test_keyed_budget_shows_one_pot_per_code_and_a_total(tmp_path: Path, applicants: Path) -> None:
    start = PROFILE.index("  budget:\n    description")
    end = PROFILE.index("criteria:")
    keyed = write(tmp_path / "keyed.yaml", PROFILE[:start] + KEYED_BUDGET + PROFILE[end:])
    out = ok(keyed, applicants, "--on", ON)
    seoul = ["seoul", "300,000", "260,000", "260,000", "40,000", "2", "0", "0", "1"]
    assert row(out, "seoul") == seoul
    assert row(out, "jeju")[1:5] == ["1,000,000", "1,000,000", "1,000,000", "0"]
    assert row(out, "total")[1:5] == ["1,300,000", "1,260,000", "1,260,000", "40,000"]
    assert row(out, "a")[2] == "seoul"  # the applicant's pot


def test_korean_labels(profile: Path, applicants: Path) -> None:
    out = ok(profile, applicants, "--on", ON, "--lang", "ko", "--budget", "1100000")
    assert "PL보험 시험 (pl_test)" in out
    assert "기준일 2024-05-01 · 배분: 접수순 (received_no)" in out
    for label in ("예산", "신청액", "지원액", "잔액", "지원 가능 인원", "보험료 지원", "사유"):
        assert label in out
    assert "신청 6건: 전액 1 · 일부 1 · 미지원 1 · 금액 미상 0 · 대상 아님 3" in out
    assert row(out, "c")[1] == "지원 불가"
    assert row(out, "c")[-1] == "지역: 아니오"
    assert row(out, "a")[-2] == "일부"


def test_long_inputs_show_the_first_rows(tmp_path: Path, profile: Path) -> None:
    count = SHOWN_ROWS + 5
    lines = [f"p{n:02d},seoul,100000,{n}" for n in range(count)]
    many = write(
        tmp_path / "many.csv", "applicant_id,region,premium,received_no\n" + "\n".join(lines)
    )
    out = ok(profile, many, "--on", ON)
    assert row(out, f"p{SHOWN_ROWS - 1:02d}")[3:6] == ["20,000", "20,000", "full"]
    assert f"p{SHOWN_ROWS:02d}" not in out
    assert f"first {SHOWN_ROWS} of {count} rows (5 left out)" in out
    assert f"{count} applicants: full {count}" in out


# -- files -----------------------------------------------------------------------------------


def _read(path: Path) -> pd.DataFrame:
    if path.suffix == ".json":
        return pd.DataFrame(json.loads(path.read_text(encoding="utf-8")))
    frame = read_table(path)
    numbers = ["requested", "granted", "budget", "remaining", "row"]
    return frame.assign(**{c: frame[c].astype(int) for c in numbers if c in frame.columns})


@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx"])
def test_out_writes_every_row_payments_and_pots(
    tmp_path: Path, profile: Path, applicants: Path, suffix: str
) -> None:
    out = tmp_path / f"funded{suffix}"
    printed = ok(profile, applicants, "--on", ON, "--budget", "1,100,000", "--out", out)
    payments = tmp_path / f"funded_payments{suffix}"
    pots = tmp_path / f"funded_pots{suffix}"
    assert f"wrote 6 rows to {out}" in printed
    assert f"wrote 3 rows to {payments}" in printed
    assert f"wrote 1 row to {pots}" in printed

    table = _read(out)
    assert table["applicant_id"].tolist() == IDS
    for column in ("outcome", "reasons_en", "benefit.premium_support", "funding", "problems"):
        assert column in table.columns
    assert table["granted"].sum() == 1_100_000
    assert (table["granted"] <= table["requested"]).all()
    funding = ["partial", "full", "not_eligible", "none", "not_eligible", "not_eligible"]
    assert table["funding"].tolist() == funding
    paid = _read(payments)
    assert paid["applicant"].tolist() == ["a", "b", "d"]
    assert paid["granted"].tolist() == [100_000, 1_000_000, 0]
    assert paid["row"].tolist() == [0, 1, 3]
    summary = _read(pots)
    assert summary[["budget", "granted", "remaining"]].to_numpy().tolist() == [
        [1_100_000, 1_100_000, 0]
    ]
    if suffix == ".csv":
        assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM, for Excel


def test_format_csv_prints_the_data_and_the_summary_on_stderr(
    profile: Path, applicants: Path, tmp_path: Path
) -> None:
    result = run(profile, applicants, "--on", ON, "--format", "csv")
    assert result.exit_code == 0, result.output
    data = write(tmp_path / "printed.csv", result.stdout)
    assert read_table(data)["applicant_id"].tolist() == IDS
    assert "1,260,000" in result.stderr
    assert "6 applicants" in result.stderr


def test_format_needs_a_file_for_xlsx(profile: Path, applicants: Path) -> None:
    assert_error(run(profile, applicants, "--format", "xlsx"), 2, "xlsx needs --out FILE")


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1억", "1.5e6", "-5", "1,0000", "100,000,00", "1__0", "", "₩100"])
def test_budget_must_be_whole_won(profile: Path, applicants: Path, text: str) -> None:
    result = run(profile, applicants, "--on", ON, "--budget", text)
    assert_error(result, 2, "--budget", "is not a whole number of won")


def test_budget_above_the_largest_amount(profile: Path, applicants: Path) -> None:
    result = run(profile, applicants, "--on", ON, "--budget", "1" + "0" * 20)
    assert_error(result, 1, "error: budget: must be between 0 and")


def test_profile_without_benefits(tmp_path: Path, applicants: Path) -> None:
    plain = write(tmp_path / "plain.yaml", PROFILE[: PROFILE.index("benefits:")])
    result = run(plain, applicants, "--on", ON)
    assert_error(result, 1, "error: profile: 'pl_test' has no 'benefits' section")


def test_a_tie_that_decides_who_is_funded(tmp_path: Path, profile: Path) -> None:
    tied = write(
        tmp_path / "tied.csv",
        "applicant_id,region,premium,received_no\n"
        "a,seoul,1000000,7\nb,jeju,2000000,9\nd,seoul,300000,7\n",
    )
    out = tmp_path / "tied_out.csv"
    result = run(profile, tied, "--on", ON, "--budget", "250000", "--out", out)
    assert_error(result, 1, "error: order: rows ['a', 'd'] share arrival key 7", "--row-order-ties")
    assert not out.exists()
    # asked to, the row order breaks the tie: a first (200,000 won), then d gets the rest
    in_order = ok(profile, tied, "--on", ON, "--budget", "250000", "--row-order-ties")
    assert row(in_order, "a")[4:6] == ["200,000", "full"]
    assert row(in_order, "d")[4:6] == ["50,000", "partial"]
    # with enough money for both the tie decides nothing
    assert row(ok(profile, tied, "--on", ON, "--budget", "260000"), "d")[4:6] == [
        "60,000",
        "full",
    ]


def test_bad_date(profile: Path, applicants: Path) -> None:
    assert_error(run(profile, applicants, "--on", "2024-13-01"), 1, "error: --on")


def test_a_missing_column_is_noted(tmp_path: Path, profile: Path) -> None:
    typo = write(tmp_path / "typo.csv", "applicant_id,region,premum,received_no\na,seoul,1000,1\n")
    result = run(profile, typo, "--on", ON)
    assert result.exit_code == 0, result.output
    assert "no input column for premium (did you mean 'premum'?)" in result.stderr
