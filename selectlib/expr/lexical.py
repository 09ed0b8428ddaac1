"""What a condition may be written with, checked on its raw text before Python parses it.

Python's parser is generous in ways a reviewer cannot see: it drops ``#`` comments
(``staff >= 3 # and cluster_count >= 50`` is only ``staff >= 3``), NFKC-normalises names
(``ｓｔａｆｆ`` is ``staff``), joins texts side by side (``['a' 'b']`` is ``['ab']``), reads
escapes (``'\\x41'`` is ``'A'``) and other bases (``0o10`` is 8). Invisible and
bidirectional control characters can make a rule display differently from what it says
(Trojan Source). :func:`check_text` refuses all of these on the text as written, pointing
at the column, and bounds its size (:data:`MAX_LENGTH`, :data:`MAX_TOKENS`) and bracket
nesting (:data:`MAX_DEPTH`) before anything is parsed.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Collection
from typing import Final

from selectlib.errors import ExpressionError
from selectlib.expr.types import MAX_DEPTH, MAX_LENGTH, MAX_TOKENS

__all__ = ["check_text"]

_TOKEN: Final = re.compile(
    r"""
      (?P<space>[ \t\r\n]+)
    | (?P<text>'[^'\r\n]*'|"[^"\r\n]*")
    | (?P<radix>0[xXoObB][0-9A-Za-z_]*)
    | (?P<number>(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9_]+)?[jJ]?)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<op>\*\*|//|<<|>>|<=|>=|==|!=|:=|\.\.\.|[-+*/%@&|^~<>()\[\]{},:.;=])
    """,
    re.VERBOSE,
)
"""One token of the raw text; what matches none of these is looked at by itself."""

_INVISIBLE: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
"""Unicode categories of characters a reader cannot see or that reorder the display:
controls, formats (zero-width, bidirectional), surrogates, private use, unassigned,
and every space but the plain one."""

_FILLERS: Final = frozenset("\u115f\u1160\u3164\uffa0\u2800")
"""Letters that display as blank (Hangul fillers, the blank Braille pattern)."""

_LOOKALIKES: Final = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2212": "-",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2260": "!=",
    "\u00d7": "*",
    "\u00f7": "/",
}
"""Characters word processors put where a condition means an ASCII operator or quote."""

_TEXT_PREFIXES_PARSED: Final = frozenset("bBfF")
"""Prefixes whose literals the compiler refuses by name (bytes, f-strings)."""


def check_text(source: str, names: Collection[str] = ()) -> None:
    """Refuse what a reviewer would misread or what could make parsing unbounded.

    ``names`` are the names the condition may use, for "did you mean" suggestions.
    Text that passes may still be a syntax error; the parser says so.
    """
    if len(source) > MAX_LENGTH:
        raise ExpressionError(
            f"condition longer than {MAX_LENGTH} characters (limit selectlib.expr.MAX_LENGTH, "
            f"{len(source)} given): split the rule into several criteria",
            source[:60],
        )
    for column, char in enumerate(source, 1):
        if char not in "\t\n\r " and (unicodedata.category(char) in _INVISIBLE or char in _FILLERS):
            raise _error(
                source,
                column,
                f"{_describe(char)} is an invisible, control or bidirectional character, "
                "which can make a condition display differently from what it says "
                "(delete it; retype the condition if it cannot be seen)",
            )
    if "\\" in source:
        raise _error(
            source,
            source.index("\\") + 1,
            "'\\' is not allowed in a condition: in text, write the character itself; "
            "to continue a long condition on the next line, break it inside brackets",
        )
    _scan(source, names)


def _scan(source: str, names: Collection[str]) -> None:
    """Walk the tokens: count them, follow brackets, look at texts, numbers and strays."""
    position = depth = count = 0
    previous: re.Match[str] | None = None
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            _stray(source, position, names)
            return  # an ASCII character Python refuses: the parser says where
        kind = match.lastgroup
        position = match.end()
        if kind == "space":
            continue
        count += 1
        if count > MAX_TOKENS:
            raise _error(
                source,
                match.start() + 1,
                f"condition has more than {MAX_TOKENS} tokens (limit selectlib.expr.MAX_TOKENS): "
                "split the rule into several criteria",
            )
        if kind == "text":
            _check_text_literal(source, match, previous)
        elif kind == "radix":
            raise _error(
                source,
                match.start() + 1,
                f"number {match.group()!r} is not written in decimal: write numbers "
                "in decimal digits",
            )
        elif match.group() in ("(", "[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                raise _error(
                    source,
                    match.start() + 1,
                    f"expression nested deeper than {MAX_DEPTH} brackets (limit "
                    "selectlib.expr.MAX_DEPTH): write it flatter or split it into criteria",
                )
        elif match.group() in (")", "]", "}"):
            depth = max(depth - 1, 0)
        previous = match


def _check_text_literal(source: str, match: re.Match[str], previous: re.Match[str] | None) -> None:
    """A text literal is 'quoted' or "quoted": no prefix, no triple quotes, never two in a row."""
    column = match.start() + 1
    text = match.group()
    if text in ("''", '""') and source.startswith(text[0], match.end()):
        raise _error(source, column, "triple-quoted text is not allowed: write 'text' on one line")
    if previous is None:
        return
    if previous.lastgroup == "text":
        raise _error(
            source,
            column,
            f"two texts side by side ({previous.group()} {text}) are joined into one "
            f"({previous.group()[:-1]}{text[1:]}): is a comma missing between them?",
        )
    prefix = previous.group()
    glued = previous.lastgroup == "name" and previous.end() == match.start()
    if glued and not _TEXT_PREFIXES_PARSED & set(prefix):
        raise _error(
            source,
            previous.start() + 1,
            f"text with a prefix ({prefix}{text}) is not allowed: write {text}",
        )


def _stray(source: str, position: int, names: Collection[str]) -> None:
    """A character no token starts with: '#', an open quote, or a non-ASCII character."""
    char = source[position]
    column = position + 1
    if char == "#":
        raise _error(
            source,
            column,
            "comments are not allowed in conditions: '#' starts one, and a reader could "
            "take the rest for part of the rule (explain the rule in a label, or in a "
            "YAML comment outside the condition)",
        )
    if char in "'\"":
        raise _error(source, column, f"text opened with {char} is not closed on its line")
    if char.isascii():
        return
    start, end = position, position
    while start > 0 and _in_name(source[start - 1]):
        start -= 1
    while end < len(source) and _in_name(source[end]):
        end += 1
    if end > position:
        raise _error(source, start + 1, _non_ascii_word(source[start:end], names))
    raise _error(source, column, _non_ascii_sign(char))


def _in_name(char: str) -> bool:
    """Whether ``char`` can continue a Python name (what the parser would take as one)."""
    return ("a" + char).isidentifier()


def _non_ascii_word(word: str, names: Collection[str]) -> str:
    """Why a name or number with non-ASCII characters is refused, and what was meant."""
    normal = unicodedata.normalize("NFKC", word)
    if normal.isascii():
        return (
            f"{word!r} is written with full-width or compatibility characters, not plain "
            f"ASCII (did you mean {normal!r}?)"
        )
    odd = next(char for char in word if not char.isascii())
    close = difflib.get_close_matches(normal, list(names), n=1, cutoff=0.7)
    hint = f"did you mean {close[0]!r}?" if close else "text goes in quotes: '...'"
    return (
        f"{word!r} holds {_describe(odd)}, not an ASCII letter or digit: names of fields, "
        f"parameters and functions are plain ASCII ({hint})"
    )


def _non_ascii_sign(char: str) -> str:
    """Why a non-ASCII sign outside quotes is refused, and which ASCII one was meant."""
    normal = unicodedata.normalize("NFKC", char)
    meant = _LOOKALIKES.get(char, normal if normal.isascii() else None)
    if meant is not None:
        return f"{_describe(char)} looks like {meant!r} but is another character (write {meant})"
    return (
        f"{_describe(char)} is not part of the condition language: outside quotes, "
        "a condition is plain ASCII"
    )


def _describe(char: str) -> str:
    """A character named so that it can be found: ``'＞' (U+FF1E FULLWIDTH GREATER-THAN SIGN)``."""
    name = unicodedata.name(char, "") or f"(category {unicodedata.category(char)})"
    code = f"U+{ord(char):04X} {name}"
    return f"{char!r} ({code})" if char.isprintable() else code


def _error(source: str, column: int, message: str) -> ExpressionError:
    return ExpressionError(message, source, column)
