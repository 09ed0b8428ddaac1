"""Safe YAML reading that remembers the line of every key, for error messages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import yaml

from .errors import ProfileProblem

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

    def problem(self, path: KeyPath, message: str, hint: str = "") -> ProfileProblem:
        """A problem located at ``path`` in this document."""
        return ProfileProblem(
            path=format_path(path), message=message, hint=hint, file=self.file, line=self.line(path)
        )


class _Reader:
    def __init__(self, file: str | None) -> None:
        self.file = file
        self.lines: dict[KeyPath, int] = {}
        self.problems: list[ProfileProblem] = []
        self._scalars = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalars.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_node, path, "a key must be a plain value, not a list or mapping")
                continue
            key = self._scalars.construct_object(key_node)
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
        return result

    def _problem(self, node: yaml.Node, path: KeyPath, message: str, hint: str = "") -> None:
        self.problems.append(
            ProfileProblem(format_path(path), message, hint, self.file, node.start_mark.line + 1)
        )


def read_yaml(text: str, file: str | None = None) -> tuple[Any, SourceMap, list[ProfileProblem]]:
    """Parse YAML text safely; return the data, where each key is, and any problems.

    Only plain YAML is accepted (no Python tags, no merge keys); duplicate keys are
    reported instead of silently keeping the last one.
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = ProfileProblem(
            "$", f"not valid YAML: {exc.problem or exc}", "fix the YAML syntax", file, line
        )
        return None, SourceMap(file), [problem]
    except yaml.YAMLError as exc:  # pragma: no cover - other parser failures
        return None, SourceMap(file), [ProfileProblem("$", f"not valid YAML: {exc}", "", file)]
    if node is None:
        return None, SourceMap(file), []
    reader = _Reader(file)
    try:
        data = reader.build(node, ())
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        problem = ProfileProblem(
            "$", f"unsupported YAML value: {exc.problem}", "use plain values", file, line
        )
        return None, SourceMap(file, reader.lines), [*reader.problems, problem]
    return data, SourceMap(file, reader.lines), reader.problems
