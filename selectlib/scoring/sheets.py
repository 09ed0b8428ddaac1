"""Score sheets: one Excel workbook per evaluator to fill in, and a long CSV template.

Evaluators score in Excel. :func:`write_sheets` gives each one a workbook with Korean
headers, the allowed range checked by Excel as they type, recused applicants greyed
out and every cell but the scores locked (sheet protection without a password), plus a
long CSV template for whoever types scores into one table. Reading them back is
:func:`selectlib.scoring.read_scores` (module :mod:`.readback`).

Each workbook keeps its layout in a hidden sheet ``_selectlib`` (stage, evaluator,
criterion columns), so reading never trusts text an evaluator can edit.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import attrs
import openpyxl
import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection

from selectlib.io.files import check_output, save_xlsx, write_file
from selectlib.io.safe import put_cell, xlsx_text
from selectlib.io.write import write_table
from selectlib.profile.evaluation import EvaluationSpec, ScoreCriterion, Stage
from selectlib.scoring.errors import ScoringError
from selectlib.scoring.inputs import RECUSAL_KINDS, Evaluator, Recusal, text_cell
from selectlib.text import Text

__all__ = ["Layout", "criterion_header", "points_text", "write_sheets"]

FORMAT = "selectlib.score_sheet/1"
"""The layout version written to the hidden sheet; the reader accepts only this one."""
SHEET, GUIDE, META = "점수표", "안내", "_selectlib"
HEADER_ROW, FIRST_ROW = 5, 6
ID_HEADER = "신청기관 ID"
LONG_COLUMNS = ("stage", "evaluator_id", "applicant_id", "criterion", "score")
ID_COLUMNS = LONG_COLUMNS[:4]
TEMPLATE_COLUMNS = (
    *LONG_COLUMNS,
    "applicant_name",
    "criterion_label",
    "max_points",
    "step",
)
SUFFIXES = (".csv", ".xlsx")
MAX_MESSAGE = 255
"""Excel's limit on a validation prompt or error; longer ones make it 'repair' the file."""
UNLOCKED: Final = Protection(locked=False)
"""The protection of the score cells: the only cells of a score sheet an evaluator can edit."""
GREY = PatternFill("solid", fgColor="D9D9D9")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WIDTHS = {ID_HEADER: 14, "신청기관명": 28, "합계": 10, "비고": 24}
"""Column widths of the score sheet (criterion columns: 18)."""
INSTRUCTION = (
    "항목별로 0점부터 배점까지의 점수를 {step}점 단위로 입력하십시오. 회색 행은 채점하지 않습니다. "
    "신청기관 ID와 제목 행은 바꾸지 마십시오. 자세한 내용은 '안내' 시트를 보십시오."
)
GUIDE_LINES = (
    (
        "점수표 시트의 항목별 칸에 0점부터 배점까지의 숫자를 '점수 단위'에 맞게 입력하십시오"
        "(0.5점 단위라면 27.5는 되고 27.3은 안 됩니다).",
        "Enter a number from 0 to the criterion's points in each cell of sheet 점수표, in "
        "the step above (in steps of 0.5, 27.5 is fine and 27.3 is not).",
    ),
    (
        "과락 기준이 있는 항목은 위원회 점수가 그 기준 미만이면 총점과 관계없이 탈락입니다.",
        "A criterion with a floor fails the applicant when the panel's score is below it, "
        "whatever the total.",
    ),
    (
        "회색 행은 제척·기피·회피로 채점하지 않는 신청기관입니다. 비워 두십시오. 표시되지 않은 "
        "이해관계가 있으면 채점하지 말고 간사에게 알리십시오.",
        "Grey rows are applicants you are recused from (exclusion, challenge or avoidance): "
        "leave them blank. If you have a conflict of interest not shown, do not score that "
        "applicant and tell the secretariat.",
    ),
    (
        "신청기관 ID, 제목 행, 시트 이름을 바꾸거나 열을 옮기지 말고, 숨겨진 _selectlib 시트를 "
        "지우지 마십시오.",
        "Do not change the applicant ids, the header row or the sheet names, do not move "
        "columns, and do not delete the hidden sheet _selectlib.",
    ),
    (
        "합계 열은 참고용이며 읽어 들이지 않습니다.",
        "The total column is for your convenience only; it is not read back.",
    ),
)


