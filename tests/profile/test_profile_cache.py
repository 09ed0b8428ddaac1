"""Loaded profiles are remembered by file, in their latest version only, and boundedly."""

from __future__ import annotations

import os
from pathlib import Path

from paths import FIXTURES

import selectlib
from selectlib.profile import compiled

SMALL = FIXTURES / "benefits_program.yaml"


def _copy(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text(SMALL.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_an_unchanged_file_is_loaded_once(tmp_path):
    path = _copy(tmp_path, "p.yaml")
    assert selectlib.load_profile(path) is selectlib.load_profile(str(path))


def test_an_edited_file_replaces_its_old_version(tmp_path):
    path = _copy(tmp_path, "p.yaml")
    first = selectlib.load_profile(path)
    text = path.read_text(encoding="utf-8").replace("premium_rate:", "premium_rate:  ", 1)
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different mtime, even on a coarse clock
    second = selectlib.load_profile(path)
    assert second is not first
    key = str(path.resolve())
    assert [k for k in compiled._LOADED if k == key] == [key]
    assert compiled._LOADED[key][1] is second


def test_the_cache_keeps_at_most_its_bound(tmp_path):
    for i in range(compiled.MAX_CACHED_PROFILES + 5):
        selectlib.load_profile(_copy(tmp_path, f"p{i}.yaml"))
    assert len(compiled._LOADED) <= compiled.MAX_CACHED_PROFILES
    newest = str((tmp_path / f"p{compiled.MAX_CACHED_PROFILES + 4}.yaml").resolve())
    assert newest in compiled._LOADED
    assert str((tmp_path / "p0.yaml").resolve()) not in compiled._LOADED
