"""Administrative codes: code systems, dated changes, 시도 crosswalk and area types.

The area type picks the cluster threshold (metro 50, city 40, county 20), so each kind
of 시군구 is checked in both code systems, the counties inside metropolitan cities and
세종 under every policy value, and each dated code change the day before and on its date.
The last tests classify all 250 시군구 of the real KOSTAT 2018 boundaries.
"""

from __future__ import annotations

import datetime as dt
import doctest
import subprocess
import sys
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import REAL_GEO
from strategies import examples

import selectlib
from selectlib.geo import codes
from selectlib.geo.codes import (
    AreaTypePolicy,
    area_types,
    code_systems,
    current_code,
    detect_system,
    normalize_codes,
    sido_crosswalk,
    sido_info,
    sido_of,
    sigungu_of,
)
from selectlib.geo.errors import GeoError
from selectlib.geo.sidos import SIDOS, CodeSystem

REAL = REAL_GEO
MUNICIPALITIES = REAL / "skorea-municipalities-2018-topo-simple.json"
ON = dt.date(2024, 5, 1)
POLICIES = [
    AreaTypePolicy(metro_county=county, sejong=sejong)
    for county in ("county", "metro")
    for sejong in ("metro", "city")
]
DAY = dt.timedelta(days=1)
GANGWON, GUNWI, JEONBUK = dt.date(2023, 6, 11), dt.date(2023, 7, 1), dt.date(2024, 1, 18)

# Every 군 inside a metropolitan city, in both systems (KOSTAT as in the 2018 boundaries).
METRO_COUNTIES = [
    ("21310", "kostat", "Busan", "기장군"),
    ("22310", "kostat", "Daegu", "달성군"),
    ("23310", "kostat", "Incheon", "강화군"),
    ("23320", "kostat", "Incheon", "옹진군"),
    ("26310", "kostat", "Ulsan", "울주군"),
    ("26710", "mois", "Busan", "기장군"),
    ("27710", "mois", "Daegu", "달성군"),
    ("27720", "mois", "Daegu", "군위군"),
    ("28710", "mois", "Incheon", "강화군"),
    ("28720", "mois", "Incheon", "옹진군"),
    ("31710", "mois", "Ulsan", "울주군"),
]


def one(code, system, on=ON, policy=None, **kwargs):
    """Area type and reason of a single code, checked against the array path."""
    kind, reason = area_types(code, system, on, policy, **kwargs)
    names = kwargs.get("names")
    kinds, reasons = area_types(
        [code], system, on, policy, **({"names": [names]} if "names" in kwargs else {})
    )
    assert (kinds.tolist(), reasons.tolist()) == ([kind], [reason])
    return kind, reason


# --- area types --------------------------------------------------------------------------


@pytest.mark.parametrize("policy", POLICIES, ids=repr)
@pytest.mark.parametrize(("code", "system", "sido", "name"), METRO_COUNTIES)
def test_every_county_inside_a_metropolitan_city_follows_the_policy(
    code, system, sido, name, policy
):
    for unit in (code, code + ("25000" if system == "mois" else "31")):  # 시군구 and 읍면동
        kind, reason = one(unit, system, ON, policy, names=name)
        assert kind == policy.metro_county
        assert f"policy metro_county={policy.metro_county}" in reason
        assert "county inside a metropolitan city" in reason
        assert sido in reason


def test_default_policy_gives_metro_counties_the_county_threshold():
    assert AreaTypePolicy() == AreaTypePolicy(metro_county="county", sejong="metro")
    for code, system, _, _ in METRO_COUNTIES:
        assert one(code, system)[0] == "county"


@pytest.mark.parametrize("policy", POLICIES, ids=repr)
@pytest.mark.parametrize(("code", "system"), [("29010", "kostat"), ("36110", "mois")])
def test_sejong_follows_the_policy(code, system, policy):
    kind, reason = one(code, system, ON, policy, names="세종특별자치시")
    assert kind == policy.sejong
    assert f"policy sejong={policy.sejong}" in reason


