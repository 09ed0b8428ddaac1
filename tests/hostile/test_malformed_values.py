"""Malformed values at the API's doors, in profiles, in ``--set`` and in area files.

Each hostile value is built here and must end in a :class:`selectlib.SelectlibError` (or
an invalid decision naming the field), saying where and how to fix it; through the
command line, in one ``error:`` line, exit code 1 and no traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import struct
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely
from paths import DIRTY_GEO, ROOT
from strategies import FLAGSHIP, ON
from typer.testing import CliRunner, Result

import selectlib
from selectlib import DateError
from selectlib.cli.app import app
from selectlib.cli.options import MAX_SET_DEPTH, MAX_SET_LENGTH, parse_set
from selectlib.geo.areas import read_areas
from selectlib.geo.errors import GeoError
from selectlib.profile.compiled import from_text

FLAGSHIP_TEXT = (ROOT / "scoring_profiles" / f"{FLAGSHIP}.yaml").read_text(encoding="utf-8")
SAMPLE = ROOT / "sample_data" / "applicants.csv"
FIRMS = DIRTY_GEO / "firms.csv"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


def assert_cli_error(result: Result, *fragments: str) -> None:
    """Exit 1, one ``error:`` line naming every fragment, no traceback."""
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def edited(old: str, new: str) -> str:
    """The flagship profile's text with one edit (which must apply)."""
    assert old in FLAGSHIP_TEXT
    return FLAGSHIP_TEXT.replace(old, new, 1)


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


# -- 1. a YAML date where text is expected is that text --------------------------------------


def test_dates_where_text_is_expected_are_the_text_written(flagship: selectlib.Profile) -> None:
    text = edited("city: {ko: 시, en: city}", "city: {ko: 시, en: 2024-05-01}")
    text = text.replace("aliases: [대학교]", "aliases: [대학교, 2024-01-01]", 1)
    text = text.replace("      county: {ko: 군", "      2024-06-30: {ko: 군", 1)
    text = text.replace("county: 20}", "2024-06-30: 20}", 1)  # the cluster_min table's key
    profile = from_text(text, "dated.yaml")
    area_type = next(f for f in profile.fields if f.name == "area_type")
    assert area_type.codes == ("metro", "city", "2024-06-30")
    assert area_type.choices[1].label.en == "2024-05-01"
    operator = next(f for f in profile.fields if f.name == "operator_type")
    assert "2024-01-01" in operator.choices[1].aliases
    decision = profile.evaluate({"area_type": "2024-05-01", "operator_type": "2024-01-01"}, on=ON)
    assert not decision.problems  # the label and the alias are accepted as inputs
    assert selectlib.Profile.from_dict(profile.to_dict()) == profile  # YAML and JSON agree


def test_an_impossible_date_where_a_date_is_expected_is_located() -> None:
    text = edited("valid_from: 2024-04-15", "valid_from: 2024-13-45")
    with pytest.raises(selectlib.ProfileError) as info:
        from_text(text, "bad.yaml")
    (problem,) = info.value.problems
    assert problem.key == "$.valid_from"
    assert problem.line == line_of(text, "valid_from:")
    assert "YYYY-MM-DD" in problem.hint


# -- 2. --set values bounded before they are read --------------------------------------------


@pytest.mark.parametrize(
    ("value", "limit"),
    [
        ("[" * 3000 + "]" * 3000, "MAX_SET_LENGTH"),
        ("9" * 5000, "MAX_SET_LENGTH"),
        ("[" * 1000 + "1" + "]" * 1000, "MAX_SET_DEPTH"),
        ("{a: " * (MAX_SET_DEPTH + 1) + "1" + "}" * (MAX_SET_DEPTH + 1), "MAX_SET_DEPTH"),
    ],
    ids=["long-nesting", "long-digits", "deep-flow", "deep-mappings"],
)
def test_set_values_past_a_limit_are_refused_by_name(value: str, limit: str) -> None:
    with pytest.raises(selectlib.InputError, match=limit):
        parse_set([f"min_staff={value}"])
    assert_cli_error(
        run("check", FLAGSHIP, SAMPLE, "--on", ON, "--set", f"min_staff={value}"), limit
    )


