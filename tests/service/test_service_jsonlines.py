"""A batch's JSON lines, written a column at a time, say what pandas' ``to_json`` says."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
from conftest import good_record

import selectlib
from selectlib.service.jsonlines import json_lines


def _lines(data: bytes | str) -> list[dict[str, Any]]:
    text = data.decode() if isinstance(data, bytes) else data
    return [json.loads(line) for line in text.splitlines()]


def test_every_kind_of_column_reads_back_as_pandas_writes_it() -> None:
    frame = pd.DataFrame(
        {
            "loose": pd.Series(
                [None, 1, 1.5, float("inf"), float("nan"), "x", [1], {"k": "v"}, True, np.int64(3)],
                dtype=object,
            ),
            "flag": pd.array([True, None, False, True, True, False, None, True, False, True]),
            "count": pd.array([1, None, 3, 4, 5, 6, 7, 8, 9, 2**62], dtype="Int64"),
            "status": pd.Categorical(["x", None, "y", "x", "x", "x", "x", "x", "x", "한"]),
            "text": pd.Series(['a"q', None, "b\\", "c\n", "\x01", "e", "f", "g", "h", "예"]),
            "plain": pd.Series(["a", None, "b", "c", "d", "e", "f", "g", "h", "한"], dtype="str"),
        }
    )
    written = json_lines(frame)
    assert written.endswith(b"}\n")
    assert written.count(b"\n") == len(frame)
    assert _lines(written) == _lines(frame.to_json(orient="records", lines=True))


def test_a_result_table_reads_back_as_pandas_writes_it() -> None:
    records = [good_record(), good_record(staff="three"), good_record(staff=None), {}]
    results = selectlib.load_profile("micro_manufacturer_center_2024").evaluate_many(
        records, on="2024-05-01"
    )
    expected = _lines(results.to_json(orient="records", lines=True, force_ascii=False))
    assert _lines(json_lines(results)) == expected
    assert _lines(json_lines(results.iloc[1:3])) == expected[1:3]
    assert json_lines(results.iloc[:0]) == b""
