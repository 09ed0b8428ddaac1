"""Sweeps: every grid point is what a reform and evaluate_many say, counted once."""

from __future__ import annotations

import doctest
import importlib
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import ROOT
from strategies import FLAGSHIP, ON, examples

import selectlib
from selectlib.errors import ArgumentError, InputError, SelectlibError
from selectlib.simulate.grid import build_grid
from selectlib.simulate.points import Evaluator

OUTCOMES = ["eligible", "ineligible", "incomplete", "invalid"]


@pytest.fixture(scope="module")
def profile() -> selectlib.Profile:
    return selectlib.load_profile(FLAGSHIP)


@pytest.fixture(scope="module")
def applicants() -> pd.DataFrame:
    return pd.read_csv(ROOT / "sample_data" / "applicants.csv", dtype=str)


def point_counts(reform: selectlib.Profile, table: pd.DataFrame) -> dict[str, int]:
    """What evaluate_many says at one point, in the sweep table's terms."""
    result = reform.evaluate_many(table, on=ON)
    counts = {name: int((result["outcome"] == name).sum()) for name in OUTCOMES}
    for criterion in reform.criteria:
        counts[f"failed.{criterion.id}"] = int((result[criterion.id] == "failed").sum())
    return counts


GRIDS = st.fixed_dictionaries(
    {
        "min_staff": st.lists(st.integers(0, 6), min_size=1, max_size=3, unique=True),
        "cluster_min.metro": st.lists(st.integers(0, 80), min_size=1, max_size=2, unique=True),
    },
    optional={"min_autonomous_programs": st.lists(st.integers(0, 6), min_size=1, max_size=2)},
)


@settings(max_examples=examples(30))
@given(vary=GRIDS)
def test_each_point_is_with_params_and_evaluate_many(
    profile: selectlib.Profile, applicants: pd.DataFrame, vary: dict[str, list[int]]
) -> None:
    table = selectlib.sweep(profile, applicants, vary, on=ON)
    assert len(table) == int(np.prod([len(v) for v in vary.values()]))
    for row in table.to_dict("records"):
        changes = {key: row[key] for key in vary}
        expected = point_counts(profile.with_params(changes), applicants)
        assert {key: row[key] for key in expected} == expected, changes


def test_columns_are_named_and_typed_as_promised(
    profile: selectlib.Profile, applicants: pd.DataFrame
) -> None:
    vary = {"min_staff": [1, 2, 3], "cluster_min.metro": [30, 40]}
    table = selectlib.sweep(profile, applicants, vary, on=ON)
    failed = [f"failed.{c.id}" for c in profile.criteria]
    assert list(table.columns) == [*vary, *OUTCOMES, "gained", "lost", *failed]
    # grid order: the first key slowest
    assert table[["min_staff", "cluster_min.metro"]].values.tolist() == [
        [1, 30], [1, 40], [2, 30], [2, 40], [3, 30], [3, 40]
    ]  # fmt: skip
    counted = table.columns[len(vary) :]
    assert all(table[name].dtype == np.int64 for name in counted)
    assert (table[OUTCOMES].sum(axis=1) == len(applicants)).all()


def test_gained_and_lost_agree_with_compare(
    profile: selectlib.Profile, applicants: pd.DataFrame
) -> None:
    vary = {"min_staff": [0, 3, 6], "cluster_min.city": [10, 40, 90]}
    table = selectlib.sweep(profile, applicants, vary, on=ON)
    for row in table.to_dict("records"):
        reform = profile.with_params({key: row[key] for key in vary})
        changes = selectlib.compare(profile, reform, applicants, on=ON)["change"]
        assert row["gained"] == (changes == "gained").sum()
        assert row["lost"] == (changes == "lost").sum()
    assert table["gained"].sum() > 0  # the grid flips some both ways
    assert table["lost"].sum() > 0


def test_zip_pairs_values(profile: selectlib.Profile, applicants: pd.DataFrame) -> None:
    vary = {"min_staff": [1, 5], "cluster_min.metro": [30, 60]}
    paired = selectlib.sweep(profile, applicants, vary, on=ON, zip=True)
    full = selectlib.sweep(profile, applicants, vary, on=ON)
    assert paired[list(vary)].values.tolist() == [[1, 30], [5, 60]]
    expected = full.iloc[[0, 3]].reset_index(drop=True)
    pd.testing.assert_frame_equal(paired, expected)


