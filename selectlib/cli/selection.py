"""The work of ``selectlib evaluate`` and the demo's selection: reading the evaluation's
files, running it, and printing the stages, the final ranking and the robustness.

Imported by the commands only when they run (it needs pandas, numpy and the scoring
package), so ``selectlib --help`` stays light.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from selectlib.cli.geo import geo_context
from selectlib.cli.render import cell, say, show_assumptions
from selectlib.errors import InputError
from selectlib.io.tables import read_table
from selectlib.profile.compiled import Profile
from selectlib.scoring.display import ROUNDING, shown
from selectlib.scoring.folder import ScoreFolder, read_folder
from selectlib.scoring.report.labels import ELIGIBILITY_LABELS, Pair, pick
from selectlib.scoring.result import RESULT_LABELS, STATUS_LABELS

if TYPE_CHECKING:
    from selectlib.scoring import EvaluationResult
    from selectlib.scoring.robust import RobustnessReport

__all__ = [
    "evaluation_files",
    "optional_context",
    "run_files",
    "run_selection",
    "score_files",
    "show_files",
    "show_result",
    "write_result",
]


def evaluation_files(scores: Path, evaluators: Path | None, recusals: Path | None) -> ScoreFolder:
    """The score files, evaluators and recusals of an evaluation: the tables named on the
    command line, else those found in the scores folder by their columns (a single score
    file looks for ``evaluators.csv`` beside it)."""
    if scores.is_dir():
        found = read_folder(scores, given=[evaluators, recusals])
    else:
        beside = scores.parent / "evaluators.csv"
        found = ScoreFolder((scores,), beside if beside.is_file() else None)
    files = ScoreFolder(found.scores, evaluators or found.evaluators, recusals or found.recusals)
    if files.evaluators is None:
        raise InputError(
            f"no evaluators: pass --evaluators FILE (no evaluators table in {scores})",
            file=str(scores),
        )
    return files


def score_files(scores: Path, *others: Path | None) -> Path | list[Path]:
    """The score files: ``scores`` itself, or a folder's score sheets and tables, told
    apart from the evaluators and recusals tables beside them by their columns."""
    if not scores.is_dir():
        return scores
    return list(read_folder(scores, given=others).scores)


FILE_KINDS: Final[dict[str, Pair]] = {
    "scores": ("점수", "scores"),
    "evaluators": ("평가위원", "evaluators"),
    "recusals": ("제척·기피·회피", "recusals"),
}
"""How the files read are named in the output."""
COLUMNS: Final[tuple[Pair, ...]] = (
    ("순위", "rank"),
    ("ID", "ID"),
    ("기관명", "name"),
    ("최종 점수", "final"),
    ("선정선 차이", "margin"),
    ("결과", "result"),
)
"""The columns of the final ranking in the terminal (names are never wrapped)."""


def show_files(console: Console, files: ScoreFolder, lang: str) -> None:
    """Say which files were read, as what (many score files as a count and a range)."""
    scores = files.scores
    if len(scores) > 2:
        count = pick((f"{len(scores)}개 파일", f"{len(scores)} files"), lang)
        listed = [f"{count} {scores[0].parent} ({scores[0].name} … {scores[-1].name})"]
    else:
        listed = [str(p) for p in scores]
    parts = [f"{pick(FILE_KINDS['scores'], lang)} {p}" for p in listed]
    for kind, path in files.files()[len(scores) :]:
        parts.append(f"{pick(FILE_KINDS[kind], lang)} {path}")
    if files.recusals is None:
        parts.append(pick(("제척·기피·회피 없음", "no recusals"), lang))
    say(console, pick(("읽은 파일: ", "read: "), lang) + "; ".join(parts))


def optional_context(firms: Path | None, areas: Path | None) -> Any:
    """The geo context of --firms (and --areas) for the cluster check; None without --firms."""
    return geo_context(firms, areas) if firms is not None else None


def _stage_counts(result: EvaluationResult, lang: str) -> Table:
    ko = lang == "ko"
    table = Table(title="단계별 결과" if ko else "Stages", title_justify="left")
    table.add_column("단계" if ko else "stage")
    statuses = [s for s in STATUS_LABELS if s not in ("ineligible", "incomplete", "invalid")]
    shown = [
        s
        for s in statuses
        if any((o.status == s).any() for o in result.stages) and s != "not_reached"
    ]
    for status in shown:
        table.add_column(STATUS_LABELS[status][0 if ko else 1], justify="right")
    for outcome in result.stages:
        counts = [str(int((outcome.status == s).sum())) for s in shown]
        table.add_row(outcome.stage.label.get(lang), *counts)
    return table


def _final_table(result: EvaluationResult, lang: str) -> tuple[Table, list[str]]:
    """The final ranking, and each finalist's reason as a line (a reason column would
    wrap every sentence into a narrow strip)."""
    frame = result.table()
    table = Table(title=pick(("최종 순위", "Final ranking"), lang), title_justify="left")
    for header in COLUMNS:
        table.add_column(pick(header, lang), no_wrap=header == COLUMNS[2])
    finalists = frame[frame["rank"].notna()].sort_values(["rank", "applicant_id"])
    reasons = []
    for _, row in finalists.iterrows():
        style = "bold green" if row["result"] == "selected" else ""
        margin = row["margin"]
        table.add_row(
            str(row["rank"]),
            cell(row["applicant_id"], style),
            cell(row.get("applicant_name", ""), style),
            shown(row["final_score"]),
            "" if margin is None or pd.isna(margin) else shown(margin),
            cell(pick(RESULT_LABELS[str(row["result"])], lang), style),
        )
        reasons.append(
            f"  {row['applicant_id']}: {row['reason_ko' if lang == 'ko' else 'reason_en']}"
        )
    return table, reasons


def show_result(
    console: Console, result: EvaluationResult, robust: RobustnessReport | None, lang: str
) -> None:
    """Print an evaluation: eligibility, stage counts, the final ranking, robustness."""
    ko = lang == "ko"
    spec = result.spec
    if spec.example and spec.note is not None:
        say(console, ("주의: " if ko else "note: ") + spec.note.get(lang))
    outcomes = result.prepared.eligibility["outcome"].astype(str).value_counts()
    say(
        console,
        ("지원 요건: " if ko else "eligibility: ")
        + ", ".join(f"{pick(ELIGIBILITY_LABELS[str(k)], lang)} {v}" for k, v in outcomes.items()),
    )
    console.print(_stage_counts(result, lang))
    table, reasons = _final_table(result, lang)
    console.print(table)
    say(console, pick(("사유:", "Reasons:"), lang))
    for line in reasons:
        say(console, line)
    say(console, pick(ROUNDING, lang))
    say(console, ("선정: " if ko else "selected: ") + ", ".join(result.selected_ids))
    say(console, ("예비: " if ko else "reserves: ") + (", ".join(result.reserve_ids) or "-"))
    quorum = [i for i, r in zip(result.ids, result.results, strict=True) if r == "no_quorum"]
    if quorum:
        say(
            console,
            (
                f"잠정 결과: {', '.join(quorum)}은(는) 평가위원 정족수가 부족해 해당 단계를 다시 "
                "평가해야 하므로 선정이 확정되지 않았습니다."
                if ko
                else f"provisional: {', '.join(quorum)} had no quorum at a stage and must be "
                "evaluated again before the selection is final."
            ),
        )
    if result.selection.unresolved.any():
        say(
            console,
            ("위원회 결정 필요: " if ko else "for the committee to decide: ")
            + ", ".join(result.ids[r] for r in np.flatnonzero(result.selection.unresolved)),
        )
    if robust is not None:
        say(console, robust.summary(lang))
    show_assumptions(console, result.prepared.profile, result.prepared.on, lang)


def write_result(
    result: EvaluationResult, robust: RobustnessReport | None, out: Path, lang: str
) -> Path:
    """The report at ``out``, whose path was checked before the work."""
    from selectlib.scoring.report import write_report

    return write_report(result, out, robustness=robust, lang=lang, force=True)


def run_selection(
    profile: Profile,
    applicants: Path,
    scores: Path,
    evaluators: Path | None,
    recusals: Path | None,
    on: dt.date,
    context: Any = None,
) -> EvaluationResult:
    """Read the evaluation's files and run it."""
    return run_files(
        profile, applicants, evaluation_files(scores, evaluators, recusals), on, context
    )


def run_files(
    profile: Profile, applicants: Path, files: ScoreFolder, on: dt.date, context: Any = None
) -> EvaluationResult:
    """Run the evaluation of ``files`` (:func:`evaluation_files`)."""
    from selectlib.scoring import evaluate_selection, read_evaluators, read_recusals, read_scores

    frame = read_table(applicants)
    spec = profile.spec.evaluation
    if spec is None:
        raise InputError(f"{profile.id} has no evaluation section: add one to the profile")
    if files.evaluators is None:
        raise InputError("no evaluators table: pass --evaluators FILE")
    panel = read_evaluators(files.evaluators)
    long = read_scores(list(files.scores), spec, evaluators=[e.id for e in panel])
    return evaluate_selection(
        profile,
        frame,
        long,
        panel,
        read_recusals(files.recusals) if files.recusals is not None else (),
        on=on,
        context=context,
    )
