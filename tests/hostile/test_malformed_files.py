"""Malformed files: damaged xlsx parts, tampered score sheets, every CSV line ending.

Each hostile file is built here from a good one. Whatever is damaged, a reader raises a
SelectlibError naming the file and the place (part, sheet, cell, row), and the CLI prints
one ``error:`` line, never a traceback.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import FLAGSHIP, ON, examples
from typer.testing import CliRunner, Result

import selectlib
from selectlib.cli import app as cli
from selectlib.errors import SelectlibError
from selectlib.io import read_csv, read_table, sample_data_dir
from selectlib.scoring import read_evaluators, read_scores, write_sheets
from selectlib.scoring.errors import EvaluationInputError
from selectlib.scoring.inputs import Evaluator

SPEC = selectlib.load_profile(FLAGSHIP).spec.evaluation
assert SPEC is not None
APPLICANTS = pd.DataFrame({"applicant_id": ["A01", "A02"], "applicant_name": ["가나", "다라"]})
COMMITTEE = sample_data_dir() / "evaluation"
SHEET_XML = "xl/worksheets/sheet1.xml"
META_XML = "xl/worksheets/sheet3.xml"  # the hidden layout sheet, written third


def parts(path: Path) -> dict[str, bytes]:
    """The parts of an xlsx file by name."""
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in book.namelist()}


def repack(path: Path, changed: dict[str, bytes | None]) -> Path:
    """``path`` again with some parts replaced (None: removed)."""
    found = {**parts(path), **changed}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in found.items():
            if data is not None:
                book.writestr(name, data)
    return path


TMP = tempfile.TemporaryDirectory()
"""Where the good files are made once, and the properties write theirs (hypothesis
examples share no tmp_path)."""


def _made() -> tuple[bytes, bytes]:
    """A small applicant table as openpyxl saves it, and one evaluator's score workbook."""
    table = Path(TMP.name) / "good.xlsx"
    book = openpyxl.Workbook()
    for row in (["applicant_id", "staff", "area_type"], ["A01", 3, "metro"], ["A02", 4.0, "city"]):
        book.active.append(row)
    book.save(table)
    assert SPEC is not None
    evaluators = [Evaluator("E01", "김평가", external=True)]
    scores = write_sheets(SPEC, "document", APPLICANTS, evaluators, Path(TMP.name))[0]
    return table.read_bytes(), scores.read_bytes()


TABLE_BYTES, SCORE_BYTES = _made()


def applicant_book(path: Path) -> Path:
    """A good applicant workbook at ``path``."""
    path.write_bytes(TABLE_BYTES)
    return path