def test_set_values_within_the_limits_are_read_as_before() -> None:
    deep = "[" * MAX_SET_DEPTH + "1" + "]" * MAX_SET_DEPTH
    digits = "9" * (MAX_SET_LENGTH - len("min_staff="))
    changes = parse_set(["min_staff=2", f"a={deep}", f"b={digits}", "c=2024-05-01"])
    assert changes["min_staff"] == 2
    assert changes["b"] == int(digits)
    assert changes["c"] == "2024-05-01"  # a date is the text written, as in profiles


def test_a_set_number_of_thousands_of_digits_names_the_parameter_limit() -> None:
    digits = "9" * (MAX_SET_LENGTH - len("min_staff="))
    result = run("check", FLAGSHIP, SAMPLE, "--on", ON, "--set", f"min_staff={digits}")
    assert_cli_error(result, "min_staff", "2**53")


# -- 3. huge and non-finite parameter values -------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"min_staff": 10**5000},
        {"min_staff": -(10**30)},
        {"min_staff": math.inf},
        {"min_staff": math.nan},
        {"min_staff": float("1e309")},
        {"cluster_min.metro": 10**5000},
        {"cluster_min": {"metro": 10**5000, "city": 20, "county": 10}},
        {"required_mandatory_programs": [10**5000]},
    ],
    ids=["huge-int", "huge-negative", "inf", "nan", "1e309", "table-entry", "table", "list"],
)
def test_huge_or_non_finite_parameter_values_name_the_limit(
    flagship: selectlib.Profile, changes: dict[str, Any]
) -> None:
    name = next(iter(changes)).partition(".")[0]
    with pytest.raises(selectlib.ParameterError, match=r"2\*\*53|must stay") as info:
        flagship.with_params(changes)
    assert info.value.name == name


@pytest.mark.parametrize(
    "changes",
    [{"min_staff": "1e309"}, {10**5000: 1}, {"min_staff": pd.Series([1, 2])}],
    ids=["text", "int-key", "series"],
)
def test_parameter_values_of_another_kind_are_parameter_errors(
    flagship: selectlib.Profile, changes: dict[Any, Any]
) -> None:
    with pytest.raises(selectlib.ParameterError) as info:
        flagship.with_params(changes)
    assert "\n" not in str(info.value)  # a Series is shown on one line


# -- 4. containers as record values, odd tables ----------------------------------------------


CONTAINERS = [
    pd.Series([1, 2]),
    pd.Series(["survey"]),
    np.array([1, 2]),
    pd.DataFrame({"a": [1]}),
    {"a": [1, 2]},
    10**5000,
]


@pytest.mark.parametrize("field", ["staff", "area_type", "has_equipment", "applicant_id"])
@pytest.mark.parametrize("value", CONTAINERS, ids=lambda v: type(v).__name__)
def test_a_container_as_a_record_value_is_an_invalid_field(
    flagship: selectlib.Profile, good_record: Any, field: str, value: Any
) -> None:
    record = good_record(**{field: value})
    decision = flagship.evaluate(record, on=ON)
    assert decision.outcome == "invalid"
    assert [p.key for p in decision.problems] == [field]
    batch = flagship.evaluate_many([record], on=ON)
    assert batch["outcome"].tolist() == ["invalid"]
    assert field in batch["problems"].iloc[0]


def test_a_series_where_a_set_is_expected_is_an_invalid_field(
    flagship: selectlib.Profile, good_record: Any
) -> None:
    decision = flagship.evaluate(good_record(mandatory_programs=pd.Series(["survey"])), on=ON)
    assert [p.key for p in decision.problems] == ["mandatory_programs"]


def test_a_row_given_as_a_series_says_to_pass_a_dict(
    flagship: selectlib.Profile, good_record: Any
) -> None:
    row = pd.DataFrame([good_record()]).iloc[0]
    with pytest.raises(selectlib.InputError, match=r"to_dict\(\)"):
        flagship.evaluate(row, on=ON)


