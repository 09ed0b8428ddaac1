"""The ``selectlib evaluate`` and ``selectlib sheets`` commands.

Kept apart from :mod:`selectlib.cli.app` so the spreadsheet and statistics libraries load
only when an evaluation command runs; the work is in :mod:`selectlib.cli.selection`,
imported by the commands, so ``--help`` loads no table library either.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from selectlib.cli.options import (
    ForceOpt,
    Lang,
    LangOpt,
    ProfileArg,
    check_folder,
    check_outputs,
)
from selectlib.errors import InputError

__all__ = ["evaluate", "sheets"]

ApplicantsOpt = Annotated[
    Path, typer.Option("--applicants", help="Applicants: .csv, .xlsx, .parquet or .json.")
]
EvaluatorsOpt = Annotated[
    Path | None,
    typer.Option(
        "--evaluators",
        help="Evaluators (evaluator_id, name, external, stages); default: the evaluators "
        "table in the scores folder (or evaluators.csv beside a scores file).",
    ),
]
RecusalsOpt = Annotated[
    Path | None,
    typer.Option(
        "--recusals",
        help="Recusals (제척·기피·회피): evaluator_id, applicant_id, kind; default: the "
        "recusals table in the scores folder, if any.",
    ),
]
OnOpt = Annotated[
    str | None, typer.Option("--on", help="Date of the eligibility rules (YYYY-MM-DD).")
]
FirmsOpt = Annotated[
    Path | None, typer.Option("--firms", help="A firm registry for the cluster check.")
]
AreasOpt = Annotated[Path | None, typer.Option("--areas", help="읍면동 polygons, to place points.")]
REPORTS = (".html", ".xlsx", ".json")


def _check_report(out: Path | None, inputs: list[Path | str | None], force: bool) -> None:
    if out is not None and out.suffix.lower() not in REPORTS:
        raise InputError(f"--out {out}: write a report as {', '.join(REPORTS)}")
    check_outputs([out], inputs, force)


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
    lang: LangOpt = Lang.KO,
    force: ForceOpt = False,
) -> None:
    """Run the whole selection: eligibility, every stage, the final ranking and robustness."""
    from rich.console import Console

    from selectlib.cli.render import say
    from selectlib.cli.selection import (
        evaluation_files,
        optional_context,
        run_files,
        show_files,
        show_result,
        write_result,
    )
    from selectlib.dates import as_date
    from selectlib.profile.compiled import load_profile
    from selectlib.scoring.robust import robustness

    _check_report(out, [profile, applicants, scores, evaluators, recusals, firms, areas], force)

    console = Console(highlight=False)
    files = evaluation_files(scores, evaluators, recusals)
    show_files(console, files, lang.value)
    result = run_files(
        load_profile(profile), applicants, files, as_date(on), optional_context(firms, areas)
    )
    robust = robustness(result, resamples=resamples, seed=seed) if resamples > 0 else None
    show_result(console, result, robust, lang.value)
    if out is not None:
        written = write_result(result, robust, out, lang.value)
        say(console, ("저장: " if lang == Lang.KO else "wrote ") + str(written))


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
    lang: LangOpt = Lang.KO,
    force: ForceOpt = False,
) -> None:
    """Write one score sheet per evaluator (.xlsx) and a long CSV template for a stage."""
    import pandas as pd
    from rich.console import Console

    from selectlib.cli.render import say
    from selectlib.cli.selection import optional_context, score_files
    from selectlib.dates import as_date
    from selectlib.io.tables import read_table
    from selectlib.profile.compiled import load_profile
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
            score_files(scores, evaluators, recusals), spec, evaluators=[e.id for e in panel]
        )
        if scores is not None
        else pd.DataFrame(columns=["stage", "evaluator_id", "applicant_id", "criterion", "score"])
    )
    prepared = prepare_evaluation(
        loaded, frame, long, panel, recused, on=as_date(on), context=optional_context(firms, areas)
    )
    chosen = stage_candidates(prepared, stage)
    rows = frame.reset_index(drop=True).loc[chosen]
    written = write_sheets(
        spec, stage, rows, panel, out, recusals=recused, program=loaded.name, force=force
    )
    console = Console(highlight=False)
    label = spec.stage(stage).label.get(lang.value)
    sheets_made = len(written) - 1
    say(
        console,
        f"{label}: 채점할 신청기관 {len(rows)}개, 평가표 {sheets_made}개"
        if lang == Lang.KO
        else f"{label}: {len(rows)} applicants to score, {sheets_made} sheets",
    )
    for path in written:
        say(console, ("저장: " if lang == Lang.KO else "wrote ") + str(path))
