"""The ``selectlib evaluate`` and ``selectlib sheets`` commands, and the demo's selection.

Kept apart from :mod:`selectlib.cli.app` so the spreadsheet and statistics libraries load
only when an evaluation command runs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final

import numpy as np
import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from selectlib.cli.options import ForceOpt, ProfileArg, check_folder, check_outputs
from selectlib.cli.render import cell, say
from selectlib.errors import InputError
from selectlib.io.tables import read_table, sample_data_dir
from selectlib.profile.compiled import Profile, load_profile
from selectlib.scoring.result import RESULT_LABELS, STATUS_LABELS

if TYPE_CHECKING:
    from selectlib.scoring import EvaluationResult
    from selectlib.scoring.robust import RobustnessReport

__all__ = ["evaluate", "run_demo_selection", "sheets"]

ApplicantsOpt = Annotated[
    Path, typer.Option("--applicants", help="Applicants: .csv, .xlsx, .parquet or .json.")
]
EvaluatorsOpt = Annotated[
    Path | None,
    typer.Option(
        "--evaluators",
        help="Evaluators (evaluator_id, name, external, stages); default: evaluators.csv "
        "beside the scores.",
    ),
]
RecusalsOpt = Annotated[
    Path | None,
    typer.Option("--recusals", help="Recusals (제척·기피·회피): evaluator_id, applicant_id, kind."),
]
OnOpt = Annotated[
    str | None, typer.Option("--on", help="Date of the eligibility rules (YYYY-MM-DD).")
]
FirmsOpt = Annotated[
    Path | None, typer.Option("--firms", help="A firm registry for the cluster check.")
]
AreasOpt = Annotated[Path | None, typer.Option("--areas", help="읍면동 polygons, to place points.")]
REPORTS = (".html", ".xlsx", ".json")


def _evaluators_path(given: Path | None, scores: Path) -> Path:
    if given is not None:
        return given
    folder = scores if scores.is_dir() else scores.parent
    default = folder / "evaluators.csv"
    if not default.is_file():
        raise InputError(f"no evaluators: pass --evaluators FILE (no evaluators.csv in {folder})")
    return default


def _score_files(scores: Path, *others: Path | None) -> Path | list[Path]:
    """The score files: ``scores`` itself, or a folder's sheets and CSVs without the
    evaluators and recusals tables that may sit beside them."""
    if not scores.is_dir():
        return scores
    skip = {p.resolve() for p in others if p is not None}
    files = [
        p
        for p in sorted(scores.iterdir())
        if p.suffix.lower() in (".xlsx", ".csv")
        and not p.name.startswith("~$")
        and p.resolve() not in skip
    ]
    return files or scores


def _context(firms: Path | None, areas: Path | None) -> Any:
    if firms is None:
        return None
    from selectlib.cli.geo import geo_context

    return geo_context(firms, areas)


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


def _final_table(result: EvaluationResult, lang: str) -> Table:
    ko = lang == "ko"
    frame = result.table()
    table = Table(title="최종 순위" if ko else "Final ranking", title_justify="left")
    for name in (
        ("순위", "ID", "기관명", "최종 점수", "결과", "사유")
        if ko
        else ("rank", "id", "name", "final", "result", "why")
    ):
        table.add_column(name, overflow="fold")
    finalists = frame[frame["rank"].notna()].sort_values(["rank", "applicant_id"])
    for _, row in finalists.iterrows():
        result_text = RESULT_LABELS[str(row["result"])][0 if ko else 1]
        style = "bold green" if row["result"] == "selected" else ""
        table.add_row(
            str(row["rank"]),
            cell(row["applicant_id"], style),
            cell(row.get("applicant_name", ""), style),
            f"{row['final_score']:.2f}",
            cell(result_text, style),
            cell(row["reason_ko" if ko else "reason_en"]),
        )
    return table


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
        + ", ".join(f"{k} {v}" for k, v in outcomes.items()),
    )
    console.print(_stage_counts(result, lang))
    console.print(_final_table(result, lang))
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


def _write(result: EvaluationResult, robust: RobustnessReport | None, out: Path, lang: str) -> Path:
    """The report at ``out``, whose path was checked before the work."""
    from selectlib.scoring.report import write_report

    return write_report(result, out, robustness=robust, lang=lang, force=True)


def _check_report(out: Path | None, inputs: list[Path | str | None], force: bool) -> None:
    if out is not None and out.suffix.lower() not in REPORTS:
        raise InputError(f"--out {out}: write a report as {', '.join(REPORTS)}")
    check_outputs([out], inputs, force)


def run_selection(
    profile: Profile,
    applicants: Path,
    scores: Path,
    evaluators: Path,
    recusals: Path | None,
    on: dt.date,
    context: Any = None,
) -> EvaluationResult:
    """Read the evaluation's files and run it."""
    from selectlib.scoring import evaluate_selection, read_evaluators, read_recusals, read_scores

    frame = read_table(applicants)
    spec = profile.spec.evaluation
    if spec is None:
        raise InputError(f"{profile.id} has no evaluation section: add one to the profile")
    panel = read_evaluators(evaluators)
    files = _score_files(scores, evaluators, recusals)
    long = read_scores(files, spec, evaluators=[e.id for e in panel])
    return evaluate_selection(
        profile,
        frame,
        long,
        panel,
        read_recusals(recusals) if recusals is not None else (),
        on=on,
        context=context,
    )


