"""The ``evaluation:`` section of a profile: loading, checking, round trips.

Every mistake is reported when the profile loads, all at once, with its key path and
line — a committee should not find out at the presentation stage that a weight names a
stage that does not exist.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from paths import ROOT

import selectlib
from selectlib.scoring import EvaluationSpec, Stage

FLAGSHIP = ROOT / "scoring_profiles"
FLAGSHIP_YAML = FLAGSHIP / "micro_manufacturer_center_2024.yaml"


def flagship_with(evaluation_yaml: str, tmp_path: Path) -> Path:
    """The flagship profile with its evaluation section replaced."""
    text = FLAGSHIP_YAML.read_text(encoding="utf-8")
    head = text[: text.index("\nevaluation:")]
    path = tmp_path / "program.yaml"
    path.write_text(head + "\n" + evaluation_yaml, encoding="utf-8")
    return path


def test_the_flagship_example_evaluation_is_labelled_and_complete() -> None:
    profile = selectlib.load_profile("micro_manufacturer_center_2024")
    spec = profile.spec.evaluation
    assert isinstance(spec, EvaluationSpec)
    assert spec.example is True
    assert spec.note is not None
    assert "예시" in spec.note.ko
    assert spec.stage_ids == ("document", "site", "presentation")
    document = spec.stage("document")
    assert isinstance(document, Stage)
    assert document.max_points == 100
    assert [c.id for c in document.criteria if c.floor is not None] == [
        "capability",
        "program_plan",
    ]
    assert document.bonus is not None
    assert document.bonus.cap == 3
    assert document.advance is not None
    assert document.advance.size(spec.final.slots) == 10
    site = spec.stage("site")
    assert site.advance is not None
    assert site.advance.size(spec.final.slots) == 7
    assert spec.final.slots == 5
    assert spec.final.reserves == 2
    assert spec.final_weights() == (("site", 30.0), ("presentation", 70.0))
    assert [rule.name for rule in spec.final.tie_breaks] == [
        "stage:presentation",
        "criterion:presentation.capability",
        "field:received_no",
    ]


def test_a_profile_with_an_evaluation_round_trips() -> None:
    profile = selectlib.load_profile("micro_manufacturer_center_2024")
    data = profile.to_dict()
    assert list(data["evaluation"]["stages"]) == ["document", "site", "presentation"]
    assert data["evaluation"]["final"]["weights"] == {"site": 30.0, "presentation": 70.0}
    assert selectlib.Profile.from_dict(data) == profile


def test_the_final_weights_default_to_the_last_stage(tmp_path: Path) -> None:
    path = flagship_with(
        """evaluation:
  stages:
    talk:
      label: {ko: 발표, en: Talk}
      criteria:
        plan: {ko: 계획, en: Plan, max_points: 100}
  final: {slots: 3}
""",
        tmp_path,
    )
    spec = selectlib.load_profile(path).spec.evaluation
    assert spec is not None
    assert spec.final_weights() == (("talk", 1.0),)
    assert spec.example is False


def test_every_mistake_in_the_section_is_reported_at_once_with_its_line(tmp_path: Path) -> None:
    path = flagship_with(
        """evaluation:
  stages:
    paper:
      label: {ko: 서류, en: Paper}
      criteria:
        plan: {ko: 계획, en: Plan, max_points: 30, floor: 40}
        team: {ko: 인력, en: Team, max_points: 20}
      pass_mark: 60
      advance: {multiple: 2, count: 4}
    talk:
      label: {ko: 발표, en: Talk}
      criteria:
        vision: {ko: 비전, en: Vision, max_points: 100}
      advance: {count: 3}
  final:
    slots: 2
    weights: {paper: 30, speech: 70}
    tie_breaks:
      - {stage: speech}
      - {criterion: talk.luck}
      - {stage: talk, field: received_no}
