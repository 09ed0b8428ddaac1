"""The documentation is tested like code, so it cannot drift from the library.

Conventions the Markdown files follow (README.md and docs/*.md):

* Every ```python block runs. The blocks of one file run in order in one namespace,
  in a fresh temporary directory. A block preceded by ``<!-- skip -->`` is not run.
* A ```text block that directly follows a ```python block (only blank lines between)
  is that block's printed output, and must match it (trailing spaces ignored).
* A ```yaml block preceded by ``<!-- profile -->`` is a whole profile: it must pass
  the JSON Schema (docs/profile.schema.json) and load with selectlib.
* Relative links point at files (and headings) that exist.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import io
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

import jsonschema
import pytest
import yaml
from paths import ROOT

import selectlib
from selectlib.profile.compiled import from_text, profiles_dir
from selectlib.profile.schema import PROFILE_SCHEMA

DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
FLAGSHIP = "micro_manufacturer_center_2024"
QUICKSTART = ["pip install . && selectlib demo", 'pip install ".[test]" && pytest']

_FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_MARK = re.compile(r"<!--\s*([\w-]+)\s*-->\s*\Z")
_LINK = re.compile(r"\]\(([^)\s]+)\)")


class Block(NamedTuple):
    """A fenced code block: its language, text, first line, marker, and what precedes it."""

    lang: str
    code: str
    line: int
    mark: str | None
    follows: str | None  # language of the block directly before, if only blank lines between


def blocks(page: Path) -> list[Block]:
    """Every fenced code block of a Markdown page, in order."""
    text = page.read_text(encoding="utf-8")
    found: list[Block] = []
    end = 0
    for match in _FENCE.finditer(text):
        gap = text[end : match.start()]
        mark = _MARK.search(gap)
        follows = found[-1].lang if found and not gap.strip() else None
        line = text.count("\n", 0, match.start(2)) + 1
        found.append(Block(match[1], match[2], line, mark[1] if mark else None, follows))
        end = match.end()
    return found


def _name(page: Path) -> str:
    return str(page.relative_to(ROOT))


def _normal(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def _jsonable(value: Any) -> Any:
    """YAML data as JSON sees it: dates (keys and values) become YYYY-MM-DD text."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {_jsonable(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _make_schema_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_schema", DOCS / "make_schema.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_VALIDATOR = jsonschema.Draft202012Validator(
    PROFILE_SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


# -- (a) the published JSON Schema is the one the loader uses -------------------------------


def test_schema_file_is_current() -> None:
    rendered = _make_schema_module().render()
    assert json.loads(rendered) == PROFILE_SCHEMA
    on_disk = (DOCS / "profile.schema.json").read_text(encoding="utf-8")
    assert on_disk == rendered, "docs/profile.schema.json is stale: run python docs/make_schema.py"


def test_schema_file_is_a_valid_json_schema() -> None:
    schema = json.loads((DOCS / "profile.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)


# -- (b) every Python example runs, and shows the output it really prints -------------------


def _pages_with_python() -> list[Path]:
    return [page for page in PAGES if any(b.lang == "python" for b in blocks(page))]


def test_the_main_pages_have_runnable_examples() -> None:
    names = {_name(page) for page in _pages_with_python()}
    expected = {"README.md", "docs/quickstart.md", "docs/eligibility.md", "docs/profile-format.md"}
    assert expected <= names


@pytest.mark.parametrize("page", _pages_with_python(), ids=_name)
def test_python_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    found = blocks(page)
    checked = 0
    for index, block in enumerate(found):
        if block.lang != "python" or block.mark == "skip":
            continue
        where = f"{_name(page)}:{block.line}"
        source = "\n" * (block.line - 1) + block.code  # tracebacks show the page's lines
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(source, str(page), "exec"), namespace)
        following = found[index + 1] if index + 1 < len(found) else None
        if following is not None and following.lang == "text" and following.follows == "python":
            assert _normal(printed.getvalue()) == _normal(following.code), (
                f"the output shown after the block at {where} is not what it prints"
            )
            checked += 1
    assert checked, f"{_name(page)} shows no output: add a ```text block after an example"


def test_no_output_block_is_empty() -> None:
    for page in PAGES:
        for block in blocks(page):
            if block.lang == "text" and block.follows == "python":
                assert block.code.strip(), f"empty output block at {_name(page)}:{block.line}"


# -- (c) the flagship and every documented profile pass the schema and load -----------------


def _profile_blocks() -> list[Any]:
    return [
        pytest.param(block.code, id=f"{_name(page)}:{block.line}")
        for page in PAGES
        for block in blocks(page)
        if block.mark == "profile"
    ]


def test_profile_examples_are_marked() -> None:
    reference = [b for b in blocks(DOCS / "profile-format.md") if b.mark == "profile"]
    assert len(reference) >= 3
    assert all(b.lang == "yaml" for b in reference)


@pytest.mark.parametrize("text", _profile_blocks())
def test_documented_profiles_validate_and_load(text: str) -> None:
    data = _jsonable(yaml.safe_load(text))
    errors = [e.message for e in _VALIDATOR.iter_errors(data)]
    assert errors == []
    profile = from_text(text, None)
    assert profile.id == data["id"]
    assert [c.id for c in profile.criteria] == [c["id"] for c in data["criteria"]]


def test_flagship_profile_validates_and_loads() -> None:
    path = profiles_dir() / f"{FLAGSHIP}.yaml"
    text = path.read_text(encoding="utf-8")
    assert list(_VALIDATOR.iter_errors(_jsonable(yaml.safe_load(text)))) == []
    assert from_text(text, str(path)).id == FLAGSHIP


def test_the_schema_check_can_fail() -> None:
    data = selectlib.load_profile(FLAGSHIP).to_dict()
    assert _VALIDATOR.is_valid(data)
    data["fields"]["staff"]["kind"] = "int"
    data["criteria"][0]["when"] = "staff >= 3"
    assert len(list(_VALIDATOR.iter_errors(data))) == 2


# -- (d) the README quickstart is exactly the two commands ----------------------------------


def test_readme_quickstart_is_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Quickstart\n(.*?)(?=^## )", text, re.MULTILINE | re.DOTALL)
    assert section is not None, "README.md needs a '## Quickstart' section"
    fences = list(_FENCE.finditer(section[1]))
    assert len(fences) == 1
    commands = [line.strip() for line in fences[0][2].splitlines() if line.strip()]
    assert commands == QUICKSTART


# -- links between pages ---------------------------------------------------------------------


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = _FENCE.sub("", page.read_text(encoding="utf-8"))
    return {_slug(m[1]) for m in re.finditer(r"^#+ (.+)$", text, re.MULTILINE)}


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_relative_links_resolve(page: Path) -> None:
    text = _FENCE.sub("", page.read_text(encoding="utf-8"))
    for target in _LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        assert file.exists(), f"{_name(page)} links to missing {target}"
        if anchor and file.suffix == ".md":
            assert anchor in _anchors(file), f"{_name(page)} links to missing heading {target}"