def evaluate(
    profile: ProfileArg,
    applicants: ApplicantsOpt,
    scores: Annotated[
        Path,
        typer.Option("--scores", help="Filled score sheets: a folder, an .xlsx or a long .csv."),
    ],
    evaluators: EvaluatorsOpt = None,
    recusals: RecusalsOpt = None,
    on: OnOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the report: .html, .xlsx or .json.")
    ] = None,
    resamples: Annotated[
        int, typer.Option("--resamples", help="Bootstrap resamples of evaluators (0: none).")
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the resampling.")] = 0,
    firms: FirmsOpt = None,
    areas: AreasOpt = None,
    lang: Annotated[str, typer.Option("--lang", help="ko or en.")] = "ko",
    force: ForceOpt = False,
) -> None:
    """Run the whole selection: eligibility, every stage, the final ranking and robustness."""
    from selectlib.dates import as_date
    from selectlib.scoring.robust import robustness

    _check_report(out, [profile, applicants, scores, evaluators, recusals, firms, areas], force)

    console = Console(highlight=False)
    result = run_selection(
        load_profile(profile),
        applicants,
        scores,
        _evaluators_path(evaluators, scores),
        recusals,
        as_date(on),
        _context(firms, areas),
    )
    robust = robustness(result, resamples=resamples, seed=seed) if resamples > 0 else None
    show_result(console, result, robust, lang)
    if out is not None:
        say(console, f"wrote {_write(result, robust, out, lang)}")


def sheets(
    profile: ProfileArg,
    stage: Annotated[str, typer.Option("--stage", help="The stage to score, e.g. document.")],
    applicants: ApplicantsOpt,
    evaluators: Annotated[Path, typer.Option("--evaluators", help="The evaluators table.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the sheets to.")],
    recusals: RecusalsOpt = None,
    scores: Annotated[
        Path | None,
        typer.Option(
            "--scores", help="Scores of the earlier stages, to find who reached this stage."
        ),
    ] = None,
    on: OnOpt = None,
    firms: FirmsOpt = None,
    areas: AreasOpt = None,
    force: ForceOpt = False,
) -> None:
    """Write one score sheet per evaluator (.xlsx) and a long CSV template for a stage."""
    from selectlib.dates import as_date
    from selectlib.scoring import (
        prepare_evaluation,
        read_evaluators,
        read_recusals,
        read_scores,
        stage_candidates,
        write_sheets,
    )

    check_folder(out, [profile, applicants, evaluators, recusals, scores, firms, areas])
    loaded = load_profile(profile)
    spec = loaded.spec.evaluation
    if spec is None:
        raise InputError(f"{loaded.id} has no evaluation section: add one to the profile")
    if stage not in spec.stage_ids:
        raise InputError(f"--stage {stage!r}: the stages are {', '.join(spec.stage_ids)}")
    panel = read_evaluators(evaluators)
    recused = read_recusals(recusals) if recusals is not None else ()
    frame = read_table(applicants)
    if stage != spec.stage_ids[0] and scores is None:
        raise InputError(
            f"--stage {stage}: give --scores with the earlier stages' scores, so the "
            "applicants who reached it can be worked out"
        )
    long = (
        read_scores(
            _score_files(scores, evaluators, recusals), spec, evaluators=[e.id for e in panel]
        )
        if scores is not None
        else pd.DataFrame(columns=["stage", "evaluator_id", "applicant_id", "criterion", "score"])
    )
    prepared = prepare_evaluation(
        loaded, frame, long, panel, recused, on=as_date(on), context=_context(firms, areas)
    )
    chosen = stage_candidates(prepared, stage)
    rows = frame.reset_index(drop=True).loc[chosen]
    written = write_sheets(
        spec, stage, rows, panel, out, recusals=recused, program=loaded.name, force=force
    )
    console = Console(highlight=False)
    say(console, f"{len(rows)} applicants to score at {stage}; {len(written) - 1} sheets")
    for path in written:
        say(console, f"wrote {path}")


DEMO_REPORTS: Final = ("selection.html", "selection.xlsx")
"""The demo's selection reports, written to its --out folder."""


def run_demo_selection(console: Console, out: Path, lang: str) -> list[Path]:
    """The demo's selection: the flagship's example evaluation on the sample committee,
    with eligibility computed from the sample firm registry; writes the reports."""
    from selectlib.scoring.robust import robustness

    profile = load_profile("micro_manufacturer_center_2024")
    folder = sample_data_dir() / "evaluation"
    geo = sample_data_dir() / "geo"
    result = run_selection(
        profile,
        sample_data_dir() / "applicants.csv",
        folder / "scores.csv",
        folder / "evaluators.csv",
        folder / "recusals.csv",
        dt.date(2024, 5, 1),
        _context(geo / "firms.csv", geo / "areas.geojson"),
    )
    robust = robustness(result, resamples=1000, seed=0)
    show_result(console, result, robust, lang)
    return [_write(result, robust, out / name, lang) for name in DEMO_REPORTS]
