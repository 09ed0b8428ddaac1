"""The public face of selectlib.scoring: sorted exports, and a light import."""

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
    lazy = set(scoring._LAZY)  # loaded on first use (openpyxl, scipy)
    assert public - {"annotations", "importlib", "TYPE_CHECKING", "Any"} | lazy == set(
        scoring.__all__
    )
    for name in scoring.__all__:
        assert hasattr(scoring, name), name


def test_importing_scoring_loads_neither_openpyxl_nor_scipy() -> None:
    # spreadsheets and statistics load only when a function needs them
    code = (
        "import selectlib, selectlib.scoring, sys; "
        "loaded = {'openpyxl', 'scipy'} & set(sys.modules); assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_building_blocks_are_apart_from_the_workflow() -> None:
    from selectlib.scoring import primitives

    assert not set(primitives.__all__) & set(scoring.__all__)
    for name in primitives.__all__:
        assert hasattr(primitives, name), name
    assert {"evaluate_selection", "read_scores", "write_report"} <= set(scoring.__all__)
    assert {"rank", "score_stage", "trimmed_mean", "Exact"} <= set(primitives.__all__)


def test_every_status_and_result_has_its_words() -> None:
    from selectlib.scoring.result import RESULT_LABELS, STATUS_LABELS

    assert set(scoring.StageStatus) <= set(STATUS_LABELS)
    assert set(scoring.Result) <= set(RESULT_LABELS)
    assert scoring.StageStatus.NO_QUORUM == "no_quorum"  # statuses compare as their codes
