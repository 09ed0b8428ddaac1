"""Score sheets: write one workbook per evaluator, fill it, read every score back, checked."""

from __future__ import annotations

import csv
import math
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import FLAGSHIP

import selectlib
from selectlib.io import read_csv
from selectlib.scoring import ScoringError, read_scores, write_sheets
from selectlib.scoring.errors import EvaluationInputError
from selectlib.scoring.inputs import Evaluator, Recusal

PROFILE = selectlib.load_profile(FLAGSHIP)
SPEC = PROFILE.spec.evaluation
assert SPEC is not None
CRITERIA = ("capability", "cluster_fit", "program_plan", "budget", "infrastructure")
MAX = (30, 20, 30, 10, 10)
APPLICANTS = pd.DataFrame(
    {"applicant_id": ["A01", "A02", "A03"], "applicant_name": ["가나공방", "다라센터", "마바협회"]}
)
EVALUATORS = (
    Evaluator("E01", "김평가", external=True),
    Evaluator("E02", "이평가", external=False, stages=("document",)),
    Evaluator("E03", "박평가", external=True, stages=("site",)),
)
# scores[evaluator] = one row per applicant, one column per criterion (C..G)
SCORES: dict[str, list[list[Any]]] = {
    "E01": [[27.5, 15, 24, 8, 7], [12, 20, 12.5, 0, 10], [30, 0, 29.5, 9.5, 5]],
    "E02": [[" 27 ", "18", "22.5", 6, 4], [20, 10, 15, 5, 5], [0, 1, 2, 3, 4]],
}


def expected(evaluator: str) -> list[float]:
    """The numbers the hand-typed SCORES stand for, applicant by applicant."""
    return [float(v) for row in SCORES[evaluator] for v in row]


def write(out: Path, **kwargs: Any) -> dict[str, Path]:
    """Sheets for the document stage of the flagship example, by file name."""
    assert SPEC is not None
    paths = write_sheets(SPEC, "document", APPLICANTS, EVALUATORS, out, **kwargs)
    return {p.name: p for p in paths}


def edit(path: Path, cells: Mapping[str, Any], sheet: str = "점수표") -> None:
    """Set cells of a workbook and save it, as an evaluator in Excel would."""
    book = openpyxl.load_workbook(path)
    for cell, value in cells.items():
        book[sheet][cell] = value
    book.save(path)


def fill(path: Path, evaluator: str) -> None:
    """Type the evaluator's SCORES into the criterion cells C6:G8."""
    edit(
        path,
        {
            f"{'CDEFG'[c]}{6 + a}": value
            for a, row in enumerate(SCORES[evaluator])
            for c, value in enumerate(row)
        },
    )


def problems(sources: Any, **kwargs: Any) -> list[tuple[str, str]]:
    """(where, message) of every problem read_scores reports."""
    assert SPEC is not None
    with pytest.raises(EvaluationInputError) as info:
        read_scores(sources, SPEC, **kwargs)
    return [(p.where, p.message) for p in info.value.problems]


def write_csv(path: Path, rows: list[list[Any]], header: tuple[str, ...] | None = None) -> Path:
    columns = header or ("stage", "evaluator_id", "applicant_id", "criterion", "score")
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows([columns, *rows])
    return path


@pytest.fixture
def sheets(tmp_path: Path) -> dict[str, Path]:
    return write(tmp_path / "sheets")


def read(sources: Any, **kwargs: Any) -> pd.DataFrame:
    assert SPEC is not None
    return read_scores(sources, SPEC, **kwargs)


# -- writing -------------------------------------------------------------------------------


def test_one_workbook_per_sitting_evaluator_and_a_template(sheets: dict[str, Path]) -> None:
    assert list(sheets) == [
        "document_E01.xlsx",
        "document_E02.xlsx",
        "document_scores_template.csv",
    ]
    assert all(p.parent.name == "sheets" for p in sheets.values())
    assert sheets["document_scores_template.csv"].read_bytes().startswith(b"\xef\xbb\xbf")


