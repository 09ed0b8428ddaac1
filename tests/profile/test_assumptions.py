"""``assumption:`` in a profile: what it assumes where the sources are silent, listed by
date for the outputs, checked against the entries it names, and kept through a round trip."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

import selectlib
from selectlib.profile.assumptions import unsourced

PROFILE = """\
id: assumed_test
name: {ko: 시험, en: test}
valid_from: 2018-01-01
fields:
  area:
    kind: category
    description: {ko: 지역, en: area}
    choices: {a: {ko: 가, en: a}, b: {ko: 나, en: b}}
  staff: {kind: integer, minimum: 0, description: {ko: 인원, en: staff}}
parameters:
  min_staff:
    description: {ko: 최소 인원, en: minimum staff}
    source: "004 ⑤"
    value: 3
  radius:
    description: {ko: 반경, en: radius}
    assumption: {ko: 반경은 공고에 없음, en: the notice gives no radius}
    value: 500
  cap:
    description: {ko: 한도, en: cap}
    keyed_by: area
    assumption:
      - {ko: 2019년 값은 가정, en: the 2019 value is assumed, since: 2019-01-01}
      - {ko: b 지역은 가정, en: area b is assumed, key: b}
    history:
      2018-01-01: {a: 1, b: 2}
      2019-01-01: {a: 3, b: 4}
  unlabelled:
    description: {ko: 출처 없음, en: no source}
    value: 7
criteria:
  - id: staffed
    label: {ko: 인원, en: staffed}
    source: "004 ⑤"
    condition: staff >= min_staff and cap[area] > 0 and radius > 0 and unlabelled > 0
    assumption: {ko: 조건 해석은 가정, en: the reading of the clause is assumed}
    messages:
      passed: {ko: 충족, en: met}
      failed: {ko: 미달, en: not met}
      missing: {ko: 없음, en: missing}
