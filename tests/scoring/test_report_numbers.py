"""A report never contradicts itself: every number in a sentence is the number in its cell.

The sample committee's evaluation has the cases that broke it: A06's final score 74.675
(a half, shown 74.68 when rounded half up, 74.67 by binary rounding) and its margin
-0.825 (shown -0.82 in the table and "0.83 below the line" in the sentence, when the
table was rounded twice). Scores are shown rounded half up to two decimals (사사오입),
and the report says so.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import examples

import selectlib
from selectlib.io import read_table, sample_data_dir
from selectlib.scoring import (
    EvaluationResult,
    evaluate_selection,
    read_evaluators,
    read_recusals,
    read_scores,
)
from selectlib.scoring.display import ROUNDING, half_up, shown, signed
from selectlib.scoring.report import write_report

FOLDER = sample_data_dir() / "evaluation"
NUMBER = re.compile(r"-?\d+\.\d\d(?!\d)")
LANGS = ("ko", "en")
CELL = r"<td[^>]*>(.*?)</td>"


@pytest.fixture(scope="module")
def result() -> EvaluationResult:
    profile = selectlib.load_profile("micro_manufacturer_center_2024")
    spec = profile.spec.evaluation
    assert spec is not None
    return evaluate_selection(
        profile,
        read_table(sample_data_dir() / "applicants.csv"),
        read_scores(FOLDER / "scores.csv", spec),
        read_evaluators(FOLDER / "evaluators.csv"),
        read_recusals(FOLDER / "recusals.csv"),
        on="2024-05-01",
    )


def _tables(page: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every HTML table as (main header texts, rows of cell texts)."""
    found = []
    for table in re.findall(r"<table>(.*?)</table>", page, re.S):
        heads = [
            html.unescape(re.sub(r"<span.*?</span>", "", h))
            for h in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)
        ]
        rows = [
            [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(CELL, r, re.S)]
            for r in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
        ]
        found.append((heads, [r for r in rows if r]))
    return found


def _check_row(final: str, margin: str, reason: str, line: str) -> None:
    """The reason's numbers are the final score, the margin (unsigned) and the line."""
    said = NUMBER.findall(reason)
    assert final in said, (final, reason)
    assert set(said) <= {final, margin.lstrip("-"), line}, (final, margin, reason)


@pytest.mark.parametrize("lang", LANGS)
def test_every_number_in_a_reason_is_the_number_in_its_cell(
    result: EvaluationResult, tmp_path: Path, lang: str
) -> None:
    page = write_report(result, tmp_path / "r.html", lang=lang).read_text(encoding="utf-8")
    labels = ("최종 점수", "선정선과의 차이", "사유") if lang == "ko" else (
        "Final score", "Margin to the line", "Reason"
    )  # fmt: skip
    line = shown(min(result.final_scores[list(map(result.row, result.selected_ids))]))
    checked = set()
    for heads, rows in _tables(page):
        if not set(labels) <= set(heads):
            continue
        at = [heads.index(label) for label in labels]
        for row in rows:
            _check_row(*(row[i] for i in at), line)
            checked.add(row[heads.index(heads[0])])
    a06 = next(r for _, rows in _tables(page) for r in rows if "A06" in r)
    assert "74.68" in a06
    assert "-0.83" in a06
    assert NUMBER.findall(a06[-1]) == ["74.68", "0.83"]
    assert len(checked) >= 8
    assert ROUNDING[0 if lang == "ko" else 1] in html.unescape(page)


def test_the_workbook_cells_are_the_numbers_of_the_sentences(
    result: EvaluationResult, tmp_path: Path
) -> None:
    book = openpyxl.load_workbook(write_report(result, tmp_path / "r.xlsx", lang="en"))
    sheet = book["Applicants"]
    header = [c.value for c in sheet[1]]
    labels = ("Final score", "Margin to the line", "Reason")
    final, margin, reason = (header.index(label) for label in labels)
    line = shown(min(result.final_scores[list(map(result.row, result.selected_ids))]))
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[final] is not None]
    for row in rows:
        gap = "" if row[margin] is None else shown(row[margin])
        _check_row(shown(row[final]), gap, str(row[reason]), line)
    assert len(rows) == 8


@pytest.mark.parametrize("lang", LANGS)
def test_why_not_says_the_margin_of_the_table(result: EvaluationResult, lang: str) -> None:
    """Against the applicant on the line, "why not" gives the margin the table shows (A06:
    the table said -0.82 and this sentence 0.83 when each rounded its own float)."""
    table = result.table().set_index("applicant_id")
    line = min(result.selected_ids, key=lambda i: table.loc[i, "final_score"])
    behind = table[table["result"].isin(["reserve", "not_selected"])]
    said = r"최종 점수가 (\S+)점 낮습니다" if lang == "ko" else r"final score is (\S+) points lower"
    checked = []
    for applicant, row in behind.iterrows():
        text = result.why_not(str(applicant), line, lang)
        found = re.search(said, text)
        if found is not None:  # not tied with the line
            assert found[1] == shown(row["margin"]).lstrip("-"), text
            checked.append(applicant)
    assert "A06" in checked


def test_the_stage_totals_in_an_explanation_are_those_of_the_table(
    result: EvaluationResult,
) -> None:
    table = result.table()
    for _, row in table[table["rank"].notna()].iterrows():
        text = result.explain(str(row["applicant_id"]), "en")
        for stage in ("document", "site", "presentation"):
            assert shown(row[f"{stage}.total"]) in text.splitlines()[-1]


@given(st.integers(-(10**6), 10**6), st.integers(1, 400))
@settings(max_examples=examples(200))
def test_shown_rounds_the_exact_value_half_up(numerator: int, denominator: int) -> None:
    exact = Fraction(numerator, denominator)
    scaled = abs(exact) * 100
    expected = Fraction(int(scaled + Fraction(1, 2)), 100) * (1 if exact >= 0 else -1)
    assert Fraction(half_up(exact)) == expected
    assert shown(float(exact)) == shown(exact)  # the float nearest is read as the value
    assert shown(exact) == f"{Decimal(expected.numerator) / expected.denominator:.2f}"
    assert signed(exact).lstrip("+-") == shown(abs(exact))


def test_halves_go_up_as_a_committee_rounds() -> None:
    assert [shown(v) for v in (74.675, 2.675, 0.125, -0.825, 1.005)] == [
        "74.68", "2.68", "0.13", "-0.83", "1.01",
    ]  # fmt: skip
    assert f"{74.675:.2f}" == "74.67"  # what Python's format did: binary rounding
