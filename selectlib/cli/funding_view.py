"""What ``selectlib benefits`` shows and writes: the pots, the counts per funding status,
the applicants with their amounts, and the files beside ``--out``.

Imported by the command only when it runs (it needs pandas and rich), so
``selectlib --help`` stays light.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from selectlib.benefits.funding import FUNDING_STATUSES, Funding
from selectlib.cli.labels import counted
from selectlib.cli.options import Format, Lang
from selectlib.cli.render import OUTCOME_STYLES, cell, say, show_assumptions
from selectlib.eligibility.decision import Outcome
from selectlib.io.write import write_table
from selectlib.profile.compiled import Profile

__all__ = [
    "FILE_PARTS",
    "applicants_table",
    "funding_line",
    "output_files",
    "pots_table",
    "show_summary",
    "sibling",
    "write_funding",
]

METHOD_LABELS: Final[dict[str, tuple[str, str]]] = {
    "rank": ("순위순", "by rank"),
    "arrival": ("접수순", "by arrival"),
    "pro_rata": ("비례 배분", "pro rata"),
}
FUNDING_LABELS: Final[dict[str, tuple[str, str]]] = {
    "full": ("전액", "full"),
    "partial": ("일부", "partial"),
    "none": ("미지원", "unfunded"),
    "missing": ("금액 미상", "amount missing"),
    "not_eligible": ("대상 아님", "not eligible"),
}
FUNDING_STYLES: Final = {"full": "green", "partial": "yellow", "none": "red", "missing": "magenta"}
POT_COLUMNS: Final = (
    ("budget", "예산", "budget"),
    ("requested", "신청액", "requested"),
    ("granted", "지원액", "granted"),
    ("remaining", "잔액", "remaining"),
    ("funded_full", "전액 지원", "funded in full"),
    ("funded_partly", "일부 지원", "funded in part"),
    ("unfunded", "미지원", "unfunded"),
)


def _pick(lang: Lang, ko: str, en: str) -> str:
    return ko if lang is Lang.KO else en


def _won(value: Any) -> Text:
    """Money with thousands separators, right-aligned; missing as an empty cell. Folded,
    never cut short, when a column is too narrow: no digit is hidden."""
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return Text("")
    return Text(f"{int(str(value)):,}", justify="right", overflow="fold")


# -- what is printed -------------------------------------------------------------------------


def _order_line(profile: Profile, funding: Funding, lang: Lang) -> str:
    """How the budget was spread: the method and the field that orders applicants."""
    method = funding.method
    text = METHOD_LABELS[method][0 if lang is Lang.KO else 1]
    plan = profile.spec.benefits
    allocation = plan.allocation if plan is not None else None
    field = None
    if allocation is not None and method != "pro_rata":
        field = allocation.rank if method == "rank" else allocation.arrival
        field = field or _pick(lang, "행 순서", "row order")
    return f"{text} ({field})" if field else text


def pots_table(funding: Funding, lang: Lang) -> Table:
    """One row per pot (Funding.summary()), a total row when the budget is kept per code."""
    summary = funding.summary()
    keyed = summary["key"].notna().any()
    capacity = summary["capacity"].notna().any()
    table = Table(title=_pick(lang, "예산", "budget"), title_justify="left", header_style="bold")
    if keyed:
        table.add_column(_pick(lang, "구분", "pot"), no_wrap=True)
    for _, ko, en in POT_COLUMNS:
        table.add_column(_pick(lang, ko, en), justify="right")
    if capacity:
        table.add_column(_pick(lang, "지원 가능 인원", "capacity"), justify="right")
    asked = summary[["requested", "funded_full", "funded_partly", "unfunded"]].fillna(0)
    empty = (asked.sum(axis=1) == 0) if keyed else pd.Series(False, index=summary.index)
    if empty.any():
        hidden = counted(int(empty.sum()), "pot", lang)
        table.caption = _pick(
            lang, f"신청이 없는 {hidden}는 표시하지 않음", f"{hidden} with no applicants not shown"
        )
    for _, row in summary[~empty].iterrows():
        cells = [cell(row["key"])] if keyed else []
        cells += [_won(row[name]) for name, _, _ in POT_COLUMNS]
        cells += [_won(row["capacity"])] if capacity else []
        table.add_row(*cells)
    if keyed and len(summary) > 1:
        table.add_section()
        totals = [_won(summary[name].sum()) for name, _, _ in POT_COLUMNS]
        total_capacity = [_won(summary["capacity"].sum())] if capacity else []
        table.add_row(Text(_pick(lang, "합계", "total"), "bold"), *totals, *total_capacity)
    return table


def funding_line(funding: Funding, lang: Lang) -> str:
    """How many applicants are funded in full, in part, not at all, ..."""
    counts = funding.table["funding"].astype(str).value_counts()
    parts = [
        f"{FUNDING_LABELS[s][0 if lang is Lang.KO else 1]} {int(counts.get(s, 0)):,}"
        for s in FUNDING_STATUSES
    ]
    head = _pick(lang, f"신청 {len(funding.table):,}건", f"{len(funding.table):,} applicants")
    return f"{head}: " + " · ".join(parts)


def _why(frame: pd.DataFrame, row: int, reasons: str) -> str:
    """The row's reasons, then why its funding (or else an amount) is missing, if it is."""
    extra = [frame[c].iat[row] for c in ("funding_reason", "benefit_problems") if c in frame]
    missing = next((p for p in extra if isinstance(p, str) and p), None)
    parts = [frame[reasons].iat[row], missing]
    return "; ".join(str(p) for p in parts if isinstance(p, str) and p)


