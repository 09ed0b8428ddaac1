"""selectlib.replay: a stored decision evaluated again, and what differs and why."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import good_record

import selectlib

ON = "2024-05-01"
APPLICANT = good_record(
    applicant_id="A-101",
    area_type="county",
    cluster_count=24,
    operator_type="local_government_body",
    autonomous_programs=["network", "promotion", "regional"],
)
"""A county applicant at 24 firms: eligible, and ineligible once the county minimum is 30."""


def stored(profile: selectlib.Profile, record: dict[str, Any] = APPLICANT) -> dict[str, Any]:
    """The decision as a grant system stores it: decision_to_dict, through JSON text."""
    decision = profile.evaluate(record, on=ON)
    return json.loads(json.dumps(selectlib.decision_to_dict(decision)))  # type: ignore[no-any-return]


def test_an_untouched_decision_replays_identical(flagship: selectlib.Profile) -> None:
    data = stored(flagship)
    result = selectlib.replay(data)
    assert result.identical
    assert result.differences == ()
    assert result.reasons == ()
    assert result.stored.input_sha256 == result.replayed.input_sha256
    assert result.explain().startswith("identical")
    assert selectlib.replay(json.dumps(data)).identical  # JSON text works as well


def test_replay_after_a_reform_names_the_criterion_and_the_profile_hash(
    flagship: selectlib.Profile,
) -> None:
    reform = flagship.with_params({"cluster_min.county": 30})
    data = stored(reform)
    assert data["outcome"] == "ineligible"
    result = selectlib.replay(data)  # with the profile the record names: the bundled one
    assert not result.identical
    by_id = {d.criterion: d for d in result.differences}
    assert set(by_id) == {"outcome", "cluster_size"}
    assert by_id["cluster_size"].before["status"] == "failed"
    assert by_id["cluster_size"].before["threshold"] == 30
    assert by_id["cluster_size"].after["status"] == "passed"
    assert by_id["cluster_size"].after["threshold"] == 20
    assert [r.en.split(":")[0] for r in result.reasons] == [
        "the profile's content differs (a parameter, criterion or reform)"
    ]
    assert reform.stamp.sha256[:12] in result.reasons[0].en
    assert "cluster_size: failed (24 >= 30) → passed (24 >= 20)" in result.explain()
    assert "프로필 내용이 다릅니다" in result.explain("ko")
    assert selectlib.replay(data, profile=reform).identical  # the reform itself reproduces it


def test_a_corrected_input_is_named_as_the_reason(flagship: selectlib.Profile) -> None:
    corrected = APPLICANT | {"staff": 1}
    result = selectlib.replay(stored(flagship), corrected)
    assert not result.identical
    assert [d.criterion for d in result.differences] == ["outcome", "operating_staff"]
    assert [r.en.split(":")[0] for r in result.reasons] == ["the input differs from the stored one"]


def test_a_stored_input_changed_afterwards_is_caught(flagship: selectlib.Profile) -> None:
    data = stored(flagship)
    data["input"]["staff"] = 1
    result = selectlib.replay(data)
    assert not result.identical
    assert "changed after the decision was made" in result.reasons[0].en


def test_another_selectlib_version_is_named_even_when_the_result_holds(
    flagship: selectlib.Profile,
) -> None:
    data = stored(flagship)
    data["audit"]["selectlib_version"] = "0.0.1"
    result = selectlib.replay(data)
    assert result.identical
    assert [r.en for r in result.reasons] == [
        f"selectlib's version differs: stored 0.0.1, now {selectlib.__version__}"
    ]


def test_the_result_is_json_ready(flagship: selectlib.Profile) -> None:
    reform = flagship.with_params({"cluster_min.county": 30})
    data = selectlib.replay(stored(reform)).to_dict()
    back = json.loads(json.dumps(data, ensure_ascii=False))
    assert back["identical"] is False
    assert back["differences"][1]["criterion"] == "cluster_size"
    assert back["reasons"][0]["ko"].startswith("프로필 내용이 다릅니다")
    assert back["stored"]["profile_sha256"] == reform.stamp.sha256


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda d: d.pop("audit"), "no audit"),
        (lambda d: d.pop("criteria"), "no criteria"),
        (lambda d: d.pop("input"), "no input: pass input="),
        (lambda d: d["audit"].update(on="May 1st"), "ISO"),
        (lambda d: d["audit"].update(profile=7), "audit.profile must be text"),
    ],
    ids=["no audit", "no criteria", "no input", "bad date", "bad profile"],
)
def test_a_broken_store_says_what_is_missing(
    flagship: selectlib.Profile, change: Any, fragment: str
) -> None:
    data = stored(flagship)
    change(data)
    with pytest.raises(selectlib.InputError, match=fragment):
        selectlib.replay(data)


def test_not_json_and_not_a_mapping_are_refused() -> None:
    with pytest.raises(selectlib.InputError, match="not valid JSON"):
        selectlib.replay("{")
    with pytest.raises(selectlib.InputError, match="must be a mapping"):
        selectlib.replay("[1]")
