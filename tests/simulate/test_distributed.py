"""The Dask path: partitions on a local cluster give what one pandas table gives."""

from __future__ import annotations

import ast
from collections.abc import Iterator

import pandas as pd
import pytest
from paths import ROOT
from strategies import FLAGSHIP, ON

import selectlib
from selectlib.errors import InputError

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    """Two workers on the loopback interface (threads: starting processes costs seconds)."""
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            protocol="tcp",
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def profile() -> selectlib.Profile:
    return selectlib.load_profile(FLAGSHIP)


@pytest.fixture(scope="module")
def applicants() -> pd.DataFrame:
    return pd.read_csv(ROOT / "sample_data" / "applicants.csv", dtype=str)


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column as text, so categories built per partition compare by value."""
    return frame.astype(str).reset_index(drop=True)


@pytest.mark.parametrize("by", [None, "region"])
def test_a_dask_sweep_is_the_pandas_sweep(
    client: object, profile: selectlib.Profile, applicants: pd.DataFrame, by: str | None
) -> None:
    table = dd.from_pandas(applicants, npartitions=4)
    vary = {"min_staff": [1, 3, 5], "cluster_min.metro": [30, 50]}
    lazy = selectlib.sweep(profile, table, vary, on=ON, by=by)
    assert isinstance(lazy, pd.DataFrame)
    pd.testing.assert_frame_equal(lazy, selectlib.sweep(profile, applicants, vary, on=ON, by=by))


def test_evaluate_many_and_compare_stay_lazy_and_agree(
    client: object, profile: selectlib.Profile, applicants: pd.DataFrame
) -> None:
    table = dd.from_pandas(applicants, npartitions=3)
    lazy = profile.evaluate_many(table, on=ON)
    assert type(lazy).__module__.startswith("dask")
    pd.testing.assert_frame_equal(
        as_text(lazy.compute()), as_text(profile.evaluate_many(applicants, on=ON))
    )
    reform = profile.with_params({"min_staff": 1, "cluster_min.city": 20})
    compared = selectlib.compare(profile, reform, table, on=ON)
    assert type(compared).__module__.startswith("dask")
    pd.testing.assert_frame_equal(
        as_text(compared.compute()), as_text(selectlib.compare(profile, reform, applicants, on=ON))
    )


def test_a_budget_sweep_on_partitions_is_refused_with_what_to_do() -> None:
    profile = selectlib.load_profile("seoul_pl_insurance")
    table = dd.from_pandas(pd.DataFrame({"premium": [1, 2]}), npartitions=1)
    with pytest.raises(InputError, match=r"table.compute\(\)"):
        selectlib.sweep(profile, table, {"budget": [10]}, on="2021-03-02")


def test_dask_is_imported_only_inside_the_functions_that_use_it() -> None:
    """``import selectlib`` and pandas tables never load Dask: no module imports it at its
    top level, and only the distributed module and the command's work import it at all."""
    for path in sorted((ROOT / "selectlib").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "dask" not in text and "distributed" not in text:
            continue
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                module = getattr(node, "module", None) or ""
                uses = any(n.split(".")[0] in ("dask", "distributed") for n in [*names, module])
                if uses:
                    assert path.name in ("distributed.py", "sweep_run.py"), path
                    assert node not in tree.body, f"{path}: a top-level import of Dask"
