"""The built wheel carries the built-in profiles (and sample data) inside the package.

Built offline from this checkout with the hatchling of the test environment
(``pip install -e .[test]``), installed into a private folder and imported from a
directory where the source tree is not importable.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from paths import ROOT

PROFILE_ID = "micro_manufacturer_center_2024"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("hatchling") is None:
        pytest.fail("hatchling is missing: install the test extra (pip install -e '.[test]')")
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-build-isolation",
            "--no-deps",
            "--no-index",
            "-w",
            str(out),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (built,) = out.glob("selectlib-*.whl")
    return built


def test_wheel_contains_the_package_and_its_profiles(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "selectlib/__init__.py" in names
    assert "selectlib/py.typed" in names
    profiles = sorted((ROOT / "scoring_profiles").glob("*.yaml"))
    assert profiles
    for profile in profiles:
        assert f"selectlib/scoring_profiles/{profile.name}" in names
    assert not any(name.startswith("tests/") for name in names)


def test_wheel_contains_the_sample_data_if_the_repo_has_it(wheel):
    sample = ROOT / "sample_data" / "applicants.csv"
    if not sample.is_file():
        pytest.skip("sample_data/applicants.csv is not in this checkout")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "selectlib/sample_data/applicants.csv" in names
    packed = zipfile.ZipFile(wheel).read("selectlib/sample_data/applicants.csv")
    assert packed == sample.read_bytes()


def test_installed_wheel_finds_its_profiles_without_the_source_tree(wheel, tmp_path):
    site = tmp_path / "site"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--target",
            str(site),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    code = (
        "import selectlib; "
        "print(selectlib.__file__); "
        "print(selectlib.list_profiles()); "
        f"p = selectlib.load_profile({PROFILE_ID!r}); "
        "print(p.path); "
        "print(p.evaluate({'area_type': 'county', 'cluster_count': 20}, on='2024-05-01')"
        ".criterion('cluster_size').status)"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSAFEPATH")
    }
    env["PYTHONPATH"] = str(site)
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    module_file, listed, path, status = run.stdout.strip().splitlines()
    assert Path(module_file).resolve().is_relative_to(site.resolve())
    assert PROFILE_ID in listed
    assert Path(path).resolve().is_relative_to(site.resolve())
    assert Path(path).name == f"{PROFILE_ID}.yaml"
    assert status == "passed"
