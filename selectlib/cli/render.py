"""Rich tables and summary lines for the command line: results in, renderables out.

Every cell goes through :func:`cell`, so text from profiles or input files (which may
contain ``[...]``) is shown as is and never read as rich markup.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from typing import Any, Final

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from selectlib.eligibility.decision import Outcome
from selectlib.io.safe import terminal_text
from selectlib.profile.compiled import Profile
from selectlib.profile.model import Dated, FieldKind, ParamTable, ParamValue

__all__ = [
    "change_counts_line",
    "changes_line",
    "comparison_table",
    "criteria_counts_table",
    "criteria_table",
    "decisions_table",
    "fields_table",
    "outcome_counts_line",
    "outcomes_line",
    "parameters_table",
    "profiles_table",
    "summary_table",
]

OUTCOME_STYLES: Final = {
    Outcome.ELIGIBLE: "green",
    Outcome.INELIGIBLE: "red",
    Outcome.INCOMPLETE: "yellow",
    Outcome.INVALID: "magenta",
}
CHANGE_STYLES: Final = {"gained": "green", "lost": "red", "other": "yellow"}
_COUNTS: Final = frozenset({"failed", "missing", "applicants", "criteria"})


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


def _table(title: str | None, *columns: str) -> Table:
    """A table whose first column (an id) never wraps; counts are right-aligned."""
    table = Table(title=title, header_style="bold")
    for index, name in enumerate(columns):
        table.add_column(name, no_wrap=index == 0, justify="right" if name in _COUNTS else "left")
    return table


def _outcome(value: object) -> Text:
    return cell(value, OUTCOME_STYLES.get(Outcome(str(value)), ""))


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
    needs = "기준" if lang == "ko" else "needs"
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


def outcomes_line(results: pd.DataFrame) -> str:
    """One line: how many applicants and how many of each outcome."""
    return outcome_counts_line(_counts(results["outcome"]), len(results))


def outcome_counts_line(counts: Mapping[str, int], rows: int) -> str:
    """:func:`outcomes_line` from counts of each outcome (a run in batches keeps those)."""
    parts = [f"{o.value} {counts.get(o.value, 0):,}" for o in Outcome]
    return f"{rows:,} applicants: " + " · ".join(parts)


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
    table = _table(None, *headers, "outcome", "reasons" if lang == "en" else "사유")
    why = _why(results, lang, profile, shown)
    for row in range(shown):
        outcome = Outcome(str(results["outcome"].iat[row]))
        label = getattr(profile.spec.outcome, outcome.value).get(lang)
        table.add_row(*applicants[row], cell(label, OUTCOME_STYLES[outcome]), cell(why[row]))
    if shown < total:
        table.caption = f"first {shown:,} of {total:,} rows; use --out FILE for all of them"
    return table


def criteria_counts_table(profile: Profile, results: pd.DataFrame, lang: str) -> Table:
    """How many applicants failed each criterion, and for how many it was undecided."""
    table = _table("failures per criterion", "criterion", "label", "failed", "missing")
    for criterion in profile.criteria:
        statuses = results[criterion.id].astype(str)
        table.add_row(
            cell(criterion.id),
            cell(criterion.label.get(lang)),
            cell(int((statuses == "failed").sum()), "red"),
            cell(int((statuses == "missing").sum()), "yellow"),
        )
    return table


# -- comparisons -----------------------------------------------------------------------------


def changes_line(comparison: pd.DataFrame) -> str:
    """One line: how many applicants gained, lost, changed otherwise, or stayed the same."""
    return change_counts_line(_counts(comparison["change"]), len(comparison))


def change_counts_line(counts: Mapping[str, int], rows: int) -> str:
    """:func:`changes_line` from counts of each change."""
    parts = [f"{c} {counts.get(c, 0):,}" for c in ("gained", "lost", "other", "unchanged")]
    return f"{rows:,} applicants: " + " · ".join(parts)


def summary_table(summary: pd.DataFrame) -> Table:
    """:func:`selectlib.summarize_comparison` as a table."""
    table = _table(
        "who flips, and why", "before", "after", "change", "changed criteria", "applicants"
    )
    for row in summary.itertuples(index=False):
        table.add_row(
            _outcome(row.before),
            _outcome(row.after),
            cell(row.change, CHANGE_STYLES.get(str(row.change), "")),
            cell(row.changed_criteria),
            cell(row.applicants),
        )
    return table


def comparison_table(
    comparison: pd.DataFrame, identifier: str | None, names: pd.Series | None = None
) -> Table:
    """The applicants whose outcome changed, with the criteria that changed."""
    flipped = (comparison["change"].astype(str) != "unchanged").tolist()
    headers, applicants = _applicants(comparison, identifier, names)
    title = "applicants whose outcome changes"
    table = _table(title, *headers, "before", "after", "changed criteria")
    for row in (row for row, changed in enumerate(flipped) if changed):
        table.add_row(
            *applicants[row],
            _outcome(comparison["before"].iat[row]),
            _outcome(comparison["after"].iat[row]),
            cell(comparison["changed_criteria"].iat[row]),
        )
    return table


# -- profiles --------------------------------------------------------------------------------


def _value(value: ParamValue) -> str:
    if isinstance(value, ParamTable):
        return ", ".join(f"{key}: {entry}" for key, entry in value.entries)
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    return str(value)


def profiles_table(profiles: list[Profile]) -> Table:
    """One line per profile: id, names, first valid date, number of criteria."""
    table = _table(None, "profile", "name (ko)", "name (en)", "valid from", "criteria")
    for profile in profiles:
        spec = profile.spec
        values = (spec.id, spec.name.ko, spec.name.en, spec.valid_from, len(spec.criteria))
        table.add_row(*map(cell, values))
    return table


def fields_table(profile: Profile, lang: str) -> Table:
    """The input fields: name, kind, allowed choices, unit, whether required."""
    table = _table("fields", "field", "kind", "choices", "unit", "required")
    for field in profile.fields:
        choices = "\n".join(f"{c.code}: {c.label.get(lang)}" for c in field.choices)
        if field.kind in (FieldKind.INTEGER, FieldKind.NUMBER):
            bounds = [
                f"≥ {field.minimum:g}" if field.minimum is not None else "",
                f"≤ {field.maximum:g}" if field.maximum is not None else "",
            ]
            choices = ", ".join(b for b in bounds if b)
        table.add_row(
            cell(field.name),
            cell(field.kind.value),
            cell(choices),
            cell(field.unit or ""),
            cell("yes" if field.required else "no"),
        )
    return table


def _shown(entry: Dated | None, first: str) -> str:
    """A parameter's value on a date, or why it has none."""
    if entry is None:
        return f"(no value before {first})"
    return "(none: the sources give no value)" if entry.value is None else _value(entry.value)


