"""Hostile conditions: the condition language says what it reads (issue 12).

A reviewer reads a condition as written; Python's parser would read some of them
otherwise (comments dropped, full-width names normalised, texts joined, escapes decoded,
invisible characters reordering the display). Each is refused with the column, and
conditions too long or too deep are refused by a named limit before any parsing.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import traceback
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import ROOT
from strategies import examples
from typer.testing import CliRunner

import selectlib
from selectlib.cli import app as cli
from selectlib.eligibility.coerce import MISSING
from selectlib.expr import (
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_TOKENS,
    Kind,
    ParamInfo,
    Symbols,
    Type,
    compile_condition,
)
from selectlib.profile.model import Choice, Field, FieldKind, Text
from selectlib.profile.params import Env


def _field(name: str, kind: FieldKind, codes: tuple[str, ...] = ()) -> Field:
    choices = tuple(Choice(code, Text(code, code)) for code in codes)
    return Field(name, kind, Text(name, name), choices=choices)


SYMBOLS = Symbols(
    {
        f.name: f
        for f in (
            _field("staff", FieldKind.INTEGER),
            _field("cluster_count", FieldKind.INTEGER),
            _field("has_equipment", FieldKind.BOOLEAN),
            _field("area_type", FieldKind.CATEGORY, ("metro", "city", "county")),
            _field("programs", FieldKind.SET, ("survey", "network")),
            _field("name", FieldKind.TEXT),
        )
    },
    {
        "min_staff": ParamInfo("min_staff", Type(Kind.NUMBER)),
        "cluster_min": ParamInfo("cluster_min", Type(Kind.TABLE, None, Kind.NUMBER)),
    },
)
ENV = Env(dt.date(2024, 5, 1), {"min_staff": 3}, {"min_staff": dt.date(2024, 5, 1)})
FLAGSHIP_YAML = ROOT / "scoring_profiles" / "micro_manufacturer_center_2024.yaml"


def refused(source: str) -> selectlib.ExpressionError:
    with pytest.raises(selectlib.ExpressionError) as info:
        compile_condition(source, SYMBOLS)
    assert info.value.source in (source, source[:60])
    return info.value


def staff_row(staff: Any, **others: Any) -> dict[str, Any]:
    record = dict.fromkeys(SYMBOLS.fields, MISSING)
    return {**record, "staff": staff, **others}


# -- 1. comments ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "column"),
    [
        ("staff >= min_staff # and cluster_count >= 50", 20),
        ("staff >= min_staff #", 20),
        ("#staff >= 3", 1),
        ("(staff >= min_staff  # only the first part counts\n and has_equipment)", 22),
        ("name == 'a' # 'b'", 13),
    ],
)
def test_a_comment_in_a_condition_is_refused_at_its_column(source, column):
    error = refused(source)
    assert error.column == column
    assert "comments are not allowed in conditions" in error.reason
    assert "YAML comment outside the condition" in error.reason


def test_a_hash_inside_text_is_text():
    condition = compile_condition("name == 'unit #3'", SYMBOLS)
    assert condition.whole.scalar({"name": "unit #3"}, ENV) is True


# -- 2. names that only match after Unicode normalisation ------------------------------------


@pytest.mark.parametrize(
    ("source", "word", "meant", "column"),
    [
        ("ｓｔａｆｆ >= min_staff", "ｓｔａｆｆ", "staff", 1),
        ("staff >= ｍｉｎ_ｓｔａｆｆ", "ｍｉｎ_ｓｔａｆｆ", "min_staff", 10),
        ("sｔaff >= 3", "sｔaff", "staff", 1),  # one full-width letter among ASCII ones
        ("has_equipment ａｎｄ staff > 1", "ａｎｄ", "and", 15),  # a keyword
        ("ｓｉｚｅ(programs) > 1", "ｓｉｚｅ", "size", 1),  # a function
        ("staff >= １０", "１０", "10", 10),  # full-width digits in a number literal
        ("staff >= 3\uff10", "3\uff10", "30", 10),
        ("ℌas_equipment", "ℌas_equipment", "Has_equipment", 1),  # a compatibility letter
        ("staﬀ >= 3", "staﬀ", "staff", 1),  # the ligature ﬀ
    ],
)
def test_compatibility_characters_in_names_and_numbers_are_refused_with_a_suggestion(
    source, word, meant, column
):
    error = refused(source)
    assert error.reason.startswith(f"{word!r} is written with full-width or compatibility")
    assert f"did you mean {meant!r}?" in error.reason
    assert error.column == column


@pytest.mark.parametrize(
    ("source", "shown", "hint"),
    [
        ("st\u0430ff >= 3", "U+0430 CYRILLIC SMALL LETTER A", "did you mean 'staff'?"),
        ("\u0455taff >= 3", "U+0455 CYRILLIC SMALL LETTER DZE", "did you mean 'staff'?"),
        ("직원 >= 3", "HANGUL SYLLABLE", "text goes in quotes"),
        ("area_type == 군", "HANGUL SYLLABLE", "text goes in quotes"),
        ("staff >= \u0663", "U+0663 ARABIC-INDIC DIGIT THREE", "text goes in quotes"),
    ],
)
def test_other_non_ascii_names_are_refused_naming_the_character(source, shown, hint):
    error = refused(source)
    assert shown in error.reason
    assert "names of fields, parameters and functions are plain ASCII" in error.reason
    assert hint in error.reason


@pytest.mark.parametrize(
    ("source", "meant"),
    [
        ("staff ＞ 3", ">"),
        ("staff ≥ 3", ">="),
        ("staff ≠ 3", "!="),
        ("staff \u2212 1 > 3", "-"),
        ("area_type == ‘metro’", "'"),
        ("area_type == “metro”", '"'),
        ("（staff > 3）", "("),
        ("staff² > 3", "2"),  # a superscript digit
    ],
)
def test_lookalike_signs_are_refused_naming_the_ascii_one(source, meant):
    assert f"looks like {meant!r} but is another character" in refused(source).reason


def test_unicode_is_free_inside_text_literals():
    condition = compile_condition("name == '서울 ｓｔａｆｆ ①' or name == 'é'", SYMBOLS)
    assert condition.whole.scalar({"name": "서울 ｓｔａｆｆ ①"}, ENV) is True


def test_full_width_digits_in_data_are_still_read(flagship, good_record):
    """Only the profile's own text must be ASCII: an applicant's '３' is still 3."""
    decision = flagship.evaluate(good_record(staff="３"), on="2024-05-01")
    assert decision.criterion("operating_staff").status == "passed"


# -- 3. size and depth -----------------------------------------------------------------------


def test_a_condition_longer_than_the_limit_is_refused_naming_it():
    source = "staff >= 1 and " * 100 + "has_equipment"
    assert len(source) > MAX_LENGTH
    error = refused(source)
    assert f"longer than {MAX_LENGTH} characters" in error.reason
    assert "selectlib.expr.MAX_LENGTH" in error.reason
    assert len(str(error)) < 400  # the message quotes only the start


@pytest.mark.parametrize(
    ("source", "limit"),
    [
        ("-" * (MAX_LENGTH - 10) + "staff > 0", "MAX_TOKENS"),
        ("(" * (MAX_DEPTH + 1) + "staff" + ")" * (MAX_DEPTH + 1) + " > 0", "MAX_DEPTH"),
        ("[" * 300 + "]" * 300, "MAX_DEPTH"),
        ("not " * 200 + "has_equipment", "MAX_DEPTH"),
        ("staff" + " + staff" * 60 + " > 0", "MAX_DEPTH"),
        ("abs(" * 45 + "staff" + ")" * 45 + " > 0", "MAX_DEPTH"),
        ("staff > 0" + " or staff > 0" * 200, "MAX_LENGTH"),
        ("staff" + "+1" * 450 + " > 0", "MAX_TOKENS"),
    ],
)
def test_huge_or_deep_conditions_are_refused_by_a_named_limit(source, limit):
    error = refused(source)
    assert f"selectlib.expr.{limit}" in error.reason


def test_the_token_limit_points_at_the_first_token_over_it():
    error = refused("-" * (MAX_TOKENS + 10) + "staff > 0")
    assert error.column == MAX_TOKENS + 1


def test_limits_hold_even_with_little_stack_left():
    """The largest conditions allowed parse, compile and run without deep recursion."""
    sources = [
        " and ".join(["has_equipment"] * 50),
        "(" * MAX_DEPTH + "staff" + ")" * MAX_DEPTH + " > 0",
        "not " * (MAX_DEPTH - 2) + "has_equipment",
        "max(" + ", ".join(["staff"] * 100) + ") > 0",
    ]
    old = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(sum(1 for _ in traceback.walk_stack(None)) + 250)
        compiled = [compile_condition(source, SYMBOLS) for source in sources]
        results = [c.whole.scalar(staff_row(3, has_equipment=True), ENV) for c in compiled]
    finally:
        sys.setrecursionlimit(old)
    assert results == [True, True, True, True]


def test_a_long_and_chain_evaluates_the_same_on_both_paths():
    source = " and ".join(f"staff != {n}" for n in range(40))
    condition = compile_condition(source, SYMBOLS)
    staff = np.array([5, 40, 41], dtype=np.int64)
    values, missing = condition.whole.vector({"staff": (staff, None)}, ENV)
    assert list(values) == [False, True, True]
    assert missing is None
    assert [condition.whole.scalar(staff_row(int(s)), ENV) for s in staff] == list(values)


# -- 4. what a reviewer would misread --------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "message", "column"),
    [
        # invisible and bidirectional characters (Trojan Source), in text or not
        ("staff > 3\u200b", "U+200B ZERO WIDTH SPACE", 10),
        ("has_equipment\u2060", "U+2060 WORD JOINER", 14),
        ("name == 'ok\u202e' or staff > 1", "U+202E RIGHT-TO-LEFT OVERRIDE", 12),
        ("\u2066staff > 1\u2069", "U+2066 LEFT-TO-RIGHT ISOLATE", 1),
        ("name == 'a\u200db'", "U+200D ZERO WIDTH JOINER", 11),
        ("staff\u00a0> 1", "U+00A0 NO-BREAK SPACE", 6),
        ("staff >\u30001", "U+3000 IDEOGRAPHIC SPACE", 8),
        ("\ufeffstaff > 1", "U+FEFF ZERO WIDTH NO-BREAK SPACE", 1),
        ("\u3164 > 1", "U+3164 HANGUL FILLER", 1),
        ("staff > 1\x00", "U+0000", 10),
        ("staff > 1\x1b[2J", "U+001B", 10),
        ("name == '\u00ad'", "U+00AD SOFT HYPHEN", 10),
        # Python reads these differently from how they look
        ("name in ['a' 'b']", "two texts side by side ('a' 'b') are joined", 14),
        ("name == 'x'  'y'", "is a comma missing", 14),
        ("name == '''a'''", "triple-quoted text is not allowed", 9),
        ("name == r'a'", "text with a prefix (r'a') is not allowed", 9),
        ("name == u'a'", "text with a prefix", 9),
        ("name == 'a\\x41'", "'\\' is not allowed in a condition", 11),
        ("staff > 1 \\\n and has_equipment", "break it inside brackets", 11),
        ("staff > 0x10", "not written in decimal", 9),
        ("staff > 0o10", "not written in decimal", 9),
        ("staff > 0b10", "not written in decimal", 9),
        ("name == 'abc", "text opened with ' is not closed on its line", 9),
        ("has_equipment == has_equipment == true", "a chain of comparisons (== ... ==)", 18),
        ("staff < cluster_count > 3", "a chain of comparisons (< ... >)", 9),
        ("1 < staff == 3", "a chain of comparisons (< ... ==)", 5),
        ("'survey' in programs == has_equipment", "a chain of comparisons (in ... ==)", 13),
        ("staff in (1, 2)", "write a list in square brackets", 10),
        ("staff > 1, has_equipment", "join conditions with 'and' or 'or'", 1),
        ("staff in {1, 2}", "{...} is not allowed", 10),
        # Python constructs that mean nothing here
        ("staff is 3", "'is' / 'is not' are not allowed", 1),
        ("staff is not 3", "'is' / 'is not' are not allowed", 1),
        ("(staff := 3) > 1", "':=' is not allowed", 2),
        ("(lambda: staff)() > 1", "only the named functions can be called", 1),
        ("staff.real > 1", "attribute access (a.b) is not allowed", 1),
        ("staff[0] > 1", "only table parameters can be looked up", 1),
        ("cluster_min[0:1] > 1", "slices are not allowed", 13),
        ("f'{staff}' == name", "f-strings are not allowed", 1),
        ("b'x' == name", "literal b'x' is not allowed", 1),
        ("staff if has_equipment else 0", "'x if c else y' is not allowed", 1),
        ("staff > 1; import os", "syntax error", 10),
    ],
)
def test_misreadable_conditions_are_refused_at_the_column(source, message, column):
    error = refused(source)
    assert message in error.reason
    assert error.column == column


@pytest.mark.parametrize(
    ("source", "staff", "expected"),
    [
        ("0 < staff <= 10", 10, True),
        ("0 < staff <= 10", 11, False),
        ("10 >= staff > 0", 0, False),
        ("1 <= staff < 5 < cluster_count", 3, True),
        ("staff >= 1_000", 1000, True),
        ("staff >= 1e3", 999, False),
        ("staff >= .5e1", 5, True),
    ],
)
def test_range_chains_and_decimal_numbers_keep_their_documented_meaning(source, staff, expected):
    record = staff_row(staff, cluster_count=10)
    assert compile_condition(source, SYMBOLS).whole.scalar(record, ENV) is expected


@pytest.mark.parametrize(
    ("source", "column"),
    [
        ("name == '서울특별시' and nope > 1", 21),
        ("  nope > 1", 3),
        ("(staff > 1 and\n nope)", 17),
        ("name == '서울' and staff > 'x'", 26),
    ],
)
def test_columns_count_characters_of_the_condition_as_written(source, column):
    assert refused(source).column == column


# -- the refusal reaches the user as a located profile problem --------------------------------

HOSTILE_IN_PROFILE = [
    ("staff >= min_staff # and cluster_count >= 50", "comments are not allowed"),
    ("ｓｔａｆｆ >= min_staff", "did you mean 'staff'?"),
    ("staff >= min_staff\u202e", "RIGHT-TO-LEFT OVERRIDE"),
    ("not " * 60 + "staff >= min_staff", "selectlib.expr.MAX_DEPTH"),
    (
        "staff >= min_staff and " * 50 + "has_equipment",
        "more than the limit of 1,000",
    ),  # the profile's schema
]


def _profile_with(tmp_path: Path, condition: str) -> tuple[Path, int]:
    """The flagship with its staff condition replaced; the file and that line's number."""
    text = FLAGSHIP_YAML.read_text(encoding="utf-8")
    original = "condition: staff >= min_staff"
    line = text[: text.index(original)].count("\n") + 1
    quoted = '"' + condition.replace("\\", "\\\\").replace('"', '\\"') + '"'
    path = tmp_path / "hostile.yaml"
    path.write_text(text.replace(original, f"condition: {quoted}"), encoding="utf-8")
    return path, line