@pytest.mark.parametrize(
    "table",
    [None, [1, 2], [None], pd.Series([1, 2]), np.array([1]), "abc", {"staff": 3}],
    ids=["none", "ints", "nones", "series", "array", "text", "scalar-column"],
)
def test_odd_tables_are_input_errors_at_every_entry(table: Any) -> None:
    funded = next(
        p for p in map(selectlib.load_profile, selectlib.list_profiles()) if p.spec.benefits
    )
    day = funded.spec.valid_from
    for call in (
        lambda: funded.evaluate_many(table, on=day),
        lambda: selectlib.compare(funded, funded, table, on=day),
        lambda: selectlib.fund(funded, table, on=day),
    ):
        with pytest.raises(selectlib.InputError):
            call()


# -- 5. on= that is no day -------------------------------------------------------------------

NOT_DAYS = [
    pd.NaT,
    math.nan,
    "2024-13-45",
    dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC),
    pd.Timestamp("2024-05-01 09:00", tz="Asia/Seoul"),
    np.datetime64("2024-05-01"),
    20240501,
    10**5000,
]


@pytest.mark.parametrize("on", NOT_DAYS, ids=lambda v: type(v).__name__)
def test_on_that_is_no_day_is_refused_naming_on(
    flagship: selectlib.Profile, good_record: Any, on: Any
) -> None:
    for call in (
        lambda: flagship.params_on(on),
        lambda: flagship.evaluate(good_record(), on=on),
        lambda: flagship.evaluate_many([good_record()], on=on),
        lambda: selectlib.compare(flagship, flagship, [good_record()], on=on),
        lambda: flagship.parameter("min_staff").at(on),
    ):
        with pytest.raises(DateError) as info:
            call()
        assert info.value.argument == "on"
        assert str(info.value).startswith("on: ")
    with pytest.raises(DateError, match=r"^since: "):
        flagship.with_params({"min_staff": 2}, since=on)


def test_on_none_is_today_where_allowed_and_refused_where_a_day_is_required(
    flagship: selectlib.Profile,
) -> None:
    assert flagship.params_on(None).on == dt.date.today()
    with pytest.raises(DateError, match=r"^on: "):
        flagship.parameter("min_staff").at(None)  # type: ignore[arg-type]


def test_the_command_line_names_on_for_a_date_with_a_time_zone() -> None:
    result = run("check", FLAGSHIP, SAMPLE, "--on", "2024-05-01T09:00+09:00")
    assert_cli_error(result, "--on")


# -- 6. Profile.from_dict with data no profile file holds ------------------------------------


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"fields": {1: {"kind": "integer", "description": {"ko": "가", "en": "a"}}}}, "$.fields"),
        ({"notes": {1, 2}}, "set"),
        ({"version": b"1"}, "bytes"),
        ({b"id": "x"}, "keys"),
        ({"valid_from": dt.datetime(2024, 4, 15, 9)}, "$.valid_from"),
        ({"parameters": {"min_staff": {"value": math.nan}}}, "profile file's shape"),
    ],
    ids=["int-key", "set", "bytes", "bytes-key", "datetime", "nan"],
)
def test_from_dict_with_data_no_profile_file_holds(
    flagship: selectlib.Profile, change: dict[Any, Any], fragment: str
) -> None:
    data = {**flagship.to_dict(), **change}
    with pytest.raises(selectlib.ProfileError) as info:
        selectlib.Profile.from_dict(data)
    assert fragment in str(info.value)


# -- 7. field limits that are no finite number -----------------------------------------------


@pytest.mark.parametrize("bound", [".nan", "-.inf", "18446744073709551615"])
def test_a_field_limit_that_is_no_finite_number_is_located(bound: str) -> None:
    text = edited("    unit: persons\n    minimum: 0", f"    unit: persons\n    maximum: {bound}")
    with pytest.raises(selectlib.ProfileError) as info:
        from_text(text, "limits.yaml")
    (problem,) = info.value.problems
    assert problem.key == "$.fields.staff.maximum"
    assert problem.line == line_of(text, "    maximum:")
    assert "2**53" in problem.message


