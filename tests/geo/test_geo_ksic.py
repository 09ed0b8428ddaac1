"""KSIC-10 codes: every accepted spelling, every kind of malformed code, levels, 도시형소공인.

Clusters are counted per industry, so two spellings of one class must become one key and
anything that is not a KSIC-10 manufacturing class must be flagged, never counted.
"""

from __future__ import annotations

import csv
import doctest
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import REAL_GEO
from strategies import examples

import selectlib
from selectlib.geo import ksic
from selectlib.geo.errors import GeoError
from selectlib.geo.ksic import (
    URBAN_MICRO_EXCLUDED,
    industry_key,
    ksic_name,
    manufacturing_classes,
    normalize_ksic,
    urban_micro_eligible,
)

REAL = REAL_GEO
CLASSES = manufacturing_classes()


def test_shipped_list_is_every_ksic10_manufacturing_class():
    assert len(CLASSES) == 477
    assert len(set(CLASSES)) == 477
    assert all(len(code) == 5 and code.isdigit() for code in CLASSES)
    assert {code[:2] for code in CLASSES} == {str(division) for division in range(10, 35)}
    assert {"10111", "25111", "34020"} <= set(CLASSES)


def test_shipped_list_matches_the_shared_source():
    source = REAL / "ksic10_manufacturing_5digit.csv"
    if not source.exists():
        pytest.skip(f"real KSIC list not found at {source} (shared/ must sit beside the repo)")
    with source.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(sorted(row["ksic10"] for row in rows)) == CLASSES
    assert all(ksic_name(row["ksic10"]) == row["name_ko"] for row in rows)
    eligible = {row["ksic10"] for row in rows if row["urban_micro_eligible"] == "True"}
    assert set(np.asarray(CLASSES, dtype=object)[urban_micro_eligible(CLASSES)]) == eligible


@pytest.mark.parametrize(
    "spelling",
    [
        "25111",
        "C25111",
        "c25111",
        " 25111",
        "25111 ",
        "\tC25111\n",
        25111,
        np.int64(25111),
        25111.0,
        np.float64(25111.0),
    ],
)
def test_every_accepted_spelling_gives_the_5_digit_code(spelling):
    assert normalize_ksic(spelling) == ("25111", False)
    codes, malformed = normalize_ksic([spelling])
    assert codes.tolist() == ["25111"]
    assert malformed.tolist() == [False]


@pytest.mark.parametrize("missing", [None, math.nan, np.nan, pd.NA, pd.NaT, "", "   "])
def test_missing_is_none_and_not_malformed(missing):
    assert normalize_ksic(missing) == (None, False)
    codes, malformed = normalize_ksic(["10111", missing])
    assert codes.tolist() == ["10111", None]
    assert malformed.tolist() == [False, False]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("25a11", id="letter-in-the-middle"),
        pytest.param("2511x", id="letter-at-the-end"),
        pytest.param("C25l11", id="letter-after-section"),
        pytest.param("2511", id="4-digits"),
        pytest.param(2511, id="4-digit-int"),
        pytest.param("251110", id="6-digits"),
        pytest.param("C251110", id="6-digits-with-section"),
        pytest.param("01110", id="agriculture-01"),
        pytest.param("A01110", id="agriculture-with-section"),
        pytest.param("08000", id="mining-08"),
        pytest.param("35111", id="electricity-35"),
        pytest.param("45110", id="motor-vehicle-trade-45"),
        pytest.param("G45110", id="trade-with-section"),
        pytest.param("D25111", id="wrong-section-letter"),
        pytest.param("CC25111", id="double-section"),
        pytest.param("C 25111", id="blank-after-section"),
        pytest.param("25 111", id="blank-inside"),
        pytest.param("25-111", id="dash-inside"),
        pytest.param("２５１１１", id="full-width-digits"),
        pytest.param("25111.0", id="decimal-text"),
        pytest.param(25111.5, id="fractional-float"),
        pytest.param(math.inf, id="infinity"),
        pytest.param(True, id="bool"),
        pytest.param(-25111, id="negative"),
        pytest.param(object(), id="object"),
    ],
)
def test_malformed_values_are_flagged(value):
    assert normalize_ksic(value) == (None, True)
    codes, malformed = normalize_ksic(["25111", value])
    assert codes.tolist() == ["25111", None]
    assert malformed.tolist() == [False, True]


@pytest.mark.parametrize("absent", ["10000", "10119", "25110", "34999", "33000"])
def test_manufacturing_shaped_codes_absent_from_ksic10_are_malformed(absent):
    assert absent not in CLASSES  # a 5-digit code in divisions 10–34 ...
    assert normalize_ksic(absent) == (None, True)  # ... that KSIC-10 does not have
    assert normalize_ksic("C" + absent) == (None, True)


def test_vectorized_over_a_series_keeps_length_order_and_types():
    series = pd.Series(
        ["C10111", None, "oops", 25111, " c34020", "45110"], index=[9, 8, 7, 6, 5, 4]
    )
    codes, malformed = normalize_ksic(series)
    assert codes.dtype == object
    assert malformed.dtype == bool
    assert codes.tolist() == ["10111", None, None, "25111", "34020", None]
    assert malformed.tolist() == [False, False, True, False, False, True]


