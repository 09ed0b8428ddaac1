"""The work of ``selectlib simulate``: read the grid and the table, sweep, show, write.

A file is read with the library's readers and swept in-process with a progress bar over
the grid; a folder of Parquet partitions is read with Dask and swept partition by
partition, on ``--scheduler`` when one is given. The table goes through the library's
writers (never over an input, no formulas in xlsx); only the rows shown are formatted.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import typer

from selectlib.cli.options import MAX_SET_LENGTH, Lang, check_outputs, option_day
from selectlib.errors import InputError

if TYPE_CHECKING:
    import pandas as pd
    from rich.table import Table

    from selectlib.profile.compiled import Profile
    from selectlib.simulate.grid import Grid

__all__ = ["SHOWN_POINTS", "parse_vary", "run_sweep"]

SHOWN_POINTS: Final = 50
"""Rows of the sweep table shown in the terminal; --out writes all of them."""
_SHOWN_COLUMNS: Final = (
    "eligible",
    "ineligible",
    "incomplete",
    "invalid",
    "gained",
    "lost",
    "granted",
    "capacity",
)
_TEXTS: Final = {
    Lang.EN: ("{n:,} grid points over {rows} applicants", "per-criterion failures: --out FILE"),
    Lang.KO: ("격자 {n:,}개, 신청 {rows}건", "요건별 미충족 수: --out FILE"),
}


def parse_vary(items: Sequence[str]) -> dict[str, list[Any]]:
    """``--vary KEY=V1,V2`` options as a mapping of keys to lists (each value YAML)."""
    import yaml

    from selectlib.cli.set_yaml import read_value

    vary: dict[str, list[Any]] = {}
    for item in items:
        key, equals, text = item.partition("=")
        key = key.strip()
        if not equals or not key:
            raise typer.BadParameter(
                f"{item[:40]!r} is not KEY=V1,V2 (e.g. min_staff=1,2,3)", param_hint="--vary"
            )
        if key in vary:
            raise typer.BadParameter(
                f"{key!r} is given twice; list its values once", param_hint="--vary"
            )
        if len(item) > MAX_SET_LENGTH:
            raise InputError(
                f"--vary {key}=... is {len(item):,} characters, more than MAX_SET_LENGTH "
                f"({MAX_SET_LENGTH:,}); sweep fewer values"
            )
        parts = [part.strip() for part in text.split(",")] if text.strip() else []
        try:
            vary[key] = [read_value(part) if part else None for part in parts]
        except yaml.YAMLError as exc:
            problem = getattr(exc, "problem", None) or "not YAML"
            raise typer.BadParameter(f"{key}: {problem}", param_hint="--vary") from None
    return vary


def _won(text: str | None) -> int | None:
    from selectlib.cli.benefits import parse_won

    return parse_won(text, "--budget")


@contextlib.contextmanager
def _scheduler(address: str | None) -> Iterator[None]:
    """A Dask client on ``address`` while the sweep runs (none: Dask's in-process one)."""
    if address is None:
        yield
        return
    try:
        from distributed import Client
    except ImportError:
        raise InputError('--scheduler needs Dask: pip install "selectlib[dask]"') from None
    try:
        client = Client(address, timeout="10s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"--scheduler {address!r}: cannot connect ({exc})") from None
    with client:
        yield


def _partitions(folder: Path) -> Any:
    """A folder of Parquet files as a Dask DataFrame, one partition a file."""
    if not any(folder.glob("*.parquet")):
        raise InputError("the folder has no .parquet files; give a file or a folder of them",
                         file=str(folder))  # fmt: skip
    try:
        import dask.dataframe as dd
    except ImportError:
        raise InputError(
            'a folder of partitions needs Dask: pip install "selectlib[dask]"', file=str(folder)
        ) from None
    return dd.read_parquet(str(folder))


def _sweep_file(
    rules: Profile, input: Path, grid: Grid, options: dict[str, Any]
) -> tuple[pd.DataFrame, int]:
    """Sweep a table file in-process, with a progress bar over the grid."""
    from rich.progress import Progress

    from selectlib.io.tables import read_table
    from selectlib.simulate.sweep import sweep_table

    frame = read_table(input)
    with Progress(transient=True) as progress:
        task = progress.add_task("sweep", total=len(grid.points))
        table = sweep_table(
            rules, frame, grid, progress=lambda _: progress.advance(task), **options
        )
    return table, len(frame)


def shown_table(table: pd.DataFrame, keys: Sequence[str], limit: int) -> Table:
    """The first ``limit`` rows: the varied keys, the group and the main counts, formatted
    for those rows only."""
    from rich.table import Table

    from selectlib.cli.render import cell

    columns = [*keys, *(c for c in _SHOWN_COLUMNS if c in table.columns)]
    view = Table(header_style="bold")
    for name in columns:
        view.add_column(str(name), justify="left" if name in keys else "right")
    for values in table[columns].head(limit).itertuples(index=False, name=None):
        view.add_row(*(cell(f"{v:,}" if isinstance(v, int) else v) for v in values))
    return view


def run_sweep(
    profile: str,
    input: Path,
    vary_items: Sequence[str],
    *,
    zipped: bool,
    by: str | None,
    budget: str | None,
    on: str | None,
    firms: Path | None,
    areas: Path | None,
    scheduler: str | None,
    out: Path | None,
    lang: Lang,
    force: bool,
    raw_csv: bool,
) -> None:
    """``selectlib simulate``: see :func:`selectlib.cli.simulate.simulate`."""
    from rich.console import Console

    from selectlib.cli.geo import geo_context
    from selectlib.cli.labels import wrote
    from selectlib.cli.render import say, show_assumptions
    from selectlib.geo.areas import read_areas
    from selectlib.io.write import write_table
    from selectlib.profile.compiled import load_profile
    from selectlib.simulate.distributed import sweep_dask
    from selectlib.simulate.grid import build_grid
    from selectlib.simulate.report import write_sweep_report

    if scheduler is not None and not input.is_dir():
        raise typer.BadParameter(
            "needs INPUT to be a folder of Parquet partitions", param_hint="--scheduler"
        )
    check_outputs([out], [input, firms, areas, profile], force)
    vary = parse_vary(vary_items)
    rules = load_profile(profile)
    grid = build_grid(rules, vary, zipped)
    options: dict[str, Any] = {
        "on": option_day(on),
        "by": by,
        "budget": _won(budget),
        "context": geo_context(firms, areas) if firms is not None else None,
    }
    rows = None
    if input.is_dir():
        with _scheduler(scheduler):
            table = sweep_dask(rules, _partitions(input), grid, **options)
    else:
        table, rows = _sweep_file(rules, input, grid, options)
    console = Console(highlight=False)
    counted, note = _TEXTS[lang]
    say(console, counted.format(n=len(grid.points), rows="?" if rows is None else f"{rows:,}"))
    console.print(shown_table(table, [*vary, *([by] if by else [])], SHOWN_POINTS))
    day = options["on"]
    show_assumptions(console, rules, day, lang, scoring=False)
    if out is not None and out.suffix.lower() == ".html":
        written = write_sweep_report(
            table,
            out,
            title=rules.name.get(lang),
            vary=list(vary),
            by=by,
            areas=read_areas(areas) if areas is not None else None,
            lang=lang,
            inputs=[input, *(p for p in (firms, areas) if p is not None)],
            force=force,
            assumptions=[
                (a.where, a.text.get(lang))
                for a in rules.assumptions(day)
                if not a.where.startswith("evaluation.")
            ],
            labels={c.id: c.label.get(lang) for c in rules.criteria},
        )
        say(console, wrote(written, None, lang))
    elif out is not None:
        written = write_table(table, out, force=force, raw_csv=raw_csv)
        say(console, wrote(written, len(table), lang))
    else:
        say(console, note)
