"""Rich tables and summary lines for the command line: results in, renderables out.

Every cell goes through :func:`cell`, so text from profiles or input files (which may
contain ``[...]``) is shown as is and never read as rich markup.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from selectlib.cli.labels import WORDS, counted, word
from selectlib.eligibility.decision import Outcome
from selectlib.io.safe import terminal_text
from selectlib.profile.compiled import Profile

__all__ = [
    "change_counts_line",
    "changes_line",
    "comparison_table",
    "criteria_counts_table",
    "decisions_table",
    "outcome_counts_line",
    "outcomes_line",
    "shown_caption",
    "summary_table",
    "table",
]

OUTCOME_STYLES: Final = {
    Outcome.ELIGIBLE: "green",
    Outcome.INELIGIBLE: "red",
    Outcome.INCOMPLETE: "yellow",
    Outcome.INVALID: "magenta",
}
CHANGE_STYLES: Final = {"gained": "green", "lost": "red", "other": "yellow"}
_COUNTS: Final = frozenset({"failed", "missing", "applicants", "criteria", "clusters", "firms"})
"""Columns of counts: right-aligned and never wrapped."""
_SHORT: Final = frozenset(
    {"outcome", "before", "after", "change", "valid from", "since", "kind", "unit", "required"}
)
"""Columns of short words or dates: never wrapped (a date split over two lines misreads)."""


def say(console: Console, text: str) -> None:
    """Print plain text: no markup, no highlighting, no wrapping of long lines, and no
    terminal control sequence from an input (shown as ``\\x1b`` instead)."""
    console.print(terminal_text(text), markup=False, highlight=False, soft_wrap=True)


def cell(value: Any, style: str = "") -> Text:
    """A table cell showing ``value`` literally; missing values as an empty cell.

    Long words fold onto the next line instead of being cut (Korean text has few spaces);
    control characters from an input are shown, never sent to the terminal.
    """
    text = "" if pd.api.types.is_scalar(value) and pd.isna(value) else str(value)
    return Text(terminal_text(text), style, overflow="fold")


def table(title: str | None, lang: str, *columns: str) -> Table:
    """A table with ``columns`` as headers in ``lang`` (a column not in
    :data:`~selectlib.cli.labels.WORDS`, such as an input's id field, as it is).

    The first column (an id), counts, dates and status words never wrap, so a table fits
    80 columns by folding only its long text; counts are right-aligned.
    """
    shown = Table(title=title, header_style="bold")
    for index, name in enumerate(columns):
        shown.add_column(
            word(name, lang) if name in WORDS else name,
            no_wrap=index == 0 or name in _COUNTS or name in _SHORT,
            justify="right" if name in _COUNTS else "left",
        )
    return shown


def _outcome(value: object, lang: str) -> Text:
    return cell(word(str(value), lang), OUTCOME_STYLES.get(Outcome(str(value)), ""))


def _applicants(
    frame: pd.DataFrame, identifier: str | None, names: pd.Series | None
) -> tuple[list[str], list[list[Text]]]:
    """Headers and per-row cells naming each applicant: id (or row number), then name."""
    if identifier is not None and identifier in frame.columns:
        headers, columns = [identifier], [frame[identifier].tolist()]
    else:
        headers, columns = ["row"], [list(range(1, len(frame) + 1))]
    if names is not None:
        headers.append(str(names.name))
        columns.append(names.tolist())
    return headers, [[cell(v) for v in row] for row in zip(*columns, strict=True)]


def _why(results: pd.DataFrame, lang: str, profile: Profile, rows: int) -> list[str]:
    """Per row: the input problems of invalid rows, else each criterion that did not pass.

    A failed comparison shows the value seen and the threshold applied when the
    results carry them (``evaluate_many(..., explain=True)``).
    """
    needs = word("needs", lang)
    operators = {item.criterion.id: item.condition.symbol for item in profile.engine.criteria}
    lines = []
    for row in range(rows):
        if results["outcome"].iat[row] == Outcome.INVALID.value:
            lines.append(str(results["problems"].iat[row]))
            continue
        parts = []
        for criterion in profile.criteria:
            status = results[criterion.id].iat[row]
            if status == "passed":
                continue
            messages = criterion.messages
            message = (messages.failed if status == "failed" else messages.missing).get(lang)
            seen = _seen(results, criterion.id, row)
            threshold = _seen(results, f"{criterion.id}.threshold", row, bare=True)
            if status == "failed" and seen and threshold:
                seen = f"{seen}, {needs} {operators[criterion.id]} {threshold}"
            label = criterion.label.get(lang)
            parts.append(f"{label} ({seen}): {message}" if seen else f"{label}: {message}")
        lines.append(" ".join(parts))
    return lines


def _seen(results: pd.DataFrame, column: str, row: int, bare: bool = False) -> str:
    """The explanation column's value in ``row`` as text ('' if absent or missing)."""
    name = column if bare else f"{column}.value"
    if name not in results.columns:
        return ""
    value: Any = results[name].iat[row]
    return "" if pd.isna(value) else str(value)


# -- results ---------------------------------------------------------------------------------


def _counts(column: pd.Series) -> dict[str, int]:
    return {str(key): int(count) for key, count in column.value_counts().items()}


def outcomes_line(results: pd.DataFrame, lang: str = "en") -> str:
    """One line: how many applicants and how many of each outcome."""
    return outcome_counts_line(_counts(results["outcome"]), len(results), lang)


def outcome_counts_line(counts: Mapping[str, int], rows: int, lang: str = "en") -> str:
    """:func:`outcomes_line` from counts of each outcome (a run in batches keeps those)."""
    parts = [f"{word(o.value, lang)} {counts.get(o.value, 0):,}" for o in Outcome]
    return f"{counted(rows, 'applicant', lang)}: " + " · ".join(parts)


def shown_caption(shown: int, total: int, lang: str) -> str:
    """The caption of a table cut at ``shown`` of ``total`` rows."""
    if lang == "ko":
        return f"전체 {total:,}행 중 처음 {shown:,}행; 전부 보려면 --out FILE"
    return f"first {shown:,} of {counted(total, 'row', lang)}; use --out FILE for all of them"


def decisions_table(
    results: pd.DataFrame,
    profile: Profile,
    lang: str,
    names: pd.Series | None = None,
    limit: int | None = None,
    total: int | None = None,
) -> Table:
    """Applicant, outcome and why (reasons in ``lang``, or the problems of invalid rows).

    Only the first ``limit`` rows are formatted; ``total`` is the number of rows the
    results came from (default: those given), named in the caption when some are not shown.
    """
    shown = len(results) if limit is None else min(limit, len(results))
    total = len(results) if total is None else total
    results = results.iloc[:shown]
    names = None if names is None else names.iloc[:shown]
    headers, applicants = _applicants(results, profile.spec.identifier, names)
    decisions = table(None, lang, *headers, "outcome", "reasons")
    why = _why(results, lang, profile, shown)
    for row in range(shown):
        outcome = Outcome(str(results["outcome"].iat[row]))
        label = getattr(profile.spec.outcome, outcome.value).get(lang)
        decisions.add_row(*applicants[row], cell(label, OUTCOME_STYLES[outcome]), cell(why[row]))
    if shown < total:
        decisions.caption = shown_caption(shown, total, lang)
    return decisions


def criteria_counts_table(profile: Profile, results: pd.DataFrame, lang: str) -> Table:
    """How many applicants failed each criterion, and for how many it was undecided."""
    title = word("failures per criterion", lang)
    failures = table(title, lang, "criterion", "label", "failed", "missing")
    for criterion in profile.criteria:
        statuses = results[criterion.id].astype(str)
        failures.add_row(
            cell(criterion.id),
            cell(criterion.label.get(lang)),
            cell(int((statuses == "failed").sum()), "red"),
            cell(int((statuses == "missing").sum()), "yellow"),
        )
    return failures


# -- comparisons -----------------------------------------------------------------------------


_STATUS_CHANGE: Final = re.compile(r"\b(passed|failed|missing)→(passed|failed|missing)\b")


def _changed(text: object, lang: str) -> str:
    """``changed_criteria`` (``staff: failed→passed; ...``) with the statuses in ``lang``."""
    if not isinstance(text, str):
        return ""
    return _STATUS_CHANGE.sub(lambda m: f"{word(m[1], lang)}→{word(m[2], lang)}", text)


def changes_line(comparison: pd.DataFrame, lang: str = "en") -> str:
    """One line: how many applicants gained, lost, changed otherwise, or stayed the same."""
    return change_counts_line(_counts(comparison["change"]), len(comparison), lang)


def change_counts_line(counts: Mapping[str, int], rows: int, lang: str = "en") -> str:
    """:func:`changes_line` from counts of each change."""
    changes = ("gained", "lost", "other", "unchanged")
    parts = [f"{word(c, lang)} {counts.get(c, 0):,}" for c in changes]
    return f"{counted(rows, 'applicant', lang)}: " + " · ".join(parts)


def summary_table(summary: pd.DataFrame, lang: str = "en") -> Table:
    """:func:`selectlib.summarize_comparison` as a table."""
    title = word("who flips, and why", lang)
    flips = table(title, lang, "before", "after", "change", "changed criteria", "applicants")
    for row in summary.itertuples(index=False):
        flips.add_row(
            _outcome(row.before, lang),
            _outcome(row.after, lang),
            cell(word(str(row.change), lang), CHANGE_STYLES.get(str(row.change), "")),
            cell(_changed(row.changed_criteria, lang)),
            cell(row.applicants),
        )
    return flips


def comparison_table(
    comparison: pd.DataFrame,
    identifier: str | None,
    names: pd.Series | None = None,
    lang: str = "en",
) -> Table:
    """The applicants whose outcome changed, with the criteria that changed."""
    flipped = (comparison["change"].astype(str) != "unchanged").tolist()
    headers, applicants = _applicants(comparison, identifier, names)
    title = word("applicants whose outcome changes", lang)
    changes = table(title, lang, *headers, "before", "after", "changed criteria")
    for row in (row for row, changed in enumerate(flipped) if changed):
        changes.add_row(
            *applicants[row],
            _outcome(comparison["before"].iat[row], lang),
            _outcome(comparison["after"].iat[row], lang),
            cell(_changed(comparison["changed_criteria"].iat[row], lang)),
        )
    return changes


ASSUMED_MARK: Final = {"ko": "(가정)", "en": "(assumed)"}
"""Beside a rule that rests on an assumption in ``profiles show``."""
ASSUMPTIONS_TITLE: Final = {
    "ko": "가정 (자료에 없어 프로필이 정한 내용)",
    "en": "assumptions (where the sources are silent, the profile's choice)",
}


def show_assumptions(
    console: Console, profile: Profile, on: dt.date, lang: str, *, scoring: bool = True
) -> None:
    """The assumptions in force on ``on``, under a title; nothing when there are none.
    Without ``scoring``, those of the evaluation, which the command does not run, are left out."""
    found = [a for a in profile.assumptions(on) if scoring or not a.where.startswith("evaluation.")]
    if found:
        say(console, ASSUMPTIONS_TITLE[lang] + ":")
        for assumption in found:
            say(console, f"  - {assumption.where}: {assumption.text.get(lang)}")


def assumptions_sheet(
    profile: Profile, on: dt.date, lang: str, *, scoring: bool = True
) -> tuple[str, list[list[str]]]:
    """The assumptions in force on ``on`` as an xlsx output's second sheet: its name and rows
    (where in the profile, what was assumed), so a file read alone says what it rests on."""
    found = [a for a in profile.assumptions(on) if scoring or not a.where.startswith("evaluation.")]
    header = ["위치", "가정"] if lang == "ko" else ["where", "assumption"]
    rows = [[a.where, a.text.get(lang)] for a in found]
    return ("가정" if lang == "ko" else "assumptions"), [header, *rows]


def absent_fields_note(
    profile: Profile, columns: Sequence[str], derived: bool, lang: str = "en"
) -> str | None:
    """A note naming the required fields no input column provides (often a typo in a header).

    Fields a derivation computes (when ``derived``) and sets given as one yes/no column
    per code count as provided; a close column name is suggested.
    """
    given = set(map(str, columns))
    computed = {f for d in profile.spec.derived for _, f in d.outputs} if derived else set()
    absent = [
        field.name
        for field in profile.fields
        if field.required
        and field.name not in given
        and field.name not in computed
        and not any(column.startswith(f"{field.name}.") for column in given)
    ]
    if not absent:
        return None
    unused = sorted(given - {f.name for f in profile.fields})
    hints = []
    for name in absent:
        close = difflib.get_close_matches(name, unused, n=1, cutoff=0.7)
        if close:
            name += f" ({close[0]!r}?)" if lang == "ko" else f" (did you mean {close[0]!r}?)"
        hints.append(name)
    if lang == "ko":
        return (
            f"참고: 입력에 {', '.join(hints)} 열이 없습니다; "
            f"이 항목이 필요한 기준은 '{word('missing', lang)}'이 됩니다"
        )
    return (
        f"note: no input column for {', '.join(hints)}; "
        "the criteria that need them will be 'missing'"
    )