@pytest.mark.parametrize("policy", POLICIES, ids=repr)
@pytest.mark.parametrize(
    ("code", "system", "expected", "name"),
    [
        ("11010", "kostat", "metro", "종로구"),
        ("11250", "kostat", "metro", "강동구"),
        ("21050", "kostat", "metro", "부산진구"),
        ("26040", "kostat", "metro", "북구"),
        ("31050", "kostat", "city", "부천시"),
        ("31011", "kostat", "city", "수원시장안구"),  # a 구 of a 시 in a 도 is a city
        ("38113", "kostat", "city", "창원시마산합포구"),
        ("31370", "kostat", "county", "가평군"),
        ("36480", "kostat", "county", "신안군"),
        ("37310", "kostat", "county", "군위군"),  # still in 경북 in 2018 (see the dated test)
        ("11110", "mois", "metro", "종로구"),
        ("11740", "mois", "metro", "강동구"),  # ≥ 700 but 서울 has no 군
        ("11710", "mois", "metro", "송파구"),
        ("26110", "mois", "metro", "중구"),
        ("31110", "mois", "metro", "중구"),  # 울산 중구 (31110 is 과천시 in KOSTAT)
        ("41190", "mois", "city", "부천시"),
        ("41111", "mois", "city", "수원시 장안구"),
        ("41820", "mois", "county", "가평군"),
        ("43745", "mois", "county", "증평군"),
        ("48720", "mois", "county", "의령군"),
        ("47730", "mois", "county", "의성군"),
    ],
)
def test_ordinary_areas_do_not_depend_on_the_policy(code, system, expected, name, policy):
    on = dt.date(2018, 12, 31) if code == "37310" else ON
    kind, reason = one(code, system, on, policy, names=name)
    assert kind == expected
    assert "policy" not in reason


@pytest.mark.parametrize(
    ("code", "system", "name"),
    [
        ("39010", "kostat", "제주시"),
        ("39020", "kostat", "서귀포시"),
        ("50110", "mois", "제주시"),
        ("50130", "mois", "서귀포시"),
        ("5011025000", "mois", None),
    ],
)
def test_jeju_cities_are_cities(code, system, name):
    for policy in POLICIES:
        kind, reason = one(code, system, ON, policy, names=name)
        assert kind == "city"
        assert "Jeju" in reason


@pytest.mark.parametrize(
    ("code", "system"),
    [
        ("99999", "kostat"),  # no such 시도
        ("41111", "kostat"),  # a MOIS code
        ("1101053", "mois"),  # a KOSTAT 읍면동 code
        ("11000", "kostat"),  # 시도 level, no 시군구
        ("11", "mois"),
        ("abcde", "mois"),
        ("3100500", "kostat"),  # 시군구 number 005 does not exist
        ("21305", "kostat"),
        ("31050", "mois"),  # MOIS 시군구 numbers start at 110
    ],
)
def test_codes_that_are_no_sigungu_of_the_system_have_no_type(code, system):
    kind, reason = one(code, system)
    assert kind is None
    assert reason == f"not a {system.upper()} 시군구 code: {code!r}"


def test_missing_codes_have_no_type():
    kinds, reasons = area_types([None, np.nan, "", pd.NA, "26710"], "mois", ON)
    assert kinds.tolist() == [None, None, None, None, "county"]
    assert reasons.tolist()[:4] == ["no code"] * 4


def test_names_that_contradict_the_code_give_no_type():
    # 31110 read as MOIS is 울산 중구; the name says it was KOSTAT 과천시 all along.
    kind, reason = one("31110", "mois", names="과천시")
    assert kind is None
    assert "'과천시'" in reason
    assert "check the code system" in reason
    assert one("31110", "kostat", names="과천시")[0] == "city"
    assert one("21310", "kostat", names="해운대구")[0] is None  # a 구 named on a 군's code
    assert one("31050", "kostat", names="가평군")[0] is None  # a 군 named on a 시's code
    assert one("29010", "kostat", names="세종구")[0] is None  # 세종 has no 구
    assert one("21310", "kostat", names=None)[0] == "county"  # no name, no check


