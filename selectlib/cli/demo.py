"""``selectlib demo``: the flagship program on the sample data: eligibility, a reform
preview, then the selection with its reports.

Imported by the command only when it runs, so ``selectlib --help`` stays light.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Final

from rich.console import Console

from selectlib.cli import render
from selectlib.cli.labels import wrote
from selectlib.cli.options import Lang, check_outputs
from selectlib.cli.render import say
from selectlib.cli.selection import optional_context, run_selection, show_result, write_result
from selectlib.io.tables import read_table, sample_data_dir
from selectlib.io.write import write_table
from selectlib.profile.compiled import load_profile
from selectlib.scoring.robust import robustness
from selectlib.simulate.compare import compare as compare_profiles
from selectlib.simulate.compare import summarize_comparison

__all__ = ["DEMO_REPORTS", "DEMO_TABLES", "data_lines", "demo_data", "run_demo"]

DEMO_PROFILE: Final = "micro_manufacturer_center_2024"
"""The flagship program the demo runs."""
DEMO_DATE: Final = dt.date(2024, 5, 1)
"""The day the demo evaluates on (the sample data's)."""
DEMO_REFORM: Final = {"cluster_min": {"metro": 30, "city": 20, "county": 10}, "min_staff": 2}
"""The reform the demo previews: who flips under stricter thresholds."""
DEMO_TABLES: Final = ("decisions.csv", "reform.csv")
"""The demo's tables, written to its --out folder (beside the reports)."""
DEMO_REPORTS: Final = ("selection.html", "selection.xlsx")
"""The demo's selection reports, written to its --out folder."""
DEMO_FILES: Final = (
    "applicants.csv",
    "evaluation/scores.csv",
    "evaluation/evaluators.csv",
    "evaluation/recusals.csv",
    "geo/firms.csv",
    "geo/areas.geojson",
)
"""The sample files the demo reads, relative to the sample data folder."""


def _is_checkout(root: Path) -> bool:
    """Whether ``root`` is a selectlib source checkout with its sample data."""
    return (
        (root / "pyproject.toml").is_file()
        and (root / "selectlib").is_dir()
        and (root / "sample_data" / "applicants.csv").is_file()
    )


def demo_data() -> tuple[Path, str]:
    """The sample data folder the demo reads, and which copy it is.

    A checkout's ``sample_data/`` comes first (the one this package was imported from,
    then the current folder), so editing the samples changes what the demo shows; the
    copy installed inside the package otherwise.
    """
    for root in (Path(__file__).resolve().parents[2], Path.cwd()):
        if _is_checkout(root):
            return root / "sample_data", "the working tree's sample_data/"
    return sample_data_dir(), "the copy installed with selectlib"


def data_lines(data: Path, which: str) -> list[str]:
    """The demo's first lines: the sample data folder, which copy it is, the files read."""
    return [f"sample data: {data} ({which})", f"reads: {', '.join(DEMO_FILES)}"]


def _selection(console: Console, data: Path, out: Path, lang: str) -> list[Path]:
    """The demo's selection: the flagship's example evaluation on the sample committee,
    with eligibility computed from the sample firm registry; writes the reports."""
    profile = load_profile(DEMO_PROFILE)
    folder = data / "evaluation"
    geo = data / "geo"
    result = run_selection(
        profile,
        data / "applicants.csv",
        folder / "scores.csv",
        folder / "evaluators.csv",
        folder / "recusals.csv",
        DEMO_DATE,
        optional_context(geo / "firms.csv", geo / "areas.geojson"),
    )
    robust = robustness(result, resamples=1000, seed=0)
    show_result(console, result, robust, lang)
    return [write_result(result, robust, out / name, lang) for name in DEMO_REPORTS]


_REFORM_TITLE: Final = {
    Lang.KO: "개편 미리보기: cluster_min 광역시 30 / 시 20 / 군 10, min_staff 2",
    Lang.EN: "reform preview: cluster_min metro 30 / city 20 / county 10, min_staff 2",
}
_SELECTION_TITLE: Final = {
    Lang.KO: "선정: 예시 지도에서 집적지 확인, 이어서 서류검토 → 현장실사 → 발표평가",
    Lang.EN: "selection: cluster check on the sample map, then document → site → presentation",
}


def run_demo(out: Path, lang: Lang, force: bool) -> None:
    """Run the demo, writing its tables and reports to the folder ``out``."""
    check_outputs([out / name for name in (*DEMO_TABLES, *DEMO_REPORTS)], [], force)
    console = Console(highlight=False)
    data, which = demo_data()
    for line in data_lines(data, which):
        say(console, line)
    profile = load_profile(DEMO_PROFILE)
    source = data / "applicants.csv"
    frame = read_table(source)
    results = profile.evaluate_many(frame, on=DEMO_DATE, explain=True)
    names = frame["applicant_name"] if "applicant_name" in frame.columns else None
    identifier = profile.spec.identifier
    ko = lang is Lang.KO
    console.rule(profile.name.get(lang))
    say(
        console,
        f"{source}: 예시 신청자 {len(frame)}명, 판정일 {DEMO_DATE}"
        if ko
        else f"{len(frame)} sample applicants from {source}, on {DEMO_DATE}",
    )
    say(console, render.outcomes_line(results, lang))
    console.print(render.criteria_counts_table(profile, results, lang))
    console.print(render.decisions_table(results, profile, lang, names))

    reform = profile.with_params(DEMO_REFORM)
    result = compare_profiles(profile, reform, frame, on=DEMO_DATE)
    console.rule(_REFORM_TITLE[lang])
    say(console, render.changes_line(result, lang))
    console.print(render.summary_table(summarize_comparison(result), lang))
    console.print(render.comparison_table(result, identifier, names, lang))
    extra = [c for c in ("applicant_name", "note") if c in frame.columns]
    for name, table in zip(DEMO_TABLES, (results, result), strict=True):
        write_table(table.join(frame[extra]), out / name, "csv", force=True)
        say(console, wrote(out / name, None, lang))

    console.rule(_SELECTION_TITLE[lang])
    for path in _selection(console, data, out, lang.value):
        say(console, wrote(path, None, lang))
