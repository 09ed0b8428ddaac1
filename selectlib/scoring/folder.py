"""What a scores folder holds: score files, an evaluators table, a recusals table.

``selectlib evaluate --scores DIR`` is given one folder with the filled score sheets and,
often beside them, the committee's evaluators and recusals tables. Each file is told
apart by what it holds, never by its name: a workbook with the hidden layout sheet is a
score sheet; a table is a score table when it has the columns ``stage, evaluator_id,
applicant_id, criterion, score``, a recusals table when it has ``evaluator_id,
applicant_id, kind``, an evaluators table when it has ``evaluator_id, external``
(Korean column names too, as :mod:`.inputs` reads them). A file that is none of these
is refused with its columns, so nothing in the folder is silently dropped or misread.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

import attrs

from selectlib.errors import InputError, Problem
from selectlib.io.tables import read_table
from selectlib.io.xlsx import read_sheets
from selectlib.scoring.entries import SCORE_BOUNDS
from selectlib.scoring.errors import EvaluationInputError
from selectlib.scoring.inputs import EVALUATOR_COLUMNS, RECUSAL_COLUMNS, column_names
from selectlib.scoring.sheets import LONG_COLUMNS, META, SHEET, SUFFIXES

__all__ = ["KINDS", "ScoreFolder", "kind_of", "read_folder"]

KINDS: Final = ("scores", "evaluators", "recusals")
"""What a file in a scores folder can be."""

_RECUSAL_KEYS: Final = frozenset(("evaluator_id", "applicant_id", "kind"))
_EVALUATOR_KEYS: Final = frozenset(("evaluator_id", "external"))
_EXPECTED: Final = (
    f"a score table has the columns {', '.join(LONG_COLUMNS)}; an evaluators table "
    "evaluator_id, name, external, stages; a recusals table evaluator_id, applicant_id, "
    "kind, stage, decision, reason. Move any other file out of the folder"
)


@attrs.frozen
class ScoreFolder:
    """The files of a scores folder, each by what it holds (paths in name order)."""

    scores: tuple[Path, ...]
    evaluators: Path | None = None
    recusals: Path | None = None

    def files(self) -> list[tuple[str, Path]]:
        """(kind, path) of every file read, scores first."""
        tables = (("evaluators", self.evaluators), ("recusals", self.recusals))
        return [("scores", p) for p in self.scores] + [(k, p) for k, p in tables if p is not None]


def _header(path: Path) -> set[str] | None:
    """The column names of a table, or None for a score sheet written by selectlib (one
    that lost its hidden sheet too: reading it says so)."""
    if path.suffix.lower() == ".xlsx":
        sheets = read_sheets(path, SCORE_BOUNDS, formulas=True)
        if any(sheet.title in (META, SHEET) for sheet in sheets):
            return None
    return {str(c) for c in read_table(path).columns}


def _kind(header: set[str] | None) -> str | None:
    if header is None or column_names(header, {}) >= set(LONG_COLUMNS):
        return "scores"
    if column_names(header, RECUSAL_COLUMNS) >= _RECUSAL_KEYS:
        return "recusals"
    if column_names(header, EVALUATOR_COLUMNS) >= _EVALUATOR_KEYS:
        return "evaluators"
    return None


def kind_of(path: Path) -> str | None:
    """``scores``, ``evaluators`` or ``recusals`` by the file's columns; None if none.

    Raises :class:`~selectlib.InputError` when the file cannot be read at all.
    """
    return _kind(_header(path))


def _candidates(folder: Path) -> list[Path]:
    """The .csv and .xlsx files of a folder, without Excel's lock files (``~$``)."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith("~$")
    )


def _one(kind: str, paths: Sequence[Path], problems: list[Problem]) -> Path | None:
    """The one table of ``kind``; two of them are a problem (which one is meant?)."""
    if len(paths) > 1:
        names = ", ".join(p.name for p in paths)
        problems.append(
            Problem(
                str(paths[0].parent),
                f"{len(paths)} {kind} tables: {names}",
                f"keep one in the folder, or name the one to use with --{kind} FILE",
            )
        )
    return paths[0] if paths else None


def read_folder(folder: str | Path, *, given: Sequence[Path | None] = ()) -> ScoreFolder:
    """Sort a scores folder's files into scores, evaluators and recusals by their columns.

    Files in ``given`` (the tables named on the command line) are left out. Raises
    :class:`EvaluationInputError` naming every file that is none of the three, every kind
    found twice, and a folder without scores.
    """
    root = Path(folder)
    skip = {p.resolve() for p in given if p is not None}
    problems: list[Problem] = []
    found: dict[str, list[Path]] = {kind: [] for kind in KINDS}
    for path in _candidates(root):
        if path.resolve() in skip:
            continue
        try:
            header = _header(path)
        except InputError as exc:
            problems.append(Problem(path.name, exc.reason, "fix the file or move it out"))
            continue
        kind = _kind(header)
        if kind is None:
            columns = ", ".join(sorted(header or ())) or "none"
            message = f"not a score, evaluators or recusals table (its columns: {columns})"
            problems.append(Problem(path.name, message, _EXPECTED))
        else:
            found[kind].append(path)
    if not found["scores"] and not problems:
        problems.append(
            Problem(str(root), "no score file in the folder", "put the filled score sheets in it")
        )
    evaluators = _one("evaluators", found["evaluators"], problems)
    recusals = _one("recusals", found["recusals"], problems)
    if problems:
        raise EvaluationInputError(problems)
    return ScoreFolder(tuple(found["scores"]), evaluators, recusals)
