"""Broken profiles: every kind of mistake is reported with file, key path, line and a fix.

Each fixture in ``fixtures/broken/`` is ``_base.yaml`` with one mistake (or a few).
The line of each mistake carries a comment saying what must be reported there::

    condition: "staf >= 3"  # expect: $.criteria[2].condition | unknown name 'staf' | expression

that is the key path, a piece of the message and a piece of the hint (an empty
piece only asks for a non-empty text); the expected line is the comment's own line.
A ``# problems: N`` header says how many problems the whole file must produce.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import attrs
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paths import FIXTURES, ROOT
from strategies import examples

import selectlib
from selectlib.profile.compiled import from_text

BROKEN = FIXTURES / "broken"
BASE = BROKEN / "_base.yaml"
FIXTURES = sorted(p for p in BROKEN.glob("*.yaml") if not p.name.startswith("_"))
FLAGSHIP_YAML = (ROOT / "scoring_profiles" / "micro_manufacturer_center_2024.yaml").read_text(
    encoding="utf-8"
)


@attrs.frozen
class Expected:
    path: str
    line: int
    message: str
    hint: str


def expectations(fixture: Path) -> tuple[list[Expected], int | None]:
    """The problems a fixture's comments ask for, and the total count if given."""
    expected = []
    count = None
    for number, line in enumerate(fixture.read_text(encoding="utf-8").splitlines(), start=1):
        if match := re.search(r"# expect: (.*)$", line):
            path, message, hint = (part.strip() for part in match.group(1).split("|"))
            expected.append(Expected(path, number, message, hint))
        elif match := re.match(r"# problems: (\d+)$", line):
            count = int(match.group(1))
    return expected, count


def load_error(fixture: Path) -> selectlib.ProfileError:
    with pytest.raises(selectlib.ProfileError) as info:
        selectlib.load_profile(fixture)
    return info.value


def test_the_base_of_every_fixture_is_valid():
    profile = selectlib.load_profile(BASE)
    assert [c.id for c in profile.criteria] == [
        "cluster_size",
        "nonprofit_operator",
        "operating_staff",
    ]
    record = {"area_type": "city", "cluster_count": 40, "operator_type": "university", "staff": 3}
    assert profile.evaluate(record, on="2024-05-01").eligible is True


def test_every_fixture_says_what_it_expects():
    assert len(FIXTURES) >= 20
    for fixture in FIXTURES:
        expected, _ = expectations(fixture)
        assert expected, fixture.name


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_broken_profile_reports_file_path_line_and_hint(fixture):
    error = load_error(fixture)
    expected, count = expectations(fixture)
    reported = [(p.key, p.line, p.message, p.hint) for p in error.problems]
    for want in expected:
        matches = [
            p
            for p in error.problems
            if p.key == want.path and p.line == want.line and want.message in p.message
        ]
        assert matches, f"{fixture.name}: no problem {want} among {reported}"
        assert any(p.hint and want.hint in p.hint for p in matches), (
            f"{fixture.name}: problem at {want.path} lacks a hint with {want.hint!r}: {reported}"
        )
    for problem in error.problems:
        assert problem.file == str(fixture), problem
        assert problem.line is not None, problem
        assert str(problem.key).startswith("$"), problem
    if count is not None:
        assert len(error.problems) == count, reported
    text = str(error)
    assert f"{len(error.problems)} problem" in text
    for want in expected:
        assert f"{fixture}:{want.line}: {want.path}: " in text


def test_several_problems_are_all_reported_at_once():
    error = load_error(BROKEN / "several_problems.yaml")
    assert sorted(str(p.key) for p in error.problems) == sorted(
        [
            "$.identifier",
            "$.valid_to",
            "$.fields.region",
            "$.parameters.staff",
            "$.criteria[0].id",
            "$.criteria[2].id",
            "$.criteria[2].condition",
        ]
    )


def test_several_schema_problems_are_all_reported_at_once():
    error = load_error(BROKEN / "several_schema_problems.yaml")
    assert sorted(str(p.key) for p in error.problems) == sorted(
        [
            "$.name",
            "$.fields.staff",
            "$.fields.staff.kind",
            "$.fields.staff.minimum",
            "$.fields.staff.descripton",
        ]
    )


def test_problems_are_attributes_for_programs():
    error = load_error(BROKEN / "unknown_name_in_condition.yaml")
    (problem,) = error.problems
    assert isinstance(problem, selectlib.Problem)
    assert isinstance(error, ValueError)
    assert problem.key == "$.criteria[2].condition"
    assert "unknown name 'staf'" in problem.message
    assert "known:" in problem.message
    assert "staff" in problem.message


def test_profile_from_text_names_no_file_but_still_lines():
    text = (BROKEN / "unknown_name_in_condition.yaml").read_text(encoding="utf-8")
    with pytest.raises(selectlib.ProfileError) as info:
        from_text(text, None)
    (problem,) = info.value.problems
    assert problem.file is None
    assert problem.line == expectations(BROKEN / "unknown_name_in_condition.yaml")[0][0].line
    assert str(problem).startswith("<profile>:")


# -- YAML values that must not crash or hang the loader -------------------------------------


def _base_with(old: str, new: str) -> str:
    text = BASE.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def test_impossible_date_is_a_profile_error_on_its_line():
    text = _base_with("valid_from: 2024-04-15", "valid_from: 2024-13-45")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "2024-13-45" in row)
    with pytest.raises(selectlib.ProfileError) as info:
        from_text(text, "dates.yaml")
    assert [p.line for p in info.value.problems] == [line]


