"""The layout's rules, checked on the source (docs/architecture.md).

The core (profile, expr, eligibility, io) imports no feature (geo, scoring, benefits,
simulate, cli); nothing but ``__main__`` imports the cli; no import cycle, counting
imports inside functions and under ``TYPE_CHECKING``; no module over 400 lines and no
function over 80; at most 6 plain modules at the package's top level.
"""

from __future__ import annotations

import architecture

CORE = ("selectlib.profile", "selectlib.expr", "selectlib.eligibility", "selectlib.io")
FEATURES = (
    "selectlib.geo",
    "selectlib.scoring",
    "selectlib.benefits",
    "selectlib.simulate",
    "selectlib.cli",
    "selectlib.service",
)
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
MAX_TOP_LEVEL_MODULES = 6


EDGES = architecture.graph()


def test_the_core_imports_no_feature() -> None:
    found = {
        (module, target)
        for module, targets in EDGES.items()
        if module.startswith(CORE)
        for target in targets
        if target.startswith(FEATURES)
    }
    assert found == set()


def test_nothing_but_main_imports_the_cli() -> None:
    found = {
        (module, target)
        for module, targets in EDGES.items()
        if not module.startswith(("selectlib.cli", "selectlib.__main__"))
        for target in targets
        if target.startswith("selectlib.cli")
    }
    assert found == set()


def test_no_import_cycles() -> None:
    assert architecture.cycles(EDGES) == []


def test_no_module_over_400_lines() -> None:
    lines = architecture.module_lines()
    assert {m for m, n in lines.items() if n > MAX_MODULE_LINES} == set()


def test_no_function_over_80_lines() -> None:
    lines = architecture.function_lines()
    assert {f for f, n in lines.items() if n > MAX_FUNCTION_LINES} == set()


def test_few_plain_modules_at_the_top_level() -> None:
    assert len(architecture.top_level_modules()) <= MAX_TOP_LEVEL_MODULES


def test_the_cycle_finder_finds_a_cycle_and_ignores_a_package_reexport() -> None:
    edges = {"p": {"p.a"}, "p.a": {"p.b"}, "p.b": {"p.a"}, "q": set()}
    assert architecture.cycles(edges) == [["p.a", "p.b"]]
