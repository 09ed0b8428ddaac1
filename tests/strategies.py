"""Shared hypothesis strategies: raw input values (good, missing, invalid) and records.

Values are what applicants really send: numbers as text, Korean labels, yes/no words,
sets as lists or ``"a;b"`` text or one yes/no column per code, and the many ways of
saying "nothing" (None, NaN, empty or blank text). Invalid values cover wrong types,
unknown codes, negative counts, bools where integers belong and mixed-type columns.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import strategies as st

FLAGSHIP = "micro_manufacturer_center_2024"
ON = "2024-05-01"
"""An evaluation date inside the 2024 application window (2024-04-15 .. 2024-05-10)."""

PROFILE = os.environ.get("SELECTLIB_TESTS", "dev")
"""The hypothesis settings profile (``dev``, the default, or ``ci``; see conftest.py)."""
if PROFILE not in ("dev", "ci"):
    raise ValueError(f"SELECTLIB_TESTS must be dev or ci (got {PROFILE!r})")


def examples(count: int) -> int:
    """Hypothesis examples for a property: ``count`` in the ``ci`` profile, a tenth of it
    (at least 5) in ``dev``, whose whole run must stay well under two minutes."""
    return count if PROFILE == "ci" else max(5, count // 10)


AREA_TYPES = ("metro", "city", "county")
OPERATOR_TYPES = (
    "nonprofit_corporation",
    "university",
    "local_government_body",
    "for_profit",
    "individual",
)
MANDATORY = ("survey", "workforce", "shared_facilities", "funding_support", "roadmap")
AUTONOMOUS = ("network", "tech_exchange", "marketing", "promotion", "consulting", "regional")
SET_CODES = {"mandatory_programs": MANDATORY, "autonomous_programs": AUTONOMOUS}
CRITERIA = (
    "cluster_size",
    "nonprofit_operator",
    "dedicated_space",
    "dedicated_equipment",
    "operating_staff",
    "mandatory_programs",
    "education_program",
    "autonomous_programs",
    "micro_manufacturer_related",
    "application_window",
)
BOOLEAN_FIELDS = (
    "has_dedicated_space",
    "has_equipment",
    "offers_education",
    "micro_manufacturer_related",
)
INTEGER_FIELDS = ("cluster_count", "staff")

# -- missing -------------------------------------------------------------------------

missing_values = st.sampled_from([None, math.nan, "", "  "])
"""Every way of not giving a value: None, NaN, empty text, blank text."""

# -- integers ------------------------------------------------------------------------

valid_integers = st.one_of(
    st.integers(0, 120),
    st.integers(0, 120).map(str),
    st.integers(0, 120).map(lambda n: f" {n} "),
    st.integers(0, 120).map(float),
    st.integers(0, 120).map(np.int64),
)
invalid_integers = st.one_of(
    st.integers(-1000, -1),
    st.integers(-50, -1).map(str),
    st.booleans(),
    st.floats(0.01, 99.99).filter(lambda x: not x.is_integer()),
    st.sampled_from([math.inf, -math.inf, "abc", "3.5", "1e400", "three", "세 명"]),
    st.integers(2**63, 2**70),
    st.lists(st.integers(0, 5), min_size=1, max_size=2),
)

# -- categories ----------------------------------------------------------------------

AREA_SPELLINGS = ("metro", "city", "county", "특별·광역시", "광역시", "특별시", "시", "군", "METRO")
OPERATOR_SPELLINGS = (
    *OPERATOR_TYPES,
    "비영리법인",
    "대학",
    "대학교",
    "지자체 산하기관",
    "영리법인",
    "개인",
    " university ",
    "Nonprofit",
)
invalid_categories = st.one_of(
    st.sampled_from(["metroo", "town", "x", "nonprofit corp", "0"]),
    st.integers(1, 9),
    st.booleans(),
    st.floats(0.5, 3.5),
    st.lists(st.sampled_from(AREA_TYPES), min_size=1, max_size=2),
)

# -- booleans ------------------------------------------------------------------------

valid_booleans = st.one_of(
    st.booleans(),
    st.sampled_from(["true", "false", "yes", "no", "1", "0", "예", "아니오", "O", "X", " Yes "]),
    st.sampled_from([0, 1, 0.0, 1.0]),
    st.booleans().map(np.bool_),
)
invalid_booleans = st.one_of(
    st.sampled_from(["maybe", "2", "truee", "있다"]),
    st.integers(2, 9),
    st.integers(-9, -1),
    st.floats(0.1, 0.9),
    st.lists(st.booleans(), min_size=1, max_size=2),
)

# -- dates and times -----------------------------------------------------------------

KST = dt.timezone(dt.timedelta(hours=9))
_moments = st.datetimes(dt.datetime(2024, 4, 10), dt.datetime(2024, 5, 15))
"""Filing times around the flagship's window (2024-04-15 00:00 .. 2024-05-10 18:00 KST)."""
valid_datetimes = st.one_of(
    _moments.map(lambda t: t.strftime("%Y-%m-%d %H:%M")),
    _moments.map(lambda t: t.replace(microsecond=0).isoformat()),
    _moments.map(lambda t: t.replace(tzinfo=KST).isoformat()),
    _moments.map(lambda t: t.replace(tzinfo=KST).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
    _moments,
    _moments.map(pd.Timestamp),
    st.sampled_from(["2024-05-10 17:59:59", "2024-05-10 18:00", "2024-04-15 00:00"]),
)
invalid_datetimes = st.one_of(
    st.sampled_from(["2024-05-10", "yesterday", "2024-13-01 10:00", "10:00", "3024-01-01 00:00"]),
    st.integers(0, 10**9),
    st.booleans(),
    st.dates(dt.date(2024, 4, 1), dt.date(2024, 6, 1)),
)

# -- sets ----------------------------------------------------------------------------


def set_values(codes: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """A set field's value as a list, a tuple or ``"a;b"`` / ``"a, b"`` text."""
    subsets = st.lists(st.sampled_from(codes), unique=True, min_size=0, max_size=len(codes))
    nonempty = st.lists(st.sampled_from(codes), unique=True, min_size=1, max_size=len(codes))
    return st.one_of(
        subsets,
        subsets.map(tuple),
        nonempty.map(";".join),
        nonempty.map(", ".join),
    )


def invalid_set_values(codes: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """Unknown codes, non-text items and scalars of the wrong type."""
    return st.one_of(
        st.lists(st.sampled_from(codes), max_size=2).map(lambda xs: [*xs, "unknown_code"]),
        st.just("survey;nonsense"),
        st.lists(st.integers(0, 3), min_size=1, max_size=2),
        st.integers(0, 9),
        st.booleans(),
    )


# -- fields and records ----------------------------------------------------------------


def _with_missing(
    good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    return st.one_of(good, good, good, missing_values, bad)


FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "applicant_id": st.one_of(
        st.from_regex(r"[A-Z]-[0-9]{3}", fullmatch=True), st.integers(0, 999), missing_values
    ),
    "area_type": _with_missing(st.sampled_from(AREA_SPELLINGS), invalid_categories),
    "cluster_count": _with_missing(valid_integers, invalid_integers),
    "operator_type": _with_missing(st.sampled_from(OPERATOR_SPELLINGS), invalid_categories),
    "has_dedicated_space": _with_missing(valid_booleans, invalid_booleans),
    "has_equipment": _with_missing(valid_booleans, invalid_booleans),
    "offers_education": _with_missing(valid_booleans, invalid_booleans),
    "micro_manufacturer_related": _with_missing(valid_booleans, invalid_booleans),
    "staff": _with_missing(valid_integers, invalid_integers),
    "mandatory_programs": _with_missing(set_values(MANDATORY), invalid_set_values(MANDATORY)),
    "autonomous_programs": _with_missing(set_values(AUTONOMOUS), invalid_set_values(AUTONOMOUS)),
    "submitted_at": _with_missing(valid_datetimes, invalid_datetimes),
}
"""Raw values per flagship field: mostly usable, sometimes missing, sometimes invalid."""

wide_flags = st.one_of(valid_booleans, valid_booleans, missing_values, invalid_booleans)
"""The value of one ``mandatory_programs.survey``-style yes/no column."""


@st.composite
def records(
    draw: st.DrawFn,
    wide: dict[str, bool] | None = None,
    absent_ok: bool = True,
) -> dict[str, Any]:
    """A flagship record. ``wide`` says, per set field, whether it comes as yes/no columns.

    Without ``wide`` the form is drawn per record. Fields may be left out entirely
    (as if the column were not there) when ``absent_ok``.
    """
    record: dict[str, Any] = {}
    for name, values in FIELD_VALUES.items():
        if absent_ok and draw(st.integers(0, 9)) == 0:
            continue
        as_wide = (wide or {}).get(name) if wide else None
        if name in SET_CODES and (as_wide if as_wide is not None else draw(st.booleans())):
            for code in SET_CODES[name]:
                record[f"{name}.{code}"] = draw(wide_flags)
            continue
        record[name] = draw(values)
    return record


@st.composite
def batches(draw: st.DrawFn, max_size: int = 12) -> list[dict[str, Any]]:
    """A list of records whose set fields share one form (list/text or wide columns).

    Mixing the two forms in one table is ambiguous (the list column exists and is
    empty in the wide rows), so one form is drawn per set field per batch.
    """
    wide = {name: draw(st.booleans()) for name in SET_CODES}
    return draw(st.lists(records(wide=wide), min_size=0, max_size=max_size))


usable_records = st.fixed_dictionaries(
    {
        "applicant_id": st.from_regex(r"[A-Z]-[0-9]{3}", fullmatch=True),
        "area_type": st.sampled_from(AREA_TYPES),
        "cluster_count": st.integers(0, 80),
        "operator_type": st.sampled_from(OPERATOR_TYPES),
        "has_dedicated_space": st.booleans(),
        "has_equipment": st.booleans(),
        "offers_education": st.booleans(),
        "micro_manufacturer_related": st.booleans(),
        "staff": st.integers(0, 6),
        "mandatory_programs": st.lists(st.sampled_from(MANDATORY), unique=True),
        "autonomous_programs": st.lists(st.sampled_from(AUTONOMOUS), unique=True),
        "submitted_at": st.datetimes(dt.datetime(2024, 4, 15), dt.datetime(2024, 5, 10, 17, 59)),
    }
)
"""Flagship records with every field present and valid (eligible ones are common)."""


def input_field(name: str, kind: Any, codes: tuple[str, ...] = ()) -> Any:
    """A profile's input field named for both languages by its name, with these codes."""
    from selectlib.profile.model import Choice, Field, Text

    choices = tuple(Choice(code, Text(code, code)) for code in codes)
    return Field(name, kind, Text(name, name), choices=choices)


def object_frame(rows: list[dict[str, Any]], index: Any = None) -> pd.DataFrame:
    """A DataFrame of object columns holding the raw values as given (absent → None)."""
    names = list(dict.fromkeys(name for row in rows for name in row))
    columns = {}
    for name in names:
        column = np.empty(len(rows), dtype=object)
        for i, row in enumerate(rows):
            column[i] = row.get(name)
        columns[name] = column
    return pd.DataFrame(columns, index=index if index is not None else range(len(rows)))


def one_rule_profile(stages: Any, final: Any, profile_id: str = "test_program") -> Any:
    """A one-rule profile (``x >= 0``, everyone eligible) with this evaluation section,
    for the scoring tests that build committees of their own."""
    import selectlib

    text = {"ko": "x", "en": "x"}
    return selectlib.Profile.from_dict(
        {
            "id": profile_id,
            "name": {"ko": "시험 사업", "en": "Test program"},
            "valid_from": "2024-01-01",
            "identifier": "applicant_id",
            "fields": {
                "applicant_id": {"kind": "text", "required": False, "description": text},
                "x": {"kind": "integer", "description": text},
            },
            "parameters": {},
            "criteria": [
                {
                    "id": "x_ok",
                    "label": text,
                    "source": "test",
                    "condition": "x >= 0",
                    "messages": {"passed": text, "failed": text, "missing": text},
                }
            ],
            "evaluation": {"stages": stages, "final": final},
        }
    )
