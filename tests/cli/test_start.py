"""Starting fast: ``selectlib --help`` (every command's too) and ``import selectlib`` load
no table library; the public names are imported on first use and all resolve.

Each check runs in a fresh interpreter (one subprocess per test), since this test
session has long loaded pandas.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys

import selectlib

HEAVY = (
    "pandas",
    "numpy",
    "pyarrow",
    "geopandas",
    "shapely",
    "openpyxl",
    "scipy",
    "fastapi",
    "uvicorn",
    "starlette",
)
"""Libraries that cost most of a start; none is needed before a table or profile is used
(nor the service's, before ``selectlib serve`` runs)."""

COMMANDS = {
    "",
    "check",
    "compare",
    "demo",
    "benefits",
    "clusters",
    "evaluate",
    "sheets",
    "serve",
    "profiles",
    "profiles list",
    "profiles show",
    "profiles validate",
    "profiles schema",
}
"""Every command path, the top level as ''; the test's walk must find at least these."""

HELP_SCRIPT = f"""
import contextlib, io, json, sys
import typer
from selectlib.cli.app import app, main

def paths(command, prefix):
    yield prefix
    for name, sub in getattr(command, "commands", {{}}).items():
        yield from paths(sub, [*prefix, name])

report = {{"helped": [], "bad": [], "heavy": []}}
for path in paths(typer.main.get_command(app), []):
    sys.argv = ["selectlib", *path, "--help"]
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            main()
    except SystemExit as exc:
        if exc.code not in (0, None) or "Usage: selectlib" not in out.getvalue():
            report["bad"].append([" ".join(path), repr(exc.code), out.getvalue()[-300:]])
    else:
        report["bad"].append([" ".join(path), "no exit", out.getvalue()[-300:]])
    report["helped"].append(" ".join(path))
report["heavy"] = sorted(set({HEAVY!r}) & set(sys.modules))
print(json.dumps(report))
"""

IMPORT_SCRIPT = f"""
import json, sys
heavy = lambda: sorted(set({HEAVY!r}) & set(sys.modules))
report = {{}}
import selectlib
report["import"] = heavy()
report["version"] = selectlib.__version__
report["after_version"] = heavy()
report["dir"] = dir(selectlib)
report["unknown"] = hasattr(selectlib, "no_such_name")
report["after_dir"] = heavy()
# a profile with a benefits section, loaded before anything imported selectlib.benefits
from selectlib.profile.compiled import load_profile
report["benefits_loaded"] = "selectlib.benefits" in sys.modules
report["profile"] = load_profile("coop_collaboration").id
# every public name, imported on first use
from selectlib import *
report["resolved"] = [name for name in selectlib.__all__ if name in globals()]
report["same"] = [
    name for name in selectlib.__all__
    if name == "__version__"
    or getattr(sys.modules[globals()[name].__module__], name) is globals()[name]
]
print(json.dumps(report))
"""


@functools.cache
def _run(script: str) -> dict[str, object]:
    """The JSON report ``script`` prints, run once per test process (the tests share it)."""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return report


def test_help_of_every_command_loads_no_table_library():
    report = _run(HELP_SCRIPT)
    assert report["bad"] == []
    assert set(report["helped"]) >= COMMANDS
    assert report["heavy"] == []


def test_import_selectlib_loads_no_table_library():
    report = _run(IMPORT_SCRIPT)
    assert report["import"] == []
    assert report["version"] == selectlib.__version__
    assert report["after_version"] == []
    assert set(selectlib.__all__) <= set(report["dir"])
    assert report["unknown"] is False
    assert report["after_dir"] == []


def test_a_benefits_profile_loads_though_import_selectlib_imports_no_feature():
    """The core imports the benefits feature (which registers its compiler) on the first
    benefits section: ``import selectlib`` no longer does."""
    report = _run(IMPORT_SCRIPT)
    assert report["benefits_loaded"] is False
    assert report["profile"] == "coop_collaboration"


def test_every_public_name_resolves_on_first_use():
    report = _run(IMPORT_SCRIPT)
    assert report["resolved"] == selectlib.__all__
    assert report["same"] == selectlib.__all__
