"""Reading a ``--set KEY=VALUE`` value as YAML, for :func:`selectlib.cli.options.parse_set`.

Apart from :mod:`selectlib.cli.options` so that PyYAML is imported only when a command
reads a ``--set`` option, not for ``--help``.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["nesting", "read_value"]


class _SetLoader(yaml.SafeLoader):
    """Safe YAML that reads a date as the text written, as profile files do."""


def _date_as_text(loader: _SetLoader, node: yaml.Node) -> Any:
    return loader.construct_yaml_str(node)


_SetLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_as_text)


def nesting(text: str, most: int) -> int:
    """How deep lists and mappings nest in ``text``, up to ``most`` + 1, before anything is
    built: first its brackets as written (quoted or not: a cheap bound, as pure-Python
    YAML is slow on thousands of ``[``), then YAML events (block nesting)."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    if deepest > most:
        return deepest
    depth = deepest = 0
    for event in yaml.parse(text, Loader=_SetLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > most:
                break
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return deepest


def read_value(text: str) -> Any:
    """``text`` read as safe YAML, a date as the text written."""
    return yaml.load(text, Loader=_SetLoader)  # a SafeLoader