# -- 8. area files: metres read as degrees, rings GEOS cannot build --------------------------


def area_collection(rings: list[Any], crs: str | None = None) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of one polygon per ring list, codes 2101051, 2101052..."""
    data: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": f"210105{i + 1}", "name": f"동{i}"},
                "geometry": {"type": "Polygon", "coordinates": polygon},
            }
            for i, polygon in enumerate(rings)
        ],
    }
    if crs is not None:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    return data


def square(x: float, y: float, size: float = 1000) -> list[list[float]]:
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def write_areas(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_metres_without_a_crs_are_not_read_as_degrees(tmp_path: Path) -> None:
    path = write_areas(tmp_path, area_collection([[square(950_000, 1_950_000)]]))
    with pytest.raises(GeoError, match="not longitude/latitude") as info:
        read_areas(path)
    assert str(path) in str(info.value)
    assert "2101051" in str(info.value)
    assert "EPSG::5179" in str(info.value)  # the crs member to add
    result = run("clusters", FIRMS, "--areas", path, "--on", ON)
    assert_cli_error(result, "not longitude/latitude", "crs")


def test_the_same_metres_with_their_crs_are_read(tmp_path: Path) -> None:
    data = area_collection([[square(950_000, 1_950_000)]], "urn:ogc:def:crs:EPSG::5179")
    areas = read_areas(write_areas(tmp_path, data))
    assert areas.frame.geometry.iloc[0].area == pytest.approx(1_000_000)


GOOD = square(1_000_000, 1_800_000)
BROKEN_RINGS = {
    "unclosed": [GOOD[:4]],
    "three-unclosed": [GOOD[:3]],
    "two-points": [GOOD[:2]],
    "one-point": [GOOD[:1]],
    "short-hole": [GOOD, [[1_000_100, 1_800_100], [1_000_200, 1_800_100]]],
}


@pytest.mark.parametrize("rings", BROKEN_RINGS.values(), ids=BROKEN_RINGS.keys())
def test_a_ring_geos_cannot_build_names_the_feature(tmp_path: Path, rings: list[Any]) -> None:
    data = area_collection([[GOOD], rings], "urn:ogc:def:crs:EPSG::5179")
    path = write_areas(tmp_path, data)
    with pytest.raises(GeoError) as info:
        read_areas(path)
    message = str(info.value)
    assert str(path) in message
    assert "feature 1" in message
    assert "2101052" in message
    assert "at least 4 points" in message
    assert_cli_error(run("clusters", FIRMS, "--areas", path, "--on", ON), "feature 1")


def test_a_ring_geos_cannot_build_in_geoparquet_names_the_feature(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"code": ["2101051", "2101052"]},
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)],
        crs="EPSG:5179",
    )
    path = tmp_path / "areas.parquet"
    frame.to_parquet(path)
    table = pq.read_table(path)
    ring = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]  # not closed: GEOS refuses to build it
    unclosed = struct.pack("<BIII", 1, 3, 1, len(ring)) + b"".join(
        struct.pack("<dd", *point) for point in ring
    )
    wkb = pa.array([shapely.to_wkb(shapely.box(0, 0, 1, 1)), unclosed], type=pa.binary())
    index = table.schema.get_field_index("geometry")
    pq.write_table(table.set_column(index, "geometry", wkb), path)
    with pytest.raises(GeoError, match=r"feature 1 .*2101052"):
        read_areas(path)


def test_numpy_scalars_are_parameter_values_like_the_numbers_they_hold() -> None:
    profile = selectlib.load_profile("micro_manufacturer_center_2024")
    for given, seen in ((np.int64(2), 2), (np.float64(2.0), 2.0), (np.int32(5), 5)):
        reform = profile.with_params({"min_staff": given})
        value = reform.params_on("2024-05-01").values["min_staff"]
        assert value == seen
        assert type(value) is type(seen)  # plain Python, as if written in the profile