@pytest.mark.parametrize(("condition", "message"), HOSTILE_IN_PROFILE)
def test_a_hostile_condition_is_a_located_profile_problem(tmp_path, condition, message):
    path, line = _profile_with(tmp_path, condition)
    with pytest.raises(selectlib.ProfileError) as info:
        selectlib.load_profile(path)
    (problem,) = info.value.problems
    assert re.fullmatch(r"\$\.criteria\[\d+\]\.condition", problem.key)
    assert problem.line == line
    assert message in problem.message


@pytest.mark.parametrize(("condition", "message"), HOSTILE_IN_PROFILE[:3])
def test_the_cli_prints_one_error_line_for_a_hostile_condition(tmp_path, condition, message):
    path, _ = _profile_with(tmp_path, condition)
    applicants = tmp_path / "applicants.csv"
    applicants.write_text("applicant_id,staff\nA1,3\n", encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["check", str(path), str(applicants)])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert "\u202e" not in result.output
    assert "Traceback" not in result.output


# -- property: any text is a condition or an ExpressionError ----------------------------------

LOOKALIKES = st.sampled_from(
    ["#", "ｓｔａｆｆ", "１", "＞", "≥", "‘", "\u200b", "\u202e", "\u3164", "\\", "'''", "0x1", "("]
)
WORDS = st.sampled_from(
    ["staff", "min_staff", ">=", "and", "not", "'metro'", "area_type", "==", "3", " ", ")"]
)


