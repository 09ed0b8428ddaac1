"""Properties of the engine that must hold for every input, checked with hypothesis.

* one applicant at a time and a whole table give the same answers, row by row,
  for usable, missing and invalid values alike;
* a table comes back with one row per input row, in order, with its index;
* lowering a minimum never makes an eligible applicant ineligible;
* reforms never touch the profile they start from;
* decisions and profiles survive a round trip through plain data and JSON.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import (
    AREA_TYPES,
    CRITERIA,
    FLAGSHIP,
    ON,
    OPERATOR_TYPES,
    batches,
    examples,
    object_frame,
    records,
    usable_records,
)

import selectlib
from selectlib import Outcome
from selectlib.expr.gather import MIN_ROWS

PROFILE = selectlib.load_profile(FLAGSHIP)

PROPERTY = settings(
    max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _scalar_view(decision: selectlib.Decision) -> dict[str, Any]:
    return {
        "outcome": decision.outcome.value,
        "invalid": bool(decision.problems),
        "eligible": decision.eligible,
        **{result.id: result.status.value for result in decision.criteria},
        "problem_fields": sorted(str(p.key) for p in decision.problems),
    }


def _batch_view(row: pd.Series) -> dict[str, Any]:
    eligible = row["eligible"]
    problems = row["problems"]
    return {
        "outcome": row["outcome"],
        "invalid": row["status"] == "invalid",
        "eligible": None if eligible is pd.NA else bool(eligible),
        **{cid: row[cid] for cid in CRITERIA},
        "problems": problems,
    }


def _assert_rows_agree(profile, rows: list[dict[str, Any]], table: pd.DataFrame) -> None:
    assert len(table) == len(rows)
    for position, record in enumerate(rows):
        expected = _scalar_view(profile.evaluate(record, on=ON))
        got = _batch_view(table.iloc[position])
        problems = got.pop("problems")
        fields = expected.pop("problem_fields")
        assert got == expected, (position, record)
        if fields:
            assert isinstance(problems, str), (position, record)
            for field in fields:
                assert f"{field}: " in problems, (position, record, problems)
        else:
            assert problems == "", (position, record, problems)


@pytest.mark.slow  # over 5 s in the ci profile
@PROPERTY
@given(rows=batches())
def test_scalar_and_batch_agree_on_a_list_of_records(rows):
    _assert_rows_agree(PROFILE, rows, PROFILE.evaluate_many(rows, on=ON))


@pytest.mark.slow  # over 5 s in the ci profile
@PROPERTY
@given(rows=batches())
def test_scalar_and_batch_agree_on_object_columns(rows):
    frame = object_frame(rows)
    _assert_rows_agree(PROFILE, rows, PROFILE.evaluate_many(frame, on=ON))


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=batches(max_size=12).filter(bool))
def test_a_long_table_gives_each_row_what_one_record_gives(rows):
    """Long tables take the whole-column paths (a threshold compared per distinct table
    entry, outcomes spread from each combination of statuses by comparing codes)."""
    copies = -(-(MIN_ROWS + 1) // len(rows))
    long = PROFILE.evaluate_many(object_frame(rows * copies), on=ON)
    _assert_rows_agree(PROFILE, rows, long.iloc[: len(rows)])
    cells = long.astype(object).fillna("<missing>").to_numpy()
    assert (cells == np.tile(cells[: len(rows)], (copies, 1))).all()


@PROPERTY
@given(
    rows=st.lists(
        records(wide={"mandatory_programs": False, "autonomous_programs": False}), max_size=8
    )
)
def test_scalar_and_batch_agree_on_a_dict_of_columns(rows):
    frame = object_frame(rows)
    columns = {name: list(frame[name]) for name in frame.columns}
    if not columns:  # no column can say how many rows there are
        return
    _assert_rows_agree(PROFILE, rows, PROFILE.evaluate_many(columns, on=ON))


@settings(max_examples=examples(100), deadline=None)
@given(record=records())
def test_one_record_alone_agrees_with_the_scalar_path(record):
    # a table of one row has the narrowest dtypes pandas can infer for it
    _assert_rows_agree(PROFILE, [record], PROFILE.evaluate_many([record], on=ON))


indexes = st.one_of(
    st.lists(st.integers(-1000, 1000), unique=True),
    st.lists(st.text(max_size=4), unique=True),
    st.lists(st.integers(0, 3)),  # duplicate labels
)


@pytest.mark.slow  # over 5 s in the ci profile
@PROPERTY
@given(data=st.data(), labels=indexes)
def test_every_row_comes_back_once_in_order_with_its_index(data, labels):
    rows = data.draw(st.lists(records(), min_size=len(labels), max_size=len(labels)))
    for position, row in enumerate(rows):
        row["applicant_id"] = f"row-{position}"
    frame = object_frame(rows, index=pd.Index(labels, dtype=object))
    out = PROFILE.evaluate_many(frame, on=ON)
    assert len(out) == len(frame)
    assert out.index.equals(frame.index)
    if not rows:
        return
    assert list(out["applicant_id"]) == [f"row-{i}" for i in range(len(rows))]
    shuffled = frame.iloc[::-1]
    again = PROFILE.evaluate_many(shuffled, on=ON)
    assert again.index.equals(shuffled.index)
    assert list(again["applicant_id"]) == list(shuffled["applicant_id"])
    assert list(again["outcome"]) == list(out["outcome"])[::-1]


lowerings = st.fixed_dictionaries(
    {
        "cluster_min.metro": st.integers(0, 50),
        "cluster_min.city": st.integers(0, 40),
        "cluster_min.county": st.integers(0, 20),
        "min_staff": st.integers(0, 3),
        "min_autonomous_programs": st.integers(0, 3),
    }
).flatmap(
    lambda full: st.sets(st.sampled_from(sorted(full)), min_size=1).map(
        lambda keys: {key: full[key] for key in keys}
    )
)


@PROPERTY
@given(rows=st.lists(usable_records, min_size=1, max_size=10), changes=lowerings)
def test_lowering_a_minimum_never_makes_anyone_ineligible(rows, changes):
    reform = PROFILE.with_params(changes)
    before = PROFILE.evaluate_many(rows, on=ON)
    after = reform.evaluate_many(rows, on=ON)
    was = (before["outcome"] == "eligible").to_numpy()
    now = (after["outcome"] == "eligible").to_numpy()
    assert not (was & ~now).any()
    for cid in CRITERIA:  # and no single criterion goes from passed to failed
        lost = (before[cid] == "passed").to_numpy() & (after[cid] != "passed").to_numpy()
        assert not lost.any(), cid
    for record in rows:
        if PROFILE.evaluate(record, on=ON).outcome is Outcome.ELIGIBLE:
            assert reform.evaluate(record, on=ON).outcome is Outcome.ELIGIBLE


param_changes = st.one_of(
    st.fixed_dictionaries(
        {"cluster_min": st.fixed_dictionaries({a: st.integers(0, 100) for a in AREA_TYPES})}
    ),
    st.fixed_dictionaries({"cluster_min.metro": st.integers(0, 100)}),
    st.fixed_dictionaries({"min_staff": st.integers(0, 10)}),
    st.fixed_dictionaries(
        {"nonprofit_operator_types": st.lists(st.sampled_from(OPERATOR_TYPES), unique=True)}
    ),
    st.fixed_dictionaries({"min_autonomous_programs": st.integers(0, 6)}),
    # changes that must be refused
    st.fixed_dictionaries({"min_staff": st.sampled_from(["three", [1], {"a": 1}])}),
    st.fixed_dictionaries({"cluster_min.town": st.integers(0, 9)}),
    st.fixed_dictionaries({"no_such_parameter": st.integers(0, 9)}),
)
dates = st.one_of(st.none(), st.dates().filter(lambda d: d.year > 2024).map(str))


@PROPERTY
@given(changes=param_changes, since=dates, record=usable_records)
def test_with_params_never_changes_the_original(changes, since, record):
    before = PROFILE.to_dict()
    decision = PROFILE.evaluate(record, on=ON)
    try:
        reform = PROFILE.with_params(changes, since=since)
    except selectlib.ParameterError:
        reform = None
    assert PROFILE.to_dict() == before
    assert PROFILE.evaluate(record, on=ON) == decision
    if reform is not None:
        again = reform.with_params(changes, since=since)
        assert again.to_dict() == reform.to_dict()


@PROPERTY
@given(record=records())
def test_decisions_round_trip_exactly(record):
    decision = PROFILE.evaluate(record, on=ON)
    data = selectlib.decision_to_dict(decision)
    assert selectlib.decision_from_dict(data) == decision
    text = json.dumps(data, ensure_ascii=False)
    assert selectlib.decision_from_dict(json.loads(text)) == decision
    assert selectlib.decision_to_dict(selectlib.decision_from_dict(json.loads(text))) == data


@pytest.mark.slow  # over 5 s in the ci profile
@settings(max_examples=examples(60), deadline=None)
@given(changes=param_changes, since=dates)
def test_profiles_round_trip_exactly(changes, since):
    try:
        profile = PROFILE.with_params(changes, since=since)
    except selectlib.ParameterError:
        profile = PROFILE
    data = profile.to_dict()
    back = selectlib.Profile.from_dict(data)
    assert back == profile
    assert back.to_dict() == data
    through_json = selectlib.Profile.from_dict(json.loads(json.dumps(data, ensure_ascii=False)))
    assert through_json == profile
    assert through_json.to_dict() == data


def test_the_flagship_round_trips_through_json():
    data = PROFILE.to_dict()
    assert json.loads(json.dumps(data)) == data  # already JSON-ready
    assert selectlib.Profile.from_dict(data).spec == PROFILE.spec
