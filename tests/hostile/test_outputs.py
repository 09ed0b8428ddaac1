"""Hostile text stays text in every output: spreadsheets, CSV, HTML, the map, the terminal.

Every xlsx writer (tables, the evaluation report, the evaluators' score sheets) stores a
text starting with ``=`` as text, and every CSV writer guards a text a spreadsheet would
read as a formula (reading our own CSV back takes the guard off again; ``--raw-csv``
writes it as it is). The HTML report and the cluster map are parsed after rendering:
hostile text must be inert text, never markup or script. Terminal output shows control
characters as escapes.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from paths import DIRTY_GEO
from typer.testing import CliRunner

import selectlib
from selectlib.cli.app import app
from selectlib.io import read_table, sample_data_dir, write_table
from selectlib.io.safe import FORMULA_STARTS, csv_text
from selectlib.scoring import Evaluator, write_sheets

FLAGSHIP = "micro_manufacturer_center_2024"
ON = "2024-05-01"
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "`${alert(2)}`",
    "</textarea><svg onload=alert(3)>",
]
ESCAPES = "A\x1b[2J\x1b]8;;http://evil.invalid\x07link\x1b]8;;\x07"

HOSTILE = [
    '=HYPERLINK("http://evil.invalid","click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1",
    "평범한 이름",
]


def formulas(path: Path) -> list[str]:
    """Every cell of every sheet that openpyxl reads as a formula (or a formula-typed text)."""
    book = openpyxl.load_workbook(path)
    return [
        f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def test_a_table_written_as_xlsx_has_no_formula(tmp_path: Path) -> None:
    frame = pd.DataFrame({"name": HOSTILE, "n": range(len(HOSTILE))})
    write_table(frame, tmp_path / "out.xlsx")
    assert formulas(tmp_path / "out.xlsx") == []
    back = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    assert [c.value for c in back["A"]][1:] == HOSTILE  # the text itself is kept


def test_a_table_written_as_csv_is_guarded_and_reads_back_unchanged(tmp_path: Path) -> None:
    frame = pd.DataFrame({"name": HOSTILE, "n": [str(i) for i in range(len(HOSTILE))]})
    write_table(frame, tmp_path / "out.csv")
    raw = (tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()
    cells = [line.split(",")[0].strip('"') for line in raw[1:]]
    assert not any(cell.startswith(FORMULA_STARTS) for cell in cells if cell)
    assert read_table(tmp_path / "out.csv")["name"].tolist() == HOSTILE


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_text_guards_exactly_what_a_spreadsheet_reads_as_a_formula(text: str) -> None:
    assert csv_text(text).startswith("'") == text.startswith(FORMULA_STARTS)


def test_the_evaluation_report_and_score_sheets_have_no_formula_from_input(
    tmp_path: Path,
) -> None:
    profile = selectlib.load_profile("micro_manufacturer_center_2024")
    spec = profile.spec.evaluation
    assert spec is not None
    applicants = pd.DataFrame(
        {"applicant_id": ["A01", "=A02"], "applicant_name": [HOSTILE[0], HOSTILE[1]]}
    )
    people = [Evaluator("E1", "=김하늘", external=True)]
    paths = write_sheets(spec, "document", applicants, people, tmp_path, program=profile.name)
    sheet = paths[0]
    found = formulas(sheet)
    # the only formulas are the sheet's own row totals (=SUM(...)), never an input's text
    assert found
    assert all("=SUM(" in f for f in found), found
    values = [c.value for row in openpyxl.load_workbook(sheet)["점수표"].iter_rows() for c in row]
    assert HOSTILE[0] in values
    assert "=A02" in values

    from selectlib.scoring import (
        evaluate_selection,
        read_evaluators,
        read_recusals,
        read_scores,
        write_report,
    )

    folder = sample_data_dir() / "evaluation"
    table = read_table(sample_data_dir() / "applicants.csv")
    table.loc[0, "applicant_name"] = HOSTILE[0]
    result = evaluate_selection(
        profile,
        table,
        read_scores(folder / "scores.csv", spec),
        read_evaluators(folder / "evaluators.csv"),
        read_recusals(folder / "recusals.csv"),
        on="2024-05-01",
    )
    report = write_report(result, tmp_path / "report.xlsx")
    assert formulas(report) == []


# -- HTML and the map: parsed after rendering ----------------------------------------------


class _Page(HTMLParser):
    """The elements, attributes and text nodes of a page, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.texts: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.texts).append(data)


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


def _hostile_report(tmp_path: Path, names: list[str]) -> Path:
    from selectlib.scoring import (
        evaluate_selection,
        read_evaluators,
        read_recusals,
        read_scores,
        write_report,
    )

    profile = selectlib.load_profile(FLAGSHIP)
    assert profile.spec.evaluation is not None
    folder = sample_data_dir() / "evaluation"
    table = read_table(sample_data_dir() / "applicants.csv")
    table["applicant_name"] = [names[row % len(names)] for row in range(len(table))]
    result = evaluate_selection(
        profile,
        table,
        read_scores(folder / "scores.csv", profile.spec.evaluation),
        read_evaluators(folder / "evaluators.csv"),
        read_recusals(folder / "recusals.csv"),
        on=ON,
    )
    return write_report(result, tmp_path / "report.html", force=True)