@attrs.frozen
class Layout:
    """Where a score sheet keeps its scores; stored in, and read from, the hidden sheet."""

    stage: str
    evaluator_id: str
    criteria: tuple[tuple[str, str], ...]
    """(criterion id, column letter) in column order."""
    sheet: str = SHEET
    header_row: int = HEADER_ROW
    first_row: int = FIRST_ROW
    id_column: str = "A"

    def rows(self) -> list[list[Any]]:
        """The hidden sheet's rows: a key, then its values."""
        return [
            ["format", FORMAT],
            ["sheet", self.sheet],
            ["stage", self.stage],
            ["evaluator_id", self.evaluator_id],
            ["header_row", self.header_row],
            ["first_row", self.first_row],
            ["id_column", self.id_column],
            ["criteria", *(c for c, _ in self.criteria)],
            ["columns", *(col for _, col in self.criteria)],
        ]


# -- writing -------------------------------------------------------------------------------


def points_text(value: float) -> str:
    """Points as written on a sheet: ``30``, ``27.5``."""
    return f"{value:g}"


def criterion_header(criterion: ScoreCriterion) -> str:
    """A criterion's column header, e.g. ``사업계획 (0–30점)``; the reader checks it."""
    return f"{criterion.ko} (0–{points_text(criterion.max_points)}점)"


def _safe(name: str) -> str:
    """``name`` usable in a file name on every system."""
    return re.sub(r"[^\w.-]+", "_", name).strip("._") or "_"


def _applicant_rows(applicants: pd.DataFrame) -> list[tuple[str, str]]:
    """(id, name) of each applicant to score; ids must be present and unique."""
    if "applicant_id" not in applicants.columns:
        raise ScoringError("applicants", ["no column applicant_id"])
    names = (
        applicants["applicant_name"] if "applicant_name" in applicants else [""] * len(applicants)
    )
    rows = [
        (text_cell(a), text_cell(n)) for a, n in zip(applicants["applicant_id"], names, strict=True)
    ]
    problems = [f"row {n} has no applicant_id" for n, (a, _) in enumerate(rows, 1) if not a]
    ids = [a for a, _ in rows if a]
    problems += [f"applicant {a!r} is listed twice" for a in dict.fromkeys(ids) if ids.count(a) > 1]
    if not rows:
        problems.append("no applicants to score")
    if problems:
        raise ScoringError("applicants", problems)
    return rows


def _file_names(stage_id: str, panel: Sequence[Evaluator]) -> list[str]:
    names = [f"{_safe(stage_id)}_{_safe(e.id)}.xlsx" for e in panel]
    clashes = [
        f"evaluators {panel[names.index(n)].id!r} and {e.id!r} would share the file {n}"
        for i, (e, n) in enumerate(zip(panel, names, strict=True))
        if names.index(n) != i
    ]
    if clashes:
        raise ScoringError("evaluators", clashes)
    return names


def _recused(recusals: Sequence[Recusal], stage_id: str, evaluator_id: str) -> dict[str, str]:
    """The 비고 text for each applicant the evaluator does not score at this stage."""
    kinds: dict[str, list[str]] = {}
    for r in recusals:
        if r.evaluator_id == evaluator_id and r.applies(stage_id):
            kinds.setdefault(r.applicant_id, []).append(RECUSAL_KINDS[r.kind].ko)
    return {a: "·".join(dict.fromkeys(k)) + " — 채점하지 않음" for a, k in kinds.items()}


def _validation(criterion: ScoreCriterion, step: float, cells: str) -> DataValidation:
    """Excel's check of a criterion column: a decimal from 0 to the criterion's points (the
    step is stated in the prompt and checked when the sheet is read back)."""
    top = points_text(criterion.max_points)
    unit = points_text(step)
    floor = f" (과락: {points_text(criterion.floor)}점 미만)" if criterion.floor is not None else ""
    rule = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2=top,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="점수 범위 오류",
        error=f"{criterion.ko}: 0부터 {top}까지 {unit}점 단위로 입력하십시오."[:MAX_MESSAGE],
        showInputMessage=True,
        promptTitle="배점",
        prompt=f"{criterion.ko}: 0–{top}점, {unit}점 단위{floor}"[:MAX_MESSAGE],
    )
    rule.add(cells)
    return rule


