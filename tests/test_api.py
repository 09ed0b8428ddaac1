"""The public face of selectlib: exports, errors, immutability and accepted inputs."""

from __future__ import annotations

import builtins
import datetime as dt
import inspect
import json
import types

import attrs
import numpy as np
import pandas as pd
import pytest
from strategies import CRITERIA, ON

import selectlib
from selectlib import Outcome

PUBLIC_CORE = {
    "CriterionResult",
    "CriterionStatus",
    "Decision",
    "ExpressionError",
    "InputError",
    "Outcome",
    "Parameter",
    "ParameterError",
    "Profile",
    "ProfileError",
    "ProfileNotFoundError",
    "Problem",
    "SelectlibError",
    "Text",
    "compare",
    "decision_from_dict",
    "decision_to_dict",
    "list_profiles",
    "load_profile",
    "summarize_comparison",
}
"""Names the documentation promises (notes/context.md, README)."""

BUILTIN_OF = {
    "ProfileError": ValueError,
    "ProfileNotFoundError": FileNotFoundError,
    "ExpressionError": ValueError,
    "ParameterError": ValueError,
    "InputError": ValueError,
}


# -- exports -------------------------------------------------------------------------------


def test_all_is_sorted_and_unique():
    assert selectlib.__all__ == sorted(selectlib.__all__)
    assert len(set(selectlib.__all__)) == len(selectlib.__all__)


def test_every_name_in_all_exists():
    missing = [name for name in selectlib.__all__ if not hasattr(selectlib, name)]
    assert missing == []


def test_all_lists_exactly_the_public_names():
    public = {  # dir(): the names are imported on first use
        name
        for name in dir(selectlib)
        if not name.startswith("_") and not isinstance(getattr(selectlib, name), types.ModuleType)
    }
    assert public == set(selectlib.__all__) - {"__version__"}


def test_documented_names_are_exported():
    assert set(selectlib.__all__) >= PUBLIC_CORE


def test_star_import_gives_the_public_names():
    namespace: dict[str, object] = {}
    exec("from selectlib import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(selectlib.__all__)


def test_version_is_the_package_version():
    assert isinstance(selectlib.__version__, str)
    assert selectlib.__version__.count(".") >= 2


# -- errors ---------------------------------------------------------------------------------


def _exported_exceptions() -> dict[str, type[BaseException]]:
    return {
        name: value
        for name in selectlib.__all__
        if inspect.isclass(value := getattr(selectlib, name)) and issubclass(value, BaseException)
    }


@pytest.mark.parametrize(("name", "builtin"), sorted(BUILTIN_OF.items()))
def test_each_error_subclasses_selectlib_error_and_its_builtin(name, builtin):
    error = getattr(selectlib, name)
    assert issubclass(error, selectlib.SelectlibError)
    assert issubclass(error, builtin)


def test_every_exported_error_has_the_common_base_and_a_builtin():
    exported = _exported_exceptions()
    assert set(BUILTIN_OF) <= set(exported)
    for name, error in exported.items():
        assert issubclass(error, selectlib.SelectlibError), name
        if error is selectlib.SelectlibError:
            continue
        builtin_bases = [
            base
            for base in error.__mro__
            if base.__module__ == "builtins" and base not in (Exception, BaseException, object)
        ]
        assert builtin_bases, f"{name} should also subclass the builtin it behaves like"
        assert all(getattr(builtins, b.__name__) is b for b in builtin_bases)


def test_errors_are_raised_as_both_kinds(flagship):
    with pytest.raises(ValueError, match="2024-04-15"):
        flagship.evaluate({}, on="2024-01-01")
    with pytest.raises(FileNotFoundError):
        selectlib.load_profile("no_such_profile")
    with pytest.raises(selectlib.SelectlibError):
        flagship.evaluate("not json", on=ON)


def test_input_error_keeps_its_facts():
    error = selectlib.InputError("bad value", file="a.csv", row=3, field="staff", value="x")
    assert (error.file, error.row, error.field, error.value) == ("a.csv", 3, "staff", "x")
    for part in ("a.csv", "row 3", "'staff'", "bad value"):
        assert part in str(error)


# -- immutability ---------------------------------------------------------------------------


def test_profiles_are_frozen(flagship):
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        flagship.spec = flagship.spec
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        flagship.path = "elsewhere.yaml"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        flagship.spec.id = "other"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        flagship.parameter("min_staff").history = ()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        flagship.parameter("min_staff").history[0].value = 1
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        flagship.criteria[0].condition = "true"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        flagship.fields[0].kind = selectlib.FieldKind.TEXT
    assert isinstance(flagship.criteria, tuple)
    assert isinstance(flagship.fields, tuple)
    assert isinstance(flagship.parameters, tuple)


def test_decisions_are_frozen(flagship, good_record):
    decision = flagship.evaluate(good_record(), on=ON)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        decision.outcome = Outcome.INELIGIBLE
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        decision.statuses = ()
    with pytest.raises(AttributeError):  # a named tuple: immutable, and cheap to build
        decision.criteria[0].status = selectlib.CriterionStatus.FAILED  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        decision.criteria[0].label.en = "changed"
    assert isinstance(decision.criteria, tuple)
    assert isinstance(decision.problems, tuple)


def test_profiles_compare_by_content(flagship):
    assert flagship == selectlib.Profile.from_dict(flagship.to_dict())
    assert flagship != flagship.with_params({"min_staff": 2})
    assert flagship.with_params({"min_staff": 2}) == flagship.with_params({"min_staff": 2})


# -- evaluate: accepted records ---------------------------------------------------------------


def test_evaluate_accepts_json_text(flagship, good_record):
    record = good_record(staff=2)
    from_dict = flagship.evaluate(record, on=ON)
    assert flagship.evaluate(json.dumps(record), on=ON) == from_dict
    assert flagship.evaluate(json.dumps(record, ensure_ascii=False).encode(), on=ON) == from_dict
    assert from_dict.outcome is Outcome.INELIGIBLE


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '"text"', "42", "{"])
def test_evaluate_rejects_json_that_is_not_an_object(flagship, text):
    with pytest.raises(selectlib.InputError):
        flagship.evaluate(text, on=ON)


