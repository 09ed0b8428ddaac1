"""Built-in profiles, read by their id, skip the JSON Schema check: these tests make it.

Every profile shipped in the package must pass the schema, and loading it by its id
(no schema check, no jsonschema import) must give the profile its file gives when
checked. A user's file is always checked, by id or not.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from strategies import FLAGSHIP

import selectlib
from selectlib.errors import ProfileError
from selectlib.profile.compiled import from_text, list_profiles, profiles_dir
from selectlib.profile.schema import schema_problems
from selectlib.profile.source import read_yaml

BUILT_IN = list_profiles()


def test_there_are_built_in_profiles():
    assert FLAGSHIP in BUILT_IN


@pytest.mark.parametrize("name", BUILT_IN)
def test_a_built_in_profile_passes_the_schema_and_loads_as_its_checked_file(name):
    path = profiles_dir() / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    data, source, problems = read_yaml(text, str(path))
    assert problems == []
    assert schema_problems(data, source) == []
    by_id = selectlib.load_profile(name)
    checked = from_text(text, str(path))
    assert by_id.spec == checked.spec
    assert by_id.to_dict() == checked.to_dict()


def test_a_user_file_is_checked_against_the_schema(tmp_path):
    text = (profiles_dir() / f"{FLAGSHIP}.yaml").read_text(encoding="utf-8")
    path = tmp_path / "mine.yaml"
    path.write_text(text.replace("\nid: ", "\nunknown_key: 1\nid: ", 1), encoding="utf-8")
    with pytest.raises(ProfileError, match=r"unknown key\(s\)"):
        selectlib.load_profile(str(path))
    with pytest.raises(ProfileError, match=r"unknown key\(s\)"):
        from_text(path.read_text(encoding="utf-8"), str(path), built_in=False)


def test_loading_a_built_in_profile_imports_no_jsonschema(tmp_path):
    script = (
        "import json, sys\n"
        "import selectlib\n"
        f"selectlib.load_profile({FLAGSHIP!r})\n"
        "print(json.dumps('jsonschema' in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) is False