def test_numeric_column_with_gaps_is_read_as_codes():
    series = pd.Series([25111, None, 10111])  # pandas makes this float64 with NaN
    codes, malformed = normalize_ksic(series)
    assert codes.tolist() == ["25111", None, "10111"]
    assert not malformed.any()


def test_two_dimensional_input_keeps_its_shape():
    codes, malformed = normalize_ksic(np.array([["25111", "x"], [None, 10111]], dtype=object))
    assert codes.shape == malformed.shape == (2, 2)
    assert codes.tolist() == [["25111", None], [None, "10111"]]
    assert malformed.tolist() == [[False, True], [False, False]]


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (2, ["25", "10", None, "34"]),
        (3, ["251", "101", None, "340"]),
        (5, ["25111", "10111", None, "34020"]),
    ],
)
def test_industry_key_at_each_level(level, expected):
    codes = np.array(["25111", "10111", None, "34020"], dtype=object)
    keys = industry_key(codes, level)
    assert keys.dtype == object
    assert keys.tolist() == expected
    assert industry_key("25111", level) == expected[0]


@pytest.mark.parametrize("level", [0, 1, 4, 6, -2, 2.0, "2", True, None])
def test_industry_key_rejects_other_levels(level):
    with pytest.raises(GeoError, match=r"2 \(division\), 3 \(group\) or 5 \(class\)") as info:
        industry_key(np.array(["25111"], dtype=object), level)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, selectlib.SelectlibError)


def test_urban_micro_excluded_divisions():
    assert frozenset({"12", "19", "21", "30", "31"}) == URBAN_MICRO_EXCLUDED


def test_urban_micro_eligibility_of_every_class():
    eligible = urban_micro_eligible(np.asarray(CLASSES, dtype=object))
    assert eligible.dtype == bool
    assert int(eligible.sum()) == 435
    by_division: dict[str, set[bool]] = {}
    for code, ok in zip(CLASSES, eligible.tolist(), strict=True):
        by_division.setdefault(code[:2], set()).add(ok)
    for division in ("12", "19", "21", "30", "31"):
        assert by_division[division] == {False}, division
    for division in ("10", "25", "13", "26", "33", "34"):
        assert by_division[division] == {True}, division


@pytest.mark.parametrize(
    ("code", "eligible"),
    [
        ("10111", True),  # C10 food
        ("25111", True),  # C25 fabricated metal
        ("12000", False),  # C12 tobacco (the one class)
        ("19210", False),  # C19 refined petroleum
        ("21210", False),  # C21 pharmaceuticals
        ("30121", False),  # C30 motor vehicles
        ("31111", False),  # C31 ships
        ("12", False),  # works on industry keys of level 2 and 3 too
        ("251", True),
        ("45", False),  # not manufacturing at all
        (None, False),
    ],
)
def test_urban_micro_eligible_codes(code, eligible):
    if code is not None and len(code) == 5:
        assert code in CLASSES
    assert urban_micro_eligible(np.array([code], dtype=object)).tolist() == [eligible]
    assert urban_micro_eligible(code) is eligible


def test_ksic_name():
    assert ksic_name("C10111") == "육류 도축업(가금류 제외)"
    assert ksic_name(10111) == ksic_name(" 10111") == "육류 도축업(가금류 제외)"
    assert ksic_name("45110") is None
    assert ksic_name(None) is None


def test_module_examples_run():
    assert doctest.testmod(ksic).failed == 0


spellings = st.one_of(
    st.sampled_from(CLASSES).flatmap(
        lambda code: st.sampled_from(
            [code, "C" + code, "c" + code, f" {code} ", int(code), float(code)]
        )
    ),
    st.text(max_size=8),
    st.integers(min_value=-1, max_value=10**7),
    st.floats(allow_nan=True),
    st.none(),
)


@settings(max_examples=examples(500), deadline=None)
@given(st.lists(spellings, max_size=20))
def test_normalizing_is_idempotent_and_total(values):
    codes, malformed = normalize_ksic(values)
    assert len(codes) == len(malformed) == len(values)
    again, again_malformed = normalize_ksic(codes)
    assert again.tolist() == codes.tolist()
    assert not again_malformed.any()
    for code, bad in zip(codes.tolist(), malformed.tolist(), strict=True):
        assert code is None or (code in CLASSES and not bad)


@settings(max_examples=examples(300), deadline=None)
@given(st.text(alphabet="0123456789", min_size=5, max_size=5))
def test_a_5_digit_code_is_accepted_exactly_when_ksic10_has_it(code):
    assert normalize_ksic(code) == ((code, False) if code in CLASSES else (None, True))


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.one_of(st.sampled_from(CLASSES), st.none()), max_size=30))
def test_coarser_keys_are_prefixes_of_finer_ones(codes):
    array = np.array(codes, dtype=object)
    two, three, five = (industry_key(array, level).tolist() for level in (2, 3, 5))
    assert five == codes
    for a, b, c in zip(two, three, five, strict=True):
        assert (a is None) == (b is None) == (c is None)
        if c is not None:
            assert c.startswith(b)
            assert b.startswith(a)
            assert (len(a), len(b)) == (2, 3)