"""


def load(**changes: Any) -> selectlib.Profile:
    data = yaml.safe_load(PROFILE)
    for name, assumption in changes.items():
        data["parameters"][name]["assumption"] = assumption
    return selectlib.Profile.from_dict(data)


def test_every_assumption_is_listed_with_where_it_applies() -> None:
    found = {a.where: a.text.en for a in load().assumptions()}
    assert found == {
        "parameters.radius": "the notice gives no radius",
        "parameters.cap[2019-01-01]": "the 2019 value is assumed",
        "parameters.cap[b]": "area b is assumed",
        "criteria.staffed": "the reading of the clause is assumed",
    }


def test_a_dated_assumption_is_in_force_only_while_its_entry_is() -> None:
    profile = load()
    in_2018 = [a.where for a in profile.assumptions(on="2018-06-01")]
    in_2019 = [a.where for a in profile.assumptions(on="2019-06-01")]
    assert "parameters.cap[2019-01-01]" not in in_2018
    assert "parameters.cap[2019-01-01]" in in_2019
    assert {"parameters.radius", "parameters.cap[b]", "criteria.staffed"} <= set(in_2018)


@pytest.mark.parametrize(
    ("assumption", "where", "says"),
    [
        ({"ko": "가", "en": "a", "since": "2020-01-01"}, "since", "not a date of 'cap'"),
        ({"ko": "가", "en": "a", "key": "z"}, "key", "'z' is not a key of the table 'cap'"),
    ],
)
def test_an_assumption_must_name_an_entry_of_its_parameter(
    assumption: dict[str, str], where: str, says: str
) -> None:
    with pytest.raises(selectlib.ProfileError) as caught:
        load(cap=assumption)
    (problem,) = caught.value.problems
    assert problem.key == f"$.parameters.cap.assumption[0].{where}"
    assert says in problem.message


def test_an_assumption_needs_both_languages() -> None:
    with pytest.raises(selectlib.ProfileError, match="'en' is a required property"):
        load(radius={"ko": "가정"})


def test_assumptions_round_trip() -> None:
    profile = load()
    back = selectlib.Profile.from_dict(profile.to_dict())
    assert back == profile
    assert back.assumptions() == profile.assumptions()


def test_a_parameter_with_neither_source_nor_assumption_is_unsourced() -> None:
    assert unsourced(load().spec) == ("parameters.unlabelled",)


def test_the_benefits_rounding_may_be_an_assumption() -> None:
    data = selectlib.load_profile("seoul_pl_insurance").to_dict()
    data["benefits"]["rounding"]["assumption"] = {"ko": "원 미만 절사 가정", "en": "floor to won"}
    profile = selectlib.Profile.from_dict(data)
    assert ("benefits.rounding", "floor to won") in [
        (a.where, a.text.en) for a in profile.assumptions()
    ]


def test_benefit_amounts_average_support_and_allocation_are_sourced_or_assumed() -> None:
    profile = selectlib.load_profile("guro_kotra_branch")
    assert unsourced(profile.spec) == ()
    wheres = {a.where: a.text.en for a in profile.assumptions()}
    assert "about 10 is read as 10" in wheres["benefits.average_support"]
    assert "first come, first served" in wheres["benefits.allocation"]
    data = profile.to_dict()
    del data["benefits"]["average_support_assumption"]
    del data["benefits"]["allocation"]["assumption"]
    first = next(iter(data["benefits"]["amounts"]))
    data["benefits"]["amounts"][first]["assumption"] = {"ko": "계산 가정", "en": "formula read"}
    bare = selectlib.Profile.from_dict(data)
    assert unsourced(bare.spec) == ("benefits.average_support", "benefits.allocation")
    assert (f"benefits.amounts.{first}", "formula read") in [
        (a.where, a.text.en) for a in bare.assumptions()
    ]
    assert selectlib.Profile.from_dict(bare.to_dict()) == bare
    data["benefits"]["average_support_source"] = "003 lines 65-66"
    data["benefits"]["allocation"]["source"] = "003 선착순"
    assert unsourced(selectlib.Profile.from_dict(data).spec) == ()


def test_the_final_selection_may_rest_on_an_assumption() -> None:
    data = selectlib.load_profile("micro_manufacturer_center_2024").to_dict()
    data["evaluation"]["final"]["assumption"] = {"ko": "5개 내외를 5개로", "en": "about 5 as 5"}
    profile = selectlib.Profile.from_dict(data)
    assert ("evaluation.final", "about 5 as 5") in [
        (a.where, a.text.en) for a in profile.assumptions()
    ]
    assert selectlib.Profile.from_dict(profile.to_dict()) == profile


def test_a_reform_drops_the_assumptions_of_the_values_it_sets() -> None:
    profile = load()
    wheres = lambda p: {a.where for a in p.assumptions()}  # noqa: E731
    assert "parameters.radius" not in wheres(profile.with_params({"radius": 600}))
    one_key = wheres(profile.with_params({"cap.b": 9}))
    assert "parameters.cap[b]" not in one_key
    assert "parameters.cap[2019-01-01]" in one_key  # it covers key a too
    later = wheres(profile.with_params({"cap": {"a": 5, "b": 6}}, since="2019-06-01"))
    assert {"parameters.cap[2019-01-01]", "parameters.cap[b]"} <= later
    assert "parameters.cap[b]" not in wheres(profile.with_params({"cap": {"a": 5, "b": 6}}))


def test_rules_carried_past_the_sources_are_an_assumption_from_their_date() -> None:
    profile = selectlib.load_profile("smart_factory")
    assert "carried_forward[2021-01-01]" not in [a.where for a in profile.assumptions("2020-06-01")]
    later = {a.where: a.text.en for a in profile.assumptions("2021-06-01")}
    assert "from 2021 its caps and matching ratios" in later["carried_forward[2021-01-01]"]
    data = profile.to_dict()
    del data["carried_forward"][0]["since"]
    with pytest.raises(selectlib.ProfileError, match="needs since:"):
        selectlib.Profile.from_dict(data)
