"""Every command-line example in the README and the docs runs as written.

The examples are the lines starting with ``selectlib `` in the ```bash blocks of
README.md, docs/*.md and the READMEs under sample_data/ (a line ending in ``\\`` goes on
on the next). Each page's examples run in order, through the command's typer app in this
process, in a fresh folder holding a copy of the repository files they may name
(sample_data/, scoring_profiles/), as from the root of a fresh clone: what they write
stays in that folder, and a later example can read what an earlier one wrote. ``> FILE``
writes the example's standard output to FILE. A failure names the page and line.

A line that already succeeded on an earlier page is not run again when it reads nothing
but the copied repository files and no other example reads what it writes (``selectlib
demo``, the sample evaluation): every page starts from the same copy, so it would do the
same again.
"""

from __future__ import annotations

import re
import shlex
import shutil
import sys
from pathlib import Path
from typing import Final, NamedTuple

import pytest
from paths import ROOT
from typer.testing import CliRunner

from selectlib.cli import app as cli

PAGES: Final = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "sample_data").rglob("README.md")),
]
COPIED: Final = ("sample_data", "scoring_profiles")
"""The repository folders an example may name, copied into its working folder."""
PENDING: Final = ("serve",)
"""Commands whose examples are not run here: ``serve`` runs until it is stopped (a real
start is tested by tests/service/test_serve_process.py and its page's requests by
tests/service/test_service_docs.py)."""
SHELL: Final = ("bash", "console", "sh", "shell")
OUTPUTS: Final = ("--out", "--map", ">")
"""Options whose value is a file or folder the example writes, not one it reads."""

_succeeded: set[str] = set()
"""Command lines that succeeded and read only the copied repository files."""

_SKIPPED_SHELL = re.compile(r"<!--\s*skip\s*-->\s*```(?:bash|console|sh|shell)\b")
_FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


class Example(NamedTuple):
    """One command line of a page: where it is, the fence it is in, and its text."""

    page: Path
    line: int
    fence: str
    text: str

    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def examples(page: Path) -> list[Example]:
    """The ``selectlib`` command lines of a page's shell blocks, continuations joined."""
    text = page.read_text(encoding="utf-8")
    found: list[Example] = []
    for match in _FENCE.finditer(text):
        if match[1] not in SHELL:
            continue
        first = text.count("\n", 0, match.start(2)) + 1
        pending: list[str] = []
        for offset, line in enumerate(match[2].splitlines()):
            pending.append(line.rstrip().removesuffix("\\"))
            if line.rstrip().endswith("\\"):
                continue
            command = " ".join(part.strip() for part in pending)
            start = first + offset - len(pending) + 1
            pending = []
            if command.removeprefix("$ ").startswith("selectlib "):
                found.append(Example(page, start, match[1], command))
    return found


def _pages_with_examples() -> list[Path]:
    return [page for page in PAGES if examples(page)]


def _name(page: Path) -> str:
    return str(page.relative_to(ROOT))


def _runs_the_same_anywhere(example: Example, words: list[str]) -> bool:
    """Whether every path a command line reads is one of the copied repository files, and
    no other example names what it writes: then it does the same on every page."""
    written = [words[i + 1].rstrip("/") for i, w in enumerate(words[:-1]) if w in OUTPUTS]
    others = [e.text for page in PAGES for e in examples(page) if e.text != example.text]
    if any(path in other for path in written for other in others):
        return False
    paths = [
        w for i, w in enumerate(words) if ("/" in w or "." in w) and words[i - 1] not in OUTPUTS
    ]
    return all(path.startswith(tuple(f"{folder}/" for folder in COPIED)) for path in paths)


def _run(example: Example) -> str | None:
    """Run one example in the current folder: None if it succeeded, else what went wrong."""
    words = shlex.split(example.text.removeprefix("$ "), comments=True)
    key = shlex.join(words)  # comments and spacing aside
    if key in _succeeded:
        return None
    once = _runs_the_same_anywhere(example, words)
    output = None
    if ">" in words:
        at = words.index(">")
        words, output = words[:at], words[at + 1]
    result = CliRunner().invoke(cli.app, words[1:], env={"COLUMNS": "250"})
    if result.exit_code != 0:
        said = (result.stderr or result.output).strip().splitlines()[-3:]
        said = said or [repr(result.exception)]  # an exception the command did not handle
        return f"{example.where()}: exit {result.exit_code}: {example.text}\n    " + "\n    ".join(
            said
        )
    if output is not None:
        Path(output).write_text(result.stdout, encoding="utf-8")
    if once:
        _succeeded.add(key)
    return None


@pytest.mark.parametrize("page", _pages_with_examples(), ids=_name)
def test_command_line_examples_run(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in COPIED:
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=ignore)
    monkeypatch.chdir(tmp_path)
    failures = []
    for example in examples(page):
        if example.text.removeprefix("$ ").split()[1] in PENDING:
            continue
        failure = _run(example)
        if failure is not None:
            failures.append(failure)
    assert not failures, "examples that fail:\n" + "\n".join(failures)


def test_examples_are_found_and_written_one_way() -> None:
    """Commands are shown one way: in ```bash blocks, without a ``$`` prompt."""
    found = [example for page in PAGES for example in examples(page)]
    assert len(found) >= 30
    pages = {_name(example.page) for example in found}
    assert {"README.md", "docs/cli.md", "docs/quickstart.md", "docs/geo.md"} <= pages
    odd = [e.where() for e in found if e.fence != "bash" or e.text.startswith("$ ")]
    assert not odd, f"write these as ```bash lines without '$ ': {odd}"
    skipped = [_name(page) for page in PAGES if _SKIPPED_SHELL.search(page.read_text("utf-8"))]
    assert not skipped, f"command-line examples always run; remove <!-- skip --> in {skipped}"


def test_the_runner_reports_a_failing_example_with_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "text\n\n```bash\nselectlib profiles list\nselectlib check no_such_profile \\\n"
        "    missing.csv\n```\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    listed, broken = examples(page)
    assert (listed.line, broken.line) == (4, 5)
    assert broken.text == "selectlib check no_such_profile missing.csv"
    monkeypatch.chdir(tmp_path)
    assert _run(listed) is None
    failure = _run(broken)
    assert failure is not None
    assert failure.startswith("page.md:5: exit 1: selectlib check no_such_profile")
