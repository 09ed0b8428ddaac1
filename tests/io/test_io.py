"""Reading applicant files and writing results: encodings, formats, and errors that help."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import selectlib
from selectlib.io import format_of, read_table, sample_data_dir, write_table

FLAGSHIP = "micro_manufacturer_center_2024"
ON = "2024-05-01"
KOREAN_CSV = (
    "applicant_id,applicant_name,area_type,operator_type,staff,has_equipment\n"
    "007,서울소공인지원재단,군,대학,3,예\n"
    "008,부산정밀(주),광역시,영리법인,,아니오\n"
    "009,,시,비영리법인,0,\n"
)


@pytest.fixture(scope="module")
def profile() -> selectlib.Profile:
    return selectlib.load_profile(FLAGSHIP)


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return read_table(sample_data_dir() / "applicants.csv")


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# -- CSV -----------------------------------------------------------------------------------


def test_csv_encodings_read_identically(tmp_path: Path) -> None:
    utf8 = read_table(_write(tmp_path / "utf8.csv", KOREAN_CSV.encode("utf-8")))
    bom = read_table(_write(tmp_path / "bom.csv", KOREAN_CSV.encode("utf-8-sig")))
    cp949 = read_table(_write(tmp_path / "cp949.csv", KOREAN_CSV.encode("cp949")))
    pd.testing.assert_frame_equal(utf8, bom)
    pd.testing.assert_frame_equal(utf8, cp949)
    assert utf8.columns[0] == "applicant_id"  # no BOM glued to the first header
    assert utf8["applicant_name"].iloc[0] == "서울소공인지원재단"


def test_csv_cells_are_text_and_only_empty_cells_are_missing(tmp_path: Path) -> None:
    frame = read_table(_write(tmp_path / "a.csv", KOREAN_CSV.encode("utf-8")))
    assert frame["applicant_id"].tolist() == ["007", "008", "009"]
    assert frame["staff"].iloc[2] == "0"
    assert frame["staff"].isna().tolist() == [False, True, False]
    assert frame["has_equipment"].isna().tolist() == [False, False, True]


def test_csv_words_pandas_would_call_missing_stay_text(tmp_path: Path) -> None:
    frame = read_table(_write(tmp_path / "a.csv", b"applicant_id,note\nNA,null\nN/A,NaN\n"))
    assert frame.to_dict("list") == {"applicant_id": ["NA", "N/A"], "note": ["null", "NaN"]}


def test_cp949_file_evaluates_like_utf8(tmp_path: Path, profile: selectlib.Profile) -> None:
    utf8 = read_table(_write(tmp_path / "u.csv", KOREAN_CSV.encode("utf-8")))
    cp949 = read_table(_write(tmp_path / "c.csv", KOREAN_CSV.encode("cp949")))
    a = profile.evaluate_many(utf8, on=ON)
    b = profile.evaluate_many(cp949, on=ON)
    pd.testing.assert_frame_equal(a, b)
    assert a["nonprofit_operator"].tolist() == ["passed", "failed", "passed"]


def test_undecodable_csv_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.csv", b"applicant_id,staff\nA1,3\nA2,\x80\n")
    with pytest.raises(selectlib.InputError) as info:
        read_table(path)
    message = str(info.value)
    assert str(path) in message
    assert "line 3" in message
    assert "UTF-8" in message
    assert info.value.file == str(path)


def test_ragged_csv_is_an_input_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "ragged.csv", b"applicant_id,staff\nA1,3\nA2,3,extra,cells\n")
    with pytest.raises(selectlib.InputError, match="not a well-formed CSV") as info:
        read_table(path)
    assert str(path) in str(info.value)


def test_repeated_csv_column_is_an_input_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "dup.csv", b"applicant_id,staff,staff\nA1,3,4\n")
    with pytest.raises(selectlib.InputError, match="'staff' appear more than once"):
        read_table(path)


def test_empty_csv_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(selectlib.InputError, match="empty"):
        read_table(_write(tmp_path / "empty.csv", b"\n"))


# -- files and extensions ------------------------------------------------------------------


def test_unknown_extension_lists_supported_formats(tmp_path: Path) -> None:
    path = _write(tmp_path / "applicants.txt", b"x")
    with pytest.raises(selectlib.InputError) as info:
        read_table(path)
    assert "applicants.txt" in str(info.value)
    for suffix in (".csv", ".xlsx", ".parquet", ".json"):
        assert suffix in str(info.value)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(selectlib.InputError, match="does not exist"):
        read_table(tmp_path / "nope.csv")
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(selectlib.InputError, match="is a folder"):
        read_table(tmp_path / "folder.csv")


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_corrupt_binary_files_are_input_errors(tmp_path: Path, suffix: str) -> None:
    path = _write(tmp_path / f"broken{suffix}", b"this is not a real file")
    with pytest.raises(selectlib.InputError) as info:
        read_table(path)
    assert str(path) in str(info.value)


# -- JSON ----------------------------------------------------------------------------------


def test_json_list_and_applicants_object(tmp_path: Path) -> None:
    records = [
        {"applicant_id": "007", "staff": 3, "mandatory_programs": ["survey", "roadmap"]},
        {"applicant_id": "008", "staff": None},
    ]
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps(records), encoding="utf-8")
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"applicants": records}), encoding="utf-8")
    a, b = read_table(listed), read_table(wrapped)
    pd.testing.assert_frame_equal(a, b)
    assert a["applicant_id"].tolist() == ["007", "008"]
    assert a["staff"].iloc[0] == 3
    assert a["mandatory_programs"].iloc[0] == ["survey", "roadmap"]
    assert pd.isna(a["staff"].iloc[1])


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[\n  {"applicant_id": "A1"}\n  {"applicant_id": "A2"}\n]\n', encoding="utf-8")
    with pytest.raises(selectlib.InputError) as info:
        read_table(path)
    assert str(path) in str(info.value)
    assert "line 3, column 3" in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"people": []}', '"applicants" list'),
        ("42", '"applicants" list'),
        ('[{"applicant_id": "A1"}, "A2"]', "row 1"),
    ],
)
def test_json_of_the_wrong_shape(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "shape.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(selectlib.InputError, match=expected):
        read_table(path)


# -- round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "json"])
def test_write_then_read_keeps_every_cell(tmp_path: Path, sample: pd.DataFrame, fmt: str) -> None:
    path = tmp_path / f"applicants.{fmt}"
    write_table(sample, path)
    back = read_table(path)
    assert list(back.columns) == list(sample.columns)
    expected = sample.astype(object).where(sample.notna(), None)
    got = back.astype(object).where(back.notna(), None)
    assert got.to_dict("records") == expected.to_dict("records")


def test_parquet_round_trip(tmp_path: Path, sample: pd.DataFrame) -> None:
    path = tmp_path / "applicants.parquet"
    sample.to_parquet(path)
    pd.testing.assert_frame_equal(read_table(path), sample)


@pytest.mark.parametrize("fmt", ["xlsx", "json", "parquet"])
def test_every_format_gives_the_same_decisions(
    tmp_path: Path, sample: pd.DataFrame, profile: selectlib.Profile, fmt: str
) -> None:
    path = tmp_path / f"applicants.{fmt}"
    if fmt == "parquet":
        sample.to_parquet(path)
    else:
        write_table(sample, path)
    expected = profile.evaluate_many(sample, on=ON)
    got = profile.evaluate_many(read_table(path), on=ON)
    assert got["applicant_id"].tolist() == expected["applicant_id"].tolist()
    assert got["outcome"].tolist() == expected["outcome"].tolist()
    assert got["reasons_en"].tolist() == expected["reasons_en"].tolist()


def test_results_round_trip_through_every_output_format(
    tmp_path: Path, sample: pd.DataFrame, profile: selectlib.Profile
) -> None:
    results = profile.evaluate_many(sample, on=ON)
    for fmt in ("csv", "xlsx", "json"):
        path = tmp_path / f"results.{fmt}"
        write_table(results, path, fmt)
        back = read_table(path)
        assert list(back.columns) == list(results.columns), fmt
        assert back["applicant_id"].tolist() == results["applicant_id"].tolist(), fmt
        assert back["outcome"].tolist() == results["outcome"].astype(str).tolist(), fmt
        assert back["reasons_ko"].fillna("").tolist() == results["reasons_ko"].tolist(), fmt


def test_csv_output_has_bom_and_json_keeps_korean(tmp_path: Path) -> None:
    frame = pd.DataFrame({"applicant_id": ["007"], "applicant_name": ["서울소공인지원재단"]})
    write_table(frame, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    write_table(frame, tmp_path / "out.json")
    text = (tmp_path / "out.json").read_text(encoding="utf-8")
    assert "서울소공인지원재단" in text
    assert json.loads(text) == [{"applicant_id": "007", "applicant_name": "서울소공인지원재단"}]


def test_json_output_writes_missing_as_null(tmp_path: Path) -> None:
    frame = pd.DataFrame({"eligible": pd.array([True, None], dtype="boolean")})
    write_table(frame, tmp_path / "out.json")
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert data == [{"eligible": True}, {"eligible": None}]


def test_writing_into_a_missing_folder_creates_it(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "out.json"
    assert write_table(pd.DataFrame({"a": [1]}), target) == target
    assert json.loads(target.read_text(encoding="utf-8")) == [{"a": 1}]


def test_output_format_from_extension() -> None:
    assert format_of("results.CSV") == "csv"
    assert format_of(Path("a/b.xlsx")) == "xlsx"
    with pytest.raises(selectlib.InputError, match=r"\.csv, \.xlsx, \.json"):
        format_of("results.txt")
    with pytest.raises(selectlib.InputError, match="unknown output format"):
        write_table(pd.DataFrame(), "results.csv", "html")


# -- sample data ---------------------------------------------------------------------------


def test_sample_data_dir_holds_the_sample_file() -> None:
    folder = sample_data_dir()
    assert (folder / "applicants.csv").is_file()
    assert (folder / "make_sample_data.py").is_file()


def test_sample_file_is_what_the_script_makes(sample: pd.DataFrame) -> None:
    import runpy

    script = runpy.run_path(str(sample_data_dir() / "make_sample_data.py"))
    assert sample.fillna("").to_dict("records") == script["rows"]()


def test_sample_outcomes_match_their_notes(
    sample: pd.DataFrame, profile: selectlib.Profile
) -> None:
    results = profile.evaluate_many(sample, on=ON)
    expected = sample["note"].str.split(":").str[0]
    mismatched = sample.loc[results["outcome"].astype(str) != expected, "applicant_id"]
    assert mismatched.tolist() == []
    assert results["outcome"].value_counts().to_dict() == {
        "ineligible": 16,
        "eligible": 11,
        "incomplete": 8,
        "invalid": 5,
    }


def test_sample_covers_every_criterion_failing_and_missing(
    sample: pd.DataFrame, profile: selectlib.Profile
) -> None:
    results = profile.evaluate_many(sample, on=ON)
    ok = results[results["status"] == "ok"]
    for criterion in profile.criteria:
        statuses = set(ok[criterion.id].astype(str))
        assert statuses == {"passed", "failed", "missing"}, criterion.id