@pytest.mark.parametrize("record", [None, 42, [("staff", 3)], {"staff"}])
def test_evaluate_rejects_non_records(flagship, record):
    with pytest.raises(selectlib.InputError, match="mapping"):
        flagship.evaluate(record, on=ON)


@pytest.mark.parametrize(
    "on", [dt.date(2024, 5, 1), "2024-05-01", " 2024-05-01 ", dt.datetime(2024, 5, 1, 12, 30)]
)
def test_evaluate_accepts_dates_in_several_forms(flagship, good_record, on):
    decision = flagship.evaluate(good_record(), on=on)
    assert decision.on == dt.date(2024, 5, 1)


@pytest.mark.parametrize("on", ["01/05/2024", "2024-5-1x", 20240501, "yesterday"])
def test_evaluate_rejects_bad_dates(flagship, good_record, on):
    with pytest.raises(selectlib.InputError):
        flagship.evaluate(good_record(), on=on)


def test_evaluate_defaults_to_today(flagship, good_record):
    assert flagship.evaluate(good_record()).on == dt.date.today()


# -- evaluate_many: accepted tables -------------------------------------------------------------


def _table_rows(good_record):
    return [
        good_record(applicant_id="a"),
        good_record(applicant_id="b", staff=2),
        good_record(applicant_id="c", staff=None),
        good_record(applicant_id="d", area_type="metroo"),
    ]


def test_evaluate_many_accepts_frames_column_dicts_and_record_lists(flagship, good_record):
    rows = _table_rows(good_record)
    columns = {name: [row[name] for row in rows] for name in rows[0]}
    outputs = [
        flagship.evaluate_many(rows, on=ON),
        flagship.evaluate_many(columns, on=ON),
        flagship.evaluate_many(pd.DataFrame(rows), on=ON),
        flagship.evaluate_many(pd.DataFrame(columns), on=ON),
    ]
    expected = ["eligible", "ineligible", "incomplete", "invalid"]
    for out in outputs:
        assert list(out["outcome"]) == expected
        assert list(out["applicant_id"]) == ["a", "b", "c", "d"]
        assert list(out["eligible"].astype(object).where(out["eligible"].notna(), None)) == [
            True,
            False,
            None,
            None,
        ]
        assert list(out["status"]) == ["ok", "ok", "ok", "invalid"]
        pd.testing.assert_frame_equal(out, outputs[0])


def test_evaluate_many_output_columns(flagship, good_record):
    out = flagship.evaluate_many(_table_rows(good_record), on=ON)
    assert list(out.columns) == [
        "applicant_id",
        "eligible",
        "outcome",
        "status",
        *CRITERIA,
        "reasons_ko",
        "reasons_en",
        "problems",
    ]
    assert str(out["eligible"].dtype) == "boolean"
    assert isinstance(out["outcome"].dtype, pd.CategoricalDtype)
    assert out.loc[0, "reasons_en"] == ""
    assert out.loc[1, "reasons_en"].startswith("Operating staff: ")
    assert out.loc[1, "reasons_ko"].startswith("운영인력: ")
    assert out.loc[0, "problems"] == ""  # like the reasons: no problem is '', not NaN
    assert out.loc[3, "problems"].startswith("area_type: ")


