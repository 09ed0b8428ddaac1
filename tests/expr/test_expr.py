"""The condition language, directly: meaning, type checks, safety and robustness.

Every expression that compiles is run through both evaluators (one record at a time
and a numpy column at a time) and the two must agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import examples, input_field

import selectlib
from selectlib.eligibility.coerce import MISSING
from selectlib.expr import Kind, ParamInfo, Symbols, Type, compile_condition
from selectlib.profile.model import FieldKind
from selectlib.profile.paramcheck import param_type
from selectlib.profile.params import Env

AREAS = ("metro", "city", "county")
PROGS = ("x", "y", "z")


FIELDS = {
    f.name: f
    for f in (
        input_field("n", FieldKind.INTEGER),
        input_field("m", FieldKind.NUMBER),
        input_field("a", FieldKind.BOOLEAN),
        input_field("b", FieldKind.BOOLEAN),
        input_field("area", FieldKind.CATEGORY, AREAS),
        input_field("progs", FieldKind.SET, PROGS),
        input_field("name", FieldKind.TEXT),
    )
}
PARAMS = {
    "limit": ParamInfo("limit", Type(Kind.NUMBER)),
    "table": ParamInfo("table", Type(Kind.TABLE, None, Kind.NUMBER)),
    "area_codes": ParamInfo("area_codes", Type(Kind.LIST, None, Kind.STRING)),
    "prog_codes": ParamInfo("prog_codes", Type(Kind.LIST, None, Kind.STRING)),
}
SYMBOLS = Symbols(FIELDS, PARAMS)
ENV_VALUES = {
    "limit": 10,
    "table": {"metro": 50, "city": 40, "county": 20},
    "area_codes": frozenset({"metro", "city"}),
    "prog_codes": frozenset({"x", "y"}),
}


def _env() -> Env:
    day = dt.date(2024, 5, 1)
    return Env(day, ENV_VALUES, dict.fromkeys(ENV_VALUES, day))


def _columns(rows: list[dict[str, Any]]) -> dict[str, tuple[np.ndarray, np.ndarray | None]]:
    """Typed rows as the numpy columns the vector path reads (missing → filler + mask)."""
    n = len(rows)
    out: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
    for name, field in FIELDS.items():
        raw = [row.get(name, MISSING) for row in rows]
        mask = np.array([v is MISSING for v in raw], dtype=bool)
        if field.kind is FieldKind.SET:
            values = np.array(
                [[v is not MISSING and code in v for code in field.codes] for v in raw],
                dtype=bool,
            ).reshape(n, len(field.codes))
        elif field.kind is FieldKind.CATEGORY:
            values = np.array([0 if v is MISSING else field.codes.index(v) for v in raw], np.int64)
        elif field.kind is FieldKind.TEXT:
            values = np.empty(n, dtype=object)
            values[:] = ["" if v is MISSING else v for v in raw]
        else:
            dtype = {FieldKind.INTEGER: np.int64, FieldKind.NUMBER: np.float64}.get(
                field.kind, bool
            )
            values = np.array([0 if v is MISSING else v for v in raw], dtype=dtype)
        out[name] = (values, mask if mask.any() else None)
    return out


def _full(row: dict[str, Any]) -> dict[str, Any]:
    return {name: row.get(name, MISSING) for name in FIELDS}


def _normal(value: Any) -> Any:
    return MISSING if value is MISSING else bool(value)


def run(source: str, rows: list[dict[str, Any]], symbols: Symbols = SYMBOLS) -> list[Any]:
    """Evaluate ``source`` on typed rows by both paths; assert they agree; return the results."""
    condition = compile_condition(source, symbols)
    env = _env()
    scalar = [_normal(condition.whole.scalar(_full(row), env)) for row in rows]
    values, missing = condition.whole.vector(_columns(rows), _env())
    values = np.broadcast_to(np.asarray(values), (len(rows),))
    missing = (
        np.zeros(len(rows), dtype=bool)
        if missing is None
        else np.broadcast_to(np.asarray(missing), (len(rows),))
    )
    vector = [MISSING if gone else bool(value) for value, gone in zip(values, missing, strict=True)]
    assert vector == scalar, (source, rows)
    return scalar


def one(source: str, **row: Any) -> Any:
    (result,) = run(source, [row])
    return result


# -- three-valued logic -------------------------------------------------------------------

TRUTH = (True, False, MISSING)


def _and(x: Any, y: Any) -> Any:
    if x is False or y is False:
        return False
    return MISSING if MISSING in (x, y) else True


def _or(x: Any, y: Any) -> Any:
    if x is True or y is True:
        return True
    return MISSING if MISSING in (x, y) else False


PAIRS = [{"a": x, "b": y} for x in TRUTH for y in TRUTH]


def test_kleene_and():
    assert run("a and b", PAIRS) == [_and(r["a"], r["b"]) for r in PAIRS]
    assert one("a and b", a=False, b=MISSING) is False
    assert one("a and b", a=MISSING, b=False) is False
    assert one("a and b", a=True, b=MISSING) is MISSING


def test_kleene_or():
    assert run("a or b", PAIRS) == [_or(r["a"], r["b"]) for r in PAIRS]
    assert one("a or b", a=True, b=MISSING) is True
    assert one("a or b", a=MISSING, b=True) is True
    assert one("a or b", a=False, b=MISSING) is MISSING


def test_kleene_not():
    assert run("not a", [{"a": True}, {"a": False}, {"a": MISSING}]) == [False, True, MISSING]
    assert run("not not a", [{"a": MISSING}, {"a": True}]) == [MISSING, True]


def test_kleene_with_comparisons_and_longer_chains():
    rows = [
        {"a": True, "n": MISSING},
        {"a": False, "n": MISSING},
        {"a": True, "n": 5},
        {"a": MISSING, "n": 1},
    ]
    assert run("a or n > 3", rows) == [True, MISSING, True, MISSING]
    assert run("a and n > 3", rows) == [MISSING, False, True, False]
    assert run("not a or n > 3 and b", [{"a": True, "n": 5, "b": MISSING}]) == [MISSING]
    assert run("a and b and n > 0", [{"a": True, "b": True, "n": 0}]) == [False]
    assert run("a or b or n > 0", [{"a": MISSING, "b": MISSING, "n": 1}]) == [True]


# -- arithmetic, functions, comparisons -------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "row", "expected"),
    [
        ("n + 2 * m - 1 == 9", {"n": 4, "m": 3.0}, True),
        ("(n + 2) * m == 18", {"n": 4, "m": 3.0}, True),
        ("n / m == 2", {"n": 4, "m": 2.0}, True),
        ("n / m > 1", {"n": 3, "m": 2.0}, True),
        ("-n < 0", {"n": 3}, True),
        ("+n == 3", {"n": 3}, True),
        ("min(n, m, 3) == 2", {"n": 2, "m": 5.0}, True),
        ("max(n, m) == 5", {"n": 2, "m": 5.0}, True),
        ("abs(n - 10) <= 2", {"n": 9}, True),
        ("abs(n - 10) <= 2", {"n": 7}, False),
        ("count_in(progs, ['x', 'y']) == 2", {"progs": frozenset({"x", "y", "z"})}, True),
        ("count_in(progs, prog_codes) == 1", {"progs": frozenset({"y", "z"})}, True),
        ("includes_all(progs, ['x', 'y'])", {"progs": frozenset({"x", "y"})}, True),
        ("includes_all(progs, ['x', 'y'])", {"progs": frozenset({"x"})}, False),
        ("includes_all(progs, [])", {"progs": frozenset()}, True),
        ("includes_any(progs, ['z'])", {"progs": frozenset({"x", "z"})}, True),
        ("includes_any(progs, ['z'])", {"progs": frozenset()}, False),
        ("size(progs) >= 2", {"progs": frozenset({"x", "y"})}, True),
        ("size(progs) == 0", {"progs": frozenset()}, True),
        ("size(prog_codes) == 2", {}, True),
        ("size(['a', 'b', 'c']) == 3", {}, True),
        ("'x' in progs", {"progs": frozenset({"x"})}, True),
        ("'x' not in progs", {"progs": frozenset({"x"})}, False),
        ("0 < n < 10", {"n": 5}, True),
        ("0 < n < 10", {"n": 10}, False),
        ("1 <= n <= m", {"n": 1, "m": 1.0}, True),
        ("n < m < limit", {"n": 1, "m": 11.0}, False),
        ("n == m", {"n": 2, "m": 2.0}, True),
        ("n != m", {"n": 2, "m": 2.0}, False),
        ("area in ['metro', 'city']", {"area": "city"}, True),
        ("area in ['metro', 'city']", {"area": "county"}, False),
        ("area not in ['county']", {"area": "metro"}, True),
        ("area == 'county'", {"area": "county"}, True),
        ("'county' == area", {"area": "metro"}, False),
        ("area != 'county'", {"area": "county"}, False),
        ("area in area_codes", {"area": "city"}, True),
        ("area == area", {"area": "city"}, True),
        ("n in [1, 2, 3]", {"n": 2}, True),
        ("n not in [1, 2, 3]", {"n": 2}, False),
        ("m in [0.5, 1.5]", {"m": 1.5}, True),
        ("name == 'abc'", {"name": "abc"}, True),
        ("name in ['a', 'b']", {"name": "c"}, False),
        ("n >= table[area]", {"n": 40, "area": "city"}, True),
        ("n >= table[area]", {"n": 39, "area": "city"}, False),
        ("table['county'] == 20", {}, True),
        ("a == b", {"a": True, "b": True}, True),
        ("a != b", {"a": True, "b": True}, False),
        ("true and not false", {}, True),
        ("n >= limit * 2", {"n": 20}, True),
        ("2.5 * 2 == 5", {}, True),
    ],
)
def test_meaning(source, row, expected):
    assert one(source, **row) is expected


@pytest.mark.parametrize(
    ("source", "row"),
    [
        ("n / m > 1", {"n": 3, "m": 0.0}),
        ("n / (m - 2) > 1", {"n": 3, "m": 2.0}),
        ("n / 0 == 0", {"n": 3}),
        ("n + m > 1", {"n": MISSING, "m": 1.0}),
        ("min(n, m) >= 0", {"n": 1, "m": MISSING}),
        ("abs(n) >= 0", {"n": MISSING}),
        ("n >= table[area]", {"n": 40, "area": MISSING}),
        ("area in ['metro']", {"area": MISSING}),
        ("'x' in progs", {"progs": MISSING}),
        ("size(progs) > 0", {"progs": MISSING}),
        ("count_in(progs, ['x']) > 0", {"progs": MISSING}),
        ("name == 'a'", {"name": MISSING}),
        ("0 < n < 10", {"n": MISSING}),
    ],
)
def test_missing_and_division_by_zero_give_missing(source, row):
    assert one(source, **row) is MISSING


def test_division_by_zero_in_a_column_only_affects_its_row():
    rows = [{"n": 4, "m": 2.0}, {"n": 4, "m": 0.0}, {"n": 1, "m": 4.0}]
    assert run("n / m >= 1", rows) == [True, MISSING, False]


def test_chained_comparison_is_false_when_one_link_is_false_even_if_another_is_missing():
    assert one("n < 0 < m", n=MISSING, m=-1.0) is False
    assert one("n < 0 < m", n=MISSING, m=1.0) is MISSING


def test_condition_exposes_value_threshold_and_operator():
    condition = compile_condition("n >= table[area]", SYMBOLS)
    assert condition.symbol == ">="
    env = _env()
    row = _full({"n": 45, "area": "city"})
    assert condition.value.scalar(row, env) == 45
    assert condition.threshold.scalar(row, env) == 40
    assert condition.op(45, 40) is True


def test_vector_arithmetic_does_not_overflow():
    # the scalar path computes 10**19 > 0 exactly; int64 columns must not wrap around
    rows = [{"n": 10_000}, {"n": 1}]
    assert run("n * 1000000000000000 > 0", rows) == [True, True]


def test_works_with_the_flagship_symbols():
    profile = selectlib.load_profile("micro_manufacturer_center_2024")
    symbols = Symbols(
        {f.name: f for f in profile.fields},
        {p.name: ParamInfo(p.name, param_type(p)[0]) for p in profile.parameters},
    )
    for criterion in profile.criteria:
        compiled = compile_condition(criterion.condition, symbols)
        assert compiled.whole.type.kind is Kind.BOOL
    with pytest.raises(selectlib.ExpressionError, match="'metroo' not among the codes"):
        compile_condition("area_type == 'metroo'", symbols)


# -- type errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("n > 'abc'", "needs number, got text"),
        ("'abc' < n", "needs number, got text"),
        ("name > 3", "needs number, got text"),
        ("n == 'abc'", "cannot compare number with text"),
        ("n == a", "cannot compare number with yes/no"),
        ("area == 'metroo'", "'metroo' not among the codes metro, city, county"),
        ("'metroo' == area", "'metroo' not among the codes"),
        ("area in ['metro', 'metroo']", "'metroo' not among the codes"),
        ("'w' in progs", "'w' not among the codes x, y, z"),
        ("count_in(progs, ['x', 'w']) > 0", "'w' not among the codes"),
        ("count_in(progs, [1, 2]) > 0", "list of codes"),
        ("count_in(n, ['x']) > 0", "needs set of codes, got number"),
        ("nope > 1", "unknown name 'nope'"),
        ("staff >= 3", "unknown name 'staff'"),
        ("foo(n) > 1", "unknown function 'foo'"),
        ("sum(progs) > 1", "unknown function 'sum'"),
        ("n and a", "needs yes/no, got number"),
        ("not n", "needs yes/no, got number"),
        ("n", "a condition needs yes/no, got number"),
        ("n + 1", "needs yes/no"),
        ("'abc'", "needs yes/no, got text"),
        ("a + 1 > 0", "arithmetic needs number, got yes/no"),
        ("name * 2 > 0", "arithmetic needs number, got text"),
        ("size(n) > 0", "size() takes one set field or list"),
        ("min(n) > 0", "at least 2"),
        ("abs(n, m) > 0", "abs() takes one argument"),
        ("min(n, 'a') > 0", "needs number, got text"),
        ("n[0] > 1", "only table parameters can be looked up"),
        ("table[n] > 1", "needs text, got number"),
        ("table[name] > 1", "a table key must be a category field or a text literal"),
        ("n in progs", "needs text, got number"),
        ("area in n", "right side of 'in' must be a list"),
        ("n in ['a', 'b']", "needs text, got number"),
        ("[1, 'a'] == [1]", "only text or only numbers"),
        ("max(n, m, key=1) > 0", "keyword"),
        ("n is 1", "'is' / 'is not' are not allowed"),
    ],
)
def test_type_errors_are_rejected_clearly(source, message):
    with pytest.raises(selectlib.ExpressionError) as info:
        compile_condition(source, SYMBOLS)
    assert message in str(info.value)
    assert info.value.source == source


def test_unknown_name_lists_the_known_names():
    with pytest.raises(selectlib.ExpressionError) as info:
        compile_condition("nope > 1", SYMBOLS)
    for name in (*FIELDS, *PARAMS):
        assert name in str(info.value)


def test_unknown_function_lists_the_allowed_functions():
    with pytest.raises(selectlib.ExpressionError) as info:
        compile_condition("foo(n) > 1", SYMBOLS)
    for name in ("abs", "count_in", "includes_all", "includes_any", "max", "min", "size"):
        assert name in str(info.value)


def test_error_says_the_column():
    with pytest.raises(selectlib.ExpressionError) as info:
        compile_condition("n > 1 and nope", SYMBOLS)
    assert info.value.column == 11
    assert "at column 11" in str(info.value)


# -- security ----------------------------------------------------------------------------

HOSTILE = [
    ('__import__("os").system("x")', "only the named functions can be called"),
    ("__import__('os')", "unknown function '__import__'"),
    ("().__class__", "attribute access"),
    ("n.__class__.__mro__", "attribute access"),
    ("10**10**10", "'**'"),
    ("n ** 2 > 1", "'**'"),
    ("lambda: 1", "lambdas are not allowed"),
    ("[x for x in y]", "comprehensions are not allowed"),
    ("{x for x in y}", "comprehensions are not allowed"),
    ("(x for x in y)", "generator expressions are not allowed"),
    ("a.b", "attribute access"),
    ('open("f")', "unknown function 'open'"),
    ('eval("1")', "unknown function 'eval'"),
    ('getattr(n, "x")', "unknown function 'getattr'"),
    ('f"{x}"', "f-strings are not allowed"),
    ("x if y else z", "'x if c else y' is not allowed"),
    ('{"a": 1}', "dict literals are not allowed"),
    ("(n := 3) > 1", "':=' is not allowed"),
    ("[*progs]", "a list may only hold text or number literals"),
    ("max(*progs) > 1", "'*' unpacking is not allowed"),
    ("await n", "'await' is not allowed"),
    ("progs[1:2]", "only table parameters"),
    ("table[1:2] > 0", "slices are not allowed"),
    ("n // 2 > 1", "'//'"),
    ("n % 2 == 0", "'%'"),
    ("n << 2 > 1", "'<<'"),
    ("~n > 1", "'~'"),
    ("n @ m > 1", "'@'"),
    ("n & 1 == 1", "'&'"),
    ("b'x' == b'x'", "literal b'x' is not allowed"),
    ("... == n", "literal Ellipsis is not allowed"),
    ("1j == n", "is not allowed"),
    ("99999999999999999999 > n", "too large"),
    ("1e309 > n", "too large"),
    ("n > 1; import os", "syntax error"),
    ("import os", "syntax error"),
    ("__builtins__", "names starting with '_' are not allowed"),
    ("_x > 1", "names starting with '_' are not allowed"),
]


@pytest.mark.parametrize(("source", "message"), HOSTILE)
def test_hostile_input_is_rejected_at_compile_time(source, message):
    with pytest.raises(selectlib.ExpressionError) as info:
        compile_condition(source, SYMBOLS)
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_very_long_expression_is_rejected_before_parsing():
    source = ("n + " * 25_000)[:-3] + "> 0"
    assert len(source) == 100_000
    with pytest.raises(selectlib.ExpressionError, match="longer than 1000 characters"):
        compile_condition(source, SYMBOLS)
    # the message quotes only the start of the expression, not all of it
    with pytest.raises(selectlib.ExpressionError) as info:
        compile_condition(source, SYMBOLS)
    assert len(str(info.value)) < 500


def test_thousand_nested_parentheses_are_rejected():
    source = "(" * 1000 + "a" + ")" * 1000
    # rejected by the length limit or the nesting limit, never by a RecursionError
    with pytest.raises(selectlib.ExpressionError, match=r"nested|longer than 1000"):
        compile_condition(source, SYMBOLS)


@pytest.mark.parametrize(
    "source",
    [
        "not " * 100 + "a",
        "(" * 300 + "a" + ")" * 300,
        "-" * 200 + "n > 0",
        " and ".join(["(a"] * 60) + ")" * 60,
        "n" + " + n" * 150 + " > 0",
        "abs(" * 60 + "n" + ")" * 60 + " > 0",
    ],
)
def test_deep_nesting_is_rejected(source):
    assert len(source) <= 1000
    with pytest.raises(selectlib.ExpressionError, match="nested"):
        compile_condition(source, SYMBOLS)


@pytest.mark.parametrize("source", ["", "   ", "\n"])
def test_empty_condition_is_rejected(source):
    with pytest.raises(selectlib.ExpressionError, match="empty"):
        compile_condition(source, SYMBOLS)


@pytest.mark.parametrize("source", [None, 3, b"n > 1", ["n > 1"]])
def test_non_text_condition_is_rejected(source):
    with pytest.raises(selectlib.ExpressionError, match="must be text"):
        compile_condition(source, SYMBOLS)


# -- fuzzing -------------------------------------------------------------------------------

TOKENS = st.sampled_from(
    [
        *FIELDS,
        *PARAMS,
        "staff",
        "__class__",
        "__import__",
        "_x",
        "true",
        "false",
        "None",
        "0",
        "1",
        "2.5",
        "-1",
        "1e400",
        "99999999999999999999",
        "'metro'",
        "'x'",
        "'metroo'",
        '""',
        "+",
        "-",
        "*",
        "/",
        "//",
        "%",
        "**",
        "<",
        "<=",
        ">",
        ">=",
        "==",
        "!=",
        "and",
        "or",
        "not",
        "in",
        "is",
        "if",
        "else",
        "for",
        "lambda",
        ":",
        ":=",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ",",
        ".",
        "@",
        "~",
        "min",
        "max",
        "abs",
        "size",
        "count_in",
        "includes_all",
        "includes_any",
        "open",
        "eval",
        "f'{n}'",
        "\\",
        "#",
        "\x00",
        ";",
    ]
)
token_soup = st.lists(TOKENS, max_size=30).map(" ".join)


def _compile_or_selectlib_error(source: str):
    try:
        return compile_condition(source, SYMBOLS)
    except selectlib.SelectlibError:
        return None


@settings(max_examples=examples(1500), deadline=None)
@given(source=st.text(max_size=200))
def test_fuzz_text_only_raises_selectlib_errors(source):
    _compile_or_selectlib_error(source)


@settings(max_examples=examples(2000), deadline=None)
@given(source=token_soup)
def test_fuzz_token_soup_only_raises_selectlib_errors(source):
    _compile_or_selectlib_error(source)


# typed grammar: mostly well-formed expressions, to reach the evaluators

NUM_ATOMS = st.sampled_from(
    [
        "n",
        "m",
        "limit",
        "table[area]",
        "table['city']",
        "size(progs)",
        "size(prog_codes)",
        "count_in(progs, ['x', 'z'])",
        "count_in(progs, prog_codes)",
        *map(str, range(10)),
        "0.5",
    ]
)
BOOL_ATOMS = st.sampled_from(
    [
        "a",
        "b",
        "true",
        "false",
        "'x' in progs",
        "area == 'metro'",
        "area in ['city', 'county']",
        "area in area_codes",
        "name == 'abc'",
        "name in ['a', 'abc']",
        "includes_all(progs, prog_codes)",
        "includes_any(progs, ['y', 'z'])",
        "n in [1, 2, 3]",
        "m not in [0.5]",
    ]
)


def _nums(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(st.sampled_from(["min", "max"]), inner, inner).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"
        ),
        inner.map(lambda x: f"abs({x})"),
        inner.map(lambda x: f"-{x}"),
    )


numbers = st.recursive(NUM_ATOMS, _nums, max_leaves=8)
COMPARE = st.sampled_from(["<", "<=", ">", ">=", "==", "!="])


def _bools(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        inner.map(lambda x: f"(not {x})"),
        st.tuples(inner, st.sampled_from(["==", "!="]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
    )


comparisons = st.one_of(
    st.tuples(numbers, COMPARE, numbers).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
    st.tuples(numbers, numbers, numbers).map(lambda t: f"{t[0]} < {t[1]} <= {t[2]}"),
)
conditions = st.recursive(st.one_of(BOOL_ATOMS, comparisons), _bools, max_leaves=6)


def _maybe(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(values, values, st.just(MISSING))


typed_rows = st.fixed_dictionaries(
    {
        "n": _maybe(st.integers(0, 20)),
        "m": _maybe(st.sampled_from([0.0, 0.5, 1.0, 2.5, 3.0, 7.0])),
        "a": _maybe(st.booleans()),
        "b": _maybe(st.booleans()),
        "area": _maybe(st.sampled_from(AREAS)),
        "progs": _maybe(st.frozensets(st.sampled_from(PROGS))),
        "name": _maybe(st.sampled_from(["abc", "a", "zz"])),
    }
)


@settings(max_examples=examples(600), deadline=None)
@given(source=conditions, rows=st.lists(typed_rows, min_size=1, max_size=6))
def test_fuzz_scalar_and_vector_agree_on_well_formed_conditions(source, rows):
    if _compile_or_selectlib_error(source) is None:
        return
    run(source, rows)


@settings(max_examples=examples(400), deadline=None)
@given(source=conditions, data=st.data())
def test_fuzz_mutated_conditions_only_raise_selectlib_errors(source, data):
    position = data.draw(st.integers(0, len(source)))
    cut = data.draw(st.integers(0, 5))
    insert = data.draw(st.one_of(TOKENS, st.text(max_size=3)))
    mutated = source[:position] + insert + source[position + cut :]
    _compile_or_selectlib_error(mutated)


@pytest.mark.parametrize(
    ("source", "expected"),
    [("a and b", Kind.BOOL), ("n + 1 > 2", Kind.BOOL), ("size(progs) >= limit", Kind.BOOL)],
)
def test_compiled_type_is_yes_no(source, expected):
    assert compile_condition(source, SYMBOLS).whole.type.kind is expected


def test_compiled_condition_records_what_it_uses():
    condition = compile_condition("n >= table[area] and 'x' in progs", SYMBOLS)
    assert condition.whole.fields == frozenset({"n", "area", "progs"})
    assert condition.whole.params == frozenset({"table"})
