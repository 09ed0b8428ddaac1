"""Cells that stay text: nothing an applicant wrote becomes a spreadsheet formula.

Names, ids and reasons come from files nobody here controls. Written as they are, a text
starting with ``=`` becomes a live formula in every xlsx file (``=HYPERLINK(...)``, or
worse), and a CSV cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is read as one when the CSV is opened in a spreadsheet. Every writer goes through these:
an xlsx cell keeps its text as text, with characters Excel cannot hold shown as U+FFFD;
a CSV text cell that a spreadsheet would read as a formula gets a leading ``'`` (the
usual guard, shown by spreadsheets as a plain text marker).

>>> csv_text("=HYPERLINK(\\"http://x\\")"), csv_text("서울재단"), csv_text(-3)
('\\'=HYPERLINK("http://x")', '서울재단', -3)
"""

from __future__ import annotations

import html
import unicodedata
from typing import Any, Final

import pandas as pd

__all__ = [
    "FORMULA_STARTS",
    "csv_frame",
    "csv_text",
    "csv_unguarded",
    "html_text",
    "put_cell",
    "terminal_text",
    "xlsx_text",
]

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula in a CSV cell."""


def csv_text(value: Any) -> Any:
    """A CSV cell: a text that a spreadsheet would read as a formula, guarded by ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell guarded (numbers stay numbers)."""
    text = frame.select_dtypes(include=["object", "string", "category"]).columns
    if text.empty:
        return frame
    return frame.assign(**{str(c): frame[c].astype(object).map(csv_text) for c in text})


def csv_unguarded(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (text cells, as :func:`selectlib.io.read_csv` reads them) with the guard
    of :func:`csv_text` taken off again, so a table written and read back is unchanged."""
    pattern = "^'[" + "".join("\\" + c if c in "-" else c for c in FORMULA_STARTS) + "]"
    out = frame.copy()
    for column in out.columns:
        cells = out[column]
        guarded = cells.str.contains(pattern, regex=True, na=False)
        if guarded.any():
            out.loc[guarded, column] = cells[guarded].str[1:]
    return out


def xlsx_text(value: Any) -> Any:
    """A text as an xlsx cell can hold it: control characters shown as U+FFFD."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


def put_cell(sheet: Any, row: int, column: int, value: Any) -> Any:
    """Write ``value`` to a cell as a value, never as a formula; the cell."""
    cell = sheet.cell(row=row, column=column, value=xlsx_text(value))
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would store "=..." as a formula
    return cell


def html_text(value: Any) -> str:
    """Text safe inside HTML and inside a JavaScript template literal (a map's tooltip):
    markup escaped, and the backtick and ``$`` that could end or open one written as
    character references.

    >>> html_text("<img src=x onerror=alert(1)> ${x} `")
    '&lt;img src=x onerror=alert(1)&gt; &#36;{x} &#96;'
    """
    return html.escape(str(value), quote=True).replace("`", "&#96;").replace("$", "&#36;")


_BIDI: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Bidirectional overrides: they make a terminal show text in another order than it is."""


def _control(char: str) -> bool:
    return unicodedata.category(char) == "Cc" and char != "\n"


def terminal_text(value: str) -> str:
    """Text safe to print on a terminal: control characters (escape sequences that clear
    the screen, move the cursor or make links) shown as ``\\x1b``, never sent as they are.

    >>> terminal_text("A1\\x1b[2J\\x1b]8;;http://x\\x07")
    'A1\\\\x1b[2J\\\\x1b]8;;http://x\\\\x07'
    """
    if value.isprintable():
        return value
    return "".join(
        f"\\u{ord(c):04x}" if c in _BIDI else f"\\x{ord(c):02x}" if _control(c) else c
        for c in value
    )