def test_group_counts_add_up_to_the_totals(
    profile: selectlib.Profile, applicants: pd.DataFrame
) -> None:
    vary = {"min_staff": [1, 4], "cluster_min.county": [10, 30]}
    whole = selectlib.sweep(profile, applicants, vary, on=ON)
    grouped = selectlib.sweep(profile, applicants, vary, on=ON, by="region")
    groups = applicants["region"].nunique(dropna=False)
    assert len(grouped) == len(whole) * groups
    assert grouped.columns.tolist() == [*vary, "region", *whole.columns[len(vary) :]]
    summed = grouped.groupby(list(vary), sort=False).sum(numeric_only=True).reset_index()
    pd.testing.assert_frame_equal(summed, whole)
    # groups in sorted order within each point
    first = grouped["region"].iloc[:groups].dropna().tolist()
    assert first == sorted(first)


def test_by_names_a_missing_column(profile: selectlib.Profile, applicants: pd.DataFrame) -> None:
    with pytest.raises(InputError, match=r"'regoin'.*did you mean 'region'"):
        selectlib.sweep(profile, applicants, {"min_staff": [1]}, on=ON, by="regoin")


def test_a_criterion_no_varied_key_reads_is_evaluated_once(
    profile: selectlib.Profile, applicants: pd.DataFrame
) -> None:
    grid = build_grid(profile, {"min_staff": [1, 2, 3], "cluster_min.metro": [30, 50]})
    evaluator = Evaluator(profile, applicants, grid, ON)
    evaluator.decide(None)
    for point in range(len(grid.points)):
        evaluator.decide(point)
    keys = list(evaluator._statuses)
    per_criterion = {c.id: sum(k[0] == i for k in keys) for i, c in enumerate(profile.criteria)}
    # the baseline and each distinct value of the key the criterion reads; others once
    assert per_criterion.pop("operating_staff") == 1 + 3
    assert per_criterion.pop("cluster_size") == 1 + 2
    assert set(per_criterion.values()) == {1}
    assert len(evaluator._vectors) == 1  # the table is coerced once


@pytest.mark.parametrize(
    ("vary", "zipped", "message"),
    [
        ({"min_staf": [1]}, False, r"'min_staf': no such parameter.*did you mean 'min_staff'"),
        ({"cluster_min.metor": [1]}, False, r"did you mean 'cluster_min.metro'"),
        ({"min_staff": []}, False, r"'min_staff': the list of values is empty"),
        ({"min_staff": 3}, False, r"'min_staff': give a list of values, got int"),
        ({"min_staff": "3"}, False, r"'min_staff': give a list of values, got str"),
        ({"min_staff": ["three"]}, False, r"'min_staff': 'three' does not fit"),
        ({"cluster_min": [5]}, False, r"'cluster_min': 5 does not fit"),
        ({"budget": [1]}, False, r"'budget': no such parameter"),  # no benefits section
        ({}, False, r"give a mapping"),
        (
            {"min_staff": [1, 2], "cluster_min.city": [3]},
            True,
            r"min_staff: 2, cluster_min.city: 1",
        ),
    ],
)
def test_bad_vary_names_the_key(
    profile: selectlib.Profile, vary: dict[str, Any], zipped: bool, message: str
) -> None:
    with pytest.raises(ArgumentError, match=message) as caught:
        selectlib.sweep(profile, [{"staff": 1}], vary, on=ON, zip=zipped)
    assert isinstance(caught.value, SelectlibError)


def test_a_grid_too_large_is_refused_naming_the_limit(profile: selectlib.Profile) -> None:
    vary = {"min_staff": list(range(200)), "min_autonomous_programs": list(range(100))}
    with pytest.raises(ArgumentError, match=r"20,000 points.*MAX_GRID_POINTS"):
        selectlib.sweep(profile, [{"staff": 1}], vary, on=ON)


def test_an_empty_table_gives_zero_counts(profile: selectlib.Profile) -> None:
    empty = pd.DataFrame({"staff": pd.Series([], dtype="int64"), "region": []})
    table = selectlib.sweep(profile, empty, {"min_staff": [1, 2]}, on=ON)
    assert table["eligible"].tolist() == [0, 0]
    assert len(selectlib.sweep(profile, empty, {"min_staff": [1, 2]}, on=ON, by="region")) == 0


def test_module_doctests() -> None:
    module = importlib.import_module("selectlib.simulate.sweep")
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0
