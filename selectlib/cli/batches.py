"""Running a command over an input table batch by batch: read, evaluate, write.

Memory is bounded by the batch size: a batch is read (:func:`selectlib.io.stream.read_batches`),
evaluated, appended to the output (:mod:`selectlib.io.batch_write`, on the temporary
file of :func:`selectlib.io.files.write_file`) and dropped; only the counts and the few rows
the terminal shows are kept. Rows come back in input order. A progress bar on stderr moves
per batch for reading, evaluating and writing, when stderr is a terminal.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import attrs
import pandas as pd
from rich.console import Console
from rich.progress import Progress, TaskID

from selectlib.cli.options import Format
from selectlib.io.batch_write import Appendix, BatchWriter, CsvWriter, JsonWriter, open_writer
from selectlib.io.files import write_file
from selectlib.io.stream import Restart, batch_count, read_batches

__all__ = ["Job", "Run", "concat_batches", "run_batches"]

Work = Callable[[pd.DataFrame], pd.DataFrame]
"""Turns a batch of input rows into the same rows' results."""
Keep = Callable[[pd.DataFrame], pd.DataFrame]
"""The rows of a batch of results to keep for the terminal (e.g. the first ones)."""
Opener = Callable[[ExitStack], BatchWriter | None]


def concat_batches(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Batches of results as one table; categorical columns stay categorical (their
    categories united), where ``pd.concat`` would turn differing ones into text."""
    if len(frames) == 1:
        return frames[0]
    if not frames:
        return pd.DataFrame()
    index = frames[0].index.append([frame.index for frame in frames[1:]])
    columns = {}
    for name in frames[0].columns:
        parts = [frame[name] for frame in frames]
        if all(isinstance(part.dtype, pd.CategoricalDtype) for part in parts):
            columns[name] = _union(parts)
        else:
            columns[name] = pd.concat(parts, ignore_index=True).array
    return pd.DataFrame(columns, index=index)


def _union(parts: list[pd.Series]) -> pd.Categorical:
    """Categorical parts as one; a part without categories takes the others' kind of
    categories (an empty batch's are untyped)."""
    typed = [part for part in parts if len(part.cat.categories)]
    if not typed:
        return pd.Categorical(pd.concat(parts, ignore_index=True))
    kind = typed[0].cat.categories.dtype
    same = [
        part if len(part.cat.categories) else part.cat.set_categories(pd.Index([], dtype=kind))
        for part in parts
    ]
    return pd.api.types.union_categoricals(same)


@attrs.define
class Run:
    """What a run over the batches leaves for the terminal: the number of rows, the
    counts of one column's values, and the rows kept."""

    rows: int = 0
    counts: Counter[str] = attrs.Factory(Counter)
    kept: list[pd.DataFrame] = attrs.Factory(list)

    def add(self, results: pd.DataFrame, counted: str, keep: Keep) -> None:
        """Count a batch of results and keep what the terminal will show of it."""
        self.rows += len(results)
        counts = results[counted].value_counts()
        self.counts.update({str(key): int(count) for key, count in counts.items()})
        kept = keep(results)
        if len(kept) or not self.kept:  # the first, even empty, gives the columns
            self.kept.append(kept)

    def table(self) -> pd.DataFrame:
        """The kept rows, in input order."""
        return concat_batches(self.kept)


@attrs.frozen
class Job:
    """What to do with each batch: ``work`` makes its results, ``counted`` names the
    column whose values are counted, ``keep`` picks the rows the terminal shows."""

    work: Work
    counted: str
    keep: Keep


def _progress(total: int | None) -> tuple[Progress, list[TaskID]]:
    """A progress bar on stderr (shown only on a terminal), one task per stage."""
    console = Console(stderr=True)
    progress = Progress(console=console, transient=True, disable=not console.is_terminal)
    stages = ("reading", "evaluating", "writing")
    return progress, [progress.add_task(stage, total=total) for stage in stages]


def _one_pass(
    batches: Iterator[pd.DataFrame], job: Job, writer: BatchWriter | None, total: int | None
) -> Run:
    """Read, evaluate and write overlapped: while a batch is evaluated, the next is read
    and the one before is written, each on its own thread (pyarrow releases the GIL as
    it decodes and encodes). One batch is written at a time, in input order; an error
    on either thread is raised here."""
    run = Run()
    progress, (reading, evaluating, writing) = _progress(total)
    with progress, ThreadPoolExecutor(1) as reader, ThreadPoolExecutor(1) as behind:
        ahead = reader.submit(next, batches, None)
        written: Future[None] | None = None
        while (frame := ahead.result()) is not None:
            ahead = reader.submit(next, batches, None)
            progress.advance(reading, len(frame))
            results = job.work(frame)
            progress.advance(evaluating, len(frame))
            run.add(results, job.counted, job.keep)
            if writer is not None:
                if written is not None:
                    written.result()
                written = behind.submit(_write, writer, results, progress, writing)
        if written is not None:
            written.result()
        if writer is not None:
            writer.close()
    return run


def _write(writer: BatchWriter, results: pd.DataFrame, progress: Progress, task: TaskID) -> None:
    writer.write(results)
    progress.advance(task, len(results))


def _attempts(source: Path, rows: int, job: Job, opener: Opener, fast: bool) -> Run:
    """One pass over ``source``; with ``fast``, again with the whole-file CSV reader if
    the fast one gave up after the output was begun (the output is then begun anew)."""
    total = batch_count(source)
    if fast:
        try:
            with ExitStack() as stack:
                return _one_pass(read_batches(source, rows), job, opener(stack), total)
        except Restart:
            pass
    with ExitStack() as stack:
        return _one_pass(read_batches(source, rows, fast=False), job, opener(stack), total)


def _no_writer(stack: ExitStack) -> None:
    return None


def run_batches(
    source: Path,
    job: Job,
    *,
    rows: int,
    out: Path | None,
    format: Format,
    raw: bool,
    sheet: str = "Sheet",
    appendix: Appendix | None = None,
) -> Run:
    """``job`` over ``source`` batch by batch, results written to ``out`` (through
    :func:`write_file`; an xlsx file's sheet named ``sheet``, then ``appendix``), or
    csv/json to stdout, or only kept for a terminal table."""
    if out is not None:
        done: list[Run] = []

        def write(temporary: Path) -> None:
            def opener(stack: ExitStack) -> BatchWriter:
                return open_writer(format.value, temporary, not raw, stack, sheet, appendix)

            done.append(_attempts(source, rows, job, opener, fast=True))

        write_file(out, write)
        return done[0]
    if format is Format.CSV:
        return _attempts(source, rows, job, lambda _: CsvWriter(sys.stdout, not raw), fast=False)
    if format is Format.JSON:
        return _attempts(source, rows, job, lambda _: JsonWriter(sys.stdout), fast=False)
    return _attempts(source, rows, job, _no_writer, fast=True)
