"""Safe YAML reading that remembers the line of every key, for error messages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

import attrs
import yaml

from selectlib.errors import Problem

__all__ = ["KeyPath", "SourceMap", "format_path", "read_yaml"]

KeyPath = tuple[str | int, ...]


def format_path(path: KeyPath) -> str:
    """Render a key path as ``$.criteria[2].condition``."""
    text = "$"
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


@attrs.frozen
class SourceMap:
    """Where each key path of a YAML document starts (1-based lines)."""

    file: str | None
    lines: Mapping[KeyPath, int] = attrs.field(factory=dict)

    def line(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]

    def problem(self, path: KeyPath, message: str, hint: str = "") -> Problem:
        """A problem located at ``path`` in this document."""
        return Problem.in_profile(format_path(path), message, hint, self.file, self.line(path))


class _Loader(yaml.SafeLoader):
    """Safe YAML that also reads ``1e-05`` as a number (YAML 1.2 and JSON do; 1.1 does not)."""


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same, parsed by libyaml where PyYAML has it: ten times faster, the same nodes and
    lines, and a document nested over 1,000 deep is refused by libyaml's own limit."""


for _loader in (_Loader, _FastLoader):
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
        list("-+0123456789"),
    )

MAX_BYTES = 1_000_000
"""The largest profile document read (a profile is a few kilobytes)."""
MAX_SCALAR = 10_000
"""The longest single value read (guards against slow YAML 1.1 number forms)."""
MAX_NODES = 100_000
"""The most values a profile document may expand to (guards against alias bombs)."""


_NO_ALIASES = "write the values out without such aliases"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Unreadable(Exception):
    def __init__(self, node: yaml.Node, message: str, hint: str = "") -> None:
        self.node = node
        self.message = message
        self.hint = hint


_CONDITION_KEYS: Final = frozenset({"condition", "when"})
"""Keys whose value is a condition: a YAML comment after one on its line is refused."""


class _Reader:
    def __init__(self, file: str | None, text: str = "") -> None:
        self.file = file
        self.text = text
        self.lines: dict[KeyPath, int] = {}
        self.problems: list[Problem] = []
        self._scalars = _Loader("")
        self._open: set[int] = set()
        self._built = 0

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        self._built += 1
        if self._built > MAX_NODES:
            raise _Unreadable(
                node, f"the document expands to more than {MAX_NODES:,} values", _NO_ALIASES
            )
        if id(node) in self._open:
            raise _Unreadable(
                node, "an alias refers to a value that contains it (a cycle)", _NO_ALIASES
            )
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        self._open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        finally:
            self._open.discard(id(node))

    def _scalar(self, node: yaml.Node) -> Any:
        if len(node.value) > MAX_SCALAR:
            raise _Unreadable(node, f"a value longer than {MAX_SCALAR:,} characters", "shorten it")
        if node.tag == _TIMESTAMP:  # a date is the text written, as in YAML 1.2 and JSON
            return node.value
        try:
            value = self._scalars.construct_object(node, deep=True)
        except ValueError as exc:  # a form YAML matches but cannot build, e.g. 0x_
            raise _Unreadable(
                node, f"{node.value!r} is not a valid value: {exc}", "correct the value"
            ) from None
        if isinstance(value, int) and value.bit_length() > 64:
            raise _Unreadable(node, f"the number {node.value[:20]}... is too large", "shorten it")
        return value

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_node, path, "a key must be a plain value, not a list or mapping")
                continue
            key = self._scalar(key_node)
            if isinstance(key, bool) or key is None:
                key = key_node.value  # YAML 1.1 reads keys like yes/no/on/off as booleans
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._problem(key_node, path, "merge keys (<<) are not supported; write keys out")
                continue
            child: KeyPath = (*path, str(key))
            if key in result:
                self._problem(
                    key_node, child, f"duplicate key {key!r}", "keep one of the two entries"
                )
                continue
            self.lines[child] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, child)
            if key in _CONDITION_KEYS:
                self._trailing_comment(value_node, child)
        return result

    def _trailing_comment(self, node: yaml.Node, path: KeyPath) -> None:
        """A ``#`` after an unquoted condition on its line: YAML drops the rest as a
        comment, but a reviewer reads it as part of the rule."""
        if not isinstance(node, yaml.ScalarNode) or node.style:  # plain: None or ""
            return
        end = node.end_mark.index
        rest = self.text[end : self.text.find("\n", end) % (len(self.text) + 1)]
        if "#" in rest:
            comment = rest[rest.index("#") :].strip()
            self._problem(
                node,
                path,
                f"the comment {comment!r} follows the condition on its line; YAML drops it, "
                "but a reader takes it for part of the rule",
                "put the comment on a line of its own above the condition",
            )

    def _problem(self, node: yaml.Node, path: KeyPath, message: str, hint: str = "") -> None:
        self.problems.append(
            Problem.in_profile(
                format_path(path), message, hint, self.file, node.start_mark.line + 1
            )
        )


def read_yaml(text: str, file: str | None = None) -> tuple[Any, SourceMap, list[Problem]]:
    """Parse YAML text safely; return the data, where each key is, and any problems.

    Only plain YAML is accepted (no Python tags, no merge keys); duplicate keys are
    reported instead of silently keeping the last one. Dates stay the text written
    (``2024-05-01``), as YAML 1.2 and JSON read them: where a profile expects a date the
    schema checks the text is one, and where it expects text (a label, an alias, a code)
    the text is kept as written.
    """
    if len(text) > MAX_BYTES:
        problem = Problem.in_profile(
            "$", f"the document is larger than {MAX_BYTES:,} characters", "split it", file
        )
        return None, SourceMap(file), [problem]
    try:
        node = yaml.compose(text, Loader=_FastLoader)
    except RecursionError:
        problem = Problem.in_profile("$", "the document is nested too deeply", "flatten it", file)
        return None, SourceMap(file), [problem]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        deep = "nesting depth" in str(exc.problem)  # libyaml's limit of 1,000 levels
        problem = Problem.in_profile(
            "$",
            f"not valid YAML: {exc.problem or exc}",
            "flatten it" if deep else "fix the YAML syntax",
            file,
            line,
        )
        return None, SourceMap(file), [problem]
    except yaml.YAMLError as exc:  # pragma: no cover - other parser failures
        return None, SourceMap(file), [Problem.in_profile("$", f"not valid YAML: {exc}", "", file)]
    if node is None:
        return None, SourceMap(file), []
    reader = _Reader(file, text)
    try:
        data = reader.build(node, ())
    except _Unreadable as exc:
        line = exc.node.start_mark.line + 1
        problem = Problem.in_profile("$", exc.message, exc.hint, file, line)
        return None, SourceMap(file, reader.lines), [*reader.problems, problem]
    except RecursionError:
        problem = Problem.in_profile("$", "the document is nested too deeply", "flatten it", file)
        return None, SourceMap(file, reader.lines), [*reader.problems, problem]
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        problem = Problem.in_profile(
            "$", f"unsupported YAML value: {exc.problem}", "use plain values", file, line
        )
        return None, SourceMap(file, reader.lines), [*reader.problems, problem]
    return data, SourceMap(file, reader.lines), reader.problems
