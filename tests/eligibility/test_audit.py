"""Audit records: stable hashes of the profile's content and of the canonical input."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import good_record
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import ROOT
from strategies import examples, records

import selectlib
from selectlib.eligibility.audit import MAX_DEPTH, canonical, canonical_json, sha256_of

ON = "2024-05-01"
_PRINT_HASHES = """
import sys
import selectlib
profile = selectlib.load_profile("micro_manufacturer_center_2024")
audit = profile.evaluate(sys.argv[1], on="2024-05-01").audit
print(audit.profile_sha256, audit.input_sha256)
"""


def test_hashes_are_the_same_in_another_process(flagship: selectlib.Profile) -> None:
    """Another process, with another hash seed, finds the same hashes as this one (one
    process only: each pays about a second for importing pandas)."""
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", _PRINT_HASHES, json.dumps(good_record())]
    printed = subprocess.run(
        command, env=env, capture_output=True, text=True, check=True, timeout=60
    )
    audit = flagship.evaluate(good_record(), on=ON).audit
    assert audit is not None
    assert printed.stdout.split() == [audit.profile_sha256, audit.input_sha256]


def test_the_input_hash_is_of_the_documented_text() -> None:
    text = '{"area_type":"county","programs":["a","b"],"staff":3,"name":"소공인"}'
    keys_sorted = '{"area_type":"county","name":"소공인","programs":["a","b"],"staff":3}'
    record = json.loads(text) | {"programs": {"b", "a"}, "staff": 3.0}
    assert canonical_json(record) == keys_sorted
    assert sha256_of(record) == hashlib.sha256(keys_sorted.encode("utf-8")).hexdigest()


def test_every_decision_carries_its_record(flagship: selectlib.Profile) -> None:
    decision = flagship.evaluate(json.dumps(good_record()), on=ON)
    audit = decision.audit
    assert audit is not None
    assert (audit.profile, audit.profile_version, audit.kind) == (flagship.id, "2024.1", "decision")
    assert audit.on == dt.date(2024, 5, 1)
    assert audit.selectlib_version == selectlib.__version__
    assert audit.made_at.tzinfo is dt.UTC
    assert abs(dt.datetime.now(dt.UTC) - audit.made_at) < dt.timedelta(minutes=5)
    assert audit.profile_sha256 == sha256_of(flagship.to_dict())
    assert audit.input_sha256 == sha256_of(good_record()) == sha256_of(decision.input)


def test_a_changed_parameter_changes_the_profile_hash(flagship: selectlib.Profile) -> None:
    base = flagship.stamp.sha256
    raised = flagship.with_params({"min_staff": 4})
    dated = flagship.with_params({"min_staff": 4}, since="2024-06-01")
    one_entry = flagship.with_params({"cluster_min.county": 21})
    hashes = {base, raised.stamp.sha256, dated.stamp.sha256, one_entry.stamp.sha256}
    assert len(hashes) == 4
    assert flagship.stamp.sha256 == base  # the reforms left the profile untouched
    decision = raised.evaluate(good_record(), on=ON)
    assert decision.audit is not None
    assert decision.audit.profile_sha256 == raised.stamp.sha256 != base


def test_the_profile_hash_is_computed_once(flagship: selectlib.Profile) -> None:
    assert flagship.stamp is flagship.stamp
    first = flagship.evaluate(good_record(), on=ON).audit
    second = flagship.evaluate(good_record(staff=4), on=ON).audit
    assert first is not None
    assert second is not None
    assert first.profile_sha256 is second.profile_sha256


@pytest.mark.parametrize(
    "change",
    [{"staff": 4}, {"area_type": "city"}, {"mandatory_programs": ["survey"]}, {"extra": 1}],
    ids=["number", "category", "set", "added field"],
)
def test_a_changed_input_field_changes_the_input_hash(
    flagship: selectlib.Profile, change: dict[str, Any]
) -> None:
    before = flagship.evaluate(good_record(), on=ON).audit
    after = flagship.evaluate(good_record(**change), on=ON).audit
    assert before is not None
    assert after is not None
    assert before.input_sha256 != after.input_sha256
    assert before.profile_sha256 == after.profile_sha256


@settings(max_examples=examples(100))
@given(record=records(), data=st.data())
def test_key_order_does_not_change_the_input_hash(
    record: dict[str, Any], data: st.DataObject
) -> None:
    profile = selectlib.load_profile("micro_manufacturer_center_2024")
    order = data.draw(st.permutations(list(record)))
    shuffled = {key: record[key] for key in order}
    first = profile.evaluate(record, on=ON)
    second = profile.evaluate(shuffled, on=ON)
    assert first.audit is not None
    assert second.audit is not None
    assert first.audit.input_sha256 == second.audit.input_sha256
    assert canonical(first.input) == first.input  # the canonical form is a fixed point


def test_the_canonical_form_normalises_what_does_not_change_a_result() -> None:
    decomposed = unicodedata.normalize("NFD", "소공인")
    assert decomposed != "소공인"
    same = [
        ({"staff": 3.0}, {"staff": 3}),
        ({"name": decomposed}, {"name": "소공인"}),
        ({"programs": {"b", "a"}}, {"programs": ["a", "b"]}),
        ({"programs": ("a", "b")}, {"programs": ["a", "b"]}),
        ({"day": dt.date(2024, 5, 1)}, {"day": "2024-05-01"}),
        ({"score": math.nan}, {"score": None}),
    ]
    for given_, written in same:
        assert sha256_of(given_) == sha256_of(written), given_
    assert canonical_json({"b": 1, "a": [0.1, 2.5e-7]}) == '{"a":[0.1,2.5e-07],"b":1}'
    assert canonical_json({"x": math.inf}) == '{"x":"Infinity"}'
    assert sha256_of({"staff": 3}) != sha256_of({"staff": 3.5})


def test_a_value_nested_too_deep_is_refused_naming_the_limit() -> None:
    value: Any = 1
    for _ in range(MAX_DEPTH + 1):
        value = [value]
    with pytest.raises(selectlib.InputError, match="MAX_DEPTH"):
        sha256_of(value)


def test_the_record_travels_with_the_decision_json(flagship: selectlib.Profile) -> None:
    decision = flagship.evaluate(good_record(), on=ON)
    data = json.loads(json.dumps(selectlib.decision_to_dict(decision)))
    assert data["audit"] == decision.audit.to_dict()  # type: ignore[union-attr]
    assert data["input"] == canonical(good_record())
    back = selectlib.decision_from_dict(data)
    assert back == decision
    assert back.audit == decision.audit
    assert back.input == decision.input


def test_a_malformed_record_names_the_key() -> None:
    with pytest.raises(selectlib.InputError, match=r"audit\.profile_sha256 must be text"):
        selectlib.AuditRecord.from_dict({"profile": "p", "profile_version": "1"})
    good = {
        "profile": "p",
        "profile_version": "1",
        "profile_sha256": "0" * 64,
        "selectlib_version": "0.1.0",
        "on": "2024-05-01",
        "made_at": "yesterday",
    }
    with pytest.raises(selectlib.InputError, match="ISO"):
        selectlib.AuditRecord.from_dict(good)


def test_a_batch_carries_one_record_that_survives_table_operations(
    flagship: selectlib.Profile, tmp_path: Path
) -> None:
    from selectlib.io import write_table

    results = flagship.evaluate_many([good_record(), good_record(staff=1)], on=ON)
    audit = selectlib.AuditRecord.from_json(results.attrs["audit"])
    assert audit.to_json() == results.attrs["audit"]
    assert (audit.kind, audit.input_sha256) == ("batch", None)
    assert abs(dt.datetime.now(dt.UTC) - audit.made_at) < dt.timedelta(minutes=5)
    assert audit.profile_sha256 == flagship.stamp.sha256
    assert results.drop(columns="outcome").attrs["audit"] == results.attrs["audit"]
    results.to_parquet(tmp_path / "own.parquet")  # pandas keeps it in the file's metadata
    assert pd.read_parquet(tmp_path / "own.parquet").attrs["audit"] == results.attrs["audit"]
    write_table(results, tmp_path / "selectlib.parquet")  # same input, same bytes: left out
    assert "audit" not in pd.read_parquet(tmp_path / "selectlib.parquet").attrs


def test_a_selection_records_its_inputs_and_a_changed_score_changes_the_hash() -> None:
    from selectlib.io import read_table, sample_data_dir
    from selectlib.scoring import evaluate_selection, read_evaluators, read_recusals, read_scores

    folder = sample_data_dir() / "evaluation"
    profile = selectlib.load_profile("micro_manufacturer_center_2024")
    spec = profile.spec.evaluation
    assert spec is not None
    panel = read_evaluators(folder / "evaluators.csv")
    scores = read_scores(folder / "scores.csv", spec, evaluators=[e.id for e in panel])
    applicants = read_table(sample_data_dir() / "applicants.csv")
    recusals = read_recusals(folder / "recusals.csv")
    result = evaluate_selection(profile, applicants, scores, panel, recusals, on=ON)
    audit = result.audit
    assert audit is not None
    assert (audit.kind, audit.on) == ("selection", dt.date(2024, 5, 1))
    inputs = {"applicants": applicants, "scores": scores, "evaluators": panel}
    assert audit.input_sha256 == sha256_of(inputs | {"recusals": recusals})
    changed = scores.copy()
    changed.loc[changed.index[0], "score"] = changed["score"].iloc[0] + 1
    assert sha256_of(inputs | {"recusals": recusals, "scores": changed}) != audit.input_sha256
    assert sha256_of(inputs | {"recusals": recusals[1:]}) != audit.input_sha256


def test_a_funding_run_records_its_table_and_budget() -> None:
    profile = selectlib.load_profile("seoul_pl_insurance")
    rows = pd.DataFrame({"premium": [500_000, 700_000], "employees": [3, 4]})
    funding = selectlib.fund(profile, rows, on="2021-04-01", budget=1_000_000)
    audit = funding.audit
    assert audit is not None
    assert (audit.kind, audit.profile) == ("funding", "seoul_pl_insurance")
    rows.loc[0, "premium"] = 1  # changed after the run: the record keeps what was funded
    assert funding.audit is audit
    again = selectlib.fund(profile, rows, on="2021-04-01", budget=1_000_000)
    assert again.audit.input_sha256 != audit.input_sha256  # type: ignore[union-attr]
    other_budget = selectlib.fund(profile, rows, on="2021-04-01", budget=900_000)
    assert other_budget.audit.input_sha256 != again.audit.input_sha256  # type: ignore[union-attr]


class _Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no text")

    __repr__ = __str__


@pytest.mark.parametrize(
    "value",
    [10**5_000, -(10**5_000), "\ud800", _Unprintable(), pd.NaT, pd.NA],
    ids=["huge int", "huge negative int", "lone surrogate", "raising __str__", "NaT", "NA"],
)
def test_a_hostile_value_is_hashed_and_serialised_not_raised(
    flagship: selectlib.Profile, value: object
) -> None:
    decision = flagship.evaluate(good_record(staff=value, applicant_id=value), on=ON)
    audit = decision.audit
    assert audit is not None
    assert len(audit.input_sha256 or "") == 64
    data = selectlib.decision_to_dict(decision)
    assert sha256_of(data["input"]) == audit.input_sha256
    assert selectlib.replay(data).stored == audit


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=False)
    | st.text(max_size=8)
    | st.dates()
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
        | st.frozensets(st.text(max_size=4), max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=examples(200))
@given(value=_VALUES)
def test_the_canonical_form_survives_a_trip_through_json(value: Any) -> None:
    """What a decision stores as its input hashes as the value it was made from."""
    text = canonical_json(value)
    assert canonical(json.loads(text)) == json.loads(text)
    assert sha256_of(json.loads(text)) == sha256_of(value)