def test_names_must_match_the_codes_shape():
    with pytest.raises(GeoError, match="one name per code"):
        area_types(["21310", "22310"], "kostat", ON, names=["기장군"])


def test_area_types_of_a_long_array_come_back_in_order():
    sample = ["11010", "31370", None, "29010", "21310", "bad"] * 1000
    kinds, reasons = area_types(pd.Series(sample), "kostat", ON)
    assert kinds.shape == reasons.shape == (6000,)
    assert kinds[:6].tolist() == ["metro", "county", None, "metro", "county", None]
    assert (kinds[6:].reshape(-1, 6) == kinds[:6]).all()


# --- dated changes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "since"),
    [
        ("42150", "51150", GANGWON),  # 강릉시
        ("4215025000", "5115025000", GANGWON),
        ("42720", "51720", GANGWON),  # 홍천군
        ("45110", "52110", JEONBUK),  # 전주시
        ("4571025000", "5271025000", JEONBUK),
        ("47720", "27720", GUNWI),  # 군위군
        ("4772025000", "2772025000", GUNWI),
    ],
)
def test_dated_mois_changes_apply_on_their_date_in_both_directions(old, new, since):
    before = since - DAY
    assert current_code(old, "mois", before) == old
    assert current_code(new, "mois", before) == old  # a new code read on an old date
    assert current_code(old, "mois", since) == new
    assert current_code(new, "mois", since) == new
    assert current_code([old, new], "mois", since.isoformat()).tolist() == [new, new]


@pytest.mark.parametrize("code", ["47730", "41110", "27710", "11110", "46710", "4311000000"])
def test_other_codes_never_change(code):
    for on in (dt.date(2018, 1, 1), GANGWON, GUNWI, JEONBUK, ON):
        assert current_code(code, "mois", on) == code


def test_kostat_codes_are_not_renumbered():
    for code in ("32010", "35011", "37310", "3201051"):
        assert current_code(code, "kostat", ON) == code
    assert current_code("41111", "kostat", ON) is None  # not a KOSTAT code


@pytest.mark.parametrize("policy", POLICIES, ids=repr)
def test_gunwi_is_a_metropolitan_county_from_2023_07_01(policy):
    for code, system in (("47720", "mois"), ("27720", "mois"), ("37310", "kostat")):
        before_kind, before_reason = one(code, system, GUNWI - DAY, policy, names="군위군")
        assert before_kind == "county", code  # a county in 경북, whatever the policy
        assert "Gyeongbuk" in before_reason
        kind, reason = one(code, system, GUNWI, policy, names="군위군")
        assert kind == policy.metro_county, code
        assert "Daegu" in reason


def test_area_types_mention_a_renumbered_code():
    kind, reason = one("42720", "mois", GANGWON)
    assert kind == "county"
    assert reason == "county in a province, Gangwon; 42720 is 51720 on 2023-06-11"
    assert one("51720", "mois", GANGWON - DAY) == (
        "county",
        "county in a province, Gangwon; 51720 is 42720 on 2023-06-10",
    )
    assert one("52110", "mois", JEONBUK)[1] == "city, or district of a city, in a province, Jeonbuk"


# --- 시도 crosswalk ----------------------------------------------------------------------

CROSSWALK = {
    "11": "11", "21": "26", "22": "27", "23": "28", "24": "29", "25": "30", "26": "31",
    "29": "36", "31": "41", "32": "51", "33": "43", "34": "44", "35": "52", "36": "46",
    "37": "47", "38": "48", "39": "50",
}  # fmt: skip


