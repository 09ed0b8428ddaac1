"""evaluate_many(explain=True): value and threshold columns agree with evaluate()."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from strategies import examples, records

import selectlib

ON = "2024-05-01"


def _plain(value: object) -> object:
    return None if pd.isna(value) else value  # type: ignore[arg-type]


@settings(max_examples=examples(150), deadline=None)
@given(
    rows=records().map(lambda r: [r]) | records().flatmap(lambda r: records().map(lambda s: [r, s]))
)
def test_explanation_columns_match_the_scalar_decision(rows: list[dict[str, object]]) -> None:
    profile = selectlib.load_profile("micro_manufacturer_center_2024")
    table = profile.evaluate_many(rows, on=ON, explain=True)
    for index, record in enumerate(rows):
        decision = profile.evaluate(record, on=ON)
        for result in decision.criteria:
            column = f"{result.id}.value"
            if column not in table.columns:
                continue
            seen = _plain(table[column].iloc[index])
            assert seen == (None if result.value is None else result.value), (result.id, record)
            threshold = f"{result.id}.threshold"
            if threshold in table.columns:
                assert _plain(table[threshold].iloc[index]) == result.threshold, (result.id, record)


def test_explanation_columns_for_the_flagship(flagship: selectlib.Profile) -> None:
    rows = [
        {"area_type": "metro", "cluster_count": 49, "staff": 2, "operator_type": "for_profit"},
        {"area_type": "county", "cluster_count": 25},
        {},
    ]
    table = flagship.evaluate_many(rows, on=ON, explain=True)
    assert table["cluster_size.value"].tolist()[:2] == [49, 25]
    assert table["cluster_size.threshold"].tolist()[:2] == [50, 20]
    assert table["operating_staff.threshold"].tolist() == [3, 3, 3]  # a parameter, every row
    assert table["nonprofit_operator.value"].astype(object).tolist()[0] == "for_profit"
    assert table["cluster_size.value"].isna().tolist() == [False, False, True]
    assert table["cluster_size.threshold"].isna().tolist() == [False, False, True]
    plain = flagship.evaluate_many(rows, on=ON)
    assert not any("." in column for column in plain.columns)  # only when asked