def _fill_scores(
    sheet: Any,
    stage: Stage,
    evaluator: Evaluator,
    rows: Sequence[tuple[str, str]],
    recused: dict[str, str],
    title: str,
) -> None:
    """The 점수표 sheet: title, instructions, then one row per applicant."""
    sheet.title = SHEET
    put_cell(sheet, 1, 1, title).font = Font(bold=True, size=14)
    put_cell(sheet, 2, 1, f"평가위원: {evaluator.name} ({evaluator.id})")
    put_cell(sheet, 3, 1, INSTRUCTION.format(step=points_text(stage.step)))
    headers = [ID_HEADER, "신청기관명", *map(criterion_header, stage.criteria), "합계", "비고"]
    for column, text in enumerate(headers, 1):
        cell = sheet.cell(HEADER_ROW, column, text)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        sheet.column_dimensions[cell.column_letter].width = WIDTHS.get(text, 18)
    first, last = "C", get_column_letter(2 + len(stage.criteria))
    for row, (applicant_id, name) in enumerate(rows, FIRST_ROW):
        put_cell(sheet, row, 1, applicant_id)
        put_cell(sheet, row, 2, name)
        note = recused.get(applicant_id)
        if note is None:
            sheet.cell(row, len(headers) - 1, f"=SUM({first}{row}:{last}{row})")
            continue
        put_cell(sheet, row, len(headers), note)
        for column in range(1, len(headers) + 1):
            sheet.cell(row, column).fill = GREY
    end = FIRST_ROW + len(rows) - 1
    for index, criterion in enumerate(stage.criteria):
        column = get_column_letter(3 + index)
        cells = f"{column}{FIRST_ROW}:{column}{end}"
        sheet.add_data_validation(_validation(criterion, stage.step, cells))
    sheet.row_dimensions[HEADER_ROW].height = 45
    sheet.freeze_panes = f"C{FIRST_ROW}"
    _protect(sheet, [r for r, (a, _) in enumerate(rows, FIRST_ROW) if a not in recused], last)


def _protect(sheet: Any, rows: Sequence[int], last: str) -> None:
    """Lock the sheet but the score cells of the rows to score (C to ``last``): ids, names,
    headers, the total formula and the recused rows cannot be changed by mistake. There
    is no password (Review → Unprotect Sheet lifts it): protection guards against slips,
    and the reader checks every cell anyway."""
    for row in rows:
        for column in range(3, column_index_from_string(last) + 1):
            sheet.cell(row, column).protection = UNLOCKED
    sheet.protection = SheetProtection(
        sheet=True, formatColumns=False, formatRows=False, selectLockedCells=False
    )


def _line(sheet: Any, *values: Any) -> None:
    """Append a row of cells to a sheet, each a value (a text is never a formula)."""
    sheet.append([xlsx_text(value) for value in values])
    if values:
        for column, value in enumerate(values, start=1):
            if isinstance(value, str):
                sheet.cell(sheet.max_row, column).data_type = "s"