def applicants_table(profile: Profile, funding: Funding, lang: Lang, limit: int) -> Table:
    """The first ``limit`` applicants: outcome, amounts, requested, granted, funding, why."""
    frame = funding.table
    identifier = profile.spec.identifier
    has_id = identifier is not None and identifier in frame.columns
    amounts = profile.spec.benefits.amounts if profile.spec.benefits is not None else ()
    table = Table(header_style="bold")
    table.add_column(
        identifier if has_id and identifier else _pick(lang, "행", "row"), no_wrap=True
    )
    table.add_column(_pick(lang, "결과", "outcome"))
    keyed = "pot" in frame.columns
    if keyed:
        table.add_column(_pick(lang, "구분", "pot"))
    for amount in amounts:
        table.add_column(amount.label.get(lang.value), justify="right", no_wrap=True)
    for header in (("신청액", "requested"), ("지원액", "granted")):
        table.add_column(_pick(lang, *header), justify="right", no_wrap=True)
    table.add_column(_pick(lang, "지원", "funding"), no_wrap=True)
    table.add_column(_pick(lang, "사유", "reasons"))
    shown = min(limit, len(frame))
    reasons = "reasons_ko" if lang is Lang.KO else "reasons_en"
    for row in range(shown):
        outcome = Outcome(str(frame["outcome"].iat[row]))
        status = str(frame["funding"].iat[row])
        why = _why(frame, row, "problems" if outcome is Outcome.INVALID else reasons)
        table.add_row(
            cell(frame[identifier].iat[row] if has_id and identifier else row + 1),
            cell(getattr(profile.spec.outcome, outcome.value).get(lang), OUTCOME_STYLES[outcome]),
            *([cell(frame["pot"].iat[row])] if keyed else []),
            *(_won(frame[f"benefit.{a.id}"].iat[row]) for a in amounts),
            _won(frame["requested"].iat[row]),
            _won(frame["granted"].iat[row]),
            cell(
                FUNDING_LABELS[status][0 if lang is Lang.KO else 1], FUNDING_STYLES.get(status, "")
            ),
            cell(why),
        )
    if shown < len(frame):
        table.caption = _pick(
            lang,
            f"전체 {len(frame):,}건 중 처음 {shown:,}건; 모두 보려면 --out FILE",
            f"first {shown:,} of {len(frame):,} rows ({len(frame) - shown:,} left out); "
            "use --out FILE for all of them",
        )
    return table


def show_summary(console: Console, profile: Profile, funding: Funding, lang: Lang) -> None:
    """The profile, the date and the method; the pots; the counts per funding status."""
    console.rule(f"{profile.name.get(lang.value)} ({profile.id})")
    say(
        console,
        _pick(lang, "기준일 ", "on ")
        + funding.on.isoformat()
        + _pick(lang, " · 배분: ", " · allocation: ")
        + _order_line(profile, funding, lang),
    )
    if isinstance(funding.average_support, int):
        say(
            console,
            _pick(
                lang,
                f"평균 지원액 {funding.average_support:,}원 (지원 가능 인원 = 예산 ÷ 평균 지원액)",
                f"average support {funding.average_support:,} won "
                "(capacity = budget ÷ average support)",
            ),
        )
    console.print(pots_table(funding, lang))
    say(console, funding_line(funding, lang))
    show_assumptions(console, profile, funding.on, lang, scoring=False)


# -- files -----------------------------------------------------------------------------------


def sibling(out: Path, part: str) -> Path:
    """``out`` with ``_part`` added to its stem: results.csv → results_payments.csv."""
    return out.with_name(f"{out.stem}_{part}{out.suffix}")


FILE_PARTS: Final = ("payments", "pots")
"""The files written beside ``--out FILE``: ``FILE_payments`` and ``FILE_pots``."""


def output_files(out: Path) -> list[Path]:
    """``--out`` and the files written beside it."""
    return [out, *(sibling(out, part) for part in FILE_PARTS)]


def write_funding(
    funding: Funding, out: Path, chosen: Format, raw: bool = False
) -> list[tuple[Path, int]]:
    """Every row to ``out``; the payments and the pots beside it (paths checked before the
    work). The written files and their row counts."""
    frames = [funding.table, funding.payments, funding.summary()]
    for path, frame in zip(output_files(out), frames, strict=True):
        write_table(frame, path, chosen.value, force=True, raw_csv=raw)
    return [(path, len(frame)) for path, frame in zip(output_files(out), frames, strict=True)]