def test_evaluate_many_keeps_the_index(flagship, good_record):
    rows = _table_rows(good_record)
    frame = pd.DataFrame(rows, index=pd.Index(["w", "x", "y", "z"], name="key"))
    out = flagship.evaluate_many(frame, on=ON)
    assert out.index.equals(frame.index)
    assert out.index.name == "key"


def test_evaluate_many_of_records_with_no_fields_keeps_every_row(flagship):
    out = flagship.evaluate_many([{}, {}, {}], on=ON)
    assert len(out) == 3
    assert list(out["outcome"]) == ["incomplete"] * 3


def test_evaluate_many_of_nothing(flagship):
    for empty in ([], {}, pd.DataFrame()):
        out = flagship.evaluate_many(empty, on=ON)
        assert len(out) == 0
        assert set(CRITERIA) <= set(out.columns)


def test_evaluate_many_without_an_identifier_column(flagship, good_record):
    out = flagship.evaluate_many([good_record(applicant_id=...)], on=ON)
    assert "applicant_id" not in out.columns
    assert list(out["outcome"]) == ["eligible"]


def test_evaluate_many_reads_numpy_and_series_columns(flagship, good_record):
    base = good_record()
    columns = {name: [value] * 3 for name, value in base.items()}
    columns["staff"] = np.array([2, 3, 4])
    columns["cluster_count"] = pd.Series([50, 49, 51])
    out = flagship.evaluate_many(columns, on=ON)
    assert list(out["operating_staff"]) == ["failed", "passed", "passed"]
    assert list(out["cluster_size"]) == ["passed", "failed", "passed"]


@pytest.mark.parametrize(
    "table",
    [
        42,
        "applicant_id,staff\na,3",
        None,
        [1, 2, 3],
        [{"staff": 3}, "row"],
        {"staff": [1, 2], "cluster_count": [1, 2, 3]},
        3.5,
        {1, 2},
    ],
    ids=[
        "int",
        "csv-text",
        "none",
        "list-of-ints",
        "list-with-text",
        "ragged-columns",
        "float",
        "set",
    ],
)
def test_bad_table_types_raise_input_error(flagship, table):
    with pytest.raises(selectlib.InputError):
        flagship.evaluate_many(table, on=ON)


def test_bad_row_is_named(flagship):
    with pytest.raises(selectlib.InputError) as info:
        flagship.evaluate_many([{"staff": 3}, {"staff": 4}, ["staff", 5]], on=ON)
    assert info.value.row == 2


def test_compare_and_summary_shapes(flagship, good_record):
    rows = _table_rows(good_record)
    reform = flagship.with_params({"min_staff": 2})
    cmp = selectlib.compare(flagship, reform, rows, on=ON)
    assert list(cmp.columns) == ["applicant_id", "before", "after", "change", "changed_criteria"]
    assert list(cmp["change"]) == ["unchanged", "gained", "unchanged", "unchanged"]
    summary = selectlib.summarize_comparison(cmp)
    assert list(summary["applicants"]) == [1]
    assert summary.loc[0, "changed_criteria"] == "operating_staff: failed→passed"


def test_from_dict_takes_what_yaml_safe_load_gives_a_profile_file() -> None:
    import yaml

    from selectlib.profile.compiled import profiles_dir

    for name in selectlib.list_profiles():
        text = (profiles_dir() / f"{name}.yaml").read_text(encoding="utf-8")
        data = yaml.safe_load(text)  # dates become datetime.date, as keys and as values
        assert selectlib.Profile.from_dict(data) == selectlib.load_profile(name)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (None, "a profile must be a mapping (got NoneType)"),
        ("micro_manufacturer_center_2024", "use load_profile(path)"),
        ({"id": {1, 2}}, "not in a profile file's shape"),
        ({"id": float("nan")}, "not in a profile file's shape"),
    ],
)
def test_from_dict_refuses_what_is_not_a_profile_and_says_what_to_pass(
    data: object, fragment: str
) -> None:
    with pytest.raises(selectlib.ProfileError) as info:
        selectlib.Profile.from_dict(data)  # type: ignore[arg-type]
    assert fragment in str(info.value)