def test_file_names_are_safe_and_must_not_clash(tmp_path: Path) -> None:
    assert SPEC is not None
    odd = [Evaluator("E/01 김", "김", True), Evaluator("..", "점", True)]
    paths = write_sheets(SPEC, "document", APPLICANTS, odd, tmp_path)
    assert [p.name for p in paths[:2]] == ["document_E_01_김.xlsx", "document__.xlsx"]
    clash = [Evaluator("E/01", "a", True), Evaluator("E:01", "b", True)]
    with pytest.raises(ScoringError, match="'E/01' and 'E:01' would share the file"):
        write_sheets(SPEC, "document", APPLICANTS, clash, tmp_path)


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    assert SPEC is not None
    with pytest.raises(ScoringError, match="no stage 'interview'"):
        write_sheets(SPEC, "interview", APPLICANTS, EVALUATORS, tmp_path)
    twice = pd.DataFrame({"applicant_id": ["A01", "A01", None]})
    with pytest.raises(ScoringError) as info:
        write_sheets(SPEC, "document", twice, EVALUATORS, tmp_path)
    assert info.value.problems == ("row 3 has no applicant_id", "applicant 'A01' is listed twice")
    with pytest.raises(ScoringError, match="no evaluator sits on stage 'presentation'"):
        write_sheets(SPEC, "presentation", APPLICANTS, EVALUATORS[2:], tmp_path)
    assert not list(tmp_path.iterdir())


def test_score_sheet_layout(tmp_path: Path) -> None:
    sheets = write(tmp_path, program=PROFILE.name)
    book = openpyxl.load_workbook(sheets["document_E01.xlsx"])
    assert book.sheetnames == ["점수표", "안내", "_selectlib"]
    sheet = book["점수표"]
    assert sheet["A1"].value == "소공인특화지원센터 운영기관 (2024) — 서류검토 평가표"
    assert sheet["A2"].value == "평가위원: 김평가 (E01)"
    assert [c.value for c in sheet[5]] == [
        "신청기관 ID",
        "신청기관명",
        "운영기관 역량 및 소공인 지원 실적 (0–30점)",
        "집적지 분석 및 연계성 (0–20점)",
        "사업계획의 구체성·실현가능성 (0–30점)",
        "예산 계획의 적정성 (0–10점)",
        "전용공간·장비 확보 계획 (0–10점)",
        "합계",
        "비고",
    ]
    assert [sheet[f"A{r}"].value for r in (6, 7, 8)] == ["A01", "A02", "A03"]
    assert sheet["B8"].value == "마바협회"
    assert sheet["H7"].value == "=SUM(C7:G7)"
    assert sheet.freeze_panes == "C6"
    assert sheet.protection.sheet  # only the score cells are unlocked (test_sheets_protection)
    assert book.security is not None
    assert book.security.lockStructure  # the hidden sheet cannot be unhidden or deleted
    meta = book["_selectlib"]
    assert meta.sheet_state == "hidden"
    rows = {
        row[0]: [v for v in row[1:] if v is not None] for row in meta.iter_rows(values_only=True)
    }
    assert rows["stage"] == ["document"]
    assert rows["evaluator_id"] == ["E01"]
    assert rows["criteria"] == list(CRITERIA)
    assert rows["columns"] == list("CDEFG")
    assert (rows["header_row"], rows["first_row"]) == ([5], [6])
    guide = "\n".join(str(v) for row in book["안내"].iter_rows(values_only=True) for v in row if v)
    assert "12점 미만 과락 / below 12 fails" in guide
    assert "Pass mark: 60 / 100" in guide
    assert "Do not change the applicant ids" in guide
    assert "제척·기피·회피" in guide


def test_data_validation_bounds_each_criterion_column(sheets: dict[str, Path]) -> None:
    sheet = openpyxl.load_workbook(sheets["document_E02.xlsx"])["점수표"]
    rules = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert sorted(rules) == ["C6:C8", "D6:D8", "E6:E8", "F6:F8", "G6:G8"]
    for column, top in zip("CDEFG", MAX, strict=True):
        rule = rules[f"{column}6:{column}8"]
        assert (rule.type, rule.operator, rule.formula1, rule.formula2) == (
            "decimal",
            "between",
            "0",
            str(top),
        )
        assert rule.showErrorMessage
        assert rule.allow_blank
        assert f"0부터 {top}까지 0.5점 단위로 입력하십시오" in rule.error
    prompt = "운영기관 역량 및 소공인 지원 실적: 0–30점, 0.5점 단위 (과락: 12점 미만)"
    assert rules["C6:C8"].prompt == prompt