def column_of_refusal(source: str) -> int | None:
    """Compile ``source``; the column its ExpressionError names (0 if it compiles)."""
    try:
        compile_condition(source, SYMBOLS)
    except selectlib.ExpressionError as error:
        return error.column
    return 0


@settings(max_examples=examples(300), deadline=None)
@given(source=st.text(st.characters(codec="utf-8"), max_size=60))
def test_any_text_is_a_condition_or_an_expression_error(source):
    column = column_of_refusal(source)
    assert column is None or 0 <= column <= len(source) + 1


@settings(max_examples=examples(300), deadline=None)
@given(parts=st.lists(st.one_of(WORDS, LOOKALIKES, st.text(max_size=2)), max_size=15))
def test_language_words_mixed_with_lookalikes_raise_only_expression_errors(parts):
    source = " ".join(parts)
    column = column_of_refusal(source)
    assert column is None or 0 <= column <= len(source) + 1


def test_a_yaml_comment_after_an_unquoted_condition_is_refused_at_its_line(
    tmp_path: Path,
) -> None:
    source = FLAGSHIP_YAML.read_text(encoding="utf-8")
    start = source.index("condition:")
    end = source.index("\n", start)
    line = source.count("\n", 0, start) + 1
    commented = source[:end] + "  # and cluster_count >= 50" + source[end:]
    path = tmp_path / "commented.yaml"
    path.write_text(commented, encoding="utf-8")
    with pytest.raises(selectlib.ProfileError) as caught:
        selectlib.load_profile(path)
    (problem,) = caught.value.problems
    assert problem.line == line
    assert "'# and cluster_count >= 50'" in problem.message
    assert "line of its own" in problem.hint
    above = source[:start] + "# a note on its own line\n    " + source[start:]
    path.write_text(above, encoding="utf-8")
    assert selectlib.load_profile(path).criteria  # a comment on its own line is fine
