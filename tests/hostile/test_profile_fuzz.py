"""A fixed-seed fuzz of the bundled profiles: whatever is done to one, loading it raises
nothing but :class:`selectlib.SelectlibError`.

Each bundled profile is mutated deterministically (its own seed, so one profile's cases
do not depend on another's): keys deleted or renamed, values swapped for another type or
for hostile ones (None, empty containers, huge and non-finite numbers, dates, deep
nesting, bidirectional and full-width text), and its text cut, lines dropped, repeated or
given a hostile value. Mutants are read from YAML text, from ``Profile.from_dict`` and
from the edited text. A few per profile by default; many more under
``SELECTLIB_TESTS=ci``.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import yaml
from strategies import PROFILE

import selectlib
from selectlib.profile.compiled import from_text, profiles_dir

MUTANTS = 60 if PROFILE == "ci" else 3
"""Mutants per bundled profile: few in the default run, which must stay fast."""

BUNDLED = sorted(profiles_dir().glob("*.yaml"))
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml when there is one: the fuzz's own reading and writing, not what it tests."""

DEEP_LIST: list[Any] = [1]
DEEP_MAPPING: dict[str, Any] = {}
for _ in range(40):
    DEEP_LIST, DEEP_MAPPING = [DEEP_LIST], {"a": DEEP_MAPPING}

HOSTILE: list[Any] = [
    None,
    [],
    {},
    "",
    " ",
    0,
    -1,
    2**63 - 1,
    1e308,
    -1e-320,
    float("nan"),
    float("inf"),
    -float("inf"),
    True,
    dt.date(2024, 2, 29),
    "2024-02-30",
    "2024-13-45",
    "\u202eevil\u202c",
    "ｓｔａｆｆ",
    "staff\u200b",
    "👍" * 3,
    "\x00\x1b[2J",
    "x" * 5000,
    "staff >= min_staff # and x",
    "__import__('os').system('true')",
    "((((((((",
    "20%",
    "6:4",
    DEEP_LIST,
    DEEP_MAPPING,
    [None, {}, []],
    {"": None, "2024-01-01": [1]},
]
"""Values put where another value was: wrong types, edge numbers, dates, hostile text."""

TEXT_VALUES = [
    "2024-01-01",
    ".nan",
    "-.inf",
    "[[[[[[",
    "&a [*a, *a]",
    "!!python/object:os.system x",
    "99999999999999999999",
    "'unterminated",
    "{a: 1, a: 2}",
]
"""Raw YAML put in place of a value on one line of the file."""


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key path of a document (lists by index), the root excepted."""
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in children:
        yield (*prefix, key)
        yield from paths(child, (*prefix, key))


def like(value: Any, rng: random.Random) -> Any:
    """Another value of a related kind: a hostile number for a number, and so on."""
    if isinstance(value, bool | int | float):
        return rng.choice([v for v in HOSTILE if isinstance(v, int | float)])
    if isinstance(value, str):
        return rng.choice([v for v in HOSTILE if isinstance(v, str)] + [value[: len(value) // 2]])
    if isinstance(value, list):
        return rng.choice([[], value + value, value[::-1], [value]])
    if isinstance(value, dict) and value:
        key = rng.choice(list(value))
        return {k: v for k, v in value.items() if k != key} | {str(key) + "_": value[key]}
    return rng.choice(HOSTILE)


def mutate(data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """``data`` with one to three random changes."""
    data = copy.deepcopy(data)
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(list(paths(data)))
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        last, roll = path[-1], rng.random()
        if roll < 0.15 and isinstance(parent, dict):
            del parent[last]
        elif roll < 0.25 and isinstance(parent, dict):
            parent[rng.choice(["", "2024-01-01", "ｓｔａｆｆ", "eligible", 7])] = parent.pop(last)
        elif roll < 0.7:
            parent[last] = like(parent[last], rng)
        else:
            parent[last] = copy.deepcopy(rng.choice(HOSTILE))
    return data


def edit_text(text: str, rng: random.Random) -> str:
    """``text`` cut short, or with one line dropped, repeated or given a hostile value."""
    lines = text.splitlines(keepends=True)
    at, roll = rng.randrange(len(lines)), rng.random()
    if roll < 0.25:
        return text[: rng.randrange(len(text))]
    if roll < 0.5:
        del lines[at]
    elif roll < 0.7:
        lines.insert(at, lines[rng.randrange(len(lines))])
    elif ":" in lines[at]:
        key = lines[at].split(":", 1)[0]
        lines[at] = f"{key}: {rng.choice(TEXT_VALUES)}\n"
    return "".join(lines)


def mutants(path: Any) -> Iterator[tuple[str, Callable[[], object]]]:
    """Each mutant of one bundled profile, as (what was done, the load to try)."""
    text = path.read_text(encoding="utf-8")
    data = yaml.load(text, Loader=SAFE_LOADER)
    rng = random.Random(f"selectlib-fuzz-{path.stem}")
    for index in range(MUTANTS):
        kind = index % 3
        if kind == 0:
            changed = yaml.dump(
                mutate(data, rng), Dumper=SAFE_DUMPER, allow_unicode=True, sort_keys=False
            )
            yield changed, lambda changed=changed: from_text(changed, "mutant.yaml")
        elif kind == 1:
            mutant = mutate(data, rng)
            yield repr(mutant), lambda mutant=mutant: selectlib.Profile.from_dict(mutant)
        else:
            edited = edit_text(text, rng)
            yield edited, lambda edited=edited: from_text(edited, "mutant.yaml")


def attempt(load: Callable[[], object]) -> Exception | None:
    """What ``load`` raised, or None."""
    try:
        load()
    except Exception as exc:  # sorted out by the test
        return exc
    return None


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_a_mutated_profile_loads_or_raises_a_located_selectlib_error(path: Any) -> None:
    assert BUNDLED, "no bundled profiles found"
    for number, (what, load) in enumerate(mutants(path)):
        raised = attempt(load)
        if raised is not None and not isinstance(raised, selectlib.SelectlibError):
            pytest.fail(f"mutant {number} of {path.name} raised {raised!r}; it was:\n{what[:3000]}")
        if isinstance(raised, selectlib.ProfileError):
            assert raised.problems, what
            assert all(p.key is not None and p.key.startswith("$") for p in raised.problems), what