def test_recused_rows_are_grey_with_a_note(tmp_path: Path) -> None:
    recusals = [
        Recusal("E01", "A02", "avoidance"),
        Recusal("E01", "A03", "challenge", accepted=False),
        Recusal("E02", "A01", "exclusion", stage="site"),
        Recusal("E02", "A03", "exclusion"),
        Recusal("E02", "A03", "avoidance"),
    ]
    sheets = write(tmp_path, recusals=recusals)
    first = openpyxl.load_workbook(sheets["document_E01.xlsx"])["점수표"]
    assert first["I7"].value == "회피 — 채점하지 않음"
    assert first["H7"].value is None
    assert {first.cell(7, c).fill.fgColor.rgb for c in range(1, 10)} == {"00D9D9D9"}
    assert first["I8"].value is None  # a rejected challenge does not recuse
    assert first["C8"].fill.fgColor.rgb != "00D9D9D9"
    second = openpyxl.load_workbook(sheets["document_E02.xlsx"])["점수표"]
    assert second["I6"].value is None  # recused at the site stage only
    assert second["I8"].value == "제척·회피 — 채점하지 않음"


# -- reading -------------------------------------------------------------------------------


def test_round_trip_through_filled_sheets(sheets: dict[str, Path]) -> None:
    fill(sheets["document_E01.xlsx"], "E01")
    fill(sheets["document_E02.xlsx"], "E02")
    frame = read([sheets["document_E01.xlsx"], sheets["document_E02.xlsx"]])
    assert list(frame.columns) == [
        "stage",
        "evaluator_id",
        "applicant_id",
        "criterion",
        "score",
        "where",
    ]
    assert frame["score"].dtype == "float64"
    assert frame["score"].tolist() == expected("E01") + expected("E02")
    assert set(frame["stage"]) == {"document"}
    assert frame["evaluator_id"].tolist() == ["E01"] * 15 + ["E02"] * 15
    assert frame["applicant_id"].tolist()[:15] == ["A01"] * 5 + ["A02"] * 5 + ["A03"] * 5
    assert frame["criterion"].tolist()[:5] == list(CRITERIA)
    row = frame.set_index(["evaluator_id", "applicant_id", "criterion"]).loc[
        ("E02", "A02", "cluster_fit")
    ]
    assert row["score"] == 10.0
    assert row["where"] == "document_E02.xlsx, sheet 점수표, cell D7"
    assert frame["where"].iloc[0] == "document_E01.xlsx, sheet 점수표, cell C6"


def test_blank_cells_come_back_as_nan_with_their_cell(sheets: dict[str, Path]) -> None:
    edit(sheets["document_E01.xlsx"], {"C6": 21, "D6": "  "})
    frame = read(sheets["document_E01.xlsx"])
    assert len(frame) == 15
    assert frame["score"].iloc[0] == 21.0
    assert frame["score"].iloc[1:].isna().all()
    assert frame["where"].iloc[1] == "document_E01.xlsx, sheet 점수표, cell D6"


@settings(max_examples=10, deadline=None)
@given(
    st.lists(
        st.tuples(*(st.integers(0, 2 * top).map(lambda n: n / 2) for top in MAX)),
        min_size=3,
        max_size=3,
    )
)
def test_any_valid_scores_read_back_exactly(grid: list[tuple[float, ...]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder))["document_E02.xlsx"]
        edit(
            path,
            {f"{'CDEFG'[c]}{6 + a}": v for a, row in enumerate(grid) for c, v in enumerate(row)},
        )
        assert read(path)["score"].tolist() == [v for row in grid for v in row]


def test_csv_template_round_trip(sheets: dict[str, Path]) -> None:
    path = sheets["document_scores_template.csv"]
    template = read_csv(path)
    assert list(template.columns) == [
        "stage",
        "evaluator_id",
        "applicant_id",
        "criterion",
        "score",
        "applicant_name",
        "criterion_label",
        "max_points",
        "step",
    ]
    assert len(template) == 2 * 3 * 5
    assert template["score"].isna().all()
    assert template.iloc[0].tolist()[:4] == ["document", "E01", "A01", "capability"]
    assert template["max_points"].tolist()[:5] == ["30", "20", "30", "10", "10"]
    assert set(template["step"]) == {"0.5"}
    assert template["applicant_name"].iloc[5] == "다라센터"
    assert template["criterion_label"].iloc[1] == "집적지 분석 및 연계성"
    numbers = expected("E01") + expected("E02")
    template["score"] = [f"{v:g}" for v in numbers]
    template.to_csv(path, index=False, encoding="utf-8-sig")
    frame = read(path)
    assert frame["score"].tolist() == numbers
    assert frame[["evaluator_id", "applicant_id", "criterion"]].values.tolist() == (
        template[["evaluator_id", "applicant_id", "criterion"]].values.tolist()
    )
    assert frame["where"].iloc[0] == "document_scores_template.csv, row 2"
    assert frame["where"].iloc[29] == "document_scores_template.csv, row 31"