def test_hostile_names_in_the_html_report_are_text_nodes(tmp_path: Path) -> None:
    plain = _parse(_hostile_report(tmp_path, ["이름"] * len(MARKUP)).read_text("utf-8"))
    hostile = _parse(_hostile_report(tmp_path, MARKUP).read_text("utf-8"))
    assert hostile.tags == plain.tags  # no element and no attribute came from the data
    assert sorted(set(hostile.attributes)) == sorted(set(plain.attributes))
    assert "script" not in hostile.tags
    text = "".join(hostile.texts)
    for name in MARKUP:
        assert name in text  # shown as the text it is


def test_a_hostile_firm_id_stays_text_in_the_map(tmp_path: Path) -> None:
    firms = pd.read_csv(DIRTY_GEO / "firms.csv", dtype=str, keep_default_na=False)
    firms.loc[0, "firm_id"] = "<img src=x onerror=alert(1)>${alert(2)}`"
    path = tmp_path / "firms.csv"
    firms.to_csv(path, index=False)
    page = tmp_path / "map.html"
    areas = str(DIRTY_GEO / "areas.geojson")
    result = CliRunner().invoke(
        app, ["clusters", str(path), "--areas", areas, "--on", ON, "--map", str(page)]
    )
    assert result.exit_code == 0, result.output
    parsed = _parse(page.read_text(encoding="utf-8"))
    assert "img" not in parsed.tags
    assert "onerror" not in parsed.attributes
    assert "link" not in parsed.tags  # offline: Leaflet is inlined, nothing is fetched
    assert "src" not in parsed.attributes
    assert "L.map(" in "".join(parsed.scripts)
    script = "".join(parsed.scripts)
    assert "${alert" not in script  # never a live template-literal substitution
    assert "`<img" not in script
    assert "&lt;img src=x onerror=alert(1)&gt;&#36;{alert(2)}&#96;" in script


# -- the terminal ----------------------------------------------------------------------------


def test_terminal_escapes_in_an_input_are_shown_not_sent(tmp_path: Path) -> None:
    rows = read_table(sample_data_dir() / "applicants.csv")
    rows.loc[0, "applicant_id"] = ESCAPES
    path = tmp_path / "applicants.csv"
    rows.to_csv(path, index=False)
    result = CliRunner().invoke(
        app, ["check", FLAGSHIP, str(path), "--on", ON], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output
    assert "\x07" not in result.output
    assert "A\\x1b[2J" in result.output


# -- every command's spreadsheet and CSV outputs ---------------------------------------------


def _hostile_applicants(tmp_path: Path) -> Path:
    rows = read_table(sample_data_dir() / "applicants.csv")
    for row, text in enumerate(HOSTILE[:-1]):
        rows.loc[row, "applicant_id"] = text
    path = tmp_path / "applicants.csv"
    rows.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["check", FLAGSHIP, "{input}", "--on", ON],
        ["compare", FLAGSHIP, "{input}", "--on", ON, "--set", "min_staff=2"],
    ],
)
def test_command_workbooks_have_no_formula(tmp_path: Path, command: list[str]) -> None:
    source = _hostile_applicants(tmp_path)
    out = tmp_path / "out.xlsx"
    args = [part.format(input=source) for part in command]
    result = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert formulas(out) == []


def test_raw_csv_writes_cells_as_they_are(tmp_path: Path) -> None:
    source = _hostile_applicants(tmp_path)
    guarded, raw = tmp_path / "guarded.csv", tmp_path / "raw.csv"
    base = ["check", FLAGSHIP, str(source), "--on", ON, "--out"]
    assert CliRunner().invoke(app, [*base, str(guarded)]).exit_code == 0
    assert CliRunner().invoke(app, [*base, str(raw), "--raw-csv"]).exit_code == 0
    assert "'=HYPERLINK(" in guarded.read_text(encoding="utf-8-sig")
    text = raw.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(" not in text
    assert '"=HYPERLINK(""http://evil.invalid"",""click"")"' in text


def test_a_hostile_assumption_stays_text_in_the_report_and_the_terminal(tmp_path: Path) -> None:
    from selectlib.scoring.report.html import _html_assumptions, _html_header

    hostile = '<img src=x onerror=alert(1)>\x1b]8;;http://evil.invalid\x1b\\=HYPERLINK("x")'
    data = {
        "profile": {"id": "p", "name": {"ko": "시험", "en": "test"}},
        "date": "2024-05-01",
        "example": False,
        "left_out": [],
        "assumptions": [{"where": "parameters.x", "ko": hostile, "en": hostile}],
    }
    page = _Page()
    page.feed("".join([*_html_header(data, "en"), *_html_assumptions(data, "en")]))
    assert "img" not in page.tags
    assert not any("onerror" in attribute for attribute in page.attributes)
    assert any("<img src=x onerror=alert(1)>" in text for text in page.texts)
    flagship = selectlib.load_profile("micro_manufacturer_center_2024").to_dict()
    flagship["parameters"]["cluster_radius_m"]["assumption"] = {"ko": hostile, "en": hostile}
    path = tmp_path / "hostile.yaml"
    path.write_text(json.dumps(flagship, ensure_ascii=False), encoding="utf-8")
    shown = CliRunner().invoke(app, ["profiles", "show", str(path), "--on", "2024-05-01"])
    assert shown.exit_code == 0, shown.output
    assert "\x1b" not in shown.output
    assert "\\x1b]8;;http://evil.invalid" in shown.output