def parameters_table(profile: Profile, on: dt.date, lang: str) -> Table:
    """Every parameter's value on ``on`` and the date it took effect."""
    title = f"parameters on {on.isoformat()}"
    table = _table(title, "parameter", "value", "since", "unit", "source", "description")
    assumed = {a.where.split("[")[0] for a in profile.assumptions(on)}
    for parameter in profile.parameters:
        entry = parameter.at(on)
        first = parameter.history[0].since.isoformat()
        mark = ASSUMED_MARK[lang] if f"parameters.{parameter.name}" in assumed else ""
        table.add_row(
            cell(parameter.name),
            cell(_shown(entry, first)),
            cell(entry.since.isoformat() if entry else ""),
            cell(parameter.unit or ""),
            cell(" ".join(filter(None, (parameter.source, mark)))),
            cell(parameter.description.get(lang)),
        )
    return table


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


def criteria_table(profile: Profile, lang: str) -> Table:
    """The criteria in order: id, label, source clause and condition."""
    table = _table("criteria", "criterion", "label", "source", "condition")
    for criterion in profile.criteria:
        mark = f" {ASSUMED_MARK[lang]}" if criterion.assumption else ""
        table.add_row(
            cell(criterion.id),
            cell(criterion.label.get(lang)),
            cell(criterion.source + mark),
            cell(criterion.condition),
        )
    return table


def absent_fields_note(profile: Profile, columns: Sequence[str], derived: bool) -> str | None:
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
        hints.append(f"{name} (did you mean {close[0]!r}?)" if close else name)
    return (
        f"note: no input column for {', '.join(hints)}; "
        "the criteria that need them will be 'missing'"
    )