def test_long_table_in_an_xlsx(tmp_path: Path) -> None:
    table = pd.DataFrame(
        {
            "stage": ["site", "site"],
            "evaluator_id": ["E03", "E03"],
            "applicant_id": ["A01", "A01"],
            "criterion": ["space", "equipment"],
            "score": [38.5, None],
            "note": ["ignored", "columns"],
        }
    )
    table.to_excel(tmp_path / "long.xlsx", index=False)
    frame = read(tmp_path / "long.xlsx")
    assert frame["criterion"].tolist() == ["space", "equipment"]
    assert frame["score"].iloc[0] == 38.5
    assert math.isnan(frame["score"].iloc[1])
    assert frame["where"].tolist() == [
        "long.xlsx, sheet Sheet1, cell E2",
        "long.xlsx, sheet Sheet1, cell E3",
    ]


def test_a_folder_of_sheets_and_csv_skipping_lock_files(sheets: dict[str, Path]) -> None:
    folder = sheets["document_E01.xlsx"].parent
    fill(sheets["document_E01.xlsx"], "E01")
    sheets["document_E02.xlsx"].unlink()
    sheets["document_scores_template.csv"].unlink()
    rows = [
        ["document", "E02", f"A0{a + 1}", CRITERIA[c], value]
        for a, row in enumerate(SCORES["E02"])
        for c, value in enumerate(row)
    ]
    write_csv(folder / "e02.csv", rows)
    (folder / "~$document_E01.xlsx").write_bytes(b"Excel lock file, not a workbook")
    (folder / "notes.txt").write_text("not read")
    frame = read(folder)
    assert frame["score"].tolist() == expected("E01") + expected("E02")
    assert frame["where"].iloc[0] == "document_E01.xlsx, sheet 점수표, cell C6"
    assert frame["where"].iloc[15] == "e02.csv, row 2"


def test_a_blank_template_beside_filled_sheets_is_no_conflict(sheets: dict[str, Path]) -> None:
    fill(sheets["document_E01.xlsx"], "E01")
    fill(sheets["document_E02.xlsx"], "E02")
    frame = read(sheets["document_E01.xlsx"].parent)
    assert frame["score"].tolist() == expected("E01") + expected("E02")
    assert frame["where"].str.contains("xlsx").all()


# -- every problem, with its cell ------------------------------------------------------------

BAD_SCORES = [
    ("팔십", "'팔십' is not a number"),
    ("8o", "'8o' is not a number"),
    ("27,5", "'27,5' is not a number"),
    (-1, "-1 is outside 0–30 (capability)"),
    ("-0.5", "-0.5 is outside 0–30 (capability)"),
    (31, "31 is outside 0–30 (capability)"),
    ("30.01", "30.01 is outside 0–30 (capability)"),
    ("nan", "'nan' is not a number"),
    ("inf", "'inf' is not a number"),
    (True, "True is a true/false value, not a score"),
    ("２７", "'２７' is written with full-width characters"),
    ("=C6+1", "the formula '=C6+1' is not a score"),
]


@pytest.mark.parametrize(("value", "message"), BAD_SCORES)
def test_bad_score_in_a_sheet_names_the_cell(
    sheets: dict[str, Path], value: Any, message: str
) -> None:
    fill(sheets["document_E01.xlsx"], "E01")
    edit(sheets["document_E01.xlsx"], {"C7": value})
    assert problems(sheets["document_E01.xlsx"]) == [
        ("document_E01.xlsx, sheet 점수표, cell C7", message)
    ]


@pytest.mark.parametrize(("value", "message"), [(v, m) for v, m in BAD_SCORES if v is not True])
def test_bad_score_in_a_csv_names_row_and_column(tmp_path: Path, value: Any, message: str) -> None:
    path = write_csv(
        tmp_path / "scores.csv",
        [["document", "E01", "A01", "budget", 3], ["document", "E01", "A02", "capability", value]],
    )
    assert problems(path) == [("scores.csv, row 3, column score", message)]