""",
        tmp_path,
    )
    with pytest.raises(selectlib.ProfileError) as caught:
        selectlib.load_profile(path)
    found = {(p.key, p.message) for p in caught.value.problems}
    expected = {
        ("$.evaluation.stages.paper.criteria.plan.floor", "floor 40.0 is outside 0..30.0"),
        (
            "$.evaluation.stages.paper.pass_mark",
            "pass_mark 60.0 exceeds the stage's 50.0 points",
        ),
        (
            "$.evaluation.stages.paper.advance",
            "advance needs exactly one of 'multiple' or 'count'",
        ),
        (
            "$.evaluation.stages.talk.advance",
            "the last stage has an advance rule, but nothing comes after it",
        ),
        ("$.evaluation.final.weights.speech", "no stage 'speech'"),
        ("$.evaluation.final.tie_breaks[0].stage", "no stage 'speech'"),
        ("$.evaluation.final.tie_breaks[1].criterion", "no criterion 'talk.luck'"),
    }
    assert expected <= found
    both = [p for p in caught.value.problems if p.key == "$.evaluation.final.tie_breaks[2]"]
    assert both
    assert "exactly one of stage, criterion, field" in both[0].message
    lines = {p.key: p.line for p in caught.value.problems}
    text = path.read_text(encoding="utf-8").splitlines()
    assert "floor: 40" in text[lines["$.evaluation.stages.paper.criteria.plan.floor"] - 1]
    assert "speech: 70" in text[lines["$.evaluation.final.weights.speech"] - 1]


@pytest.mark.parametrize(
    ("fragment", "message"),
    [
        ("panel: {aggregate: mode}", "'mode' is not one of"),
        ("panel: {min_external_share: 1.5}", "1.5 is greater than the maximum of 1"),
        ("pass_mark: -1", "-1 is less than the minimum of 0"),
        ("color: blue", "unknown key(s)"),
    ],
)
def test_the_schema_catches_what_is_not_a_stage(
    fragment: str, message: str, tmp_path: Path
) -> None:
    path = flagship_with(
        f"""evaluation:
  stages:
    talk:
      label: {{ko: 발표, en: Talk}}
      criteria:
        plan: {{ko: 계획, en: Plan, max_points: 100}}
      {fragment}
  final: {{slots: 3}}
""",
        tmp_path,
    )
    with pytest.raises(selectlib.ProfileError) as caught:
        selectlib.load_profile(path)
    assert any(message in p.message for p in caught.value.problems), caught.value.problems
    assert all(str(p.key).startswith("$.evaluation.stages.talk") for p in caught.value.problems)


def test_the_published_schema_describes_the_section() -> None:
    schema = yaml.safe_load((ROOT / "docs" / "profile.schema.json").read_text(encoding="utf-8"))
    section = schema["properties"]["evaluation"]
    assert section["required"] == ["stages", "final"]
    assert "tie_breaks" in section["properties"]["final"]["properties"]


def test_weights_across_stages_of_different_points_are_refused(tmp_path: Path) -> None:
    path = flagship_with(
        """evaluation:
  stages:
    paper:
      label: {ko: 서류, en: Paper}
      criteria:
        plan: {ko: 계획, en: Plan, max_points: 100}
    talk:
      label: {ko: 발표, en: Talk}
      criteria:
        vision: {ko: 비전, en: Vision, max_points: 50}
  final: {slots: 2, weights: {paper: 30, talk: 70}}
""",
        tmp_path,
    )
    with pytest.raises(selectlib.ProfileError, match=r"different points \(paper 100, talk 50\)"):
        selectlib.load_profile(path)


def test_the_quorum_compares_the_external_share_exactly() -> None:
    # one rule for the pipeline and the bootstrap: 2 of 3 is not 0.6666666667, 2 of 4 is 0.5
    from selectlib.scoring import Panel

    assert Panel(min_size=3, min_external_share=0.6666666667).quorate([3], [2]).tolist() == [False]
    assert Panel(min_size=3, min_external_share=0.5).quorate([4, 4, 2], [2, 1, 2]).tolist() == [
        True,
        False,
        False,
    ]
