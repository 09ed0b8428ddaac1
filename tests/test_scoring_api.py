"""The public face of selectlib.scoring: sorted exports, loaded only on request."""

from __future__ import annotations

import subprocess
import sys
import types

import selectlib.scoring as scoring


def test_all_lists_each_public_name_once_and_every_name_resolves() -> None:
    # the order is ruff's isort-style sort (RUF022), checked by ruff itself
    assert len(set(scoring.__all__)) == len(scoring.__all__)
    public = {
        name
        for name, value in vars(scoring).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public - {"annotations"} == set(scoring.__all__)
    for name in scoring.__all__:
        assert hasattr(scoring, name), name


def test_importing_selectlib_does_not_load_scoring() -> None:
    code = "import selectlib, sys; assert 'selectlib.scoring' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