def test_unknown_stage_criterion_and_empty_ids_in_a_csv(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "scores.csv",
        [
            ["documents", "E01", "A01", "budget", 3],
            ["document", "E01", "A01", "plan", 3],
            ["site", "E01", "A01", "capability", 3],
            ["document", "", "A01", "budget", 3],
            ["", "", "", "", ""],
            ["document", "E01", "A01", "budget", 3],
        ],
    )
    assert problems(path) == [
        ("scores.csv, row 2, column stage", "unknown stage 'documents'"),
        ("scores.csv, row 3, column criterion", "stage 'document' has no criterion 'plan'"),
        ("scores.csv, row 4, column criterion", "stage 'site' has no criterion 'capability'"),
        ("scores.csv, row 5, column evaluator_id", "no evaluator_id"),
    ]


def test_unknown_applicants_and_evaluators(sheets: dict[str, Path]) -> None:
    fill(sheets["document_E01.xlsx"], "E01")
    csv_path = write_csv(
        sheets["document_E01.xlsx"].parent / "extra.csv",
        [["document", "E09", "A01", "budget", 3], ["document", "E02", "B77", "budget", 3]],
    )
    found = problems(
        [sheets["document_E01.xlsx"], csv_path],
        applicants={"A01", "A02"},
        evaluators=["E02"],
    )
    assert found == [
        ("document_E01.xlsx, sheet _selectlib, cell B4", "unknown evaluator 'E01'"),
        ("document_E01.xlsx, sheet 점수표, cell A8", "unknown applicant 'A03'"),
        ("extra.csv, row 2, column evaluator_id", "unknown evaluator 'E09'"),
        ("extra.csv, row 3, column applicant_id", "unknown applicant 'B77'"),
    ]


def test_a_score_given_twice_names_both_places(sheets: dict[str, Path]) -> None:
    fill(sheets["document_E01.xlsx"], "E01")
    folder = sheets["document_E01.xlsx"].parent
    sheets["document_scores_template.csv"].unlink()
    write_csv(
        folder / "late.csv",
        [
            ["document", "E02", "A01", "budget", 3],
            ["document", "E01", "A02", "cluster_fit", 20],
            ["document", "E02", "A01", "budget", ""],
            ["document", "E02", "A01", "budget", 3],
        ],
    )
    found = problems([sheets["document_E01.xlsx"], folder / "late.csv"])
    assert found == [
        (
            "late.csv, row 3",
            "E01's score of A02 for document.cluster_fit is given twice"
            " (also at document_E01.xlsx, sheet 점수표, cell D7)",
        ),
        (
            "late.csv, row 5",
            "E02's score of A01 for document.budget is given twice (also at late.csv, row 2)",
        ),
    ]


def test_an_applicant_twice_in_a_sheet(sheets: dict[str, Path]) -> None:
    edit(sheets["document_E01.xlsx"], {"A8": "A01", "C8": 3})
    assert problems(sheets["document_E01.xlsx"]) == [
        (
            "document_E01.xlsx, sheet 점수표, cell A8",
            "applicant 'A01' is listed twice (also in cell A6)",
        )
    ]


def test_scores_in_a_row_without_an_id(sheets: dict[str, Path]) -> None:
    edit(sheets["document_E01.xlsx"], {"A7": None, "D7": 5, "C9": None})
    assert problems(sheets["document_E01.xlsx"]) == [
        ("document_E01.xlsx, sheet 점수표, cell A7", "scores without an applicant id")
    ]