def test_sido_crosswalk_both_ways():
    assert len(SIDOS) == 17
    kostat = list(CROSSWALK)
    assert sido_crosswalk(kostat, "kostat", "mois", ON).tolist() == list(CROSSWALK.values())
    mois = list(CROSSWALK.values())
    assert sido_crosswalk(mois, CodeSystem.MOIS, CodeSystem.KOSTAT, ON).tolist() == kostat


@pytest.mark.parametrize(
    ("kostat", "old", "new", "since"), [("32", "42", "51", GANGWON), ("35", "45", "52", JEONBUK)]
)
def test_sido_crosswalk_is_dated(kostat, old, new, since):
    assert sido_crosswalk(kostat, "kostat", "mois", since - DAY) == old
    assert sido_crosswalk(kostat, "kostat", "mois", since) == new
    assert sido_crosswalk([old, new], "mois", "kostat", ON).tolist() == [kostat, kostat]
    assert sido_crosswalk(kostat + "010", "kostat", "mois", since) == new  # any code length


def test_sido_info_and_parents():
    assert sido_info("2671025000", "mois") == sido_info("21310", "kostat")
    assert sido_info("21310", "kostat").name == "부산광역시"
    assert sido_info("42", "mois").name_en == "Gangwon"
    assert sido_info("42", "kostat") is None
    assert sido_of(["1111051500", "1101053", "99"], "mois").tolist() == ["11", None, None]
    assert sigungu_of(["1111051500", "11", None], "mois").tolist() == ["11110", None, None]
    assert sigungu_of("1101053", "kostat") == "11010"
    assert sido_of(1101053, "kostat") == "11"


# --- code systems ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["11010", "21310", "1101053", "31011"], CodeSystem.KOSTAT),
        (["1111051500", "4111100000", "26710", "51150"], CodeSystem.MOIS),
        (["31110", "11110", "2671025000"], CodeSystem.MOIS),  # ambiguous ones follow
        (["31110", "11110"], None),  # only ambiguous codes: cannot tell
        (["21310", "41111"], None),  # mixed
        (["1101053", "1111051500"], None),  # mixed lengths
        (["21310", "99999", "abc", None], CodeSystem.KOSTAT),  # unknown codes do not decide
        (["99999", None], None),
        ([], None),
    ],
)
def test_detect_system(values, expected):
    assert detect_system(values) is expected


def test_code_systems_per_code():
    found = code_systems(
        ["21310", "41111", "31110", "99999", "abc", None, "", 11010.0, 1111051500, "123456"]
    )
    assert found.tolist() == [
        "kostat",
        "mois",
        "ambiguous",
        "unknown",
        "unknown",
        None,
        None,
        "kostat",  # 시군구 number 010: below every MOIS number
        "mois",
        "unknown",
    ]
    assert code_systems("26710") == "mois"


def test_normalize_codes():
    got = normalize_codes([11010, 11010.0, " 11010 ", "", None, np.nan, "x1"])
    assert got.tolist() == ["11010", "11010", "11010", None, None, None, "x1"]


def test_bad_arguments_raise_geo_errors():
    with pytest.raises(GeoError, match="'kostat' or 'mois'") as info:
        area_types(["11010"], "census", ON)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, selectlib.SelectlibError)
    for day in ("2023-13-01", pd.NaT, dt.datetime(2024, 5, 1, tzinfo=dt.UTC)):
        with pytest.raises(selectlib.DateError, match=r"^on: "):  # the same as everywhere
            current_code("42150", "mois", day)
        with pytest.raises(selectlib.DateError, match=r"^on: "):
            area_types(["11010"], "kostat", day)
    with pytest.raises(ValueError, match="metro_county"):
        AreaTypePolicy(metro_county="rural")  # type: ignore[arg-type]


def test_module_examples_run():
    assert doctest.testmod(codes).failed == 0