def score_book(folder: Path) -> Path:
    """A good score workbook, as write_sheets makes it, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "document_E01.xlsx"
    path.write_bytes(SCORE_BYTES)
    return path


def edit_part(path: Path, part: str, old: bytes, new: bytes) -> Path:
    data = parts(path)[part]
    assert old in data, (part, old)
    return repack(path, {part: data.replace(old, new, 1)})


GOOD_TABLE = parts(applicant_book(Path(TMP.name) / "table.xlsx"))
GOOD_SCORES = parts(score_book(Path(TMP.name) / "scores"))


# -- damaged xlsx parts --------------------------------------------------------------------

DAMAGE: list[tuple[str, Callable[[Path], Path], str]] = [
    (
        "styles cut short",
        lambda p: repack(p, {"xl/styles.xml": parts(p)["xl/styles.xml"][:200]}),
        "part xl/styles.xml: unclosed token: line 1, column",
    ),
    (
        "misspelt attribute",
        lambda p: edit_part(p, "xl/styles.xml", b"<numFmts count=", b"<numFmts cuont="),
        "part xl/styles.xml: unknown attribute 'cuont'",
    ),
    (
        "malformed workbook",
        lambda p: repack(p, {"xl/workbook.xml": parts(p)["xl/workbook.xml"][:-12]}),
        "part xl/workbook.xml:",
    ),
    (
        "malformed sheet",
        lambda p: edit_part(p, SHEET_XML, b"<sheetData>", b"<sheetData><row>"),
        f"part {SHEET_XML}: mismatched tag",
    ),
    (
        "a part missing",
        lambda p: repack(p, {"xl/_rels/workbook.xml.rels": None}),
        "the part 'xl/_rels/workbook.xml.rels' is missing",
    ),
    ("truncated zip", lambda p: p.write_bytes(p.read_bytes()[:-300]) and p, "not a zip archive"),
    ("not a zip at all", lambda p: p.write_bytes(b"PK\x03\x04 nope") and p, "not a zip archive"),
]


DAMAGED = pytest.mark.parametrize(
    ("damage", "expected"), [d[1:] for d in DAMAGE], ids=[d[0] for d in DAMAGE]
)


@DAMAGED
def test_a_damaged_applicant_workbook_names_the_part(
    tmp_path: Path, damage: Callable[[Path], Path], expected: str
) -> None:
    path = damage(applicant_book(tmp_path / "applicants.xlsx"))
    with pytest.raises(selectlib.InputError) as info:
        read_table(path)
    message = str(info.value)
    assert message.startswith(f"{path}: not a readable .xlsx workbook: ")
    assert expected in message
    assert "save it again" in message


@DAMAGED
def test_a_damaged_score_workbook_names_the_part(
    tmp_path: Path, damage: Callable[[Path], Path], expected: str
) -> None:
    assert SPEC is not None
    path = damage(score_book(tmp_path))
    with pytest.raises(EvaluationInputError) as info:
        read_scores(path, SPEC)
    [problem] = info.value.problems
    assert problem.where == path.name
    assert problem.message.startswith("not a readable .xlsx workbook: ")
    assert expected in problem.message


def test_a_workbook_without_its_styles_part_still_reads(tmp_path: Path) -> None:
    path = repack(applicant_book(tmp_path / "a.xlsx"), {"xl/styles.xml": None})
    assert read_table(path)["applicant_id"].tolist() == ["A01", "A02"]


def test_a_sheet_whose_part_is_missing_is_no_sheet(tmp_path: Path) -> None:
    assert SPEC is not None
    table = repack(applicant_book(tmp_path / "a.xlsx"), {SHEET_XML: None})
    with pytest.raises(selectlib.InputError, match="the workbook has no worksheet"):
        read_table(table)
    scores = repack(score_book(tmp_path), {SHEET_XML: None})
    with pytest.raises(EvaluationInputError) as info:
        read_scores(scores, SPEC)
    [problem] = info.value.problems
    assert (problem.where, problem.message) == (scores.name, "no sheet '점수표'")


def test_evaluators_in_a_damaged_workbook(tmp_path: Path) -> None:
    path = tmp_path / "evaluators.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["evaluator_id", "external"])
    book.active.append(["E01", "yes"])
    book.save(path)
    edit_part(path, SHEET_XML, b"</sheetData>", b"")
    with pytest.raises(SelectlibError, match=f"part {SHEET_XML}: mismatched tag"):
        read_evaluators(path)


def raised(read: Callable[[], object]) -> SelectlibError | None:
    """The SelectlibError ``read`` raises, or None; any other exception fails the test."""
    try:
        read()
    except SelectlibError as exc:
        return exc
    return None


def _damaged(data: bytes, cut: int | None, flips: list[tuple[int, int]]) -> bytes:
    """``data`` cut at ``cut`` (a fraction of its length, in thousandths) or with bits flipped."""
    if cut is not None:
        return data[: len(data) * cut // 1000]
    damaged = bytearray(data)
    for position, bit in flips:
        damaged[position % len(damaged)] ^= 1 << bit
    return bytes(damaged)


DAMAGES = st.tuples(
    st.one_of(st.none(), st.integers(0, 999)),
    st.lists(st.tuples(st.integers(0, 2**16), st.integers(0, 7)), min_size=1, max_size=4),
)


@settings(max_examples=examples(60))
@given(part=st.integers(0, 20), damage=DAMAGES)
def test_any_damage_to_an_xml_part_is_an_input_error(
    part: int, damage: tuple[int | None, list[tuple[int, int]]]
) -> None:
    target = Path(TMP.name) / "fuzz.xlsx"
    xml = [name for name in GOOD_TABLE if name.endswith((".xml", ".rels"))]
    name = xml[part % len(xml)]
    with zipfile.ZipFile(target, "w") as book:
        for other, data in GOOD_TABLE.items():
            book.writestr(other, _damaged(data, *damage) if other == name else data)
    error = raised(lambda: read_table(target))
    assert error is None or (
        isinstance(error, selectlib.InputError) and str(error).startswith(f"{target}: ")
    )


@settings(max_examples=examples(60))
@given(part=st.integers(0, 20), damage=DAMAGES)
def test_any_damage_to_a_score_workbook_is_an_evaluation_input_error(
    part: int, damage: tuple[int | None, list[tuple[int, int]]]
) -> None:
    assert SPEC is not None
    target = Path(TMP.name) / "document_E01.xlsx"
    xml = [name for name in GOOD_SCORES if name.endswith((".xml", ".rels"))]
    name = xml[part % len(xml)]
    with zipfile.ZipFile(target, "w") as book:
        for other, data in GOOD_SCORES.items():
            book.writestr(other, _damaged(data, *damage) if other == name else data)
    error = raised(lambda: read_scores(target, SPEC))
    assert error is None or (
        isinstance(error, EvaluationInputError)
        and all(problem.where.startswith(target.name) for problem in error.problems)
    )


# -- a tampered hidden layout sheet --------------------------------------------------------


def _set(cells: dict[str, Any]) -> Callable[[Any], None]:
    def change(sheet: Any) -> None:
        for cell, value in cells.items():
            sheet[cell] = value

    return change


TAMPERED: list[tuple[str, Callable[[Any], None], str, str]] = [
    ("row deleted", lambda s: s.delete_rows(9), "", "no row 'columns'"),
    ("first row not whole", _set({"B6": 6.5}), ", cell B6", "first_row is '6.5', not a row number"),
    ("first row as text", _set({"B6": "six"}), ", cell B6", "first_row is 'six', not a row number"),
    (
        "first row huge",
        _set({"B6": 99_999_999_915}),
        ", cell B6",
        "first_row is 99999999915, not a row from 6 to 100,000 (MAX_SCORE_SHEET_ROWS)",
    ),
    (
        "header row zero",
        _set({"B5": 0}),
        ", cell B5",
        "header_row is 0, not a row from 1 to 100,000 (MAX_SCORE_SHEET_ROWS)",
    ),
    ("stage blank", _set({"B3": None}), ", row 3", "stage: no value"),
    ("two stages", _set({"C3": "site"}), ", row 3", "stage: 2 values"),
    (
        "column past the limit",
        _set({"B9": "XFD"}),
        ", cell B9",
        "columns: 'XFD' is not a column of a score sheet (A to AX)",
    ),
    ("column as a number", _set({"C9": 4}), ", cell C9", "columns: '4' is not a column"),
    ("id column nonsense", _set({"B7": "A1"}), ", cell B7", "id_column: 'A1' is not a column"),
    ("a column dropped", _set({"E9": None, "F9": None}), ", row 9", "5 criteria but 3 columns"),
    ("a column twice", _set({"C9": "C"}), ", cell C9", "columns: C is used twice"),
    ("the id column reused", _set({"B9": "A"}), ", cell B9", "columns: A is used twice"),
    ("format changed", _set({"B1": 1}), ", cell B1", "format is '1', not"),
]


@pytest.mark.parametrize(
    ("tamper", "place", "message"), [t[1:] for t in TAMPERED], ids=[t[0] for t in TAMPERED]
)
def test_a_tampered_layout_sheet_is_a_located_problem(
    tmp_path: Path, tamper: Callable[[Any], None], place: str, message: str
) -> None:
    assert SPEC is not None
    path = score_book(tmp_path)
    book = openpyxl.load_workbook(path)
    tamper(book["_selectlib"])
    book.save(path)
    with pytest.raises(EvaluationInputError) as info:
        read_scores(path, SPEC)
    found = [(p.where, p.message) for p in info.value.problems]
    assert found[0][0] == f"{path.name}, sheet _selectlib{place}"
    assert found[0][1].startswith(message)
    assert "generate the sheet again" in info.value.problems[0].hint


def test_a_layout_naming_no_sheet_or_itself(tmp_path: Path) -> None:
    assert SPEC is not None
    path = score_book(tmp_path)
    for name in ("Scores", "_selectlib"):
        book = openpyxl.load_workbook(path)
        book["_selectlib"]["B2"] = name
        book.save(path)
        with pytest.raises(EvaluationInputError) as info:
            read_scores(path, SPEC)
        assert [(p.where, p.message) for p in info.value.problems] == [
            (path.name, f"no sheet {name!r}")
        ]


def test_a_layout_cell_moved_far_down_is_refused_at_once(tmp_path: Path) -> None:
    assert SPEC is not None
    path = edit_part(score_book(tmp_path), META_XML, b'<row r="6">', b'<row r="99999999915">')
    with pytest.raises(EvaluationInputError) as info:
        read_scores(path, SPEC)
    [problem] = info.value.problems
    assert "sheet '_selectlib' has a row past row 100,000" in problem.message
    assert "MAX_SCORE_SHEET_ROWS" in problem.message


# -- CSV: every line ending, every encoding ------------------------------------------------

ROWS = [["applicant_id", "area_type", "note"], ["007", "metro", "가나다"], ["008", "city", ""]]
ENDINGS = {"LF": ["\n"], "CRLF": ["\r\n"], "CR": ["\r"], "mixed": ["\r\n", "\r", "\n"]}
ENCODINGS = ("utf-8", "utf-8-sig", "cp949")


def csv_bytes(rows: list[list[str]], endings: list[str], encoding: str) -> bytes:
    """Rows as CSV, line ``i`` ending in ``endings[i % len(endings)]``."""
    lines = [",".join(row) + endings[i % len(endings)] for i, row in enumerate(rows)]
    return "".join(lines).encode(encoding)


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("ending", list(ENDINGS))
def test_every_csv_reader_reads_every_line_ending(
    tmp_path: Path, ending: str, encoding: str
) -> None:
    path = tmp_path / "applicants.csv"
    path.write_bytes(csv_bytes(ROWS, ENDINGS[ending], encoding))
    frame = read_csv(path)
    assert frame.columns.tolist() == ROWS[0]
    assert frame.fillna("").values.tolist() == ROWS[1:]
    evaluators = tmp_path / "evaluators.csv"
    committee = [["evaluator_id", "external"], ["E01", "예"], ["E02", "no"]]
    evaluators.write_bytes(csv_bytes(committee, ENDINGS[ending], encoding))
    assert [e.id for e in read_evaluators(evaluators)] == ["E01", "E02"]
    scores = tmp_path / "scores.csv"
    header = ["stage", "evaluator_id", "applicant_id", "criterion", "score"]
    lines = [header, ["document", "E01", "A01", "capability", "27.5"]]
    scores.write_bytes(csv_bytes(lines, ENDINGS[ending], encoding))
    assert SPEC is not None
    assert read_scores(scores, SPEC)["score"].tolist() == [27.5]


@settings(max_examples=examples(50))
@given(
    endings=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=1, max_size=4),
    encoding=st.sampled_from(ENCODINGS),
    quoted=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_quoted_line_breaks_survive_any_line_endings(
    endings: list[str], encoding: str, quoted: str
) -> None:
    path = Path(TMP.name) / "quoted.csv"
    rows = [["applicant_id", "note"], ["A01", f'"첫 줄{quoted}둘째 줄"'], ["A02", "끝"]]
    path.write_bytes(csv_bytes(rows, endings, encoding))
    frame = read_csv(path)
    assert frame["applicant_id"].tolist() == ["A01", "A02"]
    assert frame["note"].tolist() == [f"첫 줄{quoted}둘째 줄", "끝"]


# -- the command line ----------------------------------------------------------------------


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli.app, [str(a) for a in args], env={"COLUMNS": "250"})


def assert_one_error(result: Result, *expected: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: ")
    for text in expected:
        assert text in result.stderr
    assert "Traceback" not in result.output


def test_check_with_a_damaged_workbook_or_a_cr_only_csv(tmp_path: Path) -> None:
    broken = edit_part(applicant_book(tmp_path / "a.xlsx"), "xl/styles.xml", b"<fonts", b"<fon")
    assert_one_error(run("check", FLAGSHIP, broken, "--on", ON), "part xl/styles.xml")
    sample = (sample_data_dir() / "applicants.csv").read_bytes()
    old_mac = tmp_path / "old_mac.csv"
    old_mac.write_bytes(sample.replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    usual = run("check", FLAGSHIP, sample_data_dir() / "applicants.csv", "--on", ON)
    cr_only = run("check", FLAGSHIP, old_mac, "--on", ON)
    assert cr_only.exit_code == 0, cr_only.output
    assert cr_only.stdout == usual.stdout


def test_evaluate_and_sheets_with_damaged_and_cr_only_inputs(tmp_path: Path) -> None:
    scores = tmp_path / "scores"
    scores.mkdir()
    text = (COMMITTEE / "scores.csv").read_bytes().replace(b"\r\n", b"\n")
    (scores / "scores.csv").write_bytes(text.replace(b"\n", b"\r"))
    evaluators = COMMITTEE / "evaluators.csv"
    common = [
        "--applicants", sample_data_dir() / "applicants.csv", "--evaluators", evaluators,
        "--recusals", COMMITTEE / "recusals.csv",
    ]  # fmt: skip
    good = run("evaluate", FLAGSHIP, *common, "--scores", scores, "--on", ON, "--resamples", "0")
    assert good.exit_code == 0, good.output
    broken = score_book(tmp_path / "made")
    edit_part(broken, SHEET_XML, b"<sheetData>", b"<sheetData><row>")
    (scores / broken.name).write_bytes(broken.read_bytes())
    bad = run("evaluate", FLAGSHIP, *common, "--scores", scores, "--on", ON, "--resamples", "0")
    assert_one_error(bad, f"{broken.name}: not a readable .xlsx workbook: part {SHEET_XML}")
    sheets = [
        "sheets", FLAGSHIP, "--stage", "document", "--applicants",
        sample_data_dir() / "applicants.csv", "--on", ON, "--out", tmp_path / "out",
    ]  # fmt: skip
    damaged_evaluators = applicant_book(tmp_path / "evaluators.xlsx")
    repack(damaged_evaluators, {"xl/workbook.xml": b"<workbook"})
    result = run(*sheets, "--evaluators", damaged_evaluators)
    assert_one_error(result, "evaluators.xlsx: not a readable .xlsx workbook: part xl/workbook.xml")


def test_a_file_that_cannot_be_read_is_a_located_problem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An unreadable file (no permission; running as root, the error is simulated)."""
    import selectlib
    from selectlib.io import sample_data_dir
    from selectlib.scoring import read_scores

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)
    spec = selectlib.load_profile("micro_manufacturer_center_2024").spec.evaluation
    assert spec is not None
    scores = sample_data_dir() / "evaluation" / "scores.csv"
    with pytest.raises(selectlib.SelectlibError, match=r"scores\.csv: cannot read the file"):
        read_scores(scores, spec)
    with pytest.raises(selectlib.InputError, match="Permission denied") as caught:
        selectlib.io.read_table(sample_data_dir() / "applicants.csv")
    assert caught.value.file is not None
