"""A comparison with a table looked up by category gives, per distinct entry, what the
row-by-row lookup gives: on tables long enough to take that path, every operator, both
sides, missing values, entries a table lacks, and tables with too many entries."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import examples, input_field

from selectlib.eligibility.coerce import MISSING
from selectlib.expr import Kind, ParamInfo, Symbols, Type, compile_condition, lookups
from selectlib.profile.model import FieldKind
from selectlib.profile.params import Env

AREAS = ("metro", "city", "county", "island", "north", "south")
ROWS = 1100  # over the lookups' row threshold, so the per-entry path runs


FIELDS = {
    f.name: f
    for f in (
        input_field("n", FieldKind.INTEGER),
        input_field("m", FieldKind.NUMBER),
        input_field("area", FieldKind.CATEGORY, AREAS),
    )
}
SYMBOLS = Symbols(FIELDS, {"table": ParamInfo("table", Type(Kind.TABLE, None, Kind.NUMBER))})

rows = st.lists(
    st.tuples(
        st.one_of(st.integers(-5, 60), st.just(MISSING)),
        st.one_of(st.sampled_from([-1.5, 0.0, 19.5, 20.0, 40.0, 50.25]), st.just(MISSING)),
        st.one_of(st.sampled_from(AREAS), st.just(MISSING)),
    ),
    min_size=1,
    max_size=30,
)
tables = st.dictionaries(
    st.sampled_from(AREAS),
    st.one_of(st.sampled_from([20, 40, 50]), st.sampled_from([0.5, 20.0, 49.75])),
    max_size=len(AREAS),
)
sources = st.tuples(
    st.sampled_from(["<", "<=", ">", ">="]),
    st.sampled_from(["n", "m", "7"]),
    st.booleans(),
).map(lambda t: f"{t[1]} {t[0]} table[area]" if t[2] else f"table[area] {t[0]} {t[1]}")


def _columns(sample: list[tuple[Any, Any, Any]]) -> dict[str, tuple[np.ndarray, Any]]:
    n, m, area = zip(*sample, strict=True)
    out = {}
    for name, values, dtype in (("n", n, np.int64), ("m", m, np.float64)):
        missing = np.array([v is MISSING for v in values])
        filled = np.array([0 if v is MISSING else v for v in values], dtype=dtype)
        out[name] = (filled, missing if missing.any() else None)
    missing = np.array([v is MISSING for v in area])
    codes = np.array([0 if v is MISSING else AREAS.index(v) for v in area], dtype=np.int8)
    out["area"] = (codes, missing if missing.any() else None)
    return out


@settings(max_examples=examples(300), deadline=None)
@given(sample=rows, table=tables, source=sources)
def test_per_entry_comparison_is_the_row_by_row_one(sample, table, source):
    sample = (sample * (ROWS // len(sample) + 1))[:ROWS]
    condition = compile_condition(source, SYMBOLS)
    env = Env(dt.date(2024, 5, 1), {"table": table}, {"table": dt.date(2024, 5, 1)})
    with mock.patch.object(lookups, "_groups", wraps=lookups._groups) as spy:
        values, missing = condition.whole.vector(_columns(sample), env)
    missing = np.broadcast_to(False if missing is None else missing, (ROWS,))
    got = [MISSING if gone else bool(v) for v, gone in zip(values, missing, strict=True)]
    records = [dict(zip(("n", "m", "area"), row, strict=True)) for row in sample]
    expected = [condition.whole.scalar(record, env) for record in records]
    assert got == [v if v is MISSING else bool(v) for v in expected]
    spy.assert_called_once()  # the per-entry path ran (it has at most three entries)


def test_tables_with_many_distinct_entries_are_looked_up_row_by_row():
    table = dict(zip(AREAS, [10, 20, 30, 40, 50, 60], strict=True))
    assert lookups._groups(table, AREAS) is None
    sample = [(n, 1.0, area) for n in range(0, 70, 7) for area in AREAS] * 20
    condition = compile_condition("n >= table[area]", SYMBOLS)
    env = Env(dt.date(2024, 5, 1), {"table": table}, {"table": dt.date(2024, 5, 1)})
    values, missing = condition.whole.vector(_columns(sample), env)
    assert missing is None
    assert values.tolist() == [n >= table[area] for n, _, area in sample]


@pytest.mark.parametrize("source", ["n >= table[area]", "table[area] < m"])
def test_the_flagships_thresholds_by_hand(source):
    """50 / 40 / 20 firms by area type: 45 firms pass in a city and a county, not a metro."""
    table = {"metro": 50, "city": 40, "county": 20}
    sample = [(45, 45.0, "metro"), (45, 45.0, "city"), (45, 45.0, "county")] * 400
    condition = compile_condition(source, SYMBOLS)
    env = Env(dt.date(2024, 5, 1), {"table": table}, {"table": dt.date(2024, 5, 1)})
    values, missing = condition.whole.vector(_columns(sample), env)
    assert values[:3].tolist() == [False, True, True]
    # island, north and south have no entry: a row with them would be missing
    assert not np.any(missing)