@pytest.mark.parametrize(
    "text",
    [
        "[" * 3000,
        "- " * 3000 + "x",
        "a: " + "{b: " * 3000 + "1" + "}" * 3000,
    ],
    ids=["open-brackets", "nested-lists", "nested-maps"],
)
def test_deeply_nested_yaml_is_a_profile_error(text):
    with pytest.raises(selectlib.ProfileError):
        from_text(text, "deep.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "!!python/object/apply:os.system ['echo hacked']",
        "id: !!python/name:os.system ''",
        "a: &x 1\n<<: {b: 2}",
        "? [a, b]\n: c",
        "id: !custom x",
    ],
)
def test_unsafe_or_unusual_yaml_is_a_profile_error(text):
    with pytest.raises(selectlib.ProfileError):
        from_text(text, "odd.yaml")


def test_alias_bomb_is_rejected_quickly():
    # nine levels of ten aliases each would expand to a billion items
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    code = textwrap.dedent(
        f"""
        import selectlib
        from selectlib.profile.compiled import from_text
        try:
            from_text({chr(10).join(lines)!r}, "bomb.yaml")
        except selectlib.ProfileError:
            print("rejected")
        """
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=20
        )
    except subprocess.TimeoutExpired:
        pytest.fail("a YAML alias bomb kept the loader busy for more than 20 s")
    assert done.stdout.strip() == "rejected", done.stderr[-2000:]


# -- fuzzing: only SelectlibError may escape ---------------------------------------------------


def _load_or_selectlib_error(text: str) -> None:
    with contextlib.suppress(selectlib.SelectlibError):
        from_text(text, "fuzz.yaml")


yaml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.dates().map(str),
)
yaml_keys = st.one_of(
    st.sampled_from(
        [
            "id",
            "name",
            "valid_from",
            "valid_to",
            "fields",
            "parameters",
            "criteria",
            "kind",
            "choices",
            "history",
            "value",
            "keyed_by",
            "condition",
            "messages",
            "ko",
            "en",
            "description",
            "identifier",
            "since",
            "outcome",
        ]
    ),
    st.text(max_size=8),
)
yaml_data = st.recursive(
    yaml_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(yaml_keys, inner, max_size=5)
    ),
    max_leaves=25,
)


@pytest.mark.slow  # over 5 s in the ci profile
@settings(max_examples=examples(1000), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.dictionaries(yaml_keys, yaml_data, max_size=8))
def test_fuzz_yaml_documents_only_raise_selectlib_errors(data):
    _load_or_selectlib_error(yaml.safe_dump(data, allow_unicode=True))


yaml_tokens = st.sampled_from(
    [
        "id:",
        "fields:",
        "criteria:",
        "parameters:",
        "history:",
        "- ",
        "  ",
        "\t",
        "\n",
        ":",
        "{",
        "}",
        "[",
        "]",
        ",",
        "&a",
        "*a",
        "<<:",
        "!!python/object:os.system",
        "!!binary",
        "!tag",
        "?",
        "|",
        ">",
        "'",
        '"',
        "#",
        "2024-04-15",
        "2024-02-30",
        "1e999",
        ".nan",
        "~",
        "null",
        "yes",
        "staff >= min_staff",
        "---",
        "...",
        "%YAML 1.1",
        "\ufeff",
        "\x00",
    ]
)


@settings(max_examples=examples(1200), deadline=None)
@given(text=st.one_of(st.text(max_size=200), st.lists(yaml_tokens, max_size=40).map("".join)))
def test_fuzz_yaml_text_only_raises_selectlib_errors(text):
    _load_or_selectlib_error(text)


@st.composite
def mutated_flagship(draw: st.DrawFn) -> str:
    lines = FLAGSHIP_YAML.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "indent", "dedent", "edit", "swap"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "indent":
            lines[i] = "  " + lines[i]
        elif action == "dedent":
            lines[i] = lines[i][2:]
        elif action == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            line = lines[i]
            start = draw(st.integers(0, len(line)))
            cut = draw(st.integers(0, 6))
            insert = draw(st.one_of(yaml_tokens, st.text(max_size=4), st.integers().map(str)))
            lines[i] = line[:start] + insert + line[start + cut :]
    return "\n".join(lines) + "\n"


@pytest.mark.slow  # over 5 s in the ci profile
@settings(max_examples=examples(600), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutated_flagship())
def test_fuzz_mutated_flagship_only_raises_selectlib_errors(text):
    _load_or_selectlib_error(text)


# -- not found ------------------------------------------------------------------------------


def test_unknown_profile_name_lists_the_available_profiles():
    with pytest.raises(selectlib.ProfileNotFoundError) as info:
        selectlib.load_profile("micro_manufacturer_center_2042")
    error = info.value
    assert isinstance(error, FileNotFoundError)
    assert error.name == "micro_manufacturer_center_2042"
    assert "micro_manufacturer_center_2024" in error.available
    assert tuple(selectlib.list_profiles()) == error.available
    assert "micro_manufacturer_center_2024" in str(error)
    assert "micro_manufacturer_center_2042" in str(error)


@pytest.mark.parametrize("name", ["no_such.yaml", "../scoring_profiles/nothing", ""])
def test_missing_profile_file_is_not_found(tmp_path, name):
    with pytest.raises(selectlib.ProfileNotFoundError):
        selectlib.load_profile(tmp_path / name if name else name)


def test_a_huge_profile_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from selectlib.profile.source import MAX_BYTES

    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as file:  # sparse: as big as it claims, without writing it all
        file.truncate(4 * MAX_BYTES + 1)
    with pytest.raises(selectlib.ProfileError, match="it was not read"):
        selectlib.load_profile(huge)
