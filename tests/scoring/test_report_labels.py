"""Every label of the evaluate and sheets outputs exists in Korean and in English.

The label tables are enumerated, and the report of the sample committee (with its
robustness tables) is laid out in both languages: no column is left with its raw key.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

import selectlib
from selectlib.cli import selection
from selectlib.io import read_table, sample_data_dir
from selectlib.scoring import (
    display,
    evaluate_selection,
    read_evaluators,
    read_recusals,
    read_scores,
    result,
)
from selectlib.scoring.inputs import RECUSAL_KINDS
from selectlib.scoring.report import labels, report_data, summary
from selectlib.scoring.report.grid import layout
from selectlib.scoring.report.html import html_report
from selectlib.scoring.robust import robustness

HANGUL = re.compile("[가-힣]")
SAME = {"ID"}
"""Labels written alike in both languages."""
TABLES: dict[str, Any] = {
    "HEADERS": labels.HEADERS,
    "TABLE_HEADERS": labels.TABLE_HEADERS,
    "VALUE_LABELS": labels.VALUE_LABELS,
    "ELIGIBILITY_LABELS": labels.ELIGIBILITY_LABELS,
    "ROBUSTNESS_LABELS": labels.ROBUSTNESS_LABELS,
    "SHEETS": labels.SHEETS,
    "AGGREGATE_LABELS": labels.AGGREGATE_LABELS,
    "ASSUMPTIONS_TITLE": labels.ASSUMPTIONS_TITLE,
    "RESULT_LABELS": result.RESULT_LABELS,
    "STATUS_LABELS": result.STATUS_LABELS,
    "APPENDIX": summary.APPENDIX,
    "ROUNDING": display.ROUNDING,
    "FILE_KINDS": selection.FILE_KINDS,
    "COLUMNS": selection.COLUMNS,
    "RECUSAL_KINDS": {k: (t.ko, t.en) for k, t in RECUSAL_KINDS.items()},
}


def pairs(name: str, table: Any) -> Iterator[tuple[str, tuple[str, str]]]:
    """Every (ko, en) pair of a label table, named by its place."""
    if isinstance(table, tuple) and len(table) == 2 and all(isinstance(x, str) for x in table):
        yield name, table
    elif isinstance(table, Mapping):
        for key, value in table.items():
            yield from pairs(f"{name}[{key!r}]", value)
    else:
        for index, value in enumerate(table):
            yield from pairs(f"{name}[{index}]", value)


ALL = [pair for name, table in TABLES.items() for pair in pairs(name, table)]


def test_the_label_tables_are_enumerated() -> None:
    assert len(ALL) > 130
    assert ("HEADERS['kendall_w']", ("일치도(켄달의 W)", "Kendall's W")) in ALL


@pytest.mark.parametrize(("where", "pair"), ALL, ids=[where for where, _ in ALL])
def test_every_label_is_korean_and_english(where: str, pair: tuple[str, str]) -> None:
    ko, en = pair
    assert ko.strip(), where
    assert en.strip(), where
    assert not HANGUL.search(en), f"{where}: the English label {en!r} has Korean in it"
    if ko in SAME:
        assert ko == en
    else:
        assert HANGUL.search(ko), f"{where}: the Korean label {ko!r} is not Korean"


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    profile = selectlib.load_profile("micro_manufacturer_center_2024")
    spec = profile.spec.evaluation
    assert spec is not None
    folder = sample_data_dir() / "evaluation"
    evaluated = evaluate_selection(
        profile,
        read_table(sample_data_dir() / "applicants.csv"),
        read_scores(folder / "scores.csv", spec),
        read_evaluators(folder / "evaluators.csv"),
        read_recusals(folder / "recusals.csv"),
        on="2024-05-01",
    )
    return report_data(evaluated, robustness(evaluated, resamples=20, seed=0))


def grids(data: dict[str, Any], lang: str) -> Iterator[tuple[str, Any]]:
    """Every table of the report laid out, named."""
    for name in ("ranking", "applicants", "breakdown", "scores", "recusals"):
        yield name, layout(data[name], data, lang)
    for stage, records in data["stages"].items():
        yield stage, layout(records, data, lang, stage)
    for key, records in data["robustness"]["tables"].items():
        yield key, layout(records, data, lang, table=key)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_no_column_of_the_report_keeps_its_raw_key(data: dict[str, Any], lang: str) -> None:
    for name, grid in grids(data, lang):
        assert grid.rows, name
        for key, (main, sub) in zip(grid.keys, grid.headers, strict=True):
            ko, en = (main, sub) if lang == "ko" else (sub, main)
            assert ko != key or ko in SAME, f"{name}.{key} has no Korean header"
            assert en != key or en in SAME, f"{name}.{key} has no English header"
            assert HANGUL.search(ko) or ko in SAME, f"{name}.{key}: {ko!r}"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_coded_cells_and_probabilities_are_words_and_percentages(
    data: dict[str, Any], lang: str
) -> None:
    grid = dict(grids(data, lang))
    bootstrap = grid["bootstrap"]
    column = bootstrap.keys.index("selection_probability")
    assert all(re.fullmatch(r"\d{1,3} %", row[column]) for row in bootstrap.rows)
    agreement = grid["agreement"]
    words = {row[agreement.keys.index("interpretation")] for row in agreement.rows}
    assert words <= ({"강함", "보통", "약함"} if lang == "ko" else {"strong", "moderate", "weak"})
    page = html_report(data, lang)
    assert "bonus_points" not in page
    assert "selection_probability" not in page
    assert "kendall_w" not in page
    warning = "주의: " if lang == "ko" else "Caution: "
    assert page.count(warning) == 1
    assert page.count(html.escape(data["note"][lang])) == 1


def test_the_summary_comes_first_and_says_it_all(data: dict[str, Any]) -> None:
    page = html_report(data, "ko")
    first = page.split('<section class="summary">')[1].split("</section>")[0]
    assert page.index('<section class="summary">') < page.index('<section class="page">')
    for applicant in (*data["selected"], *data["reserves"]):
        assert applicant in first
    assert "최종 5위(78.15점)였으나" in first  # the reasons
    assert re.search(r"A35\(\d{1,3} %\)", first)  # robustness in words, in percent
    assert display.ROUNDING[0] in first
    assert "부록 4. 가정" in first  # where the assumptions went
    assert "parameters.cluster_unit" not in first