def test_importing_selectlib_stays_light():
    """``import selectlib`` (and its CLI) never loads the geo stack; ``selectlib.geo`` does."""
    script = (
        "import sys, selectlib, selectlib.cli.app; "
        "heavy = {'geopandas', 'shapely', 'scipy', 'pyproj'} & set(sys.modules); "
        "assert not heavy, heavy"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# --- properties --------------------------------------------------------------------------

five_digits = st.text(alphabet="0123456789", min_size=5, max_size=5)


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(five_digits, max_size=20), st.sampled_from(list(CodeSystem)), st.dates())
def test_area_type_of_a_code_is_that_of_its_children(sample, system, on):
    suffix = "25" if system is CodeSystem.KOSTAT else "25000"
    kinds, _ = area_types(sample, system, on)
    child_kinds, _ = area_types([code + suffix for code in sample], system, on)
    assert child_kinds.tolist() == kinds.tolist()
    assert set(kinds.tolist()) <= {"metro", "city", "county", None}


@settings(max_examples=examples(400), deadline=None)
@given(
    st.sampled_from(["42", "45", "51", "52", "47720", "27720", "41", "27710"]),
    st.text(alphabet="0123456789", min_size=3, max_size=3).filter(lambda s: s >= "110"),
    st.dates(dt.date(2015, 1, 1), dt.date(2030, 1, 1)),
    st.dates(dt.date(2015, 1, 1), dt.date(2030, 1, 1)),
)
def test_dating_a_code_is_consistent(prefix, digits, first, second):
    code = (prefix + digits)[:5] + "25000"
    there = current_code(code, "mois", first)
    assert current_code(there, "mois", first) == there  # idempotent on a date
    assert current_code(there, "mois", second) == current_code(code, "mois", second)


# --- the real KOSTAT 2018 시군구 -----------------------------------------------------------


@pytest.fixture(scope="module")
def municipalities() -> pd.DataFrame:
    if not MUNICIPALITIES.exists():
        pytest.skip(
            f"real KOSTAT boundaries not found at {MUNICIPALITIES} (shared/ beside the repo)"
        )
    geopandas = pytest.importorskip("geopandas")
    frame = geopandas.read_file(MUNICIPALITIES)
    return pd.DataFrame({"code": frame["code"].astype(str), "name": frame["name"]})


def expected_from_name(code: str, name: str) -> str:
    """Area type from the name suffix alone (세종 under the default policy)."""
    metropolitan = code[:2] in {"11", "21", "22", "23", "24", "25", "26"}
    if name.endswith("군"):
        return "county"
    if code[:2] == "29":
        return "metro"
    return "metro" if metropolitan and name.endswith("구") else "city"


def test_every_real_sigungu_is_classified_as_its_name_says(municipalities):
    assert len(municipalities) == 250
    assert detect_system(municipalities["code"]) is CodeSystem.KOSTAT
    kinds, reasons = area_types(
        municipalities["code"], "kostat", dt.date(2018, 12, 31), names=municipalities["name"]
    )
    expected = [
        expected_from_name(code, name)
        for code, name in zip(municipalities["code"], municipalities["name"], strict=True)
    ]
    wrong = [
        (code, name, kind, reason)
        for code, name, kind, reason, want in zip(
            municipalities["code"], municipalities["name"], kinds, reasons, expected, strict=True
        )
        if kind != want
    ]
    assert wrong == []
    assert Counter(kinds.tolist()) == {"metro": 70, "city": 98, "county": 82}


def test_real_metropolitan_counties_flip_with_the_policy(municipalities):
    metro = AreaTypePolicy(metro_county="metro")
    for on, flipped in ((dt.date(2018, 12, 31), 5), (ON, 6)):  # 군위군 joins 대구 in 2023
        default, _ = area_types(municipalities["code"], "kostat", on)
        changed, _ = area_types(municipalities["code"], "kostat", on, metro)
        moved = municipalities["name"][default != changed]
        assert len(moved) == flipped
        assert set(moved) <= {"기장군", "달성군", "강화군", "옹진군", "울주군", "군위군"}
        assert (default[default != changed] == "county").all()