def test_a_sheet_without_its_metadata(sheets: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(sheets["document_E01.xlsx"])
    del book["_selectlib"]
    book.save(sheets["document_E01.xlsx"])
    [(where, message)] = problems(sheets["document_E01.xlsx"])
    assert where == "document_E01.xlsx"
    assert "without its hidden sheet '_selectlib'" in message


def test_damaged_metadata(sheets: dict[str, Path]) -> None:
    edit(sheets["document_E01.xlsx"], {"B1": "selectlib.score_sheet/99"}, sheet="_selectlib")
    edit(sheets["document_E02.xlsx"], {"B5": "five"}, sheet="_selectlib")
    assert problems([sheets["document_E01.xlsx"], sheets["document_E02.xlsx"]]) == [
        (
            "document_E01.xlsx, sheet _selectlib, cell B1",
            "format is 'selectlib.score_sheet/99', not 'selectlib.score_sheet/1'",
        ),
        ("document_E02.xlsx, sheet _selectlib, cell B5", "header_row is 'five', not a row number"),
    ]


def test_a_renamed_header_is_caught(sheets: dict[str, Path]) -> None:
    fill(sheets["document_E01.xlsx"], "E01")
    edit(sheets["document_E01.xlsx"], {"D5": "집적지"})
    [(where, message)] = problems(sheets["document_E01.xlsx"])
    assert where == "document_E01.xlsx, sheet 점수표, cell D5"
    assert message.startswith(
        "the header reads '집적지' instead of '집적지 분석 및 연계성 (0–20점)'"
    )


def test_moved_columns_are_caught(sheets: dict[str, Path]) -> None:
    fill(sheets["document_E01.xlsx"], "E01")
    book = openpyxl.load_workbook(sheets["document_E01.xlsx"])
    sheet = book["점수표"]
    for row in range(5, 9):  # swap columns C and D, header and scores together
        sheet[f"C{row}"].value, sheet[f"D{row}"].value = (
            sheet[f"D{row}"].value,
            sheet[f"C{row}"].value,
        )
    book.save(sheets["document_E01.xlsx"])
    assert [where for where, _ in problems(sheets["document_E01.xlsx"])] == [
        "document_E01.xlsx, sheet 점수표, cell C5",
        "document_E01.xlsx, sheet 점수표, cell D5",
    ]


def test_a_renamed_sheet_is_caught(sheets: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(sheets["document_E01.xlsx"])
    book["점수표"].title = "Scores"
    book.save(sheets["document_E01.xlsx"])
    assert problems(sheets["document_E01.xlsx"]) == [("document_E01.xlsx", "no sheet '점수표'")]


def test_every_problem_is_reported_at_once(sheets: dict[str, Path]) -> None:
    fill(sheets["document_E01.xlsx"], "E01")
    fill(sheets["document_E02.xlsx"], "E02")
    edit(sheets["document_E01.xlsx"], {"E6": "팔십"})
    edit(sheets["document_E02.xlsx"], {"G8": 11})
    with pytest.raises(EvaluationInputError) as info:
        read(sheets["document_E01.xlsx"].parent)
    assert [(p.where, p.message) for p in info.value.problems] == [
        ("document_E01.xlsx, sheet 점수표, cell E6", "'팔십' is not a number"),
        ("document_E02.xlsx, sheet 점수표, cell G8", "11 is outside 0–10 (infrastructure)"),
    ]
    assert str(info.value).startswith("2 problems in the inputs")
    assert info.value.problems[1].hint == "write a number from 0 to 10 in steps of 0.5"


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    write_csv(tmp_path / "wide.csv", [["document", "E01", 3]], header=("stage", "evaluator", "x"))
    (tmp_path / "empty").mkdir()
    (tmp_path / "scores.txt").write_text("")
    found = problems(
        [
            tmp_path / "broken.xlsx",
            tmp_path / "wide.csv",
            tmp_path / "empty",
            tmp_path / "missing.csv",
            tmp_path / "scores.txt",
        ]
    )
    assert [where for where, _ in found] == [
        str(tmp_path / "empty"),
        str(tmp_path / "missing.csv"),
        str(tmp_path / "scores.txt"),
        "broken.xlsx",
        "wide.csv",
    ]
    messages = dict(found)
    assert messages["broken.xlsx"].startswith("not a readable .xlsx workbook")
    assert messages["wide.csv"] == "no column evaluator_id, applicant_id, criterion, score"
    assert messages[str(tmp_path / "empty")] == "no .xlsx or .csv file in the folder"


def test_sheets_of_every_stage_round_trip(tmp_path: Path) -> None:
    assert SPEC is not None
    for stage in SPEC.stages:
        paths = write_sheets(SPEC, stage.id, APPLICANTS.iloc[:1], EVALUATORS, tmp_path / stage.id)
        cells = {f"{'CDEFG'[i]}6": c.max_points for i, c in enumerate(stage.criteria)}
        edit(paths[0], cells)
        frame = read(paths[0])
        assert frame["criterion"].tolist() == list(stage.criterion_ids)
        assert frame["score"].tolist() == [c.max_points for c in stage.criteria]