def _fill_guide(sheet: Any, stage: Stage, evaluator: Evaluator, title: str) -> None:
    """The 안내 sheet: each criterion's range and floor, and what to do, in Korean and English."""
    _line(sheet, f"{title} — 평가 안내 / Instructions ({stage.label.en})")
    sheet["A1"].font = Font(bold=True, size=14)
    _line(sheet, f"평가위원 / Evaluator: {evaluator.name} ({evaluator.id})")
    if stage.pass_mark is not None:
        total = points_text(stage.max_points)
        _line(sheet, f"기준점수 / Pass mark: {points_text(stage.pass_mark)} / {total}")
    unit = points_text(stage.step)
    _line(sheet, f"점수 단위 / Step: {unit}점 단위로 입력 / scores in steps of {unit}")
    _line(sheet)
    _line(sheet, "평가항목", "Criterion", "배점 / Points", "과락 / Floor", "착안점 / Guide")
    for c in stage.criteria:
        floor = "없음 / none"
        if c.floor is not None:
            floor = f"{points_text(c.floor)}점 미만 과락 / below {points_text(c.floor)} fails"
        guide = f"{c.guide.ko} / {c.guide.en}" if c.guide else ""
        _line(sheet, c.ko, c.en, f"0–{points_text(c.max_points)}", floor, guide)
    _line(sheet)
    for number, (ko, en) in enumerate(GUIDE_LINES, 1):
        _line(sheet, f"{number}. {ko}")
        _line(sheet, f"   {en}")
    for column, width in zip("ABCDE", (36, 36, 14, 28, 40), strict=True):
        sheet.column_dimensions[column].width = width


def _workbook(
    stage: Stage,
    evaluator: Evaluator,
    rows: Sequence[tuple[str, str]],
    recused: dict[str, str],
    program: Text | None,
) -> Any:
    title = f"{program.ko} — {stage.label.ko} 평가표" if program else f"{stage.label.ko} 평가표"
    book = openpyxl.Workbook()
    _fill_scores(book.active, stage, evaluator, rows, recused, title)
    _fill_guide(book.create_sheet(GUIDE), stage, evaluator, title)
    columns = [get_column_letter(3 + i) for i in range(len(stage.criteria))]
    layout = Layout(stage.id, evaluator.id, tuple(zip(stage.criterion_ids, columns, strict=True)))
    meta = book.create_sheet(META)
    for row in layout.rows():
        meta.append(row)
    meta.sheet_state = "hidden"
    book[GUIDE].protection = SheetProtection(sheet=True, formatColumns=False)
    book.security = WorkbookProtection(lockStructure=True)  # sheets stay named and hidden
    return book


def _template(
    stage: Stage, panel: Sequence[Evaluator], rows: Sequence[tuple[str, str]]
) -> pd.DataFrame:
    step = points_text(stage.step)
    records = [
        (stage.id, e.id, a, c.id, "", name, c.ko, points_text(c.max_points), step)
        for e in panel
        for a, name in rows
        for c in stage.criteria
    ]
    return pd.DataFrame(records, columns=list(TEMPLATE_COLUMNS))


def write_sheets(
    spec: EvaluationSpec,
    stage_id: str,
    applicants: pd.DataFrame,
    evaluators: Sequence[Evaluator],
    out_dir: str | Path,
    *,
    recusals: Sequence[Recusal] = (),
    program: Text | None = None,
    force: bool = False,
) -> list[Path]:
    """Write a score workbook for each evaluator sitting on ``stage_id``, and a CSV template.

    ``applicants`` (column ``applicant_id``, optionally ``applicant_name``) are the
    applicants to score, in sheet order. Files are ``{stage}_{evaluator}.xlsx`` and
    ``{stage}_scores_template.csv`` (UTF-8 with BOM, for Excel); returns their paths.
    Existing files are replaced only with ``force`` (checked for all before writing any).
    """
    if stage_id not in spec.stage_ids:
        raise ScoringError("stage_id", [f"no stage {stage_id!r}; use {', '.join(spec.stage_ids)}"])
    stage = spec.stage(stage_id)
    rows = _applicant_rows(applicants)
    panel = [e for e in evaluators if e.sits_on(stage_id)]
    if not panel:
        raise ScoringError("evaluators", [f"no evaluator sits on stage {stage_id!r}"])
    out = Path(out_dir)
    paths = [out / name for name in _file_names(stage_id, panel)]
    template = out / f"{_safe(stage_id)}_scores_template.csv"
    for path in (*paths, template):
        check_output(path, force=force)
    for evaluator, path in zip(panel, paths, strict=True):
        recused = _recused(recusals, stage_id, evaluator.id)
        book = _workbook(stage, evaluator, rows, recused, program)
        write_file(path, functools.partial(save_xlsx, book))
    write_table(_template(stage, panel, rows), template, force=True)
    return [*paths, template]
